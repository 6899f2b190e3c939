/** What the hash commands share: lookups with the type check, and the listpack limits. */
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { HashValue, type HashLimits } from '../datatypes/hash.js';
import type { StoredValue } from '../keyspace/values.js';

/** A hash, undefined when the key is missing; WRONGTYPE for another type. */
export function asHash(value: StoredValue | undefined): HashValue | undefined {
  if (value === undefined || value instanceof HashValue) return value;
  throw new ReplyError(Err.wrongType);
}

/**
 * The hash at key before writing it; a missing key gets a new, empty hash at once (Redis's
 * hashTypeLookupWriteOrCreate), which the command then fills.
 */
export function writeHash(ctx: CommandContext, key: string): HashValue {
  let hash = asHash(ctx.write(key));
  if (hash === undefined) {
    hash = new HashValue();
    ctx.keyspace.setKey(ctx.db, key, hash);
  }
  return hash;
}

/** hash-max-listpack-entries and -value as they are now (CONFIG SET changes them). */
export function hashLimits(ctx: CommandContext): HashLimits {
  const config = ctx.server.config;
  return {
    maxEntries: config.numberValue('hash-max-listpack-entries'),
    maxValue: config.numberValue('hash-max-listpack-value'),
  };
}
