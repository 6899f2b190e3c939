/**
 * What every blocking command shares (BLPOP, BLMOVE, BZPOPMIN, XREAD ...): the timeout argument,
 * and the shape of "serve from the first ready key, or wait for one".
 */
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { parseLongDouble } from '../datatypes/long-double.js';
import { typeOf, type CollectionValue, type RedisType } from '../keyspace/values.js';

const LLONG_LIMIT = 2 ** 63;
/** Below 2^-1100 a long double times 1000 is still far below one millisecond. */
const TINY_EXPONENT = -1100;

/**
 * A timeout in seconds as Redis's getTimeoutFromObjectOrReply reads it: a long double (strtold),
 * times 1000 rounded up to whole milliseconds as a long long. Returns the deadline in ms, or 0
 * for "wait for ever" (a timeout of 0, or of less than nothing: -0.0001 rounds up to 0).
 */
export function blockDeadline(ctx: CommandContext, text: string): number {
  const parsed = parseLongDouble(text);
  if (parsed === null || parsed.outOfRange || parsed.value.kind === 'nan') {
    throw new ReplyError(Err.timeoutNotFloat);
  }
  const value = parsed.value;
  let ms: number;
  if (value.kind === 'infinity') {
    ms = NaN;
  } else if (value.exponent < TINY_EXPONENT) {
    ms = value.mantissa === 0n || value.negative ? 0 : 1;
  } else {
    const seconds = Number(value.mantissa) * 2 ** value.exponent;
    ms = Math.ceil((value.negative ? -seconds : seconds) * 1000);
  }
  // Out of a long long's range, x86-64 converts to LLONG_MIN: a negative timeout.
  if (!(ms < LLONG_LIMIT && ms >= -LLONG_LIMIT) || ms < 0) {
    throw new ReplyError(Err.timeoutNegative);
  }
  if (ms === 0) return 0;
  // Redis adds the time in 64 bits; past that sum the wait is for ever in practice.
  const deadline = ctx.now + ms;
  return deadline < LLONG_LIMIT ? deadline : 0;
}

/** How a blocking pop (BLPOP, BLMOVE, BZPOPMIN ...) takes from a key that can serve it. */
export interface BlockingPop<V extends CollectionValue> {
  /** The type of value it takes from; a key of another type is refused with WRONGTYPE. */
  readonly type: RedisType;
  /** Takes from the key's value and replies, as the command would without blocking. */
  serve(ctx: CommandContext, key: string, value: V): void;
  /** The reply where the command may not block (MULTI/EXEC, scripts) and nothing was ready. */
  replyNotBlocking(ctx: CommandContext): void;
  /** The reply when the timeout passes. */
  replyTimeout(ctx: CommandContext): void;
}

/**
 * Serves from the first key, in the given order, that holds a value (WRONGTYPE if one of another
 * type comes first); else blocks the client until a write gives one of the keys a value of the
 * type, or the deadline passes.
 */
export function serveOrBlock<V extends CollectionValue>(
  ctx: CommandContext,
  keys: readonly string[],
  deadline: number,
  pop: BlockingPop<V>,
): void {
  for (const key of keys) {
    const value = ctx.write(key);
    if (value === undefined) continue;
    if (typeOf(value) !== pop.type) throw new ReplyError(Err.wrongType);
    return pop.serve(ctx, key, value as V);
  }
  const blocking = ctx.server.blocking;
  if (!blocking.mayBlock()) return pop.replyNotBlocking(ctx);
  blocking.block(ctx, {
    keys,
    deadline,
    serve: (client, key) => {
      const value = client.write(key);
      // A key of another type (or gone again) leaves the client waiting, as in Redis 7.0.
      if (value === undefined || typeOf(value) !== pop.type) return false;
      pop.serve(client, key, value as V);
      return true;
    },
    timedOut: (client) => pop.replyTimeout(client),
  });
}
