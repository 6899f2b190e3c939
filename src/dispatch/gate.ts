/**
 * The single gate every command passes (Redis's processCommand + call): look the command up, check
 * arity, authentication and ACL permissions, queue it inside MULTI, run it, count it, and
 * propagate what it wrote. Handlers never re-check any of this.
 */
import { performance } from 'node:perf_hooks';
import type { ClientState } from './client-state.js';
import type { CommandContext } from './context.js';
import { ReplyError } from './context.js';
import { Err } from './errors.js';
import type { Command, CommandTable } from './table.js';

/** Bound on remembered command-name spellings, so odd casings cannot grow the cache forever. */
const MAX_SPELLINGS = 4096;

/** Inside MULTI, what may still run past maxmemory: queueing grows memory, these end it. */
const OOM_EXEMPT_IN_MULTI = new Set(['exec', 'discard', 'quit', 'reset']);
/** The commands whose script's flags decide whether they may grow memory. */
const SCRIPT_RUNNERS = new Set(['eval', 'evalsha', 'fcall', 'eval_ro', 'evalsha_ro', 'fcall_ro']);

/** Commands that run immediately even inside MULTI. */
const MULTI_PASSTHROUGH = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/** The only commands a subscribed RESP2 client may send (its replies would mix with messages). */
const PUBSUB_CONTEXT = new Set([
  'ping',
  'subscribe',
  'ssubscribe',
  'unsubscribe',
  'sunsubscribe',
  'psubscribe',
  'punsubscribe',
  'quit',
  'reset',
]);

export interface GateHooks {
  /** True when the client must authenticate first (requirepass set, not yet authenticated). */
  authRequired(ctx: CommandContext): boolean;
  /**
   * For commands flagged 'protected' (DEBUG): Redis's refusal when enable-debug-command does not
   * allow this client, or null.
   */
  protectedRefusal(ctx: CommandContext, command: Command): string | null;
  /**
   * ACL: the NOPERM refusal (logged in ACL LOG) when the client's user may not run argv, or null.
   * Only asked for users that are not unrestricted.
   */
  aclRefusal(ctx: CommandContext, command: Command, argv: string[]): string | null;
  /** True when CLIENT PAUSE holds this command back; the caller retries it later. */
  isPaused(ctx: CommandContext, command: Command, argv: readonly string[]): boolean;
  /**
   * maxmemory is set: evicts keys until used memory is within it (Redis's performEvictions);
   * false when it is still over.
   */
  evictToLimit(): boolean;
  /** EVAL, FCALL ...: whether the script declares flags that make it refused past maxmemory. */
  scriptDeniedOnOom(command: Command, argv: readonly string[]): boolean;
  /**
   * While a script runs past busy-reply-threshold: Redis's BUSY refusal for a command that may
   * not run then, or null.
   */
  busyRefusal?(command: Command, argv: readonly string[]): string | null;
  /** Propagates a write (AOF, replicas, MONITOR-less feed). */
  propagate(dbId: number, argv: string[]): void;
  /**
   * A top-level command starts, and ends: an execution unit. What it propagates, with everything
   * run inside it (EXEC's queued commands, lazy expiry), leaves together at its end, in MULTI ...
   * EXEC when there are several; so do the invalidations its client's tracking must hear of.
   */
  unitStarted(ctx: CommandContext): void;
  unitEnded(ctx: CommandContext): void;
  /**
   * After each top-level command ran (a whole MULTI/EXEC or script counts as one): clients
   * blocked on keys it wrote are served here (Redis's handleClientsBlockedOnKeys after call).
   */
  afterTopLevelCommand?(): void;
  /** After every executed command: statistics, the slow log, the latency monitor, MONITOR. */
  commandExecuted?(ctx: CommandContext, command: Command, argv: string[], micros: number): void;
  /**
   * MONITOR sees a skip_monitor command (EVAL, FCALL ...) before it runs, so that the commands its
   * script runs come after it, as Redis feeds them.
   */
  monitorBeforeCall?(ctx: CommandContext, command: Command, argv: string[]): void;
  /** Whether the client is in MONITOR mode (asked only while some client is). */
  isMonitor?(ctx: CommandContext): boolean;
}

/** A call whose handler ran: what its end needs. */
interface OpenCall {
  readonly ctx: CommandContext;
  readonly command: Command;
  readonly argv: string[];
  readonly dirtyBefore: number;
  readonly started: number;
  readonly topLevel: boolean;
}

