/**
 * Stream commands on entries: XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM and XSETID, as Redis
 * 7.0's t_stream.c. Reading (XREAD, XREADGROUP) is in stream-read.ts, consumer groups in
 * stream-group.ts, XINFO in stream-info.ts.
 */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { Stream, NODE_MAX_BYTES_LIMIT, type TrimOptions } from '../datatypes/stream.js';
import {
  compareIds,
  formatId,
  increment,
  isMaxId,
  isZeroId,
  normalize,
  parseStreamId,
  U64_MAX,
  type ParsedId,
  type StreamId,
} from '../datatypes/stream-id.js';
import { keysFromFirst } from './string-common.js';
import {
  integerArg,
  isToken,
  longArg,
  nodeLimits,
  optionName,
  rangeEndArg,
  rangeStartArg,
  readStream,
  replyEntries,
  strictIdArg,
  writeStream,
} from './stream-common.js';
import { streamGroupCommands } from './stream-group.js';
import { streamInfoCommands } from './stream-info.js';
import { streamReadCommands } from './stream-read.js';

/** XADD's and XTRIM's options, as Redis's streamParseAddOrTrimArgsOrReply reads them. */
interface AddTrimArgs {
  /** Where XADD's ID is (the first field follows it). */
  idPos: number;
  /** XADD's ID: null for "*"; a null seq for "<ms>-*". */
  id: ParsedId | null;
  noMkStream: boolean;
  trim: TrimOptions | null;
  /** Where the MAXLEN count or MINID ID is, for rewriting "~" trims when propagating. */
  trimArgIndex: number;
}

/** Redis bounds the default work of a "~" trim: 100 nodes' worth, within these limits. */
const APPROX_LIMIT_MIN = 10000;
const APPROX_LIMIT_MAX = 1000000;

/** `XADD key * field value ...`, the common form: what parsing it gives. */
const AUTO_ID_ONLY: Readonly<AddTrimArgs> = Object.freeze({
  idPos: 2,
  id: null,
  noMkStream: false,
  trim: null,
  trimArgIndex: 0,
});

function parseAddTrimArgs(
  ctx: CommandContext,
  argv: string[],
  xadd: boolean,
): Readonly<AddTrimArgs> {
  if (xadd && isToken(argv[2], '*')) return AUTO_ID_ONLY;
  const parsed: AddTrimArgs = {
    idPos: argv.length,
    id: null,
    noMkStream: false,
    trim: null,
    trimArgIndex: 0,
  };
  let maxLen: number | undefined;
  let minId: StreamId | undefined;
  let approx = false;
  let limit = 0;
  let limitGiven = false;
  let i = 2;
  for (; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const arg = argv[i];
    if (xadd && isToken(arg, '*')) break;
    const option = optionName(arg);
    if ((option === 'maxlen' || option === 'minid') && more > 0) {
      if (maxLen !== undefined || minId !== undefined) throw new ReplyError(Err.trimBothStrategies);
      approx = false;
      if (more >= 2 && isToken(argv[i + 1], '~')) {
        approx = true;
        i++;
      } else if (more >= 2 && isToken(argv[i + 1], '=')) {
        i++;
      }
      i++;
      if (option === 'maxlen') {
        maxLen = integerArg(argv[i]);
        if (maxLen < 0) throw new ReplyError(Err.maxlenNegative);
      } else {
        minId = strictIdArg(argv[i]);
      }
      parsed.trimArgIndex = i;
    } else if (option === 'limit' && more > 0) {
      limit = integerArg(argv[++i]);
      if (limit < 0) throw new ReplyError(Err.limitNegative);
      limitGiven = true;
    } else if (xadd && option === 'nomkstream') {
      parsed.noMkStream = true;
    } else if (xadd) {
      const id = parseStreamId(arg, { strict: true, allowSeqWildcard: true });
      if (id === null) throw new ReplyError(Err.invalidStreamId);
      parsed.id = id;
      break;
    } else {
      throw new ReplyError(Err.syntax);
    }
  }
  parsed.idPos = i;
  const hasStrategy = maxLen !== undefined || minId !== undefined;
  if (limit !== 0 && !hasStrategy) throw new ReplyError(Err.limitWithoutStrategy);
  if (!xadd && !hasStrategy) throw new ReplyError(Err.xtrimWithoutStrategy);
  if (ctx.client.replaying) {
    // A propagated XADD or XTRIM names the exact trim (~ became =) and keeps its LIMIT, which
    // is not enforced: the AOF reproduces what the write did, as Redis's mustObeyClient path.
    limit = 0;
  } else if (limitGiven && !approx) {
    throw new ReplyError(Err.limitWithoutApprox);
  } else if (!limitGiven && approx) {
    const perNodes = 100 * ctx.server.config.numberValue('stream-node-max-entries');
    limit = perNodes <= 0 ? APPROX_LIMIT_MIN : Math.min(perNodes, APPROX_LIMIT_MAX);
  }
  if (hasStrategy) parsed.trim = { maxLen, minId, approx, limit };
  return parsed;
}

