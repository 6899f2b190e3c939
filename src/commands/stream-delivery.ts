/**
 * Delivering entries to consumer groups, shared by XREADGROUP (served at once or after blocking),
 * XCLAIM and XAUTOCLAIM: consumers looked up or created, pending entries recorded, and the
 * group changes propagated the way Redis 7.0 does (XCLAIM ... FORCE JUSTID, XGROUP SETID,
 * XGROUP CREATECONSUMER), since the reading command itself is not replayable.
 */
import type { CommandContext } from '../dispatch/context.js';
import type { Stream } from '../datatypes/stream.js';
import { compareIds, formatId, MAX_ID, type StreamId } from '../datatypes/stream-id.js';
import {
  countDelivery,
  type Consumer,
  type ConsumerGroup,
  type PendingEntry,
} from '../datatypes/stream-group.js';

/** An entry as read for a client; a pending entry no longer in the stream has null fields. */
export interface ReadEntry {
  id: StreamId;
  fields: string[] | null;
}

/** A group of a stream key, with the group name as the client gave it. */
export interface GroupTarget {
  key: string;
  groupName: string;
  group: ConsumerGroup;
}

/**
 * The named consumer of a group, created if needed (which dirties the key and raises
 * xgroup-createconsumer); looking it up counts as the consumer being seen now.
 */
export function groupConsumer(
  ctx: CommandContext,
  target: GroupTarget,
  name: string,
  propagateCreation = false,
): Consumer {
  const existing = target.group.consumers.get(name);
  if (existing !== undefined) {
    existing.seenTime = ctx.now;
    return existing;
  }
  const consumer = createConsumer(ctx, target, name)!;
  // Without pending entries (NOACK), nothing else would create the consumer on replicas.
  if (propagateCreation) {
    ctx.server.propagate(ctx.db.id, [
      'XGROUP',
      'CREATECONSUMER',
      target.key,
      target.groupName,
      name,
    ]);
  }
  return consumer;
}

/** XGROUP CREATECONSUMER's work: null if the consumer exists. */
export function createConsumer(
  ctx: CommandContext,
  target: GroupTarget,
  name: string,
): Consumer | null {
  const consumer = target.group.createConsumer(name, ctx.now);
  if (consumer === null) return null;
  ctx.keyspace.dirty++;
  ctx.keyspace.notify(ctx.db, target.key, 't', 'xgroup-createconsumer');
  return consumer;
}

/**
 * XREADGROUP >: the entries from `start` on given to `consumer`, moving the group past them and
 * recording them pending unless NOACK (Redis's streamReplyWithRange with a group).
 */
export function deliverNew(
  ctx: CommandContext,
  stream: Stream,
  target: GroupTarget,
  consumer: Consumer,
  start: StreamId,
  count: number,
  noack: boolean,
): ReadEntry[] {
  const { group } = target;
  const entries = stream.range(start, MAX_ID, count);
  let moved = false;
  for (const entry of entries) {
    if (compareIds(entry.id, group.lastId) > 0) {
      stream.advanceGroup(group, entry.id);
      moved = true;
    }
    if (!noack) {
      const pending = group.deliver(entry.id, consumer, ctx.now);
      propagateClaim(ctx, target, formatId(entry.id), pending);
    }
  }
  // With pending entries the XCLAIMs carry the group's last ID (LASTID); without, SETID does.
  if (moved && noack) propagateGroupId(ctx, target);
  return entries;
}

/**
 * XREADGROUP with an ID: the consumer's own pending entries from `start` on, each counted as
 * delivered again (Redis's streamReplyWithRangeFromConsumerPEL).
 */
export function deliverHistory(
  ctx: CommandContext,
  stream: Stream,
  consumer: Consumer,
  start: StreamId,
  count: number,
): ReadEntry[] {
  const out: ReadEntry[] = [];
  for (const pending of consumer.pending.from(start)) {
    if (count !== 0 && out.length >= count) break;
    const entry = stream.get(pending.id);
    if (entry === undefined) {
      out.push({ id: pending.id, fields: null });
    } else {
      out.push(entry);
      countDelivery(pending, ctx.now);
    }
  }
  return out;
}

/**
 * Propagates a pending entry's state as an idempotent XCLAIM (Redis's streamPropagateXCLAIM):
 * XCLAIM <key> <group> <consumer> 0 <id> TIME <ms> RETRYCOUNT <n> FORCE JUSTID LASTID <id>.
 */
export function propagateClaim(
  ctx: CommandContext,
  target: GroupTarget,
  idText: string,
  pending: PendingEntry,
): void {
  ctx.server.propagate(ctx.db.id, [
    'XCLAIM',
    target.key,
    target.groupName,
    pending.consumer!.name,
    '0',
    idText,
    'TIME',
    String(pending.deliveryTime),
    'RETRYCOUNT',
    String(pending.deliveryCount),
    'FORCE',
    'JUSTID',
    'LASTID',
    formatId(target.group.lastId),
  ]);
}

/** Propagates a group's last ID and read counter (Redis's streamPropagateGroupID). */
export function propagateGroupId(ctx: CommandContext, target: GroupTarget): void {
  ctx.server.propagate(ctx.db.id, [
    'XGROUP',
    'SETID',
    target.key,
    target.groupName,
    formatId(target.group.lastId),
    'ENTRIESREAD',
    String(target.group.entriesRead),
  ]);
}
