/**
 * Ranges of sorted sets: ZRANGE (by rank, BYSCORE or BYLEX, REV, LIMIT, WITHSCORES), its older
 * forms ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX, ZRANGESTORE, and
 * the removals ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX. Every range is a run of ranks,
 * found in O(log n) and walked along the tree from one end (Redis's zrangeGenericCommand and
 * zremrangeGenericCommand).
 */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { ZSetValue, type LexRange, type RankSpan, type ScoreRange } from '../datatypes/zset.js';
import { keysAt } from './key-specs.js';
import { integerArgument } from './list-ops.js';
import { optionName } from './string-common.js';
import {
  entriesRemoved,
  readZSet,
  replyEntriesHeader,
  replyEntry,
  storeZSet,
  writeZSet,
  zsetLimits,
} from './zset-common.js';
import { parseLexRange, parseScoreRange } from './zset-parse.js';

type RangeType = 'rank' | 'score' | 'lex';
type Direction = 'forward' | 'reverse';

/** What a range command fixes; null leaves it to ZRANGE's BYSCORE, BYLEX and REV options. */
interface RangeVariant {
  type: RangeType | null;
  direction: Direction | null;
  /** ZRANGESTORE: the source key comes after the destination, and there is no WITHSCORES. */
  store: boolean;
}

/** The parsed range, in one of its three kinds. */
type Range =
  | { type: 'rank'; start: number; end: number }
  | { type: 'score'; range: ScoreRange }
  | { type: 'lex'; range: LexRange };

/** The entries selected: `count` of them from rank `first`, walking backwards when `reverse`. */
interface Selection {
  first: number;
  count: number;
  reverse: boolean;
}

const NOTHING: Readonly<Selection> = { first: 0, count: 0, reverse: false };

/** Redis's rank sanitizing: negative indexes from the end, then clamped; null when empty. */
function rankSpan(start: number, end: number, length: number): RankSpan | null {
  if (start < 0) start = length + start;
  if (end < 0) end = length + end;
  if (start < 0) start = 0;
  if (start > end || start >= length) return null;
  return { first: start, last: Math.min(end, length - 1) };
}

/** The run of entries a range selects, after LIMIT's offset and count. */
function select(
  zset: ZSetValue,
  range: Range,
  reverse: boolean,
  offset: number,
  limit: number,
): Selection {
  const size = zset.size;
  if (range.type === 'rank') {
    const span = rankSpan(range.start, range.end, size);
    if (span === null) return NOTHING;
    const count = span.last - span.first + 1;
    return { first: reverse ? size - 1 - span.first : span.first, count, reverse };
  }
  const span =
    range.type === 'score' ? zset.scoreSpan(range.range) : zset.lexSpan(range.range, reverse);
  const available = span.last - span.first + 1 - offset;
  // A negative offset walks off the end in Redis: nothing is returned.
  if (offset < 0 || available <= 0) return NOTHING;
  const count = limit < 0 ? available : Math.min(limit, available);
  return { first: reverse ? span.last - offset : span.first + offset, count, reverse };
}

/** Calls visit for each selected entry, in the selection's order. */
function walk(
  zset: ZSetValue,
  selection: Selection,
  visit: (member: string, score: number) => void,
): void {
  const cursor = zset.cursorAt(selection.first);
  for (let i = 0; i < selection.count; i++) {
    visit(cursor.member, cursor.score);
    if (selection.reverse) cursor.prev();
    else cursor.next();
  }
}

/**
 * Every ZRANGE form (Redis's zrangeGenericCommand): options first, then their conflicts, then the
 * range itself, and only then the key, so errors come in Redis's order.
 */
