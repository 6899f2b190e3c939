/**
 * XCLAIM and XAUTOCLAIM: moving pending entries to another consumer, as Redis 7.0's
 * t_stream.c. Both propagate each change as an XCLAIM ... FORCE JUSTID (and the group's last ID
 * as XGROUP SETID), never themselves.
 */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import type { Stream } from '../datatypes/stream.js';
import {
  compareIds,
  formatId,
  increment,
  MIN_ID,
  nextId,
  normalize,
  parseStreamId,
  type StreamId,
} from '../datatypes/stream-id.js';
import { PendingEntry, type Consumer } from '../datatypes/stream-group.js';
import { keysAt } from './key-specs.js';
import {
  groupConsumer,
  propagateClaim,
  propagateGroupId,
  type GroupTarget,
} from './stream-delivery.js';
import {
  longArg,
  optionName,
  rangeStartArg,
  groupStream,
  replyEntry,
  replyId,
  strictIdArg,
} from './stream-common.js';

/** The key's stream and group, or NOGROUP (XCLAIM and XAUTOCLAIM need both). */
function claimTarget(ctx: CommandContext, argv: string[]): { stream: Stream; target: GroupTarget } {
  const stream = groupStream(ctx, argv[1]);
  const group = stream?.group(argv[2]);
  if (group === undefined) throw new ReplyError(Err.noKeyOrGroup(argv[1], argv[2]));
  return { stream: stream!, target: { key: argv[1], groupName: argv[2], group } };
}

interface ClaimOptions {
  force: boolean;
  justId: boolean;
  /** The delivery time claimed entries get (IDLE or TIME), or null for now. */
  deliveryTime: bigint | null;
  /** RETRYCOUNT, or null to count one more delivery (none with JUSTID). */
  retryCount: bigint | null;
  lastId: StreamId;
}

/** XCLAIM's trailing options, from argv[from] on. */
function claimOptions(ctx: CommandContext, argv: string[], from: number): ClaimOptions {
  const options: ClaimOptions = {
    force: false,
    justId: false,
    deliveryTime: null,
    retryCount: null,
    lastId: MIN_ID,
  };
  for (let j = from; j < argv.length; j++) {
    const more = j + 1 < argv.length;
    const option = optionName(argv[j]);
    if (option === 'force') options.force = true;
    else if (option === 'justid') options.justId = true;
    else if (option === 'idle' && more) {
      options.deliveryTime =
        BigInt(ctx.now) - longArg(argv[++j], Err.xclaimArgument('IDLE option'));
    } else if (option === 'time' && more) {
      options.deliveryTime = longArg(argv[++j], Err.xclaimArgument('TIME option'));
    } else if (option === 'retrycount' && more) {
      options.retryCount = longArg(argv[++j], Err.xclaimArgument('RETRYCOUNT option'));
    } else if (option === 'lastid' && more) {
      options.lastId = strictIdArg(argv[++j]);
    } else {
      throw new ReplyError(Err.xclaimOption(argv[j]));
    }
  }
  return options;
}

/** XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME ms] [RETRYCOUNT n] ... */
function xclaim(ctx: CommandContext, argv: string[]): void {
  const { stream, target } = claimTarget(ctx, argv);
  const { group } = target;
  const minIdle = Number(longArg(argv[4], Err.xclaimArgument('min-idle-time')));
  // The IDs run until an argument is not one: the options start there.
  const ids: StreamId[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    const id = parseStreamId(argv[j], { strict: true });
    if (id === null) break;
    ids.push(id as StreamId);
  }
  const options = claimOptions(ctx, argv, j);
  const now = ctx.now;
  let propagateLastId = false;
  if (compareIds(options.lastId, group.lastId) > 0) {
    group.lastId = options.lastId;
    propagateLastId = true;
  }
  let deliveryTime = now;
  if (options.deliveryTime !== null && options.deliveryTime >= 0n && options.deliveryTime <= now) {
    deliveryTime = Number(options.deliveryTime);
  }
  let consumer: Consumer | undefined;
  const claimed: StreamId[] = [];
  ids.forEach((id, i) => {
    let pending = group.pending.get(id);
    if (!stream.has(id)) {
      // A pending entry whose message was deleted is dropped (and that is propagated).
      if (pending !== undefined) {
        propagateClaim(ctx, target, argv[5 + i], pending);
        propagateLastId = false;
        ctx.keyspace.dirty++;
        group.dropPending(pending);
      }
      return;
    }
    if (options.force && pending === undefined) {
      pending = new PendingEntry(id, null, now, 1);
      group.pending.insert(pending);
    }
    if (pending === undefined) return;
    if (pending.consumer !== null && minIdle > 0 && now - pending.deliveryTime < minIdle) return;
    consumer ??= groupConsumer(ctx, target, argv[3]);
    group.transfer(pending, consumer);
    pending.deliveryTime = deliveryTime;
    if (options.retryCount !== null && options.retryCount >= 0n) {
      pending.deliveryCount = normalize(options.retryCount);
    } else if (!options.justId) {
      pending.deliveryCount = increment(pending.deliveryCount);
    }
    claimed.push(id);
    propagateClaim(ctx, target, argv[5 + i], pending);
    propagateLastId = false;
    ctx.keyspace.dirty++;
  });
  if (propagateLastId) {
    propagateGroupId(ctx, target);
    ctx.keyspace.dirty++;
  }
  ctx.reply.array(claimed.length);
  for (const id of claimed) {
    if (options.justId) replyId(ctx, id);
    else replyEntry(ctx, stream.get(id)!);
  }
  ctx.propagateAs = [];
}