export const enum GateResult {
  Done,
  /** Paused by CLIENT PAUSE: nothing was run; call again with the same arguments later. */
  Paused,
}

export class Gate {
  /** How many calls are running, one inside the other (EXEC and scripts call commands). */
  private depth = 0;
  /**
   * While a connection runs a batch of pipelined commands (see beginBatch), the clock reading
   * that ended the last top-level command; -1 when the next one must read the clock.
   */
  private batchClock = -1;
  private inBatch = false;
  private suspendRequested = false;
  /** The error replies counted when the last call ended. */
  private errorsSeen = 0;
  /** The call of a script that yielded to the event loop, until it finishes. */
  private suspended: OpenCall | null = null;
  private readonly bySpelling = new Map<string, Command>();
  /** maxmemory is set: commands make room first. False costs the hot path one check. */
  memoryLimited = false;
  /**
   * Memory was over maxmemory, with nothing left to evict, when the running top-level command
   * started (Redis's pre_command_oom_state).
   */
  outOfMemory = false;
  /** Some client is in MONITOR mode. False costs the hot path one check. */
  monitoring = false;
  /** The clock reading (performance.now()) the running top-level command started at. */
  commandStartedAt = 0;
  /**
   * The MISCONF refusal while the last background save failed (stop-writes-on-bgsave-error),
   * else null: one check on the hot path.
   */
  diskError: string | null = null;

  constructor(
    private readonly table: CommandTable,
    private readonly hooks: GateHooks,
  ) {}

  /** Looks up the command (or subcommand) for argv, or replies with the error and returns null. */
  resolve(ctx: CommandContext, argv: string[]): Command | null {
    const command = this.lookup(argv[0]);
    if (command === undefined) {
      this.reject(ctx, null, Err.unknownCommand(argv[0], argv.slice(1)));
      return null;
    }
    if (command.subcommands === null || argv.length < 2) return command;
    const sub = command.subcommands.get(lowerAscii(argv[1]));
    if (sub === undefined) {
      this.reject(ctx, command, Err.unknownSubcommand(argv[1], command.name));
      return null;
    }
    return sub;
  }

  execute(ctx: CommandContext, argv: string[]): GateResult {
    const command = this.resolve(ctx, argv);
    // CLIENT LIST's cmd: the command being run, also when it is refused (NULL when unknown).
    ctx.client.lastCommand = command === null ? 'NULL' : command.fullName;
    if (command === null) return GateResult.Done;
    const arity = command.arity;
    if ((arity > 0 && argv.length !== arity) || argv.length < -arity) {
      this.reject(ctx, command, Err.wrongArity(command.fullName));
      return GateResult.Done;
    }
    if (command.isProtected) {
      const refusal = this.hooks.protectedRefusal(ctx, command);
      if (refusal !== null) {
        this.reject(ctx, command, refusal);
        return GateResult.Done;
      }
    }
    if (!command.noAuth && this.hooks.authRequired(ctx)) {
      this.reject(ctx, command, Err.noAuth);
      return GateResult.Done;
    }
    const client = ctx.client;
    if (client.multi !== null && command.flags.has('no_multi')) {
      this.reject(ctx, command, Err.multiNotAllowed);
      return GateResult.Done;
    }
    if (!client.aclUser.unrestricted) {
      const refusal = this.hooks.aclRefusal(ctx, command, argv);
      if (refusal !== null) {
        this.reject(ctx, command, refusal);
        return GateResult.Done;
      }
    }
    if (this.memoryLimited && this.suspended === null) {
      this.outOfMemory = !this.hooks.evictToLimit();
      if (this.outOfMemory && this.refusedOnOom(client, command, argv)) {
        this.reject(ctx, command, Err.oom);
        return GateResult.Done;
      }
    }
    // Writes (and PING, as in Redis) are refused while the dataset cannot be saved.
    if (this.diskError !== null && refusedOnDiskError(client, command)) {
      this.reject(ctx, command, this.diskError);
      return GateResult.Done;
    }
    // A monitor is a replica to Redis: it may not touch the keyspace.
    if (
      this.monitoring &&
      (command.isWrite || command.flags.has('readonly') || command.flags.has('may_replicate')) &&
      this.hooks.isMonitor?.(ctx)
    ) {
      this.reject(ctx, command, Err.replicaKeyspace);
      return GateResult.Done;
    }
    // RESP3 carries messages as push frames beside replies; RESP2 cannot tell them apart.
    if (
      client.subscriptions !== null &&
      ctx.reply.resp === 2 &&
      !PUBSUB_CONTEXT.has(command.fullName)
    ) {
      this.reject(ctx, command, Err.pubsubContext(command.fullName));
      return GateResult.Done;
    }
    const busy = this.suspended === null ? null : (this.hooks.busyRefusal?.(command, argv) ?? null);
    if (busy !== null) {
      this.reject(ctx, command, busy);
      return GateResult.Done;
    }
    // Before queueing: Redis holds a write under CLIENT PAUSE WRITE even inside MULTI.
    if (this.hooks.isPaused(ctx, command, argv)) return GateResult.Paused;
    if (client.multi !== null && !MULTI_PASSTHROUGH.has(command.parent?.name ?? command.name)) {
      // An aborted transaction keeps answering QUEUED but stores nothing more, as in Redis.
      if (!client.multiError && !client.watchDirty) client.multi.push({ command, argv });
      ctx.reply.status('QUEUED');
      return GateResult.Done;
    }
    this.call(ctx, command, argv);
    if (this.depth === 0) this.hooks.afterTopLevelCommand?.();
    return GateResult.Done;
  }

