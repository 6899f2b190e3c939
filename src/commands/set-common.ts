/** What the set command files share: lookups with the type check, limits, key specs, counts. */
import type { KeySpec } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { INT64_MAX, parseInt64 } from '../dispatch/numbers.js';
import { SetValue } from '../datatypes/set.js';
import type { StoredValue } from '../keyspace/values.js';
import { keysAt } from './key-specs.js';

/** A set, undefined for a missing key; WRONGTYPE for another type. */
export function asSet(value: StoredValue | undefined): SetValue | undefined {
  if (value === undefined || value instanceof SetValue) return value;
  throw new ReplyError(Err.wrongType);
}

export function readSet(ctx: CommandContext, key: string): SetValue | undefined {
  return asSet(ctx.read(key));
}

export function writeSet(ctx: CommandContext, key: string): SetValue | undefined {
  return asSet(ctx.write(key));
}

/** set-max-intset-entries, read when a set may convert (CONFIG SET changes it at run time). */
export function maxIntsetEntries(ctx: CommandContext): number {
  return ctx.server.config.numberValue('set-max-intset-entries');
}

/** Deletes a set that a command emptied, with Redis's "del" event after the command's own. */
export function deleteIfEmpty(ctx: CommandContext, key: string, set: SetValue): boolean {
  if (set.size !== 0) return false;
  ctx.keyspace.delete(ctx.db, key);
  ctx.keyspace.notify(ctx.db, key, 'g', 'del');
  return true;
}

/**
 * A count in [-LONG_MAX, LONG_MAX] (SRANDMEMBER, ZRANDMEMBER: Redis's getRangeLongFromObjectOrReply
 * without a message).
 */
export function randomCountArgument(text: string): number {
  const n = parseInt64(text);
  if (n === null) throw new ReplyError(Err.notInteger);
  if (n < -INT64_MAX) throw new ReplyError(Err.countOutOfLongRange);
  return Number(n);
}

/**
 * `count` distinct indexes below `size` in random order (count < size). Close to the whole set,
 * a partial shuffle of every index; otherwise random draws until enough distinct ones came up.
 */
export function sampleIndexes(size: number, count: number, random: () => number): number[] {
  if (count * 3 > size) {
    const indexes = Array.from({ length: size }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(random() * (size - i));
      [indexes[i], indexes[j]] = [indexes[j], indexes[i]];
    }
    indexes.length = count;
    return indexes;
  }
  const picked = new Set<number>();
  while (picked.size < count) picked.add(Math.floor(random() * size));
  return [...picked];
}

/** The key specs of a command reading one key. */
export const readKey: KeySpec[] = [keysAt(1, ['RO'])];
export const accessKey: KeySpec[] = [keysAt(1, ['RO', 'ACCESS'])];
/** SINTER, SUNION, SDIFF: every argument is a key. */
export const accessKeys: KeySpec[] = [keysAt(1, ['RO', 'ACCESS'], -1)];
