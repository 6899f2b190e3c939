/**
 * Consumer group commands: XGROUP (CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER, HELP),
 * XACK and XPENDING, as Redis 7.0's t_stream.c. Claiming (XCLAIM, XAUTOCLAIM) is in
 * stream-claim.ts.
 */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { Stream } from '../datatypes/stream.js';
import { compareIds, MIN_ID, normalize, type StreamId, type U64 } from '../datatypes/stream-id.js';
import { INVALID_ENTRIES_READ, type ConsumerGroup } from '../datatypes/stream-group.js';
import { replyHelp } from './help.js';
import { keysAt } from './key-specs.js';
import { streamClaimCommands } from './stream-claim.js';
import { createConsumer } from './stream-delivery.js';
import {
  idArg,
  isToken,
  longArg,
  optionName,
  rangeEndArg,
  rangeStartArg,
  groupStream,
  readStream,
  replyId,
  strictIdArg,
  writeStream,
} from './stream-common.js';

const HELP_LINES = [
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  "      Set the group's entries_read counter (internal use).",
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
];

/** What every XGROUP subcommand but HELP starts with: its options, the key and the group. */
interface GroupCall {
  key: string;
  groupName: string;
  stream: Stream | undefined;
  group: ConsumerGroup | undefined;
  mkstream: boolean;
  entriesRead: U64;
}

/**
 * Redis's xgroupCommand preamble: CREATE's and SETID's options are read first, then the key must
 * exist (unless MKSTREAM) and, but for CREATE and DESTROY, the group too.
 */
function groupCall(ctx: CommandContext, argv: string[], needsGroup: boolean): GroupCall {
  const sub = optionName(argv[1]);
  const call: GroupCall = {
    key: argv[2],
    groupName: argv[3],
    stream: undefined,
    group: undefined,
    mkstream: false,
    entriesRead: INVALID_ENTRIES_READ,
  };
  for (let i = 5; i < argv.length;) {
    const option = optionName(argv[i]);
    if (sub === 'create' && option === 'mkstream') {
      call.mkstream = true;
      i++;
    } else if (
      (sub === 'create' || sub === 'setid') &&
      option === 'entriesread' &&
      i + 1 < argv.length
    ) {
      const value = longArg(argv[i + 1]);
      if (value < 0n && value !== -1n) throw new ReplyError(Err.entriesReadNegative);
      call.entriesRead = normalize(value);
      i += 2;
    } else {
      throw new ReplyError(Err.subcommandSyntax(argv[1], argv[0]));
    }
  }
  call.stream = writeStream(ctx, call.key);
  if (!call.mkstream) {
    if (call.stream === undefined) throw new ReplyError(Err.xgroupKeyMissing);
    call.group = call.stream.group(call.groupName);
    if (call.group === undefined && needsGroup) {
      throw new ReplyError(Err.noGroupForKey(call.groupName, call.key));
    }
  }
  return call;
}

/** A group change that is not a change of the key's contents: dirty and an event, as Redis. */
function groupChanged(ctx: CommandContext, key: string, event: string): void {
  ctx.keyspace.dirty++;
  ctx.keyspace.notify(ctx.db, key, 't', event);
}

function xgroupCreate(ctx: CommandContext, argv: string[]): void {
  const call = groupCall(ctx, argv, false);
  if (argv.length > 8) throw new ReplyError(Err.subcommandSyntax(argv[1], argv[0]));
  let id: StreamId;
  if (isToken(argv[4], '$')) id = call.stream?.lastId ?? MIN_ID;
  else id = strictIdArg(argv[4]);
  let stream = call.stream;
  const created = stream === undefined;
  if (stream === undefined) {
    stream = new Stream();
    ctx.keyspace.setKey(ctx.db, call.key, stream);
  }
  if (stream.createGroup(call.groupName, id, call.entriesRead) === null) {
    throw new ReplyError(Err.busyGroup);
  }
  ctx.reply.ok();
  // A stream MKSTREAM made is a modified key; a new group alone only dirties it.
  if (created) ctx.keyChanged(call.key, 't', 'xgroup-create');
  else groupChanged(ctx, call.key, 'xgroup-create');
}

