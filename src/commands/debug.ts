/**
 * DEBUG, behind enable-debug-command (the gate refuses it, as Redis's processCommand does): the
 * subcommands tests and tools rely on. DEBUG has no subcommands in the command table, as in
 * Redis; the handler dispatches on its first argument.
 */
import type { CommandContext } from '../dispatch/context.js';
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import { Err } from '../dispatch/errors.js';
import { encodingOf, stringBytes, type StoredValue } from '../keyspace/values.js';
import { rdbBodyLength } from '../persistence/rdb-dump.js';
import { listNodeLimits } from '../persistence/rdb-write.js';
import { HashValue } from '../datatypes/hash.js';
import { ListValue } from '../datatypes/list.js';
import { SetValue } from '../datatypes/set.js';
import { ZSetValue } from '../datatypes/zset.js';
import { listpackScore } from '../persistence/rdb-value-write.js';
import { datasetDigest, valueDigest } from './debug-digest.js';
import { htstats, htstatsKey } from './debug-htstats.js';
import { replyHelp } from './help.js';

interface DebugSubcommand {
  /** The number of arguments, DEBUG included: exact, or at least -n. */
  arity: number;
  run(ctx: CommandContext, argv: string[]): void;
}

const SUBCOMMANDS = new Map<string, DebugSubcommand>([
  ['help', { arity: 2, run: (ctx, argv) => replyHelp(ctx, argv[0], HELP) }],
  ['sleep', { arity: 3, run: (ctx, argv) => sleep(ctx, argv[2]) }],
  ['object', { arity: 3, run: (ctx, argv) => describeObject(ctx, argv[2]) }],
  [
    'set-active-expire',
    {
      arity: 3,
      run: (ctx, argv) => {
        ctx.server.debug.activeExpire = atoi(argv[2]) !== 0;
        ctx.reply.ok();
      },
    },
  ],
  ['quicklist-packed-threshold', { arity: 3, run: (ctx, argv) => packedThreshold(ctx, argv[2]) }],
  ['protocol', { arity: 3, run: (ctx, argv) => protocol(ctx, argv[2]) }],
  [
    'change-repl-id',
    {
      arity: 2,
      run: (ctx) => {
        ctx.server.changeReplicationId();
        ctx.reply.ok();
      },
    },
  ],
  // The text as an error reply, not counted in the error statistics.
  ['error', { arity: 3, run: (ctx, argv) => ctx.reply.error(argv[2], { counted: false }) }],
  ['log', { arity: 3, run: (ctx) => ctx.reply.ok() }],
  ['populate', { arity: -3, run: populate }],
  ['reload', { arity: -2, run: reload }],
  ['loadaof', { arity: -2, run: loadAof }],
  ['digest', { arity: 2, run: (ctx) => ctx.reply.status(datasetDigest(ctx.keyspace.dbs)) }],
  ['digest-value', { arity: -2, run: digestValues }],
  ['htstats', { arity: 3, run: (ctx, argv) => htstats(ctx, argv[2]) }],
  ['htstats-key', { arity: 3, run: (ctx, argv) => htstatsKey(ctx, argv[2]) }],
  ['listpack', { arity: 3, run: (ctx, argv) => printStructure(ctx, argv, 'listpack') }],
  // QUICKLIST <key> [<0|1>]: Redis's optional argument picks a fuller dump.
  ['quicklist', { arity: -3, run: (ctx, argv) => printStructure(ctx, argv, 'quicklist') }],
  [
    'set-skip-checksum-validation',
    { arity: 3, run: (ctx, argv) => setDebugFlag(ctx, 'skipChecksumValidation', argv[2]) },
  ],
  ['pause-cron', { arity: 3, run: (ctx, argv) => setDebugFlag(ctx, 'pauseCron', argv[2]) }],
  [
    'set-disable-deny-scripts',
    { arity: 3, run: (ctx, argv) => setDebugFlag(ctx, 'allowNoscriptInScripts', argv[2]) },
  ],
]);

