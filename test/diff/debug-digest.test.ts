import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useDiffServers, type DiffPair } from '../helpers/diff.js';

const env = useDiffServers();

const EMPTY_DIGEST = '+0000000000000000000000000000000000000000\r\n';

/** Builds the same dataset on both servers: every type, in each of its encodings. */
async function buildDataset(pair: DiffPair): Promise<void> {
  const many = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  await pair.sameAll([
    ['SET', 'int', '12345'],
    ['SET', 'embstr', 'hello'],
    ['SET', 'raw', 'x'.repeat(100)],
    ['SET', 'binary', '\x00\xff\r\n'],
    ['RPUSH', 'list:small', 'a', 'b', '3', 'c'],
    ['RPUSH', 'list:big', ...many('element-', 300)],
    ['SADD', 'set:ints', '1', '2', '-7', '99999999999'],
    ['SADD', 'set:strings', 'a', 'b', 'c'],
    ['ZADD', 'zset:small', '1', 'a', '2.5', 'b', '-0', 'c', 'inf', 'd', '1e300', 'e', '0.1', 'f'],
    ['ZADD', 'zset:big', ...many('', 300).flatMap((m) => [String(Number(m) / 7), `m${m}`])],
    ['HSET', 'hash:small', 'f1', 'v1', 'f2', '2', 'f3', ''],
    ['HSET', 'hash:big', ...many('field', 300).flatMap((f) => [f, `value of ${f}`])],
    ['XADD', 'stream', '1-1', 'a', '1', 'b', '2'],
    ['XADD', 'stream', '1-2', 'a', '3', 'b', '4'],
    ['XADD', 'stream', '5-0', 'other', 'fields', 'here', 'x'],
    ['XDEL', 'stream', '1-2'],
    ['SET', 'expiring', 'v', 'EX', '1000'],
    ['HSET', 'hash:expiring', 'f', 'v'],
    ['EXPIRE', 'hash:expiring', '1000'],
    ['SELECT', '3'],
    ['SET', 'int', '12345'],
    ['SELECT', '0'],
  ]);
}

describe('DEBUG DIGEST and DIGEST-VALUE against redis-server', () => {
  it('the dataset digest is zeros when empty and equal to Redis for every type and encoding', async () => {
    const pair = await env.pair();
    assert.equal(await pair.same('DEBUG', 'DIGEST'), EMPTY_DIGEST);
    await buildDataset(pair);
    const digest = await pair.same('DEBUG', 'DIGEST');
    assert.notEqual(digest, EMPTY_DIGEST);
    // Order matters in a list, not in a set; an expiry changes the digest.
    await pair.sameAll([
      ['LMOVE', 'list:small', 'list:small', 'LEFT', 'RIGHT'],
      ['DEBUG', 'DIGEST'],
      ['PERSIST', 'expiring'],
      ['DEBUG', 'DIGEST'],
      ['SREM', 'set:strings', 'a'],
      ['SADD', 'set:strings', 'a'],
      ['DEBUG', 'DIGEST'],
    ]);
  });

  it('DIGEST-VALUE digests each value as Redis, zeros for a missing key', async () => {
    const pair = await env.pair();
    await buildDataset(pair);
    const keys = ['int', 'embstr', 'raw', 'binary', 'list:small', 'list:big', 'set:ints'];
    keys.push('set:strings', 'zset:small', 'zset:big', 'hash:small', 'hash:big', 'stream');
    keys.push('expiring', 'hash:expiring', 'missing');
    await pair.same('DEBUG', 'DIGEST-VALUE', ...keys);
    await pair.sameAll([
      ['DEBUG', 'DIGEST-VALUE'],
      ['DEBUG', 'DIGEST-VALUE', 'missing'],
      ['DEBUG', 'DIGEST', 'extra'],
    ]);
  });

  it('a value in another database, or the same values under other keys, digest differently', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SET', 'k', 'v'],
      ['DEBUG', 'DIGEST'],
      ['MOVE', 'k', '1'],
      ['DEBUG', 'DIGEST'],
      ['SELECT', '1'],
      ['RENAME', 'k', 'other'],
      ['DEBUG', 'DIGEST'],
    ]);
  });
});

describe('DEBUG HTSTATS-KEY, HTSTATS, LISTPACK and QUICKLIST against redis-server', () => {
  it('refuses what Redis refuses with the same errors', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SET', 'string', 'v'],
      ['HSET', 'small', 'f', 'v'],
      ['RPUSH', 'list', 'a'],
      ['DEBUG', 'HTSTATS-KEY', 'missing'],
      ['DEBUG', 'HTSTATS-KEY', 'string'],
      ['DEBUG', 'HTSTATS-KEY', 'small'],
      ['DEBUG', 'HTSTATS', 'x'],
      ['DEBUG', 'HTSTATS', '16'],
      ['DEBUG', 'HTSTATS', '-1'],
      ['DEBUG', 'LISTPACK', 'missing'],
      ['DEBUG', 'LISTPACK', 'string'],
      ['DEBUG', 'LISTPACK', 'list'],
      ['DEBUG', 'LISTPACK', 'small'],
      ['DEBUG', 'QUICKLIST', 'small'],
      ['DEBUG', 'QUICKLIST', 'list'],
      ['DEBUG', 'QUICKLIST', 'list', '1'],
      ['DEBUG', 'QUICKLIST', 'list', '1', 'extra'],
    ]);
  });

  it('describes a hashtable in the lines of Redis, numbers consistent with the table', async () => {
    const pair = await env.pair();
    const members = Array.from({ length: 1000 }, (_, i) => `member:${i}`);
    await pair.same('SADD', 'set', ...members);
    const { redis, kvik } = await pair.both('DEBUG', 'HTSTATS-KEY', 'set');
    const fields = (text: string) => [...text.matchAll(/^ ([a-z ()]+):/gm)].map((m) => m[1]);
    assert.deepEqual(fields(kvik), fields(redis));
    const number = (name: string) => Number(new RegExp(` ${name}: (\\d+)`).exec(kvik)?.[1]);
    assert.equal(number('number of elements'), 1000);
    assert.ok(number('table size') >= 1000);
    assert.ok(number('different slots') <= 1000 && number('max chain length') >= 1);
    // Chains of each length, empty positions included, add up to the table size.
    const distribution = [...kvik.matchAll(/^ {3}(\d+): (\d+) /gm)];
    const total = distribution.reduce((sum, m) => sum + Number(m[2]), 0);
    assert.equal(total, number('table size'));
    const elements = distribution.reduce((sum, m) => sum + Number(m[1]) * Number(m[2]), 0);
    assert.equal(elements, 1000);
    const { redis: dbRedis, kvik: dbKvik } = await pair.both('DEBUG', 'HTSTATS', '9');
    assert.match(dbKvik, /^\$\d+\r\n\[Dictionary HT\]\nHash table 0 stats \(main hash table\):\n/);
    assert.match(
      dbKvik,
      /\[Expires HT\]\nHash table 0 stats \(main hash table\):\nNo stats available for empty dictionaries\n\r\n$/,
    );
    assert.match(
      dbRedis,
      /\[Expires HT\]\nHash table 0 stats \(main hash table\):\nNo stats available for empty dictionaries\n\r\n$/,
    );
  });
});
