/**
 * HINCRBY (exact signed 64-bit) and HINCRBYFLOAT (C long double arithmetic, formatted as
 * INCRBYFLOAT formats it, see datatypes/long-double.ts).
 */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { INT64_MAX, INT64_MIN, parseInt64 } from '../dispatch/numbers.js';
import {
  addLongDouble,
  formatLongDoubleHuman,
  LONG_DOUBLE_ZERO,
  parseLongDouble,
  type LongDouble,
} from '../datatypes/long-double.js';
import { keysAt } from './key-specs.js';
import { hashLimits, writeHash } from './hash-ops.js';

function hincrby(ctx: CommandContext, argv: string[]): void {
  const [, key, field, incrementText] = argv;
  const increment = parseInt64(incrementText);
  if (increment === null) throw new ReplyError(Err.notInteger);
  const hash = writeHash(ctx, key);
  const current = hash.get(field);
  const value = current === undefined ? 0n : parseInt64(current);
  if (value === null) throw new ReplyError(Err.hashValueNotInteger);
  const sum = value + increment;
  if (sum > INT64_MAX || sum < INT64_MIN) throw new ReplyError(Err.overflow);
  hash.set(field, String(sum), hashLimits(ctx));
  ctx.keyChanged(key, 'h', 'hincrby');
  ctx.reply.integer(sum);
}

/** A long double as strtold reads it; null when it is not one Redis accepts (NaN, out of range). */
function longDouble(text: string): LongDouble | null {
  const parsed = parseLongDouble(text);
  if (parsed === null || parsed.outOfRange || parsed.value.kind === 'nan') return null;
  return parsed.value;
}

function hincrbyfloat(ctx: CommandContext, argv: string[]): void {
  const [, key, field, incrementText] = argv;
  const increment = longDouble(incrementText);
  if (increment === null) throw new ReplyError(Err.notFloat);
  if (increment.kind !== 'finite') throw new ReplyError(Err.valueNanOrInfinity);
  const hash = writeHash(ctx, key);
  const current = hash.get(field);
  const value = current === undefined ? LONG_DOUBLE_ZERO : longDouble(current);
  if (value === null) throw new ReplyError(Err.hashValueNotFloat);
  const sum = addLongDouble(value, increment);
  if (sum.kind !== 'finite') throw new ReplyError(Err.nanOrInfinity);
  const text = formatLongDoubleHuman(sum);
  hash.set(field, text, hashLimits(ctx));
  ctx.keyChanged(key, 'h', 'hincrbyfloat');
  ctx.reply.bulk(text);
  // The result, not the increment, goes to replicas and the AOF, so they cannot round otherwise.
  ctx.propagateAs = ['HSET', key, field, text];
}

const counterKey = [keysAt(1, ['RW', 'ACCESS', 'UPDATE'])];

export const hashCounterCommands: CommandSpec[] = [
  defineCommand({
    name: 'hincrby',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['hash'],
    keySpecs: counterKey,
    handler: hincrby,
  }),
  defineCommand({
    name: 'hincrbyfloat',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['hash'],
    keySpecs: counterKey,
    handler: hincrbyfloat,
  }),
];
