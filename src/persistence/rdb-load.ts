/**
 * Loading RDB files (versions 1 to 10, as Redis 7.0 loads them) into a keyspace:
 *
 *   const result = loadRdb(bytes, keyspace, { limits, now, keepExpired: false });
 *   // result.keys, result.expired, result.aux (Map of aux fields), result.functions (codes)
 *
 * Keys go straight into the databases (no notifications, nothing propagated); the caller empties
 * the keyspace first and installs `result.functions` (FunctionLibraries.restore). Keys already
 * expired are skipped, as Redis does when it loads as a primary, unless `keepExpired` (replicas,
 * AOF preambles). A damaged or truncated file throws RdbLoadError(offset, reason) before the
 * CRC64 is even reached; the caller names the file. `encodingLimits` reads the thresholds from
 * the configuration.
 */
import type { ConfigStore } from '../dispatch/services.js';
import type { Database, Keyspace } from '../keyspace/keyspace.js';
import { lfuNewStamp } from '../keyspace/lfu.js';
import { keyBytes } from '../keyspace/memory-estimate.js';
import { crc64 } from './crc64.js';
import { RDB_VERSION, RdbOpcode } from './rdb-constants.js';
import { RdbDecoder } from './rdb-decoder.js';
import { readValue, type EncodingLimits } from './rdb-value-read.js';

export { RdbLoadError } from './rdb-decoder.js';
export { DEFAULT_ENCODING_LIMITS, type EncodingLimits } from './rdb-value-read.js';

export interface LoadOptions {
  limits: EncodingLimits;
  /** The time expiries are compared with (ms). */
  now: number;
  /** Keep keys whose expiry has passed (a replica, an AOF preamble). */
  keepExpired: boolean;
  /** Verify the CRC64 at the end (rdbchecksum). */
  checksum?: boolean;
  /** A key already in the keyspace is replaced by the file's (DEBUG RELOAD MERGE), not an error. */
  replaceExisting?: boolean;
}

export interface LoadResult {
  /** Keys loaded. */
  keys: number;
  /** Keys skipped because they had expired. */
  expired: number;
  /** Empty collections skipped. */
  emptySkipped: number;
  aux: Map<string, string>;
  /** The function libraries' codes, in file order. */
  functions: string[];
  /** Where the RDB data ended (an AOF with an RDB preamble continues there). */
  end: number;
}

export function encodingLimits(config: ConfigStore): EncodingLimits {
  return {
    hash: {
      maxEntries: config.numberValue('hash-max-listpack-entries'),
      maxValue: config.numberValue('hash-max-listpack-value'),
    },
    zset: {
      entries: config.numberValue('zset-max-listpack-entries'),
      value: config.numberValue('zset-max-listpack-value'),
    },
    maxIntsetEntries: config.numberValue('set-max-intset-entries'),
  };
}

/** True when `bytes` starts like an RDB file ("REDIS" and a version). */
export function looksLikeRdb(bytes: Buffer): boolean {
  return bytes.length >= 9 && bytes.latin1Slice(0, 5) === 'REDIS';
}

const LRU_CLOCK_MAX = 0xffffff;
/** The fewest bytes a key takes in a file: its type, its name's length and its value's. */
const MIN_KEY_BYTES = 3;

/**
 * Loads an RDB file into the keyspace. A database that is empty when its first key arrives (and
 * no snapshot is walking it) is loaded in bulk: its keys are appended unindexed and indexed at the
 * end in one pass ordered by the index's memory (IndexedDict.indexFrom), where a repeated key is
 * found; other databases (DEBUG RELOAD MERGE) take each key as it comes.
 */
export function loadRdb(bytes: Buffer, keyspace: Keyspace, options: LoadOptions): LoadResult {
  const bulk = new BulkLoads(keyspace);
  try {
    return loadRecords(bytes, keyspace, options, bulk);
  } catch (err) {
    bulk.abandon();
    throw err;
  }
}

/** The databases being loaded in bulk, by index: where their unindexed entries start. */
class BulkLoads {
  private readonly starts = new Map<number, number>();
  /** The answer of takes() for the database of the previous key (most files have one). */
  private lastDb: Database | null = null;
  private lastTakes = false;

  constructor(private readonly keyspace: Keyspace) {}

  /** Whether `db` takes its keys in bulk (deciding it at its first key). */
  takes(db: Database): boolean {
    if (db === this.lastDb) return this.lastTakes;
    this.lastDb = db;
    if (!this.starts.has(db.id)) {
      if (db.dict.size !== 0 || this.keyspace.copyOnWrite !== null) return (this.lastTakes = false);
      this.starts.set(db.id, 0);
    }
    return (this.lastTakes = true);
  }

  /** Indexes every bulk-loaded database; a repeated key fails the load. */
  finish(dec: RdbDecoder): void {
    this.lastDb = null;
    for (const [index, start] of this.starts) {
      this.starts.delete(index);
      const repeated = this.keyspace.dbs[index].dict.indexFrom(start);
      if (repeated !== null) {
        this.abandon();
        dec.fail(`Duplicated key '${repeated}' in DB ${index} found in RDB file`);
      }
    }
  }

  /** A failed load: the bulk-loaded databases are emptied rather than left unindexed. */
  abandon(): void {
    for (const index of this.starts.keys()) this.keyspace.dbs[index].dict.clear();
    this.starts.clear();
    this.lastDb = null;
  }
}

