/**
 * The databases and everything that happens to keys: lookups with lazy expiry, the TTL index,
 * LRU stamps, and keyChanged(), the one call through which every write leaves (WATCH, keyspace
 * notifications, the dirty counter). Knows nothing of clients or RESP.
 */
import { performance } from 'node:perf_hooks';
import { IndexedDict } from '../datatypes/indexed-dict.js';
import { lfuAccessed, lfuCounter, lfuNewStamp } from './lfu.js';
import { EXPIRE_ENTRY_BYTES, keyBytes } from './memory-estimate.js';
import type { StoredValue } from './values.js';

export interface Clock {
  /**
   * Milliseconds since the epoch. `monotonicMs` is a performance.now() reading the caller has
   * just taken, from which a clock may derive the time instead of reading it again.
   */
  now(monotonicMs?: number): number;
}

/** How often SystemClock re-reads the wall clock, to follow its adjustments. */
const WALL_CLOCK_RESYNC_MS = 100;

/**
 * The system's wall clock, derived from the monotonic clock. A clock read costs a system call
 * on some machines (hundreds of ns under virtualization) and the gate already reads the monotonic
 * clock for each command's duration, so the wall time comes from that reading plus an offset
 * re-read every 100 ms: one clock read per command instead of two, as Redis reuses its cached
 * ustime. Like Date.now(), to the millisecond (it may lag it by up to one).
 */
export class SystemClock implements Clock {
  private offset = Date.now() - performance.now();
  private syncedAt = performance.now();

  now(monotonicMs = performance.now()): number {
    if (monotonicMs - this.syncedAt > WALL_CLOCK_RESYNC_MS) {
      this.offset = Date.now() - monotonicMs;
      this.syncedAt = monotonicMs;
    }
    return Math.floor(monotonicMs + this.offset);
  }
}

/** The notify-keyspace-events class of an event (Redis's NOTIFY_* flags, by their letters). */
export type NotifyClass = 'g' | '$' | 'l' | 's' | 'h' | 'z' | 'x' | 'e' | 't' | 'm' | 'd' | 'n';

/** How the keyspace tells the rest of the server what happened. The server plugs these in. */
export interface KeyspaceListener {
  /** A key was modified (Redis's signalModifiedKey): WATCH, client-side caching. */
  keyModified(db: Database, key: string): void;
  /** A keyspace event (Redis's notifyKeyspaceEvent). */
  keyspaceEvent(type: NotifyClass, event: string, key: string, dbId: number): void;
  /** A write the keyspace made on its own (lazy or active expiry) to be propagated. */
  propagate(dbId: number, argv: string[]): void;
  /**
   * A database is about to be emptied (FLUSHDB, FLUSHALL) or to trade contents with another
   * (SWAPDB): WATCH treats the keys that disappear or change as modified.
   */
  databaseReplaced(emptied: Database, replacedWith: Database | null): void;
  /** Databases are being flushed: every client-side cache is invalidated (tracking). */
  flushed(): void;
}

/**
 * A snapshot in progress (persistence/snapshot.ts) hears of every change its frozen view of the
 * keyspace could miss: an entry of a database's dictionary set or deleted, a value changed in
 * place, an expiry set or removed.
 */
export interface CopyOnWrite {
  /** The entry of `key` in this dictionary is about to be added, replaced or deleted. */
  entryChanging(dict: IndexedDict<StoredValue>, key: string): void;
  /** A collection or StringBuffer is about to be modified in place. */
  valueChanging(value: StoredValue): void;
  /** The expiry of `key` in this expires map is about to be set or removed. */
  expiryChanging(expires: Map<string, number>, key: string): void;
}

export class KeyspaceStats {
  expiredKeys = 0;
  evictedKeys = 0;
  keyspaceHits = 0;
  keyspaceMisses = 0;
  expiredStalePerc = 0;
  expiredTimeCapReachedCount = 0;
  expireCycleCpuMilliseconds = 0;
}

export class Database {
  /** Keys and values; each entry weighs its estimated bytes (memory-estimate.ts). */
  dict = new IndexedDict<StoredValue>(true);
  /** Absolute expiry time in ms, for keys that have one (Redis's db->expires). */
  expires = new Map<string, number>();
  /** Where the active expire cycle left off in `expires`. */
  expireCursor: Iterator<[string, number]> | null = null;
  /** Running average TTL of sampled keys (INFO keyspace avg_ttl). */
  avgTtl = 0;

