/**
 * Kvik against redis-server, side by side in one run (run it with `npm run bench`).
 *
 * Starts a reference redis-server and the built Kvik (dist/bin/kvik.js) on free ports, then runs every
 * throughput case on each, test by test and alternating which goes first, REPS times; before
 * every run it waits for the machine to be idle, so that one server still digesting a run (or
 * other work on the machine) does not slow the other. Reports medians: requests per second and
 * their ratio, p50 and p99 latency and their ratio, each against its issue's target. Then the
 * memory of 1M keys with 16-byte values (process RSS per key) and the families that need their
 * own servers and datasets. Writes bench/RESULTS.md, one section per issue, and prints it.
 *
 * The families, one file each:
 *   strings (here): P1_TESTS not in COLLECTION_TESTS, PIPE_TESTS, the 1M-key memory test
 *   bench/collections.ts  issue 3: list/set/hash/zset redis-benchmark tests, a 1M-member sorted
 *                         set (time per op, memory), memory of 100k small hashes
 *   bench/stream.ts       issue 4: XADD, XREADGROUP, PFADD, PFCOUNT; memory of a 1M-entry stream
 *   bench/app.ts          issue 5: PUBLISH, EVALSHA, MULTI/EXEC
 *   bench/persistence.ts  issue 7: SAVE, restart, latency under BGSAVE, SET with the AOF on
 * Each file's header lists its own environment variables.
 *
 * Environment (defaults):
 *   REPS=3 CLIENTS=50 P1_N=200000 PIPE_N=2000000 PIPE_DEPTH=16
 *   P1_TESTS=ping_mbulk,set,get,incr,mset,<COLLECTION_TESTS>  PIPE_TESTS=set,get
 *   WARMUP=1 (0 skips the unmeasured first run of each test on each server: Kvik's JIT compiles
 *   its hot path during the first requests, which a long-running server has long done)
 *   MEM_TEST=1 (0 skips the 1M-key memory test)  MEM_KEYS=1000000
 *   FAMILIES=collections,stream,persistence (the parts with their own datasets; empty skips them)
 *   IDLE_PCT=20 IDLE_WAIT=60 (seconds to wait for CPU use under IDLE_PCT before each run)
 *   STEAL_PCT=3 STEAL_RETRIES=3 (a throughput run during which the host stole more than STEAL_PCT
 *   of the busy CPU time is run again, up to STEAL_RETRIES times)
 *   REDIS_SERVER_BIN, REDIS_BENCHMARK_BIN, REDIS_CLI_BIN  RESULTS=bench/RESULTS.md
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { APP_N, APP_SECTION, APP_TARGET, appTests } from './app.js';
import { COLLECTION_SECTION, COLLECTION_TESTS, collections } from './collections.js';
import {
  benchmark,
  CLIENTS,
  cli,
  fmt,
  IDLE_RULE,
  leastDisturbed,
  judged,
  log,
  median,
  memoryOnFreshPair,
  REDIS_BENCHMARK,
  REPS,
  run,
  startServer,
  type BenchTest,
  type Sample,
  type Server,
} from './common.js';
import { PERSISTENCE_SECTION, persistence } from './persistence.js';
import { STREAM_SECTION, streamMemory, streamTests } from './stream.js';

const env = process.env;
const P1_N = Number(env.P1_N ?? 200_000);
const PIPE_N = Number(env.PIPE_N ?? 2_000_000);
const PIPE_DEPTH = Number(env.PIPE_DEPTH ?? 16);
const P1_TESTS = (env.P1_TESTS ?? ['ping_mbulk,set,get,incr,mset', ...COLLECTION_TESTS].join(','))
  .split(',')
  .filter(Boolean);
const PIPE_TESTS = (env.PIPE_TESTS ?? 'set,get').split(',').filter(Boolean);
const WARMUP = (env.WARMUP ?? '1') === '1';
const MEM_TEST = (env.MEM_TEST ?? '1') === '1';
const MEM_KEYS = Number(env.MEM_KEYS ?? 1_000_000);
const FAMILIES = (env.FAMILIES ?? 'collections,stream,persistence').split(',').filter(Boolean);
const RESULTS = env.RESULTS ?? 'bench/RESULTS.md';

const STRING_SECTION = 'Strings and the core path';
/** Targets of the core issue: throughput ratio at least, latency and memory ratio at most. */
const TARGETS = { P1: 1.0, P16: 0.8, p99: 1.2, memory: 1.2 };

const THROUGHPUT_HEADER =
  `| test | redis-server rps | Kvik rps | Kvik / redis | p50 ms redis / Kvik | p99 ms redis / Kvik | p99 ratio (≤ ${TARGETS.p99}) |\n` +
  `| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n`;