function loadRecords(
  bytes: Buffer,
  keyspace: Keyspace,
  options: LoadOptions,
  bulk: BulkLoads,
): LoadResult {
  const dec = new RdbDecoder(bytes);
  if (!looksLikeRdb(bytes)) dec.fail('Wrong signature trying to load DB from file', 0);
  const version = Number(bytes.latin1Slice(5, 9));
  if (!Number.isInteger(version) || version < 1 || version > RDB_VERSION) {
    dec.fail(`Can't handle RDB format version ${bytes.latin1Slice(5, 9)}`, 5);
  }
  dec.pos = 9;
  const result: LoadResult = {
    keys: 0,
    expired: 0,
    emptySkipped: 0,
    aux: new Map(),
    functions: [],
    end: 0,
  };
  let db = keyspace.dbs[0];
  // The metadata word of a key the file says nothing of (most of them), the same for all.
  const freshStamp = accessStamp(keyspace, -1, -1);
  let expireAt = -1;
  let idle = -1;
  let freq = -1;
  for (;;) {
    const opAt = dec.pos;
    const type = dec.byte();
    switch (type) {
      case RdbOpcode.EXPIRETIME:
        expireAt = dec.seconds();
        continue;
      case RdbOpcode.EXPIRETIME_MS:
        expireAt = dec.millis();
        continue;
      case RdbOpcode.FREQ:
        freq = dec.byte();
        continue;
      case RdbOpcode.IDLE:
        idle = dec.length();
        continue;
      case RdbOpcode.SELECTDB: {
        const index = dec.length();
        if (index >= keyspace.dbs.length) {
          dec.fail(
            `Data file was created with a Redis server configured to handle more than ${keyspace.dbs.length} databases`,
            opAt,
          );
        }
        db = keyspace.dbs[index];
        continue;
      }
      case RdbOpcode.RESIZEDB: {
        // The database's key count, to size its dictionary once instead of doubling it again and
        // again; no larger than the rest of the file could hold, whatever a damaged file says.
        const keys = Math.min(dec.length(), Math.floor((dec.end - dec.pos) / MIN_KEY_BYTES));
        dec.length();
        db.dict.reserve(db.dict.size + keys);
        continue;
      }
      case RdbOpcode.AUX: {
        const name = dec.string();
        result.aux.set(name, dec.string());
        continue;
      }
      case RdbOpcode.MODULE_AUX:
        return dec.fail("The RDB file contains AUX module data Kvik can't load", opAt);
      case RdbOpcode.FUNCTION:
        return dec.fail('Pre-release function format not supported', opAt);
      case RdbOpcode.FUNCTION2:
        result.functions.push(dec.string());
        continue;
      case RdbOpcode.EOF:
        bulk.finish(dec);
        finish(dec, version, options, result);
        return result;
    }
    const key = dec.string();
    const value = readValue(dec, type, options.limits);
    const when = expireAt;
    const stamp = idle < 0 && freq < 0 ? freshStamp : accessStamp(keyspace, idle, freq);
    expireAt = idle = freq = -1;
    if (value === null) {
      result.emptySkipped++;
      continue;
    }
    if (!options.keepExpired && when !== -1 && when < options.now) {
      result.expired++;
      continue;
    }
    let slot: number;
    if (bulk.takes(db)) {
      slot = db.dict.appendUnindexed(key, value, stamp);
    } else {
      // DEBUG RELOAD MERGE can load while a background save walks this dictionary.
      keyspace.copyOnWrite?.entryChanging(db.dict, key);
      slot = db.dict.add(key, value, stamp);
      if (slot < 0 && options.replaceExisting) {
        slot = db.dict.set(key, value);
        db.dict.setMetaAt(slot, stamp);
        keyspace.copyOnWrite?.expiryChanging(db.expires, key);
        db.expires.delete(key);
      }
      if (slot < 0) dec.fail(`Duplicated key '${key}' in DB ${db.id} found in RDB file`, opAt);
    }
    db.dict.setWeightAt(slot, keyBytes(key, value));
    if (when !== -1) {
      keyspace.copyOnWrite?.expiryChanging(db.expires, key);
      db.expires.set(key, when);
    }
    result.keys++;
  }
}

function finish(dec: RdbDecoder, version: number, options: LoadOptions, result: LoadResult): void {
  if (version >= 5) {
    const at = dec.pos;
    const expected = dec.raw(8).readBigUInt64LE(0);
    if (options.checksum !== false && expected !== 0n && crc64(dec.buf, 0, at) !== expected) {
      dec.fail('Wrong RDB checksum', at);
    }
  }
  result.end = dec.pos;
}

/**
 * A loaded or restored key's metadata word (Redis's objectSetLRUOrLFU): under an LFU policy the
 * FREQ counter if given, otherwise the LRU stamp `idle` seconds ago; fresh when neither applies.
 */
export function accessStamp(keyspace: Keyspace, idle: number, freq: number): number {
  if (keyspace.lfu) {
    const fresh = lfuNewStamp(keyspace.now);
    return freq >= 0 ? (fresh & ~0xff) | freq : fresh;
  }
  const clock = keyspace.lruClock();
  if (idle < 0) return clock;
  const stamp = clock - idle;
  return stamp >= 0 ? stamp : (clock + (LRU_CLOCK_MAX >> 1)) % LRU_CLOCK_MAX;
}
