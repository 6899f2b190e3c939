#!/usr/bin/env node
/** The `kvik` command. */
import { tuneHeapForServer } from './server/heap-tuning.js';

const [role, ...args] = process.argv.slice(2);

const usage = `Usage: kvik <command> [options]

Commands:
  server [/path/to/redis.conf] [--option value ...]   run a Redis-compatible server
  cli [options] [command [args...]]                   a redis-cli work-alike (kvik cli --help)
`;

switch (role) {
  case 'server': {
    // Before the server's modules load: see heap-tuning.ts.
    tuneHeapForServer();
    const { runServerCommand } = await import('./server/main-server.js');
    await runServerCommand(args);
    break;
  }
  case 'cli': {
    const { runCli } = await import('./cli/index.js');
    process.exit(await runCli(args));
    break;
  }
  case undefined:
  case '-h':
  case '--help':
  case 'help':
    process.stdout.write(usage);
    break;
  default:
    process.stderr.write(`kvik: unknown command '${role}'\n\n${usage}`);
    process.exit(1);
}
