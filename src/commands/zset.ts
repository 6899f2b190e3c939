/**
 * Sorted set commands, as Redis 7.0's t_zset.c. This file has the writes and reads of single
 * members (ZADD, ZINCRBY, ZREM, ZSCORE, ZRANK ...), the counts and ZSCAN. The ranges are in
 * zset-range.ts, the algebra (ZUNION, ZINTER, ZDIFF ...) in zset-store.ts, the pops (blocking ones
 * included) in zset-pop.ts and ZRANDMEMBER in zset-random.ts; argument parsing in zset-parse.ts.
 */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { parseDouble } from '../dispatch/numbers.js';
import { ZSetValue } from '../datatypes/zset.js';
import { formatDouble17g } from '../resp/format.js';
import { keysAt } from './key-specs.js';
import { matchesScanPattern, parseScanCursor, parseScanOptions } from './scan-options.js';
import { optionName } from './string-common.js';
import { entriesRemoved, readZSet, writeZSet, zsetLimits } from './zset-common.js';
import { parseLexRange, parseScoreRange } from './zset-parse.js';
import { zsetPopCommands } from './zset-pop.js';
import { zsetRandomCommands } from './zset-random.js';
import { zsetRangeCommands } from './zset-range.js';
import { zsetStoreCommands } from './zset-store.js';

interface ZAddOptions {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
  ch: boolean;
  incr: boolean;
}

/**
 * ZADD and ZINCRBY (Redis's zaddGenericCommand; ZINCRBY is ZADD with INCR, whose arguments go
 * through the same option parsing). Everything is parsed before the set is touched. GEOADD calls
 * it too, with the ZADD arguments it builds.
 */
export function zaddGeneric(ctx: CommandContext, argv: string[], incr: boolean): void {
  const key = argv[1];
  const options: ZAddOptions = { nx: false, xx: false, gt: false, lt: false, ch: false, incr };
  let first = 2;
  for (; first < argv.length; first++) {
    const option = optionName(argv[first]);
    if (
      option === 'nx' ||
      option === 'xx' ||
      option === 'gt' ||
      option === 'lt' ||
      option === 'ch' ||
      option === 'incr'
    ) {
      options[option] = true;
    } else {
      break;
    }
  }
  const elements = argv.length - first;
  if (elements % 2 !== 0 || elements === 0) throw new ReplyError(Err.syntax);
  const { nx, xx, gt, lt } = options;
  if (nx && xx) throw new ReplyError(Err.zaddXxAndNx);
  if ((gt && nx) || (lt && nx) || (gt && lt)) throw new ReplyError(Err.zaddGtLtNx);
  if (options.incr && elements > 2) throw new ReplyError(Err.zaddIncrPair);
  const scores: number[] = [];
  for (let i = first; i < argv.length; i += 2) {
    const score = parseDouble(argv[i]);
    if (score === null) throw new ReplyError(Err.notFloat);
    scores.push(score);
  }
  let zset = writeZSet(ctx, key);
  if (zset === undefined && !xx) {
    zset = ZSetValue.empty();
    ctx.keyspace.setKey(ctx.db, key, zset);
  }
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  if (zset !== undefined) {
    const limits = zsetLimits(ctx);
    for (let j = 0; j < scores.length; j++) {
      const member = argv[first + 1 + j * 2];
      const current = zset.score(member);
      score = scores[j];
      if (current === undefined) {
        if (xx) continue;
        zset.insert(member, score, limits);
        added++;
      } else {
        if (nx) continue;
        if (options.incr) {
          score += current;
          if (Number.isNaN(score)) throw new ReplyError(Err.scoreNaN);
        }
        if ((lt && score >= current) || (gt && score <= current)) continue;
        if (score !== current) {
          zset.updateScore(member, current, score);
          updated++;
        }
      }
      processed++;
    }
  }
  if (added + updated > 0) {
    ctx.keyspace.keyChanged(ctx.db, key, 'z', options.incr ? 'zincr' : 'zadd', added + updated);
  }
  if (!options.incr) return ctx.reply.integer(options.ch ? added + updated : added);
  if (processed > 0) ctx.reply.double(score);
  else ctx.reply.nullBulk();
}

function zrem(ctx: CommandContext, argv: string[]): void {
  const key = argv[1];
  const zset = writeZSet(ctx, key);
  if (zset === undefined) return ctx.reply.integer(0);
  let removed = 0;
  for (let i = 2; i < argv.length && zset.size > 0; i++) if (zset.remove(argv[i])) removed++;
  entriesRemoved(ctx, key, zset, 'zrem', removed);
  ctx.reply.integer(removed);
}

function zscore(ctx: CommandContext, argv: string[]): void {
  const score = readZSet(ctx, argv[1])?.score(argv[2]);
  if (score === undefined) ctx.reply.nullBulk();
  else ctx.reply.double(score);
}

function zmscore(ctx: CommandContext, argv: string[]): void {
  const zset = readZSet(ctx, argv[1]);
  ctx.reply.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const score = zset?.score(argv[i]);
    if (score === undefined) ctx.reply.nullBulk();
    else ctx.reply.double(score);
  }
}

