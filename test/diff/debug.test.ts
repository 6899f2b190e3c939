import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useDiffServers, type DiffPair } from '../helpers/diff.js';

const env = useDiffServers();
const disabled = useDiffServers({
  kvik: { config: { 'enable-debug-command': 'no' } },
  redisArgs: ['--enable-debug-command', 'no'],
});
const local = useDiffServers({
  kvik: { config: { 'enable-debug-command': 'local' } },
  redisArgs: ['--enable-debug-command', 'local'],
});

const PROTOCOL_TYPES = [
  'string',
  'integer',
  'double',
  'bignum',
  'null',
  'array',
  'set',
  'map',
  'attrib',
  'verbatim',
  'true',
  'false',
];

/**
 * DEBUG OBJECT on both servers: the same line but for the value's address (and, for Redis's
 * shared integers, the LRU stamp of their creation, which is each server's start).
 */
async function sameObject(pair: DiffPair, key: string): Promise<void> {
  const { redis, kvik } = await pair.both('DEBUG', 'OBJECT', key);
  const mask = (line: string) =>
    line.replace(/at:0x[0-9a-f]+/, 'at:ADDRESS').replace(/ lru:\d+ lru_seconds_idle:\d+/, ' LRU');
  assert.equal(mask(kvik), mask(redis), `DEBUG OBJECT ${JSON.stringify(key)}`);
  const lru = (line: string) => Number(/ lru:(\d+)/.exec(line)?.[1]);
  if (!redis.includes('refcount:2147483647')) assert.ok(Math.abs(lru(kvik) - lru(redis)) <= 1);
}