  /**
   * The running handler returns before its command is over: a script past busy-reply-threshold
   * goes on at later turns of the event loop. Its call stays open (other commands run nested in
   * it, its execution unit collects their writes) until `finishSuspended()`.
   */
  suspendCurrent(): void {
    this.suspendRequested = true;
  }

  /** The suspended command is over: its call ends as it would have. */
  finishSuspended(): void {
    const call = this.suspended;
    if (call === null) return;
    this.suspended = null;
    this.depth--;
    this.endCall(call.ctx, call.command, call.argv, call.dirtyBefore, call.started, call.topLevel);
    if (this.depth === 0) this.hooks.afterTopLevelCommand?.();
  }

  /**
   * A command refused outside the gate (called by a script): its error was counted, it counts as
   * rejected, and that error does not make its caller a failed call (Redis's
   * incrCommandStatsOnError).
   */
  rejectedElsewhere(ctx: CommandContext, command: Command | null): void {
    if (command !== null) command.stats.rejectedCalls++;
    this.errorsSeen = ctx.server.stats.totalErrorReplies;
  }

  /**
   * A connection is about to run the commands it has read, back to back: each command then starts
   * at the clock reading that ended the one before, the first at `readAt`, the performance.now()
   * reading taken when the bytes arrived, if any (a clock read can cost hundreds of ns; a
   * command's duration then includes reading its arguments). endBatch() must follow before
   * control returns to the event loop.
   */
  beginBatch(readAt = -1): void {
    this.inBatch = true;
    this.batchClock = readAt;
  }

  endBatch(): void {
    this.inBatch = false;
    this.batchClock = -1;
  }

  /** Whether the command running was called by another (inside EXEC or a script). */
  get nested(): boolean {
    return this.depth > 1;
  }

  /** Runs a command that passed the gate (also used by EXEC for queued commands). */
  call(ctx: CommandContext, command: Command, argv: string[]): void {
    const keyspace = ctx.keyspace;
    const topLevel = this.depth === 0;
    const started = topLevel && this.batchClock >= 0 ? this.batchClock : performance.now();
    if (topLevel) {
      // One time for the whole command, transaction or script, as Redis's fixed_time_expire,
      // taken from the same clock reading as the duration.
      this.commandStartedAt = started;
      keyspace.updateTime(started);
      this.hooks.unitStarted(ctx);
    }
    const dirtyBefore = keyspace.dirty;
    // A command failed when an error was counted since the last call ended, as Redis's
    // prev_err_count: errors of commands it ran itself (a script's) are theirs, not its own.
    if (topLevel) this.errorsSeen = ctx.server.stats.totalErrorReplies;
    ctx.command = command;
    ctx.propagateAs = null;
    this.depth++;
    const outputMark = ctx.reply.out.length;
    if (this.monitoring && command.flags.has('skip_monitor')) {
      this.hooks.monitorBeforeCall?.(ctx, command, argv);
    }
    try {
      (command.handler as NonNullable<Command['handler']>)(ctx, argv);
    } catch (err) {
      if (err instanceof ReplyError) ctx.reply.error(err.message);
      else internalError(ctx, command, err, outputMark);
    } finally {
      this.depth--;
    }
    if (this.suspendRequested) {
      this.suspendRequested = false;
      this.depth++;
      this.suspended = { ctx, command, argv, dirtyBefore, started, topLevel };
      return;
    }
    this.endCall(ctx, command, argv, dirtyBefore, started, topLevel);
  }

