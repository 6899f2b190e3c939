import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { crc64 } from '../../src/persistence/crc64.js';
import { useDiffServers, type Command, type DiffPair } from '../helpers/diff.js';
import { assertSameKeyState, keyState, sortedKeys } from '../helpers/key-walk.js';
import { assertSameBytes } from '../helpers/same-bytes.js';
import { POPULATE } from '../helpers/populate.js';

const env = useDiffServers();

/** Keys whose DUMP payload Redis builds the same way every time, so the bytes must be equal. */
const DETERMINISTIC = [
  's:int8',
  's:int16',
  's:int32',
  's:int64',
  's:text',
  's:empty',
  's:long',
  's:incompressible',
  's:binary',
  's:noncanonical',
  's:raw',
  's:hll',
  'l:small',
  'l:many',
  'st:intset',
  'st:intset64',
  'z:small',
  'z:scores',
  'z:skiplist',
  'h:small',
  'h:longvalue',
  'x:plain',
  'x:nodes',
  'x:empty',
];

async function sameDump(pair: DiffPair, key: string): Promise<void> {
  const { redis, kvik } = await pair.both('DUMP', key);
  assertSameBytes(kvik, redis, `DUMP ${key}`);
}

async function populate(pair: DiffPair): Promise<void> {
  for (const command of POPULATE) await pair.same(...command);
}

/** The bytes of a bulk string reply. */
function bulkBytes(reply: string): string {
  assert.ok(reply.startsWith('$'), `a bulk reply: ${JSON.stringify(reply.slice(0, 80))}`);
  const header = reply.indexOf('\r\n');
  return reply.slice(header + 2, header + 2 + Number(reply.slice(1, header)));
}

describe('DUMP against redis-server', () => {
  it('gives byte-identical payloads where Redis encodes deterministically', async () => {
    const pair = await env.pair();
    await populate(pair);
    for (const key of DETERMINISTIC) await sameDump(pair, key);
  });

  it('gives byte-identical payloads for random values of the deterministic encodings', async () => {
    const pair = await env.pair();
    const byte = fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c));
    const text = fc.oneof(
      fc.string({ unit: byte, maxLength: 80 }),
      fc.string({ unit: fc.constantFrom('a', 'b', 'ab', '0', '1'), maxLength: 300 }),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
      fc.integer({ min: -100000, max: 100000 }).map(String),
    );
    const score = fc.oneof(
      fc.integer({ min: -1000, max: 1000 }).map(String),
      fc.double({ noNaN: true, noDefaultInfinity: false }).map((x) => String(x)),
    );
    const value = fc.oneof(
      text.map((t): Command[] => [['SET', 'k', t]]),
      fc
        .array(text, { minLength: 1, maxLength: 40 })
        .map((items): Command[] => [['RPUSH', 'k', ...items]]),
      fc
        .array(fc.tuple(score, text), { minLength: 1, maxLength: 20 })
        .map((pairs): Command[] => pairs.map(([s, m]) => ['ZADD', 'k', s, m])),
      fc
        .array(fc.tuple(text, text), { minLength: 1, maxLength: 20 })
        .map((pairs): Command[] => pairs.map(([f, v]) => ['HSET', 'k', f, v])),
      fc
        .array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), {
          minLength: 1,
          maxLength: 30,
        })
        .map((ints): Command[] => [['SADD', 'k', ...ints.map(String)]]),
    );
    await fc.assert(
      fc.asyncProperty(value, async (commands) => {
        await pair.same('DEL', 'k');
        for (const command of commands) await pair.same(...command);
        // A hashtable's order is each server's own; every other encoding is deterministic.
        if ((await pair.same('OBJECT', 'ENCODING', 'k')).includes('hashtable')) return;
        await sameDump(pair, 'k');
      }),
      { numRuns: 150 },
    );
  });

  it('gives the same payloads with rdbcompression off', async () => {
    const pair = await env.pair();
    await populate(pair);
    await pair.same('CONFIG', 'SET', 'rdbcompression', 'no');
    try {
      for (const key of ['s:long', 'l:small', 'h:longvalue', 'x:plain']) await sameDump(pair, key);
    } finally {
      await pair.same('CONFIG', 'SET', 'rdbcompression', 'yes');
    }
  });

  it('DEBUG OBJECT reports the serialized length of every type as Redis does', async () => {
    const pair = await env.pair();
    await populate(pair);
    const length = (line: string) => /serializedlength:(\d+)/.exec(line)?.[1];
    for (const key of DETERMINISTIC) {
      const { redis, kvik } = await pair.both('DEBUG', 'OBJECT', key);
      assert.equal(length(kvik), length(redis), `DEBUG OBJECT ${key}`);
    }
  });

  it('puts elements over the packed threshold in plain quicklist nodes as Redis does', async () => {
    const pair = await env.pair();
    await pair.same('DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '100');
    try {
      await pair.same(
        'RPUSH',
        'k',
        'a',
        'x'.repeat(150),
        'b',
        'c',
        'y'.repeat(100),
        'z'.repeat(99),
      );
      await sameDump(pair, 'k');
    } finally {
      await pair.same('DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '0');
    }
  });

  it('cuts quicklist nodes by list-max-listpack-size counts and sizes as Redis does', async () => {
    const pair = await env.pair();
    for (const size of ['3', '-1', '-5']) {
      await pair.same('CONFIG', 'SET', 'list-max-listpack-size', size);
      await pair.same('DEL', 'k');
      await pair.same(
        'RPUSH',
        'k',
        ...Array.from({ length: 700 }, (_, i) => `${i}`.repeat(i % 13)),
      );
      await sameDump(pair, 'k');
    }
    await pair.same('CONFIG', 'SET', 'list-max-listpack-size', '-2');
  });

  it('replies a null for a missing key', async () => {
    const pair = await env.pair();
    await pair.same('DUMP', 'missing');
  });
});