/**
 * The ID an XADD adds with: generated for "*", a sequence generated for "<ms>-*", and always
 * above the stream's last ID.
 */
function addedId(ctx: CommandContext, stream: Stream, id: ParsedId | null): StreamId {
  const last = stream.lastId;
  let added: StreamId;
  if (id === null) {
    added = stream.autoId(ctx.now)!;
  } else if (id.seq === null) {
    if (id.ms !== last.ms) added = { ms: id.ms, seq: 0 };
    // Redis 7.0 fails here without saying why, and so reports the only other failure it knows.
    else if (last.seq === U64_MAX) throw new ReplyError(Err.streamElementsTooLarge);
    else added = { ms: id.ms, seq: increment(last.seq) };
  } else {
    added = id as StreamId;
  }
  if (compareIds(added, last) <= 0) throw new ReplyError(Err.xaddIdTooSmall);
  return added;
}

/**
 * After a "~" trim (or one with LIMIT), the replicas and the AOF must remove exactly what was
 * removed here: the command propagates as an exact trim to the resulting length or first ID.
 */
function rewriteApproxTrim(argv: string[], args: Readonly<AddTrimArgs>, stream: Stream): void {
  argv[args.trimArgIndex - 1] = '=';
  argv[args.trimArgIndex] =
    args.trim!.maxLen !== undefined ? String(stream.length) : formatId(stream.edgeId(true, false));
}

function xadd(ctx: CommandContext, argv: string[]): void {
  const args = parseAddTrimArgs(ctx, argv, true);
  const fieldPos = args.idPos + 1;
  const pairs = argv.length - fieldPos;
  if (pairs < 2 || pairs % 2 === 1) throw new ReplyError(Err.wrongArity('xadd'));
  const { id } = args;
  if (id !== null && id.seq !== null && isZeroId(id as StreamId)) {
    throw new ReplyError(Err.xaddIdZero);
  }
  const key = argv[1];
  const stream = writeStream(ctx, key);
  if (stream === undefined && args.noMkStream) {
    ctx.reply.nullBulk();
    return;
  }
  if (stream !== undefined && isMaxId(stream.lastId)) {
    throw new ReplyError(Err.streamExhausted);
  }
  let elementBytes = 0;
  for (let i = fieldPos; i < argv.length; i++) elementBytes += argv[i].length;
  if (elementBytes > NODE_MAX_BYTES_LIMIT) throw new ReplyError(Err.streamElementsTooLarge);
  const target = stream ?? new Stream();
  const added = addedId(ctx, target, id);
  if (stream === undefined) ctx.keyspace.setKey(ctx.db, key, target);
  target.append(added, argv, fieldPos, pairs / 2, elementBytes, nodeLimits(ctx));
  const addedText = formatId(added);
  ctx.reply.bulk(addedText);
  ctx.keyChanged(key, 't', 'xadd');
  // Replicas must add the same ID and trim the same entries: generated IDs and "~" trims are
  // propagated as what they turned out to be.
  const generated = id === null || id.seq === null;
  if (generated || args.trim?.approx === true) {
    ctx.propagateAs = argv.slice();
    if (generated) ctx.propagateAs[args.idPos] = addedText;
  }
  if (args.trim !== null) {
    if (target.trim(args.trim) > 0) ctx.keyspace.notify(ctx.db, key, 't', 'xtrim');
    if (args.trim.approx) rewriteApproxTrim(ctx.propagateAs!, args, target);
  }
}

