/** What the keyspace stores, and how Redis names each value's type and encoding. */
import { StringBuffer } from '../datatypes/string-buffer.js';

export type RedisType = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream';

/** The collections (lists, sets, ...) implement this; their classes live in datatypes/. */
export interface CollectionValue {
  readonly type: Exclude<RedisType, 'string'>;
  /** Redis's OBJECT ENCODING name: listpack, quicklist, hashtable, intset, skiplist, stream. */
  readonly encoding: string;
  /**
   * An independent deep copy with the same encoding, for COPY (Redis's listTypeDup, setTypeDup
   * ...). Every collection class in datatypes/ implements it.
   */
  clone(): CollectionValue;
}

/**
 * A string value is a latin1 string (immutable, compact) or a StringBuffer (modified in place).
 * Everything else is a collection object.
 */
export type StoredValue = string | StringBuffer | CollectionValue;

export function typeOf(value: StoredValue): RedisType {
  if (typeof value === 'string' || value instanceof StringBuffer) return 'string';
  return value.type;
}

export function isString(value: StoredValue): value is string | StringBuffer {
  return typeof value === 'string' || value instanceof StringBuffer;
}

/** A copy of a value that shares nothing mutable with it (COPY). Latin1 strings are immutable. */
export function cloneValue(value: StoredValue): StoredValue {
  if (typeof value === 'string') return value;
  if (value instanceof StringBuffer) return new StringBuffer(value.toString());
  return value.clone();
}

/** The bytes of a string value as a latin1 string. */
export function stringBytes(value: string | StringBuffer): string {
  return typeof value === 'string' ? value : value.toString();
}

/** Redis's OBJECT_ENCODING_EMBSTR_SIZE_LIMIT. */
const EMBSTR_SIZE_LIMIT = 44;

export function encodingOf(value: StoredValue): string {
  if (typeof value === 'string') {
    if (value.length <= 20 && isCanonicalInt64(value)) return 'int';
    return value.length <= EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw';
  }
  if (value instanceof StringBuffer) return 'raw';
  return value.encoding;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** True when Redis would store the string as an integer: canonical form, fits in a long long. */
export function isCanonicalInt64(s: string): boolean {
  if (!/^(0|-?[1-9][0-9]*)$/.test(s)) return false;
  if (s.length < 18) return true;
  const n = BigInt(s);
  return n >= INT64_MIN && n <= INT64_MAX;
}
