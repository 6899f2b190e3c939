/**
 * Counters on string values: INCR, DECR, INCRBY, DECRBY (exact signed 64-bit) and INCRBYFLOAT
 * (C long double arithmetic, see datatypes/long-double.ts). Results are stored as decimal text.
 */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { INT64_MAX, INT64_MIN, parseInt64, parseInteger } from '../dispatch/numbers.js';
import {
  addLongDouble,
  formatLongDoubleHuman,
  LONG_DOUBLE_ZERO,
  parseLongDouble,
  type LongDouble,
} from '../datatypes/long-double.js';
import { stringBytes } from '../keyspace/values.js';
import { keysFromFirst } from './string-common.js';

/** Stores a counter's new text: a new key, or the old one's value replaced with its TTL kept. */
function storeCounter(ctx: CommandContext, key: string, existed: boolean, text: string): void {
  if (existed) ctx.keyspace.overwrite(ctx.db, key, text);
  else ctx.keyspace.setKey(ctx.db, key, text);
}

/**
 * Adds to an integer value (a missing key counts as 0), refusing to overflow 64 bits. A number
 * increment is a short one (under 16 characters, so under 2^53): with a short value too, the sum
 * is exact as a number, which is several times faster than BigInt.
 */
function incrDecr(ctx: CommandContext, key: string, increment: number | bigint): void {
  const value = ctx.writeString(key);
  const text = value === undefined ? '0' : stringBytes(value);
  let result: number | bigint;
  if (typeof increment === 'number' && text.length < 16) {
    const current = parseInteger(text);
    if (current === null) throw new ReplyError(Err.notInteger);
    result = current + increment;
  } else {
    const current = parseInt64(text);
    if (current === null) throw new ReplyError(Err.notInteger);
    result = current + BigInt(increment);
    if (result > INT64_MAX || result < INT64_MIN) throw new ReplyError(Err.overflow);
  }
  storeCounter(ctx, key, value !== undefined, String(result));
  ctx.keyChanged(key, '$', 'incrby');
  ctx.reply.integer(result);
}

/** An INCRBY/DECRBY argument: a number when short enough to be exact, a bigint otherwise. */
function incrementArgument(text: string): number | bigint {
  const increment = text.length < 16 ? parseInteger(text) : parseInt64(text);
  if (increment === null) throw new ReplyError(Err.notInteger);
  return increment;
}

const counterKey = keysFromFirst(['RW', 'ACCESS', 'UPDATE']);

export const incr = defineCommand({
  name: 'incr',
  arity: 2,
  flags: ['write', 'denyoom', 'fast'],
  acl: ['string'],
  keySpecs: counterKey,
  handler: (ctx, argv) => incrDecr(ctx, argv[1], 1),
});

export const decr = defineCommand({
  name: 'decr',
  arity: 2,
  flags: ['write', 'denyoom', 'fast'],
  acl: ['string'],
  keySpecs: counterKey,
  handler: (ctx, argv) => incrDecr(ctx, argv[1], -1),
});

export const incrby = defineCommand({
  name: 'incrby',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  acl: ['string'],
  keySpecs: counterKey,
  handler: (ctx, argv) => incrDecr(ctx, argv[1], incrementArgument(argv[2])),
});

export const decrby = defineCommand({
  name: 'decrby',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  acl: ['string'],
  keySpecs: counterKey,
  handler: (ctx, argv) => {
    const decrement = incrementArgument(argv[2]);
    // -INT64_MIN does not exist in 64 bits.
    if (decrement === INT64_MIN) throw new ReplyError(Err.decrementOverflow);
    incrDecr(ctx, argv[1], -decrement);
  },
});

/**
 * A value or argument as Redis's getLongDoubleFromObject reads it: all of it a number for strtold,
 * no leading space, not NaN, and not out of range (overflow to infinity, underflow to zero).
 * "inf" itself is accepted, so that INCRBYFLOAT then reports the infinite result.
 */
function longDoubleArgument(text: string): LongDouble {
  const parsed = parseLongDouble(text);
  if (parsed === null || parsed.outOfRange || parsed.value.kind === 'nan') {
    throw new ReplyError(Err.notFloat);
  }
  return parsed.value;
}

export const incrbyfloat = defineCommand({
  name: 'incrbyfloat',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  acl: ['string'],
  keySpecs: counterKey,
  handler: (ctx, argv) => {
    const key = argv[1];
    const value = ctx.writeString(key);
    const current = value === undefined ? LONG_DOUBLE_ZERO : longDoubleArgument(stringBytes(value));
    const sum = addLongDouble(current, longDoubleArgument(argv[2]));
    if (sum.kind !== 'finite') throw new ReplyError(Err.nanOrInfinity);
    const text = formatLongDoubleHuman(sum);
    storeCounter(ctx, key, value !== undefined, text);
    ctx.keyChanged(key, '$', 'incrbyfloat');
    ctx.reply.bulk(text);
    // The result, not the increment, goes to replicas and the AOF, so they cannot round otherwise.
    ctx.propagateAs = ['SET', key, text, 'KEEPTTL'];
  },
});

export const counterCommands: CommandSpec[] = [incr, decr, incrby, decrby, incrbyfloat];
