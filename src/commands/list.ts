/**
 * List commands, as Redis 7.0's t_list.c. The blocking ones are in list-blocking.ts; what both
 * share (lookups, pops, moves) in list-ops.ts.
 */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import { countedKeys } from '../dispatch/keys.js';
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { INT64_MIN, parseInt64 } from '../dispatch/numbers.js';
import { ListValue } from '../datatypes/list.js';
import { keysAt } from './key-specs.js';
import { blockingListCommands } from './list-blocking.js';
import {
  asList,
  clampRange,
  elementsRemoved,
  integerArgument,
  moveElement,
  moveKeys,
  nonNegativeArgument,
  parseEnd,
  parseMultiPop,
  popElements,
  popWithKey,
  signalRemoval,
  type End,
  type Move,
} from './list-ops.js';
import { optionName } from './string-common.js';

const insertKey = [keysAt(1, ['RW', 'INSERT'])];
const popKey = [keysAt(1, ['RW', 'ACCESS', 'DELETE'])];
const readKey = [keysAt(1, ['RO', 'ACCESS'])];
const deleteKey = [keysAt(1, ['RW', 'DELETE'])];

/** LPUSH, RPUSH, and their X forms that push only to an existing list (Redis's pushGenericCommand). */
function pushGeneric(ctx: CommandContext, argv: string[], end: End, existingOnly: boolean): void {
  const key = argv[1];
  let list = asList(ctx.write(key));
  if (list === undefined) {
    if (existingOnly) return ctx.reply.integer(0);
    list = new ListValue(argv.length - 2);
    ctx.keyspace.setKey(ctx.db, key, list);
  }
  for (let i = 2; i < argv.length; i++) {
    if (end === 'left') list.pushHead(argv[i]);
    else list.pushTail(argv[i]);
  }
  ctx.keyspace.keyChanged(ctx.db, key, 'l', end === 'left' ? 'lpush' : 'rpush', argv.length - 2);
  ctx.reply.integer(list.length);
}

/** LPOP and RPOP: one element as a bulk string, or with a count an array of up to count. */
function popGeneric(ctx: CommandContext, argv: string[], end: End): void {
  if (argv.length > 3) throw new ReplyError(Err.wrongArity(end === 'left' ? 'lpop' : 'rpop'));
  const withCount = argv.length === 3;
  const count = withCount ? nonNegativeArgument(argv[2]) : 1;
  const key = argv[1];
  const list = asList(ctx.write(key));
  if (list === undefined) return withCount ? ctx.reply.nullArray() : ctx.reply.nullBulk();
  if (count === 0) return ctx.reply.array(0);
  const popped = popElements(list, end, count);
  if (withCount) ctx.reply.bulkArray(popped);
  else ctx.reply.bulk(popped[0]);
  elementsRemoved(ctx, key, list, end, popped.length);
}

function lrange(ctx: CommandContext, argv: string[]): void {
  const start = integerArgument(argv[2]);
  const end = integerArgument(argv[3]);
  const list = asList(ctx.read(argv[1]));
  const range = list === undefined ? null : clampRange(start, end, list.length);
  if (list === undefined || range === null) return ctx.reply.array(0);
  ctx.reply.bulkArray(list.range(range.start, range.end));
}

function lindex(ctx: CommandContext, argv: string[]): void {
  const list = asList(ctx.read(argv[1]));
  if (list === undefined) return ctx.reply.nullBulk();
  let index = integerArgument(argv[2]);
  if (index < 0) index += list.length;
  if (index < 0 || index >= list.length) ctx.reply.nullBulk();
  else ctx.reply.bulk(list.at(index));
}

function lset(ctx: CommandContext, argv: string[]): void {
  const key = argv[1];
  const list = asList(ctx.write(key));
  if (list === undefined) throw new ReplyError(Err.noSuchKey);
  let index = integerArgument(argv[2]);
  if (index < 0) index += list.length;
  if (index < 0 || index >= list.length) throw new ReplyError(Err.outOfRange);
  list.set(index, argv[3]);
  ctx.keyChanged(key, 'l', 'lset');
  ctx.reply.ok();
}

function linsert(ctx: CommandContext, argv: string[]): void {
  const where = optionName(argv[2]);
  if (where !== 'before' && where !== 'after') throw new ReplyError(Err.syntax);
  const key = argv[1];
  const list = asList(ctx.write(key));
  if (list === undefined) return ctx.reply.integer(0);
  const pivot = list.indexOf(argv[3]);
  if (pivot < 0) return ctx.reply.integer(-1);
  list.insert(where === 'before' ? pivot : pivot + 1, argv[4]);
  ctx.keyChanged(key, 'l', 'linsert');
  ctx.reply.integer(list.length);
}

