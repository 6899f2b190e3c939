/**
 * Bitmap commands on string values: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP (Redis's bitops.c).
 * BITFIELD and BITFIELD_RO live in bitfield.ts; the shared helpers in bitmap-common.ts.
 */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { parseInt64 } from '../dispatch/numbers.js';
import { StringBuffer } from '../datatypes/string-buffer.js';
import { bitop, firstBit, firstBitOfByte, popcount, type BitOp } from '../datatypes/bitops.js';
import { isString } from '../keyspace/values.js';
import { bitfieldCommands } from './bitfield.js';
import { byteAt, bytesOf, parseBitOffset, stringForBitWrite } from './bitmap-common.js';
import { keysAt } from './key-specs.js';
import { optionName } from './string-common.js';

export const setbit = defineCommand({
  name: 'setbit',
  arity: 4,
  flags: ['write', 'denyoom'],
  acl: ['bitmap'],
  keySpecs: [keysAt(1, ['RW', 'ACCESS', 'UPDATE'])],
  handler: (ctx, argv) => {
    const key = argv[1];
    const offset = parseBitOffset(ctx, argv[2]);
    const on = parseInt64(argv[3]);
    if (on !== 0n && on !== 1n) throw new ReplyError(Err.bitValue);
    const { buffer, grown } = stringForBitWrite(ctx, key, offset);
    const byte = Math.floor(offset / 8);
    const mask = 1 << (7 - (offset % 8));
    const old = buffer.byteAt(byte) & mask ? 1 : 0;
    // Like Redis, only a new key, a longer string or a flipped bit counts as a change.
    if (grown || old !== Number(on)) {
      buffer.setByteAt(byte, on === 1n ? buffer.byteAt(byte) | mask : buffer.byteAt(byte) & ~mask);
      ctx.keyChanged(key, '$', 'setbit');
    }
    ctx.reply.integer(old);
  },
});

export const getbit = defineCommand({
  name: 'getbit',
  arity: 3,
  flags: ['readonly', 'fast'],
  acl: ['bitmap'],
  keySpecs: [keysAt(1, ['RO', 'ACCESS'])],
  handler: (ctx, argv) => {
    const offset = parseBitOffset(ctx, argv[2]);
    const value = ctx.readString(argv[1]);
    const byte = Math.floor(offset / 8);
    if (value === undefined || byte >= value.length) return ctx.reply.integer(0);
    ctx.reply.integer((byteAt(value, byte) >> (7 - (offset % 8))) & 1);
  },
});

/** A range of a string in bytes, and masks of the bits outside it in its first and last byte. */
interface BitRange {
  start: number;
  end: number;
  firstMask: number;
  lastMask: number;
}

/**
 * Clamps start..end (inclusive, negative from the end) into a string of `length` bytes, in bits
 * when `inBits`, and returns it in bytes with the masks of the edge bits outside the range (the
 * range handling BITCOUNT and BITPOS share in Redis). An empty range has start > end.
 */
function clampRange(start: bigint, end: bigint, length: number, inBits: boolean): BitRange {
  const total = BigInt(inBits ? length * 8 : length);
  if (start < 0n) start += total;
  if (end < 0n) end += total;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= total) end = total - 1n;
  const range = { start: Number(start), end: Number(end), firstMask: 0, lastMask: 0 };
  if (inBits && start <= end) {
    range.firstMask = ~((1 << (8 - (range.start % 8))) - 1) & 0xff;
    range.lastMask = (1 << (7 - (range.end % 8))) - 1;
    range.start = Math.floor(range.start / 8);
    range.end = Math.floor(range.end / 8);
  }
  return range;
}

/** BIT or BYTE, the unit of a range; anything else is a syntax error. */
function isBitUnit(arg: string): boolean {
  const unit = optionName(arg);
  if (unit !== 'bit' && unit !== 'byte') throw new ReplyError(Err.syntax);
  return unit === 'bit';
}

function parseIndex(arg: string): bigint {
  const value = parseInt64(arg);
  if (value === null) throw new ReplyError(Err.notInteger);
  return value;
}

export const bitcount = defineCommand({
  name: 'bitcount',
  arity: -2,
  flags: ['readonly'],
  acl: ['bitmap'],
  keySpecs: [keysAt(1, ['RO', 'ACCESS'])],
  handler: (ctx, argv) => {
    // Redis looks the key up before reading the range: a missing key is 0 whatever follows.
    const value = ctx.readString(argv[1]);
    if (value === undefined) return ctx.reply.integer(0);
    let range: BitRange;
    if (argv.length === 4 || argv.length === 5) {
      const start = parseIndex(argv[2]);
      const end = parseIndex(argv[3]);
      if (start < 0n && end < 0n && start > end) return ctx.reply.integer(0);
      const inBits = argv.length === 5 && isBitUnit(argv[4]);
      range = clampRange(start, end, value.length, inBits);
    } else if (argv.length === 2) {
      range = { start: 0, end: value.length - 1, firstMask: 0, lastMask: 0 };
    } else {
      throw new ReplyError(Err.syntax);
    }
    const { start, end, firstMask, lastMask } = range;
    if (start > end) return ctx.reply.integer(0);
    const bytes = bytesOf(value, start, end + 1);
    const last = bytes.length - 1;
    // The edge bytes are counted whole, then their bits outside the range taken off.
    const outside = popcount(Uint8Array.of(bytes[0] & firstMask, bytes[last] & lastMask));
    ctx.reply.integer(popcount(bytes) - outside);
  },
});

