/**
 * The incremental snapshot that replaces Redis's fork (ARCHITECTURE.md, "Snapshots without
 * fork"): the dataset exactly as it was at one instant, walked in chunks between event-loop turns
 * while clients go on writing.
 *
 * The walk reads each database's dictionary arrays (keys and values by slot) in place. The
 * keyspace tells the snapshot before anything could change what the walk has yet to read
 * (Keyspace.copyOnWrite): before a dictionary entry is set or deleted, the snapshot copies the
 * chunks of the arrays that the change may touch (the entry's slot, and the last slot, which a
 * delete moves into the hole), so keys deleted or replaced later are still read as they were and
 * keys created later are not read. Before a value changes in place or an expiry is set or
 * removed, it keeps a clone of the value, or the key's expiry as it was.
 *
 * Copying the whole arrays at the start instead (16 MB for 1M keys) made V8 start a full
 * collection of the heap during the save, whose marking took the main thread for ~250 ms in steps
 * of up to 8 ms: clients' p99 latency during a BGSAVE of 1M keys was 5-7 ms.
 */
import { performance } from 'node:perf_hooks';
import type { IndexedDict } from '../datatypes/indexed-dict.js';
import type { CopyOnWrite, Keyspace } from '../keyspace/keyspace.js';
import { cloneValue, type StoredValue } from '../keyspace/values.js';

/** What receives the snapshot, database by database (an RDB encoder, an AOF rewriter ...). */
export interface SnapshotSink {
  /** A database with keys starts: `size` keys, `expiresSize` of them with an expiry. */
  beginDatabase(dbIndex: number, size: number, expiresSize: number): void;
  /** One key as it was at the start instant; `expireAt` is absolute milliseconds. */
  entry(key: string, value: StoredValue, expireAt: number | undefined): void;
}

/** One database as the start instant left it. */
interface FrozenDatabase {
  readonly index: number;
  /** Its place in the walk (Snapshot.dbs). */
  readonly position: number;
  /** The dictionary's arrays, read in place where no chunk was copied. */
  readonly keys: readonly string[];
  readonly values: readonly StoredValue[];
  /** The number of keys at the start instant. */
  readonly size: number;
  /** Copies of chunks of the arrays made before a change, by chunk number. */
  readonly keyChunks: (string[] | undefined)[];
  readonly valueChunks: (StoredValue[] | undefined)[];
  /** The database's expires map of the start instant (it travels with SWAPDB). */
  readonly expires: Map<string, number>;
  readonly expiresSize: number;
  /** Each key's expiry before its first change since the start (undefined: it had none). */
  readonly expiryLog: Map<string, number | undefined>;
}

/** How often the walk looks at the clock, in keys. */
const CLOCK_CHECK_INTERVAL = 16;
/** Entries per chunk of the dictionary arrays copied before a change (log2). */
const CHUNK_BITS = 10;
const CHUNK_ENTRIES = 1 << CHUNK_BITS;

export class Snapshot implements CopyOnWrite {
  private readonly dbs: FrozenDatabase[] = [];
  private readonly logsByMap = new Map<Map<string, number>, Map<string, number | undefined>>();
  private readonly byDict = new Map<IndexedDict<StoredValue>, FrozenDatabase>();
  /** Clones of the values changed in place since the start, by the live object. */
  private readonly copies = new Map<object, StoredValue>();
  private dbCursor = 0;
  private keyCursor = 0;
  private databaseStarted = false;
  /** INFO's current_save_keys_processed / _total. */
  keysProcessed = 0;
  readonly keysTotal: number;
  /** The start instant (ms since the epoch, from the keyspace clock). */
  readonly startedAt: number;

