/** XINFO STREAM [FULL [COUNT n]], GROUPS, CONSUMERS and HELP, as Redis 7.0's xinfoCommand. */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import type { Stream } from '../datatypes/stream.js';
import { MAX_ID, MIN_ID } from '../datatypes/stream-id.js';
import { INVALID_ENTRIES_READ, type ConsumerGroup } from '../datatypes/stream-group.js';
import type { IdIndex } from '../datatypes/stream-pel.js';
import type { PendingEntry } from '../datatypes/stream-group.js';
import { replyHelp } from './help.js';
import { keysAt } from './key-specs.js';
import {
  longArg,
  optionName,
  readStream,
  replyEntries,
  replyEntry,
  replyId,
} from './stream-common.js';

const HELP_LINES = [
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
];

/** FULL shows this many entries, and pending entries per group and consumer, unless COUNT. */
const FULL_DEFAULT_COUNT = 10;

function existingStream(ctx: CommandContext, key: string): Stream {
  const stream = readStream(ctx, key);
  if (stream === undefined) throw new ReplyError(Err.noSuchKey);
  return stream;
}

function xinfoStream(ctx: CommandContext, argv: string[]): void {
  const stream = existingStream(ctx, argv[2]);
  const options = argv.length - 3;
  let full = false;
  let count = FULL_DEFAULT_COUNT;
  if (options > 0) {
    const valid =
      (options === 1 || options === 3) &&
      optionName(argv[3]) === 'full' &&
      (options === 1 || optionName(argv[4]) === 'count');
    if (!valid) throw new ReplyError(Err.subcommandSyntax(argv[1], argv[0]));
    full = true;
    if (options === 3) {
      const value = longArg(argv[5]);
      count = value < 0n ? FULL_DEFAULT_COUNT : Number(value);
    }
  }
  const reply = ctx.reply;
  reply.map(full ? 9 : 10);
  reply.bulk('length');
  reply.integer(stream.length);
  reply.bulk('radix-tree-keys');
  reply.integer(stream.radixTreeKeys);
  reply.bulk('radix-tree-nodes');
  reply.integer(stream.radixTreeNodes);
  reply.bulk('last-generated-id');
  replyId(ctx, stream.lastId);
  reply.bulk('max-deleted-entry-id');
  replyId(ctx, stream.maxDeletedId);
  reply.bulk('entries-added');
  reply.integer(stream.entriesAdded);
  reply.bulk('recorded-first-entry-id');
  replyId(ctx, stream.firstId);
  if (full) {
    reply.bulk('entries');
    replyEntries(ctx, stream.range(MIN_ID, MAX_ID, count));
    reply.bulk('groups');
    const groups = stream.sortedGroups();
    reply.array(groups.length);
    for (const [name, group] of groups) replyFullGroup(ctx, stream, name, group, count);
    return;
  }
  reply.bulk('groups');
  reply.integer(stream.groups?.size ?? 0);
  for (const [field, reverse] of [
    ['first-entry', false],
    ['last-entry', true],
  ] as const) {
    reply.bulk(field);
    const [entry] = stream.range(MIN_ID, MAX_ID, 1, reverse);
    if (entry === undefined) reply.nullBulk();
    else replyEntry(ctx, entry);
  }
}

function replyFullGroup(
  ctx: CommandContext,
  stream: Stream,
  name: string,
  group: ConsumerGroup,
  count: number,
): void {
  const reply = ctx.reply;
  reply.map(7);
  reply.bulk('name');
  reply.bulk(name);
  reply.bulk('last-delivered-id');
  replyId(ctx, group.lastId);
  replyReadCounters(ctx, stream, group);
  reply.bulk('pel-count');
  reply.integer(group.pending.size);
  reply.bulk('pending');
  const pending = firstPending(group.pending, count);
  reply.array(pending.length);
  for (const entry of pending) {
    reply.array(4);
    replyId(ctx, entry.id);
    reply.bulk(entry.consumer!.name);
    reply.integer(entry.deliveryTime);
    reply.integer(entry.deliveryCount);
  }
  reply.bulk('consumers');
  const consumers = group.sortedConsumers();
  reply.array(consumers.length);
  for (const consumer of consumers) {
    reply.map(4);
    reply.bulk('name');
    reply.bulk(consumer.name);
    reply.bulk('seen-time');
    reply.integer(consumer.seenTime);
    reply.bulk('pel-count');
    reply.integer(consumer.pending.size);
    reply.bulk('pending');
    const own = firstPending(consumer.pending, count);
    reply.array(own.length);
    for (const entry of own) {
      reply.array(3);
      replyId(ctx, entry.id);
      reply.integer(entry.deliveryTime);
      reply.integer(entry.deliveryCount);
    }
  }
}

/** The first `count` pending entries (0: all). */
function firstPending(pel: IdIndex<PendingEntry>, count: number): PendingEntry[] {
  const out: PendingEntry[] = [];
  for (const entry of pel) {
    if (count !== 0 && out.length >= count) break;
    out.push(entry);
  }
  return out;
}

/** entries-read and lag: null when unknown. */
function replyReadCounters(ctx: CommandContext, stream: Stream, group: ConsumerGroup): void {
  const reply = ctx.reply;
  reply.bulk('entries-read');
  if (group.entriesRead === INVALID_ENTRIES_READ) reply.nullBulk();
  else reply.integer(group.entriesRead);
  reply.bulk('lag');
  const lag = stream.lag(group);
  if (lag === null) reply.nullBulk();
  else reply.integer(lag);
}

function xinfoGroups(ctx: CommandContext, argv: string[]): void {
  const stream = existingStream(ctx, argv[2]);
  const groups = stream.sortedGroups();
  const reply = ctx.reply;
  reply.array(groups.length);
  for (const [name, group] of groups) {
    reply.map(6);
    reply.bulk('name');
    reply.bulk(name);
    reply.bulk('consumers');
    reply.integer(group.consumers.size);
    reply.bulk('pending');
    reply.integer(group.pending.size);
    reply.bulk('last-delivered-id');
    replyId(ctx, group.lastId);
    replyReadCounters(ctx, stream, group);
  }
}

function xinfoConsumers(ctx: CommandContext, argv: string[]): void {
  const stream = existingStream(ctx, argv[2]);
  const group = stream.group(argv[3]);
  if (group === undefined) throw new ReplyError(Err.noGroupForKey(argv[3], argv[2]));
  const consumers = group.sortedConsumers();
  const reply = ctx.reply;
  reply.array(consumers.length);
  for (const consumer of consumers) {
    reply.map(3);
    reply.bulk('name');
    reply.bulk(consumer.name);
    reply.bulk('pending');
    reply.integer(consumer.pending.size);
    reply.bulk('idle');
    reply.integer(Math.max(0, ctx.now - consumer.seenTime));
  }
}

const READ_KEY = {
  flags: ['readonly'],
  acl: ['stream'],
  keySpecs: [keysAt(2, ['RO', 'ACCESS'])],
} satisfies Partial<CommandSpec>;

export const streamInfoCommands: CommandSpec[] = [
  defineCommand({
    name: 'xinfo',
    arity: -2,
    flags: [],
    subcommands: [
      { name: 'stream', arity: -3, ...READ_KEY, handler: xinfoStream },
      { name: 'groups', arity: 3, ...READ_KEY, handler: xinfoGroups },
      {
        name: 'consumers',
        arity: 4,
        ...READ_KEY,
        tips: ['nondeterministic_output'],
        handler: xinfoConsumers,
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
];
