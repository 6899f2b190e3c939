import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { startServer, type RunningServer } from '../../src/index.js';
import { pipeline as pipelineOn, times } from '../helpers/pipeline.js';
import { RawClient } from '../helpers/raw-client.js';
import { parseReply } from '../meta/reply-tree.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Heap and Buffer memory of this process after a full collection. */
function heapBytes(): number {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

let kvik: RunningServer;
const dir = mkdtempSync(join(tmpdir(), 'kvik-memory-'));
let client: RawClient;
before(async () => {
  // DEBUG RELOAD saves and loads an RDB file, kept out of the working directory.
  kvik = await startServer({ port: 0, config: { 'enable-debug-command': 'yes', dir } });
  client = await RawClient.connect(kvik.port);
});
after(async () => {
  client.close();
  await kvik.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Sends the commands pipelined; none may fail. */
async function pipeline(commands: Iterable<(string | number)[]>): Promise<void> {
  assert.deepEqual(await pipelineOn(client, commands), []);
}

/** `count` elements of `length` bytes, distinct, starting at `from`. */
function elements(from: number, count: number, length: number): string[] {
  return Array.from({ length: count }, (_, i) => String(from + i).padStart(length, 'e'));
}

/** Fills the server and compares the growth of the estimate to the growth of the heap. */
async function accountingRatio(fill: () => Promise<void>): Promise<number> {
  await client.call('FLUSHALL');
  const heapBefore = heapBytes();
  const estimateBefore = kvik.server.keyspace.datasetBytes();
  await fill();
  const heapGrowth = heapBytes() - heapBefore;
  const estimateGrowth = kvik.server.keyspace.datasetBytes() - estimateBefore;
  await client.call('FLUSHALL');
  return estimateGrowth / heapGrowth;
}

const CASES: [string, () => Promise<void>][] = [
  ['short strings', () => pipeline(times(60000, (i) => ['SET', `key:${i}`, `v${i}`]))],
  ['long strings', () => pipeline(times(20000, (i) => ['SET', `key:${i}`, 'x'.repeat(300) + i]))],
  [
    'strings with a TTL',
    () => pipeline(times(40000, (i) => ['SET', `key:${i}`, `v${i}`, 'EX', 1000])),
  ],
  [
    'appended strings',
    () => pipeline(times(20000, (i) => ['APPEND', `key:${i % 2000}`, 'abcdefghij'])),
  ],
  [
    'one long list',
    () => pipeline(times(1000, (i) => ['RPUSH', 'list', ...elements(i * 100, 100, 12)])),
  ],
  [
    'many short lists',
    () => pipeline(times(10000, (i) => ['RPUSH', `list:${i}`, ...elements(0, 8, 20)])),
  ],
  [
    'small hashes',
    () => pipeline(times(10000, (i) => ['HSET', `hash:${i}`, ...elements(0, 16, 10)])),
  ],
  [
    'one large hash',
    () => pipeline(times(1000, (i) => ['HSET', 'hash', ...elements(i * 100, 100, 16)])),
  ],
  ['an intset', () => pipeline(times(100, (i) => ['SADD', 'set', ...elements(i * 1000, 1000, 1)]))],
  [
    'one large set',
    () => pipeline(times(1000, (i) => ['SADD', 'set', ...elements(i * 100, 100, 16)])),
  ],
  ['small sets', () => pipeline(times(10000, (i) => ['SADD', `set:${i}`, ...elements(0, 8, 10)]))],
  [
    'small sorted sets',
    () =>
      pipeline(
        times(10000, (i) => ['ZADD', `zset:${i}`, ...elements(0, 8, 10).flatMap((m, j) => [j, m])]),
      ),
  ],
  [
    'one large sorted set',
    () =>
      pipeline(
        times(1000, (i) => [
          'ZADD',
          'zset',
          ...elements(i * 100, 100, 16).flatMap((m, j) => [i * 100 + j, m]),
        ]),
      ),
  ],
  [
    'a stream',
    () => pipeline(times(50000, (i) => ['XADD', 'stream', '*', 'field', `value:${i}`, 'n', i])),
  ],
  [
    'many streams',
    () => pipeline(times(5000, (i) => ['XADD', `stream:${i}`, '*', 'field', `value:${i}`])),
  ],
];

describe('memory accounting', () => {
  for (const [name, fill] of CASES) {
    it(`follows the heap growth of ${name} within 25%`, async () => {
      const ratio = await accountingRatio(fill);
      console.log(name, ratio.toFixed(3));
      assert.ok(ratio > 0.75 && ratio < 1.25, `estimate / heap growth = ${ratio}`);
    });
  }
});

/** A field of INFO memory. */
async function infoMemory(name: string): Promise<number> {
  const text = await client.call('INFO', 'memory');
  return Number(new RegExp(`^${name}:(\\d+)\r$`, 'm').exec(text)![1]);
}

/** An integer reply's value. */
function integer(reply: string): number {
  assert.match(reply, /^:\d+\r\n$/);
  return Number(reply.slice(1, -2));
}

describe('used_memory', () => {
  it('grows with the data written and falls as soon as it is deleted', async () => {
    await client.call('FLUSHALL');
    const empty = await infoMemory('used_memory');
    await pipeline(times(1000, (i) => ['SET', `key:${i}`, 'x'.repeat(1000)]));
    const full = await infoMemory('used_memory');
    assert.ok(full - empty > 1000 * 1000 && full - empty < 1300 * 1000, `${full - empty}`);
    await client.call('FLUSHALL');
    assert.equal(await infoMemory('used_memory'), empty);
  });

  it('counts each key once through deletes that move other keys in the dictionary', async () => {
    await client.call('FLUSHALL');
    const empty = await infoMemory('used_memory');
    // Keys of different sizes, so a weight moved to the wrong key would show.
    const value = (i: number) => 'x'.repeat(10 + (i % 7) * 100);
    await pipeline(times(1000, (i) => ['SET', `key:${i}`, value(i)]));
    // Four keys in five, in a shuffled order: the dictionary's arrays shrink on the way.
    const shuffled = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000);
    await pipeline(shuffled.filter((_, i) => i % 5 !== 0).map((k) => ['DEL', `key:${k}`]));
    const afterDeletes = (await infoMemory('used_memory')) - empty;
    const kept = shuffled.filter((_, i) => i % 5 === 0);
    await client.call('FLUSHALL');
    await pipeline(kept.map((k) => ['SET', `key:${k}`, value(k)]));
    assert.equal(afterDeletes, (await infoMemory('used_memory')) - empty);
    await client.call('FLUSHALL');
  });

  it('counts the keys loaded from an RDB file as it counted them written', async () => {
    await client.call('FLUSHALL');
    const empty = await infoMemory('used_memory');
    await pipeline(times(500, (i) => ['SET', `key:${i}`, 'x'.repeat(1000)]));
    await pipeline(times(100, (i) => ['RPUSH', `list:${i}`, ...elements(0, 50, 20)]));
    const written = (await infoMemory('used_memory')) - empty;
    assert.equal(await client.call('DEBUG', 'RELOAD'), '+OK\r\n');
    const loaded = (await infoMemory('used_memory')) - empty;
    assert.ok(Math.abs(loaded - written) < written * 0.05, `written ${written}, loaded ${loaded}`);
    await client.call('FLUSHALL');
  });

  it('keeps its peak until CONFIG RESETSTAT', async () => {
    await client.call('FLUSHALL');
    await pipeline(times(1000, (i) => ['SET', `key:${i}`, 'x'.repeat(1000)]));
    const full = await infoMemory('used_memory');
    await client.call('FLUSHALL');
    assert.ok((await infoMemory('used_memory_peak')) >= full);
    await client.call('CONFIG', 'RESETSTAT');
    assert.equal(await infoMemory('used_memory_peak'), await infoMemory('used_memory'));
  });
});

describe('MEMORY', () => {
  it('USAGE estimates a key by its size, sampling elements or measuring them all', async () => {
    await client.call('FLUSHALL');
    await client.call('SET', 'small', 'x');
    await client.call('SET', 'large', 'x'.repeat(10000));
    const small = integer(await client.call('MEMORY', 'USAGE', 'small'));
    const large = integer(await client.call('MEMORY', 'USAGE', 'large'));
    assert.ok(large - small >= 9900 && large - small < 10100, `${small} ${large}`);
    // One long element among short ones: only measuring them all sees it for sure.
    await client.call('RPUSH', 'list', ...elements(0, 99, 8), 'y'.repeat(100000));
    const all = integer(await client.call('MEMORY', 'USAGE', 'list', 'SAMPLES', '0'));
    assert.ok(all > 100000, `${all}`);
  });

  it('STATS reports used_memory as total.allocated, and the keys', async () => {
    await client.call('FLUSHALL');
    await pipeline(times(100, (i) => ['SET', `key:${i}`, 'x'.repeat(100), 'EX', 1000]));
    const stats = parseReply(await client.call('MEMORY', 'STATS'));
    assert.equal(stats.kind, 'array');
    const items = stats.items;
    const field = (name: string) => {
      const at = items.findIndex((item) => item.kind === 'bulk' && item.text === name);
      const value = items[at + 1];
      return value.kind === 'integer' || value.kind === 'bulk' ? Number(value.text) : NaN;
    };
    assert.equal(field('total.allocated'), await infoMemory('used_memory'));
    assert.equal(field('keys.count'), 100);
    assert.ok(field('dataset.bytes') > 100 * 100);
    const db = items[items.findIndex((item) => item.kind === 'bulk' && item.text === 'db.0') + 1];
    assert.equal(db.kind, 'array');
    assert.deepEqual(
      db.items.filter((_, i) => i % 2 === 0).map((item) => (item.kind === 'bulk' ? item.text : '')),
      ['overhead.hashtable.main', 'overhead.hashtable.expires', 'overhead.hashtable.slot-to-keys'],
    );
  });

  it('DOCTOR finds nothing to say of an empty server, and no issue in a healthy one', async () => {
    await client.call('FLUSHALL');
    await client.call('CONFIG', 'RESETSTAT');
    assert.match(await client.call('MEMORY', 'DOCTOR'), /this instance is empty/);
    await pipeline(times(6000, (i) => ['SET', `key:${i}`, 'x'.repeat(1000)]));
    assert.match(await client.call('MEMORY', 'DOCTOR'), /I can't find any memory issue/);
    await client.call('FLUSHALL');
    await pipeline(times(2000, (i) => ['SET', `key:${i}`, 'x'.repeat(1000)]));
    // Past its peak of over 7 MB, now under 3 MB: still too little to judge.
    assert.match(await client.call('MEMORY', 'DOCTOR'), /this instance is empty/);
  });

  it('MALLOC-STATS says there are no allocator statistics, PURGE has nothing to do', async () => {
    assert.equal(
      await client.call('MEMORY', 'MALLOC-STATS'),
      '$45\r\nStats not supported for the current allocator\r\n',
    );
    assert.equal(await client.call('MEMORY', 'PURGE'), '+OK\r\n');
  });
});
