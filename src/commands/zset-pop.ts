/**
 * Popping the lowest or highest entries: ZPOPMIN, ZPOPMAX, ZMPOP and the blocking BZPOPMIN,
 * BZPOPMAX and BZMPOP (Redis's genericZpopCommand and blockingGenericZpopCommand). The blocking
 * forms serve at once when one of their keys holds a sorted set, else wait for one (see
 * commands/blocking.ts); either way the write propagates as ZPOPMIN or ZPOPMAX.
 */
import { defineCommand, type CommandSpec, type KeySpec } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { countedKeys } from '../dispatch/keys.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import type { ZSetValue } from '../datatypes/zset.js';
import { blockDeadline, serveOrBlock, type BlockingPop } from './blocking.js';
import { keysAt } from './key-specs.js';
import { nonNegativeArgument, positiveArgument } from './list-ops.js';
import { optionName } from './string-common.js';
import { asZSet, entriesRemoved } from './zset-common.js';

type End = 'min' | 'max';

/**
 * How a pop replies (Redis's emitkey and use_nested_array): ZPOPMIN a flat array of member,
 * score...; with a count in RESP3, [member, score] pairs; BZPOPMIN [key, member, score]; ZMPOP
 * and BZMPOP [key, [[member, score] ...]].
 */
interface Shape {
  withKey: boolean;
  nested: boolean;
}

/**
 * Pops up to `count` entries from an end of the set at key and replies them, signalling the key
 * (and deleting it when emptied).
 */
function popAndReply(
  ctx: CommandContext,
  key: string,
  zset: ZSetValue,
  end: End,
  count: number,
  shape: Shape,
): void {
  const size = zset.size;
  const taken = Math.min(count, size);
  const reply = ctx.reply;
  if (shape.withKey && shape.nested) {
    reply.array(2);
    reply.bulk(key);
    reply.array(taken);
  } else if (shape.withKey) {
    reply.array(taken * 2 + 1);
    reply.bulk(key);
  } else {
    reply.array(shape.nested ? taken : taken * 2);
  }
  const first = end === 'min' ? 0 : size - taken;
  const cursor = zset.cursorAt(end === 'min' ? 0 : size - 1);
  for (let i = 0; i < taken; i++) {
    if (shape.nested) reply.array(2);
    reply.bulk(cursor.member);
    reply.double(cursor.score);
    if (end === 'min') cursor.next();
    else cursor.prev();
  }
  zset.deleteSpan(first, first + taken - 1);
  entriesRemoved(ctx, key, zset, `zpop${end}`, taken);
}

/** ZPOPMIN and ZPOPMAX key [count]. */
function zpopGeneric(ctx: CommandContext, argv: string[], end: End): void {
  if (argv.length > 3) throw new ReplyError(Err.syntax);
  let count = -1;
  if (argv.length === 3) {
    count = nonNegativeArgument(argv[2]);
  }
  const zset = asZSet(ctx.write(argv[1]));
  if (zset === undefined || count === 0) return ctx.reply.array(0);
  const nested = ctx.reply.resp !== 2 && count !== -1;
  popAndReply(ctx, argv[1], zset, end, count === -1 ? 1 : count, { withKey: false, nested });
}

/** ZMPOP and BZMPOP's arguments from numkeys on: keys, MIN|MAX, [COUNT count]. */
interface MultiPop {
  keys: string[];
  end: End;
  count: number;
}

function parseMultiPop(argv: string[], numkeysIndex: number): MultiPop {
  const numkeys = positiveArgument(argv[numkeysIndex], Err.numkeysNotPositive);
  const endIndex = numkeysIndex + numkeys + 1;
  if (endIndex >= argv.length) throw new ReplyError(Err.syntax);
  const end = optionName(argv[endIndex]);
  if (end !== 'min' && end !== 'max') throw new ReplyError(Err.syntax);
  let count = -1;
  for (let i = endIndex + 1; i < argv.length; i++) {
    if (count === -1 && optionName(argv[i]) === 'count' && i + 1 < argv.length) {
      count = positiveArgument(argv[++i], Err.countNotPositive);
    } else {
      throw new ReplyError(Err.syntax);
    }
  }
  return { keys: argv.slice(numkeysIndex + 1, endIndex), end, count: count === -1 ? 1 : count };
}

const NESTED_WITH_KEY: Shape = { withKey: true, nested: true };

