/**
 * The composition root of one server: config, keyspace, command table, gate, listeners, clients
 * and the periodic cron. Nothing here is module-level, so one process can run many servers.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { ActiveExpire } from '../keyspace/active-expire.js';
import {
  Keyspace,
  SystemClock,
  type Clock,
  type Database,
  type NotifyClass,
} from '../keyspace/keyspace.js';
import type { ClientState } from '../dispatch/client-state.js';
import type { CommandContext } from '../dispatch/context.js';
import { Gate } from '../dispatch/gate.js';
import type {
  ClientView,
  DebugSettings,
  PauseState,
  ServerServices,
  ServerStats,
  ShutdownMode,
} from '../dispatch/services.js';
import { CommandTable, type Command } from '../dispatch/table.js';
import { ALL_COMMANDS } from '../commands/index.js';
import { isLocalClient } from '../commands/config.js';
import { clientInfoLine } from '../commands/client-list.js';
import { Acl, AclStartupError, type AclDenial } from '../acl/acl.js';
import type { AclLogContext } from '../acl/log.js';
import { loadAclFile } from '../acl/acl-file.js';
import { describeUser } from '../acl/describe.js';
import { protectedModeRefuses } from '../acl/protected-mode.js';
import type { AclUser } from '../acl/user.js';
import { Err } from '../dispatch/errors.js';
import { BlockingService } from './blocking.js';
import { OutputBufferLimiter } from './client-limits.js';
import { Config } from './config.js';
import { Connection } from './connection.js';
import { Listeners } from './listeners.js';
import { ClientPause } from './client-pause.js';
import { renderInfo } from './info.js';
import { memoryOverview } from './memory-report.js';
import { ClientEviction, clientEvictionLimit } from './client-eviction.js';
import { CommandLatencies } from './latency-histogram.js';
import type { LatencyMonitor } from './latency-monitor.js';
import { Observability } from './observability.js';
import type { Slowlog } from './slowlog.js';
import { ServerMetrics } from './metrics.js';
import { Eviction, type EvictionPolicy } from '../keyspace/eviction.js';
import { MemoryAccounting, type MemoryOverview } from '../keyspace/memory-accounting.js';
import { KeyspaceNotifier } from './notifications.js';
import { Propagation } from './propagation.js';
import { PubSubHub } from './pubsub.js';
import { Tracking } from './tracking.js';
import { WatchedKeys } from './watched-keys.js';
import { Scripting } from '../scripting/scripting.js';
import { Persistence } from '../persistence/save-service.js';
import type { LogLevel } from '../persistence/save.js';

const MEMORY_PARAMS = new Set([
  'maxmemory',
  'maxmemory-policy',
  'maxmemory-samples',
  'maxmemory-eviction-tenacity',
  'lazyfree-lazy-eviction',
]);

const OBSERVABILITY_PARAMS = new Set(['slowlog-log-slower-than', 'latency-monitor-threshold']);

const KEYSPACE_PARAMS = new Set([
  'lazyfree-lazy-expire',
  'maxmemory-policy',
  'lfu-log-factor',
  'lfu-decay-time',
]);

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
  readonly acl: Acl;
  /** `user` lines of the config file: name then rules, loaded when the server starts. */
  readonly configuredUsers: string[][] = [];
  readonly gate: Gate;
  readonly propagation = new Propagation();
  /** used_memory (memory-accounting.ts) and maxmemory's evictions. */
  readonly memory: MemoryAccounting;
  readonly eviction: Eviction;
  /** maxmemory-clients. */
  readonly clientEviction = new ClientEviction();
  readonly stats: ServerStats;
  readonly metrics = new ServerMetrics();
  readonly latency = new CommandLatencies();
  /** SLOWLOG, LATENCY's events and MONITOR. */
  readonly observability = new Observability(this.config, () => this.gate);
  readonly outputLimits = new OutputBufferLimiter(this.config);
  readonly debug: DebugSettings = {
    activeExpire: true,
    quicklistPackedThreshold: 1 << 30,
    skipChecksumValidation: false,
    pauseCron: false,
    allowNoscriptInScripts: false,
  };
  readonly blocking: BlockingService;
  readonly pubsub = new PubSubHub((client) => this.connections.get(client.id));
  private readonly notifier = new KeyspaceNotifier(this.pubsub);
  readonly watches: WatchedKeys;
  readonly scripting: Scripting = new Scripting({
    server: this,
    suspendCall: () => this.gate.suspendCurrent(),
    finishSuspendedCall: () => this.gate.finishSuspended(),
    commandStartedAt: () => this.gate.commandStartedAt,
    commandRejected: (ctx, command) => this.gate.rejectedElsewhere(ctx, command),
    resumeClient: (clientId) => this.connections.get(clientId)?.processInput(),
  });
  readonly tracking = new Tracking({
    connection: (id) => this.connections.get(id),
    connections: () => this.connections.values(),
    maxKeys: () => this.config.numberValue('tracking-table-max-keys'),
  });
  /** INFO's run_id: random per server, as Redis's. */
  readonly runId: string;
  /** The replication ids and offsets INFO replication shows (a primary without replicas). */
  readonly replication = { replid: '', replid2: '0'.repeat(40), offset: 0, secondOffset: -1 };
  /** SAVE, BGSAVE, the AOF, startup loading (persistence/). */
  readonly persistence: Persistence;
  /**
   * While the AOF holds writes not yet on their way to disk, replies wait for its flush at the
   * end of this event-loop turn (so a client never hears of a write the AOF could lose).
   */
  aofHoldsReplies = false;
  /**
   * Load the dataset from disk at start (the AOF, or dir/dbfilename) and open the AOF: always
   * for `kvik server`; embedded servers only when given a `dir` (startServer).
   */
  loadOnStart = false;
  /**
   * Called once start() has loaded the dataset, before the listeners open (`kvik server` moves
   * the loaded objects out of V8's young generation there, see heap-tuning.ts).
   */
  afterStartupLoad: (() => void) | null = null;
  /** The server log (`kvik server` writes it to stdout or the logfile; silent when embedded). */
  log: (level: LogLevel, message: string) => void = () => undefined;
  /** The cron frequency in use: configured hz, raised by dynamic-hz when clients are many. */
  hz = 10;
  private readonly clientPause: ClientPause;
  private readonly connections = new Map<number, Connection>();
  /** The buffer every connection reads into; each read is parsed before the next (socket-reader.ts). */
  readonly readBuffer = Buffer.allocUnsafe(64 * 1024);
  /** latency-tracking, kept here because every command reads it. */
  private latencyTracking = true;
  private pendingOutput = new Set<Connection>();
  private spareOutputSet = new Set<Connection>();
  private readonly listeners = new Listeners(
    this.config,
    (socket) => this.accept(socket),
    (level, message) => this.log(level, message),
  );
  private readonly activeExpire: ActiveExpire;
  private cron: NodeJS.Timeout | null = null;
  private nextClientId = 1;
  private shuttingDown: Promise<void> | null = null;
  readonly random: () => number;
  /** Resolves when the server has shut down (SHUTDOWN, or close()). */
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;

  constructor(options: ServerOptions = {}) {
    const clock = options.clock ?? new SystemClock();
    this.random = options.random ?? Math.random;
    this.stats = {
      totalConnectionsReceived: 0,
      totalCommandsProcessed: 0,
      rejectedConnections: 0,
      totalErrorReplies: 0,
      totalNetInputBytes: 0,
      totalNetOutputBytes: 0,
      totalReadsProcessed: 0,
      totalWritesProcessed: 0,
      errorCounts: new Map(),
      startTime: clock.now(),
    };
    this.runId = this.randomHex(40);
    this.changeReplicationId();
    this.keyspace = new Keyspace(16, clock, {
      keyModified: (db, key) => this.keyModified(db, key),
      keyspaceEvent: (type, event, key, dbId) => this.keyspaceEvent(type, event, key, dbId),
      propagate: (dbId, argv) => this.propagate(dbId, argv),
      databaseReplaced: (emptied, replacedWith) => {
        this.watches.databaseReplaced(emptied, replacedWith);
        this.blocking.databaseReplaced(emptied.id, replacedWith);
      },
      flushed: () => this.tracking.flushed(),
    });
    this.watches = new WatchedKeys(this.keyspace);
    this.clientPause = new ClientPause(this.keyspace, (name, argv) =>
      this.scripting.declaresNoWrites(name, argv),
    );
    this.keyspace.random = this.random;
    this.applyKeyspaceConfig();
    this.memory = new MemoryAccounting(this.keyspace, () => this.connections.size);
    this.eviction = new Eviction(this.keyspace, () => this.memory.used());
    this.activeExpire = new ActiveExpire(this.keyspace);
    this.commands = new CommandTable(ALL_COMMANDS);
    this.acl = new Acl(this.commands, {
      allChannelsByDefault: () => this.config.get('acl-pubsub-default') === 'allchannels',
      logMaxLength: () => this.config.numberValue('acllog-max-len'),
      clients: () => [...this.connections.values()].map((c) => c.state),
      // The client running the command is closed by its connection once the reply is out.
      disconnect: (client, afterReply) => {
        if (afterReply) client.closeAfterReply = true;
        else this.connections.get(client.id)?.close(false);
      },
    });
    this.blocking = new BlockingService({
      keyspace: this.keyspace,
      stats: this.stats,
      isNested: () => this.gate.nested,
      propagate: (dbId, argv) => this.propagate(dbId, argv),
      asUnit: (work) => {
        this.propagation.beginUnit();
        try {
          work();
        } finally {
          this.propagation.endUnit();
        }
      },
      resume: (clientId) => this.resumeUnblocked(clientId),
    });
    this.gate = new Gate(this.commands, {
      authRequired: (ctx) => this.authRequired(ctx),
      protectedRefusal: (ctx, command) => this.protectedRefusal(ctx, command),
      aclRefusal: (ctx, command, argv) => this.aclRefusal(ctx, command, argv),
      isPaused: (ctx, command, argv) => this.clientPause.holds(ctx, command, argv),
      busyRefusal: (command, argv) => this.scripting.busyRefusal(command, argv),
      evictToLimit: () => this.eviction.perform(),
      scriptDeniedOnOom: (command, argv) => this.scripting.deniedOnOom(command.name, argv),
      propagate: (dbId, argv) => this.propagate(dbId, argv),
      unitStarted: (ctx) => {
        this.propagation.beginUnit();
        this.tracking.commandStarted(ctx.client);
      },
      unitEnded: () => {
        this.propagation.endUnit();
        this.tracking.commandEnded();
      },
      afterTopLevelCommand: () => this.blocking.serveReadyKeys(),
      monitorBeforeCall: (ctx, command, argv) =>
        this.observability.monitors.feed(ctx, command, argv),
      isMonitor: (ctx) => this.connections.get(ctx.client.id)?.isMonitor ?? false,
      commandExecuted: (ctx, command, argv, micros) => {
        if (this.latencyTracking) this.latency.record(command, micros);
        this.observability.commandExecuted(ctx, command, argv, micros);
        if (ctx.client.tracking !== null && command.flags.has('readonly')) {
          this.tracking.rememberKeys(ctx.client, command, argv);
        }
      },
    });
    this.persistence = new Persistence(
      {
        keyspace: this.keyspace,
        config: this.config,
        debug: this.debug,
        services: this,
        gate: this.gate,
        libraryCodes: () => this.scripting.libraryCodes(),
        installFunctions: (codes, policy = 'flush') => {
          if (
            codes.length === 0 &&
            (policy !== 'flush' || this.scripting.libraryCodes().length === 0)
          ) {
            return null;
          }
          return this.scripting.functions.restore(codes, policy);
        },
        log: (level, message) => this.log(level, message),
        withoutPropagation: (load) => this.propagation.muted(load),
        flushReplies: () => this.flushPendingOutput(),
        commandsExecuted: () => this.stats.totalCommandsProcessed,
      },
      (hold) => (this.aofHoldsReplies = hold),
    );
    this.propagation.subscribe((dbId, argv) => this.persistence.aof.feed(dbId, argv));
    this.config.onChange((name) => this.configChanged(name));
    this.config.userLines = () =>
      this.acl.all().map((user) => `user ${user.name} ${describeUser(user)}`);
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  /** Opens the listeners (bind addresses and port from the config) and starts the cron. */
  async start(): Promise<void> {
    this.loadUsers();
    // `databases` is immutable once running: the databases are created from the loaded config.
    this.keyspace.setDatabaseCount(this.config.numberValue('databases'));
    this.applyNotifyConfig();
    this.applyKeyspaceConfig();
    this.applyMemoryConfig();
    // Parameters from the config file or the command line (loading them notifies nobody).
    this.observability.configChanged();
    this.outputLimits.configChanged();
    this.latencyTracking = this.config.boolValue('latency-tracking');
    await this.scripting.start();
    if (this.loadOnStart) {
      this.persistence.loadAtStartup();
      this.afterStartupLoad?.();
    }
    await this.listeners.open();
    this.scheduleCron();
  }

  get port(): number {
    return this.config.numberValue('port');
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
    const protectedMode = this.config.boolValue('protected-mode');
    if (protectedModeRefuses(protectedMode, this.acl.defaultUser.nopass, socket.remoteAddress)) {
      // Redis had created the client (its id is used) before it refuses it.
      this.nextClientId++;
      this.stats.rejectedConnections++;
      socket.end(`-${Err.protectedMode}\r\n`, () => socket.destroy());
      return;
    }
    const connection = new Connection(this, socket, this.nextClientId++);
    this.connections.set(connection.state.id, connection);
  }

  /**
   * A connection has output to send (its replies, or messages from another client's command):
   * the connections with output are flushed together after this event-loop turn's reads
   * (Redis's handleClientsWithPendingWrites).
   */
  outputPending(connection: Connection): void {
    // A subscriber gets this for every message: the flag spares it the set's lookup.
    if (connection.flushQueued) return;
    connection.flushQueued = true;
    if (this.pendingOutput.size === 0) setImmediate(this.flushPendingOutput);
    this.pendingOutput.add(connection);
  }

  private readonly flushPendingOutput = (): void => {
    if (this.aofHoldsReplies) this.persistence.aof.flush();
    // A connection flushed here may queue itself again (its replies held for the AOF): into the
    // other set, for the next turn.
    const flushing = this.pendingOutput;
    this.pendingOutput = this.spareOutputSet;
    this.spareOutputSet = flushing;
    for (const connection of flushing) {
      connection.flushQueued = false;
      connection.flushPending();
    }
    flushing.clear();
  };

  removeConnection(connection: Connection): void {
    const client = connection.state;
    this.pubsub.unsubscribeAll(client);
    this.watches.unwatchAll(client);
    this.tracking.disable(client);
    this.blocking.clientGone(connection.state.id);
    this.connections.delete(connection.state.id);
    this.clientPause.forget(connection);
    this.observability.stopMonitoring(connection);
    this.observability.clientGone(connection.state.id);
  }

  get slowlog(): Slowlog {
    return this.observability.slowlog;
  }

  get latencyMonitor(): LatencyMonitor {
    return this.observability.latencyMonitor;
  }

  startMonitoring(client: ClientState): boolean {
    const connection = this.connections.get(client.id);
    return connection !== undefined && this.observability.startMonitoring(connection);
  }

  stopMonitoring(client: ClientState): void {
    const connection = this.connections.get(client.id);
    if (connection !== undefined) this.observability.stopMonitoring(connection);
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
    return !ctx.client.authenticated && !this.defaultUserNoPass();
  }

  /**
   * DEBUG behind enable-debug-command, MODULE LOAD/LOADEX/UNLOAD behind enable-module-command:
   * no, yes, or local (Unix socket and loopback clients only).
   */
  private protectedRefusal(ctx: CommandContext, command: Command): string | null {
    const isModule = (command.parent ?? command).name === 'module';
    const option = isModule ? 'enable-module-command' : 'enable-debug-command';
    const mode = this.config.get(option);
    if (mode === 'yes' || (mode === 'local' && isLocalClient(ctx.client))) return null;
    return Err.protectedCommandDisabled(isModule ? 'MODULE' : 'DEBUG', option);
  }

  /** ErrorSink: every error reply is counted by its code (INFO errorstats). */
  onErrorReply(message: string): void {
    this.stats.totalErrorReplies++;
    const space = message.indexOf(' ');
    const code = space < 0 ? message : message.slice(0, space);
    this.stats.errorCounts.set(code, (this.stats.errorCounts.get(code) ?? 0) + 1);
  }

  /** CLIENT PAUSE. While it lasts no key is deleted for expiring, only hidden, as in Redis. */
  get pause(): PauseState | null {
    return this.clientPause.state;
  }

  set pause(pause: PauseState | null) {
    this.clientPause.state = pause;
  }

  waitForUnpause(connection: Connection): void {
    this.clientPause.hold(connection);
  }

  unpause(): void {
    this.clientPause.end();
  }

  userExists(username: string): boolean {
    return this.acl.get(username) !== undefined;
  }

  /** New and RESET connections start authenticated as `default` when it needs no password. */
  defaultUserNoPass(): boolean {
    const user = this.acl.defaultUser;
    return user.nopass && user.enabled;
  }

  /**
   * The users the server starts with: requirepass as the default user's password, then the
   * config file's `user` lines or the aclfile (Redis's ACLLoadUsersAtStartup: not both).
   */
  private loadUsers(): void {
    this.acl.setDefaultPassword(this.config.value<string | null>('requirepass'));
    const aclfile = this.config.get('aclfile')!;
    if (aclfile !== '' && this.configuredUsers.length > 0) {
      throw new AclStartupError(
        'Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or declare users directly in your redis.conf, but not both.',
      );
    }
    const error = this.acl.loadConfigured(this.configuredUsers);
    if (error !== null) throw new AclStartupError(error);
    if (aclfile !== '') {
      const errors = loadAclFile(this.acl, aclfile, null);
      if (errors !== null)
        throw new AclStartupError(`Aborting Redis startup because of ACL errors: ${errors}`);
    }
  }

  /** The gate's ACL check: NOPERM in Redis's words. */
  private aclRefusal(ctx: CommandContext, command: Command, argv: string[]): string | null {
    const context = ctx.client.multi !== null ? 'multi' : 'toplevel';
    const denial = this.aclDenied(ctx, command, argv, context);
    if (denial === null) return null;
    if (denial.reason === 'command') return Err.nopermCommand(command.fullName);
    return denial.reason === 'key' ? Err.nopermKey : Err.nopermChannel;
  }

  aclDenied(
    ctx: CommandContext,
    command: Command,
    argv: string[],
    context: AclLogContext,
  ): AclDenial | null {
    const denial = this.acl.check(ctx.client.aclUser as AclUser, command, argv);
    if (denial === null) return null;
    const object = denial.reason === 'command' ? command.fullName : argv[denial.index];
    const connection = this.connections.get(ctx.client.id);
    const clientInfo = connection === undefined ? '' : clientInfoLine(ctx, connection, argv);
    const [reason, username, time] = [denial.reason, ctx.client.user, this.keyspace.clock.now()];
    this.acl.log.add({ reason, context, object, username, time, clientInfo });
    return denial;
  }

  /** A client's wait ended (served, timed out, unblocked): it runs what it has pipelined since. */
  private resumeUnblocked(clientId: number): void {
    this.observability.unblocked(clientId);
    // As in Redis, after the command that served it, not inside it.
    queueMicrotask(() => this.connections.get(clientId)?.processInput());
  }

  /** Redis's signalModifiedKey: WATCH, client-side caching and blocked clients hear of it. */
  private keyModified(db: Database, key: string): void {
    this.watches.touch(db, key);
    this.tracking.keyModified(key);
    this.blocking.keyWritten(db.id, key);
  }

  private keyspaceEvent(type: NotifyClass, event: string, key: string, dbId: number): void {
    this.notifier.notify(type, event, key, dbId);
  }

  call(ctx: CommandContext, command: Command, argv: string[]): void {
    this.gate.call(ctx, command, argv);
  }

  propagate(dbId: number, argv: string[]): void {
    this.propagation.emit(dbId, argv);
  }

  info(sections: readonly string[]): string {
    return renderInfo(this, sections);
  }

  memoryOverview(): MemoryOverview {
    return memoryOverview(this);
  }

  memoryFullAtCommandStart(): boolean {
    return this.gate.outOfMemory;
  }

  /** Redis's changeReplicationId + clearReplicationId2 (DEBUG CHANGE-REPL-ID). */
  changeReplicationId(): void {
    this.replication.replid = this.randomHex(40);
    this.replication.replid2 = '0'.repeat(40);
    this.replication.secondOffset = -1;
  }

  private randomHex(length: number): string {
    let hex = '';
    for (let i = 0; i < length; i++) hex += Math.floor(this.random() * 16).toString(16);
    return hex;
  }

  /** Applies a CONFIG SET that matters while running; returns an error text to undo it. */
  private configChanged(name: string): string | void {
    if (name === 'appendonly') return this.persistence.configChanged(name);
    if (MEMORY_PARAMS.has(name)) this.applyMemoryConfig();
    if (name === 'hz' || name === 'dynamic-hz') this.scheduleCron();
    else if (KEYSPACE_PARAMS.has(name)) this.applyKeyspaceConfig();
    else if (name === 'notify-keyspace-events') this.applyNotifyConfig();
    else if (name === 'latency-tracking') this.latencyTracking = this.config.boolValue(name);
    else if (OBSERVABILITY_PARAMS.has(name)) this.observability.configChanged();
    else if (name === 'client-output-buffer-limit') this.outputLimits.configChanged();
    else if (name === 'requirepass') {
      this.acl.setDefaultPassword(this.config.value<string | null>('requirepass'));
    } else {
      return this.listeners.configChanged(name);
    }
  }

  private applyNotifyConfig(): void {
    this.notifier.flags = this.config.value<number>('notify-keyspace-events');
  }

  /**
   * maxmemory and its policy. The gate makes room before each command only while a limit is set;
   * a limit lowered below what is used evicts at once, as Redis does.
   */
  private applyMemoryConfig(): void {
    const eviction = this.eviction;
    eviction.maxmemory = Number(this.config.value<bigint>('maxmemory'));
    eviction.policy = this.config.get('maxmemory-policy') as EvictionPolicy;
    eviction.samples = this.config.numberValue('maxmemory-samples');
    eviction.tenacity = this.config.numberValue('maxmemory-eviction-tenacity');
    eviction.lazy = this.config.boolValue('lazyfree-lazy-eviction');
    this.gate.memoryLimited = eviction.maxmemory > 0;
    this.gate.outOfMemory = this.gate.memoryLimited && !eviction.perform();
  }

  /** Client buffers and scripts, summed for used_memory from time to time (the cron). */
  private refreshMemoryOverhead(): void {
    let bytes = 0;
    for (const connection of this.connections.values()) {
      bytes += connection.queryBufferBytes + connection.outputBytes;
    }
    const scripting = this.scripting.info();
    bytes += scripting.evalVmBytes + scripting.functionsVmBytes;
    bytes += scripting.scriptBytes + scripting.libraryBytes;
    this.memory.overheadBytes = bytes;
  }

  /** The parameters the keyspace acts on by itself: expiry propagation and access tracking. */
  private applyKeyspaceConfig(): void {
    const keyspace = this.keyspace;
    keyspace.lazyfreeLazyExpire = this.config.boolValue('lazyfree-lazy-expire');
    keyspace.lfu = this.config.get('maxmemory-policy')!.includes('lfu');
    keyspace.lfuLogFactor = this.config.numberValue('lfu-log-factor');
    keyspace.lfuDecayTime = this.config.numberValue('lfu-decay-time');
  }

  resetStats(): void {
    const s = this.stats;
    s.totalConnectionsReceived = 0;
    s.totalCommandsProcessed = 0;
    s.rejectedConnections = 0;
    s.totalErrorReplies = 0;
    s.totalNetInputBytes = 0;
    s.totalNetOutputBytes = 0;
    s.totalReadsProcessed = 0;
    s.totalWritesProcessed = 0;
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
    this.metrics.reset();
    this.eviction.resetStats();
    this.clientEviction.evicted = 0;
    this.latency.reset();
  }

  /** When the dataset was last saved (ms): LASTSAVE, INFO's rdb_last_save_time. */
  get lastSaveTime(): number {
    return this.persistence.lastSaveTime;
  }

  /**
   * SHUTDOWN and signals: the final save or AOF fsync (persistence decides, as Redis's
   * prepareForShutdown), then the server closes. A shutdown completes at once (no replicas to
   * wait for), so there is never one in progress to ABORT.
   */
  shutdown(mode: ShutdownMode): string | null {
    if (mode.abort) return Err.noShutdownInProgress;
    const error = this.persistence.prepareForShutdown(mode);
    if (error !== null) return error;
    void this.close();
    return null;
  }

  /** (Re)starts the cron at the current hz (configured, or raised by dynamic-hz). */
  private scheduleCron(): void {
    if (this.cron) clearInterval(this.cron);
    this.hz = this.cronFrequency();
    this.cron = setInterval(() => this.serverCron(), Math.floor(1000 / this.hz));
    this.cron.unref();
  }

  /** Redis doubles hz while there are more than 200 clients per cron tick, up to 500. */
  private cronFrequency(): number {
    let hz = this.config.numberValue('hz');
    if (!this.config.boolValue('dynamic-hz')) return hz;
    while (this.connections.size / hz > 200) {
      hz *= 2;
      if (hz > 500) return 500;
    }
    return hz;
  }

  /**
   * Periodic work, as Redis's serverCron: active expiry, idle client timeouts, pause expiry,
   * INFO's instantaneous metrics, dynamic hz.
   */
  private serverCron(): void {
    if (this.debug.pauseCron) return;
    // The slow expire cycle takes its share of the cron period (25%, more with more effort).
    // Not while a busy script is suspended: its keys must not change under it.
    if (this.debug.activeExpire && !this.scripting.busy) {
      const started = performance.now();
      this.activeExpire.run(1000 / this.hz, this.config.numberValue('active-expire-effort'));
      this.observability.latencySample(
        'expire-cycle',
        performance.now() - started,
        this.keyspace.clock.now(),
      );
      // Expired keys may have waiters to tell (a blocked XREADGROUP's stream), as beforeSleep does.
      this.blocking.serveReadyKeys();
    }
    this.refreshMemoryOverhead();
    this.clientEviction.run(
      clientEvictionLimit(
        this.config.value<bigint>('maxmemory-clients'),
        this.config.value<bigint>('maxmemory'),
      ),
      this.connections.values(),
    );
    // Evictions that ran out of time at a command go on here (Redis's eviction time proc).
    if (this.gate.memoryLimited) this.eviction.perform();
    this.metrics.sample({
      usedMemory: this.memory.used(),
      commands: this.stats.totalCommandsProcessed,
      netInputBytes: this.stats.totalNetInputBytes,
      netOutputBytes: this.stats.totalNetOutputBytes,
    });
    if (this.cronFrequency() !== this.hz) this.scheduleCron();
    const timeout = this.config.numberValue('timeout');
    if (timeout > 0) {
      const now = this.keyspace.clock.now();
      for (const connection of this.connections.values()) {
        // As in Redis, blocked clients (one CLIENT PAUSE holds, too), subscribers and monitors
        // are never idle.
        if (connection.blocked || connection.isPubSub || connection.isMonitor) continue;
        if (now - connection.state.lastInteraction > timeout * 1000) connection.close(false);
      }
    }
    this.clientPause.expireIfDue();
    this.blocking.expireTimeouts();
    this.persistence.cron();
    this.gate.diskError = this.persistence.refusesWrites ? Err.misconf : null;
  }

  /** Stops accepting, finishes pending replies, closes every client. Idempotent. */
  close(): Promise<void> {
    this.shuttingDown ??= (async () => {
      if (this.cron) clearInterval(this.cron);
      const closing = this.listeners.close();
      for (const connection of this.connections.values()) connection.close(true);
      await closing;
      await this.persistence.close();
      this.scripting.close();
      this.resolveClosed();
    })();
    return this.shuttingDown;
  }
}

function resetCommandStats(command: Command): void {
  command.stats.calls = 0;
  command.stats.usec = 0;
  command.stats.rejectedCalls = 0;
  command.stats.failedCalls = 0;
  if (command.subcommands) for (const sub of command.subcommands.values()) resetCommandStats(sub);
}
