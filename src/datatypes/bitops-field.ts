/**
 * BITFIELD's integers: signed and unsigned integers of 1 to 64 bits at any bit offset of a byte
 * string, most significant bit first (Redis's get/setUnsignedBitfield), and the overflow rules of
 * INCRBY and SET (checkUnsigned/SignedBitfieldOverflow) with WRAP, SAT and FAIL. Values are
 * BigInts: they may need all 64 bits.
 */

export type Overflow = 'wrap' | 'sat' | 'fail';

/** A field's type: signed or not, and its width in bits. */
export interface FieldType {
  signed: boolean;
  bits: number;
}

/** The unsigned value of `bits` bits from bit `offset` on (bytes past the end read as zero). */
export function getUnsigned(bytes: Uint8Array, offset: number, bits: number): bigint {
  let value = 0n;
  let word = 0;
  let wordBits = 0;
  for (let j = 0; j < bits; j++, offset++) {
    const at = Math.floor(offset / 8);
    const byte = at < bytes.length ? bytes[at] : 0;
    word = word * 2 + ((byte >> (7 - (offset % 8))) & 1);
    // Gather up to 32 bits in a number before moving them into the BigInt.
    if (++wordBits === 32 || j === bits - 1) {
      value = (value << BigInt(wordBits)) | BigInt(word);
      word = 0;
      wordBits = 0;
    }
  }
  return value;
}

/** The field read as its type: unsigned, or two's complement when signed. */
export function getField(bytes: Uint8Array, offset: number, type: FieldType): bigint {
  const value = getUnsigned(bytes, offset, type.bits);
  return type.signed ? BigInt.asIntN(type.bits, value) : value;
}

/** Writes the low `bits` bits of `value` at bit `offset` (the bytes must reach that far). */
export function setField(bytes: Uint8Array, offset: number, bits: number, value: bigint): void {
  const unsigned = BigInt.asUintN(bits, value);
  for (let j = 0; j < bits; j++, offset++) {
    const bit = Number((unsigned >> BigInt(bits - 1 - j)) & 1n);
    const at = Math.floor(offset / 8);
    const shift = 7 - (offset % 8);
    bytes[at] = (bytes[at] & ~(1 << shift)) | (bit << shift);
  }
}

/** What an INCRBY or SET does to a field: the value to store, or null for FAIL on overflow. */
export function applyOverflow(
  value: bigint,
  increment: bigint,
  type: FieldType,
  overflow: Overflow,
): bigint | null {
  return type.signed
    ? signedOverflow(value, increment, type.bits, overflow)
    : unsignedOverflow(value, increment, type.bits, overflow);
}

const UINT64_MASK = (1n << 64n) - 1n;
const int64 = (x: bigint): bigint => BigInt.asIntN(64, x);

/**
 * Redis's checkUnsignedBitfieldOverflow with its C arithmetic: `value` is a uint64 (a SET value
 * is the int64 argument cast), `increment` an int64.
 */
function unsignedOverflow(
  value: bigint,
  increment: bigint,
  bits: number,
  overflow: Overflow,
): bigint | null {
  const uvalue = value & UINT64_MASK;
  const max = (1n << BigInt(bits)) - 1n;
  const maxIncrement = int64(max - uvalue);
  const minIncrement = int64(-uvalue);
  let limit: bigint;
  if (uvalue > max || (increment > 0n && increment > maxIncrement)) limit = max;
  else if (increment < 0n && increment < minIncrement) limit = 0n;
  else return uvalue + increment;
  if (overflow === 'fail') return null;
  if (overflow === 'sat') return limit;
  return BigInt.asUintN(bits, uvalue + increment);
}

/** Redis's checkSignedBitfieldOverflow, with the int64 wrap-around of its C arithmetic. */
function signedOverflow(
  value: bigint,
  increment: bigint,
  bits: number,
  overflow: Overflow,
): bigint | null {
  const max = (1n << BigInt(bits - 1)) - 1n;
  const min = -max - 1n;
  const maxIncrement = int64(max - value);
  const minIncrement = int64(min - value);
  let limit: bigint;
  if (
    value > max ||
    (bits !== 64 && increment > maxIncrement) ||
    (value >= 0n && increment > 0n && increment > maxIncrement)
  ) {
    limit = max;
  } else if (
    value < min ||
    (bits !== 64 && increment < minIncrement) ||
    (value < 0n && increment < 0n && increment < minIncrement)
  ) {
    limit = min;
  } else {
    return value + increment;
  }
  if (overflow === 'fail') return null;
  if (overflow === 'sat') return limit;
  // Wrap: add as uint64, then sign-extend from the field's top bit.
  return BigInt.asIntN(bits, value + increment);
}