/** A claimed entry is read out of the PEL into this: 16 bytes per ID, as Redis allocates. */
const ID_BYTES = 16;
/** Redis allocates COUNT IDs at once; a process cannot map 2^47 bytes. */
const ADDRESS_SPACE_BYTES = 2 ** 47;
/** Redis accepts COUNT up to LONG_MAX / 16. */
const AUTOCLAIM_MAX_COUNT = 576460752303423487n;
/** XAUTOCLAIM looks at up to COUNT * 10 pending entries. */
const ATTEMPTS_FACTOR = 10;

/** XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID] */
function xautoclaim(ctx: CommandContext, argv: string[]): void {
  const minIdleArg = longArg(argv[4], Err.xautoclaimMinIdle);
  const minIdle = minIdleArg < 0n ? 0 : Number(minIdleArg);
  const start = rangeStartArg(argv[5]);
  let count = 100;
  let justId = false;
  for (let j = 6; j < argv.length; j++) {
    const option = optionName(argv[j]);
    if (option === 'count' && j + 1 < argv.length) {
      const value = longArg(argv[++j], Err.xautoclaimCount);
      if (value < 1n || value > AUTOCLAIM_MAX_COUNT) throw new ReplyError(Err.xautoclaimCount);
      count = Number(value);
    } else if (option === 'justid') {
      justId = true;
    } else {
      throw new ReplyError(Err.syntax);
    }
  }
  const { stream, target } = claimTarget(ctx, argv);
  const { group } = target;
  if (count * ID_BYTES >= ADDRESS_SPACE_BYTES) throw new ReplyError(Err.xautoclaimCountMemory);
  const now = ctx.now;
  let consumer: Consumer | undefined;
  const claimed: StreamId[] = [];
  const deleted: StreamId[] = [];
  let attempts = count * ATTEMPTS_FACTOR;
  let last: StreamId | null = null;
  let exhausted = false;
  for (let from = start; attempts > 0 && count > 0; attempts--) {
    const pending = group.pending.ceiling(from);
    if (pending === undefined) {
      exhausted = true;
      break;
    }
    const id = pending.id;
    last = id;
    from = nextId(id) ?? id;
    if (!stream.has(id)) {
      propagateClaim(ctx, target, formatId(id), pending);
      ctx.keyspace.dirty++;
      group.dropPending(pending);
      deleted.push(id);
      // COUNT bounds the reply, deleted IDs included.
      count--;
      continue;
    }
    if (minIdle > 0 && now - pending.deliveryTime < minIdle) continue;
    consumer ??= groupConsumer(ctx, target, argv[3]);
    group.transfer(pending, consumer);
    pending.deliveryTime = now;
    if (!justId) pending.deliveryCount = increment(pending.deliveryCount);
    claimed.push(id);
    count--;
    propagateClaim(ctx, target, formatId(id), pending);
    ctx.keyspace.dirty++;
  }
  // The cursor for the next call: the pending entry after the last one looked at.
  const after = last === null ? null : nextId(last);
  const cursor = exhausted || after === null ? undefined : group.pending.ceiling(after);
  const reply = ctx.reply;
  reply.array(3);
  replyId(ctx, cursor?.id ?? MIN_ID);
  reply.array(claimed.length);
  for (const id of claimed) {
    if (justId) replyId(ctx, id);
    else replyEntry(ctx, stream.get(id)!);
  }
  reply.array(deleted.length);
  for (const id of deleted) replyId(ctx, id);
  ctx.propagateAs = [];
}

export const streamClaimCommands: CommandSpec[] = [
  defineCommand({
    name: 'xclaim',
    arity: -6,
    flags: ['write', 'fast'],
    acl: ['stream'],
    tips: ['nondeterministic_output'],
    keySpecs: [keysAt(1, ['RW', 'UPDATE'])],
    handler: xclaim,
  }),
  defineCommand({
    name: 'xautoclaim',
    arity: -6,
    flags: ['write', 'fast'],
    acl: ['stream'],
    tips: ['nondeterministic_output'],
    keySpecs: [keysAt(1, ['RW', 'DELETE'])],
    handler: xautoclaim,
  }),
];
