/**
 * Issue 7 in bench/bench.ts: persistence.
 *
 * A dataset of PERSIST_KEYS keys of mixed types (strings, lists, sets, hashes, sorted sets of a
 * few small elements, one fifth each) is loaded into a fresh redis-server and a fresh Kvik, each
 * saving into its own directory. Then, alternating which server goes first, REPS times each:
 * - SAVE: the wall time of the command;
 * - load: the server is killed and started again on the same directory; the time from the spawn
 *   until it answers PONG with all keys (it includes the start of the process itself, shown
 *   apart as the start of each server on an empty directory);
 * - once each: LATENCY_CLIENTS clients alternating SET and GET, one request at a time
 *   (bench/workloads.ts), for LATENCY_IDLE_MS without a snapshot, then while a BGSAVE of the
 *   dataset runs (until INFO says rdb_bgsave_in_progress:0): p99 and max latency.
 * Finally a fresh pair with appendonly yes and appendfsync everysec runs redis-benchmark SET.
 *
 * Environment (defaults): PERSIST_KEYS=1000000 LATENCY_CLIENTS=10 LATENCY_IDLE_MS=3000
 *   AOF_N=200000 (SET requests with the AOF on)
 */
import { join } from 'node:path';
import {
  benchmark,
  CLIENTS,
  cli,
  fmt,
  infoField,
  interleaved,
  judged,
  loadFile,
  log,
  median,
  sleep,
  startServer,
  waitIdle,
  withFreshPair,
  writeCommands,
  type Server,
} from './common.js';
import { setGetLatency, type LatencySample } from './workloads.js';

const env = process.env;
const PERSIST_KEYS = Number(env.PERSIST_KEYS ?? 1_000_000);
const LATENCY_CLIENTS = Number(env.LATENCY_CLIENTS ?? 10);
const LATENCY_IDLE_MS = Number(env.LATENCY_IDLE_MS ?? 3000);
const AOF_N = Number(env.AOF_N ?? 200_000);
const WARMUP = (env.WARMUP ?? '1') === '1';
export const PERSISTENCE_SECTION = 'Issue 7: persistence';
const TIME_TARGET = 2;
const P99_TARGET_MS = 5;
const AOF_TARGET = 0.8;

/** Key i of the mixed dataset: the type cycles through string, list, set, hash, sorted set. */
function mixedKey(i: number): string[] {
  const v = String(i % 1000);
  switch (i % 5) {
    case 0:
      return ['SET', `s:${i}`, `value:${v}`];
    case 1:
      return ['RPUSH', `l:${i}`, 'a', v, 'c'];
    case 2:
      return ['SADD', `t:${i}`, 'a', v, 'c'];
    case 3:
      return ['HSET', `h:${i}`, 'f1', v, 'f2', 'b'];
    default:
      return ['ZADD', `z:${i}`, '1', 'a', '2', v];
  }
}

async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return (performance.now() - started) / 1000;
}

export interface PersistenceResults {
  /** Rows of the time table (seconds, ratio Kvik / redis). */
  timeRows: string[];
  /** Rows of the latency-under-BGSAVE table. */
  latencyRows: string[];
  /** The AOF throughput row (in the format of the main throughput table). */
  aofRow: string;
}

