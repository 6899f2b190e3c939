/**
 * DEBUG DIGEST and DIGEST-VALUE: Redis's SHA1-based digests of the dataset and of single values
 * (debug.c's xorObjectDigest and computeDatasetDigest), byte for byte, so a digest taken from
 * Kvik equals redis-server's for the same data. Test suites compare digests before and after a
 * reload, a restart or a replication to check that nothing changed.
 *
 * Unordered things (keys, set members, hash fields, sorted set members) are combined with xor,
 * so their order does not matter; ordered things (list elements, stream entries) are mixed in:
 * digest = SHA1(digest xor SHA1(data)).
 */
import { createHash } from 'node:crypto';
import { HashValue } from '../datatypes/hash.js';
import { ListValue } from '../datatypes/list.js';
import { SetValue } from '../datatypes/set.js';
import { Stream } from '../datatypes/stream.js';
import { MAX_ID, MIN_ID } from '../datatypes/stream-id.js';
import { ZSetValue } from '../datatypes/zset.js';
import type { Database } from '../keyspace/keyspace.js';
import {
  isString,
  stringBytes,
  typeOf,
  type RedisType,
  type StoredValue,
} from '../keyspace/values.js';
import { formatDouble17g } from '../resp/format.js';

const DIGEST_BYTES = 20;

/** Redis's OBJ_* type codes, which the digest of each value starts with. */
const TYPE_CODES: Record<RedisType, number> = {
  string: 0,
  list: 1,
  set: 2,
  zset: 3,
  hash: 4,
  stream: 6,
};

function sha1(data: string | Buffer): Buffer {
  const hash = createHash('sha1');
  if (typeof data === 'string') hash.update(data, 'latin1');
  else hash.update(data);
  return hash.digest();
}

/** digest ^= SHA1(data): the order of such steps does not change the result. */
function xorDigest(digest: Buffer, data: string | Buffer): void {
  const hash = sha1(data);
  for (let i = 0; i < DIGEST_BYTES; i++) digest[i] ^= hash[i];
}

/** digest = SHA1(digest ^ SHA1(data)): the order of such steps does. */
function mixDigest(digest: Buffer, data: string | Buffer): void {
  xorDigest(digest, data);
  sha1(digest).copy(digest);
}

function uint32(n: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(n);
  return bytes;
}

/** Redis's xorObjectDigest: the value's type and contents, and whether the key expires. */
function xorValueDigest(digest: Buffer, value: StoredValue, expires: boolean): void {
  mixDigest(digest, uint32(TYPE_CODES[typeOf(value)]));
  if (isString(value)) {
    mixDigest(digest, stringBytes(value));
  } else if (value instanceof ListValue) {
    for (let i = 0; i < value.length; i++) mixDigest(digest, value.at(i));
  } else if (value instanceof SetValue) {
    for (const member of value.members()) xorDigest(digest, member);
  } else if (value instanceof ZSetValue) {
    value.forEach((member, score) => {
      const element = Buffer.alloc(DIGEST_BYTES);
      mixDigest(element, member);
      mixDigest(element, formatDouble17g(score));
      xorDigest(digest, element);
    });
  } else if (value instanceof HashValue) {
    value.forEach((field, fieldValue) => {
      const element = Buffer.alloc(DIGEST_BYTES);
      mixDigest(element, field);
      mixDigest(element, fieldValue);
      xorDigest(digest, element);
    });
  } else if (value instanceof Stream) {
    for (const entry of value.range(MIN_ID, MAX_ID, 0)) {
      mixDigest(digest, `${entry.id.ms}.${entry.id.seq}`);
      for (const item of entry.fields) mixDigest(digest, item);
    }
  }
  if (expires) xorDigest(digest, '!!expire!!');
}

/**
 * DEBUG DIGEST: forty hex digits, all zeros for an empty dataset. Keys past their expiry time
 * that are still stored count, as in Redis.
 */
export function datasetDigest(dbs: readonly Database[]): string {
  const final = Buffer.alloc(DIGEST_BYTES);
  for (const db of dbs) {
    const keys = db.dict.keys();
    if (keys.length === 0) continue;
    // The database's number, so the same data in another database digests differently.
    mixDigest(final, uint32(db.id));
    const values = db.dict.values();
    for (let slot = 0; slot < keys.length; slot++) {
      const digest = Buffer.alloc(DIGEST_BYTES);
      mixDigest(digest, keys[slot]);
      xorValueDigest(digest, values[slot], db.expires.has(keys[slot]));
      xorDigest(final, digest);
    }
  }
  return final.toString('hex');
}

/** DEBUG DIGEST-VALUE: the digest of one key's value (zeros when there is none). */
export function valueDigest(db: Database, key: string): string {
  const digest = Buffer.alloc(DIGEST_BYTES);
  const slot = db.dict.slotOf(key);
  if (slot >= 0) xorValueDigest(digest, db.dict.valueAt(slot), db.expires.has(key));
  return digest.toString('hex');
}
