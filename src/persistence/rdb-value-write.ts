/**
 * Values in RDB form, each in the encoding Redis 7.0 writes for the same object (rdb.c's
 * rdbSaveObjectType and rdbSaveObject): small hashes and sorted sets as listpacks, sets of
 * integers as intsets, lists as quicklist 2 nodes, the rest as plain collections. Streams are in
 * rdb-stream.ts.
 */
import { HashValue } from '../datatypes/hash.js';
import { packedEntryLength, packedEntryStart } from '../datatypes/hash-packed.js';
import { ListValue } from '../datatypes/list.js';
import { SetValue } from '../datatypes/set.js';
import { Stream } from '../datatypes/stream.js';
import { ZSetValue } from '../datatypes/zset.js';
import { formatDouble17g } from '../resp/format.js';
import { isString, stringBytes, type StoredValue } from '../keyspace/values.js';
import type { RdbEncoder } from './rdb-encoder.js';
import { QUICKLIST_NODE_PACKED, QUICKLIST_NODE_PLAIN, RdbType } from './rdb-constants.js';
import { ListpackBuilder } from './rdb-listpack.js';
import { writeStream } from './rdb-stream.js';
import { writeIntset } from './rdb-ziplist.js';

/** What decides how a list is cut into quicklist nodes. */
export interface ListNodeLimits {
  /** list-max-listpack-size: negative for a byte limit (-1 4 KB ... -5 64 KB), else a count. */
  listMaxListpackSize: number;
  /** Elements this long or longer get a plain node of their own (DEBUG QUICKLIST-PACKED-THRESHOLD). */
  packedThreshold: number;
}

export const DEFAULT_LIST_LIMITS: ListNodeLimits = {
  listMaxListpackSize: -2,
  packedThreshold: 1 << 30,
};

/** The type byte Redis writes before a key holding this value. */
export function rdbTypeOf(value: StoredValue): number {
  if (isString(value)) return RdbType.STRING;
  if (value instanceof ListValue) return RdbType.LIST_QUICKLIST_2;
  if (value instanceof SetValue) {
    return value.encoding === 'intset' ? RdbType.SET_INTSET : RdbType.SET;
  }
  if (value instanceof ZSetValue) {
    return value.encoding === 'listpack' ? RdbType.ZSET_LISTPACK : RdbType.ZSET_2;
  }
  if (value instanceof HashValue) {
    return value.encoding === 'listpack' ? RdbType.HASH_LISTPACK : RdbType.HASH;
  }
  if (value instanceof Stream) return RdbType.STREAM_LISTPACKS_2;
  throw new Error(`no RDB encoding for a ${value.type}`);
}

/** The value's type byte and body. */
export function writeValue(enc: RdbEncoder, value: StoredValue, limits: ListNodeLimits): void {
  enc.byte(rdbTypeOf(value));
  writeValueBody(enc, value, limits);
}

/** The value's body alone (after its type byte). */
export function writeValueBody(enc: RdbEncoder, value: StoredValue, limits: ListNodeLimits): void {
  if (isString(value)) enc.string(stringBytes(value));
  else if (value instanceof ListValue) writeQuicklist(enc, value, limits);
  else if (value instanceof SetValue) writeSet(enc, value);
  else if (value instanceof ZSetValue) writeZSet(enc, value);
  else if (value instanceof HashValue) writeHash(enc, value);
  else if (value instanceof Stream) writeStream(enc, value);
}

function writeSet(enc: RdbEncoder, set: SetValue): void {
  if (set.encoding === 'intset') {
    enc.string(writeIntset(set.members().map((m) => BigInt(m))));
    return;
  }
  const size = set.size;
  enc.length(size);
  for (let i = 0; i < size; i++) enc.string(set.memberAt(i));
}

function writeHash(enc: RdbEncoder, hash: HashValue): void {
  const packed = hash.packed;
  if (packed !== null) {
    // Fields and values straight from the packed string, in order, without a string for each.
    const lp = enc.listpack();
    for (let at = 0; at < packed.length;) {
      const start = packedEntryStart(packed, at);
      at = start + packedEntryLength(packed, at);
      lp.appendString(packed, start, at);
    }
    enc.listpackString(lp);
    return;
  }
  enc.length(hash.size);
  hash.forEach((field, value) => {
    enc.string(field);
    enc.string(value);
  });
}

