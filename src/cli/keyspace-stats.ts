/**
 * --bigkeys, --memkeys and --hotkeys: walk the keyspace with SCAN and report the biggest keys
 * per type (by element count or by MEMORY USAGE) or the most accessed ones (OBJECT FREQ), with
 * redis-cli 7.0's progress lines and summary.
 */
import { CliExit, sleep } from './io.js';
import { fixed } from './numbers.js';
import { DictOrder } from './dict-order.js';
import { cString, quoteRepr } from './quote.js';
import type { Reply } from './reply.js';
import { scanPage } from './scan.js';
import type { Session } from './session.js';

interface TypeStats {
  name: string;
  /** The command giving a key's element count; none for module types. */
  sizeCommand?: string;
  unit: string;
  biggest: bigint;
  biggestKey?: string;
  count: bigint;
  totalSize: bigint;
}

/** The built-in types: name, command giving the size, unit of the size. */
const BUILTIN_TYPES: [string, string, string][] = [
  ['string', 'STRLEN', 'bytes'],
  ['list', 'LLEN', 'items'],
  ['set', 'SCARD', 'members'],
  ['hash', 'HLEN', 'fields'],
  ['zset', 'ZCARD', 'members'],
  ['stream', 'XLEN', 'entries'],
];

/** The types met so far, kept in a replica of redis-cli's type table to list them in its order. */
class TypeTable {
  private readonly stats = new Map<string, TypeStats>();
  private readonly order = new DictOrder();

  constructor() {
    for (const [name, sizeCommand, unit] of BUILTIN_TYPES) this.add({ name, sizeCommand, unit });
  }

  /**
   * The stats of the type TYPE named: none for "none" (a key deleted since SCAN returned it);
   * a module type is added when first met.
   */
  lookup(name: string): TypeStats | undefined {
    this.order.find();
    if (name === 'none') return undefined;
    return this.stats.get(name) ?? this.add({ name, unit: '?' });
  }

  /** The types in redis-cli's order. */
  all(): TypeStats[] {
    return this.order.keys().map((name) => this.stats.get(name)!);
  }

  private add(type: Pick<TypeStats, 'name' | 'sizeCommand' | 'unit'>): TypeStats {
    const stats = { ...type, biggest: 0n, count: 0n, totalSize: 0n };
    this.stats.set(type.name, stats);
    this.order.add(type.name);
    return stats;
  }
}

const HEADER = (what: string) =>
  `\n# Scanning the entire keyspace to find ${what} as well as\n` +
  '# average sizes per key type.  You can use -i 0.1 to sleep 0.1 sec\n' +
  '# per 100 SCAN commands (not usually needed).\n\n';

export async function findBigKeys(session: Session, memkeys: boolean): Promise<number> {
  const { io, options } = session;
  const types = new TypeTable();
  const unitOf = (type: TypeStats) => (memkeys ? 'bytes' : type.unit);
  const totalKeys = await dbSize(session);
  io.out(HEADER('biggest keys'));
  let sampled = 0;
  let totalLength = 0;
  let cursor = '0';
  let scans = 0;
  do {
    const pct = percent(sampled, totalKeys);
    const page = await scanPage(session, cursor);
    cursor = page.cursor;
    scans++;
    const keyTypes = await keyTypesOf(session, page.keys, types);
    const sizes = await keySizes(session, page.keys, keyTypes, memkeys);
    page.keys.forEach((key, i) => {
      const type = keyTypes[i];
      if (type === undefined) return;
      type.totalSize += sizes[i];
      type.count++;
      totalLength += key.length;
      sampled++;
      if (type.biggest < sizes[i]) {
        type.biggestKey = quoteRepr(key);
        io.out(
          `[${pct}] Biggest ${type.name.padEnd(6)} found so far '${type.biggestKey}' with ${sizes[i]} ${unitOf(type)}\n`,
        );
        type.biggest = sizes[i];
      }
      if (sampled % 1_000_000 === 0) io.out(`[${pct}] Sampled ${sampled} keys so far\n`);
    });
    if (options.intervalMicros > 0 && scans % 100 === 0) await sleep(options.intervalMicros / 1000);
  } while (cursor !== '0');

  let out = `\n-------- summary -------\n\nSampled ${sampled} keys in the keyspace!\n`;
  out += `Total key length in bytes is ${totalLength} (avg len ${fixed(totalLength ? totalLength / sampled : 0, 2)})\n\n`;
  for (const type of types.all()) {
    if (type.biggestKey !== undefined) {
      out += `Biggest ${type.name.padStart(6)} found '${type.biggestKey}' has ${type.biggest} ${unitOf(type)}\n`;
    }
  }
  out += '\n';
  for (const type of types.all()) {
    const share = sampled ? (100 * Number(type.count)) / sampled : 0;
    const average = type.count ? Number(type.totalSize) / Number(type.count) : 0;
    out += `${type.count} ${type.name}s with ${type.totalSize} ${unitOf(type)} (${zeroPadded(share)}% of keys, avg size ${fixed(average, 2)})\n`;
  }
  io.out(out);
  return 0;
}

/** How many top keys --hotkeys keeps. */
const HOTKEYS_SAMPLE = 16;

