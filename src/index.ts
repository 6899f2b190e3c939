/**
 * The public API: an in-process Kvik server for tests and embedding.
 *
 *   const server = await startServer({ port: 0 });
 *   // ... connect any Redis client to server.host:server.port ...
 *   await server.close();
 */
import { KvikServer } from './server/server.js';
import type { Clock } from './keyspace/keyspace.js';

export type { Clock } from './keyspace/keyspace.js';
export { KvikServer } from './server/server.js';

export interface StartServerOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Address to listen on; 127.0.0.1 by default. */
  host?: string;
  /** Time source: pass a ManualClock to move time forward in tests. */
  clock?: Clock;
  /**
   * Any redis.conf parameters, e.g. `{ requirepass: 'secret', databases: 4 }`. An embedded
   * server persists nothing unless asked: `save` defaults to "" (no snapshot rules), and only a
   * server given a `dir` loads its data from there at start (dump.rdb, or the AOF with
   * appendonly yes), as `kvik server` does.
   */
  config?: Record<string, string | number | boolean>;
}

export interface RunningServer {
  readonly port: number;
  readonly host: string;
  /** The server object itself, for tests that look inside. */
  readonly server: KvikServer;
  /** Stops accepting connections, closes clients, resolves when done. */
  close(): Promise<void>;
}

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const server = new KvikServer({ clock: options.clock });
  const host = options.host ?? '127.0.0.1';
  server.config.load('save', '');
  server.loadOnStart = options.config?.dir !== undefined;
  for (const [name, value] of Object.entries(options.config ?? {})) {
    server.config.load(name, typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value));
  }
  server.config.load('bind', host);
  server.config.load('port', String(options.port ?? 0));
  await server.start();
  return { port: server.port, host, server, close: () => server.close() };
}

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  constructor(private time = Date.now()) {}

  now(): number {
    return this.time;
  }

  /** Moves time forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.time += ms;
  }

  set(ms: number): void {
    this.time = ms;
  }
}
