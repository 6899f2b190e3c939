/**
 * XREAD and XREADGROUP (Redis 7.0's xreadCommand), served at once when a stream has what the
 * client asks for, otherwise blocked with BLOCK until an XADD (or a group's destruction) serves
 * them, as serveClientsBlockedOnStreamKey does.
 */
import type { KeyReference } from '../dispatch/command.js';
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import type { BlockRequest } from '../dispatch/services.js';
import type { Stream } from '../datatypes/stream.js';
import { typeOf } from '../keyspace/values.js';
import { compareIds, MAX_ID, MIN_ID, nextId, type StreamId } from '../datatypes/stream-id.js';
import type { ConsumerGroup } from '../datatypes/stream-group.js';
import { deliverHistory, deliverNew, groupConsumer, type ReadEntry } from './stream-delivery.js';
import {
  isToken,
  longArg,
  optionName,
  groupStream,
  readStream,
  replyReadEntries,
  strictIdArg,
} from './stream-common.js';

/** A blocked XREAD without COUNT is served at most this many entries per stream. */
const BLOCKED_DEFAULT_COUNT = 1000;

interface ReadArgs {
  /** BLOCK's timeout in ms, or null without BLOCK. */
  block: number | null;
  /** COUNT (0: no limit). */
  count: number;
  /** Index of the first key after STREAMS. */
  streamsArg: number;
  streams: number;
  group: string | null;
  consumer: string;
  noack: boolean;
}

function parseReadArgs(ctx: CommandContext, argv: string[], xreadgroup: boolean): ReadArgs {
  const args: ReadArgs = {
    block: null,
    count: 0,
    streamsArg: 0,
    streams: 0,
    group: null,
    consumer: '',
    noack: false,
  };
  for (let i = 1; i < argv.length; i++) {
    const more = argv.length - i - 1;
    const option = optionName(argv[i]);
    if (option === 'block' && more > 0) {
      // A script cannot wait (where BLPOP would answer at once, XREAD refuses, as in Redis).
      if (ctx.client.isScript) throw new ReplyError(Err.blockInScript(argv[0]));
      const timeout = longArg(argv[++i], Err.timeoutNotInteger);
      if (timeout < 0n) throw new ReplyError(Err.timeoutNegative);
      args.block = Number(timeout);
    } else if (option === 'count' && more > 0) {
      const count = longArg(argv[++i]);
      args.count = count < 0n ? 0 : Number(count);
    } else if (option === 'streams' && more > 0) {
      args.streamsArg = i + 1;
      const rest = argv.length - args.streamsArg;
      if (rest % 2 !== 0) throw new ReplyError(Err.xreadUnbalanced);
      args.streams = rest / 2;
      break;
    } else if (option === 'group' && more >= 2) {
      if (!xreadgroup) throw new ReplyError(Err.xreadGroupOption);
      args.group = argv[i + 1];
      args.consumer = argv[i + 2];
      i += 2;
    } else if (option === 'noack') {
      if (!xreadgroup) throw new ReplyError(Err.xreadNoackOption);
      args.noack = true;
    } else {
      throw new ReplyError(Err.syntax);
    }
  }
  if (args.streamsArg === 0) throw new ReplyError(Err.syntax);
  if (xreadgroup && args.group === null) throw new ReplyError(Err.xreadgroupMissingGroup);
  return args;
}

/**
 * The ID each stream is read after; MAX_ID stands for ">" (as in Redis, where an explicit
 * 18446744073709551615-18446744073709551615 reads as ">" too). Groups are checked on the way.
 */
