/**
 * Redis's HyperLogLog, byte for byte: an HLL is a plain string value ("HYLL" header, sparse or
 * dense registers) that GET can copy from Redis to Kvik and back. This module is the entry point
 * the commands use; hyperloglog-dense.ts holds the header, dense registers and estimator,
 * hyperloglog-sparse.ts the sparse run-length code.
 */
import { StringBuffer } from './string-buffer.js';
import { murmurHash64A, type Hash64 } from './murmur.js';
import {
  HLL_DENSE,
  HLL_DENSE_SIZE,
  HLL_ENCODING_OFFSET,
  HLL_HEADER_SIZE,
  HLL_P,
  HLL_REGISTERS,
  HLL_SPARSE,
  denseGet,
  denseHistogram,
  denseSetIfGreater,
  estimate,
  newHistogram,
} from './hyperloglog-dense.js';
import { emptySparseBytes, forEachSparseRun, sparseSet } from './hyperloglog-sparse.js';

export {
  HLL_REGISTERS,
  cachedCardinality,
  denseGet,
  invalidateCache,
  storeCardinality,
} from './hyperloglog-dense.js';
export { decodeSparse, sparseToDense } from './hyperloglog-sparse.js';

/** The seed Redis hashes elements with. */
export const HLL_SEED = 0xadc83b19;
const P_MASK = HLL_REGISTERS - 1;

/** The bytes of a string value, for reading (a latin1 string is copied once). */
export function valueBytes(value: string | StringBuffer): Buffer {
  return value instanceof StringBuffer ? value.bytes() : Buffer.from(value, 'latin1');
}

/**
 * Whether a string value is an HLL as Redis checks it (isHLLObjectOrReply): at least a header,
 * the "HYLL" magic, a known encoding, and the exact size when dense. Sparse opcodes are only
 * checked when used.
 */
export function isHll(value: string | StringBuffer): boolean {
  const length = value.length;
  if (length < HLL_HEADER_SIZE) return false;
  const header = value.slice(0, HLL_ENCODING_OFFSET + 1);
  if (!header.startsWith('HYLL')) return false;
  const encoding = header.charCodeAt(HLL_ENCODING_OFFSET);
  if (encoding > HLL_SPARSE) return false;
  return encoding !== HLL_DENSE || length === HLL_DENSE_SIZE;
}

export function isSparse(bytes: Uint8Array): boolean {
  return bytes[HLL_ENCODING_OFFSET] === HLL_SPARSE;
}

/** A new, empty HLL value (sparse). */
export function newHll(): StringBuffer {
  return new StringBuffer(emptySparseBytes().latin1Slice());
}

/**
 * The register an element falls in and its count, the length of the run of zeros (plus one) in
 * the hash bits above the register index, as Redis's hllPatLen: `index | count << 14`.
 */
export function patternOf(element: string, hash: Hash64): number {
  return patternOfHash(murmurHash64A(element, HLL_SEED, hash));
}

/** patternOf for an element already hashed with HLL_SEED. */
export function patternOfHash(hash: Hash64): number {
  const index = hash.lo & P_MASK;
  // The bits above the index: 18 from the low half, then the 32 of the high half; a bit set at
  // position 50 ends the run, so counts stop at 51.
  const low = hash.lo >>> HLL_P;
  let count: number;
  if (low !== 0) count = 1 + trailingZeros(low);
  else if (hash.hi !== 0) count = 33 - HLL_P + trailingZeros(hash.hi);
  else count = 65 - HLL_P;
  return index | (count << HLL_P);
}

function trailingZeros(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** Raises register `index` to `count` if lower: 1 if it changed, 0 if not, -1 if corrupt. */
export function setRegister(
  buffer: StringBuffer,
  index: number,
  count: number,
  maxSparseBytes: number,
): number {
  const bytes = buffer.bytes();
  if (bytes[HLL_ENCODING_OFFSET] === HLL_DENSE) return denseSetIfGreater(bytes, index, count);
  return sparseSet(buffer, index, count, maxSparseBytes);
}

/**
 * Adds elements[from ...] (Redis's PFADD loop over hllAdd): the number of registers that changed,
 * or -1 if the value is corrupt. Dense registers are updated through one view of the bytes; a
 * sparse update may move them, so the view is taken again after each.
 */
export function addElements(
  buffer: StringBuffer,
  elements: readonly string[],
  from: number,
  maxSparseBytes: number,
): number {
  const hash: Hash64 = { hi: 0, lo: 0 };
  let bytes = buffer.bytes();
  let changed = 0;
  for (let j = from; j < elements.length; j++) {
    const pattern = patternOf(elements[j], hash);
    const index = pattern & P_MASK;
    const count = pattern >>> HLL_P;
    if (bytes[HLL_ENCODING_OFFSET] === HLL_DENSE) {
      changed += denseSetIfGreater(bytes, index, count);
      continue;
    }
    const result = sparseSet(buffer, index, count, maxSparseBytes);
    if (result < 0) return -1;
    changed += result;
    bytes = buffer.bytes();
  }
  return changed;
}

/** The estimated cardinality from the registers (ignoring the cache), or null if corrupt. */
export function countRegisters(bytes: Uint8Array): number | null {
  const histogram = newHistogram();
  if (bytes[HLL_ENCODING_OFFSET] === HLL_DENSE) {
    denseHistogram(bytes, histogram);
  } else {
    const valid = forEachSparseRun(bytes, (_first, length, value) => {
      histogram[value] += length;
    });
    if (!valid) return null;
  }
  return estimate(histogram);
}

/**
 * Raises each of `max`'s 16384 byte registers to the HLL's register where that is higher
 * (Redis's hllMerge). False if the HLL is corrupt.
 */
export function mergeRegisters(max: Uint8Array, bytes: Uint8Array): boolean {
  if (bytes[HLL_ENCODING_OFFSET] === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const value = denseGet(bytes, i);
      if (value > max[i]) max[i] = value;
    }
    return true;
  }
  return forEachSparseRun(bytes, (first, length, value) => {
    for (let i = first; i < first + length; i++) if (value > max[i]) max[i] = value;
  });
}

/** The estimated cardinality of 16384 byte registers (the union PFCOUNT builds for many keys). */
export function countRawRegisters(registers: Uint8Array): number {
  const histogram = newHistogram();
  for (let i = 0; i < HLL_REGISTERS; i++) histogram[registers[i]]++;
  return estimate(histogram);
}
