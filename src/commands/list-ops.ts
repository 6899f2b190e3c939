/**
 * What the list commands share, blocking ones included: lookups with the type check, argument
 * parsing as Redis's list commands do it, and the pops and moves with their replies, events and
 * propagation (Redis's listPopRangeAndReplyWithKey, lmoveHandlePush, listElementsRemoved).
 */
import type { KeySpec } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { parseInteger } from '../dispatch/numbers.js';
import { ListValue } from '../datatypes/list.js';
import type { StoredValue } from '../keyspace/values.js';
import { keysAt } from './key-specs.js';
import { optionName } from './string-common.js';

/** An end of a list: LEFT is the head, RIGHT the tail. */
export type End = 'left' | 'right';

/** LEFT or RIGHT, any case (Redis's getListPositionFromObjectOrReply). */
export function parseEnd(arg: string): End {
  const end = optionName(arg);
  if (end === 'left' || end === 'right') return end;
  throw new ReplyError(Err.syntax);
}

/** A list, undefined when the key is missing; WRONGTYPE for another type. */
export function asList(value: StoredValue | undefined): ListValue | undefined {
  if (value === undefined || value instanceof ListValue) return value;
  throw new ReplyError(Err.wrongType);
}

/** An integer argument (Redis's getLongFromObjectOrReply). */
export function integerArgument(text: string): number {
  const n = parseInteger(text);
  if (n === null) throw new ReplyError(Err.notInteger);
  return n;
}

/**
 * A count that must be positive (Redis's getPositiveLongFromObjectOrReply): `message` for a
 * negative value or a non-integer, as Redis does when given one.
 */
export function nonNegativeArgument(text: string, message: string = Err.mustBePositive): number {
  const n = parseInteger(text);
  if (n === null || n < 0) throw new ReplyError(message);
  return n;
}

/** A count in [1, LONG_MAX], with the command's own message for anything else. */
export function positiveArgument(text: string, message: string): number {
  const n = parseInteger(text);
  if (n === null || n < 1) throw new ReplyError(message);
  return n;
}

/** LMPOP and BLMPOP's arguments from numkeys on: keys, LEFT|RIGHT, [COUNT count]. */
export interface MultiPop {
  keys: string[];
  end: End;
  count: number;
}

export function parseMultiPop(argv: string[], numkeysIndex: number): MultiPop {
  const numkeys = positiveArgument(argv[numkeysIndex], Err.numkeysNotPositive);
  const endIndex = numkeysIndex + numkeys + 1;
  if (endIndex >= argv.length) throw new ReplyError(Err.syntax);
  const end = parseEnd(argv[endIndex]);
  let count = -1;
  for (let i = endIndex + 1; i < argv.length; i++) {
    if (count === -1 && optionName(argv[i]) === 'count' && i + 1 < argv.length) {
      count = positiveArgument(argv[++i], Err.countNotPositive);
    } else {
      throw new ReplyError(Err.syntax);
    }
  }
  return {
    keys: argv.slice(numkeysIndex + 1, endIndex),
    end,
    count: count === -1 ? 1 : count,
  };
}

/** LMOVE and its kin: the source, then the destination. */
export const moveKeys: KeySpec[] = [
  keysAt(1, ['RW', 'ACCESS', 'DELETE']),
  keysAt(2, ['RW', 'INSERT']),
];

/** Clamps a LRANGE/LTRIM range to [0, length): null when it selects nothing. */
export function clampRange(
  start: number,
  end: number,
  length: number,
): { start: number; end: number } | null {
  if (start < 0) start = Math.max(0, length + start);
  if (end < 0) end = length + end;
  if (start > end || start >= length) return null;
  return { start, end: Math.min(end, length - 1) };
}

/**
 * Pushes value at an end of the list at key, which is created when missing. Signals the key
 * (without a dirty count: the caller counts the whole write).
 */
export function pushTo(
  ctx: CommandContext,
  key: string,
  list: ListValue | undefined,
  value: string,
  end: End,
): void {
  if (list === undefined) {
    list = new ListValue();
    ctx.keyspace.setKey(ctx.db, key, list);
  }
  if (end === 'left') list.pushHead(value);
  else list.pushTail(value);
  ctx.keyspace.keyChanged(ctx.db, key, 'l', end === 'left' ? 'lpush' : 'rpush', 0);
}

/**
 * Ends a write that removed `count` elements of the list at key: deletes the key when the list
 * was emptied, then signals it with `event`, `del` when it went, and `count` writes.
 */
export function signalRemoval(
  ctx: CommandContext,
  key: string,
  emptied: boolean,
  event: string,
  count: number,
): void {
  if (emptied) ctx.keyspace.delete(ctx.db, key);
  ctx.keyspace.keyChanged(ctx.db, key, 'l', event, count);
  if (emptied) ctx.keyspace.notify(ctx.db, key, 'g', 'del');
}

/** After elements were popped from an end (Redis's listElementsRemoved). */
export function elementsRemoved(
  ctx: CommandContext,
  key: string,
  list: ListValue,
  end: End,
  count: number,
): void {
  signalRemoval(ctx, key, list.length === 0, end === 'left' ? 'lpop' : 'rpop', count);
}

/** Pops up to count elements from an end, in the order they come off. */
export function popElements(list: ListValue, end: End, count: number): string[] {
  const popped: string[] = [];
  for (let i = 0; i < count && list.length > 0; i++) {
    popped.push((end === 'left' ? list.popHead() : list.popTail()) as string);
  }
  return popped;
}

/**
 * LMPOP and BLMPOP's answer: pops up to count elements of a non-empty list, replies
 * [key, [elements]], and propagates the write as [LR]POP key count.
 */
export function popWithKey(
  ctx: CommandContext,
  key: string,
  list: ListValue,
  end: End,
  count: number,
): void {
  const popped = popElements(list, end, count);
  ctx.reply.array(2);
  ctx.reply.bulk(key);
  ctx.reply.bulkArray(popped);
  elementsRemoved(ctx, key, list, end, popped.length);
  ctx.propagateAs = [popCommand(end), key, String(popped.length)];
}

/** BLPOP and BRPOP's answer: pops one element, replies [key, element], propagates [LR]POP key. */
export function popOneWithKey(ctx: CommandContext, key: string, list: ListValue, end: End): void {
  const value = (end === 'left' ? list.popHead() : list.popTail()) as string;
  ctx.reply.array(2);
  ctx.reply.bulk(key);
  ctx.reply.bulk(value);
  elementsRemoved(ctx, key, list, end, 1);
  ctx.propagateAs = [popCommand(end), key];
}

function popCommand(end: End): string {
  return end === 'left' ? 'LPOP' : 'RPOP';
}

/** LMOVE's arguments, shared by RPOPLPUSH and the blocking forms. */
export interface Move {
  source: string;
  destination: string;
  from: End;
  to: End;
}

/**
 * Moves one element of the non-empty list at source to destination (WRONGTYPE, with nothing
 * moved, when destination holds another type) and replies with it. The destination is pushed
 * first, as in Redis, so a list moved onto itself never empties.
 */
export function moveElement(ctx: CommandContext, list: ListValue, move: Move): void {
  const target = asList(ctx.write(move.destination));
  const value = (move.from === 'left' ? list.popHead() : list.popTail()) as string;
  pushTo(ctx, move.destination, target, value, move.to);
  elementsRemoved(ctx, move.source, list, move.from, 1);
  ctx.reply.bulk(value);
}
