/**
 * Incremental RESP request parser (multibulk and inline), reading a client's query buffer as
 * Redis 7.0's processMultibulkBuffer and processInlineBuffer do, down to their corner cases: a
 * line ends at the first CR (multibulk) or LF (inline), the byte after a CR is taken to be LF, and
 * a NUL byte hides the rest of the buffer from the line search (Redis uses strchr), so such a line
 * never completes and runs into the 64 KB line limit.
 *
 * Arguments come out as latin1 strings: one char per byte, so they are binary-safe, compact in V8
 * (one-byte strings) and usable directly as Map keys. Every length prefix is checked against its
 * limit before anything is allocated for it. A large bulk gets a buffer of its own, grown as its
 * bytes actually arrive, so a declared length alone never costs memory and a 512 MB value is not
 * re-concatenated per chunk.
 *
 * The parser never keeps a reference to a chunk it was fed: the caller may reuse its read buffer.
 */
import { splitInlineArgs } from './inline.js';
import { latin1 } from './latin1.js';

/** Redis's PROTO_INLINE_MAX_SIZE: the longest line (inline command or length prefix). */
export const INLINE_MAX_SIZE = 64 * 1024;
/** Bulks at least this long are collected in their own buffer (Redis's PROTO_MBULK_BIG_ARG). */
export const BIG_BULK = 32 * 1024;
/** Arguments up to this length are decoded in JavaScript (latin1.ts), longer ones by Buffer. */
const SHORT_ARG = 8;
/** V8 cannot hold a string longer than this; such bulks are refused (see docs/compatibility.md). */
const MAX_STRING_LENGTH = 0x1fffffe8;
/**
 * Reads up to this many bytes are copied into the query buffer byte by byte: Buffer#copy's fixed
 * cost (argument checks, a view of each side) exceeds a loop's for the one small command of a
 * typical read.
 */
const LOOP_COPY_MAX = 64;
/** The query buffer starts at this size and shrinks back to it when idle. */
const INITIAL_CAPACITY = 16 * 1024;
const CR = 13;
const LF = 10;
const NUL = 0;
const STAR = 42;
const DOLLAR = 36;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;
/** Digits of 2^63, the first magnitude string2ll refuses (-2^63 itself is allowed). */
const INT64_LIMIT = '9223372036854775808';

/** A malformed request; the message is Redis's text after "Protocol error: ". */
export class ProtocolError extends Error {}

export interface ParserLimits {
  /** proto-max-bulk-len */
  maxBulkLen: number;
  /** True while the connection must still authenticate: Redis then allows only tiny requests. */
  authRequired: boolean;
}

/** No line end in the buffer yet (or a NUL before it): wait for more bytes. */
const INCOMPLETE = -1;