function xgroupSetId(ctx: CommandContext, argv: string[]): void {
  const call = groupCall(ctx, argv, true);
  if (argv.length !== 5 && argv.length !== 7) {
    throw new ReplyError(Err.subcommandSyntax(argv[1], argv[0]));
  }
  const id = isToken(argv[4], '$') ? call.stream!.lastId : idArg(argv[4]);
  call.group!.lastId = id;
  call.group!.entriesRead = call.entriesRead;
  ctx.reply.ok();
  groupChanged(ctx, call.key, 'xgroup-setid');
}

function xgroupDestroy(ctx: CommandContext, argv: string[]): void {
  const call = groupCall(ctx, argv, false);
  if (call.group === undefined) {
    ctx.reply.integer(0);
    return;
  }
  call.stream!.groups!.delete(call.groupName);
  ctx.reply.integer(1);
  groupChanged(ctx, call.key, 'xgroup-destroy');
  // Clients blocked in XREADGROUP on this group are told it is gone.
  ctx.server.blocking.keyWritten(ctx.db.id, call.key);
}

function xgroupCreateConsumer(ctx: CommandContext, argv: string[]): void {
  const call = groupCall(ctx, argv, true);
  const target = { key: call.key, groupName: call.groupName, group: call.group! };
  ctx.reply.integer(createConsumer(ctx, target, argv[4]) === null ? 0 : 1);
}