/** Subcommands of Redis's DEBUG that need internals Kvik does not have (or not yet). */
const UNSUPPORTED = new Set([
  'aof-flush-sleep',
  'assert',
  'config-rewrite-force-all',
  'crash-and-recover',
  'leak',
  'replicate',
  'mallctl',
  'mallctl-str',
  'drop-cluster-packet-filter',
  'oom',
  'panic',
  'restart',
  'sdslen',
  'segfault',
  'stringmatch-test',
  'structsize',
  'client-eviction',
  'replybuffer',
  'clusterlink',
]);

export const debug = defineCommand({
  name: 'debug',
  arity: -2,
  flags: ['admin', 'noscript', 'loading', 'stale', 'protected'],
  handler: (ctx, argv) => {
    const name = argv[1].toLowerCase();
    const sub = SUBCOMMANDS.get(name);
    if (
      sub !== undefined &&
      (sub.arity > 0 ? argv.length === sub.arity : argv.length >= -sub.arity)
    ) {
      return sub.run(ctx, argv);
    }
    if (sub === undefined && UNSUPPORTED.has(name)) {
      return ctx.reply.error(Err.debugUnsupported(name.toUpperCase()));
    }
    ctx.reply.error(Err.subcommandSyntax(argv[1], 'debug'));
  },
});

/** DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty, load the RDB file again. */
function reload(ctx: CommandContext, argv: string[]): void {
  const options = { save: true, flush: true, merge: false };
  for (const arg of argv.slice(2)) {
    const option = arg.toLowerCase();
    if (option === 'nosave') options.save = false;
    else if (option === 'noflush') options.flush = false;
    else if (option === 'merge') options.merge = true;
    else return ctx.reply.error(Err.reloadOptions);
  }
  const error = ctx.server.persistence.reload(options);
  if (error !== null) ctx.reply.error(error);
  else ctx.reply.ok();
}

/** DEBUG LOADAOF: the AOF flushed, the dataset emptied and loaded again from it. */
function loadAof(ctx: CommandContext): void {
  const error = ctx.server.persistence.reloadAof();
  if (error !== null) ctx.reply.error(error);
  else ctx.reply.ok();
}

/** DEBUG DIGEST-VALUE key ...: one digest per key, looked up without expiring it. */
function digestValues(ctx: CommandContext, argv: string[]): void {
  ctx.reply.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) ctx.reply.status(valueDigest(ctx.db, argv[i]));
}

/** The DEBUG subcommands that switch a behaviour on (non-zero, as C's atoi reads it) or off. */
function setDebugFlag(
  ctx: CommandContext,
  flag: 'skipChecksumValidation' | 'pauseCron' | 'allowNoscriptInScripts',
  text: string,
): void {
  ctx.server.debug[flag] = atoi(text) !== 0;
  ctx.reply.ok();
}

/**
 * DEBUG LISTPACK / QUICKLIST key: the value's elements printed on standard output (Redis prints
 * its listpack or quicklist nodes there), for a value of that encoding.
 */
function printStructure(
  ctx: CommandContext,
  argv: string[],
  encoding: 'listpack' | 'quicklist',
): void {
  if (argv.length > 4) return ctx.reply.error(Err.subcommandSyntax(argv[1], 'debug'));
  const dict = ctx.db.dict;
  const slot = dict.slotOf(argv[2]);
  if (slot < 0) return ctx.reply.error(Err.noSuchKey);
  const value = dict.valueAt(slot);
  if (encodingOf(value) !== encoding) return ctx.reply.error(Err.notEncodedAs(encoding));
  const elements = elementsOf(value);
  const lines = [`{${encoding}} {num entries ${elements.length}}`];
  elements.forEach((element, index) => {
    const shown = element.length > 40 ? `${element.slice(0, 40)}...` : element;
    lines.push(`{index: ${index}, length: ${element.length}, [str]${shown}}`);
  });
  process.stdout.write(`${lines.join('\n')}\n{end}\n\n`);
  ctx.reply.status(
    `${encoding === 'listpack' ? 'Listpack' : 'Quicklist'} structure printed on stdout`,
  );
}

