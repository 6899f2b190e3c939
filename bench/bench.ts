/**
 * Kvik against redis-server, side by side in one run (run it with `npm run bench`).
 *
 * Starts a reference redis-server and the built Kvik (dist/main.js) on free ports, then runs
 * redis-benchmark on each, test by test and alternating which goes first, REPS times; before
 * every run it waits for the machine to be idle, so that one server still digesting a run (or
 * other work on the machine) does not slow the other. Reports medians: requests per second and
 * their ratio, p50 and p99 latency and their ratio, then the memory of 1M keys with 16-byte
 * values (process RSS per key). Writes bench/RESULTS.md and prints the same table.
 *
 * The pub/sub, scripting and transaction cases (APP_TESTS): PUBLISH to 1 and to 100 subscribers
 * (raw sockets in this process that read and drop every message: bench/workloads.ts) and EVALSHA
 * of `return redis.call('INCR', KEYS[1])` run as redis-benchmark custom commands. MULTI + five
 * commands + EXEC cannot be one redis-benchmark request (a custom command is one command), so
 * bench/workloads.ts sends each transaction in one write from CLIENTS connections and waits for
 * its EXEC reply before the next; the same driver measures both servers, so the ratio is fair
 * while the absolute figures include the driver's own cost.
 *
 * Environment (defaults):
 *   REPS=3 CLIENTS=50 P1_N=200000 PIPE_N=2000000 PIPE_DEPTH=16
 *   P1_TESTS=ping_mbulk,set,get,incr,mset  PIPE_TESTS=set,get
 *   APP_TESTS=publish1,publish100,evalsha,multi5  APP_N=100000
 *   TX_DEPTH=1 (transactions per write in the MULTI case; deeper keeps the driver, a Node process
 *   that shares the machine, from being what limits both servers)
 *   WARMUP=1 (0 skips the unmeasured first run of each test on each server: Kvik's JIT compiles
 *   its hot path during the first requests, which a long-running server has long done)
 *   MEM_TEST=1 (0 skips the 1M-key memory test)  MEM_KEYS=1000000
 *   IDLE_PCT=20 IDLE_WAIT=60 (seconds to wait for CPU use under IDLE_PCT before each run)
 *   REDIS_SERVER_BIN, REDIS_BENCHMARK_BIN, REDIS_CLI_BIN  RESULTS=bench/RESULTS.md
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { subscribers, transactions, type Sample } from './workloads.js';

const run = promisify(execFile);
const env = process.env;
const REPS = Number(env.REPS ?? 3);
const CLIENTS = Number(env.CLIENTS ?? 50);
const P1_N = Number(env.P1_N ?? 200_000);
const PIPE_N = Number(env.PIPE_N ?? 2_000_000);
const PIPE_DEPTH = Number(env.PIPE_DEPTH ?? 16);
const P1_TESTS = (env.P1_TESTS ?? 'ping_mbulk,set,get,incr,mset').split(',').filter(Boolean);
const PIPE_TESTS = (env.PIPE_TESTS ?? 'set,get').split(',').filter(Boolean);
const APP_TESTS = (env.APP_TESTS ?? 'publish1,publish100,evalsha,multi5')
  .split(',')
  .filter(Boolean);
const APP_N = Number(env.APP_N ?? 100_000);
const TX_DEPTH = Number(env.TX_DEPTH ?? 1);
const WARMUP = (env.WARMUP ?? '1') === '1';
const MEM_TEST = (env.MEM_TEST ?? '1') === '1';
const MEM_KEYS = Number(env.MEM_KEYS ?? 1_000_000);
const IDLE_PCT = Number(env.IDLE_PCT ?? 20);
const IDLE_WAIT = Number(env.IDLE_WAIT ?? 60);
const REDIS_SERVER = env.REDIS_SERVER_BIN ?? 'redis-server';
const REDIS_BENCHMARK = env.REDIS_BENCHMARK_BIN ?? 'redis-benchmark';
const REDIS_CLI = env.REDIS_CLI_BIN ?? 'redis-cli';
const RESULTS = env.RESULTS ?? 'bench/RESULTS.md';

/** Targets from the project's issue: throughput ratio at least, latency and memory ratio at most. */
const TARGETS: Record<string, number> = { P1: 1.0, P16: 0.8, app: 0.7, p99: 1.2, memory: 1.2 };

