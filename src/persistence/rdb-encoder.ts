/**
 * RdbEncoder: the low-level writer of Redis's RDB serialization (rdb.c's rdbSaveLen,
 * rdbSaveRawString, rdbSaveMillisecondTime, rdbSaveBinaryDoubleValue ...). It appends to a
 * growable buffer; `take()` hands out what was written so far, so a background save can write a
 * file while the keyspace walk goes on encoding, and the running CRC64 covers every byte handed
 * out. DUMP uses the same encoder for one value.
 */
import { lzfCompress, LzfTable } from '../datatypes/lzf.js';
import { Crc64 } from './crc64.js';
import { ListpackBuilder } from './rdb-listpack.js';
import {
  ENC_INT16,
  ENC_INT32,
  ENC_INT8,
  ENC_LZF,
  LEN_32BIT,
  LEN_64BIT,
  LEN_ENCVAL,
} from './rdb-constants.js';

export interface RdbEncoderOptions {
  /** rdbcompression: strings over 20 bytes are LZF-compressed when that saves space. */
  compress: boolean;
  /** rdbchecksum: the file ends with the CRC64 of its bytes (else 0). */
  checksum: boolean;
}

const INITIAL_CAPACITY = 4096;
/** Strings shorter than this are copied byte by byte; longer ones with one native call. */
const NATIVE_COPY_LENGTH = 32;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

export class RdbEncoder {
  readonly options: RdbEncoderOptions;
  private buf = Buffer.allocUnsafe(INITIAL_CAPACITY);
  private used = 0;
  private readonly crc: Crc64 | null;
  /** Allocated on the first compression, then reused by every one. */
  private lzfTable: LzfTable | null = null;
  /** A string's bytes, for compression. */
  private scratch = Buffer.allocUnsafe(0);
  /** Pending bytes already folded into the checksum (the checksum's own, once written). */
  private summed = 0;
  private listpackBuilder: ListpackBuilder | null = null;

  constructor(options: RdbEncoderOptions = { compress: true, checksum: true }) {
    this.options = options;
    this.crc = options.checksum ? new Crc64() : null;
  }

  /**
   * An empty listpack builder, the same one every call: for a listpack written as soon as it is
   * built (`string(lp.finish())`), so that a save does not allocate a builder and its buffer per
   * key.
   */
  listpack(): ListpackBuilder {
    return (this.listpackBuilder ??= new ListpackBuilder()).reset();
  }

  /** Bytes written and not yet taken. */
  get pending(): number {
    return this.used;
  }

