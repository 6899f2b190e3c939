/**
 * What handlers may use of the server beyond the keyspace: configuration, the client registry,
 * INFO, shutdown. The server implements this interface; handlers never see sockets or listeners.
 */
import type { Acl, AclDenial } from '../acl/acl.js';
import type { AclLogContext } from '../acl/log.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import type { MemoryOverview } from '../keyspace/memory-accounting.js';
import type { Scripting } from '../scripting/scripting.js';
import type { RespVersion } from '../resp/reply.js';
import type { CommandLatencies } from '../server/latency-histogram.js';
import type { LatencyMonitor } from '../server/latency-monitor.js';
import type { Slowlog } from '../server/slowlog.js';
import type { ClientState } from './client-state.js';
import type { CommandContext } from './context.js';
import type { Command, CommandTable } from './table.js';

export interface ConfigStore {
  /** The current value as CONFIG GET prints it, or undefined for an unknown name. */
  get(name: string): string | undefined;
  /** CONFIG GET: name/value pairs for the names and glob patterns given, each parameter once. */
  match(patterns: readonly string[]): [string, string][];
  /**
   * Sets several parameters atomically (CONFIG SET): all are validated first, and if applying one
   * fails, the ones already applied are restored. Returns an error reply text, or null.
   * `localClient` decides protected parameters under enable-protected-configs local.
   */
  setMany(pairs: readonly [string, string][], options: { localClient: boolean }): string | null;
  /** The typed value of a parameter (bigint for numbers, arrays for multi-word ones ...). */
  value<T>(name: string): T;
  /** CONFIG REWRITE: returns an error reply text, or null. */
  rewrite(): string | null;
  numberValue(name: string): number;
  boolValue(name: string): boolean;
}

/** A read-only view of a connected client, for CLIENT LIST / INFO / KILL. */
export interface ClientView {
  readonly state: ClientState;
  /** Socket file descriptor, or -1 when unknown. */
  readonly fd: number;
  readonly queryBufferBytes: number;
  readonly queryBufferFree: number;
  /** The query buffer with the running command's bytes still in it (qbuf while it runs). */
  readonly queryBufferHeld: number;
  /** Every reply byte not yet sent: built but not flushed, plus queued in the socket. */
  readonly outputBytes: number;
  /** Reply bytes built but not yet handed to the socket (CLIENT LIST's obl). */
  readonly replyBufferBytes: number;
  /** The protocol HELLO selected. */
  readonly resp: RespVersion;
  /** What the connection waits for, as CLIENT LIST prints it: 'r' reading, 'w' writing. */
  readonly events: string;
  readonly isPubSub: boolean;
  readonly isReplica: boolean;
  readonly isMaster: boolean;
  /** In MONITOR mode (CLIENT LIST flag O). */
  readonly isMonitor: boolean;
  readonly blocked: boolean;
  readonly subscriptions: number;
  readonly patternSubscriptions: number;
  readonly shardSubscriptions: number;
  /** Close the connection (CLIENT KILL), after pending replies if `afterReply`. */
  close(afterReply: boolean): void;
}

export interface PauseState {
  /** 'write' pauses only writes, 'all' every command. */
  mode: 'write' | 'all';
  until: number;
}

export interface ServerStats {
  totalConnectionsReceived: number;
  totalCommandsProcessed: number;
  rejectedConnections: number;
  totalErrorReplies: number;
  totalNetInputBytes: number;
  totalNetOutputBytes: number;
  /** Socket reads and writes (INFO total_reads_processed / total_writes_processed). */
  totalReadsProcessed: number;
  totalWritesProcessed: number;
  /** Error replies by their first word (ERR, WRONGTYPE ...). */
  readonly errorCounts: Map<string, number>;
  startTime: number;
}

/** Behaviour DEBUG subcommands change for tests. */
export interface DebugSettings {
  /** DEBUG SET-ACTIVE-EXPIRE: false stops the active expire cycle (lazy expiry goes on). */
  activeExpire: boolean;
  /** DEBUG QUICKLIST-PACKED-THRESHOLD: list elements this long or longer get a plain node. */
  quicklistPackedThreshold: number;
  /** DEBUG SET-SKIP-CHECKSUM-VALIDATION: RESTORE payloads and RDB files load without CRC check. */
  skipChecksumValidation: boolean;
  /** DEBUG PAUSE-CRON: the server's periodic work stops. */
  pauseCron: boolean;
  /** DEBUG SET-DISABLE-DENY-SCRIPTS: scripts may call commands flagged noscript. */
  allowNoscriptInScripts: boolean;
}

