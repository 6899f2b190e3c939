/**
 * maxmemory: evicting keys until used memory is back under the limit, as Redis's evict.c does.
 *
 * The LRU, LFU and TTL policies are approximated the way Redis approximates them: each round
 * samples maxmemory-samples keys of every database (all keys, or those with a TTL for the
 * volatile-* policies) into an eviction pool of 16 candidates sorted by how evictable they are
 * (idle time, 255 - LFU counter, or nearness of expiry); the best candidate still present goes.
 * The pool lives across rounds and commands, so good candidates seen earlier are remembered.
 * The random policies take a random key of the next database in turn.
 *
 * Keys with a TTL are sampled from the expires map, which has no random access: a cursor walks it
 * round and round, a few entries per round (the pool keeps the best of what it has seen).
 */
import { performance } from 'node:perf_hooks';
import { lfuCounter } from './lfu.js';
import type { Database, Keyspace } from './keyspace.js';

/** Redis's EVPOOL_SIZE. */
const POOL_SIZE = 16;
/** The time limit is checked, and memory measured again, every this many evicted keys. */
const CHECK_EVERY = 16;
const LRU_CLOCK_MAX = 0xffffff;

export type EvictionPolicy =
  | 'noeviction'
  | 'allkeys-lru'
  | 'volatile-lru'
  | 'allkeys-lfu'
  | 'volatile-lfu'
  | 'allkeys-random'
  | 'volatile-random'
  | 'volatile-ttl';

type Ranking = 'lru' | 'lfu' | 'ttl' | 'random' | 'none';

export class Eviction {
  /** The limit in bytes; 0 when maxmemory is off (nothing here runs then). */
  maxmemory = 0;
  samples = 5;
  /** maxmemory-eviction-tenacity: how long one call may evict before it lets the command run. */
  tenacity = 10;
  /** lazyfree-lazy-eviction: evictions are propagated as UNLINK. */
  lazy = false;
  private ranking: Ranking = 'none';
  private volatileOnly = false;
  /** The pool, best candidate last: idle score, key and database of each entry (null: empty). */
  private readonly poolIdle = new Float64Array(POOL_SIZE);
  private readonly poolKey: (string | null)[] = new Array<string | null>(POOL_SIZE).fill(null);
  private readonly poolDb = new Int32Array(POOL_SIZE);
  /** The database the random policies take from next. */
  private nextDb = 0;
  private readonly expiresCursors = new WeakMap<Map<string, number>, Iterator<string>>();
  /** When used memory last went over maxmemory (performance.now() ms), -1 while within it. */
  private exceededSince = -1;
  /** Time spent over maxmemory before that (total_eviction_exceeded_time). */
  private exceededMs = 0;

  constructor(
    private readonly keyspace: Keyspace,
    private readonly usedMemory: () => number,
  ) {}

  set policy(policy: EvictionPolicy) {
    const [scope, ranking] = policy.split('-') as [string, Ranking | undefined];
    this.ranking = ranking ?? 'none';
    this.volatileOnly = scope === 'volatile';
    this.poolKey.fill(null);
  }

  /**
   * Redis's performEvictions, before a command runs: evicts until used memory is within
   * maxmemory. False when it is not and cannot be (noeviction, or nothing left to evict): the
   * command must then be refused if it may grow memory. True also when the time limit stopped it
   * early; the next commands and the cron go on from there.
   */
  perform(): boolean {
    if (this.usedMemory() <= this.maxmemory) return this.withinLimit();
    const now = performance.now();
    if (this.exceededSince < 0) this.exceededSince = now;
    if (this.ranking === 'none') return false;
    const deadline = now + timeLimitMs(this.tenacity);
    for (let evicted = 1; ; evicted++) {
      const victim = this.ranking === 'random' ? this.randomVictim() : this.poolVictim();
      if (victim === null) return this.usedMemory() <= this.maxmemory && this.withinLimit();
      this.keyspace.evict(victim.db, victim.key, this.lazy);
      if (this.usedMemory() <= this.maxmemory) return this.withinLimit();
      if (evicted % CHECK_EVERY === 0 && performance.now() > deadline) return true;
    }
  }

  /** Ends a time over maxmemory, if one was running; true. */
  private withinLimit(): boolean {
    if (this.exceededSince >= 0) {
      this.exceededMs += performance.now() - this.exceededSince;
      this.exceededSince = -1;
    }
    return true;
  }

  /** INFO's current_eviction_exceeded_time: ms since used memory went over maxmemory, or 0. */
  currentExceededMs(): number {
    return this.exceededSince < 0 ? 0 : Math.floor(performance.now() - this.exceededSince);
  }

  /** INFO's total_eviction_exceeded_time: ms spent over maxmemory, the current time included. */
  totalExceededMs(): number {
    const current = this.exceededSince < 0 ? 0 : performance.now() - this.exceededSince;
    return Math.floor(this.exceededMs + current);
  }

  /** CONFIG RESETSTAT. */
  resetStats(): void {
    this.exceededMs = 0;
    if (this.exceededSince >= 0) this.exceededSince = performance.now();
  }