  /**
   * Freezes the keyspace as it is now; the caller must call `end()` when done. A snapshot walked
   * to the end at once (`background` false: SAVE) needs no copy-on-write, so it may be taken
   * while a background one runs.
   */
  constructor(
    private readonly keyspace: Keyspace,
    background = true,
  ) {
    if (background && keyspace.copyOnWrite !== null) {
      throw new Error('a snapshot is already being taken');
    }
    let total = 0;
    for (const db of keyspace.dbs) {
      const size = db.dict.size;
      if (size === 0) continue;
      const chunks = Math.ceil(size / CHUNK_ENTRIES);
      const frozen: FrozenDatabase = {
        index: db.id,
        position: this.dbs.length,
        keys: db.dict.keys(),
        values: db.dict.values(),
        size,
        keyChunks: new Array<undefined>(chunks).fill(undefined),
        valueChunks: new Array<undefined>(chunks).fill(undefined),
        expires: db.expires,
        expiresSize: db.expires.size,
        expiryLog: new Map(),
      };
      this.dbs.push(frozen);
      if (background) {
        this.logsByMap.set(db.expires, frozen.expiryLog);
        this.byDict.set(db.dict, frozen);
      }
      total += size;
    }
    this.keysTotal = total;
    this.startedAt = keyspace.clock.now();
    if (background) keyspace.copyOnWrite = this;
  }

  entryChanging(dict: IndexedDict<StoredValue>, key: string): void {
    const db = this.byDict.get(dict);
    // A dictionary emptied since the start has new arrays: the ones read here no longer change.
    if (db === undefined || dict.keys() !== db.keys) return;
    const slot = dict.slotOf(key);
    if (slot >= 0) this.preserve(db, slot);
    // A delete moves the last entry into the hole. (An add lands past the last entry: on a slot
    // of the start instant only after deletes, each of which preserved it as the last.)
    this.preserve(db, dict.size - 1);
  }

  /** Copies the chunk of the arrays holding `slot`, unless the walk is past it or has its copy. */
  private preserve(db: FrozenDatabase, slot: number): void {
    if (slot < 0 || slot >= db.size) return;
    const walked =
      db.position < this.dbCursor ? db.size : db.position === this.dbCursor ? this.keyCursor : 0;
    if (slot < walked) return;
    const chunk = slot >> CHUNK_BITS;
    if (db.keyChunks[chunk] !== undefined) return;
    const start = chunk << CHUNK_BITS;
    const end = Math.min(start + CHUNK_ENTRIES, db.size);
    db.keyChunks[chunk] = db.keys.slice(start, end);
    db.valueChunks[chunk] = db.values.slice(start, end);
  }

  valueChanging(value: StoredValue): void {
    const object = value as object;
    if (!this.copies.has(object)) this.copies.set(object, cloneValue(value));
  }

  expiryChanging(expires: Map<string, number>, key: string): void {
    const log = this.logsByMap.get(expires);
    if (log !== undefined && !log.has(key)) log.set(key, expires.get(key));
  }

  get done(): boolean {
    return this.dbCursor >= this.dbs.length;
  }

  /**
   * Hands keys to the sink for about `budgetMs` (Infinity: to the end); returns true when the
   * walk is complete.
   */
  step(sink: SnapshotSink, budgetMs: number): boolean {
    const deadline = budgetMs === Infinity ? Infinity : performance.now() + budgetMs;
    while (this.dbCursor < this.dbs.length) {
      const db = this.dbs[this.dbCursor];
      if (!this.databaseStarted) {
        sink.beginDatabase(db.index, db.size, db.expiresSize);
        this.databaseStarted = true;
      }
      while (this.keyCursor < db.size) {
        this.emit(sink, db, this.keyCursor++);
        if (this.keyCursor % CLOCK_CHECK_INTERVAL === 0 && performance.now() >= deadline) {
          return false;
        }
      }
      this.dbCursor++;
      this.keyCursor = 0;
      this.databaseStarted = false;
    }
    return true;
  }

  private emit(sink: SnapshotSink, db: FrozenDatabase, i: number): void {
    const chunk = i >> CHUNK_BITS;
    const keys = db.keyChunks[chunk];
    const key = keys === undefined ? db.keys[i] : keys[i & (CHUNK_ENTRIES - 1)];
    const values = db.valueChunks[chunk];
    let value = values === undefined ? db.values[i] : values[i & (CHUNK_ENTRIES - 1)];
    if (typeof value !== 'string') value = this.copies.get(value) ?? value;
    const expireAt = db.expiryLog.has(key) ? db.expiryLog.get(key) : db.expires.get(key);
    this.keysProcessed++;
    sink.entry(key, value, expireAt);
  }

  /** The keyspace stops reporting to this snapshot; its copies are let go. */
  end(): void {
    if (this.keyspace.copyOnWrite === this) this.keyspace.copyOnWrite = null;
    this.copies.clear();
    this.logsByMap.clear();
    this.byDict.clear();
  }
}