function zrangeGeneric(ctx: CommandContext, argv: string[], variant: RangeVariant): void {
  const keyIndex = variant.store ? 2 : 1;
  let type = variant.type;
  let direction = variant.direction;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = keyIndex + 3; j < argv.length; j++) {
    const option = optionName(argv[j]);
    if (option === 'withscores' && !variant.store) {
      withScores = true;
    } else if (option === 'limit' && argv.length - j - 1 >= 2) {
      offset = integerArgument(argv[j + 1]);
      limit = integerArgument(argv[j + 2]);
      j += 2;
    } else if (option === 'rev' && direction === null) {
      direction = 'reverse';
    } else if (option === 'bylex' && type === null) {
      type = 'lex';
    } else if (option === 'byscore' && type === null) {
      type = 'score';
    } else {
      throw new ReplyError(Err.syntax);
    }
  }
  type ??= 'rank';
  const reverse = direction === 'reverse';
  // As in Redis, a LIMIT whose count is -1 (the default: no limit) passes unnoticed.
  if (limit !== -1 && type === 'rank') throw new ReplyError(Err.zrangeLimitByRank);
  if (withScores && type === 'lex') throw new ReplyError(Err.zrangeWithscoresByLex);
  // BYSCORE and BYLEX in reverse take the range as max, min.
  const [minText, maxText] =
    reverse && type !== 'rank'
      ? [argv[keyIndex + 2], argv[keyIndex + 1]]
      : [argv[keyIndex + 1], argv[keyIndex + 2]];
  const range: Range =
    type === 'rank'
      ? { type, start: integerArgument(minText), end: integerArgument(maxText) }
      : type === 'score'
        ? { type, range: parseScoreRange(minText, maxText) }
        : { type, range: parseLexRange(minText, maxText) };
  const zset = readZSet(ctx, argv[keyIndex]);
  const selection = zset === undefined ? NOTHING : select(zset, range, reverse, offset, limit);
  if (variant.store) return storeRange(ctx, argv[1], zset, selection);
  replyEntriesHeader(ctx, selection.count, withScores);
  if (zset !== undefined) {
    walk(zset, selection, (member, score) => replyEntry(ctx, member, score, withScores));
  }
}

function storeRange(
  ctx: CommandContext,
  destination: string,
  zset: ZSetValue | undefined,
  selection: Selection,
): void {
  const members: string[] = [];
  const scores: number[] = [];
  if (zset !== undefined) {
    walk(zset, selection, (member, score) => {
      members.push(member);
      scores.push(score);
    });
  }
  storeZSet(
    ctx,
    destination,
    ZSetValue.fromEntries(members, scores, zsetLimits(ctx)),
    'zrangestore',
  );
}

/** ZREMRANGEBYRANK, ZREMRANGEBYSCORE and ZREMRANGEBYLEX (Redis's zremrangeGenericCommand). */
function zremrangeGeneric(ctx: CommandContext, argv: string[], type: RangeType): void {
  const [, key, minText, maxText] = argv;
  const range: Range =
    type === 'rank'
      ? { type, start: integerArgument(minText), end: integerArgument(maxText) }
      : type === 'score'
        ? { type, range: parseScoreRange(minText, maxText) }
        : { type, range: parseLexRange(minText, maxText) };
  const zset = writeZSet(ctx, key);
  if (zset === undefined) return ctx.reply.integer(0);
  const selection = select(zset, range, false, 0, -1);
  const removed = zset.deleteSpan(selection.first, selection.first + selection.count - 1);
  entriesRemoved(ctx, key, zset, `zremrangeby${type}`, removed);
  ctx.reply.integer(removed);
}

const readRange = {
  arity: -4,
  flags: ['readonly'],
  acl: ['sortedset'],
  keySpecs: [keysAt(1, ['RO', 'ACCESS'])],
} satisfies Partial<CommandSpec>;

const removeRange = {
  arity: 4,
  flags: ['write'],
  acl: ['sortedset'],
  keySpecs: [keysAt(1, ['RW', 'DELETE'])],
} satisfies Partial<CommandSpec>;

function rangeCommand(
  name: string,
  type: RangeType | null,
  direction: Direction | null,
): CommandSpec {
  return defineCommand({
    name,
    ...readRange,
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, { type, direction, store: false }),
  });
}

export const zsetRangeCommands: CommandSpec[] = [
  rangeCommand('zrange', null, null),
  rangeCommand('zrevrange', 'rank', 'reverse'),
  rangeCommand('zrangebyscore', 'score', 'forward'),
  rangeCommand('zrevrangebyscore', 'score', 'reverse'),
  rangeCommand('zrangebylex', 'lex', 'forward'),
  rangeCommand('zrevrangebylex', 'lex', 'reverse'),
  defineCommand({
    name: 'zrangestore',
    arity: -5,
    flags: ['write', 'denyoom'],
    acl: ['sortedset'],
    keySpecs: [keysAt(1, ['OW', 'UPDATE']), keysAt(2, ['RO', 'ACCESS'])],
    handler: (ctx, argv) => zrangeGeneric(ctx, argv, { type: null, direction: null, store: true }),
  }),
  defineCommand({
    name: 'zremrangebyrank',
    ...removeRange,
    handler: (ctx, argv) => zremrangeGeneric(ctx, argv, 'rank'),
  }),
  defineCommand({
    name: 'zremrangebyscore',
    ...removeRange,
    handler: (ctx, argv) => zremrangeGeneric(ctx, argv, 'score'),
  }),
  defineCommand({
    name: 'zremrangebylex',
    ...removeRange,
    handler: (ctx, argv) => zremrangeGeneric(ctx, argv, 'lex'),
  }),
];
