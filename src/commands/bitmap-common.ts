/** What the bitmap commands (bitmap.ts, bitfield.ts) share: bit offsets and access to the bytes. */
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { parseInt64 } from '../dispatch/numbers.js';
import { StringBuffer } from '../datatypes/string-buffer.js';
import { mutableString } from './string-common.js';

/**
 * A bit offset argument (Redis's getBitOffsetFromArgument): a non-negative integer whose byte is
 * within proto-max-bulk-len. With `fieldBits` (BITFIELD), "#n" means n fields of that width.
 */
export function parseBitOffset(ctx: CommandContext, arg: string, fieldBits = 0): number {
  const inFields = fieldBits > 0 && arg[0] === '#';
  let offset = parseInt64(inFields ? arg.slice(1) : arg);
  if (offset === null) throw new ReplyError(Err.bitOffset);
  // The multiplication wraps around like Redis's long long one.
  if (inFields) offset = BigInt.asIntN(64, offset * BigInt(fieldBits));
  const limit = BigInt(ctx.server.config.numberValue('proto-max-bulk-len'));
  if (offset < 0n || offset >> 3n >= limit) throw new ReplyError(Err.bitOffset);
  return Number(offset);
}

/**
 * A string key made long enough to hold bit `maxBit`, for writing in place (Redis's
 * lookupStringForBitCommand): created zero-filled when missing, zero-padded when shorter.
 * `grown` says whether either happened. WRONGTYPE for other types.
 */
export function stringForBitWrite(
  ctx: CommandContext,
  key: string,
  maxBit: number,
): { buffer: StringBuffer; grown: boolean } {
  const size = Math.floor(maxBit / 8) + 1;
  const value = ctx.writeString(key);
  if (value === undefined) {
    const buffer = new StringBuffer('', size);
    buffer.grow(size);
    ctx.keyspace.setKey(ctx.db, key, buffer);
    return { buffer, grown: true };
  }
  const buffer = mutableString(ctx, key, value);
  const before = buffer.length;
  buffer.grow(size);
  return { buffer, grown: buffer.length !== before };
}

/** The bytes of a string value in [start, end), for reading (a latin1 string is copied). */
export function bytesOf(value: string | StringBuffer, start = 0, end = value.length): Uint8Array {
  if (value instanceof StringBuffer) return value.bytes().subarray(start, end);
  return Buffer.from(
    start === 0 && end === value.length ? value : value.slice(start, end),
    'latin1',
  );
}

/** One byte of a string value. */
export function byteAt(value: string | StringBuffer, index: number): number {
  return typeof value === 'string' ? value.charCodeAt(index) : value.byteAt(index);
}