/** The three kinds of Pub/Sub subscription: SUBSCRIBE, PSUBSCRIBE and SSUBSCRIBE. */
export type SubscriptionKind = 'channel' | 'pattern' | 'shard';

/** Pub/Sub: clients' subscriptions, and message delivery to them. */
export interface PubSubService {
  /** Subscribes a client to a channel, pattern or shard channel; false if it already was. */
  subscribe(client: ClientState, kind: SubscriptionKind, name: string): boolean;
  /** Ends one subscription; false if the client did not have it. */
  unsubscribe(client: ClientState, kind: SubscriptionKind, name: string): boolean;
  /** Ends every subscription of a client, without replies (RESET). */
  unsubscribeAll(client: ClientState): void;
  /** Sends a message to a channel's subscribers and matching patterns'; returns how many got it. */
  publish(channel: string, message: string): number;
  /** SPUBLISH: to a shard channel's subscribers only. */
  publishShard(channel: string, message: string): number;
  /** Channels (or shard channels) someone subscribes to, those matching a glob if one is given. */
  activeChannels(kind: 'channel' | 'shard', pattern: string | null): string[];
  subscriberCount(kind: 'channel' | 'shard', channel: string): number;
  /** Patterns someone subscribes to (PUBSUB NUMPAT). */
  readonly patternCount: number;
}

/** WATCH: keys whose change makes the watching client's next EXEC fail. */
export interface WatchService {
  watch(client: ClientState, dbId: number, key: string): void;
  /** Forgets every key the client watches (EXEC, DISCARD, UNWATCH, RESET). */
  unwatchAll(client: ClientState): void;
  /** Whether a key alive when it was watched has expired since: EXEC fails, as in Redis 7.0. */
  watchedKeyExpired(client: ClientState): boolean;
}

/** CLIENT TRACKING's options. */
export interface TrackingOptions {
  /** The client id invalidations go to, or 0 for the tracking client itself. */
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  prefixes: string[];
}

/** Client-side caching: which clients cached which keys, and their invalidation. */
export interface TrackingService {
  /** CLIENT TRACKING ON, with options already checked; BCAST prefixes add to earlier ones. */
  enable(client: ClientState, options: TrackingOptions): void;
  /** CLIENT TRACKING OFF (and RESET, disconnection). */
  disable(client: ClientState): void;
}

/**
 * A command waiting for keys (BLPOP, BLMOVE, BZPOPMIN, XREAD ...), as the blocking service holds
 * it until it is served, times out, is unblocked or its client goes away.
 */
export interface BlockRequest {
  /** The keys it waits on, in the command's order. */
  readonly keys: readonly string[];
  /** When it times out, in ms since the epoch; 0 waits for ever. */
  readonly deadline: number;
  /**
   * Called in the blocked client's context after a command wrote one of its keys. Serves the
   * client as its command would (replies, signals the keys it changes, sets ctx.propagateAs to
   * what it wrote) and returns true, or returns false to keep waiting. A ReplyError it throws is
   * its reply (the client is served with the error).
   */
  serve(ctx: CommandContext, key: string): boolean;
  /** Replies as the command does when its timeout passes (or CLIENT UNBLOCK ... TIMEOUT). */
  timedOut(ctx: CommandContext): void;
}

/** Blocking operations: clients waiting for keys, served first come, first served. */
export interface BlockingService {
  /**
   * Whether the running command may block. Not inside MULTI/EXEC or a script: there a blocking
   * command answers at once as its non-blocking form would, as in Redis.
   */
  mayBlock(): boolean;
  /**
   * Blocks the client of ctx with the request; its later commands wait until it is served, times
   * out, is unblocked or disconnects. The command replies nothing meanwhile.
   */
  block(ctx: CommandContext, request: BlockRequest): void;
  /** CLIENT UNBLOCK: ends a blocked client's wait with its timeout reply or an error. */
  unblock(clientId: number, withError: boolean): boolean;
  /**
   * Marks a key ready for its waiters though its value was not modified (Redis's
   * signalKeyAsReady alone): XGROUP DESTROY wakes the XREADGROUP waiters of the group.
   */
  keyWritten(dbId: number, key: string): void;
  /** Blocked clients that have a timeout (INFO's clients_in_timeout_table). */
  readonly clientsWithTimeout: number;
}

