import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { useDiffServers, type Command, type DiffPair } from '../helpers/diff.js';
import { encodeCommand } from '../helpers/raw-client.js';

const env = useDiffServers();

/** `count` distinct elements named from `prefix`. */
function elements(prefix: string, count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${from + i}`);
}

/** The HLL string value of a key as raw reply bytes, from both servers, asserted equal. */
async function sameValue(pair: DiffPair, key: string): Promise<string> {
  return pair.same('GET', key);
}

/** Adds elements in batches to both servers, comparing every reply and then the bytes. */
async function addInBatches(pair: DiffPair, key: string, items: string[], batch = 500) {
  for (let i = 0; i < items.length; i += batch) {
    await pair.same('PFADD', key, ...items.slice(i, i + batch));
  }
  return sameValue(pair, key);
}

/** The bulk string payload of a raw RESP reply. */
function bulkPayload(reply: string): Buffer {
  const start = reply.indexOf('\r\n') + 2;
  return Buffer.from(reply.slice(start, reply.length - 2), 'latin1');
}

describe('PFADD and PFCOUNT against redis-server', () => {
  it('PFADD creates an HLL whose bytes equal Redis’s, with or without elements', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['PFADD', 'empty'],
      ['PFADD', 'empty'],
      ['GET', 'empty'],
      ['STRLEN', 'empty'],
      ['OBJECT', 'ENCODING', 'empty'],
      ['PFCOUNT', 'empty'],
      ['GET', 'empty'],
      ['PFADD', 'h', 'a', 'b', 'c', 'a'],
      ['PFADD', 'h', 'a'],
      ['GET', 'h'],
      ['PFCOUNT', 'h'],
      ['GET', 'h'],
      ['PFADD', 'h', ''],
      ['PFADD', 'h', '\x00\xff binary \r\n'],
      ['PFCOUNT', 'h'],
      ['GET', 'h'],
    ]);
  });

  it('sparse values stay byte-identical as they grow, split and merge opcodes', async () => {
    const pair = await env.pair();
    // Small batches make many intermediate states, each compared.
    for (let i = 0; i < 60; i++) {
      await pair.same('PFADD', 's', ...elements(`e${i}:`, 1 + (i % 7)));
      await sameValue(pair, 's');
    }
    await pair.same('PFCOUNT', 's');
    await pair.same('PFDEBUG', 'ENCODING', 's');
    await pair.same('PFDEBUG', 'DECODE', 's');
  });

  it('crossing hll-sparse-max-bytes promotes to dense exactly when Redis does', async () => {
    const pair = await env.pair();
    const items = elements('x', 4000);
    for (let i = 0; i < items.length; i += 100) {
      await pair.same('PFADD', 'h', ...items.slice(i, i + 100));
      await pair.same('PFDEBUG', 'ENCODING', 'h');
      await pair.same('STRLEN', 'h');
    }
    await sameValue(pair, 'h');
    await pair.same('PFCOUNT', 'h');
    await pair.same('PFDEBUG', 'DECODE', 'h');
  });

  it('a lower hll-sparse-max-bytes promotes earlier, and 0 at the first split', async () => {
    const pair = await env.pair();
    for (const limit of ['200', '0']) {
      await pair.same('CONFIG', 'SET', 'hll-sparse-max-bytes', limit);
      await addInBatches(pair, `h${limit}`, elements('y', 300), 10);
      await pair.same('PFDEBUG', 'ENCODING', `h${limit}`);
    }
    await pair.same('CONFIG', 'SET', 'hll-sparse-max-bytes', '3000');
  });

  it('dense values are byte-identical and PFCOUNT caches the same cardinality', async () => {
    const pair = await env.pair();
    await addInBatches(pair, 'd', elements('dense', 20_000), 2000);
    await pair.same('PFCOUNT', 'd');
    await sameValue(pair, 'd');
    await pair.same('PFADD', 'd', 'dense0');
    await pair.same('PFCOUNT', 'd');
    await pair.same('PFADD', 'd', 'another one');
    await sameValue(pair, 'd');
    await pair.same('PFCOUNT', 'd');
  });

  it('200k elements are counted as Redis counts them, within three standard errors', async () => {
    const pair = await env.pair();
    await addInBatches(pair, 'big', elements('big', 200_000), 10_000);
    const reply = await pair.same('PFCOUNT', 'big');
    const estimate = Number(reply.slice(1));
    assert.ok(Math.abs(estimate - 200_000) / 200_000 < 3 * 0.0081, reply);
  });

  it('replies the same in RESP3', async () => {
    const pair = await env.pair();
    // HELLO's own reply differs (client ids).
    await pair.both('HELLO', '3');
    await pair.sameAll([
      ['PFADD', 'h', 'a', 'b'],
      ['PFCOUNT', 'h'],
      ['PFCOUNT', 'h', 'missing'],
      ['PFMERGE', 'd', 'h'],
      ['PFDEBUG', 'ENCODING', 'd'],
      ['PFDEBUG', 'DECODE', 'd'],
      ['PFDEBUG', 'GETREG', 'd'],
      ['PFDEBUG', 'TODENSE', 'd'],
      ['PFDEBUG', 'DECODE', 'd'],
    ]);
  });

  it('PFCOUNT of several keys counts the union without caching', async () => {
    const pair = await env.pair();
    await addInBatches(pair, 'a', elements('u', 1500));
    await addInBatches(pair, 'b', elements('u', 1500, 1000));
    await addInBatches(pair, 'c', elements('v', 9000), 3000);
    await pair.sameAll([
      ['PFCOUNT', 'a', 'b'],
      ['PFCOUNT', 'a', 'b', 'c', 'missing'],
      ['PFCOUNT', 'missing', 'other'],
      ['PFCOUNT', 'a', 'a'],
      ['GET', 'a'],
      ['PFCOUNT', 'missing'],
    ]);
  });

  it('values that are not HLLs are refused with Redis’s errors', async () => {
    const pair = await env.pair();
    const header = 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80';
    await pair.sameAll([
      ['SET', 'str', 'not an hll at all'],
      ['SET', 'short', 'HYLL'],
      ['SET', 'int', '12345'],
      ['SET', 'magic', 'HYLX\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff'],
      ['SET', 'badenc', 'HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff'],
      ['SET', 'shortdense', 'HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'],
      ['SET', 'headeronly', header],
      ['RPUSH', 'list', 'a'],
    ]);
    for (const key of ['str', 'short', 'int', 'magic', 'badenc', 'shortdense', 'list']) {
      await pair.sameAll([
        ['PFADD', key, 'x'],
        ['PFCOUNT', key],
        ['PFCOUNT', 'missing', key],
        ['PFMERGE', 'dest', key],
        ['PFMERGE', key, 'missing'],
        ['PFDEBUG', 'GETREG', key],
      ]);
    }
    // A header with no opcodes covers no registers: a valid header, corrupt registers.
    await pair.sameAll([
      ['PFCOUNT', 'headeronly'],
      ['PFCOUNT', 'headeronly', 'missing'],
      ['PFMERGE', 'dest2', 'headeronly'],
      ['EXISTS', 'dest2'],
      ['PFDEBUG', 'DECODE', 'headeronly'],
      ['PFDEBUG', 'TODENSE', 'headeronly'],
      ['PFDEBUG', 'GETREG', 'headeronly'],
    ]);
  });

  it('corrupt sparse opcodes are detected as Redis detects them', async () => {
    const pair = await env.pair();
    const header = 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80';
    const corrupt: Record<string, string> = {
      // XZERO 16384 twice: more registers than there are.
      over: header + '\x7f\xff\x7f\xff',
      // XZERO 16000 then a VAL past the end.
      under: header + '\x7e\x7f',
      // VAL runs that overflow.
      valover: header + '\x7f\xff\x83',
    };
    for (const [key, value] of Object.entries(corrupt)) {
      await pair.sameAll([
        ['SET', key, value],
        ['PFCOUNT', key],
        ['PFCOUNT', key, key],
        ['PFMERGE', `m${key}`, key],
        ['PFDEBUG', 'DECODE', key],
        ['PFDEBUG', 'TODENSE', key],
        ['GET', key],
      ]);
    }
  });

  it('a valid cached cardinality is returned as stored, even a forged one', async () => {
    const pair = await env.pair();
    const card = Buffer.from([0x39, 0x30, 0, 0, 0, 0, 0, 0x7f]);
    const value = Buffer.concat([
      Buffer.from('HYLL\x01\x00\x00\x00', 'latin1'),
      card,
      Buffer.from([0x7f, 0xff]),
    ]);
    await pair.sameAll([
      ['SET', 'forged', value],
      ['PFCOUNT', 'forged'],
      ['OBJECT', 'ENCODING', 'forged'],
      ['PFADD', 'forged', 'x'],
      ['PFCOUNT', 'forged'],
      ['GET', 'forged'],
    ]);
  });
});

describe('PFMERGE against redis-server', () => {
  it('merges sparse HLLs into a sparse destination, byte for byte', async () => {
    const pair = await env.pair();
    await addInBatches(pair, 'a', elements('m', 300));
    await addInBatches(pair, 'b', elements('m', 300, 200));
    await pair.sameAll([
      ['PFMERGE', 'dest', 'a', 'b', 'missing'],
      ['GET', 'dest'],
      ['PFCOUNT', 'dest'],
      ['PFMERGE', 'a', 'b'],
      ['GET', 'a'],
      ['PFMERGE', 'only'],
      ['GET', 'only'],
      ['PFMERGE', 'only', 'only'],
      ['GET', 'only'],
    ]);
  });

  it('any dense input makes the destination dense; a big union promotes on the way', async () => {
    const pair = await env.pair();
    await addInBatches(pair, 'dense', elements('n', 10_000), 2500);
    await addInBatches(pair, 'small', elements('k', 50));
    await addInBatches(pair, 'mid1', elements('p', 1200));
    await addInBatches(pair, 'mid2', elements('q', 1200));
    await pair.sameAll([
      ['PFMERGE', 'd1', 'small', 'dense'],
      ['GET', 'd1'],
      ['PFMERGE', 'small', 'dense'],
      ['PFDEBUG', 'ENCODING', 'small'],
      ['PFMERGE', 'd2', 'mid1', 'mid2'],
      ['PFDEBUG', 'ENCODING', 'd2'],
      ['GET', 'd2'],
      ['PFCOUNT', 'd2'],
      ['PFCOUNT', 'mid1', 'mid2'],
    ]);
  });

  it('registers above 32 cannot be sparse: such a merge result is dense', async () => {
    const pair = await env.pair();
    // A dense HLL with one register at 40 merged into a sparse destination.
    const dense = Buffer.alloc(16 + 12288);
    dense.write('HYLL', 'latin1');
    dense[15] = 0x80;
    dense[16] = 40;
    await pair.sameAll([
      ['SET', 'high', dense],
      ['PFCOUNT', 'high'],
      ['PFADD', 'sparse', 'a'],
      ['PFMERGE', 'sparse', 'high'],
      ['PFDEBUG', 'ENCODING', 'sparse'],
      ['GET', 'sparse'],
    ]);
  });
});

describe('PFDEBUG and PFSELFTEST against redis-server', () => {
  it('GETREG, DECODE, ENCODING and TODENSE, with their errors', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['PFDEBUG', 'GETREG', 'missing'],
      ['PFDEBUG', 'NOPE', 'missing'],
      ['PFADD', 'h', 'a', 'b', 'c'],
      ['PFDEBUG', 'NOPE', 'h'],
      ['PFDEBUG', 'nope\x00tail', 'h'],
      ['PFDEBUG', 'decode', 'h'],
      ['PFDEBUG', 'ENCODING', 'h'],
      ['PFDEBUG', 'GETREG', 'h'],
      ['PFDEBUG', 'ENCODING', 'h'],
      ['PFDEBUG', 'DECODE', 'h'],
      ['GET', 'h'],
      ['PFADD', 'h2', 'x'],
      ['PFDEBUG', 'TODENSE', 'h2'],
      ['PFDEBUG', 'TODENSE', 'h2'],
      ['GET', 'h2'],
      ['PFDEBUG', 'GETREG'],
      ['PFDEBUG', 'GETREG', 'h', 'extra'],
    ]);
  });

  it('PFSELFTEST passes', async () => {
    const pair = await env.pair();
    // The test adds 10 million elements: give it time (Kvik runs in this very process).
    const command = encodeCommand(['PFSELFTEST']);
    pair.redis.sendRaw(command);
    pair.kvik.sendRaw(command);
    const [redis, kvik] = await Promise.all([
      pair.redis.readReply(60_000),
      pair.kvik.readReply(60_000),
    ]);
    assert.equal(kvik, redis);
    await pair.same('PFSELFTEST', 'extra');
  });
});

describe('HLL values move between Kvik and redis-server', () => {
  it('a value taken from one server with GET and SET into the other counts the same', async () => {
    const pair = await env.pair();
    for (const [key, count] of [
      ['tiny', 3],
      ['sparse', 800],
      ['dense', 30_000],
    ] as const) {
      const items = elements(key, count);
      for (let i = 0; i < items.length; i += 3000) {
        await pair.redis.call('PFADD', `r:${key}`, ...items.slice(i, i + 3000));
        await pair.kvik.call('PFADD', `k:${key}`, ...items.slice(i, i + 3000));
      }
      const fromRedis = bulkPayload(await pair.redis.call('GET', `r:${key}`));
      const fromKvik = bulkPayload(await pair.kvik.call('GET', `k:${key}`));
      assert.deepEqual(fromKvik, fromRedis);
      await pair.kvik.call('SET', `moved:${key}`, fromRedis);
      await pair.redis.call('SET', `moved:${key}`, fromKvik);
      const redisCount = await pair.redis.call('PFCOUNT', `moved:${key}`);
      assert.equal(await pair.kvik.call('PFCOUNT', `moved:${key}`), redisCount);
      assert.equal(await pair.redis.call('PFCOUNT', `r:${key}`), redisCount);
      // Both go on from the moved value in step.
      await pair.same('PFADD', `moved:${key}`, 'one more', 'and another');
      await pair.same('GET', `moved:${key}`);
    }
  });
});

describe('random PFADD and PFMERGE sequences', () => {
  it('leave byte-identical values on both servers', async () => {
    const pair = await env.pair();
    const key = fc.constantFrom('h1', 'h2', 'h3');
    const element = fc.oneof(fc.string({ maxLength: 12 }), fc.nat(5000).map(String));
    const command: fc.Arbitrary<Command> = fc.oneof(
      fc.tuple(key, fc.array(element, { maxLength: 40 })).map(([k, els]) => ['PFADD', k, ...els]),
      fc.tuple(key, key).map(([a, b]): Command => ['PFMERGE', a, b]),
      key.map((k): Command => ['PFCOUNT', k]),
      fc.tuple(key, key).map(([a, b]): Command => ['PFCOUNT', a, b]),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 30 }), async (commands) => {
        await pair.same('FLUSHALL');
        await pair.sameAll(commands);
        for (const k of ['h1', 'h2', 'h3']) await pair.same('GET', k);
      }),
      { numRuns: 40 },
    );
  });
});