/** The strings a listpack or quicklist value holds, in their stored order. */
function elementsOf(value: StoredValue): string[] {
  if (value instanceof ListValue) return value.range(0, value.length - 1);
  const elements: string[] = [];
  if (value instanceof HashValue) {
    value.forEach((field, fieldValue) => elements.push(field, fieldValue));
  } else if (value instanceof ZSetValue) {
    value.forEach((member, score) => elements.push(member, listpackScore(score)));
  } else if (value instanceof SetValue) {
    elements.push(...value.members());
  }
  return elements;
}

/** C's atoi: leading digits with an optional sign, 0 when there are none. */
function atoi(text: string): number {
  const match = /^\s*([+-]?\d+)/.exec(text);
  return match ? Number.parseInt(match[1], 10) : 0;
}

/** C's strtod on a prefix of the text: 0 when nothing is a number. */
function strtodPrefix(text: string): number {
  const match = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(text);
  return match ? Number(match[0]) : 0;
}

/** DEBUG SLEEP: the whole server stops, as Redis's does (decimals allowed). */
function sleep(ctx: CommandContext, seconds: string): void {
  const ms = Math.floor(strtodPrefix(seconds) * 1_000_000) / 1000;
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  ctx.reply.ok();
}

/** Redis's quicklist packed threshold: a memory value up to 4 GB - 1 MB; 0 restores 1 GB. */
function packedThreshold(ctx: CommandContext, text: string): void {
  const match = /^(\d*)(b|k|kb|m|mb|g|gb)?$/i.exec(text);
  const units: Record<string, number> = {
    b: 1,
    k: 1e3,
    kb: 1024,
    m: 1e6,
    mb: 1024 ** 2,
    g: 1e9,
    gb: 1024 ** 3,
  };
  const size = match ? Number(match[1] || '0') * units[(match[2] ?? 'b').toLowerCase()] : NaN;
  if (Number.isNaN(size) || size > 2 ** 32 - 2 ** 20) {
    return ctx.reply.error(Err.packedThreshold);
  }
  ctx.server.debug.quicklistPackedThreshold = size === 0 ? 2 ** 30 : size;
  ctx.reply.ok();
}

/**
 * DEBUG OBJECT: Redis's low level line about a value. The key is looked up without expiring it.
 * Small integers are Redis's shared objects (refcount INT_MAX, stamped when the server started)
 * unless an LRU/LFU policy is in use.
 */
function describeObject(ctx: CommandContext, key: string): void {
  const dict = ctx.db.dict;
  const slot = dict.slotOf(key);
  if (slot < 0) return ctx.reply.error(Err.noSuchKey);
  const value = dict.valueAt(slot);
  const encoding = encodingOf(value);
  const shared = encoding === 'int' && isSharedInteger(ctx, stringBytes(value as string));
  const lruClock = ctx.keyspace.lruClock();
  const lru = shared ? startLru(ctx) : dict.metaAt(slot);
  const idle = lruClock >= lru ? lruClock - lru : lruClock + (0xffffff - lru);
  const address = (0x7f0000000000 + slot * 16).toString(16);
  ctx.reply.status(
    `Value at:0x${address} refcount:${shared ? 2147483647 : 1} encoding:${encoding} ` +
      `serializedlength:${serializedLength(ctx, value)} lru:${lru} lru_seconds_idle:${idle}`,
  );
}

function isSharedInteger(ctx: CommandContext, text: string): boolean {
  const n = Number(text);
  if (n < 0 || n >= 10000) return false;
  const policy = ctx.server.config.get('maxmemory-policy')!;
  const evictsByUse = policy.endsWith('lru') || policy.endsWith('lfu');
  return ctx.server.config.numberValue('maxmemory') === 0 || !evictsByUse;
}

function startLru(ctx: CommandContext): number {
  return Math.floor(ctx.server.stats.startTime / 1000) & 0xffffff;
}

/** The bytes of the value's RDB serialization, its type byte excepted (rdbSavedObjectLen). */
function serializedLength(ctx: CommandContext, value: StoredValue): number {
  const { config, debug } = ctx.server;
  return rdbBodyLength(value, config.boolValue('rdbcompression'), listNodeLimits(config, debug));
}