describe('DEBUG against redis-server', () => {
  it('DEBUG PROTOCOL replies each type as Redis does in RESP2', async () => {
    const pair = await env.pair();
    for (const type of [...PROTOCOL_TYPES, 'push', 'nosuch', 'STRING']) {
      await pair.same('DEBUG', 'PROTOCOL', type);
    }
    await pair.same('DEBUG', 'PROTOCOL');
  });

  it('DEBUG PROTOCOL replies each type as Redis does in RESP3, push and attribute included', async () => {
    const pair = await env.pair();
    await pair.both('HELLO', '3');
    for (const type of PROTOCOL_TYPES) await pair.same('DEBUG', 'PROTOCOL', type);
    // A push frame, then the reply.
    await pair.same('DEBUG', 'PROTOCOL', 'push');
    const [redis, kvik] = await Promise.all([pair.redis.readReply(), pair.kvik.readReply()]);
    assert.equal(kvik, redis);
  });

  it('DEBUG HELP, and unknown subcommands or wrong argument counts', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['DEBUG', 'HELP'],
      ['debug', 'help'],
      ['DEBUG', 'HELP', 'x'],
      ['DEBUG', 'nosuch'],
      ['DEBUG', 'OBJECT'],
      ['DEBUG', 'SLEEP'],
      ['DEBUG', 'change-repl-id', 'x'],
      ['DEBUG', 'stringmatch-len', 'a', 'b'],
      ['DEBUG'],
    ]);
  });

  it('DEBUG ERROR replies the text as an error without counting it', async () => {
    const pair = await env.pair();
    await pair.same('CONFIG', 'RESETSTAT');
    await pair.sameAll([
      ['DEBUG', 'ERROR', 'FOO bar'],
      ['DEBUG', 'ERROR', '-FOO bar'],
      ['DEBUG', 'ERROR', ''],
      ['DEBUG', 'ERROR', 'a\r\nb'],
      ['INFO', 'errorstats'],
    ]);
  });

  it('DEBUG OBJECT describes strings as Redis, serialized length included', async () => {
    const pair = await env.pair();
    const values = [
      'bar',
      '12',
      '-5',
      '9999',
      '10000',
      '300',
      '70000',
      '2147483648',
      '12345678901234567890',
      '0123',
      'x'.repeat(20),
      'x'.repeat(21),
      'a'.repeat(100),
      'abc'.repeat(50),
      'hello world hello world hello world hello world',
      'The quick brown fox jumps over the lazy dog, twice: the quick brown fox jumps over the lazy dog.',
      'abcdefghijklmnopqrstuvwxyz0123456789',
      'a'.repeat(20000),
      Array.from({ length: 400 }, (_, i) => String.fromCharCode(97 + ((i * 7) % 26))).join(''),
    ];
    for (const [i, value] of values.entries()) {
      await pair.same('SET', `k${i}`, value);
      await sameObject(pair, `k${i}`);
    }
    await pair.same('APPEND', 'k0', 'baz');
    await sameObject(pair, 'k0');
    await pair.same('DEBUG', 'OBJECT', 'missing');
  });

  it('DEBUG OBJECT follows rdbcompression and the shared integers of Redis', async () => {
    const pair = await env.pair();
    await pair.same('SET', 'long', 'a'.repeat(100));
    await pair.same('CONFIG', 'SET', 'rdbcompression', 'no');
    await sameObject(pair, 'long');
    await pair.same('CONFIG', 'SET', 'rdbcompression', 'yes');
    await pair.same('SET', 'n', '42');
    await sameObject(pair, 'n');
    // Under an LRU or LFU policy with a memory limit, small integers are not shared.
    await pair.same('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    await pair.same('CONFIG', 'SET', 'maxmemory', '1gb');
    await pair.same('SET', 'm', '43');
    await sameObject(pair, 'm');
    await pair.same('CONFIG', 'SET', 'maxmemory', '0');
    await pair.same('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
  });

  it('DEBUG SLEEP, SET-ACTIVE-EXPIRE, QUICKLIST-PACKED-THRESHOLD, CHANGE-REPL-ID and LOG answer as Redis', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['DEBUG', 'SLEEP', '0'],
      ['DEBUG', 'SLEEP', '0.01'],
      ['DEBUG', 'SLEEP', 'x'],
      ['DEBUG', 'SLEEP', '-1'],
      ['DEBUG', 'SET-ACTIVE-EXPIRE', '0'],
      ['DEBUG', 'SET-ACTIVE-EXPIRE', 'x'],
      ['DEBUG', 'SET-ACTIVE-EXPIRE', '2'],
      ['DEBUG', 'SET-ACTIVE-EXPIRE', '1'],
      ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '0'],
      ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '1kb'],
      ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '4095mb'],
      ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '4096mb'],
      ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '5gb'],
      ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '-1'],
      ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', 'x'],
      ['DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '0'],
      ['DEBUG', 'CHANGE-REPL-ID'],
      ['DEBUG', 'LOG', 'hello'],
    ]);
  });

  it('DEBUG SET-SKIP-CHECKSUM-VALIDATION lets RESTORE take a payload with a wrong checksum', async () => {
    const pair = await env.pair();
    await pair.same('SET', 'k', 'value');
    const { redis } = await pair.both('DUMP', 'k');
    const payload = Buffer.from(/^\$\d+\r\n([\s\S]*)\r\n$/.exec(redis)![1], 'latin1');
    payload[payload.length - 1] ^= 0xff;
    const bad = payload.toString('latin1');
    await pair.sameAll([
      ['RESTORE', 'copy', '0', bad],
      ['DEBUG', 'SET-SKIP-CHECKSUM-VALIDATION', '1'],
      ['RESTORE', 'copy', '0', bad],
      ['GET', 'copy'],
      ['DEBUG', 'SET-SKIP-CHECKSUM-VALIDATION', '0'],
      ['RESTORE', 'copy', '0', bad, 'REPLACE'],
    ]);
  });

  it('DEBUG PAUSE-CRON stops active expiry until it is switched off', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['DEBUG', 'PAUSE-CRON', '1'],
      ['SET', 'k', 'v', 'PX', '20'],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Still stored (DBSIZE counts keys not yet removed), though expired for readers.
    await pair.sameAll([['DBSIZE'], ['DEBUG', 'PAUSE-CRON', '0']]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await pair.same('DBSIZE');
  });

  it('DEBUG SET-DISABLE-DENY-SCRIPTS lets scripts call commands flagged noscript', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['EVAL', "return redis.call('client', 'kill', 'id', '1000000')", '0'],
      ['DEBUG', 'SET-DISABLE-DENY-SCRIPTS', '1'],
      ['EVAL', "return redis.call('client', 'kill', 'id', '1000000')", '0'],
      ['DEBUG', 'SET-DISABLE-DENY-SCRIPTS', '0'],
      ['EVAL', "return redis.call('client', 'kill', 'id', '1000000')", '0'],
    ]);
  });

  it('DEBUG POPULATE creates the keys Redis creates', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SET', 'key:1', 'existing'],
      ['DEBUG', 'POPULATE', '3'],
      ['GET', 'key:0'],
      ['GET', 'key:1'],
      ['GET', 'key:2'],
      ['EXISTS', 'key:3'],
      ['DEBUG', 'POPULATE', '3', 'p', '2'],
      ['GET', 'p:1'],
      ['DEBUG', 'POPULATE', '2', 'z', '12'],
      ['GET', 'z:1'],
      ['DEBUG', 'POPULATE', '-1'],
      ['DEBUG', 'POPULATE', 'x'],
      ['DEBUG', 'POPULATE', '1', 'p', '-3'],
      ['DEBUG', 'POPULATE', '1', 'p', '3', 'extra'],
      ['DEBUG', 'POPULATE', '0'],
    ]);
  });
});

describe('enable-debug-command against redis-server', () => {
  it('refuses DEBUG when set to no, after checking the argument count', async () => {
    const pair = await disabled.pair();
    await pair.sameAll([
      ['DEBUG', 'HELP'],
      ['DEBUG', 'SLEEP', '0'],
      ['DEBUG'],
      ['DEBUG', 'nosuch'],
    ]);
  });

  it('allows DEBUG from a loopback connection when set to local', async () => {
    const pair = await local.pair();
    await pair.sameAll([
      ['DEBUG', 'SLEEP', '0'],
      ['DEBUG', 'PROTOCOL', 'integer'],
    ]);
  });
});