describe('RESTORE of payloads across Kvik and redis-server', () => {
  for (const [from, to] of [
    ['redis', 'kvik'],
    ['kvik', 'redis'],
  ] as const) {
    it(`restores every type and encoding dumped by ${from} into ${to} with identical data`, async () => {
      const pair = await env.pair();
      await populate(pair);
      await pair.kvik.call(
        'XREADGROUP',
        'GROUP',
        'g1',
        'alice',
        'COUNT',
        '2',
        'STREAMS',
        'x:groups',
        '>',
      );
      await pair.kvik.call('XREADGROUP', 'GROUP', 'g1', 'bob', 'STREAMS', 'x:groups', '>');
      await pair.kvik.call('XACK', 'x:groups', 'g1', '2-0');
      await pair.redis.call(
        'XREADGROUP',
        'GROUP',
        'g1',
        'alice',
        'COUNT',
        '2',
        'STREAMS',
        'x:groups',
        '>',
      );
      await pair.redis.call('XREADGROUP', 'GROUP', 'g1', 'bob', 'STREAMS', 'x:groups', '>');
      await pair.redis.call('XACK', 'x:groups', 'g1', '2-0');
      const source = pair[from];
      const keys = await sortedKeys(source);
      assert.ok(keys.length >= DETERMINISTIC.length, `${keys.length} keys`);
      for (const key of keys) {
        const payload = bulkBytes(await source.call('DUMP', key));
        const ttl = String(Math.max(0, Number((await source.call('PTTL', key)).slice(1, -2))));
        // Each server restores the payload, so both copies are compared on equal terms.
        await pair.same('RESTORE', `copy:${key}`, ttl, payload);
        const [expected, actual] = await Promise.all([
          keyState(pair.redis, `copy:${key}`),
          keyState(pair.kvik, `copy:${key}`),
        ]);
        assertSameKeyState(actual, expected, `key ${key}`);
        const original = await keyState(source, key);
        assert.deepEqual(
          { ...actual, encoding: '' },
          { ...original, encoding: '' },
          `original ${key}`,
        );
      }
    });
  }
});