/** DEBUG PROTOCOL: a sample of each reply type, in RESP2 or RESP3. */
function protocol(ctx: CommandContext, type: string): void {
  const reply = ctx.reply;
  switch (type.toLowerCase()) {
    case 'string':
      return reply.bulk('Hello World');
    case 'integer':
      return reply.integer(12345);
    case 'double':
      return reply.double(3.141);
    case 'bignum':
      return reply.bigNumber('1234567999999999999999999999999999999');
    case 'null':
      return reply.nullBulk();
    case 'array':
      reply.array(3);
      for (let j = 0; j < 3; j++) reply.integer(j);
      return;
    case 'set':
      reply.set(3);
      for (let j = 0; j < 3; j++) reply.integer(j);
      return;
    case 'map':
      reply.map(3);
      for (let j = 0; j < 3; j++) {
        reply.integer(j);
        reply.boolean(j === 1);
      }
      return;
    case 'attrib':
      if (reply.resp >= 3) {
        reply.attribute(1);
        reply.bulk('key-popularity');
        reply.array(2);
        reply.bulk('key:123');
        reply.integer(90);
      }
      return reply.bulk('Some real reply following the attribute');
    case 'push':
      if (reply.resp < 3) return reply.error(Err.resp2NotSupported);
      reply.push(2);
      reply.bulk('server-cpu-usage');
      reply.integer(42);
      return reply.bulk('Some real reply following the push reply');
    case 'verbatim':
      return reply.verbatim('This is a verbatim\nstring');
    case 'true':
      return reply.boolean(true);
    case 'false':
      return reply.boolean(false);
    default:
      return reply.error(Err.protocolType);
  }
}

/**
 * DEBUG POPULATE count [prefix] [size]: string keys prefix:0 .. prefix:count-1 holding
 * "value:N" (cut or zero-padded to `size`); existing keys are left alone. Not propagated.
 */
function populate(ctx: CommandContext, argv: string[]): void {
  if (argv.length > 5) return ctx.reply.error(Err.subcommandSyntax(argv[1], 'debug'));
  const count = positiveLong(argv[2]);
  const size = argv.length === 5 ? positiveLong(argv[4]) : 0;
  if (count === null || size === null) {
    return ctx.reply.error(Err.notPositive);
  }
  const prefix = argv.length >= 4 ? argv[3] : 'key';
  for (let j = 0; j < count; j++) {
    const key = `${prefix}:${j}`;
    if (ctx.keyspace.exists(ctx.db, key)) continue;
    const text = `value:${j}`;
    const value = size === 0 ? text : text.slice(0, size).padEnd(size, '\0');
    ctx.keyspace.setKey(ctx.db, key, value);
  }
  ctx.reply.ok();
}

/** getPositiveLongFromObjectOrReply: an integer >= 0, or null. */
function positiveLong(text: string): number | null {
  if (!/^(0|-?[1-9][0-9]*)$/.test(text) || text.length > 19) return null;
  const n = Number(text);
  return n >= 0 ? n : null;
}

