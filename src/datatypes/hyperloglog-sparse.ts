/**
 * The sparse representation of Redis's HyperLogLog: the registers after the 16-byte header as a
 * run-length code of three opcodes, exactly as Redis writes them (hyperloglog.c):
 *
 *   ZERO   00xxxxxx           1 to 64 registers set to 0 (xxxxxx + 1)
 *   XZERO  01xxxxxx yyyyyyyy  1 to 16384 registers set to 0 (14-bit xxxxxxyyyyyyyy + 1)
 *   VAL    1vvvvvxx           1 to 4 registers (xx + 1) set to 1..32 (vvvvv + 1)
 *
 * Updates happen in place in the string's bytes, splitting and merging opcodes the way Redis does,
 * so the same inserts give the same bytes. A register that needs a value above 32, or an update
 * that would take the string past hll-sparse-max-bytes, promotes the value to the dense encoding.
 */
import type { StringBuffer } from './string-buffer.js';
import {
  HLL_DENSE,
  HLL_DENSE_SIZE,
  HLL_ENCODING_OFFSET,
  HLL_HEADER_SIZE,
  HLL_REGISTERS,
  denseSet,
  denseSetIfGreater,
  invalidateCache,
} from './hyperloglog-dense.js';

const XZERO_BIT = 0x40;
const VAL_BIT = 0x80;
const VAL_MAX_VALUE = 32;
const VAL_MAX_LEN = 4;
const ZERO_MAX_LEN = 64;
const XZERO_MAX_LEN = 16384;

const isZero = (op: number): boolean => (op & 0xc0) === 0;
const isXzero = (op: number): boolean => (op & 0xc0) === XZERO_BIT;
const isVal = (op: number): boolean => (op & VAL_BIT) !== 0;
const zeroLength = (op: number): number => (op & 0x3f) + 1;
const xzeroLength = (op: number, next: number): number => (((op & 0x3f) << 8) | next) + 1;
const valValue = (op: number): number => ((op >> 2) & 0x1f) + 1;
const valLength = (op: number): number => (op & 3) + 1;
const valOp = (value: number, length: number): number =>
  ((value - 1) << 2) | (length - 1) | VAL_BIT;

/** The opcode bytes for `length` zero registers: ZERO up to 64, XZERO beyond. */
function pushZeros(seq: number[], length: number): void {
  if (length > ZERO_MAX_LEN) seq.push(((length - 1) >> 8) | XZERO_BIT, (length - 1) & 0xff);
  else seq.push(length - 1);
}

/** A new empty HyperLogLog (Redis's createHLLObject): the header and XZERO opcodes for all. */
export function emptySparseBytes(): Buffer {
  const opcodes = Math.ceil(HLL_REGISTERS / XZERO_MAX_LEN);
  const bytes = Buffer.alloc(HLL_HEADER_SIZE + opcodes * 2);
  bytes.latin1Write('HYLL', 0);
  bytes[HLL_ENCODING_OFFSET] = 1;
  let p = HLL_HEADER_SIZE;
  for (let left = HLL_REGISTERS; left > 0; left -= XZERO_MAX_LEN, p += 2) {
    const run = Math.min(left, XZERO_MAX_LEN);
    bytes[p] = ((run - 1) >> 8) | XZERO_BIT;
    bytes[p + 1] = (run - 1) & 0xff;
  }
  return bytes;
}

/**
 * Calls `visit(first, length, value)` for every opcode in order, and says whether the opcodes
 * cover exactly the 16384 registers. Stops at the first opcode that would run past the end, as
 * Redis does (an overflowing run is never visited).
 */
export function forEachSparseRun(
  bytes: Uint8Array,
  visit: (first: number, length: number, value: number) => void,
): boolean {
  const end = bytes.length;
  let index = 0;
  let p = HLL_HEADER_SIZE;
  while (p < end) {
    const op = bytes[p];
    let length: number;
    let value = 0;
    if (isZero(op)) {
      length = zeroLength(op);
      p++;
    } else if (isXzero(op)) {
      length = xzeroLength(op, bytes[p + 1] | 0);
      p += 2;
    } else {
      length = valLength(op);
      value = valValue(op);
      p++;
    }
    if (index + length > HLL_REGISTERS) return false;
    visit(index, length, value);
    index += length;
  }
  return index === HLL_REGISTERS;
}

/** PFDEBUG DECODE: the opcodes as text ("Z:12711 v:2,1 Z:3672"), valid or not. */
export function decodeSparse(bytes: Uint8Array): string {
  const parts: string[] = [];
  const end = bytes.length;
  for (let p = HLL_HEADER_SIZE; p < end; p++) {
    const op = bytes[p];
    if (isZero(op)) parts.push(`z:${zeroLength(op)}`);
    else if (isXzero(op)) parts.push(`Z:${xzeroLength(op, bytes[++p] | 0)}`);
    else parts.push(`v:${valValue(op)},${valLength(op)}`);
  }
  return parts.join(' ');
}

