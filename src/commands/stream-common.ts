/**
 * What the stream command files share: reading stream keys, parsing IDs and numbers as Redis's
 * t_stream.c does, and writing entries and IDs in replies.
 */
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { parseInt64, parseInteger } from '../dispatch/numbers.js';
import { Stream, type StreamEntry } from '../datatypes/stream.js';
import {
  formatId,
  nextId,
  parseStreamId,
  previousId,
  type IdParseOptions,
  type StreamId,
} from '../datatypes/stream-id.js';
import type { ReadEntry } from './stream-delivery.js';

export { optionName } from './string-common.js';

/** The stream at `key` for reading; undefined when missing; WRONGTYPE for another type. */
export function readStream(ctx: CommandContext, key: string): Stream | undefined {
  return asStream(ctx.read(key));
}

/**
 * The stream at `key` for a command that changes its consumer groups (XACK, XCLAIM, XAUTOCLAIM,
 * XREADGROUP): looked up as a read, as Redis does (hit statistics), and copied first by a
 * snapshot in progress, as a write lookup would.
 */
export function groupStream(ctx: CommandContext, key: string): Stream | undefined {
  const stream = readStream(ctx, key);
  if (stream !== undefined) ctx.keyspace.copyOnWrite?.valueChanging(stream);
  return stream;
}

/** The stream at `key` before writing it; undefined when missing; WRONGTYPE for another type. */
export function writeStream(ctx: CommandContext, key: string): Stream | undefined {
  return asStream(ctx.write(key));
}

function asStream(value: ReturnType<CommandContext['read']>): Stream | undefined {
  if (value === undefined || value instanceof Stream) return value;
  throw new ReplyError(Err.wrongType);
}

/** An ID argument, or the invalid-ID error (Redis's streamParseIDOrReply and strict variant). */
export function idArg(arg: string, options: IdParseOptions = {}): StreamId {
  const parsed = parseStreamId(arg, options);
  if (parsed === null || parsed.seq === null) throw new ReplyError(Err.invalidStreamId);
  return parsed as StreamId;
}

/** An ID that must be a real one: "-" and "+" refused (streamParseStrictIDOrReply). */
export function strictIdArg(arg: string): StreamId {
  return idArg(arg, { strict: true });
}

/**
 * The start of a range (XRANGE, XPENDING, XAUTOCLAIM): a missing sequence is 0, and "(" makes it
 * exclusive (streamParseIntervalIDOrReply, then one ID up).
 */
export function rangeStartArg(arg: string): StreamId {
  if (!isExclusive(arg)) return idArg(arg, { missingSeq: 0 });
  const id = nextId(idArg(arg.slice(1), { strict: true, missingSeq: 0 }));
  if (id === null) throw new ReplyError(Err.invalidStartId);
  return id;
}

/** The end of a range: a missing sequence is the largest, and "(" makes it exclusive. */
export function rangeEndArg(arg: string): StreamId {
  const missingSeq = 18446744073709551615n;
  if (!isExclusive(arg)) return idArg(arg, { missingSeq });
  const id = previousId(idArg(arg.slice(1), { strict: true, missingSeq }));
  if (id === null) throw new ReplyError(Err.invalidEndId);
  return id;
}

function isExclusive(arg: string): boolean {
  return arg.length > 1 && arg.charCodeAt(0) === 40; // '('
}

/** A long long argument (getLongLongFromObjectOrReply), with Redis's error or a given one. */
export function longArg(arg: string, error: string = Err.notInteger): bigint {
  const value = parseInt64(arg);
  if (value === null) throw new ReplyError(error);
  return value;
}

/** A long long argument as a number (counts: exact up to 2^53), with Redis's error. */
export function integerArg(arg: string): number {
  const value = parseInteger(arg);
  if (value === null) throw new ReplyError(Err.notInteger);
  return value;
}

/** A C string comparison of an argument with a one-character token ("*", "$", ">"). */
export function isToken(arg: string, token: string): boolean {
  return arg === token || (arg.charCodeAt(0) === token.charCodeAt(0) && arg.charCodeAt(1) === 0);
}

export function replyId(ctx: CommandContext, id: StreamId): void {
  ctx.reply.bulk(formatId(id));
}

/** One entry: [id, [field, value, ...]]. */
export function replyEntry(ctx: CommandContext, entry: StreamEntry): void {
  const reply = ctx.reply;
  reply.array(2);
  reply.bulk(formatId(entry.id));
  reply.bulkArray(entry.fields);
}

export function replyEntries(ctx: CommandContext, entries: readonly StreamEntry[]): void {
  ctx.reply.array(entries.length);
  for (const entry of entries) replyEntry(ctx, entry);
}

/** Entries as read for a client: a pending entry deleted from the stream has nil fields. */
export function replyReadEntries(ctx: CommandContext, entries: readonly ReadEntry[]): void {
  const reply = ctx.reply;
  reply.array(entries.length);
  for (const { id, fields } of entries) {
    reply.array(2);
    reply.bulk(formatId(id));
    if (fields === null) reply.nullArray();
    else reply.bulkArray(fields);
  }
}

/** The configured node limits, read for each append. */
export function nodeLimits(ctx: CommandContext): { maxBytes: number; maxEntries: number } {
  const config = ctx.server.config;
  return {
    maxBytes: config.numberValue('stream-node-max-bytes'),
    maxEntries: config.numberValue('stream-node-max-entries'),
  };
}
