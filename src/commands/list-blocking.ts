/**
 * The blocking list commands: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP. Each serves at once
 * when one of its keys holds a list, exactly as its non-blocking form would; otherwise the client
 * waits (see server/blocking.ts) and is served by the first push to one of its keys. Whether
 * served at once or later, the write propagates as the non-blocking form (LPOP, LMOVE ...).
 */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import { countedKeys } from '../dispatch/keys.js';
import type { CommandContext } from '../dispatch/context.js';
import type { ListValue } from '../datatypes/list.js';
import { keysAt } from './key-specs.js';
import { blockDeadline, serveOrBlock, type BlockingPop } from './blocking.js';
import {
  moveElement,
  moveKeys,
  parseEnd,
  parseMultiPop,
  popOneWithKey,
  popWithKey,
  type End,
  type Move,
} from './list-ops.js';

/** Every blocking list command replies a null array on timeout, BLMOVE included (Redis 7.0). */
const replyTimeout = (ctx: CommandContext) => ctx.reply.nullArray();

/** BLPOP and BRPOP: [key, element] from the first non-empty list. */
function blockingPop(ctx: CommandContext, argv: string[], end: End): void {
  const deadline = blockDeadline(ctx, argv[argv.length - 1]);
  serveOrBlock(ctx, argv.slice(1, -1), deadline, {
    type: 'list',
    serve: (client, key, list: ListValue) => popOneWithKey(client, key, list, end),
    replyNotBlocking: replyTimeout,
    replyTimeout,
  } satisfies BlockingPop<ListValue>);
}

/** BLMOVE and BRPOPLPUSH: the element moved, propagated as LMOVE or RPOPLPUSH. */
function blockingMove(ctx: CommandContext, move: Move, timeout: string, asRpoplpush: boolean) {
  const deadline = blockDeadline(ctx, timeout);
  const propagateAs = asRpoplpush
    ? ['RPOPLPUSH', move.source, move.destination]
    : ['LMOVE', move.source, move.destination, move.from.toUpperCase(), move.to.toUpperCase()];
  serveOrBlock(ctx, [move.source], deadline, {
    type: 'list',
    serve: (client, _key, list: ListValue) => {
      moveElement(client, list, move);
      client.propagateAs = propagateAs;
    },
    // Inside MULTI the answer is a null bulk string, unlike the timeout's null array.
    replyNotBlocking: (client) => client.reply.nullBulk(),
    replyTimeout,
  } satisfies BlockingPop<ListValue>);
}

/** BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]. */
function blmpop(ctx: CommandContext, argv: string[]): void {
  const { keys, end, count } = parseMultiPop(argv, 2);
  const deadline = blockDeadline(ctx, argv[1]);
  serveOrBlock(ctx, keys, deadline, {
    type: 'list',
    serve: (client, key, list: ListValue) => popWithKey(client, key, list, end, count),
    replyNotBlocking: replyTimeout,
    replyTimeout,
  } satisfies BlockingPop<ListValue>);
}

/** BLPOP and BRPOP: every argument but the last (the timeout) is a key. */
const blockingPopKeys = [keysAt(1, ['RW', 'ACCESS', 'DELETE'], -2)];

export const blockingListCommands: CommandSpec[] = [
  defineCommand({
    name: 'blpop',
    arity: -3,
    flags: ['write', 'noscript', 'blocking'],
    acl: ['list'],
    keySpecs: blockingPopKeys,
    handler: (ctx, argv) => blockingPop(ctx, argv, 'left'),
  }),
  defineCommand({
    name: 'brpop',
    arity: -3,
    flags: ['write', 'noscript', 'blocking'],
    acl: ['list'],
    keySpecs: blockingPopKeys,
    handler: (ctx, argv) => blockingPop(ctx, argv, 'right'),
  }),
  defineCommand({
    name: 'blmove',
    arity: 6,
    flags: ['write', 'denyoom', 'noscript', 'blocking'],
    acl: ['list'],
    keySpecs: moveKeys,
    handler: (ctx, argv) => {
      const [from, to] = [parseEnd(argv[3]), parseEnd(argv[4])];
      blockingMove(ctx, { source: argv[1], destination: argv[2], from, to }, argv[5], false);
    },
  }),
  defineCommand({
    name: 'brpoplpush',
    arity: 4,
    flags: ['write', 'denyoom', 'noscript', 'blocking'],
    acl: ['list'],
    keySpecs: moveKeys,
    handler: (ctx, argv) => {
      const move: Move = { source: argv[1], destination: argv[2], from: 'right', to: 'left' };
      blockingMove(ctx, move, argv[3], true);
    },
  }),
  defineCommand({
    name: 'blmpop',
    arity: -5,
    flags: ['write', 'blocking'],
    acl: ['list'],
    keySpecs: [
      {
        flags: ['RW', 'ACCESS', 'DELETE'],
        begin: { index: 2 },
        find: { keyNum: { keyNumIdx: 0, firstKey: 1, keyStep: 1 } },
      },
    ],
    getKeys: countedKeys({ countIndex: 2, firstKeyIndex: 3 }),
    handler: blmpop,
  }),
];
