/**
 * Listpacks as Redis 7.0 lays them out (listpack.c), the blobs RDB stores for small hashes,
 * sorted sets, quicklist nodes and stream nodes: a 6-byte header (total bytes, element count),
 * the elements, and an end byte 0xFF. Each element is its encoding and data followed by a
 * "backlen" (the size of those, 7 bits a byte, readable from the right). A string that is a
 * canonical 64-bit integer is stored as an integer, as lpAppend does.
 */
import { latin1 } from '../resp/latin1.js';

const HEADER_SIZE = 6;
/** Strings shorter than this are copied char by char; longer ones with one native call. */
const NATIVE_COPY_LENGTH = 32;
const EOF_BYTE = 0xff;
/** The element count stored in the header when it does not fit 16 bits. */
const COUNT_UNKNOWN = 65535;

export class ListpackBuilder {
  private buf = Buffer.allocUnsafe(64);
  private used = HEADER_SIZE;
  private count = 0;

  /** Empties it for the next listpack, keeping its buffer (what finish() returned is overwritten). */
  reset(): this {
    this.used = HEADER_SIZE;
    this.count = 0;
    return this;
  }

  /**
   * A latin1 string, or the integer it spells: `s`, or its chars from `start` to `end` (read in
   * place, so a caller holding many strings in one, as a packed hash does, makes no substring).
   */
  appendString(s: string, start = 0, end = s.length): void {
    const length = end - start;
    if (length <= 20) {
      const integer = canonicalInt64(s, start, end);
      if (integer !== null) {
        this.appendInteger(integer);
        return;
      }
    }
    let header: number;
    if (length < 64) {
      this.reserve(1 + length + 5);
      this.buf[this.used] = 0x80 | length;
      header = 1;
    } else if (length < 4096) {
      this.reserve(2 + length + 5);
      this.buf[this.used] = 0xe0 | (length >> 8);
      this.buf[this.used + 1] = length & 0xff;
      header = 2;
    } else {
      this.reserve(5 + length + 5);
      this.buf[this.used] = 0xf0;
      this.buf.writeUInt32LE(length, this.used + 1);
      header = 5;
    }
    const at = this.used + header;
    if (length < NATIVE_COPY_LENGTH) {
      const buf = this.buf;
      for (let i = 0; i < length; i++) buf[at + i] = s.charCodeAt(start + i);
    } else {
      this.buf.latin1Write(start === 0 && end === s.length ? s : s.slice(start, end), at, length);
    }
    this.finishElement(header + length);
  }

  /** A signed 64-bit integer in the smallest of listpack's integer encodings. */
  appendInteger(v: number | bigint): void {
    this.reserve(9 + 5);
    const buf = this.buf;
    const at = this.used;
    if (typeof v === 'bigint' && v >= -(2n ** 31n) && v < 2n ** 31n) v = Number(v);
    if (typeof v === 'number' && !Number.isSafeInteger(v)) v = BigInt(v);
    let size: number;
    if (typeof v === 'bigint') {
      buf[at] = 0xf4;
      buf.writeBigInt64LE(BigInt.asIntN(64, v), at + 1);
      size = 9;
    } else if (v >= 0 && v <= 127) {
      buf[at] = v;
      size = 1;
    } else if (v >= -4096 && v <= 4095) {
      const u = v < 0 ? 8192 + v : v;
      buf[at] = 0xc0 | (u >> 8);
      buf[at + 1] = u & 0xff;
      size = 2;
    } else if (v >= -32768 && v <= 32767) {
      buf[at] = 0xf1;
      buf.writeInt16LE(v, at + 1);
      size = 3;
    } else if (v >= -8388608 && v <= 8388607) {
      buf[at] = 0xf2;
      buf.writeIntLE(v, at + 1, 3);
      size = 4;
    } else if (v >= -2147483648 && v <= 2147483647) {
      buf[at] = 0xf3;
      buf.writeInt32LE(v, at + 1);
      size = 5;
    } else {
      buf[at] = 0xf4;
      buf.writeBigInt64LE(BigInt(v), at + 1);
      size = 9;
    }
    this.finishElement(size);
  }

  /** Bytes of the listpack so far, its end byte included (Redis's lpBytes). */
  get size(): number {
    return this.used + 1;
  }

  /** The finished listpack. */
  finish(): Buffer {
    return this.buf.subarray(0, this.complete());
  }

  /**
   * Finishes the listpack and returns its length: its bytes are the first that many of `bytes`
   * (for a writer that copies them at once without a view of them).
   */
  complete(): number {
    this.reserve(1);
    this.buf[this.used++] = EOF_BYTE;
    this.buf.writeUInt32LE(this.used, 0);
    this.buf.writeUInt16LE(Math.min(this.count, COUNT_UNKNOWN), 4);
    return this.used;
  }

  /** The buffer the listpack is built in (see complete()). */
  get bytes(): Buffer {
    return this.buf;
  }

