/**
 * What every benchmark family shares: starting redis-server and Kvik side by side, redis-cli and
 * redis-benchmark runs, waiting for an idle machine, loading a RESP file, RSS and medians.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

export const run = promisify(execFile);
const env = process.env;
export const REPS = Number(env.REPS ?? 3);
export const CLIENTS = Number(env.CLIENTS ?? 50);
const IDLE_PCT = Number(env.IDLE_PCT ?? 20);
const IDLE_WAIT = Number(env.IDLE_WAIT ?? 60);
const STEAL_PCT = Number(env.STEAL_PCT ?? 3);
export const STEAL_RETRIES = Number(env.STEAL_RETRIES ?? 3);
export const IDLE_RULE =
  `each run started on an idle machine (< ${IDLE_PCT}% CPU), and run again (up to ` +
  `${STEAL_RETRIES} times, keeping the least disturbed) when the hypervisor took more than ` +
  `${STEAL_PCT}% of the busy CPU time during it (steal time)`;
export const REDIS_SERVER = env.REDIS_SERVER_BIN ?? 'redis-server';
export const REDIS_BENCHMARK = env.REDIS_BENCHMARK_BIN ?? 'redis-benchmark';
const REDIS_CLI = env.REDIS_CLI_BIN ?? 'redis-cli';

export interface Sample {
  rps: number;
  p50: number;
  p99: number;
}

export interface Server {
  name: 'redis' | 'kvik';
  port: number;
  pid: number;
  /** The directory the server saves into. */
  dir: string;
  stop(): Promise<void>;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

export async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run(REDIS_CLI, ['-p', String(port), ...args], { timeout: 900_000 });
  return stdout.trim();
}

/** A numeric field of INFO (`used_memory`, `rdb_bgsave_in_progress` ...). */
export async function infoField(port: number, field: string): Promise<number> {
  const match = new RegExp(`^${field}:(\\S+)`, 'm').exec(await cli(port, 'INFO'));
  return match ? Number(match[1]) : NaN;
}

/** Resolves once the server answers PONG (Redis answers LOADING while it loads a dataset). */
async function waitForPing(port: number, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server on port ${port} exited`);
    try {
      if ((await cli(port, 'PING')) === 'PONG') return;
    } catch {
      // not listening yet
    }
    await sleep(20);
  }
}

/**
 * Starts redis-server or the built Kvik on a free port, saving into `dir`, with snapshots off
 * unless `extra` says otherwise (options in redis.conf's command-line form, for both servers).
 */
export async function startServer(
  name: Server['name'],
  dir: string,
  extra: string[] = [],
  port?: number,
): Promise<Server> {
  const listen = port ?? (await freePort());
  mkdirSync(dir, { recursive: true });
  const options = ['--port', String(listen), '--bind', '127.0.0.1', '--dir', dir];
  options.push('--save', '', '--appendonly', 'no', ...extra);
  const child =
    name === 'redis'
      ? spawn(REDIS_SERVER, options, { stdio: ['ignore', 'ignore', 'inherit'] })
      : spawn(process.execPath, ['dist/bin/kvik.js', 'server', ...options], {
          stdio: ['ignore', 'ignore', 'inherit'],
        });
  await waitForPing(listen, child);
  return {
    name,
    port: listen,
    pid: child.pid as number,
    dir,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A fresh redis-server and Kvik (in subdirectories of `dir`), stopped again after `use`. */
export async function withFreshPair<T>(
  dir: string,
  extra: string[],
  use: (servers: Server[]) => Promise<T>,
): Promise<T> {
  const redis = await startServer('redis', join(dir, 'redis'), extra);
  const kvik = await startServer('kvik', join(dir, 'kvik'), extra);
  try {
    return await use([redis, kvik]);
  } finally {
    await kvik.stop();
    await redis.stop();
  }
}

/** The whole machine's CPU time so far (clock ticks, /proc/stat): all of it, idle, stolen. */
function cpuTimes(): { total: number; idle: number; steal: number } {
  const values = readFileSync('/proc/stat', 'latin1')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .map(Number);
  return {
    total: values.reduce((a, b) => a + b, 0),
    idle: values[3] + values[4],
    steal: values[7],
  };
}

/** Whole-machine CPU use over `ms`, from /proc/stat. */
async function cpuBusyPercent(ms: number): Promise<number> {
  const a = cpuTimes();
  await sleep(ms);
  const b = cpuTimes();
  const total = b.total - a.total;
  return total > 0 ? (100 * (total - (b.idle - a.idle))) / total : 0;
}

/**
 * Runs `measure`, again when the hypervisor took more than STEAL_PCT of the machine's busy CPU
 * time while it ran (on a shared host other guests then slow both servers by different amounts, and a
 * median of three cannot always outvote that), up to STEAL_RETRIES more times. Returns the run
 * with the least steal.
 */
export async function leastDisturbed<T>(label: string, measure: () => Promise<T>): Promise<T> {
  let best: { result: T; steal: number } | null = null;
  for (let attempt = 0; attempt <= STEAL_RETRIES; attempt++) {
    const before = cpuTimes();
    const result = await measure();
    const after = cpuTimes();
    const busy = after.total - after.idle - (before.total - before.idle);
    const steal = busy > 0 ? (100 * (after.steal - before.steal)) / busy : 0;
    if (best === null || steal < best.steal) best = { result, steal };
    if (steal <= STEAL_PCT) break;
    log(`  ${label}: ${steal.toFixed(1)}% of the CPU time stolen by the host; run again`);
  }
  return best!.result;
}

export async function waitIdle(): Promise<void> {
  const deadline = Date.now() + IDLE_WAIT * 1000;
  while (Date.now() < deadline) {
    if ((await cpuBusyPercent(500)) < IDLE_PCT) return;
  }
  process.stderr.write(`# warning: CPU still over ${IDLE_PCT}% busy; measuring anyway\n`);
}

