/**
 * Blocking operations (Redis's blocked.c): clients waiting in BLPOP, BLMOVE, BZPOPMIN, XREAD ...
 * until one of their keys can serve them, their timeout passes, CLIENT UNBLOCK ends the wait or
 * they disconnect.
 *
 * Every write of a key that someone waits on marks the key ready; after each top-level command
 * (so after a whole MULTI/EXEC or script, never inside one) the ready keys are served in the
 * order they became ready, and each key's waiters first come, first served. A waiter decides by
 * itself whether the key can serve it (a BLPOP waits for a list, and keeps waiting when the key
 * is deleted or becomes a string); serving may write other keys (BLMOVE's destination), which
 * become ready in their turn within the same round.
 */
import { ReplyError, type CommandContext } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import type {
  BlockingService as BlockingApi,
  BlockRequest,
  ServerStats,
} from '../dispatch/services.js';
import type { Database, Keyspace } from '../keyspace/keyspace.js';
import { isString } from '../keyspace/values.js';

/** What the service needs from the server it belongs to. */
export interface BlockingHost {
  readonly keyspace: Keyspace;
  readonly stats: ServerStats;
  /** Whether a command is running inside another one (EXEC, a script), where none may block. */
  isNested(): boolean;
  propagate(dbId: number, argv: string[]): void;
  /**
   * Runs the serving of one client as an execution unit, as Redis serves each blocked client:
   * what it propagates leaves together, in MULTI ... EXEC when it is several commands (a blocked
   * XREADGROUP given several entries propagates one XCLAIM each).
   */
  asUnit(work: () => void): void;
  /** The client was unblocked with its reply written: it resumes its pending input after this. */
  resume(clientId: number): void;
}

interface Waiter {
  readonly ctx: CommandContext;
  readonly request: BlockRequest;
  readonly dbId: number;
  timer: NodeJS.Timeout | null;
}

/** Node's timers hold at most 2^31 - 1 ms; longer waits re-arm. */
const MAX_TIMER_DELAY = 2 ** 31 - 1;

export class BlockingService implements BlockingApi {
  /** The waiters of each key, by database, in arrival order. */
  private readonly waitersByKey = new Map<number, Map<string, Set<Waiter>>>();
  /** Every waiter, by client id. */
  private readonly waiters = new Map<number, Waiter>();
  /** Keys written while waited on, in order, deduplicated by `${db}\0${key}`. */
  private ready: { dbId: number; key: string }[] = [];
  private readonly readyIds = new Set<string>();
  private withTimeout = 0;

  constructor(private readonly host: BlockingHost) {}

  get blockedClients(): number {
    return this.waiters.size;
  }

  get clientsWithTimeout(): number {
    return this.withTimeout;
  }

  mayBlock(): boolean {
    return !this.host.isNested();
  }

  block(ctx: CommandContext, request: BlockRequest): void {
    const waiter: Waiter = { ctx, request, dbId: ctx.db.id, timer: null };
    let byKey = this.waitersByKey.get(waiter.dbId);
    if (byKey === undefined) this.waitersByKey.set(waiter.dbId, (byKey = new Map()));
    for (const key of request.keys) {
      let queue = byKey.get(key);
      if (queue === undefined) byKey.set(key, (queue = new Set()));
      queue.add(waiter);
    }
    this.waiters.set(ctx.client.id, waiter);
    ctx.client.blockedOn = request;
    if (request.deadline > 0) {
      this.withTimeout++;
      this.armTimer(waiter);
    }
  }

  /** A key was written: if someone waits on it, it is served after the command. */
  keyWritten(dbId: number, key: string): void {
    if (this.waiters.size === 0 || this.waitersByKey.get(dbId)?.has(key) !== true) return;
    const id = `${dbId}\0${key}`;
    if (this.readyIds.has(id)) return;
    this.readyIds.add(id);
    this.ready.push({ dbId, key });
  }

  /**
   * SWAPDB is about to give database dbId the keys of `incoming`, or a flush to empty it (null).
   * Every key waited on there that incoming holds becomes ready (Redis's
   * scanDatabaseForReadyKeys), and so does every stream that goes away (scanDatabaseForDeletedStreams:
   * its XREADGROUP waiters are told).
   */
  databaseReplaced(dbId: number, incoming: Database | null): void {
    const byKey = this.waitersByKey.get(dbId);
    if (byKey === undefined) return;
    const outgoing = this.host.keyspace.dbs[dbId];
    for (const key of byKey.keys()) {
      const leaving = outgoing.dict.get(key);
      const streamLeaves = leaving !== undefined && !isString(leaving) && leaving.type === 'stream';
      if (incoming?.dict.has(key) === true || streamLeaves) this.keyWritten(dbId, key);
    }
  }

