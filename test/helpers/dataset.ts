/**
 * Datasets for persistence tests: commands that create every type in every encoding, and a
 * key-by-key description of a keyspace (type, contents, expiry) to compare two of them.
 */
import { HashValue } from '../../src/datatypes/hash.js';
import { ListValue } from '../../src/datatypes/list.js';
import { SetValue } from '../../src/datatypes/set.js';
import { Stream } from '../../src/datatypes/stream.js';
import { formatId, MAX_ID, MIN_ID } from '../../src/datatypes/stream-id.js';
import { ZSetValue } from '../../src/datatypes/zset.js';
import type { Keyspace } from '../../src/keyspace/keyspace.js';
import { isString, stringBytes, type StoredValue } from '../../src/keyspace/values.js';
import { writeValueBody } from '../../src/persistence/rdb-value-write.js';
import { DEFAULT_LIST_LIMITS, RdbEncoder } from '../../src/persistence/rdb-write.js';

/** Every type and encoding, with binary bytes, an integer string, expiries and a second db. */
export function everyTypeCommands(expireAt: number): (string | number)[][] {
  const big = 'x'.repeat(100);
  const many = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  return [
    ['SET', 'str', 'hello'],
    ['SET', 'int', '12345'],
    ['SET', 'bin', '\x00\xff\r\n binary'],
    ['SET', 'long', big],
    ['APPEND', 'appended', 'grown in place'],
    ['SETRANGE', 'appended', 3, 'XY'],
    ['RPUSH', 'list', 'a', 'b', 'c', '1', '2'],
    ['RPUSH', 'biglist', ...many('element-', 300), big],
    ['SADD', 'intset', 1, 2, 3, -5],
    ['SADD', 'set', 'a', 'b', 'c'],
    ['ZADD', 'zset', 1, 'one', 2.5, 'two', '-inf', 'low'],
    ['ZADD', 'bigzset', ...many('', 200).flatMap((m, i) => [i / 3, `member-${m}`])],
    ['HSET', 'hash', 'f1', 'v1', 'f2', '2'],
    ['HSET', 'bighash', ...many('field-', 300).flatMap((f) => [f, big])],
    ['XADD', 'stream', '1-1', 'a', '1'],
    ['XADD', 'stream', '2-1', 'b', '2', 'c', '3'],
    ['XGROUP', 'CREATE', 'stream', 'group', '0'],
    ['XREADGROUP', 'GROUP', 'group', 'consumer', 'COUNT', 1, 'STREAMS', 'stream', '>'],
    ['SET', 'volatile', 'v', 'PXAT', expireAt],
    ['HSET', 'volatile-hash', 'f', 'v'],
    ['PEXPIREAT', 'volatile-hash', expireAt + 1],
    ['SELECT', 3],
    ['SET', 'in-db3', 'three'],
    ['SELECT', 0],
  ];
}

/**
 * "db:key" -> "type:contents|expiry" for every key of every database. `exactStreams` false leaves
 * out the delivery and seen times of stream groups (an AOF replay delivers again, as in Redis).
 */
export function describeKeyspace(keyspace: Keyspace, exactStreams = true): Map<string, string> {
  const out = new Map<string, string>();
  for (const db of keyspace.dbs) {
    const keys = db.dict.keys();
    for (let slot = 0; slot < keys.length; slot++) {
      const key = keys[slot];
      const expiry = db.expires.get(key);
      const value = db.dict.valueAt(slot);
      const text =
        !exactStreams && value instanceof Stream ? describeStream(value) : describeValue(value);
      out.set(`${db.id}:${key}`, `${text}|${expiry ?? 'none'}`);
    }
  }
  return out;
}

export function describeValue(value: StoredValue): string {
  if (isString(value)) return `string:${JSON.stringify(stringBytes(value))}`;
  if (value instanceof ListValue) {
    return `list:${JSON.stringify(value.range(0, value.length - 1))}`;
  }
  if (value instanceof SetValue) return `set:${JSON.stringify(value.members().sort())}`;
  if (value instanceof ZSetValue) {
    const entries: string[] = [];
    value.forEach((member, score) => entries.push(`${member}=${score}`));
    return `zset:${JSON.stringify(entries)}`;
  }
  if (value instanceof HashValue) {
    const pairs: string[] = [];
    value.forEach((field, v) => pairs.push(`${field}=${v}`));
    return `hash:${JSON.stringify(pairs.sort())}`;
  }
  // Streams: their RDB body (entries, groups, PELs) describes them completely.
  const enc = new RdbEncoder({ compress: false, checksum: false });
  writeValueBody(enc, value, DEFAULT_LIST_LIMITS);
  return `${value.type}:${enc.take().toString('hex')}`;
}

/** A stream's entries, groups, consumers and pending IDs, without times. */
function describeStream(stream: Stream): string {
  const entries = stream.range(MIN_ID, MAX_ID, Infinity).map((e) => [formatId(e.id), ...e.fields]);
  const groups = stream.sortedGroups().map(([name, group]) => ({
    name,
    lastId: formatId(group.lastId),
    consumers: [...group.consumers.keys()].sort(),
    pending: group.pending.size,
  }));
  return `stream:${JSON.stringify({ entries, groups })}`;
}

/** The keys on which two descriptions differ (empty when equal). */
export function differences(a: Map<string, string>, b: Map<string, string>): string[] {
  const diffs: string[] = [];
  for (const [key, value] of a) {
    if (b.get(key) !== value)
      diffs.push(`${key}: ${value.slice(0, 80)} vs ${b.get(key)?.slice(0, 80)}`);
  }
  for (const key of b.keys()) if (!a.has(key)) diffs.push(`${key}: missing vs present`);
  return diffs;
}
