/**
 * A key's whole state as a comparable value, read over RESP from any server: type, encoding, TTL
 * and full contents (sets and hashes sorted, as their order is each server's own). Used to check
 * that data moved between Kvik and redis-server (DUMP/RESTORE, RDB files, MIGRATE) is identical.
 */
import assert from 'node:assert/strict';
import type { RawClient } from './raw-client.js';
import { parseReply, type ReplyNode } from '../meta/reply-tree.js';

function texts(node: ReplyNode): string[] {
  assert.ok(node.kind === 'array', `an array reply: ${JSON.stringify(node)}`);
  return node.items.map((item) => (item.kind === 'bulk' ? item.text : JSON.stringify(item)));
}

/** Pairs of a flat array, sorted by their first element. */
function sortedPairs(flat: string[]): string[] {
  const pairs: string[] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push(`${flat[i]}\u0000${flat[i + 1]}`);
  return pairs.sort();
}

/** The keys of the client's selected database, sorted. */
export async function sortedKeys(client: RawClient): Promise<string[]> {
  return texts(parseReply(await client.call('KEYS', '*'))).sort();
}

export interface KeyState {
  type: string;
  encoding: string;
  /** PTTL rounded to the second, or -1. */
  ttl: number;
  contents: unknown;
}

/**
 * Asserts two key states are the same, the TTLs within a second of each other: the two servers
 * are read one after the other, and a TTL rounded to the second may cross a boundary between.
 */
export function assertSameKeyState(actual: KeyState, expected: KeyState, message: string): void {
  const ttlsClose =
    actual.ttl < 0 || expected.ttl < 0
      ? actual.ttl === expected.ttl
      : Math.abs(actual.ttl - expected.ttl) <= 1;
  assert.ok(ttlsClose, `${message}: TTL ${actual.ttl}, expected ${expected.ttl}`);
  assert.deepEqual({ ...actual, ttl: 0 }, { ...expected, ttl: 0 }, message);
}

export async function keyState(client: RawClient, key: string): Promise<KeyState> {
  const type = (await client.call('TYPE', key)).slice(1, -2);
  const encoding = await client.call('OBJECT', 'ENCODING', key);
  const pttl = Number((await client.call('PTTL', key)).slice(1, -2));
  const ttl = pttl < 0 ? pttl : Math.round(pttl / 1000);
  const read = async (...args: string[]) => parseReply(await client.call(...args));
  let contents: unknown;
  switch (type) {
    case 'string':
      contents = await client.call('GET', key);
      break;
    case 'list':
      contents = await client.call('LRANGE', key, '0', '-1');
      break;
    case 'set':
      contents = texts(await read('SMEMBERS', key)).sort();
      break;
    case 'zset':
      contents = await client.call('ZRANGE', key, '0', '-1', 'WITHSCORES');
      break;
    case 'hash':
      contents = sortedPairs(texts(await read('HGETALL', key)));
      break;
    case 'stream':
      contents = await client.call('XINFO', 'STREAM', key, 'FULL');
      break;
    default:
      contents = null;
  }
  return { type, encoding, ttl, contents };
}