/**
 * Converts a sparse value to the dense encoding in place (Redis's hllSparseToDense): the header
 * (magic, cached cardinality) stays, the encoding byte becomes dense. Returns false, changing
 * nothing, when the opcodes are corrupt.
 */
export function sparseToDense(buffer: StringBuffer): boolean {
  const sparse = buffer.bytes();
  if (sparse[HLL_ENCODING_OFFSET] === HLL_DENSE) return true;
  // A new string of exactly the dense size, as Redis allocates it.
  const dense = new Uint8Array(HLL_DENSE_SIZE);
  dense.set(sparse.subarray(0, HLL_HEADER_SIZE));
  dense[HLL_ENCODING_OFFSET] = HLL_DENSE;
  const valid = forEachSparseRun(sparse, (first, length, value) => {
    if (value === 0) return;
    for (let i = first; i < first + length; i++) denseSet(dense, i, value);
  });
  if (!valid) return false;
  buffer.replace(dense);
  return true;
}

/**
 * Sets register `index` to `count` if it is lower (Redis's hllSparseSet): 1 if it changed, 0 if
 * not, -1 if the value is corrupt. May promote the value to dense.
 */
export function sparseSet(
  buffer: StringBuffer,
  index: number,
  count: number,
  maxSparseBytes: number,
): number {
  if (count > VAL_MAX_VALUE) return promote(buffer, index, count);
  let bytes = buffer.bytes();
  let end = bytes.length;

  // Step 1: find the opcode covering the register, and the one before it.
  let p = HLL_HEADER_SIZE;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (p < end) {
    const op = bytes[p];
    let opLength = 1;
    if (isZero(op)) span = zeroLength(op);
    else if (isVal(op)) span = valLength(op);
    else {
      span = xzeroLength(op, bytes[p + 1] | 0);
      opLength = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += opLength;
    first += span;
  }
  if (span === 0 || p >= end) return -1;
  const op = bytes[p];

  // Step 2: the cases that update a single byte in place.
  if (isVal(op)) {
    const current = valValue(op);
    if (current >= count) return 0;
    if (span === 1) {
      bytes[p] = valOp(count, 1);
      return mergeAdjacentValues(buffer, prev, end);
    }
  } else if (isZero(op) && span === 1) {
    bytes[p] = valOp(count, 1);
    return mergeAdjacentValues(buffer, prev, end);
  }

  // The general case: split the opcode into up to three (at most 5 bytes).
  const last = first + span - 1;
  const seq: number[] = [];
  if (isVal(op)) {
    const current = valValue(op);
    if (index !== first) seq.push(valOp(current, index - first));
    seq.push(valOp(count, 1));
    if (index !== last) seq.push(valOp(current, last - index));
  } else {
    if (index !== first) pushZeros(seq, index - first);
    seq.push(valOp(count, 1));
    if (index !== last) pushZeros(seq, last - index);
  }

  // Step 3: put the new sequence where the old opcode was, moving what follows.
  const oldLength = isXzero(op) ? 2 : 1;
  const delta = seq.length - oldLength;
  if (delta > 0 && end + delta > maxSparseBytes) return promote(buffer, index, count);
  const next = p + oldLength;
  if (delta > 0) {
    buffer.grow(end + delta);
    bytes = buffer.bytes();
    bytes.copyWithin(next + delta, next, end);
  } else if (delta < 0) {
    bytes.copyWithin(next + delta, next, end);
    buffer.truncate(end + delta);
  }
  end += delta;
  for (let i = 0; i < seq.length; i++) bytes[p + i] = seq[i];
  return mergeAdjacentValues(buffer, prev, end);
}

/**
 * Step 4 of an update: merges adjacent VAL opcodes of equal value (up to 4 registers), scanning
 * at most 5 opcodes from the one before the change; then invalidates the cached cardinality.
 */
function mergeAdjacentValues(buffer: StringBuffer, prev: number, end: number): number {
  const bytes = buffer.bytes();
  let p = prev >= 0 ? prev : HLL_HEADER_SIZE;
  let scan = 5;
  while (p < end && scan-- !== 0) {
    const op = bytes[p];
    if (isXzero(op)) {
      p += 2;
      continue;
    }
    if (isZero(op)) {
      p++;
      continue;
    }
    if (p + 1 < end && isVal(bytes[p + 1])) {
      const value = valValue(op);
      const length = valLength(op) + valLength(bytes[p + 1]);
      if (value === valValue(bytes[p + 1]) && length <= VAL_MAX_LEN) {
        bytes[p + 1] = valOp(value, length);
        bytes.copyWithin(p, p + 1, end);
        end--;
        buffer.truncate(end);
        // Stay on this opcode: it may merge with the next one too.
        continue;
      }
    }
    p++;
  }
  invalidateCache(bytes);
  return 1;
}

/** Converts to dense and sets the register there; the register always changes (Redis asserts). */
function promote(buffer: StringBuffer, index: number, count: number): number {
  if (!sparseToDense(buffer)) return -1;
  return denseSetIfGreater(buffer.bytes(), index, count);
}
