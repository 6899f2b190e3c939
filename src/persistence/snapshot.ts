/**
 * The incremental snapshot that replaces Redis's fork (ARCHITECTURE.md, "Snapshots without
 * fork"): the dataset exactly as it was at one instant, walked in chunks between event-loop turns
 * while clients go on writing.
 *
 * At the start instant each database's key and value arrays are copied (two array copies, no
 * per-key work), so keys deleted or replaced later are still in the copy and keys created later
 * are not. What the copy cannot protect is change inside a value or an expiry: the keyspace tells
 * the snapshot before either happens (Keyspace.copyOnWrite), and the snapshot keeps a clone of the
 * value, or the key's expiry as it was, for the walk to use instead.
 */
import { performance } from 'node:perf_hooks';
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
  readonly keys: readonly string[];
  readonly values: readonly StoredValue[];
  /** The database's expires map of the start instant (it travels with SWAPDB). */
  readonly expires: Map<string, number>;
  readonly expiresSize: number;
  /** Each key's expiry before its first change since the start (undefined: it had none). */
  readonly expiryLog: Map<string, number | undefined>;
}

/** How often the walk looks at the clock, in keys. */
const CLOCK_CHECK_INTERVAL = 16;

export class Snapshot implements CopyOnWrite {
  private readonly dbs: FrozenDatabase[] = [];
  private readonly logsByMap = new Map<Map<string, number>, Map<string, number | undefined>>();
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
      if (db.dict.size === 0) continue;
      const frozen: FrozenDatabase = {
        index: db.id,
        keys: db.dict.keys().slice(),
        values: db.dict.values().slice(),
        expires: db.expires,
        expiresSize: db.expires.size,
        expiryLog: new Map(),
      };
      this.dbs.push(frozen);
      if (background) this.logsByMap.set(db.expires, frozen.expiryLog);
      total += frozen.keys.length;
    }
    this.keysTotal = total;
    this.startedAt = keyspace.clock.now();
    if (background) keyspace.copyOnWrite = this;
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
        sink.beginDatabase(db.index, db.keys.length, db.expiresSize);
        this.databaseStarted = true;
      }
      while (this.keyCursor < db.keys.length) {
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
    const key = db.keys[i];
    let value = db.values[i];
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
  }
}