function lrem(ctx: CommandContext, argv: string[]): void {
  const count = integerArgument(argv[2]);
  const key = argv[1];
  const list = asList(ctx.write(key));
  if (list === undefined) return ctx.reply.integer(0);
  const removed = list.remove(argv[3], count);
  if (removed > 0) signalRemoval(ctx, key, list.length === 0, 'lrem', removed);
  ctx.reply.integer(removed);
}

/** LTRIM signals the key even when it removes nothing, but only counts what it removed. */
function ltrim(ctx: CommandContext, argv: string[]): void {
  const start = integerArgument(argv[2]);
  const end = integerArgument(argv[3]);
  const key = argv[1];
  const list = asList(ctx.write(key));
  if (list === undefined) return ctx.reply.ok();
  const length = list.length;
  const range = clampRange(start, end, length);
  if (range !== null) list.trim(range.start, range.end);
  signalRemoval(ctx, key, range === null, 'ltrim', range === null ? length : length - list.length);
  ctx.reply.ok();
}

interface LposOptions {
  /** RANK < 0: the matches are counted from the tail. */
  fromTail: boolean;
  /** How many matches to pass over before answering (|RANK| - 1). */
  skip: number;
  /** How many matches to return (0: all); null when COUNT was not given. */
  count: number | null;
  /** How many elements to compare at most (0: all). */
  maxlen: number;
}

function parseLposOptions(argv: string[]): LposOptions {
  const options: LposOptions = { fromTail: false, skip: 0, count: null, maxlen: 0 };
  let rankOverflows = false;
  for (let i = 3; i < argv.length; i++) {
    const option = optionName(argv[i]);
    const hasValue = i + 1 < argv.length;
    if (option === 'rank' && hasValue) {
      const rank = parseInt64(argv[++i]);
      if (rank === null) throw new ReplyError(Err.notInteger);
      if (rank === 0n) throw new ReplyError(Err.lposRankZero);
      options.fromTail = rank < 0n;
      options.skip = Number(rank < 0n ? -rank : rank) - 1;
      rankOverflows = rank === INT64_MIN;
    } else if (option === 'count' && hasValue) {
      options.count = nonNegativeArgument(argv[++i], Err.lposCountNegative);
    } else if (option === 'maxlen' && hasValue) {
      options.maxlen = nonNegativeArgument(argv[++i], Err.lposMaxlenNegative);
    } else {
      throw new ReplyError(Err.syntax);
    }
  }
  if (rankOverflows) {
    // Redis negates LLONG_MIN into itself: from the tail, every match counts, and its test for
    // "COUNT matches found" overflows, so it never stops before the end.
    options.skip = 0;
    if (options.count !== null) options.count = 0;
  }
  return options;
}

/** LPOS: the indexes of matches, passing over `skip` of them, within maxlen comparisons. */
function lpos(ctx: CommandContext, argv: string[]): void {
  const { fromTail, skip, count, maxlen } = parseLposOptions(argv);
  const list = asList(ctx.read(argv[1]));
  if (list === undefined) return count === null ? ctx.reply.nullBulk() : ctx.reply.array(0);
  const element = argv[2];
  const wanted = count === null ? 1 : count === 0 ? Infinity : count;
  const length = list.length;
  const limit = maxlen === 0 ? length : Math.min(maxlen, length);
  const found: number[] = [];
  let matches = 0;
  for (let step = 0; step < limit && found.length < wanted; step++) {
    const index = fromTail ? length - 1 - step : step;
    if (list.at(index) === element && matches++ >= skip) found.push(index);
  }
  if (count !== null) {
    ctx.reply.array(found.length);
    for (const index of found) ctx.reply.integer(index);
  } else if (found.length === 0) {
    ctx.reply.nullBulk();
  } else {
    ctx.reply.integer(found[0]);
  }
}

/** LMOVE and RPOPLPUSH: nil when the source is missing. */
function lmoveGeneric(ctx: CommandContext, move: Move): void {
  const list = asList(ctx.write(move.source));
  if (list === undefined) return ctx.reply.nullBulk();
  moveElement(ctx, list, move);
}