  /** Writes the backlen of the element of `size` bytes just written at `used`. */
  private finishElement(size: number): void {
    const buf = this.buf;
    let at = this.used + size;
    if (size < 128) {
      buf[at++] = size;
    } else if (size < 16384) {
      buf[at++] = size >> 7;
      buf[at++] = (size & 127) | 128;
    } else if (size < 2097152) {
      buf[at++] = size >> 14;
      buf[at++] = ((size >> 7) & 127) | 128;
      buf[at++] = (size & 127) | 128;
    } else if (size < 268435456) {
      buf[at++] = size >> 21;
      buf[at++] = ((size >> 14) & 127) | 128;
      buf[at++] = ((size >> 7) & 127) | 128;
      buf[at++] = (size & 127) | 128;
    } else {
      buf[at++] = Math.floor(size / 268435456);
      buf[at++] = ((size >> 21) & 127) | 128;
      buf[at++] = ((size >> 14) & 127) | 128;
      buf[at++] = ((size >> 7) & 127) | 128;
      buf[at++] = (size & 127) | 128;
    }
    this.used = at;
    this.count++;
  }

  private reserve(n: number): void {
    const needed = this.used + n;
    if (needed <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.buf.length * 2));
    this.buf.copy(grown, 0, 0, this.used);
    this.buf = grown;
  }
}

/**
 * The value of s[start, end) when it is a canonical decimal signed 64-bit integer (no sign on 0,
 * no leading zeros: what lpStringToInt64 accepts), else null.
 */
function canonicalInt64(s: string, start: number, end: number): number | bigint | null {
  const negative = s.charCodeAt(start) === 0x2d;
  const first = negative ? start + 1 : start;
  const digits = end - first;
  if (digits <= 0) return null;
  const lead = s.charCodeAt(first);
  if (lead === 0x30) return digits === 1 && !negative ? 0 : null;
  if (lead < 0x31 || lead > 0x39) return null;
  let value = 0;
  for (let i = first; i < end; i++) {
    const digit = s.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return null;
    value = value * 10 + digit;
  }
  if (digits < 16) return negative ? -value : value;
  const big = BigInt(s.slice(start, end));
  return big >= INT64_MIN && big <= INT64_MAX ? big : null;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A malformed listpack or ziplist blob. */
export class BlobError extends Error {}

/**
 * The elements of the listpack in blob[start, end), integers as their decimal strings, written
 * into `out` from index `from` on, after which `out` ends (so a reader may reuse one array for
 * elements it copies out at once). Every length is checked against the blob, so damaged input
 * throws BlobError instead of reading past it.
 */
export function readListpack(
  blob: Buffer,
  start = 0,
  end = blob.length,
  out: string[] = [],
  from = out.length,
): string[] {
  if (end - start < HEADER_SIZE + 1) throw new BlobError('listpack too short');
  if (blob.readUInt32LE(start) !== end - start) throw new BlobError('listpack size mismatch');
  const declared = blob.readUInt16LE(start + 4);
  let count = from;
  let at = start + HEADER_SIZE;
  const last = end - 1;
  while (at < last) {
    const b = blob[at];
    let size: number;
    if (b < 0x80) {
      out[count++] = String(b);
      size = 1;
    } else if (b < 0xc0) {
      const length = b & 0x3f;
      size = 1 + length;
      checkRange(at + size, last);
      out[count++] = latin1(blob, at + 1, at + size);
    } else if (b < 0xe0) {
      checkRange(at + 2, last);
      const u = ((b & 0x1f) << 8) | blob[at + 1];
      out[count++] = String(u >= 4096 ? u - 8192 : u);
      size = 2;
    } else if (b < 0xf0) {
      checkRange(at + 2, last);
      const length = ((b & 0x0f) << 8) | blob[at + 1];
      size = 2 + length;
      checkRange(at + size, last);
      out[count++] = latin1(blob, at + 2, at + size);
    } else if (b === 0xf0) {
      checkRange(at + 5, last);
      const length = blob.readUInt32LE(at + 1);
      size = 5 + length;
      checkRange(at + size, last);
      out[count++] = latin1(blob, at + 5, at + size);
    } else if (b === 0xf1) {
      checkRange(at + 3, last);
      out[count++] = String(blob.readInt16LE(at + 1));
      size = 3;
    } else if (b === 0xf2) {
      checkRange(at + 4, last);
      out[count++] = String(blob.readIntLE(at + 1, 3));
      size = 4;
    } else if (b === 0xf3) {
      checkRange(at + 5, last);
      out[count++] = String(blob.readInt32LE(at + 1));
      size = 5;
    } else if (b === 0xf4) {
      checkRange(at + 9, last);
      out[count++] = String(blob.readBigInt64LE(at + 1));
      size = 9;
    } else {
      throw new BlobError('bad listpack encoding');
    }
    at += size + backlenSize(size);
    checkRange(at, last);
  }
  if (at !== last || blob[last] !== EOF_BYTE) throw new BlobError('listpack without end');
  if (declared !== COUNT_UNKNOWN && declared !== count - from) {
    throw new BlobError('listpack count mismatch');
  }
  if (out.length > count) out.length = count;
  return out;
}

function backlenSize(size: number): number {
  return size < 128 ? 1 : size < 16384 ? 2 : size < 2097152 ? 3 : size < 268435456 ? 4 : 5;
}

export function checkRange(at: number, end: number): void {
  if (at > end) throw new BlobError('an element runs past the end of its blob');
}