describe('RESTORE options and errors against redis-server', () => {
  it('refuses an existing key without REPLACE, and replaces it with REPLACE', async () => {
    const pair = await env.pair();
    await pair.same('SET', 'k', 'old');
    const payload = bulkBytes(await pair.same('DUMP', 'k'));
    await pair.same('SET', 'k2', 'x');
    await pair.same('RESTORE', 'k2', '0', payload);
    await pair.same('RESTORE', 'k2', '0', payload, 'REPLACE');
    await pair.same('GET', 'k2');
  });

  it('RESTORE-ASKING restores as RESTORE does outside a cluster', async () => {
    const pair = await env.pair();
    await pair.same('HSET', 'h', 'f', 'v');
    const payload = bulkBytes(await pair.same('DUMP', 'h'));
    await pair.sameAll([
      ['RESTORE-ASKING', 'copy', '0', payload],
      ['RESTORE-ASKING', 'copy', '0', payload],
      ['RESTORE-ASKING', 'copy', '0', payload, 'REPLACE'],
      ['HGETALL', 'copy'],
    ]);
  });

  it('checks TTL, IDLETIME, FREQ and option syntax as Redis does', async () => {
    const pair = await env.pair();
    await pair.same('SET', 'k', 'v');
    const payload = bulkBytes(await pair.same('DUMP', 'k'));
    await pair.sameAll([
      ['RESTORE', 'n1', '-1', payload],
      ['RESTORE', 'n1', 'abc', payload],
      ['RESTORE', 'n1', '0', payload, 'IDLETIME', '-1'],
      ['RESTORE', 'n1', '0', payload, 'IDLETIME', 'x'],
      ['RESTORE', 'n1', '0', payload, 'FREQ', '256'],
      ['RESTORE', 'n1', '0', payload, 'FREQ', '-1'],
      ['RESTORE', 'n1', '0', payload, 'IDLETIME', '10', 'FREQ', '5'],
      ['RESTORE', 'n1', '0', payload, 'FREQ', '5', 'IDLETIME', '10'],
      ['RESTORE', 'n1', '0', payload, 'IDLETIME'],
      ['RESTORE', 'n1', '0', payload, 'BOGUS'],
      ['RESTORE', 'n1', '0', payload, 'REPLACE', 'ABSTTL', 'IDLETIME', '1000'],
      ['OBJECT', 'IDLETIME', 'n1'],
      ['RESTORE', 'n2', '100000', payload],
      ['TTL', 'n2'],
      ['RESTORE', 'n3', '1', payload, 'ABSTTL'],
      ['EXISTS', 'n3'],
      ['RESTORE', 'n2', '1', payload, 'ABSTTL', 'REPLACE'],
      ['EXISTS', 'n2'],
      ['RESTORE', 'n4', '9223372036854775807', payload],
      ['RESTORE', 'n4', '9223372036850000000', payload],
      ['EXISTS', 'n4'],
      ['RESTORE', 'n4', '9223372036854775808', payload],
    ]);
  });

  it('refuses damaged payloads with the same errors', async () => {
    const pair = await env.pair();
    await pair.same('RPUSH', 'k', 'a', 'b');
    const payload = bulkBytes(await pair.same('DUMP', 'k'));
    const flipped =
      payload.slice(0, 3) + String.fromCharCode(payload.charCodeAt(3) ^ 1) + payload.slice(4);
    const newer = payload.slice(0, -10) + '\u000b\u0000' + payload.slice(-8);
    await pair.sameAll([
      ['RESTORE', 'n', '0', flipped],
      ['RESTORE', 'n', '0', newer],
      ['RESTORE', 'n', '0', 'short'],
      ['RESTORE', 'n', '0', ''],
    ]);
  });

  it('refuses well-checksummed payloads that do not decode with Bad data format', async () => {
    const pair = await env.pair();
    // A string type byte followed by a length running past the end, with a valid footer.
    const bodies = ['\u0000\u0040', '\u0063', '\u0001\u0000'];
    for (const body of bodies) await pair.same('RESTORE', 'n', '0', withFooter(body));
  });
});

/** A payload of `body` with the RDB version and a correct CRC64, built by Kvik's own codec. */
function withFooter(body: string): string {
  const bytes = Buffer.from(`${body}\u000a\u0000`, 'latin1');
  const crc = crc64(bytes);
  const out = Buffer.alloc(bytes.length + 8);
  bytes.copy(out);
  out.writeBigUInt64LE(crc, bytes.length);
  return out.latin1Slice(0, out.length);
}