const HELP = [
  'AOF-FLUSH-SLEEP <microsec>',
  '    Server will sleep before flushing the AOF, this is used for testing.',
  'ASSERT',
  '    Crash by assertion failed.',
  'CHANGE-REPL-ID',
  '    Change the replication IDs of the instance.',
  '    Dangerous: should be used only for testing the replication subsystem.',
  'CONFIG-REWRITE-FORCE-ALL',
  '    Like CONFIG REWRITE but writes all configuration options, including',
  '    keywords not listed in original configuration file or default values.',
  'CRASH-AND-RECOVER [<milliseconds>]',
  '    Hard crash and restart after a <milliseconds> delay (default 0).',
  'DIGEST',
  '    Output a hex signature representing the current DB content.',
  'DIGEST-VALUE <key> [<key> ...]',
  '    Output a hex signature of the values of all the specified keys.',
  'ERROR <string>',
  '    Return a Redis protocol error with <string> as message. Useful for clients',
  '    unit tests to simulate Redis errors.',
  'LEAK <string>',
  '    Create a memory leak of the input string.',
  'LOG <message>',
  '    Write <message> to the server log.',
  'HTSTATS <dbid>',
  '    Return hash table statistics of the specified Redis database.',
  'HTSTATS-KEY <key>',
  "    Like HTSTATS but for the hash table stored at <key>'s value.",
  'LOADAOF',
  '    Flush the AOF buffers on disk and reload the AOF in memory.',
  'REPLICATE <string>',
  '    Replicates the provided string to replicas, allowing data divergence.',
  'MALLCTL <key> [<val>]',
  '    Get or set a malloc tuning integer.',
  'MALLCTL-STR <key> [<val>]',
  '    Get or set a malloc tuning string.',
  'OBJECT <key>',
  '    Show low level info about `key` and associated value.',
  'DROP-CLUSTER-PACKET-FILTER <packet-type>',
  '    Drop all packets that match the filtered type. Set to -1 allow all packets.',
  'OOM',
  '    Crash the server simulating an out-of-memory error.',
  'PANIC',
  '    Crash the server simulating a panic.',
  'POPULATE <count> [<prefix>] [<size>]',
  '    Create <count> string keys named key:<num>. If <prefix> is specified then',
  "    it is used instead of the 'key' prefix. These are not propagated to",
  '    replicas. Cluster slots are not respected so keys not belonging to the',
  '    current node can be created in cluster mode.',
  'PROTOCOL <type>',
  '    Reply with a test value of the specified type. <type> can be: string,',
  '    integer, double, bignum, null, array, set, map, attrib, push, verbatim,',
  '    true, false.',
  'RELOAD [option ...]',
  '    Save the RDB on disk and reload it back to memory. Valid <option> values:',
  '    * MERGE: conflicting keys will be loaded from RDB.',
  '    * NOFLUSH: the existing database will not be removed before load, but',
  '      conflicting keys will generate an exception and kill the server.',
  '    * NOSAVE: the database will be loaded from an existing RDB file.',
  '    Examples:',
  '    * DEBUG RELOAD: verify that the server is able to persist, flush and reload',
  '      the database.',
  '    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an',
  '      existing RDB file.',
  '    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB',
  '      file to the database.',
  'RESTART [<milliseconds>]',
  '    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).',
  'SDSLEN <key>',
  '    Show low level SDS string info representing `key` and value.',
  'SEGFAULT',
  '    Crash the server with sigsegv.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    Setting it to 0 disables expiring keys in background when they are not',
  '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
  '    default.',
  'QUICKLIST-PACKED-THRESHOLD <size>',
  '    Sets the threshold for elements to be inserted as plain vs packed nodes',
  '    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.',
  'SET-SKIP-CHECKSUM-VALIDATION <0|1>',
  "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
  'SLEEP <seconds>',
  '    Stop the server for <seconds>. Decimals allowed.',
  'STRINGMATCH-TEST',
  '    Run a fuzz tester against the stringmatchlen() function.',
  'STRUCTSIZE',
  '    Return the size of different Redis core C structures.',
  'LISTPACK <key>',
  '    Show low level info about the listpack encoding of <key>.',
  'QUICKLIST <key> [<0|1>]',
  '    Show low level info about the quicklist encoding of <key>.',
  '    The optional argument (0 by default) sets the level of detail',
  'CLIENT-EVICTION',
  '    Show low level client eviction pools info (maxmemory-clients).',
  'PAUSE-CRON <0|1>',
  '    Stop periodic cron job processing.',
  'REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>',
  '    Sets the time (in milliseconds) to wait between client reply buffer peak resets.',
  '    In case NEVER is provided the last observed peak will never be reset',
  '    In case RESET is provided the peak reset time will be restored to the default value',
  'REPLYBUFFER RESIZING <0|1>',
  '    Enable or disable the reply buffer resize cron job',
  'CLUSTERLINK KILL <to|from|all> <node-id>',
  '    Kills the link based on the direction to/from (both) with the provided node.',
];

export const debugCommands: CommandSpec[] = [debug];