  constructor(readonly id: number) {}

  get size(): number {
    return this.dict.size;
  }
}

/** LRU stamps are seconds in 24 bits, as Redis's LRU clock. */
const LRU_CLOCK_MAX = 0xffffff;

export class Keyspace {
  dbs: Database[];
  readonly stats = new KeyspaceStats();
  /** Writes since the last save (Redis's server.dirty). */
  dirty = 0;
  /** The time commands see: fixed for the duration of a command, a transaction or a script. */
  now = 0;
  /** On a replica, expired keys are hidden but not deleted (the primary sends the DEL). */
  expireDeletes = true;
  /** lazyfree-lazy-expire: deletions by expiry are propagated as UNLINK instead of DEL. */
  lazyfreeLazyExpire = false;
  /**
   * Each key's metadata word holds its LRU stamp, or under an LFU maxmemory-policy its LFU data
   * (see lfu.ts); the server sets these from the config.
   */
  lfu = false;
  lfuLogFactor = 10;
  lfuDecayTime = 1;
  /** Randomness for the LFU counters' logarithmic increments. */
  random: () => number = Math.random;
  /**
   * The key setKey last weighed when its value was a latin1 string: immutable, so the weight is
   * still right when the write's keyChanged comes, which then skips a second lookup.
   */
  private weighedKey: string | null = null;
  private weighedDb: Database | null = null;
  /** The snapshot being taken, if any: one null check on the write path otherwise. */
  copyOnWrite: CopyOnWrite | null = null;

  constructor(
    databases: number,
    readonly clock: Clock,
    private readonly listener: KeyspaceListener,
  ) {
    this.dbs = Array.from({ length: databases }, (_, i) => new Database(i));
    this.now = clock.now();
  }

  /** Sets the number of databases; only before the server holds any data. */
  setDatabaseCount(count: number): void {
    if (count !== this.dbs.length)
      this.dbs = Array.from({ length: count }, (_, i) => new Database(i));
  }

  /**
   * Re-reads the clock, or derives the time from a performance.now() reading just taken; the gate
   * calls this before each command.
   */
  updateTime(monotonicMs?: number): number {
    this.now = this.clock.now(monotonicMs);
    return this.now;
  }

  /** A key's metadata word after an access. */
  private accessed(meta: number): number {
    if (!this.lfu) return this.lruClock();
    return lfuAccessed(meta, this.now, this.lfuLogFactor, this.lfuDecayTime, this.random);
  }

  lruClock(): number {
    return Math.floor(this.now / 1000) & LRU_CLOCK_MAX;
  }

  /**
   * The value of a key for reading, or undefined. Expired keys are deleted on the way. Counts hits
   * and misses; `touch` false leaves the LRU stamp alone (OBJECT, CLIENT NO-TOUCH). A miss raises
   * a `keymiss` event unless `notifyMiss` is false (OBJECT).
   */
  lookupRead(db: Database, key: string, touch = true, notifyMiss = true): StoredValue | undefined {
    const value = this.lookup(db, key, touch);
    if (value !== undefined) {
      this.stats.keyspaceHits++;
      return value;
    }
    this.stats.keyspaceMisses++;
    if (notifyMiss) this.listener.keyspaceEvent('m', 'keymiss', key, db.id);
    return undefined;
  }

  /** The value of a key about to be written, or undefined. Expired keys are deleted on the way. */
  lookupWrite(db: Database, key: string): StoredValue | undefined {
    const value = this.lookup(db, key, true);
    if (this.copyOnWrite !== null && value !== undefined && typeof value !== 'string') {
      this.copyOnWrite.valueChanging(value);
    }
    return value;
  }

  private lookup(db: Database, key: string, touch: boolean): StoredValue | undefined {
    const slot = db.dict.slotOf(key);
    if (slot < 0) return undefined;
    if (db.expires.size !== 0 && this.expireIfNeeded(db, key)) return undefined;
    if (touch) db.dict.setMetaAt(slot, this.accessed(db.dict.metaAt(slot)));
    return db.dict.valueAt(slot);
  }

  exists(db: Database, key: string): boolean {
    return this.lookup(db, key, false) !== undefined;
  }