interface Server {
  name: 'redis' | 'kvik';
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** One benchmark case: how to measure it on a server, and its throughput target. */
interface BenchTest {
  label: string;
  n: number;
  target: number;
  /** The p99 ratio is judged for requests sent one at a time. */
  judgeP99: boolean;
  measure(server: Server, n: number): Promise<Sample>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run(REDIS_CLI, ['-p', String(port), ...args], { timeout: 30_000 });
  return stdout.trim();
}

async function waitForPing(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await cli(port, 'PING')) === 'PONG') return;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error(`nothing answers PING on port ${port}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function startProcess(
  name: Server['name'],
  command: string,
  args: string[],
  port: number,
): Promise<Server> {
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForPing(port);
  return {
    name,
    port,
    pid: child.pid as number,
    stop: async () => {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** Whole-machine CPU use over `ms`, from /proc/stat. */
async function cpuBusyPercent(ms: number): Promise<number> {
  const read = () => {
    const fields = readFileSync('/proc/stat', 'latin1')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1, 9);
    const values = fields.map(Number);
    const idle = values[3] + values[4];
    return { total: values.reduce((a, b) => a + b, 0), idle };
  };
  const a = read();
  await sleep(ms);
  const b = read();
  const total = b.total - a.total;
  return total > 0 ? (100 * (total - (b.idle - a.idle))) / total : 0;
}

async function waitIdle(): Promise<void> {
  const deadline = Date.now() + IDLE_WAIT * 1000;
  while (Date.now() < deadline) {
    if ((await cpuBusyPercent(500)) < IDLE_PCT) return;
  }
  process.stderr.write(`# warning: CPU still over ${IDLE_PCT}% busy; measuring anyway\n`);
}

/**
 * One redis-benchmark run of `what` (`-t name`, or a command and its arguments): requests per
 * second and latency percentiles (ms).
 */
