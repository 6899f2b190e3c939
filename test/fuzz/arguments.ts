/**
 * Random argument lists for every command of the table: random arity (mostly the declared one),
 * and arguments drawn from keys of every type, the command's own keywords, boundary numbers,
 * floats, empty and binary strings, patterns, stream IDs, ranges, scripts and DUMP payloads.
 */
import type { Command } from '../../src/dispatch/table.js';
import { crc64 } from '../../src/persistence/crc64.js';
import { COMMAND_TOKENS } from './command-tokens.js';
import type { Random } from './random.js';

/** Keys the harness creates before each batch, one or more of each type and encoding. */
export const KEYS = {
  string: 'fz:str',
  integer: 'fz:int',
  float: 'fz:float',
  big: 'fz:big',
  bitmap: 'fz:bits',
  hll: 'fz:hll',
  list: 'fz:list',
  bigList: 'fz:list:big',
  hash: 'fz:hash',
  bigHash: 'fz:hash:big',
  set: 'fz:set',
  intset: 'fz:intset',
  bigSet: 'fz:set:big',
  zset: 'fz:zset',
  bigZset: 'fz:zset:big',
  geo: 'fz:geo',
  stream: 'fz:stream',
  volatile: 'fz:volatile',
  missing: 'fz:missing',
} as const;

const range = (n: number, f: (i: number) => string[]) =>
  Array.from({ length: n }, (_, i) => f(i)).flat();

/** The commands that create the keys above (run after a FLUSHALL in db 0). */
export const POPULATE: string[][] = [
  ['SET', KEYS.string, 'hello world'],
  ['SET', KEYS.integer, '42'],
  ['SET', KEYS.float, '3.25'],
  ['SET', KEYS.big, 'x'.repeat(70_000)],
  ['SETBIT', KEYS.bitmap, '1000', '1'],
  ['PFADD', KEYS.hll, 'a', 'b', 'c'],
  ['RPUSH', KEYS.list, 'a', 'b', 'c', '1', '2'],
  ['RPUSH', KEYS.bigList, ...range(300, (i) => [`item-${i}`])],
  ['HSET', KEYS.hash, 'f1', 'v1', 'f2', '2', 'f3', '3.5'],
  ['HSET', KEYS.bigHash, ...range(200, (i) => [`field-${i}`, `value-${i}`])],
  ['SADD', KEYS.set, 'a', 'b', 'c'],
  ['SADD', KEYS.intset, '1', '2', '3', '-7'],
  ['SADD', KEYS.bigSet, ...range(600, (i) => [String(i * 3)])],
  ['ZADD', KEYS.zset, '1', 'a', '2', 'b', '3', 'c', '-inf', 'low', '+inf', 'high'],
  ['ZADD', KEYS.bigZset, ...range(200, (i) => [String(i / 7), `member-${i}`])],
  ['GEOADD', KEYS.geo, '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'],
  ['XADD', KEYS.stream, '1-1', 'f', 'v'],
  ['XADD', KEYS.stream, '2-1', 'f', 'v', 'g', 'w'],
  ['XGROUP', 'CREATE', KEYS.stream, 'group', '0'],
  ['XREADGROUP', 'GROUP', 'group', 'consumer', 'COUNT', '1', 'STREAMS', KEYS.stream, '>'],
  ['SET', KEYS.volatile, 'soon', 'PX', '50'],
];

/**
 * Left out, with the reason: they stop the server or the process (SHUTDOWN, DEBUG), reach out to
 * the network or load files (REPLICAOF, SLAVEOF, FAILOVER, MIGRATE, MODULE, SYNC, PSYNC), or
 * change what the health checks rely on (CONFIG SET, CLIENT PAUSE, ACL SETUSER/DELUSER/LOAD),
 * or run for long by design (PFSELFTEST).
 */
const EXCLUDED = new Set([
  'shutdown',
  'debug',
  'replicaof',
  'slaveof',
  'failover',
  'migrate',
  'module',
  'sync',
  'psync',
  'config|set',
  'client|pause',
  'acl|setuser',
  'acl|deluser',
  'acl|load',
  'pfselftest',
]);

/** Commands that may wait forever for a key, a replica or a timeout (sent on their own). */
export function mayBlock(command: Command): boolean {
  return command.flags.has('blocking') || command.name === 'wait';
}

/** Every command and subcommand the fuzzer calls, as [fullName, command] pairs. */
export function fuzzableCommands(all: Iterable<Command>): Command[] {
  const out: Command[] = [];
  for (const command of all) {
    if (EXCLUDED.has(command.name)) continue;
    if (command.subcommands === null) out.push(command);
    else
      for (const sub of command.subcommands.values())
        if (!EXCLUDED.has(sub.fullName)) out.push(sub);
  }
  return out;
}