  /**
   * Adds or overwrites a key (Redis's setKey): the TTL is cleared unless keepTtl. The LRU stamp is
   * now, an overwritten key's included (in Redis the new value object is born now); LFU data
   * starts afresh for a new key and carries over to an overwritten one. A new key raises the
   * `new` event (before the command's own event, as in Redis).
   */
  setKey(db: Database, key: string, value: StoredValue, keepTtl = false): void {
    const stamp = this.lfu ? lfuNewStamp(this.now) : this.lruClock();
    const sizeBefore = db.dict.size;
    this.copyOnWrite?.entryChanging(db.dict, key);
    const slot = db.dict.set(key, value, stamp);
    if (!this.lfu) db.dict.setMetaAt(slot, stamp);
    db.dict.setWeightAt(slot, keyBytes(key, value));
    this.weighedKey = typeof value === 'string' ? key : null;
    this.weighedDb = db;
    if (!keepTtl && db.expires.size !== 0) this.dropExpire(db, key);
    if (db.dict.size !== sizeBefore) this.listener.keyspaceEvent('n', 'new', key, db.id);
  }

  /**
   * Moves an existing key, with its TTL and access data, to another name and/or database (RENAME,
   * MOVE), replacing whatever was there.
   */
  moveKey(from: Database, key: string, to: Database, newKey: string): void {
    const slot = from.dict.slotOf(key);
    const value = from.dict.valueAt(slot);
    const meta = from.dict.metaAt(slot);
    const expire = this.getExpire(from, key);
    this.delete(from, key);
    // A replaced destination is deleted first, so the key is created anew (a `new` event).
    this.delete(to, newKey);
    this.setKey(to, newKey, value);
    to.dict.setMetaAt(to.dict.slotOf(newKey), meta);
    if (expire !== undefined) this.setExpire(to, newKey, expire);
  }

  /** Replaces the value of an existing key, keeping its TTL and LRU stamp. */
  overwrite(db: Database, key: string, value: StoredValue): void {
    this.copyOnWrite?.entryChanging(db.dict, key);
    db.dict.setWeightAt(db.dict.set(key, value), keyBytes(key, value));
    this.weighedKey = null;
  }

  delete(db: Database, key: string): boolean {
    this.copyOnWrite?.entryChanging(db.dict, key);
    if (!db.dict.delete(key)) return false;
    if (db.expires.size !== 0) this.dropExpire(db, key);
    return true;
  }

  private dropExpire(db: Database, key: string): boolean {
    this.copyOnWrite?.expiryChanging(db.expires, key);
    return db.expires.delete(key);
  }

  getExpire(db: Database, key: string): number | undefined {
    return db.expires.size === 0 ? undefined : db.expires.get(key);
  }

  setExpire(db: Database, key: string, when: number): void {
    // Share the key string the dict holds, so the expires map costs no second copy of it.
    const slot = db.dict.slotOf(key);
    this.copyOnWrite?.expiryChanging(db.expires, key);
    db.expires.set(slot >= 0 ? db.dict.keyAt(slot) : key, when);
  }

  removeExpire(db: Database, key: string): boolean {
    return this.dropExpire(db, key);
  }

  /** The access frequency counter under an LFU policy, as OBJECT FREQ reports. */
  frequency(db: Database, key: string): number {
    return lfuCounter(db.dict.metaAt(db.dict.slotOf(key)), this.now, this.lfuDecayTime);
  }

  /** Idle seconds since the last access, as OBJECT IDLETIME reports. */
  idleSeconds(db: Database, key: string): number {
    const stamp = db.dict.metaAt(db.dict.slotOf(key));
    const clock = this.lruClock();
    return clock >= stamp ? clock - stamp : clock + (LRU_CLOCK_MAX - stamp);
  }

  /**
   * Deletes the key if its time has come (Redis's expireIfNeeded) and says whether it is gone.
   * On a replica the key only reads as missing.
   */
  expireIfNeeded(db: Database, key: string): boolean {
    const when = db.expires.get(key);
    if (when === undefined || when > this.now) return false;
    if (this.expireDeletes) this.deleteExpired(db, key);
    return true;
  }

  /** Deletes an expired key and tells everyone, as Redis's deleteExpiredKeyAndPropagate. */
  deleteExpired(db: Database, key: string): void {
    this.delete(db, key);
    this.stats.expiredKeys++;
    this.listener.keyspaceEvent('x', 'expired', key, db.id);
    this.listener.keyModified(db, key);
    this.listener.propagate(db.id, [this.lazyfreeLazyExpire ? 'UNLINK' : 'DEL', key]);
  }

