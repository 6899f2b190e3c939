/**
 * Streams, Kvik against redis-server (run with `node --import tsx bench/stream.ts` after
 * `npm run build`; never part of `npm test`).
 *
 * Throughput: redis-benchmark runs XADD and XREADGROUP (COUNT 1, ">") at pipeline 1 and 16 on
 * each server, alternating which goes first, REPS times, waiting for an idle machine before each
 * run; medians and their ratio are printed. Memory: a stream of ENTRIES entries of three small
 * fields is loaded through redis-cli --pipe into each; the RSS growth is compared, and Redis's
 * used_memory growth shown beside it.
 *
 * Environment (defaults): REPS=3 CLIENTS=50 N=200000 ENTRIES=1000000 IDLE_PCT=20 IDLE_WAIT=60
 */
import { execFile, execSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);
const env = process.env;
const REPS = Number(env.REPS ?? 3);
const CLIENTS = Number(env.CLIENTS ?? 50);
const N = Number(env.N ?? 200_000);
const ENTRIES = Number(env.ENTRIES ?? 1_000_000);
const IDLE_PCT = Number(env.IDLE_PCT ?? 20);
const IDLE_WAIT = Number(env.IDLE_WAIT ?? 60);

interface Server {
  name: string;
  port: number;
  pid: number;
  stop(): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function cli(port: number, ...args: string[]): Promise<string> {
  return (await run('redis-cli', ['-p', String(port), ...args])).stdout.trim();
}

async function start(name: string, command: string, args: string[], port: number): Promise<Server> {
  const child = spawn(command, args, { stdio: 'ignore' });
  for (let i = 0; ; i++) {
    if ((await cli(port, 'PING').catch(() => '')) === 'PONG') break;
    if (i > 100) throw new Error(`${name} did not start`);
    await sleep(100);
  }
  return { name, port, pid: child.pid!, stop: () => child.kill('SIGKILL') };
}

function cpuTimes(): { total: number; idle: number } {
  const values = readFileSync('/proc/stat', 'latin1')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .map(Number);
  return { total: values.reduce((a, b) => a + b, 0), idle: values[3] + values[4] };
}

async function waitIdle(): Promise<void> {
  for (const deadline = Date.now() + IDLE_WAIT * 1000; Date.now() < deadline;) {
    const a = cpuTimes();
    await sleep(500);
    const b = cpuTimes();
    if (100 * (1 - (b.idle - a.idle) / (b.total - a.total)) < IDLE_PCT) return;
  }
}

async function rps(server: Server, pipeline: number, command: string[]): Promise<number> {
  await waitIdle();
  const args = [
    '-p',
    String(server.port),
    '-c',
    String(CLIENTS),
    '-n',
    String(N),
    '-P',
    String(pipeline),
    '--csv',
    ...command,
  ];
  const { stdout } = await run('redis-benchmark', args, { maxBuffer: 1 << 20 });
  const row = stdout.trim().split('\n').pop()!;
  return Number(row.split(',')[1].replace(/"/g, ''));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
const rss = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))![1]) * 1024;

/** The same entries for both: explicit IDs, three small fields. */
function loadFile(): string {
  const chunks: string[] = [];
  for (let i = 0; i < ENTRIES; i++) {
    const argv = [
      'XADD',
      'mem',
      `${1_700_000_000_000 + Math.floor(i / 100)}-${i % 100}`,
      'f1',
      `v${i % 1000}`,
      'f2',
      String(i),
      'f3',
      'abc',
    ];
    chunks.push(`*${argv.length}\r\n${argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`);
  }
  const path = '/tmp/kvik-stream-bench.resp';
  writeFileSync(path, chunks.join(''));
  return path;
}

async function memory(server: Server, file: string): Promise<{ rss: number; used: number }> {
  await waitIdle();
  const usedBefore = Number(/used_memory:(\d+)/.exec(await cli(server.port, 'INFO', 'memory'))![1]);
  const before = rss(server.pid);
  execSync(`redis-cli -p ${server.port} --pipe < ${file}`, { stdio: 'ignore' });
  await sleep(3000);
  const usedAfter = Number(/used_memory:(\d+)/.exec(await cli(server.port, 'INFO', 'memory'))![1]);
  return { rss: rss(server.pid) - before, used: usedAfter - usedBefore };
}

async function main(): Promise<void> {
  const [redisPort, kvikPort] = [await freePort(), await freePort()];
  const redis = await start(
    'redis',
    'redis-server',
    ['--port', String(redisPort), '--save', '', '--appendonly', 'no'],
    redisPort,
  );
  const kvik = await start(
    'kvik',
    'node',
    ['dist/main.js', 'server', '--port', String(kvikPort), '--save', ''],
    kvikPort,
  );
  const servers = [redis, kvik];
  try {
    const tests: [string, number, string[]][] = [];
    for (const pipeline of [1, 16]) {
      tests.push([
        `XADD P${pipeline}`,
        pipeline,
        ['XADD', 'bench', '*', 'f1', 'v1', 'f2', 'v2', 'f3', 'v3'],
      ]);
    }
    for (const server of servers) {
      await run('redis-benchmark', [
        '-p',
        String(server.port),
        '-n',
        String(4 * REPS * N),
        '-P',
        '32',
        '-q',
        'XADD',
        'read',
        '*',
        'f',
        'v',
      ]);
      await cli(server.port, 'XGROUP', 'CREATE', 'read', 'g', '0');
    }
    for (const pipeline of [1, 16]) {
      tests.push([
        `XREADGROUP P${pipeline}`,
        pipeline,
        ['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '1', 'STREAMS', 'read', '>'],
      ]);
    }
    console.log('| test | redis-server rps | Kvik rps | ratio |\n| --- | --- | --- | --- |');
    for (const [name, pipeline, command] of tests) {
      const results = new Map<string, number[]>(servers.map((s) => [s.name, []]));
      for (let rep = 0; rep < REPS; rep++) {
        for (const server of rep % 2 ? [...servers].reverse() : servers) {
          results.get(server.name)!.push(await rps(server, pipeline, command));
        }
      }
      const [r, k] = [median(results.get('redis')!), median(results.get('kvik')!)];
      console.log(`| ${name} | ${r.toFixed(0)} | ${k.toFixed(0)} | ${(k / r).toFixed(2)} |`);
    }
    const file = loadFile();
    const [r, k] = [await memory(redis, file), await memory(kvik, file)];
    const mb = (n: number) => (n / 2 ** 20).toFixed(1);
    console.log(
      `\n${ENTRIES} entries: redis-server RSS +${mb(r.rss)} MiB (used_memory +${mb(r.used)} MiB), Kvik RSS +${mb(k.rss)} MiB: ratio ${(k.rss / r.rss).toFixed(2)} (against used_memory ${(k.rss / r.used).toFixed(2)})`,
    );
  } finally {
    for (const server of servers) server.stop();
  }
}

await main();