  /** Redis's evictionPoolPopulate for every database, then the best candidate still present. */
  private poolVictim(): { db: Database; key: string } | null {
    const dbs = this.keyspace.dbs;
    for (;;) {
      let keys = 0;
      for (const db of dbs) {
        const size = this.volatileOnly ? db.expires.size : db.dict.size;
        if (size === 0) continue;
        keys += size;
        this.populate(db);
      }
      if (keys === 0) return null;
      for (let k = POOL_SIZE - 1; k >= 0; k--) {
        const key = this.poolKey[k];
        if (key === null) continue;
        this.poolKey[k] = null;
        const db = dbs[this.poolDb[k]];
        // A candidate may be gone since it was sampled (deleted, expired, or persisted).
        const present = this.volatileOnly ? db.expires.has(key) : db.dict.has(key);
        if (present) return { db, key };
      }
    }
  }

  private populate(db: Database): void {
    const dict = db.dict;
    if (!this.volatileOnly) {
      for (let i = 0; i < this.samples; i++) {
        const slot = dict.randomSlot(this.keyspace.random);
        this.consider(db, dict.keyAt(slot), slot);
      }
      return;
    }
    for (let i = 0; i < this.samples; i++) {
      const key = this.nextVolatileKey(db.expires);
      if (key === undefined) return;
      const slot = this.ranking === 'ttl' ? -1 : dict.slotOf(key);
      if (slot >= 0 || this.ranking === 'ttl') this.consider(db, key, slot);
    }
  }

  /** The next key of a walk round the expires map (undefined when it is empty). */
  private nextVolatileKey(expires: Map<string, number>): string | undefined {
    let cursor = this.expiresCursors.get(expires);
    let next = cursor?.next();
    if (next === undefined || next.done === true) {
      cursor = expires.keys();
      this.expiresCursors.set(expires, cursor);
      next = cursor.next();
    }
    return next.done === true ? undefined : next.value;
  }

  /** How evictable a key is: the higher, the sooner it goes. */
  private idleScore(db: Database, key: string, slot: number): number {
    const keyspace = this.keyspace;
    if (this.ranking === 'ttl') return Number.MAX_SAFE_INTEGER - (db.expires.get(key) ?? 0);
    const meta = db.dict.metaAt(slot);
    if (this.ranking === 'lfu') return 255 - lfuCounter(meta, keyspace.now, keyspace.lfuDecayTime);
    const clock = keyspace.lruClock();
    return clock >= meta ? clock - meta : clock + (LRU_CLOCK_MAX - meta);
  }

  /** Enters a sampled key in the pool, which stays sorted by idle score, best last. */
  private consider(db: Database, key: string, slot: number): void {
    const idle = this.idleScore(db, key, slot);
    const keys = this.poolKey;
    const idles = this.poolIdle;
    const dbIds = this.poolDb;
    let k = 0;
    while (k < POOL_SIZE && keys[k] !== null && idles[k] < idle) k++;
    for (let j = 0; j < POOL_SIZE && keys[j] !== null; j++) {
      if (keys[j] === key && dbIds[j] === db.id) return;
    }
    if (k === 0 && keys[POOL_SIZE - 1] !== null) return;
    if (k < POOL_SIZE && keys[k] !== null) {
      if (keys[POOL_SIZE - 1] === null) {
        // Room on the right: the better entries move right.
        for (let j = POOL_SIZE - 1; j > k; j--) this.moveEntry(j - 1, j);
      } else {
        // Full: the worst entry (first) falls out, the worse ones move left.
        k--;
        for (let j = 0; j < k; j++) this.moveEntry(j + 1, j);
      }
    } else if (k === POOL_SIZE) {
      k--;
      for (let j = 0; j < k; j++) this.moveEntry(j + 1, j);
    }
    keys[k] = key;
    idles[k] = idle;
    dbIds[k] = db.id;
  }

  private moveEntry(from: number, to: number): void {
    this.poolKey[to] = this.poolKey[from];
    this.poolIdle[to] = this.poolIdle[from];
    this.poolDb[to] = this.poolDb[from];
  }

  /** allkeys-random and volatile-random: a key of the next database that has one. */
  private randomVictim(): { db: Database; key: string } | null {
    const dbs = this.keyspace.dbs;
    for (let i = 0; i < dbs.length; i++) {
      const db = dbs[this.nextDb++ % dbs.length];
      if (this.volatileOnly) {
        const key = this.nextVolatileKey(db.expires);
        if (key !== undefined) return { db, key };
      } else if (db.dict.size > 0) {
        return { db, key: db.dict.keyAt(db.dict.randomSlot(this.keyspace.random)) };
      }
    }
    return null;
  }
}

/** Redis's evictionTimeLimitUs, in ms: 50 µs per step of tenacity to 10, then 15% more a step. */
function timeLimitMs(tenacity: number): number {
  if (tenacity <= 10) return (50 * tenacity) / 1000;
  if (tenacity < 100) return (500 * Math.pow(1.15, tenacity - 10)) / 1000;
  return Infinity;
}