function resolveIds(
  ctx: CommandContext,
  argv: string[],
  args: ReadArgs,
): { ids: StreamId[]; groups: ConsumerGroup[] | null } {
  const ids: StreamId[] = [];
  const groups: ConsumerGroup[] | null = args.group === null ? null : [];
  for (let i = 0; i < args.streams; i++) {
    const key = argv[args.streamsArg + i];
    const arg = argv[args.streamsArg + args.streams + i];
    const stream = readStream(ctx, key);
    if (groups !== null) {
      const group = stream?.group(args.group!);
      if (group === undefined) throw new ReplyError(Err.xreadgroupNoGroup(key, args.group!));
      groups.push(group);
    }
    if (isToken(arg, '$')) {
      if (groups !== null) throw new ReplyError(Err.xreadgroupDollar);
      ids.push(stream?.lastId ?? MIN_ID);
    } else if (isToken(arg, '>')) {
      if (groups === null) throw new ReplyError(Err.xreadGreaterThan);
      ids.push(MAX_ID);
    } else {
      ids.push(strictIdArg(arg));
    }
  }
  return { ids, groups };
}

interface StreamResult {
  key: string;
  entries: ReadEntry[];
}

function xread(ctx: CommandContext, argv: string[], xreadgroup: boolean): void {
  const args = parseReadArgs(ctx, argv, xreadgroup);
  const { ids, groups } = resolveIds(ctx, argv, args);
  const results: StreamResult[] = [];
  for (let i = 0; i < args.streams; i++) {
    const key = argv[args.streamsArg + i];
    const stream = groups === null ? readStream(ctx, key) : groupStream(ctx, key);
    if (stream === undefined) continue;
    const entries =
      groups === null
        ? readAfter(stream, ids[i], args.count)
        : readGroup(ctx, stream, key, groups[i], ids[i], args);
    if (entries !== null) results.push({ key, entries });
  }
  // The command's effects on groups were propagated as XCLAIM / XGROUP commands.
  if (groups !== null) ctx.propagateAs = [];
  if (results.length > 0) {
    replyResults(ctx, results);
  } else if (args.block !== null && ctx.server.blocking.mayBlock()) {
    block(ctx, argv, args, ids);
  } else {
    ctx.reply.nullArray();
  }
}

/** XREAD: the entries after `after`, or null when the stream has none. */
function readAfter(stream: Stream, after: StreamId, count: number): ReadEntry[] | null {
  if (stream.length === 0 || compareIds(stream.lastValidId(), after) <= 0) return null;
  return stream.range(nextId(after) ?? MIN_ID, MAX_ID, count);
}

/**
 * XREADGROUP on one stream: the consumer's own pending history for an explicit ID, new entries
 * for ">" when the group has not read them all; null when there is nothing to serve.
 */
function readGroup(
  ctx: CommandContext,
  stream: Stream,
  key: string,
  group: ConsumerGroup,
  after: StreamId,
  args: ReadArgs,
): ReadEntry[] | null {
  const history = compareIds(after, MAX_ID) !== 0;
  if (!history) {
    if (stream.length === 0 || compareIds(stream.lastValidId(), group.lastId) <= 0) return null;
    after = group.lastId;
  }
  const target = { key, groupName: args.group!, group };
  const consumer = groupConsumer(ctx, target, args.consumer, args.noack);
  const start = nextId(after) ?? MIN_ID;
  const entries = history
    ? deliverHistory(ctx, stream, consumer, start, args.count)
    : deliverNew(ctx, stream, target, consumer, start, args.count, args.noack);
  ctx.keyspace.dirty++;
  return entries;
}

/** One array (RESP2) or map (RESP3) entry per stream served: its key and entries. */
function replyResults(ctx: CommandContext, results: readonly StreamResult[]): void {
  const reply = ctx.reply;
  if (reply.resp === 2) reply.array(results.length);
  else reply.map(results.length);
  for (const { key, entries } of results) {
    if (reply.resp === 2) reply.array(2);
    reply.bulk(key);
    replyReadEntries(ctx, entries);
  }
}