export const bitpos = defineCommand({
  name: 'bitpos',
  arity: -3,
  flags: ['readonly'],
  acl: ['bitmap'],
  keySpecs: [keysAt(1, ['RO', 'ACCESS'])],
  handler: (ctx, argv) => {
    const bit = parseIndex(argv[2]);
    if (bit !== 0n && bit !== 1n) throw new ReplyError(Err.bitposBit);
    const wanted = Number(bit);
    // A missing key is an endless run of zeros.
    const value = ctx.readString(argv[1]);
    if (value === undefined) return ctx.reply.integer(wanted === 1 ? -1 : 0);
    const length = value.length;
    let range: BitRange;
    let endGiven = false;
    if (argv.length >= 4 && argv.length <= 6) {
      const start = parseIndex(argv[3]);
      const inBits = argv.length === 6 && isBitUnit(argv[5]);
      endGiven = argv.length >= 5;
      const end = endGiven ? parseIndex(argv[4]) : BigInt(length - 1);
      range = clampRange(start, end, length, inBits);
    } else if (argv.length === 3) {
      range = { start: 0, end: length - 1, firstMask: 0, lastMask: 0 };
    } else {
      throw new ReplyError(Err.syntax);
    }
    if (range.start > range.end) return ctx.reply.integer(-1);
    const { pos, bytes, start } = searchRange(bytesOf(value), range, wanted);
    // With an explicit end, a 0 just past the range is not in it.
    if (endGiven && wanted === 0 && pos === bytes * 8) return ctx.reply.integer(-1);
    ctx.reply.integer(pos === -1 ? -1 : pos + start * 8);
  },
});

/**
 * Redis's search of bitposCommand: the first byte (masked), the whole bytes, then the last byte
 * (masked). Returns the position found relative to `start` (the byte where the search that found
 * it began) and how many bytes that search covered.
 */
function searchRange(
  p: Uint8Array,
  range: BitRange,
  bit: number,
): { pos: number; bytes: number; start: number } {
  let { start } = range;
  const { end, firstMask, lastMask } = range;
  let bytes = end - start + 1;
  // Outside bits are set to what we are not looking for.
  const masked = (byte: number, mask: number) => (bit ? byte & ~mask : byte | mask) & 0xff;
  if (firstMask !== 0) {
    let byte = masked(p[start], firstMask);
    if (lastMask !== 0 && bytes === 1) byte = masked(byte, lastMask);
    const pos = firstBitOfByte(byte, bit);
    if (bytes === 1 || (pos !== -1 && pos !== 8)) return { pos, bytes, start };
    start++;
    bytes--;
  }
  const whole = bytes - (lastMask !== 0 ? 1 : 0);
  if (whole > 0) {
    const pos = firstBit(p, start, whole, bit);
    if (bytes === whole || (pos !== -1 && pos !== whole * 8)) return { pos, bytes, start };
    start += whole;
    bytes -= whole;
  }
  return { pos: firstBitOfByte(masked(p[end], lastMask), bit), bytes, start };
}

const BIT_OPS: ReadonlySet<string> = new Set(['and', 'or', 'xor', 'not']);

export const bitopCommand = defineCommand({
  name: 'bitop',
  arity: -4,
  flags: ['write', 'denyoom'],
  acl: ['bitmap'],
  keySpecs: [keysAt(2, ['OW', 'UPDATE']), keysAt(3, ['RO', 'ACCESS'], -1)],
  handler: (ctx, argv) => {
    const op = optionName(argv[1]);
    if (!BIT_OPS.has(op)) throw new ReplyError(Err.syntax);
    if (op === 'not' && argv.length !== 4) throw new ReplyError(Err.bitopNotKeys);
    const sources: Uint8Array[] = [];
    let length = 0;
    for (let j = 3; j < argv.length; j++) {
      const value = ctx.read(argv[j]);
      if (value !== undefined && !isString(value)) throw new ReplyError(Err.wrongType);
      const bytes = value === undefined ? EMPTY : bytesOf(value);
      sources.push(bytes);
      length = Math.max(length, bytes.length);
    }
    storeResult(ctx, argv[2], op as BitOp, sources, length);
    ctx.reply.integer(length);
  },
});

const EMPTY = new Uint8Array(0);

/** Stores BITOP's result in the target, or deletes the target when the result is empty. */
function storeResult(
  ctx: CommandContext,
  target: string,
  op: BitOp,
  sources: Uint8Array[],
  length: number,
): void {
  if (length === 0) {
    if (ctx.keyspace.delete(ctx.db, target)) ctx.keyChanged(target, 'g', 'del');
    return;
  }
  const result = new StringBuffer('', length);
  result.grow(length);
  bitop(op, sources, result.bytes());
  ctx.write(target);
  ctx.keyspace.setKey(ctx.db, target, result);
  ctx.keyChanged(target, '$', 'set');
}

export const bitmapCommands: CommandSpec[] = [
  setbit,
  getbit,
  bitcount,
  bitpos,
  bitopCommand,
  ...bitfieldCommands,
];
