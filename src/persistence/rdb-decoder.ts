/**
 * RdbDecoder: the low-level reader of Redis's RDB serialization (rdb.c's rdbLoadLen,
 * rdbGenericLoadStringObject, rdbLoadMillisecondTime ...) over a buffer holding the whole file or
 * payload. Every read is bounds-checked: a damaged or truncated input throws RdbLoadError naming
 * the offset where reading failed.
 */
import { lzfDecompress } from '../datatypes/lzf.js';
import { latin1 } from '../resp/latin1.js';
import { normalize, type U64 } from '../datatypes/stream-id.js';
import {
  ENC_INT16,
  ENC_INT32,
  ENC_INT8,
  ENC_LZF,
  LEN_32BIT,
  LEN_64BIT,
  LEN_ENCVAL,
} from './rdb-constants.js';

const MAX_LZF_RATIO = 140;

export class RdbLoadError extends Error {
  constructor(
    /** Byte offset in the input where reading failed. */
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${reason} at offset ${offset}`);
  }
}

export class RdbDecoder {
  pos = 0;
  /**
   * An array value readers reuse for elements they copy out at once (a listpack's, before they
   * become a list's or a sorted set's), instead of a new one per key.
   */
  readonly scratch: string[] = [];
  /** Where the blob blobSpan() last returned lies in its buffer. */
  spanStart = 0;
  spanEnd = 0;

  constructor(
    readonly buf: Buffer,
    /** Where the readable bytes end (a DUMP payload's footer is not part of the value). */
    readonly end = buf.length,
  ) {}

  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  fail(reason: string, offset = this.pos): never {
    throw new RdbLoadError(offset, reason);
  }

  byte(): number {
    if (this.pos >= this.end) this.fail('Short read');
    return this.buf[this.pos++];
  }

  raw(n: number): Buffer {
    if (this.pos + n > this.end) this.fail('Short read');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A length that must be an exact JS number (counts, sizes). */
  length(): number {
    const start = this.pos;
    const n = this.lengthU64();
    if (typeof n !== 'number') this.fail('Length out of range', start);
    return n;
  }

  /** rdbLoadLen with its 64-bit form: a number when exact, else a bigint. */
  lengthU64(): U64 {
    const start = this.pos;
    const first = this.byte();
    const kind = first >> 6;
    if (kind === 0) return first & 0x3f;
    if (kind === 1) return ((first & 0x3f) << 8) | this.byte();
    if (first === LEN_32BIT) return this.raw(4).readUInt32BE(0);
    if (first === LEN_64BIT) return normalize(this.raw(8).readBigUInt64BE(0));
    return this.fail(`Unknown length encoding ${first} in rdbLoadLen()`, start);
  }

  /** A string as latin1 (one char per byte). */
  string(): string {
    // The common case, read without an intermediate view.
    const from = this.plainString();
    if (from >= 0) return latin1(this.buf, from, this.pos);
    const bytes = this.stringBytes();
    return typeof bytes === 'string' ? bytes : latin1(bytes, 0, bytes.length);
  }

  /** A string's bytes (a view into the input when stored plain), or its text when an integer. */
  stringBytes(): Buffer | string {
    const start = this.pos;
    const first = this.byte();
    if (first >> 6 !== LEN_ENCVAL) {
      this.pos = start;
      return this.raw(this.length());
    }
    switch (first & 0x3f) {
      case ENC_INT8:
        return String(this.raw(1).readInt8(0));
      case ENC_INT16:
        return String(this.raw(2).readInt16LE(0));
      case ENC_INT32:
        return String(this.raw(4).readInt32LE(0));
      case ENC_LZF: {
        const packedLength = this.length();
        const length = this.length();
        const packed = this.raw(packedLength);
        // Each LZF byte yields at most about 132: a larger claim is damage, not a reason to allocate.
        if (length > packedLength * MAX_LZF_RATIO + 64)
          this.fail('Invalid LZF compressed string', start);
        const out = lzfDecompress(packed, length);
        if (out === null) this.fail('Invalid LZF compressed string', start);
        return out;
      }
      default:
        return this.fail(`Unknown RDB string encoding type ${first & 0x3f}`, start);
    }
  }

  /**
   * A blob read in place: the buffer holding it (the input itself, unless the blob was stored
   * compressed or as an integer), its bounds in spanStart and spanEnd. No view is made of it.
   */
  blobSpan(): Buffer {
    const from = this.plainString();
    if (from >= 0) {
      this.spanStart = from;
      this.spanEnd = this.pos;
      return this.buf;
    }
    const bytes = this.blob();
    this.spanStart = 0;
    this.spanEnd = bytes.length;
    return bytes;
  }

  /**
   * A string stored plain (not as an integer, not compressed) at the cursor: moves past it and
   * returns where its bytes start (they end at the cursor); -1, the cursor unmoved, otherwise.
   */
  private plainString(): number {
    const start = this.pos;
    if (start >= this.end || this.buf[start] >> 6 === LEN_ENCVAL) return -1;
    const length = this.length();
    const from = this.pos;
    if (from + length > this.end) this.fail('Short read');
    this.pos = from + length;
    return from;
  }

  /** A blob (listpack, ziplist, intset ...) as bytes. */
  blob(): Buffer {
    const bytes = this.stringBytes();
    return typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  }

  millis(): number {
    return Number(this.raw(8).readBigInt64LE(0));
  }

  /** EXPIRETIME's 4-byte seconds, as milliseconds. */
  seconds(): number {
    return this.raw(4).readInt32LE(0) * 1000;
  }

  binaryDouble(): number {
    return this.raw(8).readDoubleLE(0);
  }

  /** rdbLoadDoubleValue: the old text form (a length byte; 253 nan, 254 +inf, 255 -inf). */
  textDouble(): number {
    const length = this.byte();
    if (length === 253) return NaN;
    if (length === 254) return Infinity;
    if (length === 255) return -Infinity;
    const text = this.raw(length).latin1Slice(0, length);
    const value = Number(text);
    if (Number.isNaN(value)) this.fail('Invalid double value');
    return value;
  }
}
