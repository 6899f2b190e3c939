import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { startServer, type RunningServer } from '../../src/index.js';
import { pipeline as pipelineOn, times } from '../helpers/pipeline.js';
import { RawClient } from '../helpers/raw-client.js';

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
let client: RawClient;
before(async () => {
  kvik = await startServer({ port: 0 });
  client = await RawClient.connect(kvik.port);
});
after(async () => {
  client.close();
  await kvik.close();
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
