/**
 * The client side of RESP: a reply tree for every RESP2/RESP3 type, and an incremental parser that
 * turns the bytes a server sends into such trees.
 *
 * Strings are latin1 (one char per byte), so binary values survive unchanged. The parser keeps a
 * stack of the aggregates still being filled, so a huge nested reply arriving in many chunks is
 * read once, never re-parsed from its start.
 */
import { quoteRepr } from './quote.js';

export type Reply =
  | { type: 'status'; value: string }
  | { type: 'error'; value: string }
  | { type: 'integer'; value: bigint }
  | { type: 'bulk'; value: string }
  | { type: 'null' }
  /** The text the server sent (`3.14`, `inf`), which is what redis-cli prints. */
  | { type: 'double'; value: string }
  | { type: 'boolean'; value: boolean }
  | { type: 'bignum'; value: string }
  /** `format` is the three-letter content type (`txt`, `mkd`); `value` the text after it. */
  | { type: 'verbatim'; format: string; value: string }
  | { type: 'array'; items: Reply[] }
  | { type: 'set'; items: Reply[] }
  | { type: 'push'; items: Reply[] }
  | { type: 'map'; entries: [Reply, Reply][] }
  /** Out-of-band attributes and the reply they annotate. */
  | { type: 'attribute'; entries: [Reply, Reply][]; reply: Reply };

export type ReplyType = Reply['type'];

/** The server sent bytes that are not RESP; the message is the one hiredis gives. */
export class ProtocolError extends Error {}

type AggregateKind = 'array' | 'set' | 'push' | 'map' | 'attribute';

interface Frame {
  kind: AggregateKind;
  /** Child replies still to come before the aggregate is complete. */
  expected: number;
  items: Reply[];
}

const CR = 13;
const EMPTY = Buffer.alloc(0);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const AGGREGATES: Record<string, AggregateKind> = {
  '*': 'array',
  '~': 'set',
  '>': 'push',
  '%': 'map',
  '|': 'attribute',
};

export class ReplyParser {
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Chunks received while the next item is known to be still incomplete. */
  private waiting: Buffer[] = [];
  private waitingBytes = 0;
  /** Buffered bytes needed before parsing is worth retrying. */
  private need = 0;
  private readonly stack: Frame[] = [];
  private readonly ready: Reply[] = [];

  /** Adds bytes from the server; complete replies become available through next(). */
  feed(chunk: Buffer): void {
    this.waiting.push(chunk);
    this.waitingBytes += chunk.length;
    if (this.buf.length - this.pos + this.waitingBytes < this.need) return;
    const rest = this.buf.subarray(this.pos);
    this.buf =
      rest.length === 0 && this.waiting.length === 1
        ? chunk
        : Buffer.concat([rest, ...this.waiting]);
    this.pos = 0;
    this.waiting = [];
    this.waitingBytes = 0;
    this.need = 0;
    while (this.parseItem());
    if (this.pos === this.buf.length) {
      this.buf = EMPTY;
      this.pos = 0;
    }
  }

  /** The oldest complete reply not yet taken, if any. */
  next(): Reply | undefined {
    return this.ready.shift();
  }

  get hasReply(): boolean {
    return this.ready.length > 0;
  }

  /** Takes every received byte not yet parsed (used when switching a connection to raw reads). */
  takePending(): Buffer {
    const rest = Buffer.concat([this.buf.subarray(this.pos), ...this.waiting]);
    this.buf = EMPTY;
    this.pos = 0;
    this.waiting = [];
    this.waitingBytes = 0;
    this.need = 0;
    return rest;
  }

