/**
 * The composition root of one server: config, keyspace, command table, gate, listeners, clients
 * and the periodic cron. Nothing here is module-level, so one process can run many servers.
 */
import net from 'node:net';
import { ActiveExpire } from '../keyspace/active-expire.js';
import {
  Keyspace,
  systemClock,
  type Clock,
  type Database,
  type NotifyClass,
} from '../keyspace/keyspace.js';
import type { CommandContext } from '../dispatch/context.js';
import { Gate } from '../dispatch/gate.js';
import type { ClientState } from '../dispatch/client-state.js';
import type {
  ClientView,
  PauseState,
  ServerServices,
  ServerStats,
  ShutdownMode,
} from '../dispatch/services.js';
import { CommandTable, type Command } from '../dispatch/table.js';
import { ALL_COMMANDS } from '../commands/index.js';
import { Config } from './config.js';
import { Connection } from './connection.js';
import { renderInfo } from './info.js';
import { Propagation } from './propagation.js';

export interface ServerOptions {
  /** Time source; tests pass a ManualClock to move time forward. */
  clock?: Clock;
  /** Random source in [0, 1); tests may seed it. */
  random?: () => number;
}

export class KvikServer implements ServerServices {
  readonly config = new Config();
  readonly keyspace: Keyspace;
  readonly commands: CommandTable;
  readonly gate: Gate;
  readonly propagation = new Propagation();
  readonly stats: ServerStats;
  pause: PauseState | null = null;
  private readonly connections = new Map<number, Connection>();
  private readonly pausedConnections = new Set<Connection>();
  private readonly listeners: net.Server[] = [];
  private readonly activeExpire: ActiveExpire;
  private cron: NodeJS.Timeout | null = null;
  private nextClientId = 1;
  private shuttingDown: Promise<void> | null = null;
  readonly random: () => number;
  /** Resolves when the server has shut down (SHUTDOWN, or close()). */
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;