export type ShutdownMode = {
  save?: boolean;
  noSave?: boolean;
  now?: boolean;
  force?: boolean;
  abort?: boolean;
};

/** SAVE, BGSAVE, BGREWRITEAOF, LASTSAVE, DEBUG RELOAD, FLUSHALL's save (persistence/). */
export interface PersistenceService {
  /** When the dataset was last saved (ms): LASTSAVE. */
  readonly lastSaveTime: number;
  /** SAVE, blocking: false when it failed. */
  save(): boolean;
  /** BGSAVE [SCHEDULE]: the status to reply; throws ReplyError when it cannot start. */
  bgsave(schedule: boolean): string;
  /** BGREWRITEAOF: the status to reply; throws ReplyError when it cannot start. */
  bgrewriteaof(): string;
  /** FLUSHALL emptied the keyspace: a background save stops, save rules save at once. */
  flushedAll(): void;
  /** DEBUG RELOAD: save (unless NOSAVE), empty (unless NOFLUSH), load; an error text or null. */
  reload(options: { save: boolean; flush: boolean; merge: boolean }): string | null;
  /** DEBUG LOADAOF: flush the AOF, empty, load it again; an error text or null. */
  reloadAof(): string | null;
}

export interface ServerServices {
  readonly keyspace: Keyspace;
  readonly config: ConfigStore;
  readonly commands: CommandTable;
  readonly stats: ServerStats;
  /** Every connected client, oldest first. */
  clients(): Iterable<ClientView>;
  clientById(id: number): ClientView | undefined;
  pause: PauseState | null;
  /** Ends the pause; the commands it held run next, in arrival order (CLIENT UNPAUSE). */
  unpause(): void;
  /** Whether a user of that name exists (CLIENT KILL USER). */
  userExists(username: string): boolean;
  /** Users, permissions and the ACL log. */
  readonly acl: Acl;
  /**
   * The ACL check of argv for the user of ctx's client: why it may not run (also written to ACL
   * LOG, in that context), or null. Callers skip it for unrestricted users.
   */
  aclDenied(
    ctx: CommandContext,
    command: Command,
    argv: string[],
    context: AclLogContext,
  ): AclDenial | null;
  /** Whether the default user needs no password, so new and RESET clients start authenticated. */
  defaultUserNoPass(): boolean;
  /** INFO text for INFO's arguments (section names, default, all, everything; none: default). */
  info(sections: readonly string[]): string;
  /** Clients blocked on keys (BLPOP ...). */
  readonly blocking: BlockingService;
  /** DEBUG's switches. */
  readonly debug: DebugSettings;
  /** New random replication ids (DEBUG CHANGE-REPL-ID). */
  changeReplicationId(): void;
  /** Resets the statistics CONFIG RESETSTAT resets. */
  resetStats(): void;
  /** Begins a shutdown; returns an error reply text if it cannot proceed. */
  shutdown(mode: ShutdownMode): string | null;
  readonly pubsub: PubSubService;
  readonly watches: WatchService;
  readonly tracking: TrackingService;
  /** Runs a command that passed the gate from inside the running one (EXEC's queued commands). */
  call(ctx: CommandContext, command: Command, argv: string[]): void;
  /** Propagates a write that is not the command being run (also-propagate). */
  propagate(dbId: number, argv: string[]): void;
  /** Lua scripts and functions (EVAL, FCALL, SCRIPT, FUNCTION). */
  readonly scripting: Scripting;
  /** SLOWLOG's entries. */
  readonly slowlog: Slowlog;
  /** LATENCY's events (latency-monitor-threshold). */
  readonly latencyMonitor: LatencyMonitor;
  /** Per-command latency histograms (INFO latencystats, LATENCY HISTOGRAM). */
  readonly latency: CommandLatencies;
  /** MONITOR: the client sees every command from now on; false if it already did. */
  startMonitoring(client: ClientState): boolean;
  /** Ends MONITOR mode (RESET). */
  stopMonitoring(client: ClientState): void;
  /** Random numbers come from here, so tests can seed them. */
  random(): number;
  /** used_memory's parts and the process's memory (MEMORY STATS, MEMORY DOCTOR). */
  memoryOverview(): MemoryOverview;
  /**
   * Whether memory was over maxmemory, with nothing left to evict, when the running top-level
   * command started (Redis's pre_command_oom_state): a script's first write is refused then.
   */
  memoryFullAtCommandStart(): boolean;
  readonly persistence: PersistenceService;
}