function xtrim(ctx: CommandContext, argv: string[]): void {
  const args = parseAddTrimArgs(ctx, argv, false);
  const key = argv[1];
  const stream = writeStream(ctx, key);
  if (stream === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const deleted = stream.trim(args.trim!);
  if (deleted > 0) {
    if (args.trim!.approx) {
      ctx.propagateAs = argv.slice();
      rewriteApproxTrim(ctx.propagateAs, args, stream);
    }
    ctx.keyspace.keyChanged(ctx.db, key, 't', 'xtrim', deleted);
  }
  ctx.reply.integer(deleted);
}

function xrangeGeneric(ctx: CommandContext, argv: string[], reverse: boolean): void {
  const start = rangeStartArg(reverse ? argv[3] : argv[2]);
  const end = rangeEndArg(reverse ? argv[2] : argv[3]);
  let count = -1;
  for (let j = 4; j < argv.length; j++) {
    if (optionName(argv[j]) !== 'count' || j + 1 >= argv.length) throw new ReplyError(Err.syntax);
    const value = longArg(argv[++j]);
    count = value < 0n ? 0 : Number(value);
  }
  const stream = readStream(ctx, argv[1]);
  if (stream === undefined) ctx.reply.array(0);
  else if (count === 0) ctx.reply.nullArray();
  else replyEntries(ctx, stream.range(start, end, count < 0 ? 0 : count, reverse));
}

function xlen(ctx: CommandContext, argv: string[]): void {
  ctx.reply.integer(readStream(ctx, argv[1])?.length ?? 0);
}

function xdel(ctx: CommandContext, argv: string[]): void {
  const key = argv[1];
  const stream = writeStream(ctx, key);
  if (stream === undefined) {
    ctx.reply.integer(0);
    return;
  }
  // All IDs are checked first: an invalid one must not leave the command half done.
  const ids = argv.slice(2).map(strictIdArg);
  const deleted = stream.delete(ids);
  if (deleted > 0) ctx.keyspace.keyChanged(ctx.db, key, 't', 'xdel', deleted);
  ctx.reply.integer(deleted);
}

/** XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id] */
function xsetid(ctx: CommandContext, argv: string[]): void {
  const id = strictIdArg(argv[2]);
  let entriesAdded = -1n;
  let maxDeleted: StreamId | null = null;
  for (let i = 3; i < argv.length; i += 2) {
    const option = optionName(argv[i]);
    const more = i + 1 < argv.length;
    if (option === 'entriesadded' && more) {
      entriesAdded = longArg(argv[i + 1]);
      if (entriesAdded < 0n) throw new ReplyError(Err.entriesAddedNegative);
    } else if (option === 'maxdeletedid' && more) {
      maxDeleted = strictIdArg(argv[i + 1]);
      if (compareIds(id, maxDeleted) < 0) throw new ReplyError(Err.xsetidBelowMaxDeleted);
    } else {
      throw new ReplyError(Err.syntax);
    }
  }
  const key = argv[1];
  const stream = writeStream(ctx, key);
  if (stream === undefined) throw new ReplyError(Err.noSuchKey);
  if (stream.length > 0) {
    if (compareIds(id, stream.lastValidId()) < 0) throw new ReplyError(Err.xsetidBelowTop);
    if (entriesAdded !== -1n && BigInt(stream.length) > entriesAdded) {
      throw new ReplyError(Err.xsetidEntriesAdded);
    }
  }
  stream.lastId = id;
  if (entriesAdded !== -1n) stream.entriesAdded = normalize(entriesAdded);
  if (maxDeleted !== null && !isZeroId(maxDeleted)) stream.maxDeletedId = maxDeleted;
  ctx.reply.ok();
  // As in Redis, XSETID raises its event but does not signal the key as modified.
  ctx.keyspace.dirty++;
  ctx.keyspace.notify(ctx.db, key, 't', 'xsetid');
}

const UPDATE_NOTE = 'UPDATE instead of INSERT because of the optional trimming feature';

export const streamCommands: CommandSpec[] = [
  defineCommand({
    name: 'xadd',
    arity: -5,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['stream'],
    tips: ['nondeterministic_output'],
    keySpecs: keysFromFirst(['RW', 'UPDATE'], { notes: UPDATE_NOTE }),
    handler: xadd,
  }),
  defineCommand({
    name: 'xlen',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['stream'],
    keySpecs: keysFromFirst(['RO']),
    handler: xlen,
  }),
  defineCommand({
    name: 'xrange',
    arity: -4,
    flags: ['readonly'],
    acl: ['stream'],
    keySpecs: keysFromFirst(['RO', 'ACCESS']),
    handler: (ctx, argv) => xrangeGeneric(ctx, argv, false),
  }),
  defineCommand({
    name: 'xrevrange',
    arity: -4,
    flags: ['readonly'],
    acl: ['stream'],
    keySpecs: keysFromFirst(['RO', 'ACCESS']),
    handler: (ctx, argv) => xrangeGeneric(ctx, argv, true),
  }),
  defineCommand({
    name: 'xdel',
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['stream'],
    keySpecs: keysFromFirst(['RW', 'DELETE']),
    handler: xdel,
  }),
  defineCommand({
    name: 'xtrim',
    arity: -4,
    flags: ['write'],
    acl: ['stream'],
    tips: ['nondeterministic_output'],
    keySpecs: keysFromFirst(['RW', 'DELETE']),
    handler: xtrim,
  }),
  defineCommand({
    name: 'xsetid',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['stream'],
    keySpecs: keysFromFirst(['RW', 'UPDATE']),
    handler: xsetid,
  }),
  ...streamReadCommands,
  ...streamGroupCommands,
  ...streamInfoCommands,
];