/** ZRANK and ZREVRANK. */
function zrankGeneric(ctx: CommandContext, argv: string[], reverse: boolean): void {
  const zset = readZSet(ctx, argv[1]);
  const rank = zset === undefined ? -1 : zset.rank(argv[2]);
  if (rank < 0) return ctx.reply.nullBulk();
  ctx.reply.integer(reverse ? (zset as ZSetValue).size - 1 - rank : rank);
}

function zcount(ctx: CommandContext, argv: string[]): void {
  const range = parseScoreRange(argv[2], argv[3]);
  const zset = readZSet(ctx, argv[1]);
  if (zset === undefined) return ctx.reply.integer(0);
  const { first, last } = zset.scoreSpan(range);
  ctx.reply.integer(Math.max(0, last - first + 1));
}

function zlexcount(ctx: CommandContext, argv: string[]): void {
  const range = parseLexRange(argv[2], argv[3]);
  const zset = readZSet(ctx, argv[1]);
  if (zset === undefined) return ctx.reply.integer(0);
  const { first, last } = zset.lexSpan(range, false);
  ctx.reply.integer(Math.max(0, last - first + 1));
}

/** Integral scores up to this size are kept in a listpack as integers (Redis's double2ll). */
const LISTPACK_INTEGER_LIMIT = 2 ** 62;

/**
 * A score as the text ZSCAN shows: a listpack holds it as Redis 7.0's d2string wrote it (integral
 * values as integers), a skiplist holds the double and prints it with %.17Lg.
 */
function scanScoreText(score: number, listpack: boolean): string {
  if (listpack && Number.isInteger(score) && Math.abs(score) <= LISTPACK_INTEGER_LIMIT) {
    return BigInt(score).toString();
  }
  return formatDouble17g(score);
}

/**
 * ZSCAN key cursor [MATCH pattern] [COUNT count]: member and score pairs, the scores as text
 * (bulk strings in RESP3 too, as Redis).
 */
function zscan(ctx: CommandContext, argv: string[]): void {
  const cursor = parseScanCursor(argv[2]);
  const zset = readZSet(ctx, argv[1]);
  const found: string[] = [];
  let next = 0;
  if (zset !== undefined) {
    const options = parseScanOptions(argv, 3, false);
    const listpack = zset.encoding === 'listpack';
    next = zset.scan(cursor, options.count, (member, score) => {
      if (matchesScanPattern(options, member)) found.push(member, scanScoreText(score, listpack));
    });
  }
  ctx.reply.array(2);
  ctx.reply.bulk(String(next));
  ctx.reply.bulkArray(found);
}

const readKey = [keysAt(1, ['RO'])];
const accessKey = [keysAt(1, ['RO', 'ACCESS'])];

const fastRead = {
  flags: ['readonly', 'fast'],
  acl: ['sortedset'],
  keySpecs: accessKey,
} satisfies Partial<CommandSpec>;

export const zsetCommands: CommandSpec[] = [
  defineCommand({
    name: 'zadd',
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['sortedset'],
    keySpecs: [keysAt(1, ['RW', 'UPDATE'])],
    handler: (ctx, argv) => zaddGeneric(ctx, argv, false),
  }),
  defineCommand({
    name: 'zincrby',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['sortedset'],
    keySpecs: [keysAt(1, ['RW', 'ACCESS', 'UPDATE'])],
    handler: (ctx, argv) => zaddGeneric(ctx, argv, true),
  }),
  defineCommand({
    name: 'zrem',
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['sortedset'],
    keySpecs: [keysAt(1, ['RW', 'DELETE'])],
    handler: zrem,
  }),
  defineCommand({
    name: 'zcard',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['sortedset'],
    keySpecs: readKey,
    handler: (ctx, argv) => ctx.reply.integer(readZSet(ctx, argv[1])?.size ?? 0),
  }),
  defineCommand({ name: 'zscore', arity: 3, ...fastRead, handler: zscore }),
  defineCommand({ name: 'zmscore', arity: -3, ...fastRead, handler: zmscore }),
  defineCommand({
    name: 'zrank',
    arity: 3,
    ...fastRead,
    handler: (ctx, argv) => zrankGeneric(ctx, argv, false),
  }),
  defineCommand({
    name: 'zrevrank',
    arity: 3,
    ...fastRead,
    handler: (ctx, argv) => zrankGeneric(ctx, argv, true),
  }),
  defineCommand({ name: 'zcount', arity: 4, ...fastRead, handler: zcount }),
  defineCommand({ name: 'zlexcount', arity: 4, ...fastRead, handler: zlexcount }),
  defineCommand({
    name: 'zscan',
    arity: -3,
    flags: ['readonly'],
    acl: ['sortedset'],
    tips: ['nondeterministic_output'],
    keySpecs: accessKey,
    handler: zscan,
  }),
  ...zsetRangeCommands,
  ...zsetStoreCommands,
  ...zsetPopCommands,
  ...zsetRandomCommands,
];