  /** Serves the clients waiting on the keys written since the last round (handleClientsBlockedOnKeys). */
  serveReadyKeys(): void {
    if (this.ready.length === 0) return;
    this.host.keyspace.updateTime();
    // Serving may mark more keys ready (BLMOVE's destination): they join this same loop.
    for (let i = 0; i < this.ready.length; i++) {
      const { dbId, key } = this.ready[i];
      this.readyIds.delete(`${dbId}\0${key}`);
      const queue = this.waitersByKey.get(dbId)?.get(key);
      if (queue === undefined) continue;
      for (const waiter of queue) this.tryServe(waiter, key);
    }
    this.ready = [];
  }

  unblock(clientId: number, withError: boolean): boolean {
    const waiter = this.waiters.get(clientId);
    if (waiter === undefined) return false;
    this.end(waiter);
    if (withError) {
      waiter.ctx.reply.error(Err.unblocked);
      if (waiter.ctx.command !== null) waiter.ctx.command.stats.failedCalls++;
    } else {
      waiter.request.timedOut(waiter.ctx);
    }
    this.host.resume(clientId);
    return true;
  }

  /** The client disconnected: it waits no more, and nothing is replied. */
  clientGone(clientId: number): void {
    const waiter = this.waiters.get(clientId);
    if (waiter !== undefined) this.end(waiter);
  }

  private tryServe(waiter: Waiter, key: string): void {
    const { ctx, request } = waiter;
    const keyspace = this.host.keyspace;
    const dirtyBefore = keyspace.dirty;
    const errorsBefore = this.host.stats.totalErrorReplies;
    ctx.propagateAs = null;
    let served = false;
    this.host.asUnit(() => {
      served = this.serve(ctx, request, key);
      const propagateAs = ctx.propagateAs as string[] | null;
      if (served && keyspace.dirty !== dirtyBefore && propagateAs !== null) {
        this.host.propagate(waiter.dbId, propagateAs);
      }
    });
    if (!served) return;
    this.end(waiter);
    if (this.host.stats.totalErrorReplies !== errorsBefore && ctx.command !== null) {
      ctx.command.stats.failedCalls++;
    }
    this.host.resume(ctx.client.id);
  }

  /**
   * Times out every waiter whose deadline has passed (the server's cron calls this too, so that
   * waits follow an injected clock, not only the timers).
   */
  expireTimeouts(): void {
    if (this.withTimeout === 0) return;
    const now = this.host.keyspace.clock.now();
    for (const waiter of this.waiters.values()) {
      if (waiter.request.deadline > 0 && waiter.request.deadline <= now) this.timeOut(waiter);
    }
  }

  /** Runs request.serve; an error it throws (BLMOVE's WRONGTYPE destination) is its reply. */
  private serve(ctx: CommandContext, request: BlockRequest, key: string): boolean {
    try {
      return request.serve(ctx, key);
    } catch (err) {
      if (!(err instanceof ReplyError)) throw err;
      ctx.reply.error(err.message);
      return true;
    }
  }

  private timeOut(waiter: Waiter): void {
    if (this.waiters.get(waiter.ctx.client.id) !== waiter) return;
    if (waiter.request.deadline > this.host.keyspace.clock.now()) {
      this.armTimer(waiter);
      return;
    }
    this.end(waiter);
    waiter.request.timedOut(waiter.ctx);
    this.host.resume(waiter.ctx.client.id);
  }

  private armTimer(waiter: Waiter): void {
    if (waiter.timer !== null) clearTimeout(waiter.timer);
    const left = waiter.request.deadline - this.host.keyspace.clock.now();
    const delay = Math.min(Math.max(left, 1), MAX_TIMER_DELAY);
    waiter.timer = setTimeout(() => this.timeOut(waiter), delay);
    waiter.timer.unref();
  }

  /** Forgets the waiter everywhere; the client is no longer blocked. */
  private end(waiter: Waiter): void {
    const { ctx, request } = waiter;
    this.waiters.delete(ctx.client.id);
    ctx.client.blockedOn = null;
    if (waiter.timer !== null) clearTimeout(waiter.timer);
    if (request.deadline > 0) this.withTimeout--;
    const byKey = this.waitersByKey.get(waiter.dbId);
    if (byKey === undefined) return;
    for (const key of request.keys) {
      const queue = byKey.get(key);
      if (queue === undefined) continue;
      queue.delete(waiter);
      if (queue.size === 0) byKey.delete(key);
    }
  }
}
