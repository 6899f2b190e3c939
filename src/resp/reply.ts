/**
 * The reply writer: every reply goes through these methods, which hide RESP2 versus RESP3 (as
 * Redis's addReplyMapLen, addReplyNull ... do). Output accumulates as one latin1 string per read
 * batch and is flushed to the socket once.
 */
import { formatDouble17g } from './format.js';

export type RespVersion = 2 | 3;

/**
 * "$<length>\r\n" for the lengths most values have, built once: a reply of many short bulk
 * strings (LRANGE, HGETALL) then allocates no header strings and formats no numbers.
 */
const BULK_HEADERS: readonly string[] = Array.from({ length: 1024 }, (_, n) => '$' + n + '\r\n');

function bulkHeader(length: number): string {
  return length < BULK_HEADERS.length ? BULK_HEADERS[length] : '$' + length + '\r\n';
}

/** Anything that can be sent as a bulk string: a latin1 string or raw bytes. */
export type BulkValue = string | Buffer;

export interface ErrorSink {
  /** Called for every error reply, with the full message ("ERR ...", "WRONGTYPE ..."). */
  onErrorReply(message: string): void;
}

export class ReplyWriter {
  /** Pending output, latin1. */
  out = '';
  resp: RespVersion = 2;

  constructor(private readonly errors: ErrorSink) {}

  /**
   * Where the running command's pushed output starts and ends in `out` (pairs of offsets), or
   * null: CLIENT REPLY OFF and SKIP keep it, as Redis keeps what it writes with CLIENT_PUSHING
   * (Pub/Sub subscription confirmations). The connection clears it after each command.
   */
  pushedRanges: number[] | null = null;

  /** Writes output that CLIENT REPLY OFF and SKIP do not drop. */
  pushing(write: () => void): void {
    const start = this.out.length;
    write();
    (this.pushedRanges ??= []).push(start, this.out.length);
  }

  /** Takes the pending output, leaving the writer empty. */
  take(): string {
    const out = this.out;
    this.out = '';
    return out;
  }

  status(s: string): void {
    this.out += '+' + s + '\r\n';
  }

  ok(): void {
    this.out += '+OK\r\n';
  }

  /**
   * An error reply. The message starts with its code ("ERR ...", "WRONGTYPE ..."). It counts in
   * the error statistics unless `counted` is false (DEBUG ERROR, as Redis).
   */
  error(message: string, options?: { counted: boolean }): void {
    // Like Redis, an error must stay on one line.
    const safe =
      message.indexOf('\n') >= 0 || message.indexOf('\r') >= 0
        ? message.replace(/[\r\n]/g, ' ')
        : message;
    this.out += '-' + safe + '\r\n';
    if (options?.counted !== false) this.errors.onErrorReply(safe);
  }

  integer(n: number | bigint): void {
    this.out += ':' + n + '\r\n';
  }

  bulk(value: BulkValue): void {
    const text = typeof value === 'string' ? value : value.latin1Slice(0, value.length);
    this.out += bulkHeader(text.length) + text + '\r\n';
  }

  /** A nil bulk string: $-1 in RESP2, _ in RESP3. */
  nullBulk(): void {
    this.out += this.resp === 2 ? '$-1\r\n' : '_\r\n';
  }

  /** A nil array: *-1 in RESP2, _ in RESP3. */
  nullArray(): void {
    this.out += this.resp === 2 ? '*-1\r\n' : '_\r\n';
  }

  array(length: number): void {
    this.out += '*' + length + '\r\n';
  }

  /** A map of `pairs` key/value pairs: a flat array of 2n in RESP2. */
  map(pairs: number): void {
    this.out += this.resp === 2 ? '*' + pairs * 2 + '\r\n' : '%' + pairs + '\r\n';
  }

  /** A set: an array in RESP2. */
  set(length: number): void {
    this.out += (this.resp === 2 ? '*' : '~') + length + '\r\n';
  }

  /** An attribute map of `pairs` pairs, announcing the reply that follows (RESP3 only). */
  attribute(pairs: number): void {
    this.out += '|' + pairs + '\r\n';
  }

  /** A push frame: an array in RESP2. */
  push(length: number): void {
    this.out += (this.resp === 2 ? '*' : '>') + length + '\r\n';
  }