/** Pops as ZMPOP and BZMPOP do, propagated as ZPOPMIN/ZPOPMAX key count. */
function multiPop(ctx: CommandContext, key: string, zset: ZSetValue, pop: MultiPop): void {
  popAndReply(ctx, key, zset, pop.end, pop.count, NESTED_WITH_KEY);
  ctx.propagateAs = [pop.end === 'min' ? 'ZPOPMIN' : 'ZPOPMAX', key, String(pop.count)];
}

/** ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]: from the first key holding a set. */
function zmpop(ctx: CommandContext, argv: string[]): void {
  const pop = parseMultiPop(argv, 1);
  for (const key of pop.keys) {
    const zset = asZSet(ctx.write(key));
    if (zset !== undefined) return multiPop(ctx, key, zset, pop);
  }
  ctx.reply.nullArray();
}

/** Every blocking pop replies a null array on timeout, and where it may not block. */
const replyNullArray = (ctx: CommandContext) => ctx.reply.nullArray();

/** BZPOPMIN and BZPOPMAX key [key ...] timeout: [key, member, score], propagated as ZPOPMIN key. */
function bzpopGeneric(ctx: CommandContext, argv: string[], end: End): void {
  const deadline = blockDeadline(ctx, argv[argv.length - 1]);
  serveOrBlock(ctx, argv.slice(1, -1), deadline, {
    type: 'zset',
    serve: (client, key, zset: ZSetValue) => {
      popAndReply(client, key, zset, end, 1, { withKey: true, nested: false });
      client.propagateAs = [end === 'min' ? 'ZPOPMIN' : 'ZPOPMAX', key];
    },
    replyNotBlocking: replyNullArray,
    replyTimeout: replyNullArray,
  } satisfies BlockingPop<ZSetValue>);
}

/** BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]: the timeout is read last. */
function bzmpop(ctx: CommandContext, argv: string[]): void {
  const pop = parseMultiPop(argv, 2);
  const deadline = blockDeadline(ctx, argv[1]);
  serveOrBlock(ctx, pop.keys, deadline, {
    type: 'zset',
    serve: (client, key, zset: ZSetValue) => multiPop(client, key, zset, pop),
    replyNotBlocking: replyNullArray,
    replyTimeout: replyNullArray,
  } satisfies BlockingPop<ZSetValue>);
}

const popKey = [keysAt(1, ['RW', 'ACCESS', 'DELETE'])];

function numberedKeys(index: number): KeySpec[] {
  return [
    {
      flags: ['RW', 'ACCESS', 'DELETE'],
      begin: { index },
      find: { keyNum: { keyNumIdx: 0, firstKey: 1, keyStep: 1 } },
    },
  ];
}

/** BZPOPMIN and BZPOPMAX: every argument but the last (the timeout) is a key. */
const blockingPopKeys = [keysAt(1, ['RW', 'ACCESS', 'DELETE'], -2)];

export const zsetPopCommands: CommandSpec[] = [
  defineCommand({
    name: 'zpopmin',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['sortedset'],
    keySpecs: popKey,
    handler: (ctx, argv) => zpopGeneric(ctx, argv, 'min'),
  }),
  defineCommand({
    name: 'zpopmax',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['sortedset'],
    keySpecs: popKey,
    handler: (ctx, argv) => zpopGeneric(ctx, argv, 'max'),
  }),
  defineCommand({
    name: 'zmpop',
    arity: -4,
    flags: ['write'],
    acl: ['sortedset'],
    keySpecs: numberedKeys(1),
    getKeys: countedKeys({ countIndex: 1, firstKeyIndex: 2 }),
    handler: zmpop,
  }),
  defineCommand({
    name: 'bzpopmin',
    arity: -3,
    flags: ['write', 'noscript', 'blocking', 'fast'],
    acl: ['sortedset'],
    keySpecs: blockingPopKeys,
    handler: (ctx, argv) => bzpopGeneric(ctx, argv, 'min'),
  }),
  defineCommand({
    name: 'bzpopmax',
    arity: -3,
    flags: ['write', 'noscript', 'blocking', 'fast'],
    acl: ['sortedset'],
    keySpecs: blockingPopKeys,
    handler: (ctx, argv) => bzpopGeneric(ctx, argv, 'max'),
  }),
  defineCommand({
    name: 'bzmpop',
    arity: -5,
    flags: ['write', 'blocking'],
    acl: ['sortedset'],
    keySpecs: numberedKeys(2),
    getKeys: countedKeys({ countIndex: 2, firstKeyIndex: 3 }),
    handler: bzmpop,
  }),
];
