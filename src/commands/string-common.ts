/** Helpers the string command files share: key specs, option names, value access, size limits. */
import type { KeySpec, KeySpecFlag } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { StringBuffer } from '../datatypes/string-buffer.js';

/** A key spec for keys from argv[1] on: one key (lastKey 0), or every `keyStep`-th to the end (-1). */
export function keysFromFirst(
  flags: KeySpecFlag[],
  options: { lastKey?: number; keyStep?: number; notes?: string } = {},
): KeySpec[] {
  const { lastKey = 0, keyStep = 1, notes } = options;
  const spec: KeySpec = {
    flags,
    begin: { index: 1 },
    find: { range: { lastKey, keyStep, limit: 0 } },
  };
  if (notes !== undefined) spec.notes = notes;
  return [spec];
}

/**
 * An option word as Redis compares it with strcasecmp: ASCII case folded, and only up to the
 * first NUL byte (so "NX\0junk" is NX to Redis, and to us).
 */
export function optionName(arg: string): string {
  const nul = arg.indexOf('\0');
  return (nul < 0 ? arg : arg.slice(0, nul)).toLowerCase();
}

/** Redis's checkStringLength: a string may not grow beyond proto-max-bulk-len. */
export function checkStringLength(
  ctx: CommandContext,
  size: bigint | number,
  append: number,
): void {
  const limit = BigInt(ctx.server.config.numberValue('proto-max-bulk-len'));
  if (BigInt(size) + BigInt(append) > limit) throw new ReplyError(Err.stringTooLong);
}

/**
 * The value of a string key as a StringBuffer that may be modified in place (Redis's
 * dbUnshareStringValue): an immutable value is copied into a new buffer that replaces it,
 * keeping the key's TTL.
 */
export function mutableString(
  ctx: CommandContext,
  key: string,
  value: string | StringBuffer,
): StringBuffer {
  if (value instanceof StringBuffer) {
    // Reached through a read lookup too (PFCOUNT caching its count): a snapshot copies it first.
    ctx.keyspace.copyOnWrite?.valueChanging(value);
    return value;
  }
  const buffer = new StringBuffer(value);
  ctx.keyspace.overwrite(ctx.db, key, buffer);
  return buffer;
}
