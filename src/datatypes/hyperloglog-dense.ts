/**
 * The header and the dense representation of Redis's HyperLogLog, and the cardinality estimator.
 *
 * Header (16 bytes): "HYLL", the encoding (0 dense, 1 sparse), 3 unused bytes, and the cached
 * cardinality as a little-endian 64-bit integer whose top bit set means "stale, recompute".
 * Dense: 16384 registers of 6 bits packed from the least significant bit of each byte up, 12288
 * bytes. The estimate is Redis's since 5.0: Otmar Ertl's improved estimator over the histogram of
 * register values ("New cardinality estimation algorithms for HyperLogLog sketches").
 */

export const HLL_P = 14;
export const HLL_REGISTERS = 1 << HLL_P;
/** Bits of the hash left after the register index; counts run from 1 to HLL_Q + 1. */
export const HLL_Q = 64 - HLL_P;
export const HLL_HEADER_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HEADER_SIZE + (HLL_REGISTERS * 6) / 8;
export const HLL_ENCODING_OFFSET = 4;
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
const CARD_OFFSET = 8;
const REGISTER_MAX = 63;
/** 0.5 / ln(2), the limit of the HyperLogLog bias constant. */
const ALPHA_INF = 0.5 / Math.LN2;

/** The value of dense register `index` (bytes include the header). */
export function denseGet(bytes: Uint8Array, index: number): number {
  const bit = index * 6;
  const at = HLL_HEADER_SIZE + (bit >>> 3);
  const shift = bit & 7;
  let value = bytes[at] >>> shift;
  if (shift > 2) value |= bytes[at + 1] << (8 - shift);
  return value & REGISTER_MAX;
}

/** Sets dense register `index` to `value` (0 to 63), leaving its neighbours alone. */
export function denseSet(bytes: Uint8Array, index: number, value: number): void {
  const bit = index * 6;
  const at = HLL_HEADER_SIZE + (bit >>> 3);
  const shift = bit & 7;
  bytes[at] = (bytes[at] & ~(REGISTER_MAX << shift)) | (value << shift);
  if (shift > 2) {
    bytes[at + 1] = (bytes[at + 1] & ~(REGISTER_MAX >> (8 - shift))) | (value >> (8 - shift));
  }
}

/** Sets dense register `index` to `count` if that is higher; 1 if it changed, else 0. */
export function denseSetIfGreater(bytes: Uint8Array, index: number, count: number): number {
  if (count <= denseGet(bytes, index)) return 0;
  denseSet(bytes, index, count);
  return 1;
}

/** Adds the dense registers' values to `histogram` (16 registers in every 12 bytes). */
export function denseHistogram(bytes: Uint8Array, histogram: Int32Array): void {
  for (let r = HLL_HEADER_SIZE; r < HLL_DENSE_SIZE; r += 12) {
    const b0 = bytes[r];
    const b1 = bytes[r + 1];
    const b2 = bytes[r + 2];
    const b3 = bytes[r + 3];
    const b4 = bytes[r + 4];
    const b5 = bytes[r + 5];
    const b6 = bytes[r + 6];
    const b7 = bytes[r + 7];
    const b8 = bytes[r + 8];
    const b9 = bytes[r + 9];
    const b10 = bytes[r + 10];
    const b11 = bytes[r + 11];
    histogram[b0 & 63]++;
    histogram[((b0 >> 6) | (b1 << 2)) & 63]++;
    histogram[((b1 >> 4) | (b2 << 4)) & 63]++;
    histogram[b2 >> 2]++;
    histogram[b3 & 63]++;
    histogram[((b3 >> 6) | (b4 << 2)) & 63]++;
    histogram[((b4 >> 4) | (b5 << 4)) & 63]++;
    histogram[b5 >> 2]++;
    histogram[b6 & 63]++;
    histogram[((b6 >> 6) | (b7 << 2)) & 63]++;
    histogram[((b7 >> 4) | (b8 << 4)) & 63]++;
    histogram[b8 >> 2]++;
    histogram[b9 & 63]++;
    histogram[((b9 >> 6) | (b10 << 2)) & 63]++;
    histogram[((b10 >> 4) | (b11 << 4)) & 63]++;
    histogram[b11 >> 2]++;
  }
}

/** Ertl's sigma function. */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  let previous: number;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (previous !== z);
  return z;
}

/** Ertl's tau function. */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let previous: number;
  do {
    x = Math.sqrt(x);
    previous = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
  } while (previous !== z);
  return z / 3;
}

/** The cardinality estimate from the histogram of register values (Redis's hllCount). */
export function estimate(histogram: Int32Array): number {
  const m = HLL_REGISTERS;
  let z = m * tau((m - histogram[HLL_Q + 1]) / m);
  for (let j = HLL_Q; j >= 1; j--) {
    z += histogram[j];
    z *= 0.5;
  }
  z += m * sigma(histogram[0] / m);
  // llroundl: halves away from zero, which for a positive value is Math.round.
  return Math.round((ALPHA_INF * m * m) / z);
}

/** A histogram with room for every 6-bit register value. */
export function newHistogram(): Int32Array {
  return new Int32Array(64);
}

/** Marks the cached cardinality stale. */
export function invalidateCache(bytes: Uint8Array): void {
  bytes[CARD_OFFSET + 7] |= 0x80;
}

/** The cached cardinality, or null when stale. Values past 2^53 come back as a bigint. */
export function cachedCardinality(bytes: Uint8Array): number | bigint | null {
  if ((bytes[CARD_OFFSET + 7] & 0x80) !== 0) return null;
  const lo =
    (bytes[CARD_OFFSET] |
      (bytes[CARD_OFFSET + 1] << 8) |
      (bytes[CARD_OFFSET + 2] << 16) |
      (bytes[CARD_OFFSET + 3] << 24)) >>>
    0;
  const hi =
    (bytes[CARD_OFFSET + 4] |
      (bytes[CARD_OFFSET + 5] << 8) |
      (bytes[CARD_OFFSET + 6] << 16) |
      (bytes[CARD_OFFSET + 7] << 24)) >>>
    0;
  if (hi < 1 << 21) return hi * 2 ** 32 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Stores `card` (below 2^53) as the valid cached cardinality. */
export function storeCardinality(bytes: Uint8Array, card: number): void {
  let lo = card % 2 ** 32;
  let hi = Math.floor(card / 2 ** 32);
  for (let i = 0; i < 4; i++) {
    bytes[CARD_OFFSET + i] = lo & 0xff;
    bytes[CARD_OFFSET + 4 + i] = hi & 0xff;
    lo = Math.floor(lo / 256);
    hi >>>= 8;
  }
}
