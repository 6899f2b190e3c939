/**
 * Writing RDB files (version 10, as Redis 7.0 writes them). A save is a sequence of calls on one
 * RdbEncoder, whose bytes can be taken out in chunks between the calls (`enc.take()`):
 *
 *   const enc = new RdbEncoder({ compress, checksum });   // rdbcompression, rdbchecksum
 *   writeRdbHeader(enc, { ctime, usedMem, aofBase });      // "REDIS0010" and the aux fields
 *   writeFunctions(enc, codes);                            // the function libraries' code
 *   for each non-empty database:
 *     writeDbStart(enc, db.id, db.size, db.expires.size);
 *     for each key: writeKeyValue(enc, key, value, expireAtMs, limits);
 *   writeRdbEnd(enc);                                      // EOF and the CRC64
 *
 * `encodeKeyspace` does all of it at once for a whole keyspace (DEBUG RELOAD, tests);
 * `listNodeLimits` reads the list limits from the server's configuration; `keyAccessOf` gives
 * the access data (IDLE, FREQ) Redis saves with each key under an LRU or LFU maxmemory-policy.
 */
import type { ConfigStore, DebugSettings } from '../dispatch/services.js';
import type { Database, Keyspace } from '../keyspace/keyspace.js';
import type { StoredValue } from '../keyspace/values.js';
import type { RdbEncoder } from './rdb-encoder.js';
import { RDB_VERSION, RdbOpcode } from './rdb-constants.js';
import { rdbTypeOf, writeValueBody, type ListNodeLimits } from './rdb-value-write.js';

export { RdbEncoder, type RdbEncoderOptions } from './rdb-encoder.js';
export { DEFAULT_LIST_LIMITS, type ListNodeLimits } from './rdb-value-write.js';

/** The aux fields of the header. */
export interface RdbAux {
  /** Creation time, Unix seconds. */
  ctime: number;
  /** used-mem: bytes of memory in use. */
  usedMem: number;
  /** aof-base: 1 when the file is the base of a multi-part AOF. */
  aofBase: boolean;
  /** repl-stream-db, repl-id and repl-offset, written when the server replicates. */
  replication?: { streamDb: number; replId: string; offset: number };
}

/** Per-key access data Redis saves under an LRU or LFU maxmemory-policy. */
export interface KeyAccess {
  /** Idle seconds (written as an IDLE opcode). */
  idle?: number;
  /** LFU counter (written as a FREQ opcode). */
  freq?: number;
}

export function writeRdbHeader(enc: RdbEncoder, aux: RdbAux): void {
  enc.latin1(`REDIS${String(RDB_VERSION).padStart(4, '0')}`);
  writeAux(enc, 'redis-ver', '7.0.15');
  writeAux(enc, 'redis-bits', '64');
  writeAux(enc, 'ctime', String(aux.ctime));
  writeAux(enc, 'used-mem', String(aux.usedMem));
  if (aux.replication !== undefined) {
    writeAux(enc, 'repl-stream-db', String(aux.replication.streamDb));
    writeAux(enc, 'repl-id', aux.replication.replId);
    writeAux(enc, 'repl-offset', String(aux.replication.offset));
  }
  writeAux(enc, 'aof-base', aux.aofBase ? '1' : '0');
}

function writeAux(enc: RdbEncoder, name: string, value: string): void {
  enc.byte(RdbOpcode.AUX);
  enc.string(name);
  enc.string(value);
}

/** The function libraries, each as a FUNCTION2 record holding its code. */
export function writeFunctions(enc: RdbEncoder, codes: Iterable<string>): void {
  for (const code of codes) {
    enc.byte(RdbOpcode.FUNCTION2);
    enc.string(code);
  }
}

export function writeDbStart(
  enc: RdbEncoder,
  dbIndex: number,
  size: number,
  expiresSize: number,
): void {
  enc.byte(RdbOpcode.SELECTDB);
  enc.length(dbIndex);
  enc.byte(RdbOpcode.RESIZEDB);
  enc.length(size);
  enc.length(expiresSize);
}

/** One key: its expiry (absolute ms, when it has one), access data if given, type, key, value. */
export function writeKeyValue(
  enc: RdbEncoder,
  key: string,
  value: StoredValue,
  expireAtMs: number | undefined,
  limits: ListNodeLimits,
  access?: KeyAccess,
): void {
  if (expireAtMs !== undefined && expireAtMs >= 0) {
    enc.byte(RdbOpcode.EXPIRETIME_MS);
    enc.millis(expireAtMs);
  }
  if (access?.idle !== undefined) {
    enc.byte(RdbOpcode.IDLE);
    enc.length(access.idle);
  }
  if (access?.freq !== undefined) {
    enc.byte(RdbOpcode.FREQ);
    enc.byte(access.freq);
  }
  enc.byte(rdbTypeOf(value));
  enc.string(key);
  writeValueBody(enc, value, limits);
}

export function writeRdbEnd(enc: RdbEncoder): void {
  enc.byte(RdbOpcode.EOF);
  enc.writeChecksum();
}

/** The list limits from the configuration (list-max-listpack-size) and DEBUG settings. */
export function listNodeLimits(config: ConfigStore, debug: DebugSettings): ListNodeLimits {
  return {
    listMaxListpackSize: config.numberValue('list-max-listpack-size'),
    packedThreshold: debug.quicklistPackedThreshold,
  };
}

/**
 * The access data Redis saves with each key (rdbSaveKeyValuePair): idle seconds under an LRU
 * maxmemory-policy, the LFU counter under an LFU one, nothing otherwise.
 */
export function keyAccessOf(
  keyspace: Keyspace,
  maxmemoryPolicy: string,
  db: Database,
  key: string,
): KeyAccess | undefined {
  if (maxmemoryPolicy.endsWith('-lru')) return { idle: keyspace.idleSeconds(db, key) };
  if (maxmemoryPolicy.endsWith('-lfu')) return { freq: keyspace.frequency(db, key) };
  return undefined;
}

export interface EncodeKeyspaceOptions {
  aux: RdbAux;
  functions: Iterable<string>;
  limits: ListNodeLimits;
  /** maxmemory-policy, which decides the access data saved with each key (keyAccessOf). */
  maxmemoryPolicy?: string;
}

/** A whole keyspace as an RDB file, at once. */
export function encodeKeyspace(
  enc: RdbEncoder,
  keyspace: Keyspace,
  options: EncodeKeyspaceOptions,
): Buffer {
  writeRdbHeader(enc, options.aux);
  writeFunctions(enc, options.functions);
  for (const db of keyspace.dbs) {
    if (db.size === 0) continue;
    writeDbStart(enc, db.id, db.size, db.expires.size);
    const keys = db.dict.keys();
    for (let slot = 0; slot < keys.length; slot++) {
      const key = keys[slot];
      const access = keyAccessOf(keyspace, options.maxmemoryPolicy ?? 'noeviction', db, key);
      writeKeyValue(enc, key, db.dict.valueAt(slot), db.expires.get(key), options.limits, access);
    }
  }
  writeRdbEnd(enc);
  return enc.take();
}
