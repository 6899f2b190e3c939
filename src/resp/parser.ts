/**
 * Incremental RESP request parser (multibulk and inline), as Redis's processMultibulkBuffer and
 * processInlineBuffer read a client's query buffer.
 *
 * Arguments come out as latin1 strings: one char per byte, so they are binary-safe, compact in V8
 * (one-byte strings) and usable directly as Map keys. Every length prefix is checked against its
 * limit before anything is allocated for it; a large bulk gets one buffer of exactly its size,
 * filled as chunks arrive, so a 512 MB value is copied once, not re-concatenated per chunk.
 */
import { splitInlineArgs } from './inline.js';

/** Redis's PROTO_INLINE_MAX_SIZE: the longest line (inline command or length prefix). */
export const INLINE_MAX_SIZE = 64 * 1024;
/** Bulks at least this long are collected in their own buffer (Redis's PROTO_MBULK_BIG_ARG). */
const BIG_BULK = 32 * 1024;
/** V8 cannot hold a string longer than this; such bulks are refused (see docs/compatibility.md). */
const MAX_STRING_LENGTH = 0x1fffffe8;
const EMPTY = Buffer.alloc(0);
const CR = 13;
const LF = 10;

export class ProtocolError extends Error {}

export interface ParserLimits {
  /** proto-max-bulk-len */
  maxBulkLen: number;
  /** True while the connection must still authenticate: Redis then allows only tiny requests. */
  authRequired: boolean;
}

export class RespParser {
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Arguments still expected by the multibulk being read; 0 when between commands. */
  private argsLeft = 0;
  private args: string[] = [];
  /** Length of the bulk whose `$len` line was read but whose payload is incomplete, else -1. */
  private bulkLen = -1;
  /** Payload (plus CRLF) of a big bulk being collected; grows by doubling up to bigNeed. */
  private big: Buffer | null = null;
  private bigFill = 0;
  private bigNeed = 0;

  /** Bytes received but not yet turned into arguments (the client's qbuf). */
  get pendingBytes(): number {
    return this.buf.length - this.pos + this.bigFill;
  }

  /** Capacity held for the query buffer, including a preallocated big bulk. */
  get bufferedCapacity(): number {
    return this.buf.length - this.pos + (this.big ? this.big.length : 0);
  }