const NUMBERS = [
  '0',
  '1',
  '-1',
  '2',
  '3',
  '10',
  '-10',
  '100',
  '255',
  '256',
  '65536',
  '2147483647',
  '2147483648',
  '-2147483648',
  '4294967295',
  '4294967296',
  '9007199254740993',
  '9223372036854775807',
  '-9223372036854775808',
  '9223372036854775808',
  '18446744073709551615',
  '99999999999999999999999',
  '00012',
  '+5',
  '-0',
  ' 1',
  '1 ',
  '0x10',
  '1e3',
];

const FLOATS = [
  '0.5',
  '-1.5',
  '3.25',
  '1e308',
  '1e309',
  '-1e308',
  '4.9e-324',
  'inf',
  '-inf',
  '+inf',
  'nan',
  '1.7976931348623157e308',
  '.5',
  '5.',
  '1e',
  '(1',
  '(-inf',
  '(',
];

const SPECIAL = [
  '',
  '*',
  '?',
  'fz:*',
  '[a-',
  '\\',
  '-',
  '+',
  '[a',
  '(b',
  '$',
  '>',
  '0-0',
  '0-1',
  '1-1',
  '1-',
  '-1-1',
  '18446744073709551615-18446744073709551615',
  '1-18446744073709551616',
  'group',
  'consumer',
  'f1',
  'a',
  'member-3',
  'Palermo',
  'channel',
  'lib',
  'fn',
  'default',
  'nosuch',
  '~',
  '=',
  '#1',
  'u8',
  'i64',
  'u63',
  'i65',
  'km',
  'ft',
  '#',
  '*->f1',
  'fz:hash->f1',
  'fz:*->f2',
];

/** Script bodies for EVAL: valid ones of every reply kind, broken ones, and the command runner. */
const SCRIPTS = [
  'return 1',
  'return {1, "two", {3}, nil, true, false}',
  'return redis.call("GET", KEYS[1])',
  'return redis.pcall("INCR", KEYS[1])',
  'return redis.error_reply("E boom")',
  'return redis.status_reply("FINE")',
  'return {err = "custom"}',
  'return 3.99',
  'return cjson.encode({a = {1, 2}, b = ARGV[1]})',
  'return cjson.decode(ARGV[1])',
  'return cmsgpack.unpack(cmsgpack.pack({1, ARGV[1], {x = 2}}))',
  'return struct.pack(">iH", 1, 2)',
  'return bit.band(tonumber(ARGV[1]) or 0, 255)',
  'redis.setresp(3) return redis.call("HGETALL", KEYS[1])',
  'return redis.sha1hex(ARGV[1] or "")',
  'local t = {} for i = 1, 100 do t[i] = i end return t',
  'error("raised")',
  'return x.y',
  'syntax error here (',
  '#!lua flags=no-writes\nreturn redis.call("SET", "k", "v")',
  '#!lua flags=bogus\nreturn 1',
  '#!lua\nreturn redis.call("SET", KEYS[1], ARGV[1])',
  'return struct.unpack(ARGV[1], ARGV[2])',
  'return struct.pack(ARGV[1], ARGV[2], ARGV[3])',
  'return cmsgpack.unpack(ARGV[1])',
  'return cjson.encode(cmsgpack.unpack(ARGV[1]))',
  'return string.format(ARGV[1], ARGV[2], ARGV[3])',
  'return {string.byte(ARGV[1], tonumber(ARGV[2]) or 1, tonumber(ARGV[3]) or -1)}',
  'return redis.call(unpack(ARGV))',
  'return redis.pcall(unpack(ARGV))',
];

const LIBRARIES = [
  "#!lua name=lib\nredis.register_function('fn', function(keys, args) return #keys end)",
  "#!lua name=lib\nredis.register_function{function_name='fn', callback=function() return 1 end, flags={'no-writes'}}",
  "#!lua name=lib\nredis.register_function('fn', function(k, a) return redis.call(unpack(a)) end)",
  '#!lua name=lib\nreturn 1',
  '#!lua name=\nfoo',
  "#!lua name=other engine=x\nredis.register_function('f', function() end)",
  "redis.register_function('fn', function() end)",
];

/** What the generator picks payloads from: DUMP outputs of the populated keys. */
export interface ArgumentContext {
  dumps: string[];
}

export class ArgumentGenerator {
  private readonly scriptCommands: Command[];

  constructor(
    private readonly random: Random,
    private readonly commands: readonly Command[],
    private readonly context: ArgumentContext,
  ) {
    this.scriptCommands = commands.filter((c) => !c.flags.has('noscript') && !mayBlock(c));
  }