function lmpop(ctx: CommandContext, argv: string[]): void {
  const { keys, end, count } = parseMultiPop(argv, 1);
  for (const key of keys) {
    const list = asList(ctx.write(key));
    if (list !== undefined) return popWithKey(ctx, key, list, end, count);
  }
  ctx.reply.nullArray();
}

export const listCommands: CommandSpec[] = [
  defineCommand({
    name: 'lpush',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['list'],
    keySpecs: insertKey,
    handler: (ctx, argv) => pushGeneric(ctx, argv, 'left', false),
  }),

  defineCommand({
    name: 'rpush',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['list'],
    keySpecs: insertKey,
    handler: (ctx, argv) => pushGeneric(ctx, argv, 'right', false),
  }),

  defineCommand({
    name: 'lpushx',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['list'],
    keySpecs: insertKey,
    handler: (ctx, argv) => pushGeneric(ctx, argv, 'left', true),
  }),

  defineCommand({
    name: 'rpushx',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['list'],
    keySpecs: insertKey,
    handler: (ctx, argv) => pushGeneric(ctx, argv, 'right', true),
  }),

  defineCommand({
    name: 'lpop',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['list'],
    keySpecs: popKey,
    handler: (ctx, argv) => popGeneric(ctx, argv, 'left'),
  }),

  defineCommand({
    name: 'rpop',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['list'],
    keySpecs: popKey,
    handler: (ctx, argv) => popGeneric(ctx, argv, 'right'),
  }),

  defineCommand({
    name: 'llen',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['list'],
    keySpecs: [keysAt(1, ['RO'])],
    handler: (ctx, argv) => ctx.reply.integer(asList(ctx.read(argv[1]))?.length ?? 0),
  }),

  defineCommand({
    name: 'lrange',
    arity: 4,
    flags: ['readonly'],
    acl: ['list'],
    keySpecs: readKey,
    handler: lrange,
  }),

  defineCommand({
    name: 'lindex',
    arity: 3,
    flags: ['readonly'],
    acl: ['list'],
    keySpecs: readKey,
    handler: lindex,
  }),

  defineCommand({
    name: 'lset',
    arity: 4,
    flags: ['write', 'denyoom'],
    acl: ['list'],
    keySpecs: [keysAt(1, ['RW', 'UPDATE'])],
    handler: lset,
  }),

  defineCommand({
    name: 'linsert',
    arity: 5,
    flags: ['write', 'denyoom'],
    acl: ['list'],
    keySpecs: insertKey,
    handler: linsert,
  }),

  defineCommand({
    name: 'lrem',
    arity: 4,
    flags: ['write'],
    acl: ['list'],
    keySpecs: deleteKey,
    handler: lrem,
  }),

  defineCommand({
    name: 'ltrim',
    arity: 4,
    flags: ['write'],
    acl: ['list'],
    keySpecs: deleteKey,
    handler: ltrim,
  }),

  defineCommand({
    name: 'lpos',
    arity: -3,
    flags: ['readonly'],
    acl: ['list'],
    keySpecs: readKey,
    handler: lpos,
  }),

  defineCommand({
    name: 'lmove',
    arity: 5,
    flags: ['write', 'denyoom'],
    acl: ['list'],
    keySpecs: moveKeys,
    handler: (ctx, argv) => {
      const [from, to] = [parseEnd(argv[3]), parseEnd(argv[4])];
      lmoveGeneric(ctx, { source: argv[1], destination: argv[2], from, to });
    },
  }),

  defineCommand({
    name: 'rpoplpush',
    arity: 3,
    flags: ['write', 'denyoom'],
    acl: ['list'],
    keySpecs: moveKeys,
    handler: (ctx, argv) =>
      lmoveGeneric(ctx, { source: argv[1], destination: argv[2], from: 'right', to: 'left' }),
  }),

  defineCommand({
    name: 'lmpop',
    arity: -4,
    flags: ['write'],
    acl: ['list'],
    keySpecs: [
      {
        flags: ['RW', 'ACCESS', 'DELETE'],
        begin: { index: 1 },
        find: { keyNum: { keyNumIdx: 0, firstKey: 1, keyStep: 1 } },
      },
    ],
    // When numkeys is no number the specs find nothing; Redis's lmpopGetKeys reads it with atoi.
    getKeys: countedKeys({ countIndex: 1, firstKeyIndex: 2 }),
    handler: lmpop,
  }),
  ...blockingListCommands,
];
