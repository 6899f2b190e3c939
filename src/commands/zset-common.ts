/**
 * What the sorted set command files share: lookups with the type check, the listpack limits,
 * deletion of an emptied key, and the reply of member/score pairs in RESP2 and RESP3.
 */
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { ZSetValue, type ZSetLimits } from '../datatypes/zset.js';
import type { StoredValue } from '../keyspace/values.js';

/** A sorted set, undefined for a missing key; WRONGTYPE for another type. */
export function asZSet(value: StoredValue | undefined): ZSetValue | undefined {
  if (value === undefined || value instanceof ZSetValue) return value;
  throw new ReplyError(Err.wrongType);
}

export function readZSet(ctx: CommandContext, key: string): ZSetValue | undefined {
  return asZSet(ctx.read(key));
}

export function writeZSet(ctx: CommandContext, key: string): ZSetValue | undefined {
  return asZSet(ctx.write(key));
}

/** zset-max-listpack-entries/-value, read when a set may convert (CONFIG SET changes them). */
export function zsetLimits(ctx: CommandContext): ZSetLimits {
  const config = ctx.server.config;
  return {
    entries: config.numberValue('zset-max-listpack-entries'),
    value: config.numberValue('zset-max-listpack-value'),
  };
}

/**
 * Ends a write that removed `removed` entries: the command's event, and the key deleted with a
 * "del" event when it emptied the set.
 */
export function entriesRemoved(
  ctx: CommandContext,
  key: string,
  zset: ZSetValue,
  event: string,
  removed: number,
): void {
  if (removed === 0) return;
  const emptied = zset.size === 0;
  if (emptied) ctx.keyspace.delete(ctx.db, key);
  ctx.keyspace.keyChanged(ctx.db, key, 'z', event, removed);
  if (emptied) ctx.keyspace.notify(ctx.db, key, 'g', 'del');
}

/**
 * Stores a result at `destination` (replacing whatever was there, TTL included), or deletes the
 * destination when the result is empty; replies the result's size.
 */
export function storeZSet(
  ctx: CommandContext,
  destination: string,
  result: ZSetValue,
  event: string,
): void {
  if (result.size > 0) {
    ctx.keyspace.setKey(ctx.db, destination, result);
    ctx.keyChanged(destination, 'z', event);
  } else if (ctx.keyspace.delete(ctx.db, destination)) {
    ctx.keyChanged(destination, 'g', 'del');
  }
  ctx.reply.integer(result.size);
}

/**
 * The header of a reply of `count` members, with scores when `withScores`: one flat array in
 * RESP2, an array of [member, score] pairs in RESP3. Each entry then goes through replyEntry.
 */
export function replyEntriesHeader(ctx: CommandContext, count: number, withScores: boolean): void {
  ctx.reply.array(withScores && ctx.reply.resp === 2 ? count * 2 : count);
}

export function replyEntry(
  ctx: CommandContext,
  member: string,
  score: number,
  withScores: boolean,
): void {
  if (!withScores) return ctx.reply.bulk(member);
  if (ctx.reply.resp !== 2) ctx.reply.array(2);
  ctx.reply.bulk(member);
  ctx.reply.double(score);
}