async function benchmark(
  server: Server,
  what: string[],
  n: number,
  pipeline: number,
): Promise<Sample> {
  await waitIdle();
  const args = ['-p', String(server.port), '-c', String(CLIENTS), '-n', String(n)];
  args.push('-P', String(pipeline), '--csv', ...what);
  const { stdout } = await run(REDIS_BENCHMARK, args, { timeout: 600_000, maxBuffer: 1 << 20 });
  // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  const row = stdout
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith('"test"'))
    .pop();
  if (row === undefined) throw new Error(`no result from redis-benchmark ${args.join(' ')}`);
  const cells = row.split(',').map((c) => c.replace(/"/g, ''));
  return { rps: Number(cells[1]), p50: Number(cells[4]), p99: Number(cells[6]) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  const kb = /VmRSS:\s+(\d+)/.exec(status);
  return kb ? Number(kb[1]) * 1024 : NaN;
}

/** Loads MEM_KEYS keys with 16-byte values (as the issue's memory target says); RSS per key. */
async function memoryPerKey(server: Server): Promise<{ keys: number; perKey: number }> {
  await cli(server.port, 'FLUSHALL');
  await waitIdle();
  const before = rssBytes(server.pid);
  const args = ['-p', String(server.port), '-c', String(CLIENTS), '-t', 'set', '-q'];
  args.push('-r', String(MEM_KEYS), '-n', String(MEM_KEYS * 3), '-d', '16', '-P', '32');
  await run(REDIS_BENCHMARK, args, { timeout: 1_200_000, maxBuffer: 1 << 20 });
  await waitIdle();
  // Let a garbage-collected runtime settle before reading its footprint.
  await sleep(3000);
  const keys = Number(await cli(server.port, 'DBSIZE'));
  const perKey = (rssBytes(server.pid) - before) / keys;
  await cli(server.port, 'FLUSHALL');
  return { keys, perKey };
}

function machine(): string {
  const cpus = os.cpus();
  return `${os.type()} ${os.release()} ${os.arch()}, ${cpus.length} x ${cpus[0]?.model.trim() ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`;
}

function fmt(n: number, digits = 2): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-';
}

const CHANNEL = 'bench-channel';

/** Runs `measure` while `count` subscribers listen on CHANNEL. */
function withSubscribers(count: number, measure: BenchTest['measure']): BenchTest['measure'] {
  return async (server, n) => {
    const disconnect = await subscribers(server.port, count, CHANNEL);
    try {
      return await measure(server, n);
    } finally {
      disconnect();
    }
  };
}

/** The APP_TESTS cases; EVALSHA's script is loaded into both servers first. */
async function appTests(servers: Server[]): Promise<BenchTest[]> {
  const publish: BenchTest['measure'] = (server, n) =>
    benchmark(server, ['PUBLISH', CHANNEL, 'a-short-message'], n, 1);
  let sha = '';
  for (const server of servers) {
    sha = await cli(server.port, 'SCRIPT', 'LOAD', "return redis.call('INCR', KEYS[1])");
  }
  const cases: Record<string, Omit<BenchTest, 'n' | 'target' | 'judgeP99'>> = {
    publish1: { label: 'PUBLISH, 1 subscriber', measure: withSubscribers(1, publish) },
    publish100: { label: 'PUBLISH, 100 subscribers', measure: withSubscribers(100, publish) },
    evalsha: {
      label: 'EVALSHA INCR',
      measure: (server, n) => benchmark(server, ['EVALSHA', sha, '1', 'bench:counter'], n, 1),
    },
    multi5: {
      label: `MULTI + 5 + EXEC${TX_DEPTH > 1 ? ` -P ${TX_DEPTH}` : ''}`,
      measure: async (server, n) => {
        await waitIdle();
        return transactions(server.port, CLIENTS, n, TX_DEPTH);
      },
    },
  };
  return APP_TESTS.map((name) => {
    const found = cases[name];
    if (found === undefined) throw new Error(`unknown APP_TESTS case ${name}`);
    return { ...found, n: APP_N, target: TARGETS.app, judgeP99: true };
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(os.tmpdir(), 'kvik-bench-'));
  const redisPort = await freePort();
  const kvikPort = await freePort();
  const redis = await startProcess(
    'redis',
    REDIS_SERVER,
    [
      '--port',
      String(redisPort),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    redisPort,
  );
  const kvik = await startProcess(
    'kvik',
    process.execPath,
    ['dist/main.js', 'server', '--port', String(kvikPort), '--bind', '127.0.0.1'],
    kvikPort,
  );
  const redisVersion = /redis_version:(\S+)/.exec(await cli(redisPort, 'INFO', 'server'))?.[1];
  const benchmarkVersion = (await run(REDIS_BENCHMARK, ['--version'])).stdout.trim();
  try {
    const tests: BenchTest[] = [
      ...P1_TESTS.map((t) => ({
        label: t.toUpperCase(),
        n: P1_N,
        target: TARGETS.P1,
        judgeP99: true,
        measure: (server: Server, n: number) => benchmark(server, ['-t', t], n, 1),
      })),
      ...PIPE_TESTS.map((t) => ({
        label: `${t.toUpperCase()} -P ${PIPE_DEPTH}`,
        n: PIPE_N,
        target: TARGETS.P16,
        judgeP99: false,
        measure: (server: Server, n: number) => benchmark(server, ['-t', t], n, PIPE_DEPTH),
      })),
      ...(await appTests([redis, kvik])),
    ];
    const samples = new Map<string, { redis: Sample[]; kvik: Sample[] }>();
    for (const t of tests) samples.set(t.label, { redis: [], kvik: [] });
    if (WARMUP) {
      process.stderr.write('# warm-up (not measured)\n');
      for (const t of tests) {
        for (const server of [redis, kvik]) await t.measure(server, t.n / 10);
      }
    }
    for (let rep = 0; rep < REPS; rep++) {
      process.stderr.write(`# repetition ${rep + 1} of ${REPS}\n`);
      for (const server of [redis, kvik]) await cli(server.port, 'FLUSHALL');
      for (const t of tests) {
        // Alternate which server goes first, so neither always runs on a warmer machine.
        const order = rep % 2 === 0 ? [redis, kvik] : [kvik, redis];
        for (const server of order) {
          const sample = await t.measure(server, t.n);
          samples.get(t.label)![server.name].push(sample);
          process.stderr.write(
            `  ${t.label} ${server.name}: ${sample.rps.toFixed(0)} rps, p99 ${sample.p99} ms\n`,
          );
        }
      }
    }
    const rows: string[] = [];
    for (const t of tests) {
      const s = samples.get(t.label)!;
      const r = {
        rps: median(s.redis.map((x) => x.rps)),
        p50: median(s.redis.map((x) => x.p50)),
        p99: median(s.redis.map((x) => x.p99)),
      };
      const k = {
        rps: median(s.kvik.map((x) => x.rps)),
        p50: median(s.kvik.map((x) => x.p50)),
        p99: median(s.kvik.map((x) => x.p99)),
      };
      const target = t.target;
      const ratio = k.rps / r.rps;
      const p99Ratio = k.p99 / r.p99;
      rows.push(
        `| ${t.label} | ${r.rps.toFixed(0)} | ${k.rps.toFixed(0)} | **${fmt(ratio)}** ${ratio >= target ? '✓' : '✗'} (≥ ${target}) | ${fmt(r.p50, 3)} / ${fmt(k.p50, 3)} | ${fmt(r.p99, 3)} / ${fmt(k.p99, 3)} | ${fmt(p99Ratio)}${t.judgeP99 ? (p99Ratio <= TARGETS.p99 ? ' ✓' : ' ✗') : ''} |`,
      );
    }
    let memoryRow = '';
    if (MEM_TEST) {
      process.stderr.write(`# memory: ${MEM_KEYS} keys with 16-byte values\n`);
      const r = await memoryPerKey(redis);
      const k = await memoryPerKey(kvik);
      const ratio = k.perKey / r.perKey;
      memoryRow =
        `\n| memory | redis-server | Kvik | ratio (≤ ${TARGETS.memory}) |\n| --- | ---: | ---: | ---: |\n` +
        `| RSS per key, ${r.keys} / ${k.keys} keys | ${r.perKey.toFixed(0)} B | ${k.perKey.toFixed(0)} B | **${fmt(ratio)}** ${ratio <= TARGETS.memory ? '✓' : '✗'} |\n`;
    }
    const report =
      `# Kvik against redis-server\n\n` +
      `Generated by \`npm run bench\` (bench/bench.ts) on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.\n\n` +
      `- Machine: ${machine()}\n` +
      `- Node ${process.version}, redis-server ${redisVersion ?? '?'}, ${benchmarkVersion}\n` +
      `- \`redis-benchmark -c ${CLIENTS}\`: -n ${P1_N} without pipelining, -n ${PIPE_N} with \`-P ${PIPE_DEPTH}\`, -n ${APP_N} for the pub/sub, script and transaction cases (target ${TARGETS.app}; transactions from the driver in bench/workloads.ts, not redis-benchmark); ` +
      `median of ${REPS} interleaved repetitions, each run started on an idle machine (< ${IDLE_PCT}% CPU).\n\n` +
      `| test | redis-server rps | Kvik rps | Kvik / redis | p50 ms redis / Kvik | p99 ms redis / Kvik | p99 ratio (≤ ${TARGETS.p99}) |\n` +
      `| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n` +
      rows.join('\n') +
      '\n' +
      memoryRow;
    writeFileSync(RESULTS, report);
    process.stdout.write(report);
  } finally {
    await kvik.stop();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
