/** `kvik server [redis.conf] [--option value ...]`: the server as a process. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { KvikServer } from './server.js';
import { applyDirectives, commandLineToConfigText, parseConfigText } from './config-file.js';

export async function runServerCommand(args: string[]): Promise<void> {
  const server = new KvikServer();
  let rest = args;
  try {
    if (rest.length > 0 && !rest[0].startsWith('--')) {
      const file = resolve(rest[0]);
      applyDirectives(server.config, parseConfigText(readFileSync(file, 'latin1'), file));
      server.config.file = file;
      rest = rest.slice(1);
    }
    if (rest.length > 0) {
      applyDirectives(server.config, parseConfigText(commandLineToConfigText(rest), ''));
    }
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
  try {
    await server.start();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') {
      const port = server.config.get('port');
      process.stderr.write(
        `kvik: port ${port} is already in use (another Redis or Kvik?).\n` +
          `Pick another one: npm start -- --port 6380   or   kvik server --port 6380\n`,
      );
    } else {
      process.stderr.write(`kvik: could not start: ${e.message}\n`);
    }
    process.exit(1);
  }
  process.stdout.write(
    `Kvik ready to accept connections on port ${server.port} (Redis 7.0 compatible)\n`,
  );
  const stop = () => void server.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await server.closed;
  process.exit(0);
}
