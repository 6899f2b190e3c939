/**
 * MEMORY USAGE / STATS / DOCTOR / MALLOC-STATS / PURGE / HELP: what the server tells about its
 * memory. The figures are Kvik's estimates (keyspace/memory-estimate.ts and memory-accounting.ts)
 * in Redis's shapes; the allocator fields describe V8's heap, the whole process's.
 */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import { ReplyError, type CommandContext } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { parseInt64 } from '../dispatch/numbers.js';
import { keyBytes } from '../keyspace/memory-estimate.js';
import type { MemoryOverview } from '../keyspace/memory-accounting.js';
import { replyHelp } from './help.js';
import { keysAt } from './key-specs.js';

/** Redis's OBJ_COMPUTE_SIZE_DEF_SAMPLES. */
const DEFAULT_SAMPLES = 5;
const MB = 1024 * 1024;

/** MEMORY USAGE key [SAMPLES count]: the key's estimated bytes, or null. */
function usage(ctx: CommandContext, argv: string[]): void {
  let samples = DEFAULT_SAMPLES;
  for (let i = 3; i < argv.length; i++) {
    if (argv[i].toLowerCase() !== 'samples' || i + 1 >= argv.length) {
      throw new ReplyError(Err.syntax);
    }
    const count = parseInt64(argv[++i]);
    if (count === null) throw new ReplyError(Err.notInteger);
    if (count < 0n) throw new ReplyError(Err.syntax);
    // 0 samples every element.
    samples = count === 0n || count > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(count);
  }
  const value = ctx.db.dict.get(argv[2]);
  if (value === undefined) return ctx.reply.nullBulk();
  ctx.reply.integer(Math.round(keyBytes(argv[2], value, samples)));
}

function ratio(a: number, b: number): number {
  return b > 0 ? a / b : 0;
}

/** MEMORY STATS, in Redis 7.0's order. */
function stats(ctx: CommandContext): void {
  const m = ctx.server.memoryOverview();
  const netUsage = m.total > m.startup ? m.total - m.startup : 1;
  const reply = ctx.reply;
  const integers: [string, number][] = [
    ['peak.allocated', m.peak],
    ['total.allocated', m.total],
    ['startup.allocated', m.startup],
    ['replication.backlog', 0],
    ['clients.slaves', 0],
    ['clients.normal', m.clientsNormal],
    ['cluster.links', 0],
    ['aof.buffer', 0],
    ['lua.caches', m.luaCaches],
    ['functions.caches', m.functionsCaches],
  ];
  reply.map(27 + m.databases.length);
  for (const [name, n] of integers) replyField(ctx, name, n);
  for (const db of m.databases) {
    reply.bulk(`db.${db.id}`);
    reply.map(3);
    replyField(ctx, 'overhead.hashtable.main', db.main);
    replyField(ctx, 'overhead.hashtable.expires', db.expires);
    replyField(ctx, 'overhead.hashtable.slot-to-keys', 0);
  }
  replyField(ctx, 'overhead.total', m.overheadTotal);
  replyField(ctx, 'keys.count', m.keys);
  replyField(ctx, 'keys.bytes-per-key', m.keys > 0 ? Math.floor(netUsage / m.keys) : 0);
  replyField(ctx, 'dataset.bytes', m.dataset);
  replyField(ctx, 'dataset.percentage', (m.dataset * 100) / netUsage, true);
  replyField(ctx, 'peak.percentage', (m.total * 100) / m.peak, true);
  replyField(ctx, 'allocator.allocated', m.heapUsed);
  replyField(ctx, 'allocator.active', m.heapActive);
  replyField(ctx, 'allocator.resident', m.rss);
  replyField(ctx, 'allocator-fragmentation.ratio', ratio(m.heapActive, m.heapUsed), true);
  replyField(ctx, 'allocator-fragmentation.bytes', m.heapActive - m.heapUsed);
  replyField(ctx, 'allocator-rss.ratio', ratio(m.rss, m.heapActive), true);
  replyField(ctx, 'allocator-rss.bytes', m.rss - m.heapActive);
  replyField(ctx, 'rss-overhead.ratio', 1, true);
  replyField(ctx, 'rss-overhead.bytes', 0);
  replyField(ctx, 'fragmentation', ratio(m.rss, m.total), true);
  replyField(ctx, 'fragmentation.bytes', m.rss - m.total);
}

function replyField(ctx: CommandContext, name: string, value: number, double = false): void {
  ctx.reply.bulk(name);
  if (double) ctx.reply.double(value);
  else ctx.reply.integer(value);
}

const EMPTY_REPORT =
  "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n";
const HEALTHY_REPORT =
  "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
const PEAK_ISSUE =
  ' * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n';
const CLIENT_BUFFERS_ISSUE =
  ' * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, so that data piles on the Redis instance output buffer, or clients sending commands with large replies or very large sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes problems in your instance, or to understand better why certain clients are using a big amount of memory.\n\n';
const SCRIPTS_ISSUE =
  " * Many scripts: There seem to be many cached scripts in this instance (more than 1000). This may be because scripts are generated and `EVAL`ed, instead of being parameterized (with KEYS and ARGV), `SCRIPT LOAD`ed and `EVALSHA`ed. Unless `SCRIPT FLUSH` is called periodically, the scripts' caches may end up consuming most of your memory.\n\n";

/**
 * MEMORY DOCTOR, as Redis's getMemoryDoctorReport, with the checks that apply to Kvik's figures:
 * the peak, client buffers and cached scripts (fragmentation and RSS belong to the process's V8
 * heap, shared by its servers, so they say nothing about this one).
 */
export function doctorReport(m: MemoryOverview): string {
  if (m.total < 5 * MB) return EMPTY_REPORT;
  const issues: string[] = [];
  if (m.peak / m.total > 1.5) issues.push(PEAK_ISSUE);
  if (m.clients > 0 && m.clientsNormal / m.clients > 200 * 1024) issues.push(CLIENT_BUFFERS_ISSUE);
  if (m.cachedScripts > 1000) issues.push(SCRIPTS_ISSUE);
  if (issues.length === 0) return HEALTHY_REPORT;
  return `Sam, I detected a few issues in this Redis instance memory implants:\n\n${issues.join('')}I'm here to keep you safe, Sam. I want to help you.\n`;
}

const HELP_LINES = [
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
];

const SERVER_WIDE = {
  arity: 2,
  flags: [],
  tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
} satisfies Partial<CommandSpec>;

export const memory = defineCommand({
  name: 'memory',
  arity: -2,
  flags: [],
  subcommands: [
    {
      name: 'doctor',
      ...SERVER_WIDE,
      handler: (ctx) => ctx.reply.bulk(doctorReport(ctx.server.memoryOverview())),
    },
    {
      name: 'malloc-stats',
      ...SERVER_WIDE,
      handler: (ctx) => ctx.reply.bulk('Stats not supported for the current allocator'),
    },
    {
      name: 'purge',
      arity: 2,
      flags: [],
      tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
      // V8 returns memory to the system on its own; there is nothing to ask of it.
      handler: (ctx) => ctx.reply.ok(),
    },
    { name: 'stats', ...SERVER_WIDE, handler: (ctx) => stats(ctx) },
    {
      name: 'usage',
      arity: -3,
      flags: ['readonly'],
      keySpecs: [keysAt(2, ['RO'])],
      handler: usage,
    },
    {
      name: 'help',
      arity: 2,
      flags: ['loading', 'stale'],
      handler: (ctx, argv) => replyHelp(ctx, argv[0], HELP_LINES),
    },
  ],
});

export const memoryCommands: CommandSpec[] = [memory];