  /** A random command line for `command` (its name, and its subcommand's, first). */
  argv(command: Command): string[] {
    const r = this.random;
    const head = command.parent ? [command.parent.name, command.name] : [command.name];
    const declared = Math.abs(command.arity);
    let count = declared + (command.arity < 0 ? r.int(r.chance(0.2) ? 12 : 4) : 0);
    if (r.chance(0.05)) count = r.int(declared + 3);
    const argv = [...head];
    const tokens = COMMAND_TOKENS[command.fullName] ?? [];
    while (argv.length < count) argv.push(this.argument(tokens));
    this.specialize(command, argv);
    return tame(command, argv);
  }

  /** A random command of the table with random arguments. */
  any(): string[] {
    return this.argv(this.random.pick(this.commands));
  }

  private argument(tokens: readonly string[]): string {
    const r = this.random;
    const roll = r.int(100);
    if (roll < 22) return r.pick(Object.values(KEYS));
    if (roll < 42 && tokens.length > 0) {
      const token = r.pick(tokens);
      return r.chance(0.7) ? token : token.toLowerCase();
    }
    if (roll < 60) return r.pick(NUMBERS);
    if (roll < 67) return r.pick(FLOATS);
    if (roll < 82) return r.pick(SPECIAL);
    if (roll < 87) return String(r.between(-3, 30));
    if (roll < 93) return r.bytes(r.int(12));
    if (roll < 97) return 'v'.repeat(r.pick([1, 64, 65, 300, 5000]));
    return r.bytes(r.int(2000));
  }

  /** Arguments that need a shape to get anywhere: scripts, libraries, DUMP payloads. */
  private specialize(command: Command, argv: string[]): void {
    const r = this.random;
    const name = command.fullName;
    if (/^(eval|eval_ro|script\|load)$/.test(name) && argv.length > 1) {
      argv[1] = r.pick(SCRIPTS);
      if (argv[1].includes('unpack(ARGV)') && name !== 'script|load') {
        argv.splice(2, argv.length, '0', ...this.argv(r.pick(this.scriptCommands)));
      } else if (name !== 'script|load' && argv.length > 2 && r.chance(0.7)) {
        argv[2] = String(r.int(Math.max(1, argv.length - 3)));
      }
    }
    if (name === 'function|load' && argv.length > 2) argv[argv.length - 1] = r.pick(LIBRARIES);
    if ((name === 'restore' || name === 'function|restore') && this.context.dumps.length > 0) {
      const at = name === 'restore' ? 3 : 2;
      if (argv.length > at) argv[at] = mutate(r, r.pick(this.context.dumps));
      // A valid TTL and REPLACE most of the time, so the payload itself gets parsed.
      if (name === 'restore' && argv.length > 3 && r.chance(0.8)) {
        argv[2] = '0';
        if (r.chance(0.7)) argv.push('REPLACE');
      }
    }
  }
}

/**
 * A DUMP payload (body, 2-byte RDB version, 8-byte CRC64) with its body damaged: a few bytes
 * changed, or cut short; usually signed again, so that the damage gets past the checksum into the
 * decoder.
 */
function mutate(r: Random, payload: string): string {
  const bytes = Buffer.from(payload, 'latin1');
  const bodyLength = bytes.length - 10;
  if (bodyLength <= 0 || r.chance(0.15)) return payload;
  let body = bytes.subarray(0, bodyLength);
  if (r.chance(0.3)) body = body.subarray(0, r.int(bodyLength));
  else for (let i = r.between(1, 3); i > 0; i--) body[r.int(bodyLength)] = r.int(256);
  const damaged = Buffer.concat([
    body,
    bytes.subarray(bodyLength, bodyLength + 2),
    Buffer.alloc(8),
  ]);
  if (r.chance(0.85)) {
    damaged.writeBigUInt64LE(crc64(damaged, 0, damaged.length - 8), damaged.length - 8);
  }
  return damaged.toString('latin1');
}

/**
 * Keeps arguments that would make a correct server allocate gigabytes (as Redis would too) out:
 * a random count of -2^31 elements, a SETBIT at bit 2^31-1 or the LCS of two large strings is a
 * legitimate request, not a finding, and would only exhaust the test process.
 */
function tame(command: Command, argv: string[]): string[] {
  const name = command.fullName;
  // LCS of two 70 KB strings is a 5-billion-cell table, in Redis as here.
  if (name === 'lcs') return argv.map((arg) => (arg === KEYS.big ? KEYS.string : arg));
  const amplifies = /^(srandmember|zrandmember|hrandfield|setbit|setrange|bitfield)$/.test(name);
  if (!amplifies) return argv;
  return argv.map((arg, i) => {
    if (i < 2) return arg;
    const n = Number(arg);
    return Number.isFinite(n) && Math.abs(n) > 100_000 && Math.abs(n) < 2 ** 33
      ? '4294967297'
      : arg;
  });
}