  /**
   * Deletes a key to free memory and tells everyone, as Redis's performEvictions does for each
   * key it evicts; `lazy` (lazyfree-lazy-eviction) propagates it as UNLINK.
   */
  evict(db: Database, key: string, lazy: boolean): void {
    this.delete(db, key);
    this.stats.evictedKeys++;
    this.listener.keyModified(db, key);
    this.listener.keyspaceEvent('e', 'evicted', key, db.id);
    this.listener.propagate(db.id, [lazy ? 'UNLINK' : 'DEL', key]);
  }

  /**
   * The single exit of every write: WATCH and tracking hear of it, a keyspace event goes out,
   * and the dirty counter moves. Handlers call it once per key they changed.
   */
  keyChanged(db: Database, key: string, type: NotifyClass, event: string, dirty = 1): void {
    this.reweigh(db, key);
    this.listener.keyModified(db, key);
    this.listener.keyspaceEvent(type, event, key, db.id);
    this.dirty += dirty;
  }

  /**
   * A change that sends no keyspace event (PFCOUNT storing its cached cardinality, as Redis's
   * signalModifiedKey without notifyKeyspaceEvent): WATCH hears of it and the dirty counter moves.
   */
  keyModified(db: Database, key: string): void {
    this.reweigh(db, key);
    this.listener.keyModified(db, key);
    this.dirty++;
  }

  /** Estimates a written key's bytes again (its value may have changed in place). */
  private reweigh(db: Database, key: string): void {
    if (key === this.weighedKey && db === this.weighedDb) {
      this.weighedKey = null;
      return;
    }
    const slot = db.dict.slotOf(key);
    if (slot >= 0) db.dict.setWeightAt(slot, keyBytes(key, db.dict.valueAt(slot)));
  }

  /** The estimated bytes of every key, value and expiry: used_memory's dataset part. */
  datasetBytes(): number {
    let bytes = 0;
    for (const db of this.dbs) bytes += db.dict.totalWeight + db.expires.size * EXPIRE_ENTRY_BYTES;
    return bytes;
  }

  /** A keyspace event without a modification (e.g. `keymiss`, or a second event for one write). */
  notify(db: Database, key: string, type: NotifyClass, event: string): void {
    this.listener.keyspaceEvent(type, event, key, db.id);
  }

  /** Empties one database (FLUSHDB); returns the number of keys removed. */
  flushDb(db: Database): number {
    return this.emptyDatabases([db]);
  }

  /** Empties every database (FLUSHALL); returns the number of keys removed. */
  flushAll(): number {
    return this.emptyDatabases(this.dbs);
  }

  private emptyDatabases(dbs: readonly Database[]): number {
    for (const db of dbs) this.listener.databaseReplaced(db, null);
    this.listener.flushed();
    let removed = 0;
    for (const db of dbs) {
      removed += db.dict.size;
      db.dict.clear();
      // A snapshot in progress keeps the old expires map as it was; otherwise it is reused.
      if (this.copyOnWrite !== null) db.expires = new Map();
      else db.expires.clear();
      db.expireCursor = null;
      db.avgTtl = 0;
    }
    return removed;
  }

  /** SWAPDB: the contents trade places; clients stay on their database number. */
  swapDbs(a: number, b: number): void {
    const first = this.dbs[a];
    const second = this.dbs[b];
    this.listener.databaseReplaced(first, second);
    this.listener.databaseReplaced(second, first);
    [first.dict, second.dict] = [second.dict, first.dict];
    [first.expires, second.expires] = [second.expires, first.expires];
    [first.avgTtl, second.avgTtl] = [second.avgTtl, first.avgTtl];
    first.expireCursor = null;
    second.expireCursor = null;
  }

  /** A random key that is not expired, or undefined (Redis's dbRandomKey). */
  randomKey(db: Database, random: () => number = Math.random): string | undefined {
    // If every key is volatile and expired we could loop for long; Redis gives up after 100 tries.
    const allVolatile = db.expires.size === db.dict.size;
    for (let tries = 0; db.dict.size > 0; tries++) {
      const key = db.dict.keyAt(db.dict.randomSlot(random));
      const when = db.expires.size === 0 ? undefined : db.expires.get(key);
      if (when === undefined || when > this.now) return key;
      if (allVolatile && tries >= 100) return key;
      this.expireIfNeeded(db, key);
    }
    return undefined;
  }
}