  feed(chunk: Buffer): void {
    if (this.big !== null) {
      const take = Math.min(chunk.length, this.bigNeed - this.bigFill);
      this.reserveBig(this.bigFill + take);
      chunk.copy(this.big, this.bigFill, 0, take);
      this.bigFill += take;
      chunk = chunk.subarray(take);
      if (chunk.length === 0) return;
    }
    if (this.pos >= this.buf.length) {
      this.buf = chunk;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]);
    }
    this.pos = 0;
  }

  /**
   * The next complete command, [] for an empty one (Redis ignores those), or null when more bytes
   * are needed. Throws ProtocolError with Redis's message; the connection must then be closed.
   */
  next(limits: ParserLimits): string[] | null {
    if (this.argsLeft === 0) {
      if (this.big === null && this.pos >= this.buf.length) return null;
      if (this.buf[this.pos] !== 42 /* '*' */) return this.readInline();
      const count = this.readLengthLine('*', 'too big mbulk count string');
      if (count === null) return null;
      if (count > 2147483647) throw new ProtocolError('invalid multibulk length');
      if (count > 10 && limits.authRequired) {
        throw new ProtocolError('unauthenticated multibulk length');
      }
      if (count <= 0) return [];
      this.argsLeft = count;
      this.args = [];
    }
    while (this.argsLeft > 0) {
      const arg = this.readBulk(limits);
      if (arg === null) return null;
      this.args.push(arg);
      this.argsLeft--;
    }
    const args = this.args;
    this.args = [];
    return args;
  }

  private reserveBig(size: number): void {
    const big = this.big as Buffer;
    if (size <= big.length) return;
    const grown = Buffer.allocUnsafe(Math.min(this.bigNeed, Math.max(size, big.length * 2)));
    big.copy(grown, 0, 0, this.bigFill);
    this.big = grown;
  }

  private readBulk(limits: ParserLimits): string | null {
    if (this.bulkLen < 0) {
      if (this.pos >= this.buf.length) return null;
      if (this.buf[this.pos] !== 36 /* '$' */) {
        throw new ProtocolError(`expected '$', got '${String.fromCharCode(this.buf[this.pos])}'`);
      }
      const len = this.readLengthLine('$', 'too big bulk count string');
      if (len === null) return null;
      if (len < 0 || len > limits.maxBulkLen || len > MAX_STRING_LENGTH) {
        throw new ProtocolError('invalid bulk length');
      }
      if (len > 16384 && limits.authRequired) {
        throw new ProtocolError('unauthenticated bulk length');
      }
      this.bulkLen = len;
      const available = this.buf.length - this.pos;
      if (len >= BIG_BULK && available < len + 2) {
        // Collect the payload (and its CRLF) in a buffer of its own. It grows with what actually
        // arrives, so a declared length alone never makes us allocate its size.
        this.bigNeed = len + 2;
        this.big = Buffer.allocUnsafe(
          Math.min(this.bigNeed, Math.max(BIG_BULK * 2, available * 2)),
        );
        this.buf.copy(this.big, 0, this.pos);
        this.bigFill = available;
        this.buf = EMPTY;
        this.pos = 0;
      }
    }
    const len = this.bulkLen;
    if (this.big !== null) {
      if (this.bigFill < this.bigNeed) return null;
      const arg = this.big.latin1Slice(0, len);
      this.big = null;
      this.bigFill = 0;
      this.bigNeed = 0;
      this.bulkLen = -1;
      return arg;
    }
    if (this.buf.length - this.pos < len + 2) return null;
    const arg = this.buf.latin1Slice(this.pos, this.pos + len);
    this.pos += len + 2;
    this.bulkLen = -1;
    return arg;
  }

  /**
   * Reads `<prefix><integer>\r\n` at pos. Like Redis, the line ends at the first CR and the byte
   * after it is taken to be LF. Returns null when the line is incomplete.
   */
  private readLengthLine(prefix: string, tooBig: string): number | null {
    const buf = this.buf;
    const start = this.pos + 1;
    const cr = buf.indexOf(CR, start);
    if (cr < 0 || cr + 1 >= buf.length) {
      if (buf.length - this.pos > INLINE_MAX_SIZE) throw new ProtocolError(tooBig);
      return null;
    }
    if (cr - this.pos > INLINE_MAX_SIZE) throw new ProtocolError(tooBig);
    const value = parseLength(buf, start, cr);
    if (value === null) {
      throw new ProtocolError(prefix === '*' ? 'invalid multibulk length' : 'invalid bulk length');
    }
    this.pos = cr + 2;
    return value;
  }

  private readInline(): string[] | null {
    const buf = this.buf;
    const lf = buf.indexOf(LF, this.pos);
    if (lf < 0) {
      if (buf.length - this.pos > INLINE_MAX_SIZE)
        throw new ProtocolError('too big inline request');
      return null;
    }
    let end = lf;
    if (end > this.pos && buf[end - 1] === CR) end--;
    const line = buf.latin1Slice(this.pos, end);
    this.pos = lf + 1;
    const args = splitInlineArgs(line);
    if (args === null) throw new ProtocolError('unbalanced quotes in request');
    return args;
  }
}

/** Redis's string2ll over a byte range: optional '-', digits, no leading zeros, no '+', fits in int64. */
function parseLength(buf: Buffer, start: number, end: number): number | null {
  if (start >= end || end - start > 20) return null;
  let i = start;
  let negative = false;
  if (buf[i] === 45 /* '-' */) {
    negative = true;
    i++;
    if (i === end) return null;
  }
  if (buf[i] === 48 /* '0' */) return end - i === 1 && !negative ? 0 : null;
  let value = 0;
  for (; i < end; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return null;
    value = value * 10 + d;
  }
  // Beyond 2^53 the exact value no longer matters: every limit we compare against is far smaller.
  return negative ? -value : value;
}
