/**
 * Issue 4 in bench/bench.ts: streams and HyperLogLog.
 *
 * Throughput (in the main interleaved loop): XADD and XREADGROUP (COUNT 1, ">") at pipeline 1 and
 * 16, PFADD of random elements and PFCOUNT of the HyperLogLog they filled, as redis-benchmark
 * custom commands. Before each XREADGROUP run the stream is refilled with as many entries as the
 * run reads and the group is created again, so every read delivers one entry.
 * Memory: a stream of STREAM_ENTRIES entries of three small fields, loaded through
 * `redis-cli --pipe` into a fresh redis-server and a fresh Kvik; RSS growth compared.
 *
 * Environment (defaults): STREAM_N=200000 PF_N=200000 STREAM_ENTRIES=1000000
 */
import { join } from 'node:path';
import {
  benchmark,
  cli,
  fill,
  judged,
  loadFile,
  log,
  memoryOnFreshPair,
  mib,
  writeCommands,
  type BenchTest,
} from './common.js';

const env = process.env;
const STREAM_N = Number(env.STREAM_N ?? 200_000);
const PF_N = Number(env.PF_N ?? 200_000);
const STREAM_ENTRIES = Number(env.STREAM_ENTRIES ?? 1_000_000);
export const STREAM_SECTION = 'Issue 4: streams and HyperLogLog';
const TARGET = 0.8;
const MEMORY_TARGET = 2;

export function streamTests(): BenchTest[] {
  const tests: BenchTest[] = [];
  for (const pipeline of [1, 16]) {
    tests.push({
      section: STREAM_SECTION,
      label: `XADD -P ${pipeline}`,
      n: STREAM_N,
      target: TARGET,
      judgeP99: pipeline === 1,
      measure: (server, n) =>
        benchmark(server, ['XADD', 'bench', '*', 'f1', 'v1', 'f2', 'v2', 'f3', 'v3'], n, pipeline),
    });
  }
  for (const pipeline of [1, 16]) {
    tests.push({
      section: STREAM_SECTION,
      label: `XREADGROUP -P ${pipeline}`,
      n: STREAM_N,
      target: TARGET,
      judgeP99: pipeline === 1,
      prepare: async (server, n) => {
        await cli(server.port, 'DEL', 'read');
        await fill(server, n, ['XADD', 'read', '*', 'f', 'v']);
        await cli(server.port, 'XGROUP', 'CREATE', 'read', 'g', '0');
      },
      measure: (server, n) =>
        benchmark(
          server,
          ['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '1', 'STREAMS', 'read', '>'],
          n,
          pipeline,
        ),
    });
  }
  tests.push(
    {
      section: STREAM_SECTION,
      label: 'PFADD (random elements)',
      n: PF_N,
      target: TARGET,
      judgeP99: true,
      measure: (server, n) =>
        benchmark(server, ['-r', '1000000', 'PFADD', 'hll', 'e:__rand_int__'], n, 1),
    },
    {
      section: STREAM_SECTION,
      label: 'PFCOUNT (one HyperLogLog)',
      n: PF_N,
      target: TARGET,
      judgeP99: true,
      prepare: (server) =>
        fill(server, 100_000, ['-r', '1000000', 'PFADD', 'hll', 'e:__rand_int__']),
      measure: (server, n) => benchmark(server, ['PFCOUNT', 'hll'], n, 1),
    },
  );
  return tests;
}

/** The memory table row of a stream of STREAM_ENTRIES entries (explicit IDs, three small fields). */
export async function streamMemory(dir: string): Promise<string> {
  log(`# memory: a stream of ${STREAM_ENTRIES} entries`);
  const file = writeCommands(join(dir, 'stream.resp'), STREAM_ENTRIES, (i) => [
    'XADD',
    'mem',
    `${1_700_000_000_000 + Math.floor(i / 100)}-${i % 100}`,
    'f1',
    `v${i % 1000}`,
    'f2',
    String(i),
    'f3',
    'abc',
  ]);
  const { redis, kvik } = await memoryOnFreshPair(join(dir, 'stream-memory'), (server) =>
    loadFile(server, file),
  );
  return `| RSS growth, one stream of ${STREAM_ENTRIES} entries (3 small fields) | ${mib(redis)} | ${mib(kvik)} | ${judged(kvik / redis, MEMORY_TARGET, false)} |`;
}