  /** After a command's handler: statistics, propagation, the end of its execution unit. */
  private endCall(
    ctx: CommandContext,
    command: Command,
    argv: string[],
    dirtyBefore: number,
    started: number,
    topLevel: boolean,
  ): void {
    const keyspace = ctx.keyspace;
    const ended = performance.now();
    if (topLevel && this.inBatch) this.batchClock = ended;
    const micros = (ended - started) * 1000;
    const stats = command.stats;
    stats.calls++;
    stats.usec += micros;
    const errors = ctx.server.stats.totalErrorReplies;
    if (errors > this.errorsSeen) stats.failedCalls++;
    this.errorsSeen = errors;
    ctx.client.commandsProcessed++;
    ctx.server.stats.totalCommandsProcessed++;
    // The handler may have set it (TypeScript still sees the null assigned above).
    const propagateAs = ctx.propagateAs as string[] | null;
    if (command.isWrite && keyspace.dirty !== dirtyBefore && propagateAs?.length !== 0) {
      this.hooks.propagate(ctx.db.id, propagateAs ?? argv);
    }
    if (topLevel) this.hooks.unitEnded(ctx);
    this.hooks.commandExecuted?.(ctx, command, argv, micros);
  }

  /**
   * The command for a name as the client spelled it. Clients send one spelling per command
   * ("SET", "set"), so spellings that resolved are remembered and the hot path skips lower-casing.
   */
  private lookup(name: string): Command | undefined {
    let command = this.bySpelling.get(name);
    if (command === undefined) {
      command = this.table.get(lowerAscii(name));
      if (command !== undefined && this.bySpelling.size < MAX_SPELLINGS) {
        this.bySpelling.set(name, command);
      }
    }
    return command;
  }

  /**
   * Whether a command is refused while memory is over maxmemory (Redis's reject_cmd_on_oom): one
   * that may grow memory (denyoom, or a script declaring it may), EXEC of a transaction holding
   * one, anything queued in MULTI.
   */
  private refusedOnOom(
    client: CommandContext['client'],
    command: Command,
    argv: string[],
  ): boolean {
    if (command.denyOom) return true;
    const name = command.parent?.name ?? command.name;
    if (SCRIPT_RUNNERS.has(name)) return this.hooks.scriptDeniedOnOom(command, argv);
    if (name === 'exec') return client.multi?.some((queued) => queued.command.denyOom) ?? false;
    return client.multi !== null && !OOM_EXEMPT_IN_MULTI.has(name);
  }

  private reject(ctx: CommandContext, command: Command | null, message: string): void {
    if (command !== null) command.stats.rejectedCalls++;
    if (ctx.client.multi !== null) ctx.client.multiError = true;
    // A refused EXEC ends the transaction, if any, and says why (Redis's execCommandAbort).
    if (command?.name === 'exec') {
      discardTransaction(ctx);
      return ctx.reply.error(Err.execAbortBecause(message));
    }
    ctx.reply.error(message);
  }
}

/** Ends the client's transaction, watched keys included (Redis's discardTransaction). */
export function discardTransaction(ctx: CommandContext): void {
  const client = ctx.client;
  client.multi = null;
  client.multiError = false;
  client.watchDirty = false;
  ctx.server.watches.unwatchAll(client);
}

/**
 * A handler failed in a way it did not plan for (a bug, or a reply too large for a JS string):
 * the partial reply is dropped so the protocol stays in step, the client gets an error, and the
 * server and every other client carry on.
 */
function internalError(
  ctx: CommandContext,
  command: Command,
  err: unknown,
  outputMark: number,
): void {
  ctx.reply.out = ctx.reply.out.slice(0, outputMark);
  const message = err instanceof Error ? err.message : String(err);
  console.error(`kvik: internal error in '${command.fullName}':`, err);
  ctx.reply.error(`ERR internal error in '${command.fullName}': ${message}`);
}

/** ASCII-only lower case, as Redis's strcasecmp compares command names. */
/** Redis's is_write_command (EXEC of a transaction holding a write counts) or PING. */
function refusedOnDiskError(client: ClientState, command: Command): boolean {
  if (command.isWrite || command.name === 'ping') return true;
  return command.name === 'exec' && (client.multi?.some((q) => q.command.isWrite) ?? false);
}

function lowerAscii(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
  }
  return s;
}
