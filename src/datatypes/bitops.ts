/**
 * Bit operations on byte strings, as Redis's bitops.c defines them: bit 0 is the most significant
 * bit of the first byte. Population count, first set or clear bit, and AND/OR/XOR/NOT of several
 * strings (shorter ones read as zero-padded).
 */

/** Set bits in each byte value. */
const BITS_IN_BYTE = Uint8Array.from({ length: 256 }, (_, byte) => {
  let count = 0;
  for (let b = byte; b !== 0; b &= b - 1) count++;
  return count;
});

/** The number of set bits in bytes[start, end). */
export function popcount(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let count = 0;
  for (let i = start; i < end; i++) count += BITS_IN_BYTE[bytes[i]];
  return count;
}

/**
 * The position of the first bit equal to `bit` in bytes[start, start + count), counted from the
 * range's first bit (Redis's redisBitpos). Looking for a 1 in all zeros gives -1; looking for a 0
 * in all ones gives count * 8, the first bit past the range, as if the string went on with zeros.
 */
export function firstBit(bytes: Uint8Array, start: number, count: number, bit: number): number {
  const skip = bit === 1 ? 0 : 0xff;
  for (let i = 0; i < count; i++) {
    const byte = bytes[start + i];
    if (byte !== skip) return i * 8 + firstBitOfByte(byte, bit);
  }
  return bit === 1 ? -1 : count * 8;
}

/** firstBit of a single byte: 0 to 7, or -1 (no 1) or 8 (no 0). */
export function firstBitOfByte(byte: number, bit: number): number {
  // Clear bits are the set bits of the complement; Math.clz32 finds the first from the left.
  const bits = bit === 1 ? byte & 0xff : ~byte & 0xff;
  if (bits === 0) return bit === 1 ? -1 : 8;
  return Math.clz32(bits) - 24;
}

export type BitOp = 'and' | 'or' | 'xor' | 'not';

/**
 * BITOP over the sources (NOT takes one) into `result`, which is as long as the longest source:
 * shorter sources read as zeros past their end.
 */
export function bitop(op: BitOp, sources: readonly Uint8Array[], result: Uint8Array): void {
  const length = result.length;
  result.fill(0);
  result.set(sources[0]);
  if (op === 'not') {
    for (let i = 0; i < length; i++) result[i] = ~result[i];
    return;
  }
  for (let s = 1; s < sources.length; s++) {
    const source = sources[s];
    const common = source.length;
    if (op === 'and') {
      for (let i = 0; i < common; i++) result[i] &= source[i];
      result.fill(0, common);
    } else if (op === 'or') {
      for (let i = 0; i < common; i++) result[i] |= source[i];
    } else {
      for (let i = 0; i < common; i++) result[i] ^= source[i];
    }
  }
}