/** Waits for new entries on the streams (XREAD) or for the groups to get some (XREADGROUP >). */
function block(ctx: CommandContext, argv: string[], args: ReadArgs, ids: StreamId[]): void {
  const keys = argv.slice(args.streamsArg, args.streamsArg + args.streams);
  // The ID each key is read after; a key named twice keeps its first ID, as in Redis.
  const after = new Map<string, StreamId>();
  keys.forEach((key, i) => {
    if (!after.has(key)) after.set(key, ids[i]);
  });
  const count = args.count || BLOCKED_DEFAULT_COUNT;
  const request: BlockRequest = {
    keys,
    deadline: args.block! > 0 ? ctx.now + args.block! : 0,
    serve: (served, key) => serveBlocked(served, key, after, count, args),
    timedOut: (served) => served.reply.nullArray(),
  };
  ctx.server.blocking.block(ctx, request);
}

/**
 * A key the client waits on was written: serves it if the stream now has entries past its ID
 * (or past its group's last ID), keeps it waiting otherwise. A group destroyed meanwhile ends
 * the wait with an error.
 */
function serveBlocked(
  ctx: CommandContext,
  key: string,
  after: Map<string, StreamId>,
  count: number,
  args: ReadArgs,
): boolean {
  // Looked up as Redis serves blocked clients: no statistics, no keyspace event.
  const value = ctx.keyspace.lookupWrite(ctx.db, key);
  if (value === undefined || typeOf(value) !== 'stream') {
    // A group reader's stream is gone (deleted, overwritten, expired ...): it is told so.
    if (args.group !== null) throw new ReplyError(Err.streamKeyGone);
    return false;
  }
  const stream = value as Stream;
  let gt = after.get(key)!;
  let group: ConsumerGroup | undefined;
  if (args.group !== null) {
    group = stream.group(args.group);
    if (group === undefined) throw new ReplyError(Err.groupDestroyedWhileBlocked);
    gt = group.lastId;
  }
  if (compareIds(stream.lastId, gt) <= 0) return false;
  const start = nextId(gt) ?? MIN_ID;
  let entries: ReadEntry[];
  if (group === undefined) {
    entries = stream.range(start, MAX_ID, count);
  } else {
    const target = { key, groupName: args.group!, group };
    const consumer = groupConsumer(ctx, target, args.consumer, args.noack);
    entries = deliverNew(ctx, stream, target, consumer, start, count, args.noack);
  }
  replyResults(ctx, [{ key, entries }]);
  return true;
}

/**
 * Redis's xreadGetKeys: the keys are the first half of what follows the first STREAMS that is an
 * option (STREAMS could also name a group, a consumer or a key).
 */
function readKeys(argv: string[]): KeyReference[] {
  let streamsPos = -1;
  for (let i = 1; i < argv.length; i++) {
    const option = optionName(argv[i]);
    if (option === 'block' || option === 'count') i++;
    else if (option === 'group') i += 2;
    else if (option === 'noack') continue;
    else {
      if (option === 'streams') streamsPos = i;
      break;
    }
  }
  const rest = argv.length - streamsPos - 1;
  if (streamsPos === -1 || rest === 0 || rest % 2 !== 0) return [];
  const keys: KeyReference[] = [];
  for (let i = streamsPos + 1; i < streamsPos + 1 + rest / 2; i++)
    keys.push({ index: i, flags: [] });
  return keys;
}

export const streamReadCommands: CommandSpec[] = [
  defineCommand({
    name: 'xread',
    arity: -4,
    flags: ['readonly', 'blocking'],
    acl: ['stream'],
    keySpecs: [
      {
        flags: ['RO', 'ACCESS'],
        begin: { keyword: 'STREAMS', startFrom: 1 },
        find: { range: { lastKey: -1, keyStep: 1, limit: 2 } },
      },
    ],
    getKeys: readKeys,
    handler: (ctx, argv) => xread(ctx, argv, false),
  }),
  defineCommand({
    name: 'xreadgroup',
    arity: -7,
    flags: ['write', 'blocking'],
    acl: ['stream'],
    keySpecs: [
      {
        flags: ['RO', 'ACCESS'],
        begin: { keyword: 'STREAMS', startFrom: 4 },
        find: { range: { lastKey: -1, keyStep: 1, limit: 2 } },
      },
    ],
    getKeys: readKeys,
    handler: (ctx, argv) => xread(ctx, argv, true),
  }),
];