function writeZSet(enc: RdbEncoder, zset: ZSetValue): void {
  if (zset.encoding === 'listpack') {
    const lp = enc.listpack();
    for (const entry = zset.cursorAt(0); entry.valid; entry.next()) {
      lp.appendString(entry.member);
      // An integral score is the integer its text would be stored as, without making the text.
      const score = entry.score;
      if (Number.isSafeInteger(score) && !Object.is(score, -0)) lp.appendInteger(score);
      else lp.appendString(listpackScore(score));
    }
    enc.listpackString(lp);
    return;
  }
  // Highest score first, so that loading inserts each element at the head of the skiplist.
  const members: string[] = [];
  const scores: number[] = [];
  zset.forEach((member, score) => {
    members.push(member);
    scores.push(score);
  });
  enc.length(members.length);
  for (let i = members.length - 1; i >= 0; i--) {
    enc.string(members[i]);
    enc.binaryDouble(scores[i]);
  }
}

/** Redis 7.0's double2ll bound, (double)(LLONG_MAX / 2): integral scores within it print as integers. */
const INTEGRAL_SCORE_LIMIT = 2 ** 62;

/** A score as a sorted set listpack stores it (Redis 7.0's d2string). */
export function listpackScore(score: number): string {
  if (score === 0) return Object.is(score, -0) ? '-0' : '0';
  if (Number.isInteger(score) && Math.abs(score) <= INTEGRAL_SCORE_LIMIT) {
    // Exact digits: beyond 2^53 String() would print the shortest round trip padded with zeros.
    return Number.isSafeInteger(score) ? String(score) : BigInt(score).toString();
  }
  if (score === Infinity) return 'inf';
  if (score === -Infinity) return '-inf';
  return formatDouble17g(score);
}

/** What quicklist.c adds to an element's length to estimate its listpack bytes. */
const SIZE_ESTIMATE_OVERHEAD = 8;
const SIZE_SAFETY_LIMIT = 8192;
const OPTIMIZATION_LEVEL = [4096, 8192, 16384, 32768, 65536];

/**
 * A list as quicklist 2 nodes: elements packed into listpacks while quicklist's insertion rule
 * (_quicklistNodeAllowInsert) lets a node grow, elements at or over the packed threshold alone
 * in a plain node.
 */
function writeQuicklist(enc: RdbEncoder, list: ListValue, limits: ListNodeLimits): void {
  // Most lists fit one node: built in the encoder's reused builder and written at once.
  const first = enc.listpack();
  if (fillNode(first, list, 0, limits) === list.length && list.length > 0) {
    enc.length(1);
    enc.length(QUICKLIST_NODE_PACKED);
    enc.listpackString(first);
    return;
  }
  const nodes: (Buffer | string)[] = [];
  for (let i = 0; i < list.length;) {
    const element = list.at(i);
    if (element.length >= limits.packedThreshold) {
      nodes.push(element);
      i++;
      continue;
    }
    const lp = new ListpackBuilder();
    i = fillNode(lp, list, i, limits);
    nodes.push(lp.finish());
  }
  enc.length(nodes.length);
  for (const node of nodes) {
    enc.length(typeof node === 'string' ? QUICKLIST_NODE_PLAIN : QUICKLIST_NODE_PACKED);
    enc.string(node);
  }
}

/**
 * Puts the list's elements from `start` on into the node `lp` while the fill limit allows and
 * none is long enough for a plain node of its own; returns the index of the first one left.
 */
function fillNode(
  lp: ListpackBuilder,
  list: ListValue,
  start: number,
  limits: ListNodeLimits,
): number {
  const fill = limits.listMaxListpackSize;
  let count = 0;
  let i = start;
  for (; i < list.length; i++) {
    const element = list.at(i);
    const size = element.length;
    if (size >= limits.packedThreshold) break;
    if (count > 0 && !allowInsert(lp.size + size + SIZE_ESTIMATE_OVERHEAD, count + 1, fill)) break;
    lp.appendString(element);
    count++;
  }
  return i;
}

/** Whether a node may grow to `newSize` bytes and `newCount` elements (quicklistNodeExceedsLimit). */
function allowInsert(newSize: number, newCount: number, fill: number): boolean {
  if (fill < 0) {
    return newSize <= OPTIMIZATION_LEVEL[Math.min(-fill - 1, OPTIMIZATION_LEVEL.length - 1)];
  }
  return newSize <= SIZE_SAFETY_LIMIT && newCount <= fill;
}