const MEMORY_HEADER = `| memory | redis-server | Kvik | Kvik / redis |\n| --- | ---: | ---: | ---: |\n`;

/**
 * RSS per key of MEM_KEYS keys with 16-byte values (the core issue's memory target), each server
 * freshly started: a process that already ran the throughput tests has a grown heap that hides
 * part of the growth.
 */
async function memoryPerKey(dir: string): Promise<Record<Server['name'], MemoryPerKey>> {
  const keys: Record<Server['name'], number> = { redis: 0, kvik: 0 };
  const growth = await memoryOnFreshPair(dir, async (server) => {
    const args = ['-p', String(server.port), '-c', String(CLIENTS), '-t', 'set', '-q'];
    args.push('-r', String(MEM_KEYS), '-n', String(MEM_KEYS * 3), '-d', '16', '-P', '32');
    await run(REDIS_BENCHMARK, args, { timeout: 1_200_000, maxBuffer: 1 << 20 });
    keys[server.name] = Number(await cli(server.port, 'DBSIZE'));
  });
  const perKey = (name: Server['name']) => ({
    keys: keys[name],
    perKey: growth[name] / keys[name],
  });
  return { redis: perKey('redis'), kvik: perKey('kvik') };
}

interface MemoryPerKey {
  keys: number;
  perKey: number;
}

function machine(): string {
  const cpus = os.cpus();
  return `${os.type()} ${os.release()} ${os.arch()}, ${cpus.length} x ${cpus[0]?.model.trim() ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`;
}

function stringTests(): BenchTest[] {
  const collection = new Set(COLLECTION_TESTS);
  return [
    ...P1_TESTS.map((t) => ({
      section: collection.has(t) ? COLLECTION_SECTION : STRING_SECTION,
      label: t.toUpperCase(),
      n: P1_N,
      target: TARGETS.P1,
      judgeP99: true,
      measure: (server: Server, n: number) => benchmark(server, ['-t', t], n, 1),
    })),
    ...PIPE_TESTS.map((t) => ({
      section: STRING_SECTION,
      label: `${t.toUpperCase()} -P ${PIPE_DEPTH}`,
      n: PIPE_N,
      target: TARGETS.P16,
      judgeP99: false,
      measure: (server: Server, n: number) => benchmark(server, ['-t', t], n, PIPE_DEPTH),
    })),
  ];
}

/** Every throughput test on both servers, REPS interleaved repetitions: one table row per test. */
async function throughput(tests: BenchTest[], servers: Server[]): Promise<Map<BenchTest, string>> {
  const samples = new Map<BenchTest, Record<Server['name'], Sample[]>>();
  for (const t of tests) samples.set(t, { redis: [], kvik: [] });
  const runOnce = (t: BenchTest, server: Server, n: number) =>
    leastDisturbed(`${t.label} ${server.name}`, async () => {
      await t.prepare?.(server, n);
      return t.measure(server, n);
    });
  if (WARMUP) {
    log('# warm-up (not measured)');
    for (const t of tests) for (const server of servers) await runOnce(t, server, t.n / 10);
  }
  for (let rep = 0; rep < REPS; rep++) {
    log(`# repetition ${rep + 1} of ${REPS}`);
    for (const server of servers) await cli(server.port, 'FLUSHALL');
    for (const t of tests) {
      // Alternate which server goes first, so neither always runs on a warmer machine.
      const order = rep % 2 === 0 ? servers : [...servers].reverse();
      for (const server of order) {
        const sample = await runOnce(t, server, t.n);
        samples.get(t)![server.name].push(sample);
        log(`  ${t.label} ${server.name}: ${sample.rps.toFixed(0)} rps, p99 ${sample.p99} ms`);
      }
    }
  }
  const rows = new Map<BenchTest, string>();
  for (const t of tests) {
    const s = samples.get(t)!;
    const [r, k] = [s.redis, s.kvik].map((list) => ({
      rps: median(list.map((x) => x.rps)),
      p50: median(list.map((x) => x.p50)),
      p99: median(list.map((x) => x.p99)),
    }));
    const p99Ratio = k.p99 / r.p99;
    const p99Verdict = t.judgeP99 ? (p99Ratio <= TARGETS.p99 ? ' ✓' : ' ✗') : '';
    rows.set(
      t,
      `| ${t.label} | ${r.rps.toFixed(0)} | ${k.rps.toFixed(0)} | ${judged(k.rps / r.rps, t.target, true)} | ` +
        `${fmt(r.p50, 3)} / ${fmt(k.p50, 3)} | ${fmt(r.p99, 3)} / ${fmt(k.p99, 3)} | ${fmt(p99Ratio)}${p99Verdict} |`,
    );
  }
  return rows;
}

