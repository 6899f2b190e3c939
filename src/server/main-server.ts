/**
 * `kvik server [/path/to/redis.conf] [--option value ...]`: the server as a process, started the
 * way redis-server starts (configuration errors in Redis's words and exit status 1), logging its
 * few lines to stdout or the configured logfile, and exiting with 0 after SHUTDOWN or a signal.
 */
import { appendFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { KvikServer } from './server.js';
import {
  ConfigFileError,
  ConfigFileUnreadable,
  loadConfiguration,
  parseCommandLine,
} from './config-file.js';
import { KVIK_VERSION } from '../package-version.js';
import { REDIS_VERSION } from './info.js';
import { settleLoadedDataset, withLoadingHeapGrowth } from './heap-tuning.js';
import { StartupLoadError } from '../persistence/startup-load.js';
import { AclStartupError } from '../acl/acl.js';
import type { Config } from './config.js';

const USAGE = `Usage: kvik server [/path/to/redis.conf] [options] [-]
       kvik server -v or --version
       kvik server -h or --help

Examples:
       kvik server (run the server with default configuration)
       kvik server /etc/redis/6379.conf
       kvik server --port 7777
       kvik server --port 7777 --replicaof 127.0.0.1 8888
       kvik server /etc/myredis.conf --loglevel verbose -
       kvik server /etc/myredis.conf --loglevel verbose
`;

export async function runServerCommand(args: string[]): Promise<void> {
  if (args[0] === '-v' || args[0] === '--version') {
    process.stdout.write(`Kvik server v=${KVIK_VERSION} redis_version=${REDIS_VERSION}\n`);
    return;
  }
  if (args[0] === '-h' || args[0] === '--help') {
    process.stdout.write(USAGE);
    return;
  }
  const server = new KvikServer();
  server.afterStartupLoad = settleLoadedDataset;
  try {
    loadConfiguration(server, parseCommandLine(args));
  } catch (err) {
    if (!(err instanceof ConfigFileError || err instanceof ConfigFileUnreadable)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  const log = new ServerLog(server.config);
  server.log = (level, message) => log.write(level, message);
  server.loadOnStart = true;
  if (server.config.boolValue('daemonize')) {
    log.write('warning', 'daemonize is not supported: run Kvik under a process manager instead.');
  }
  if (server.config.value<readonly string[]>('bind').length === 0) {
    log.write('warning', 'Configured to not listen anywhere, exiting.');
    process.exit(1);
  }
  // Before listening, so that a signal arriving as soon as clients can connect is handled.
  const onSignal = (signal: 'SIGINT' | 'SIGTERM') => {
    log.write('warning', `Received ${signal} scheduling shutdown...`);
    server.shutdown({});
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  try {
    await withLoadingHeapGrowth(() => server.start());
  } catch (err) {
    if (err instanceof StartupLoadError || err instanceof AclStartupError) {
      log.write('warning', err.message);
      process.exit(1);
    }
    const e = err as NodeJS.ErrnoException;
    const port = server.config.get('port');
    if (e.code === 'EADDRINUSE') {
      process.stderr.write(
        `kvik: port ${port} is already in use (another Redis or Kvik?).\n` +
          `Pick another one: npm start -- --port 6380   or   kvik server --port 6380\n`,
      );
    } else {
      process.stderr.write(`kvik: could not listen on port ${port}: ${e.message}\n`);
    }
    process.exit(1);
  }
  const pidfile = server.config.value<string | null>('pidfile');
  if (pidfile !== null) writeFileSync(pidfile, `${process.pid}\n`);
  log.write(
    'notice',
    `Kvik ${KVIK_VERSION} (Redis ${REDIS_VERSION} compatible) ready to accept connections on port ${server.port}`,
  );
  await server.closed;
  if (pidfile !== null) removeQuietly(pidfile);
  log.write('warning', 'Kvik is now ready to exit, bye bye...');
  process.exit(0);
}

/** Redis's log line format, honouring loglevel and logfile. */
class ServerLog {
  private static readonly LEVELS = ['debug', 'verbose', 'notice', 'warning'];
  private static readonly MARKS = ['.', '-', '*', '#'];

  constructor(private readonly config: Config) {}

  write(level: 'debug' | 'verbose' | 'notice' | 'warning', message: string): void {
    const rank = ServerLog.LEVELS.indexOf(level);
    if (rank < ServerLog.LEVELS.indexOf(this.config.get('loglevel')!)) return;
    const line = `${process.pid}:M ${timestamp(new Date())} ${ServerLog.MARKS[rank]} ${message}\n`;
    const file = this.config.get('logfile')!;
    if (file === '') process.stdout.write(line);
    else appendFileSync(file, line);
  }
}

/** "21 Nov 2026 21:16:08.279", as Redis's log. */
function timestamp(date: Date): string {
  const months = [
    'Jan',
    'Feb',
    'Mar',
    'Apr',
    'May',
    'Jun',
    'Jul',
    'Aug',
    'Sep',
    'Oct',
    'Nov',
    'Dec',
  ];
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return (
    `${pad(date.getDate())} ${months[date.getMonth()]} ${date.getFullYear()} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`
  );
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