  /** Parses one item at pos; false when the buffer ends before it does. */
  private parseItem(): boolean {
    const buf = this.buf;
    const start = this.pos;
    if (start >= buf.length) return false;
    const lineEnd = findCrlf(buf, start + 1);
    if (lineEnd < 0) {
      this.need = buf.length - start + 1;
      return false;
    }
    const marker = String.fromCharCode(buf[start]);
    const line = buf.latin1Slice(start + 1, lineEnd);
    const afterLine = lineEnd + 2;
    switch (marker) {
      case '+':
        return this.complete({ type: 'status', value: line }, afterLine);
      case '-':
        return this.complete({ type: 'error', value: line }, afterLine);
      case ':':
        return this.complete({ type: 'integer', value: parseInteger(line) }, afterLine);
      case ',':
        if (!/^[-+]?(inf|nan|\d+(\.\d*)?([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?)$/i.test(line)) {
          throw new ProtocolError('Bad double value');
        }
        return this.complete({ type: 'double', value: line }, afterLine);
      case '#':
        if (line !== 't' && line !== 'f') throw new ProtocolError('Bad bool value');
        return this.complete({ type: 'boolean', value: line === 't' }, afterLine);
      case '(':
        if (!/^[-+]?\d+$/.test(line)) throw new ProtocolError('Bad bignum value');
        return this.complete({ type: 'bignum', value: line }, afterLine);
      case '_':
        if (line !== '') throw new ProtocolError('Bad nil value');
        return this.complete({ type: 'null' }, afterLine);
      case '$':
      case '!':
      case '=':
        return this.parseBlob(marker, line, afterLine);
    }
    const kind = AGGREGATES[marker];
    if (kind === undefined) {
      throw new ProtocolError(`Protocol error, got ${quoteRepr(marker)} as reply type byte`);
    }
    const count = Number(parseInteger(line));
    if (count < -1) throw new ProtocolError('Multi-bulk length out of range');
    if (count === -1) return this.complete({ type: 'null' }, afterLine);
    const expected = kind === 'map' ? count * 2 : kind === 'attribute' ? count * 2 + 1 : count;
    if (expected === 0) return this.complete(aggregate(kind, []), afterLine);
    this.stack.push({ kind, expected, items: [] });
    this.pos = afterLine;
    return true;
  }

  private parseBlob(marker: string, line: string, afterLine: number): boolean {
    const length = Number(parseInteger(line));
    if (length < -1) throw new ProtocolError('Bulk string length out of range');
    if (length === -1) return this.complete({ type: 'null' }, afterLine);
    const end = afterLine + length;
    if (end + 2 > this.buf.length) {
      this.need = end + 2 - this.pos;
      return false;
    }
    const value = this.buf.latin1Slice(afterLine, end);
    if (marker === '$') return this.complete({ type: 'bulk', value }, end + 2);
    if (marker === '!') return this.complete({ type: 'error', value }, end + 2);
    if (length < 4 || value[3] !== ':') {
      throw new ProtocolError(
        'Verbatim string 4 bytes of content type are missing or incorrectly encoded.',
      );
    }
    return this.complete(
      { type: 'verbatim', format: value.slice(0, 3), value: value.slice(4) },
      end + 2,
    );
  }

  /** Hands a finished item to the aggregate being filled, closing every aggregate it completes. */
  private complete(reply: Reply, next: number): boolean {
    this.pos = next;
    let item = reply;
    for (;;) {
      const top = this.stack[this.stack.length - 1];
      if (top === undefined) {
        this.ready.push(item);
        return true;
      }
      top.items.push(item);
      if (top.items.length < top.expected) return true;
      this.stack.pop();
      item = aggregate(top.kind, top.items);
    }
  }
}

function aggregate(kind: AggregateKind, items: Reply[]): Reply {
  switch (kind) {
    case 'map':
      return { type: 'map', entries: pairs(items, items.length) };
    case 'attribute':
      return {
        type: 'attribute',
        entries: pairs(items, items.length - 1),
        reply: items[items.length - 1],
      };
    default:
      return { type: kind, items };
  }
}

function pairs(items: Reply[], count: number): [Reply, Reply][] {
  const entries: [Reply, Reply][] = [];
  for (let i = 0; i < count; i += 2) entries.push([items[i], items[i + 1]]);
  return entries;
}

function findCrlf(buf: Buffer, from: number): number {
  for (let i = buf.indexOf(CR, from); i >= 0; i = buf.indexOf(CR, i + 1)) {
    if (i + 1 >= buf.length) return -1;
    if (buf[i + 1] === 10) return i;
  }
  return -1;
}

function parseInteger(text: string): bigint {
  if (!/^-?\d+$/.test(text)) throw new ProtocolError('Bad integer value');
  const value = BigInt(text);
  if (value < INT64_MIN || value > INT64_MAX) throw new ProtocolError('Bad integer value');
  return value;
}