  constructor(options: ServerOptions = {}) {
    const clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.stats = {
      totalConnectionsReceived: 0,
      totalCommandsProcessed: 0,
      rejectedConnections: 0,
      totalErrorReplies: 0,
      totalNetInputBytes: 0,
      totalNetOutputBytes: 0,
      errorCounts: new Map(),
      startTime: clock.now(),
    };
    this.keyspace = new Keyspace(16, clock, {
      keyModified: (db, key) => this.keyModified(db, key),
      keyspaceEvent: (type, event, key, dbId) => this.keyspaceEvent(type, event, key, dbId),
      propagate: (dbId, argv) => this.propagate(dbId, argv),
    });
    this.activeExpire = new ActiveExpire(this.keyspace);
    this.commands = new CommandTable(ALL_COMMANDS);
    this.gate = new Gate(this.commands, {
      authRequired: (ctx) => this.authRequired(ctx),
      isPaused: (ctx, command) => this.isPaused(ctx, command),
      propagate: (dbId, argv) => this.propagate(dbId, argv),
    });
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  /** Opens the listeners (bind addresses and port from the config) and starts the cron. */
  async start(): Promise<void> {
    // `databases` is immutable once running: the databases are created from the loaded config.
    this.keyspace.setDatabaseCount(this.config.numberValue('databases'));
    const port = this.config.numberValue('port');
    const binds = this.config.get('bind')!.split(/\s+/).filter(Boolean);
    let boundPort = port;
    for (const raw of binds) {
      const optional = raw.startsWith('-');
      const spec = optional ? raw.slice(1) : raw;
      const host = spec === '*' ? '0.0.0.0' : spec === '::*' ? '::' : spec;
      try {
        const listener = await this.listen(host, boundPort);
        boundPort = (listener.address() as net.AddressInfo).port;
      } catch (err) {
        if (optional && (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') continue;
        await this.closeListeners();
        throw err;
      }
    }
    if (boundPort !== port) this.config.load('port', String(boundPort));
    this.scheduleCron();
  }

  get port(): number {
    return this.config.numberValue('port');
  }

  private listen(host: string, port: number): Promise<net.Server> {
    return new Promise((resolve, reject) => {
      const listener = net.createServer((socket) => this.accept(socket));
      listener.once('error', reject);
      listener.listen({ host, port, ipv6Only: host.includes(':') }, () => {
        listener.off('error', reject);
        this.listeners.push(listener);
        resolve(listener);
      });
    });
  }

  private accept(socket: net.Socket): void {
    this.stats.totalConnectionsReceived++;
    if (this.shuttingDown) {
      socket.destroy();
      return;
    }
    if (this.connections.size >= this.config.numberValue('maxclients')) {
      this.stats.rejectedConnections++;
      socket.end('-ERR max number of clients reached\r\n');
      return;
    }
    const connection = new Connection(this, socket, this.nextClientId++);
    this.connections.set(connection.state.id, connection);
  }

  removeConnection(connection: Connection): void {
    this.connections.delete(connection.state.id);
    this.pausedConnections.delete(connection);
  }

  clients(): Iterable<ClientView> {
    return this.connections.values();
  }

  clientById(id: number): ClientView | undefined {
    return this.connections.get(id);
  }

  get connectedClients(): number {
    return this.connections.size;
  }

  authRequired(ctx: CommandContext): boolean {
    return !ctx.client.authenticated && this.config.get('requirepass') !== '';
  }

  /** ErrorSink: every error reply is counted by its code (INFO errorstats). */
  onErrorReply(message: string): void {
    this.stats.totalErrorReplies++;
    const space = message.indexOf(' ');
    const code = space < 0 ? message : message.slice(0, space);
    this.stats.errorCounts.set(code, (this.stats.errorCounts.get(code) ?? 0) + 1);
  }

  private isPaused(ctx: CommandContext, command: Command): boolean {
    const pause = this.pause;
    if (pause === null) return false;
    if (this.keyspace.clock.now() >= pause.until) {
      this.unpause();
      return false;
    }
    if (pause.mode === 'all') return true;
    // WRITE pauses writes and commands that may write (EVAL, PUBLISH ...), as Redis does.
    return command.isWrite || command.flags.has('may_replicate');
  }

  waitForUnpause(connection: Connection): void {
    this.pausedConnections.add(connection);
  }

  unpause(): void {
    this.pause = null;
    const waiting = [...this.pausedConnections];
    this.pausedConnections.clear();
    for (const connection of waiting) connection.processInput();
  }

  private keyModified(_db: Database, _key: string): void {
    // WATCH and client-side caching hang here (transactions and tracking issues).
  }

  private keyspaceEvent(_type: NotifyClass, _event: string, _key: string, _dbId: number): void {
    // Keyspace notifications hang here (pub/sub issue).
  }

  propagate(dbId: number, argv: string[]): void {
    this.propagation.emit(dbId, argv);
  }

  info(sections: string[], client: ClientState): string {
    return renderInfo(this, sections, client);
  }

  resetStats(): void {
    const s = this.stats;
    s.totalConnectionsReceived = 0;
    s.totalCommandsProcessed = 0;
    s.rejectedConnections = 0;
    s.totalErrorReplies = 0;
    s.totalNetInputBytes = 0;
    s.totalNetOutputBytes = 0;
    s.errorCounts.clear();
    const ks = this.keyspace.stats;
    ks.expiredKeys = 0;
    ks.evictedKeys = 0;
    ks.keyspaceHits = 0;
    ks.keyspaceMisses = 0;
    ks.expiredStalePerc = 0;
    ks.expiredTimeCapReachedCount = 0;
    ks.expireCycleCpuMilliseconds = 0;
    for (const command of this.commands.all()) {
      resetCommandStats(command);
    }
  }

  shutdown(_mode: ShutdownMode): string | null {
    void this.close();
    return null;
  }

  private scheduleCron(): void {
    const hz = Math.min(500, Math.max(1, this.config.numberValue('hz')));
    this.cron = setInterval(() => this.serverCron(hz), Math.floor(1000 / hz));
    this.cron.unref();
  }

  /** Periodic work, as Redis's serverCron: active expiry, idle client timeouts, pause expiry. */
  private serverCron(hz: number): void {
    // Redis gives the slow expire cycle 25% of each cron period.
    this.activeExpire.run(250 / hz);
    const timeout = this.config.numberValue('timeout');
    if (timeout > 0) {
      const now = this.keyspace.clock.now();
      for (const connection of this.connections.values()) {
        if (now - connection.state.lastInteraction > timeout * 1000) connection.close(false);
      }
    }
    if (this.pause !== null && this.keyspace.clock.now() >= this.pause.until) this.unpause();
  }

  /** Stops accepting, finishes pending replies, closes every client. Idempotent. */
  close(): Promise<void> {
    this.shuttingDown ??= (async () => {
      if (this.cron) clearInterval(this.cron);
      const closing = this.closeListeners();
      for (const connection of this.connections.values()) connection.close(true);
      await closing;
      this.resolveClosed();
    })();
    return this.shuttingDown;
  }

  private async closeListeners(): Promise<void> {
    await Promise.all(
      this.listeners.map((l) => new Promise<void>((resolve) => l.close(() => resolve()))),
    );
    this.listeners.length = 0;
  }
}

function resetCommandStats(command: Command): void {
  command.stats.calls = 0;
  command.stats.usec = 0;
  command.stats.rejectedCalls = 0;
  command.stats.failedCalls = 0;
  if (command.subcommands) for (const sub of command.subcommands.values()) resetCommandStats(sub);
}