export class RespParser {
  /** Unparsed bytes live in buf[pos, end). */
  private buf: Buffer = Buffer.allocUnsafe(INITIAL_CAPACITY);
  private pos = 0;
  private end = 0;
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
    return this.end - this.pos + this.bigFill;
  }

  /**
   * Bytes held in the query buffer, those of commands already parsed from this read included:
   * Redis's qbuf for the client whose command is running (its buffer is trimmed after the batch).
   */
  get heldBytes(): number {
    return this.end + this.bigFill;
  }

  /** Bytes of memory held for the query buffer. */
  get bufferedCapacity(): number {
    return this.buf.length + (this.big === null ? 0 : this.big.length);
  }

  /** Appends chunk[0, length) (copied: the caller may reuse the chunk). */
  feed(chunk: Buffer, length = chunk.length): void {
    let from = 0;
    if (this.big !== null) {
      from = Math.min(length, this.bigNeed - this.bigFill);
      this.reserveBig(this.bigFill + from);
      chunk.copy(this.big, this.bigFill, 0, from);
      this.bigFill += from;
      if (from === length) return;
    }
    const size = length - from;
    if (this.pos === this.end) {
      this.pos = 0;
      this.end = 0;
    }
    if (this.end + size > this.buf.length) this.makeRoom(size);
    if (size <= LOOP_COPY_MAX) {
      const buf = this.buf;
      let at = this.end;
      for (let i = from; i < length; i++) buf[at++] = chunk[i];
    } else {
      chunk.copy(this.buf, this.end, from, length);
    }
    this.end += size;
  }

  /** Drops a large query buffer once it is empty, so an idle client holds little memory. */
  shrinkIfIdle(): void {
    if (this.pos === this.end && this.buf.length > INITIAL_CAPACITY) {
      this.buf = Buffer.allocUnsafe(INITIAL_CAPACITY);
      this.pos = 0;
      this.end = 0;
    }
  }

  /**
   * The next complete command, [] for an empty one (Redis ignores those), or null when more bytes
   * are needed. Throws ProtocolError with Redis's message; the connection must then be closed.
   */
  next(limits: ParserLimits): string[] | null {
    if (this.argsLeft === 0) {
      if (this.pos >= this.end) return null;
      if (this.buf[this.pos] !== STAR) return this.readInline();
      const count = this.readCount(limits);
      if (count === null || count <= 0) return count === null ? null : [];
      this.argsLeft = count;
    }
    const args = this.args;
    while (this.argsLeft > 0) {
      const arg = this.readBulk(limits);
      if (arg === null) return null;
      args.push(arg);
      this.argsLeft--;
    }
    this.args = [];
    return args;
  }

  /** `*<count>\r\n`; null when incomplete. */
  private readCount(limits: ParserLimits): number | null {
    const simple = this.simpleLength(STAR);
    if (simple >= 0) {
      if (simple > 10 && limits.authRequired) {
        throw new ProtocolError('unauthenticated multibulk length');
      }
      return simple;
    }
    const cr = this.lineEnd(CR);
    if (cr === INCOMPLETE) {
      if (this.end - this.pos > INLINE_MAX_SIZE) {
        throw new ProtocolError('too big mbulk count string');
      }
      return null;
    }
    const count = parseInt64(this.buf, this.pos + 1, cr);
    if (count === null || count > 2147483647) throw new ProtocolError('invalid multibulk length');
    if (count > 10 && limits.authRequired) {
      throw new ProtocolError('unauthenticated multibulk length');
    }
    this.pos = cr + 2;
    return count;
  }

  private readBulk(limits: ParserLimits): string | null {
    if (this.bulkLen < 0 && !this.readBulkLength(limits)) return null;
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
    if (this.end - this.pos < len + 2) return null;
    const arg =
      len <= SHORT_ARG
        ? latin1(this.buf, this.pos, this.pos + len)
        : this.buf.latin1Slice(this.pos, this.pos + len);
    // Like Redis, the two bytes after the payload are skipped without looking at them.
    this.pos += len + 2;
    this.bulkLen = -1;
    return arg;
  }

  /** `$<len>\r\n`: validates it and sets bulkLen; false when incomplete. */
  private readBulkLength(limits: ParserLimits): boolean {
    const buf = this.buf;
    let len = this.simpleLength(DOLLAR);
    if (len < 0) {
      const cr = this.lineEnd(CR);
      if (cr === INCOMPLETE) {
        if (this.end - this.pos > INLINE_MAX_SIZE) {
          throw new ProtocolError('too big bulk count string');
        }
        return false;
      }
      if (buf[this.pos] !== DOLLAR) {
        throw new ProtocolError(`expected '$', got '${String.fromCharCode(buf[this.pos])}'`);
      }
      const parsed = parseInt64(buf, this.pos + 1, cr);
      if (parsed === null || parsed < 0) throw new ProtocolError('invalid bulk length');
      len = parsed;
      this.pos = cr + 2;
    }
    if (len > limits.maxBulkLen || len > MAX_STRING_LENGTH) {
      throw new ProtocolError('invalid bulk length');
    }
    if (len > 16384 && limits.authRequired) {
      throw new ProtocolError('unauthenticated bulk length');
    }
    this.bulkLen = len;
    const available = this.end - this.pos;
    if (len >= BIG_BULK && available < len + 2) {
      // Collect the payload (and its CRLF) in a buffer of its own. It grows with what actually
      // arrives, so a declared length alone never makes us allocate its size.
      this.bigNeed = len + 2;
      this.big = Buffer.allocUnsafe(Math.min(this.bigNeed, Math.max(2 * BIG_BULK, 2 * available)));
      buf.copy(this.big, 0, this.pos, this.end);
      this.bigFill = available;
      this.pos = 0;
      this.end = 0;
    }
    return true;
  }

  private readInline(): string[] | null {
    const lf = this.lineEnd(LF);
    // Redis gives up once more than 64 KB wait without a newline, but it looks only after each
    // read, so a line of 64 to 128 KB may or may not pass there depending on how its bytes arrive.
    // Here any line over 64 KB is refused, whatever the chunking.
    if (lf === INCOMPLETE || lf - this.pos > INLINE_MAX_SIZE) {
      if (this.end - this.pos > INLINE_MAX_SIZE) throw new ProtocolError('too big inline request');
      return null;
    }
    let stop = lf;
    if (stop > this.pos && this.buf[stop - 1] === CR) stop--;
    const line = this.buf.latin1Slice(this.pos, stop);
    this.pos = lf + 1;
    const args = splitInlineArgs(line);
    if (args === null) throw new ProtocolError('unbalanced quotes in request');
    return args;
  }

  /**
   * The common length line, `<prefix><digits>\r\n` with 1 to 9 digits and no leading zero (or
   * just "0"), read in one pass: its value, with pos moved past it. -1 for anything else
   * (incomplete, malformed, long, negative), which the exact path then reads.
   */
  private simpleLength(prefix: number): number {
    const buf = this.buf;
    const start = this.pos;
    // The CR can be at most 10 bytes in, and the byte after it must have arrived.
    const limit = Math.min(this.end - 1, start + 11);
    if (start + 2 >= limit || buf[start] !== prefix) return -1;
    let c = buf[start + 1];
    if (c === ZERO) {
      if (buf[start + 2] !== CR) return -1;
      this.pos = start + 4;
      return 0;
    }
    if (c < ZERO || c > NINE) return -1;
    let value = c - ZERO;
    for (let i = start + 2; i < limit; i++) {
      c = buf[i];
      if (c === CR) {
        this.pos = i + 2;
        return value;
      }
      if (c < ZERO || c > NINE) return -1;
      value = value * 10 + (c - ZERO);
    }
    return -1;
  }

  /**
   * Position of the first `terminator` byte from pos (strchr semantics: INCOMPLETE if a NUL comes
   * first). After a CR one more byte must have arrived, as Redis requires before reading a line.
   */
  private lineEnd(terminator: number): number {
    const buf = this.buf;
    const stop = Math.min(this.end, this.pos + INLINE_MAX_SIZE + 2);
    for (let i = this.pos; i < stop; i++) {
      const c = buf[i];
      if (c === terminator) return terminator === CR && i + 1 >= this.end ? INCOMPLETE : i;
      if (c === NUL) return INCOMPLETE;
    }
    return INCOMPLETE;
  }

  /** Room for `size` more bytes: unread bytes move to the front, the buffer doubles if needed. */
  private makeRoom(size: number): void {
    const unread = this.end - this.pos;
    let target = this.buf;
    if (unread + size > this.buf.length) {
      let capacity = this.buf.length * 2;
      while (capacity < unread + size) capacity *= 2;
      target = Buffer.allocUnsafe(capacity);
    }
    this.buf.copy(target, 0, this.pos, this.end);
    this.buf = target;
    this.pos = 0;
    this.end = unread;
  }

  private reserveBig(size: number): void {
    const big = this.big as Buffer;
    if (size <= big.length) return;
    const grown = Buffer.allocUnsafe(Math.min(this.bigNeed, Math.max(size, big.length * 2)));
    big.copy(grown, 0, 0, this.bigFill);
    this.big = grown;
  }
}

/**
 * Redis's string2ll over buf[start, end): optional '-', digits without a leading zero (except "0"
 * itself), within int64. Returns null otherwise. Values beyond 2^53 lose precision, which does
 * not matter: every limit they are compared with is far smaller.
 */
function parseInt64(buf: Buffer, start: number, end: number): number | null {
  const length = end - start;
  if (length <= 0 || length >= 21) return null;
  if (length === 1 && buf[start] === ZERO) return 0;
  let i = start;
  const negative = buf[i] === MINUS;
  if (negative) i++;
  if (i === end || buf[i] === ZERO) return null;
  let value = 0;
  for (let j = i; j < end; j++) {
    const digit = buf[j] - ZERO;
    if (digit < 0 || digit > 9) return null;
    value = value * 10 + digit;
  }
  if (end - i === INT64_LIMIT.length) {
    const digits = buf.latin1Slice(i, end);
    if (digits > INT64_LIMIT || (digits === INT64_LIMIT && !negative)) return null;
  } else if (end - i > INT64_LIMIT.length) {
    return null;
  }
  return negative ? -value : value;
}
