/**
 * Consumer groups: the last delivered ID and read counter of a group, its consumers, and the
 * pending entries list (PEL) of entries delivered but not yet acknowledged. Each pending entry
 * (Redis's NACK) is shared by the group's PEL and its owner's PEL.
 */
import { increment, type StreamId, type U64 } from './stream-id.js';
import { IdIndex } from './stream-pel.js';

/** Redis's SCG_INVALID_ENTRIES_READ: the group's read counter is unknown. */
export const INVALID_ENTRIES_READ = -1;

/** A delivered, not yet acknowledged entry. */
export class PendingEntry {
  constructor(
    readonly id: StreamId,
    /** Null only for an entry XCLAIM FORCE creates, until it is given to its claimer. */
    public consumer: Consumer | null,
    /** When it was last delivered (ms). */
    public deliveryTime: number,
    public deliveryCount: U64,
  ) {}
}

export class Consumer {
  readonly pending = new IdIndex<PendingEntry>();

  constructor(
    readonly name: string,
    /** When the consumer last read or claimed (ms). */
    public seenTime: number,
  ) {}
}

export class ConsumerGroup {
  readonly pending = new IdIndex<PendingEntry>();
  readonly consumers = new Map<string, Consumer>();

  constructor(
    public lastId: StreamId,
    /** How many entries the group has read, counting from the stream's first ever entry. */
    public entriesRead: U64,
  ) {}

  /** A new consumer, or null if one has that name. */
  createConsumer(name: string, now: number): Consumer | null {
    if (this.consumers.has(name)) return null;
    const consumer = new Consumer(name, now);
    this.consumers.set(name, consumer);
    return consumer;
  }

  /** Removes a consumer and its pending entries from the group. */
  deleteConsumer(consumer: Consumer): void {
    for (const entry of consumer.pending) this.pending.delete(entry.id);
    this.consumers.delete(consumer.name);
  }

  /** Consumers in Redis's order: by name, bytewise. */
  sortedConsumers(): Consumer[] {
    return [...this.consumers.values()].sort((a, b) => compareNames(a.name, b.name));
  }

  /** XACK of one ID: true if it was pending. */
  acknowledge(id: StreamId): boolean {
    const entry = this.pending.delete(id);
    if (entry === undefined) return false;
    entry.consumer?.pending.delete(id);
    return true;
  }

  /**
   * Records the delivery of entry `id` to `consumer` by XREADGROUP: a new pending entry, or,
   * if the entry was pending already (XGROUP SETID moved the group back), the existing one moves
   * to this consumer and counts as delivered once.
   */
  deliver(id: StreamId, consumer: Consumer, now: number): PendingEntry {
    const entry = new PendingEntry(id, consumer, now, 1);
    if (this.pending.insert(entry)) {
      consumer.pending.insert(entry);
      return entry;
    }
    const existing = this.pending.get(id)!;
    existing.consumer?.pending.delete(id);
    existing.consumer = consumer;
    existing.deliveryTime = now;
    existing.deliveryCount = 1;
    consumer.pending.insert(existing);
    return existing;
  }

  /** Gives a pending entry to `consumer` (XCLAIM, XAUTOCLAIM). */
  transfer(entry: PendingEntry, consumer: Consumer): void {
    if (entry.consumer === consumer) return;
    entry.consumer?.pending.delete(entry.id);
    entry.consumer = consumer;
    consumer.pending.insert(entry);
  }

  /** Drops a pending entry from the group and its owner. */
  dropPending(entry: PendingEntry): void {
    this.pending.delete(entry.id);
    entry.consumer?.pending.delete(entry.id);
  }

  clone(): ConsumerGroup {
    const copy = new ConsumerGroup(this.lastId, this.entriesRead);
    const copies = new Map<PendingEntry, PendingEntry>();
    for (const entry of this.pending) {
      const twin = new PendingEntry(entry.id, null, entry.deliveryTime, entry.deliveryCount);
      copies.set(entry, twin);
      copy.pending.insert(twin);
    }
    for (const consumer of this.consumers.values()) {
      const twin = new Consumer(consumer.name, consumer.seenTime);
      copy.consumers.set(twin.name, twin);
      for (const entry of consumer.pending) {
        const pending = copies.get(entry)!;
        pending.consumer = twin;
        twin.pending.insert(pending);
      }
    }
    return copy;
  }
}

/** Counts a delivery of an entry already pending (history reads and claims). */
export function countDelivery(entry: PendingEntry, now: number): void {
  entry.deliveryTime = now;
  entry.deliveryCount = increment(entry.deliveryCount);
}

/** Bytewise order of latin1 names, as Redis's radix trees keep groups and consumers. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