function xgroupDelConsumer(ctx: CommandContext, argv: string[]): void {
  const call = groupCall(ctx, argv, true);
  const group = call.group!;
  const consumer = group.consumers.get(argv[4]);
  if (consumer === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const pending = consumer.pending.size;
  group.deleteConsumer(consumer);
  ctx.reply.integer(pending);
  groupChanged(ctx, call.key, 'xgroup-delconsumer');
}

/** XACK key group id [id ...]: how many of the IDs were pending, now acknowledged. */
function xack(ctx: CommandContext, argv: string[]): void {
  const group = groupStream(ctx, argv[1])?.group(argv[2]);
  if (group === undefined) {
    ctx.reply.integer(0);
    return;
  }
  // All IDs are checked first: the reply cannot be an error once some were acknowledged.
  const ids = argv.slice(3).map(strictIdArg);
  let acknowledged = 0;
  for (const id of ids) if (group.acknowledge(id)) acknowledged++;
  ctx.keyspace.dirty += acknowledged;
  ctx.reply.integer(acknowledged);
}

/** XPENDING key group [[IDLE min-idle] start end count [consumer]] */
function xpending(ctx: CommandContext, argv: string[]): void {
  const argc = argv.length;
  if (argc !== 3 && (argc < 6 || argc > 9)) throw new ReplyError(Err.syntax);
  let range: {
    start: StreamId;
    end: StreamId;
    count: number;
    minIdle: number;
    consumer: string | null;
  } | null = null;
  if (argc >= 6) {
    let first = 3;
    let minIdle = 0;
    if (optionName(argv[3]) === 'idle') {
      minIdle = Number(longArg(argv[4]));
      if (argc < 8) throw new ReplyError(Err.syntax);
      first += 2;
    }
    const count = longArg(argv[first + 2]);
    const start = rangeStartArg(argv[first]);
    const end = rangeEndArg(argv[first + 1]);
    const consumer = first + 3 < argc ? argv[first + 3] : null;
    range = { start, end, count: count < 0n ? 0 : Number(count), minIdle, consumer };
  }
  const group = readStream(ctx, argv[1])?.group(argv[2]);
  if (group === undefined) throw new ReplyError(Err.noKeyOrGroup(argv[1], argv[2]));
  if (range === null) replyPendingSummary(ctx, group);
  else replyPendingRange(ctx, group, range);
}

/** [count, lowest ID, highest ID, [[consumer, count] ...]] */
function replyPendingSummary(ctx: CommandContext, group: ConsumerGroup): void {
  const reply = ctx.reply;
  reply.array(4);
  reply.integer(group.pending.size);
  if (group.pending.size === 0) {
    reply.nullBulk();
    reply.nullBulk();
    reply.nullArray();
    return;
  }
  replyId(ctx, group.pending.first()!.id);
  replyId(ctx, group.pending.last()!.id);
  const owners = group.sortedConsumers().filter((c) => c.pending.size > 0);
  reply.array(owners.length);
  for (const consumer of owners) {
    reply.array(2);
    reply.bulk(consumer.name);
    reply.bulk(String(consumer.pending.size));
  }
}

/** [[id, consumer, idle ms, deliveries] ...] for pending entries in the range. */
function replyPendingRange(
  ctx: CommandContext,
  group: ConsumerGroup,
  range: {
    start: StreamId;
    end: StreamId;
    count: number;
    minIdle: number;
    consumer: string | null;
  },
): void {
  let pel = group.pending;
  if (range.consumer !== null) {
    const consumer = group.consumers.get(range.consumer);
    if (consumer === undefined) {
      ctx.reply.array(0);
      return;
    }
    pel = consumer.pending;
  }
  const now = ctx.now;
  const rows = [];
  let left = range.count;
  for (const entry of pel.from(range.start)) {
    if (left === 0 || compareIds(entry.id, range.end) > 0) break;
    if (range.minIdle && now - entry.deliveryTime < range.minIdle) continue;
    rows.push(entry);
    left--;
  }
  const reply = ctx.reply;
  reply.array(rows.length);
  for (const entry of rows) {
    reply.array(4);
    replyId(ctx, entry.id);
    reply.bulk(entry.consumer!.name);
    reply.integer(Math.max(0, now - entry.deliveryTime));
    reply.integer(entry.deliveryCount);
  }
}

const groupKey = (flags: Parameters<typeof keysAt>[1]) => [keysAt(2, flags)];

export const streamGroupCommands: CommandSpec[] = [
  defineCommand({
    name: 'xgroup',
    arity: -2,
    flags: [],
    subcommands: [
      {
        name: 'create',
        arity: -5,
        flags: ['write', 'denyoom'],
        acl: ['stream'],
        keySpecs: groupKey(['RW', 'INSERT']),
        handler: xgroupCreate,
      },
      {
        name: 'setid',
        arity: -5,
        flags: ['write'],
        acl: ['stream'],
        keySpecs: groupKey(['RW', 'UPDATE']),
        handler: xgroupSetId,
      },
      {
        name: 'destroy',
        arity: 4,
        flags: ['write'],
        acl: ['stream'],
        keySpecs: groupKey(['RW', 'DELETE']),
        handler: xgroupDestroy,
      },
      {
        name: 'createconsumer',
        arity: 5,
        flags: ['write', 'denyoom'],
        acl: ['stream'],
        keySpecs: groupKey(['RW', 'INSERT']),
        handler: xgroupCreateConsumer,
      },
      {
        name: 'delconsumer',
        arity: 5,
        flags: ['write'],
        acl: ['stream'],
        keySpecs: groupKey(['RW', 'DELETE']),
        handler: xgroupDelConsumer,
      },
      {
        name: 'help',
        arity: 2,
        flags: ['loading', 'stale'],
        acl: ['stream'],
        handler: (ctx, argv) => replyHelp(ctx, argv[0], HELP_LINES),
      },
    ],
  }),
  defineCommand({
    name: 'xack',
    arity: -4,
    flags: ['write', 'fast'],
    acl: ['stream'],
    keySpecs: [keysAt(1, ['RW', 'UPDATE'])],
    handler: xack,
  }),
  defineCommand({
    name: 'xpending',
    arity: -3,
    flags: ['readonly'],
    acl: ['stream'],
    tips: ['nondeterministic_output'],
    keySpecs: [keysAt(1, ['RO', 'ACCESS'])],
    handler: xpending,
  }),
  ...streamClaimCommands,
];
