/**
 * Redis's CRC64 (Jones polynomial 0xad93d23594c935a9, reflected, no final xor), the checksum that
 * ends RDB files and DUMP payloads. Slice-by-8 as Redis's crcspeed: eight tables, eight bytes per
 * step; the 64-bit state is kept as two 32-bit halves so no bigint arithmetic runs per byte.
 * `Crc64` takes the input in pieces, as a save streams it.
 */
import { endianness } from 'node:os';

const LITTLE_ENDIAN = endianness() === 'LE';
/** Below this many bytes the word view is not worth creating. */
const WORDS_THRESHOLD = 64;

/** The reflected polynomial, split into its high and low 32 bits. */
const POLY_HI = 0x95ac9329;
const POLY_LO = 0xac4bc9b5;

/**
 * TABLE_LO[k * 256 + n], TABLE_HI[...]: the CRC of byte n followed by k zero bytes. Int32Arrays
 * (the same bits as unsigned), so the loop stays in V8's small-integer arithmetic.
 */
const { hi: TABLE_HI, lo: TABLE_LO } = makeTables();

function makeTables(): { hi: Int32Array; lo: Int32Array } {
  const hi = new Int32Array(8 * 256);
  const lo = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let h = 0;
    let l = n;
    for (let bit = 0; bit < 8; bit++) {
      const carry = l & 1;
      l = (l >>> 1) | ((h & 1) << 31);
      h >>>= 1;
      if (carry) {
        h ^= POLY_HI;
        l ^= POLY_LO;
      }
    }
    hi[n] = h;
    lo[n] = l;
  }
  for (let k = 1; k < 8; k++) {
    for (let n = 0; n < 256; n++) {
      const h = hi[(k - 1) * 256 + n];
      const l = lo[(k - 1) * 256 + n];
      const index = l & 0xff;
      lo[k * 256 + n] = ((l >>> 8) | (h << 24)) ^ lo[index];
      hi[k * 256 + n] = (h >>> 8) ^ hi[index];
    }
  }
  return { hi, lo };
}

export class Crc64 {
  private hi = 0;
  private lo = 0;

  update(bytes: Uint8Array, start = 0, end = bytes.length): this {
    let i = start;
    // The bulk is read as 32-bit words where the platform's order is little-endian (a quarter of
    // the loads and no shifts to assemble them; a 25 MB file in 60 ms instead of 130 to 300).
    if (end - start >= WORDS_THRESHOLD && LITTLE_ENDIAN) {
      while (((bytes.byteOffset + i) & 3) !== 0) this.updateBytes(bytes, i, ++i);
      const words = Math.floor((end - i) / 8) * 2;
      this.updateWords(new Int32Array(bytes.buffer, bytes.byteOffset + i, words));
      i += words * 4;
    }
    return this.updateBytes(bytes, i, end);
  }

  /** Eight bytes per step, read as two little-endian words. */
  private updateWords(words: Int32Array): void {
    let hi = this.hi;
    let lo = this.lo;
    for (let k = 0; k < words.length; k += 2) {
      lo ^= words[k];
      hi ^= words[k + 1];
      const l = step(TABLE_LO, lo, hi);
      hi = step(TABLE_HI, lo, hi);
      lo = l;
    }
    this.hi = hi;
    this.lo = lo;
  }

  private updateBytes(bytes: Uint8Array, start: number, end: number): this {
    let hi = this.hi;
    let lo = this.lo;
    let i = start;
    for (; i + 8 <= end; i += 8) {
      lo ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
      hi ^= bytes[i + 4] | (bytes[i + 5] << 8) | (bytes[i + 6] << 16) | (bytes[i + 7] << 24);
      const l = step(TABLE_LO, lo, hi);
      hi = step(TABLE_HI, lo, hi);
      lo = l;
    }
    for (; i < end; i++) {
      const index = (lo ^ bytes[i]) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ TABLE_LO[index];
      hi = (hi >>> 8) ^ TABLE_HI[index];
    }
    this.hi = hi;
    this.lo = lo;
    return this;
  }

  digest(): bigint {
    return (BigInt(this.hi >>> 0) << 32n) | BigInt(this.lo >>> 0);
  }

  /** The checksum as the 8 little-endian bytes files and payloads end with. */
  writeTo(target: Uint8Array, at: number): void {
    const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
    view.setUint32(at, this.lo >>> 0, true);
    view.setUint32(at + 4, this.hi >>> 0, true);
  }
}

/** One half of the state after eight bytes (the state xored with them) went through the tables. */
function step(table: Int32Array, lo: number, hi: number): number {
  return (
    table[1792 + (lo & 0xff)] ^
    table[1536 + ((lo >>> 8) & 0xff)] ^
    table[1280 + ((lo >>> 16) & 0xff)] ^
    table[1024 + (lo >>> 24)] ^
    table[768 + (hi & 0xff)] ^
    table[512 + ((hi >>> 8) & 0xff)] ^
    table[256 + ((hi >>> 16) & 0xff)] ^
    table[hi >>> 24]
  );
}

export function crc64(bytes: Uint8Array, start = 0, end = bytes.length): bigint {
  return new Crc64().update(bytes, start, end).digest();
}