export async function findHotKeys(session: Session): Promise<number> {
  const { io, options } = session;
  // Sorted by counter, smallest first, as redis-cli's eviction pool.
  const counters: bigint[] = new Array<bigint>(HOTKEYS_SAMPLE).fill(0n);
  const hotKeys: (string | undefined)[] = new Array<string | undefined>(HOTKEYS_SAMPLE);
  const totalKeys = await dbSize(session);
  io.out(HEADER('hot keys'));
  let sampled = 0;
  let cursor = '0';
  let scans = 0;
  do {
    const pct = percent(sampled, totalKeys);
    const page = await scanPage(session, cursor);
    cursor = page.cursor;
    scans++;
    const freqs = await keyFrequencies(session, page.keys);
    page.keys.forEach((key, i) => {
      sampled++;
      if (sampled % 1_000_000 === 0) io.out(`[${pct}] Sampled ${sampled} keys so far\n`);
      let k = 0;
      while (k < HOTKEYS_SAMPLE && freqs[i] > counters[k]) k++;
      if (k === 0) return;
      k--;
      if (k !== 0 && counters[k] !== 0n) {
        counters.copyWithin(0, 1, k + 1);
        hotKeys.copyWithin(0, 1, k + 1);
      }
      counters[k] = freqs[i];
      hotKeys[k] = quoteRepr(key);
      io.out(`[${pct}] Hot key '${hotKeys[k]}' found so far with counter ${freqs[i]}\n`);
    });
    if (options.intervalMicros > 0 && scans % 100 === 0) await sleep(options.intervalMicros / 1000);
  } while (cursor !== '0');

  let out = `\n-------- summary -------\n\nSampled ${sampled} keys in the keyspace!\n`;
  for (let k = HOTKEYS_SAMPLE - 1; k >= 0; k--) {
    if (counters[k] > 0n)
      out += `hot key found with counter: ${counters[k]}\tkeyname: ${hotKeys[k]}\n`;
  }
  io.out(out);
  return 0;
}

/** printf("%05.2f%%") of the share of keys sampled so far. */
function percent(sampled: number, total: number): string {
  return `${zeroPadded((100 * sampled) / total)}%`;
}

function zeroPadded(value: number): string {
  return fixed(value, 2).padStart(5, '0');
}

async function dbSize(session: Session): Promise<number> {
  const reply = await session.mustCommand('DBSIZE');
  if (reply.type === 'integer') return Number(reply.value);
  fail(
    session,
    reply.type === 'error'
      ? `Couldn't determine DBSIZE: ${cString(reply.value)}\n`
      : 'Non INTEGER response from DBSIZE!\n',
  );
}

/** TYPE of every key, pipelined; undefined for keys deleted since SCAN returned them. */
async function keyTypesOf(
  session: Session,
  keys: string[],
  types: TypeTable,
): Promise<(TypeStats | undefined)[]> {
  const replies = await pipeline(
    session,
    keys.map((key) => ['TYPE', key]),
  );
  return replies.map((reply, i) => {
    if (reply.type !== 'status') {
      fail(
        session,
        reply.type === 'error'
          ? `TYPE returned an error: ${cString(reply.value)}\n`
          : `Invalid reply type for TYPE on key '${cString(keys[i])}'!\n`,
      );
    }
    return types.lookup(reply.value);
  });
}

/** Element counts (or MEMORY USAGE with --memkeys) of the keys, pipelined. */
async function keySizes(
  session: Session,
  keys: string[],
  keyTypes: (TypeStats | undefined)[],
  memkeys: boolean,
): Promise<bigint[]> {
  const samples = session.options.memkeysSamples;
  const measured = keys.flatMap((key, i) => {
    const type = keyTypes[i];
    if (type === undefined || (type.sizeCommand === undefined && !memkeys)) return [];
    if (!memkeys) return [{ i, command: [type.sizeCommand!, key] }];
    const usage = ['MEMORY', 'USAGE', key];
    if (samples !== undefined) usage.push('SAMPLES', String(samples));
    return [{ i, command: usage }];
  });
  const replies = await pipeline(
    session,
    measured.map((m) => m.command),
  );
  const sizes = keys.map(() => 0n);
  measured.forEach(({ i, command }, j) => {
    const reply = replies[j];
    if (reply.type === 'integer') {
      sizes[i] = reply.value;
    } else {
      const what = memkeys ? 'MEMORY USAGE' : command[0];
      session.io.err(`Warning:  ${what} on '${cString(keys[i])}' failed (may have changed type)\n`);
    }
  });
  return sizes;
}

async function keyFrequencies(session: Session, keys: string[]): Promise<bigint[]> {
  const replies = await pipeline(
    session,
    keys.map((key) => ['OBJECT', 'FREQ', key]),
  );
  return replies.map((reply, i) => {
    if (reply.type === 'integer') return reply.value;
    if (reply.type === 'error') fail(session, `Error: ${cString(reply.value)}\n`);
    session.io.err(
      `Warning: OBJECT freq on '${quoteRepr(keys[i])}' failed (may have been deleted)\n`,
    );
    return 0n;
  });
}

/** Sends the commands at once and reads their replies in order. */
async function pipeline(session: Session, commands: string[][]): Promise<Reply[]> {
  const conn = session.conn!;
  for (const command of commands) conn.send(command);
  const replies: Reply[] = [];
  try {
    for (let i = 0; i < commands.length; i++) replies.push(await conn.readReply());
  } catch {
    fail(session, '\nI/O error\n');
  }
  return replies;
}

function fail(session: Session, message: string): never {
  session.io.err(message);
  throw new CliExit(1);
}