/**
 * One redis-benchmark run of `what` (`-t name`, or a command and its arguments, with `-r` before
 * it for __rand_int__): requests per second and latency percentiles (ms).
 */
export async function benchmark(
  server: Server,
  what: string[],
  n: number,
  pipeline: number,
): Promise<Sample> {
  await waitIdle();
  const args = ['-p', String(server.port), '-c', String(CLIENTS), '-n', String(Math.round(n))];
  args.push('-P', String(pipeline), '--csv', ...what);
  const { stdout } = await run(REDIS_BENCHMARK, args, { timeout: 900_000, maxBuffer: 1 << 20 });
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

/** Fills a server fast: `command` `n` times at pipeline 32, unmeasured. */
export async function fill(server: Server, n: number, command: string[]): Promise<void> {
  const args = ['-p', String(server.port), '-c', String(CLIENTS), '-n', String(Math.round(n))];
  args.push('-P', '32', '-q', ...command);
  await run(REDIS_BENCHMARK, args, { timeout: 900_000, maxBuffer: 1 << 20 });
}

/** RESP encoding of commands (latin1 strings), as a client sends them. */
export function resp(...commands: string[][]): string {
  return commands
    .map((argv) => `*${argv.length}\r\n${argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`)
    .join('');
}

/** Writes `count` commands made by `command(i)` to `path`, for loadFile. */
export function writeCommands(
  path: string,
  count: number,
  command: (i: number) => string[],
): string {
  const chunks: string[] = [];
  for (let i = 0; i < count; i++) chunks.push(resp(command(i)));
  writeFileSync(path, chunks.join(''), 'latin1');
  return path;
}

/** Sends a file of commands through `redis-cli --pipe`; the wall time in seconds. */
export async function loadFile(server: Server, path: string): Promise<number> {
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('sh', ['-c', `${REDIS_CLI} -p ${server.port} --pipe < '${path}'`], {
      stdio: 'ignore',
    });
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`redis-cli --pipe exited with ${code}`)),
    );
  });
  return (performance.now() - started) / 1000;
}

export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  const kb = /VmRSS:\s+(\d+)/.exec(status);
  return kb ? Number(kb[1]) * 1024 : NaN;
}

/** Growth of the process's RSS while `load` runs, read once a garbage-collected runtime settled. */
export async function rssGrowth(server: Server, load: () => Promise<unknown>): Promise<number> {
  await waitIdle();
  const before = rssBytes(server.pid);
  await load();
  await waitIdle();
  await sleep(3000);
  return rssBytes(server.pid) - before;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function fmt(n: number, digits = 2): string {
  return Number.isFinite(n) ? n.toFixed(digits) : '-';
}

export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** A ratio in bold with ✓ or ✗ against its target (`atLeast`: higher is better). */
export function judged(ratio: number, target: number, atLeast: boolean): string {
  const ok = atLeast ? ratio >= target : ratio <= target;
  return `**${fmt(ratio)}** ${ok ? '✓' : '✗'} (${atLeast ? '≥' : '≤'} ${target})`;
}

/**
 * Runs `measure` on both servers REPS times, alternating which goes first so neither always runs
 * on a warmer machine; the samples per server name.
 */
export async function interleaved<S extends Pick<Server, 'name'>, T>(
  servers: readonly S[],
  measure: (server: S) => Promise<T>,
  reps = REPS,
): Promise<Record<Server['name'], T[]>> {
  const samples: Record<Server['name'], T[]> = { redis: [], kvik: [] };
  for (let rep = 0; rep < reps; rep++) {
    const order = rep % 2 === 0 ? servers : [...servers].reverse();
    for (const server of order) samples[server.name].push(await measure(server));
  }
  return samples;
}

export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** One throughput case of the main interleaved loop, reported in its issue's section. */
export interface BenchTest {
  section: string;
  label: string;
  n: number;
  /** Kvik's throughput must be at least this fraction of redis-server's. */
  target: number;
  /** The p99 ratio is judged for requests sent one at a time. */
  judgeP99: boolean;
  /** Unmeasured setup before each run (e.g. the entries XREADGROUP will read). */
  prepare?(server: Server, n: number): Promise<void>;
  measure(server: Server, n: number): Promise<Sample>;
}

/**
 * RSS growth of a fresh redis-server and a fresh Kvik while `load` fills each (one after the
 * other, never both at once); `then` may measure more on the loaded servers before they stop.
 */
export async function memoryOnFreshPair(
  dir: string,
  load: (server: Server) => Promise<unknown>,
  then?: (servers: Server[]) => Promise<void>,
): Promise<Record<Server['name'], number>> {
  return withFreshPair(dir, [], async (servers) => {
    const growth: Record<Server['name'], number> = { redis: NaN, kvik: NaN };
    for (const server of servers) growth[server.name] = await rssGrowth(server, () => load(server));
    await then?.(servers);
    return growth;
  });
}