/** The throughput table of one section (empty when none of its tests ran). */
function throughputTable(section: string, rows: Map<BenchTest, string>): string {
  const own = [...rows].filter(([t]) => t.section === section).map(([, row]) => row);
  return own.length > 0 ? THROUGHPUT_HEADER + own.join('\n') + '\n' : '';
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(os.tmpdir(), 'kvik-bench-'));
  const redis = await startServer('redis', join(dir, 'main-redis'));
  const kvik = await startServer('kvik', join(dir, 'main-kvik'));
  const servers = [redis, kvik];
  const redisVersion = /redis_version:(\S+)/.exec(await cli(redis.port, 'INFO', 'server'))?.[1];
  const benchmarkVersion = (await run(REDIS_BENCHMARK, ['--version'])).stdout.trim();
  const sections: string[] = [];
  try {
    const tests = [
      ...stringTests(),
      ...(FAMILIES.includes('stream') ? streamTests() : []),
      ...(await appTests(servers)),
    ];
    const rows = await throughput(tests, servers);

    let strings = throughputTable(STRING_SECTION, rows);
    if (MEM_TEST) {
      log(`# memory: ${MEM_KEYS} keys with 16-byte values`);
      const { redis: r, kvik: k } = await memoryPerKey(dir);
      strings +=
        `\n${MEMORY_HEADER}| RSS per key, ${r.keys} / ${k.keys} keys of 16-byte values | ${r.perKey.toFixed(0)} B | ` +
        `${k.perKey.toFixed(0)} B | ${judged(k.perKey / r.perKey, TARGETS.memory, false)} |\n`;
    }
    sections.push(`## ${STRING_SECTION}\n\n${strings}`);
    await kvik.stop();
    await redis.stop();

    if (FAMILIES.includes('collections')) {
      const c = await collections(dir);
      sections.push(
        `## ${COLLECTION_SECTION}\n\n` +
          throughputTable(COLLECTION_SECTION, rows) +
          `\nTime per operation on one sorted set of 1M members (µs = 1 / throughput with ${CLIENTS} clients, random members and scores):\n\n` +
          `| command | redis-server µs/op | Kvik µs/op | Kvik / redis |\n| --- | ---: | ---: | ---: |\n` +
          c.zsetRows.join('\n') +
          `\n\n${MEMORY_HEADER}${c.memoryRows.join('\n')}\n`,
      );
    }
    if (FAMILIES.includes('stream')) {
      sections.push(
        `## ${STREAM_SECTION}\n\n${throughputTable(STREAM_SECTION, rows)}\n${MEMORY_HEADER}${await streamMemory(dir)}\n`,
      );
    }
    sections.push(
      `## ${APP_SECTION}\n\n-n ${APP_N}, target ${APP_TARGET}; transactions come from the driver in bench/workloads.ts, not redis-benchmark.\n\n` +
        throughputTable(APP_SECTION, rows),
    );
    if (FAMILIES.includes('persistence')) {
      const p = await persistence(dir);
      sections.push(
        `## ${PERSISTENCE_SECTION}\n\n` +
          `Save and load of the mixed dataset (median of ${REPS}; restart = spawn until PONG with every key, process start included):\n\n` +
          `| operation | redis-server | Kvik | Kvik / redis |\n| --- | ---: | ---: | ---: |\n${p.timeRows.join('\n')}\n\n` +
          `SET/GET latency (ms) from ${env.LATENCY_CLIENTS ?? 10} clients, one request at a time, without and during a BGSAVE of the dataset:\n\n` +
          `| server | idle p99 / max | during BGSAVE p99 / max | BGSAVE took | requests/s during |\n| --- | ---: | ---: | ---: | ---: |\n` +
          `${p.latencyRows.join('\n')}\n\n${THROUGHPUT_HEADER}${p.aofRow}\n`,
      );
    }
  } finally {
    await kvik.stop();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const report =
    `# Kvik against redis-server\n\n` +
    `Generated by \`npm run bench\` (bench/bench.ts) on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.\n\n` +
    `- Machine: ${machine()}\n` +
    `- Node ${process.version}, redis-server ${redisVersion ?? '?'}, ${benchmarkVersion}\n` +
    `- \`redis-benchmark -c ${CLIENTS}\`: -n ${P1_N} without pipelining, -n ${PIPE_N} with \`-P ${PIPE_DEPTH}\` unless a section says otherwise; ` +
    `median of ${REPS} interleaved repetitions, ${IDLE_RULE}. ✓/✗ compare each ratio with its issue's target.\n\n` +
    sections.join('\n');
  writeFileSync(RESULTS, report);
  process.stdout.write(report);
}

await main();
