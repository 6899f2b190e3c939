/**
 * The compact blobs of older RDB files that Redis 7.0 still loads: ziplists (ziplist.c, lists,
 * hashes and sorted sets before 7.0) and zipmaps (hashes before 2.6), read only; and intsets
 * (intset.c), which RDB 10 still writes for sets of integers.
 */
import { BlobError, checkRange } from './rdb-listpack.js';

const ZIPLIST_HEADER = 10;

/** The elements of a ziplist, integers as decimal strings. */
export function readZiplist(blob: Buffer): string[] {
  if (blob.length < ZIPLIST_HEADER + 1) throw new BlobError('ziplist too short');
  if (blob.readUInt32LE(0) !== blob.length) throw new BlobError('ziplist size mismatch');
  const end = blob.length - 1;
  const out: string[] = [];
  let at = ZIPLIST_HEADER;
  while (at < end) {
    at += blob[at] === 0xfe ? 5 : 1; // prevlen
    checkRange(at + 1, end);
    const b = blob[at];
    const kind = b >> 6;
    let next: number;
    if (kind === 0) {
      next = at + 1 + (b & 0x3f);
      checkRange(next, end);
      out.push(blob.latin1Slice(at + 1, next));
    } else if (kind === 1) {
      checkRange(at + 2, end);
      next = at + 2 + (((b & 0x3f) << 8) | blob[at + 1]);
      checkRange(next, end);
      out.push(blob.latin1Slice(at + 2, next));
    } else if (b === 0x80) {
      checkRange(at + 5, end);
      next = at + 5 + blob.readUInt32BE(at + 1);
      checkRange(next, end);
      out.push(blob.latin1Slice(at + 5, next));
    } else {
      next = at + 1 + integerSize(b);
      checkRange(next, end);
      out.push(readInteger(blob, b, at + 1));
    }
    at = next;
  }
  if (at !== end || blob[end] !== 0xff) throw new BlobError('ziplist without end');
  return out;
}

function integerSize(encoding: number): number {
  switch (encoding) {
    case 0xc0:
      return 2;
    case 0xd0:
      return 4;
    case 0xe0:
      return 8;
    case 0xf0:
      return 3;
    case 0xfe:
      return 1;
    default:
      if (encoding >= 0xf1 && encoding <= 0xfd) return 0;
      throw new BlobError('bad ziplist encoding');
  }
}

function readInteger(blob: Buffer, encoding: number, at: number): string {
  switch (encoding) {
    case 0xc0:
      return String(blob.readInt16LE(at));
    case 0xd0:
      return String(blob.readInt32LE(at));
    case 0xe0:
      return String(blob.readBigInt64LE(at));
    case 0xf0:
      return String(blob.readIntLE(at, 3));
    case 0xfe:
      return String(blob.readInt8(at));
    default:
      return String((encoding & 0x0f) - 1);
  }
}

/** The fields and values of a zipmap, alternating. */
export function readZipmap(blob: Buffer): string[] {
  const end = blob.length - 1;
  const out: string[] = [];
  let at = 1; // zmlen
  for (;;) {
    checkRange(at, end);
    if (blob[at] === 0xff) break;
    const key = zipmapLength(blob, at, end);
    checkRange(key.next + key.length, end);
    out.push(blob.latin1Slice(key.next, key.next + key.length));
    at = key.next + key.length;
    const value = zipmapLength(blob, at, end);
    const free = blob[value.next];
    const start = value.next + 1;
    checkRange(start + value.length + free, end);
    out.push(blob.latin1Slice(start, start + value.length));
    at = start + value.length + free;
  }
  if (out.length % 2 !== 0) throw new BlobError('zipmap with an odd element count');
  return out;
}

function zipmapLength(blob: Buffer, at: number, end: number): { length: number; next: number } {
  checkRange(at + 1, end);
  if (blob[at] < 254) return { length: blob[at], next: at + 1 };
  checkRange(at + 5, end);
  return { length: blob.readUInt32LE(at + 1), next: at + 5 };
}

/** An intset blob: the element width, the count, the sorted values (all little endian). */
export function writeIntset(values: readonly bigint[]): Buffer {
  let width = 2;
  for (const v of values) {
    if (v < -(2n ** 31n) || v >= 2n ** 31n) width = 8;
    else if (width < 4 && (v < -32768n || v > 32767n)) width = 4;
  }
  const blob = Buffer.allocUnsafe(8 + width * values.length);
  blob.writeUInt32LE(width, 0);
  blob.writeUInt32LE(values.length, 4);
  let at = 8;
  for (const v of values) {
    if (width === 2) blob.writeInt16LE(Number(v), at);
    else if (width === 4) blob.writeInt32LE(Number(v), at);
    else blob.writeBigInt64LE(v, at);
    at += width;
  }
  return blob;
}

/** The members of an intset blob as decimal strings, checked to be sorted and unique. */
export function readIntset(blob: Buffer): string[] {
  if (blob.length < 8) throw new BlobError('intset too short');
  const width = blob.readUInt32LE(0);
  const count = blob.readUInt32LE(4);
  if ((width !== 2 && width !== 4 && width !== 8) || blob.length !== 8 + width * count) {
    throw new BlobError('intset size mismatch');
  }
  const out = new Array<string>(count);
  let previous: bigint | null = null;
  for (let i = 0, at = 8; i < count; i++, at += width) {
    const v =
      width === 2
        ? BigInt(blob.readInt16LE(at))
        : width === 4
          ? BigInt(blob.readInt32LE(at))
          : blob.readBigInt64LE(at);
    if (previous !== null && v <= previous) throw new BlobError('intset not sorted');
    previous = v;
    out[i] = String(v);
  }
  return out;
}
