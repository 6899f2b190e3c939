/**
 * Issue 3 in bench/bench.ts: lists, sets, hashes and sorted sets.
 *
 * The redis-benchmark tests (COLLECTION_TESTS) run at pipeline 1 in the main interleaved loop.
 * Here: a sorted set of ZSET_MEMBERS members (`m:<12 digits>` with that number as score, the form
 * redis-benchmark gives __rand_int__) is loaded through `redis-cli --pipe` into a fresh
 * redis-server and a fresh Kvik (its RSS growth is the memory figure), then ZADD, ZRANK and
 * ZRANGEBYSCORE of random members and scores run on it as redis-benchmark custom commands; the
 * time per operation is the inverse of the throughput with CLIENTS clients. HASHES hashes of five
 * small fields are loaded the same way for the second memory figure.
 *
 * Environment (defaults): ZSET_MEMBERS=1000000 ZSET_N=100000 HASHES=100000
 */
import { join } from 'node:path';
import {
  benchmark,
  fmt,
  interleaved,
  judged,
  loadFile,
  log,
  median,
  memoryOnFreshPair,
  mib,
  writeCommands,
} from './common.js';

const env = process.env;
const ZSET_MEMBERS = Number(env.ZSET_MEMBERS ?? 1_000_000);
const ZSET_N = Number(env.ZSET_N ?? 100_000);
const HASHES = Number(env.HASHES ?? 100_000);
export const COLLECTION_SECTION = 'Issue 3: lists, sets, hashes, sorted sets';
/** redis-benchmark's own tests for issue 3, at pipeline 1 (target ≥ 1.0). */
export const COLLECTION_TESTS = [
  'lpush',
  'rpush',
  'lpop',
  'rpop',
  'sadd',
  'hset',
  'spop',
  'zadd',
  'zpopmin',
  'lrange_100',
  'lrange_300',
  'lrange_500',
  'lrange_600',
];
const TIME_TARGET = 2;
const MEMORY_TARGET = 1.5;
const MEMBERS_PER_ZADD = 1000;

const member = (i: number) => `m:${String(i).padStart(12, '0')}`;

export interface CollectionResults {
  /** Rows of the "time per operation on a big sorted set" table. */
  zsetRows: string[];
  /** Rows of the memory table. */
  memoryRows: string[];
}

export async function collections(dir: string): Promise<CollectionResults> {
  log(`# sorted set of ${ZSET_MEMBERS} members: memory, then ZADD / ZRANK / ZRANGEBYSCORE`);
  const zsetFile = writeCommands(join(dir, 'zset.resp'), ZSET_MEMBERS / MEMBERS_PER_ZADD, (c) => {
    const argv = ['ZADD', 'big'];
    for (let i = c * MEMBERS_PER_ZADD; i < (c + 1) * MEMBERS_PER_ZADD; i++) {
      argv.push(String(i), member(i));
    }
    return argv;
  });
  const random = ['-r', String(ZSET_MEMBERS)];
  const cases: [string, string[]][] = [
    [
      'ZADD (new score of a random member)',
      [...random, 'ZADD', 'big', '__rand_int__', 'm:__rand_int__'],
    ],
    ['ZRANK (random member)', [...random, 'ZRANK', 'big', 'm:__rand_int__']],
    [
      'ZRANGEBYSCORE (random min, LIMIT 0 10)',
      [...random, 'ZRANGEBYSCORE', 'big', '__rand_int__', '+inf', 'LIMIT', '0', '10'],
    ],
  ];
  const zsetRows: string[] = [];
  const zset = await memoryOnFreshPair(
    join(dir, 'zset'),
    (server) => loadFile(server, zsetFile),
    async (servers) => {
      for (const [label, command] of cases) {
        const samples = await interleaved(servers, (s) => benchmark(s, command, ZSET_N, 1));
        const [redis, kvik] = [samples.redis, samples.kvik].map(
          (list) => 1e6 / median(list.map((x) => x.rps)),
        );
        zsetRows.push(
          `| ${label} | ${fmt(redis)} | ${fmt(kvik)} | ${judged(kvik / redis, TIME_TARGET, false)} |`,
        );
      }
    },
  );

  log(`# memory: ${HASHES} hashes of 5 fields`);
  const hashFile = writeCommands(join(dir, 'hashes.resp'), HASHES, (i) => {
    const argv = ['HSET', `h:${i}`];
    for (let f = 1; f <= 5; f++) argv.push(`field${f}`, `value${(i + f) % 1000}`);
    return argv;
  });
  const hashes = await memoryOnFreshPair(join(dir, 'hashes'), (server) =>
    loadFile(server, hashFile),
  );
  const memoryRow = (label: string, m: typeof hashes) =>
    `| ${label} | ${mib(m.redis)} | ${mib(m.kvik)} | ${judged(m.kvik / m.redis, MEMORY_TARGET, false)} |`;
  return {
    zsetRows,
    memoryRows: [
      memoryRow(`RSS growth, ${HASHES} hashes of 5 small fields`, hashes),
      memoryRow(`RSS growth, one sorted set of ${ZSET_MEMBERS} members`, zset),
    ],
  };
}