  /** A double: a bulk string in RESP2 (as Redis 7.0, with %.17g), a RESP3 double otherwise. */
  double(x: number): void {
    const text = formatDouble17g(x);
    if (this.resp === 2) this.out += '$' + text.length + '\r\n' + text + '\r\n';
    else this.out += ',' + text + '\r\n';
  }

  /** A double already formatted by the command (INCRBYFLOAT's human form). */
  doubleText(text: string): void {
    if (this.resp === 2) this.out += '$' + text.length + '\r\n' + text + '\r\n';
    else this.out += ',' + text + '\r\n';
  }

  boolean(b: boolean): void {
    if (this.resp === 2) this.out += b ? ':1\r\n' : ':0\r\n';
    else this.out += b ? '#t\r\n' : '#f\r\n';
  }

  /** A verbatim string (INFO, CLIENT LIST ...): a bulk string in RESP2. */
  verbatim(text: string, format = 'txt'): void {
    if (this.resp === 2) this.out += '$' + text.length + '\r\n' + text + '\r\n';
    else this.out += '=' + (text.length + 4) + '\r\n' + format + ':' + text + '\r\n';
  }

  bigNumber(digits: string): void {
    if (this.resp === 2) this.out += '$' + digits.length + '\r\n' + digits + '\r\n';
    else this.out += '(' + digits + '\r\n';
  }

  /**
   * Bulk strings from a list, as an array, in one flat string (joinBulks): appending frame by
   * frame would keep thousands of small strings alive until the flush (an LRANGE of 600
   * elements), which the garbage collector then has to copy.
   */
  bulkArray(values: readonly BulkValue[]): void {
    this.out += joinBulks('*' + values.length + '\r\n', values);
  }

  /**
   * Bulk strings as a push frame (an array in RESP2), in one flat string: a Pub/Sub message
   * shared by many subscribers is then copied as one piece into each of their outputs, not
   * walked as a tree of small strings once per subscriber.
   */
  pushOfBulks(values: readonly BulkValue[]): void {
    this.out += joinBulks((this.resp === 2 ? '*' : '>') + values.length + '\r\n', values);
  }

  /** Pre-encoded protocol bytes (shared replies). */
  raw(protocol: string): void {
    this.out += protocol;
  }
}

/** Strings up to this length are copied char by char: latin1Write's fixed cost is higher. */
const LOOP_WRITE_MAX = 24;
/** Replies of up to this many bytes are assembled in the scratch buffer, longer ones joined. */
const SCRATCH_MAX = 1024 * 1024;
/** Where joinBulks assembles a reply (read out as a string before it returns: safe to share). */
let scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * An aggregate header followed by bulk strings, as one flat string. The bytes are laid down in a
 * scratch buffer and read out at once: about twice as fast as joining an array of three parts per
 * bulk (Array#join costs tens of ns a part), and no intermediate strings.
 */
function joinBulks(header: string, values: readonly BulkValue[]): string {
  let length = header.length;
  for (let i = 0; i < values.length; i++) {
    const n = values[i].length;
    length += bulkHeader(n).length + n + 2;
  }
  if (length > SCRATCH_MAX) return joinParts(header, values);
  if (length > scratch.length) scratch = Buffer.allocUnsafe(Math.max(length, scratch.length * 2));
  const buf = scratch;
  let at = writeLatin1(buf, header, 0);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    at = writeLatin1(buf, bulkHeader(value.length), at);
    if (typeof value === 'string') at = writeLatin1(buf, value, at);
    else at += value.copy(buf, at);
    buf[at++] = 13;
    buf[at++] = 10;
  }
  return buf.latin1Slice(0, at);
}

function writeLatin1(buf: Buffer, s: string, at: number): number {
  const n = s.length;
  if (n > LOOP_WRITE_MAX) return at + buf.latin1Write(s, at, n);
  for (let i = 0; i < n; i++) buf[at + i] = s.charCodeAt(i);
  return at + n;
}

/** joinBulks for replies too large for the scratch buffer: every part joined at once. */
function joinParts(header: string, values: readonly BulkValue[]): string {
  const parts = new Array<string>(values.length * 3 + 1);
  parts[0] = header;
  let at = 1;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    const text = typeof value === 'string' ? value : value.latin1Slice(0, value.length);
    parts[at++] = bulkHeader(text.length);
    parts[at++] = text;
    parts[at++] = '\r\n';
  }
  return parts.join('');
}