  /** The bytes written since the last take (a copy), folded into the running checksum. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.used));
    this.crc?.update(out, this.summed);
    this.summed = 0;
    this.used = 0;
    return out;
  }

  /** Appends the CRC64 of everything written (8 little-endian bytes; zeros without checksum). */
  writeChecksum(): void {
    this.crc?.update(this.buf, this.summed, this.used);
    const at = this.used;
    this.reserve(8);
    if (this.crc === null) this.buf.fill(0, at, at + 8);
    else this.crc.writeTo(this.buf, at);
    this.used = at + 8;
    this.summed = this.used;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.used++] = b;
  }

  bytes(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.used);
    this.used += bytes.length;
  }

  /** A latin1 string's bytes, without a length. */
  latin1(s: string): void {
    const length = s.length;
    this.reserve(length);
    if (length < NATIVE_COPY_LENGTH) {
      const buf = this.buf;
      let at = this.used;
      for (let i = 0; i < length; i++) buf[at++] = s.charCodeAt(i);
      this.used = at;
    } else {
      this.used += this.buf.latin1Write(s, this.used, length);
    }
  }

  /** rdbSaveLen: 6, 14, 32 or 64-bit length (a bigint for the 64-bit counters of streams). */
  length(n: number | bigint): void {
    if (typeof n === 'number' && n < 64) {
      this.byte(n);
    } else if (typeof n === 'number' && n < 16384) {
      this.reserve(2);
      this.buf[this.used++] = 0x40 | (n >> 8);
      this.buf[this.used++] = n & 0xff;
    } else if (typeof n === 'number' && n <= 0xffffffff) {
      this.reserve(5);
      this.buf[this.used++] = LEN_32BIT;
      this.buf.writeUInt32BE(n, this.used);
      this.used += 4;
    } else {
      this.reserve(9);
      this.buf[this.used++] = LEN_64BIT;
      this.buf.writeBigUInt64BE(BigInt.asUintN(64, BigInt(n)), this.used);
      this.used += 8;
    }
  }

  /**
   * rdbSaveRawString: a short canonical integer in the integer encoding, a string over 20 bytes
   * LZF-compressed when enabled and smaller, else length and bytes. `s` is latin1; a Buffer is
   * taken as the bytes themselves (listpacks, intsets).
   */
  string(s: string | Buffer): void {
    const length = s.length;
    if (length <= 11 && typeof s === 'string') {
      const n = smallInteger(s);
      if (n !== null) {
        this.integer(n);
        return;
      }
    }
    if (this.options.compress && length > 20 && this.lzfString(s)) return;
    this.length(length);
    if (typeof s === 'string') this.latin1(s);
    else this.bytes(s);
  }

  /** A listpack built with listpack(), finished and written as string() writes its bytes. */
  listpackString(lp: ListpackBuilder): void {
    const length = lp.complete();
    if (this.options.compress && length > 20 && this.lzfBytes(lp.bytes, length)) return;
    this.length(length);
    this.reserve(length);
    const bytes = lp.bytes;
    if (length < NATIVE_COPY_LENGTH * 4) {
      // Byte by byte: Buffer#copy of a part makes a view of it, garbage for every small value.
      const buf = this.buf;
      const at = this.used;
      for (let i = 0; i < length; i++) buf[at + i] = bytes[i];
    } else {
      this.buf.set(bytes.subarray(0, length), this.used);
    }
    this.used += length;
  }

  /** rdbSaveMillisecondTime: 8 bytes, little endian. */
  millis(ms: number): void {
    this.reserve(8);
    this.buf.writeBigInt64LE(BigInt(ms), this.used);
    this.used += 8;
  }

  /** rdbSaveBinaryDoubleValue: the IEEE 754 double, little endian. */
  binaryDouble(x: number): void {
    this.reserve(8);
    this.buf.writeDoubleLE(x, this.used);
    this.used += 8;
  }

  private integer(n: number): void {
    this.reserve(5);
    const buf = this.buf;
    if (n >= -128 && n <= 127) {
      buf[this.used++] = (LEN_ENCVAL << 6) | ENC_INT8;
      buf.writeInt8(n, this.used);
      this.used += 1;
    } else if (n >= -32768 && n <= 32767) {
      buf[this.used++] = (LEN_ENCVAL << 6) | ENC_INT16;
      buf.writeInt16LE(n, this.used);
      this.used += 2;
    } else {
      buf[this.used++] = (LEN_ENCVAL << 6) | ENC_INT32;
      buf.writeInt32LE(n, this.used);
      this.used += 4;
    }
  }

  /** rdbSaveLzfStringObject; false when compression does not pay (the caller writes it plain). */
  private lzfString(s: string | Buffer): boolean {
    if (typeof s !== 'string') return this.lzfBytes(s, s.length);
    if (this.scratch.length < s.length) this.scratch = Buffer.allocUnsafe(s.length * 2);
    this.scratch.latin1Write(s, 0, s.length);
    return this.lzfBytes(this.scratch, s.length);
  }

  /** lzfString of bytes[0, length). */
  private lzfBytes(bytes: Uint8Array, length: number): boolean {
    this.lzfTable ??= new LzfTable();
    const packed = lzfCompress(bytes, length - 4, this.lzfTable, length);
    if (packed === null) return false;
    this.byte((LEN_ENCVAL << 6) | ENC_LZF);
    this.length(packed.length);
    this.length(length);
    this.bytes(packed);
    return true;
  }

  private reserve(n: number): void {
    const needed = this.used + n;
    if (needed <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.buf.length * 2));
    this.buf.copy(grown, 0, 0, this.used);
    this.buf = grown;
  }
}

/** The value of a canonical decimal integer that fits 32 bits (rdbTryIntegerEncoding), or null. */
export function smallInteger(s: string): number | null {
  const length = s.length;
  if (length === 0 || length > 11) return null;
  const first = s.charCodeAt(0);
  let i = first === 45 ? 1 : 0; // '-'
  if (i === length) return null;
  const lead = s.charCodeAt(i);
  if (lead === 48) return length === 1 ? 0 : null; // '0' alone, never "-0" or "01"
  if (lead < 49 || lead > 57) return null;
  let n = 0;
  for (; i < length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
    n = n * 10 + (c - 48);
  }
  n = first === 45 ? -n : n;
  return n >= INT32_MIN && n <= INT32_MAX ? n : null;
}