export async function persistence(dir: string): Promise<PersistenceResults> {
  log(`# persistence: ${PERSIST_KEYS} keys of mixed types`);
  const file = writeCommands(join(dir, 'mixed.resp'), PERSIST_KEYS, mixedKey);
  const emptyStarts = await interleaved(
    [{ name: 'redis' }, { name: 'kvik' }] as const,
    async ({ name }) => {
      await waitIdle();
      let server: Server | undefined;
      const seconds = await timed(async () => {
        server = await startServer(name, join(dir, `empty-${name}`));
      });
      await server!.stop();
      return seconds;
    },
  );
  const servers: Server[] = [];
  for (const name of ['redis', 'kvik'] as const) {
    const server = await startServer(name, join(dir, `persist-${name}`));
    await loadFile(server, file);
    servers.push(server);
  }
  try {
    const saves = await interleaved(servers, async (server) => {
      await waitIdle();
      return timed(() => cli(server.port, 'SAVE'));
    });
    const loads = await interleaved(servers, async (server) => {
      const index = servers.indexOf(server);
      await server.stop();
      await waitIdle();
      let restarted: Server | undefined;
      const seconds = await timed(async () => {
        restarted = await startServer(server.name, server.dir, [], server.port);
      });
      servers[index] = restarted!;
      const keys = Number(await cli(server.port, 'DBSIZE'));
      if (keys !== PERSIST_KEYS) throw new Error(`${server.name} loaded ${keys} keys`);
      return seconds;
    });
    /** A row of the time table; the reference row has no target. */
    const timeRow = (label: string, samples: typeof saves, judge = true) => {
      const [redis, kvik] = [median(samples.redis), median(samples.kvik)];
      const ratio = judge ? judged(kvik / redis, TIME_TARGET, false) : fmt(kvik / redis);
      return `| ${label} | ${fmt(redis)} s | ${fmt(kvik)} s | ${ratio} |`;
    };
    const latencyRows: string[] = [];
    for (const server of servers) {
      const idle = await latency(server, false);
      const during = await latency(server, true);
      latencyRows.push(latencyRow(server.name, idle, during));
    }
    return {
      timeRows: [
        timeRow('SAVE', saves),
        timeRow('restart until loaded', loads),
        timeRow('start without data (for reference)', emptyStarts, false),
      ],
      latencyRows,
      aofRow: await aofThroughput(dir),
    };
  } finally {
    for (const server of servers) await server.stop();
  }
}

/** SET/GET latency for LATENCY_IDLE_MS, or while a BGSAVE runs (with its duration). */
async function latency(
  server: Server,
  duringBgsave: boolean,
): Promise<LatencySample & { seconds: number }> {
  await waitIdle();
  let running = true;
  const started = performance.now();
  const sample = setGetLatency(server.port, LATENCY_CLIENTS, () => running);
  if (duringBgsave) {
    await cli(server.port, 'BGSAVE');
    while ((await infoField(server.port, 'rdb_bgsave_in_progress')) !== 0) await sleep(50);
  } else {
    await sleep(LATENCY_IDLE_MS);
  }
  running = false;
  return { ...(await sample), seconds: (performance.now() - started) / 1000 };
}

function latencyRow(
  name: string,
  idle: LatencySample,
  during: LatencySample & { seconds: number },
): string {
  const verdict =
    name === 'kvik' ? (during.p99 <= P99_TARGET_MS ? ' ✓' : ' ✗') + ` (≤ ${P99_TARGET_MS} ms)` : '';
  return (
    `| ${name === 'kvik' ? 'Kvik' : 'redis-server'} | ${fmt(idle.p99, 3)} / ${fmt(idle.max, 1)} | ` +
    `**${fmt(during.p99, 3)}**${verdict} / ${fmt(during.max, 1)} | ${fmt(during.seconds, 1)} s | ${during.rps.toFixed(0)} |`
  );
}

/** redis-benchmark SET at pipeline 1 with appendonly yes and appendfsync everysec on both. */
async function aofThroughput(dir: string): Promise<string> {
  log('# SET with appendonly yes, appendfsync everysec');
  const aof = ['--appendonly', 'yes', '--appendfsync', 'everysec'];
  return withFreshPair(join(dir, 'aof'), aof, async (servers) => {
    const set = (server: Server, n: number) => benchmark(server, ['-t', 'set'], n, 1);
    if (WARMUP) for (const server of servers) await set(server, AOF_N / 10);
    const samples = await interleaved(servers, (server) => set(server, AOF_N));
    const [redis, kvik] = [samples.redis, samples.kvik].map((list) => ({
      rps: median(list.map((x) => x.rps)),
      p50: median(list.map((x) => x.p50)),
      p99: median(list.map((x) => x.p99)),
    }));
    return (
      `| SET, appendonly yes + everysec (-c ${CLIENTS}, -n ${AOF_N}) | ${redis.rps.toFixed(0)} | ${kvik.rps.toFixed(0)} | ` +
      `${judged(kvik.rps / redis.rps, AOF_TARGET, true)} | ${fmt(redis.p50, 3)} / ${fmt(kvik.p50, 3)} | ${fmt(redis.p99, 3)} / ${fmt(kvik.p99, 3)} | ${fmt(kvik.p99 / redis.p99)} |`
    );
  });
}
