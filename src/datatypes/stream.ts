/**
 * The stream type: entries in ID order, stored compactly in nodes (see stream-node.ts) kept in a
 * sorted array searched by binary search, plus the stream's bookkeeping (last generated ID, first
 * entry ID, largest deleted ID, entries ever added) and its consumer groups. The semantics follow
 * Redis 7.0's t_stream.c: tombstones, node splitting, trimming, and the groups' read counters.
 */
import type { CollectionValue } from '../keyspace/values.js';
import {
  compareIds,
  increment,
  isZeroId,
  MAX_ID,
  MIN_ID,
  nextId,
  subtract,
  type StreamId,
  type U64,
} from './stream-id.js';
import { compareNames, ConsumerGroup, INVALID_ENTRIES_READ } from './stream-group.js';
import { StreamNode, type StreamEntry } from './stream-node.js';
import { RaxShape } from './stream-rax.js';

export type { StreamEntry } from './stream-node.js';

/** Redis's STREAM_LISTPACK_MAX_SIZE: no node grows beyond this, whatever the configuration. */
export const NODE_MAX_BYTES_LIMIT = 1 << 30;

/** stream-node-max-bytes and stream-node-max-entries (0: no limit). */
export interface NodeLimits {
  maxBytes: number;
  maxEntries: number;
}

/** What XTRIM and XADD's trimming options ask for. */
export interface TrimOptions {
  /** Keep at most this many entries, or ... */
  maxLen?: number;
  /** ... drop the entries below this ID. */
  minId?: StreamId;
  /** `~`: only remove whole nodes. */
  approx: boolean;
  /** At most this many entries removed (0: no limit). */
  limit: number;
}

export class Stream implements CollectionValue {
  readonly type = 'stream' as const;
  readonly encoding = 'stream';
  private nodes: StreamNode[] = [];
  private rax = new RaxShape();
  /** Live entries. */
  length = 0;
  lastId: StreamId = MIN_ID;
  /** The first live entry's ID when the stream last changed at its head; 0-0 when empty. */
  firstId: StreamId = MIN_ID;
  maxDeletedId: StreamId = MIN_ID;
  /** Entries added over the stream's whole life. */
  entriesAdded: U64 = 0;
  /** Consumer groups by name; created on first use, as in Redis. */
  groups: Map<string, ConsumerGroup> | null = null;
  /** What newestEntryValueBytes() returns, kept by append; -1 once deletions make it unknown. */
  private newestValueBytes = 0;

  /** The nodes in ID order, for serialization (RDB, DUMP). */
  get nodeList(): readonly StreamNode[] {
    return this.nodes;
  }

  /**
   * Appends a node built elsewhere, whose entries all follow the stream's (RDB loading); the
   * caller sets length, lastId and the other bookkeeping from the file.
   */
  appendNode(node: StreamNode): void {
    this.nodes.push(node);
    this.rax.insert(node.master);
    this.newestValueBytes = -1;
  }

  /** Nodes in Redis's radix tree (XINFO STREAM radix-tree-keys). */
  get radixTreeKeys(): number {
    return this.rax.keys;
  }

  /** Nodes of the radix tree itself (XINFO STREAM radix-tree-nodes). */
  get radixTreeNodes(): number {
    return this.rax.nodes;
  }

  /** The ID XADD * generates at time `now` (Redis's streamNextID); null past the last ID. */
  autoId(now: number): StreamId | null {
    if (now > this.lastId.ms) return { ms: now, seq: 0 };
    return nextId(this.lastId);
  }

  /**
   * Appends an entry whose ID is above lastId; `args[from...]` holds `count` field/value pairs
   * (Redis's streamAppendItem). `elementBytes` is the size of those strings together.
   */
  append(
    id: StreamId,
    args: readonly string[],
    from: number,
    count: number,
    elementBytes: number,
    limits: NodeLimits,
  ): void {
    let node: StreamNode | undefined = this.nodes[this.nodes.length - 1];
    if (node !== undefined && this.nodeIsFull(node, elementBytes, limits)) {
      node.compact();
      node = undefined;
    }
    if (node === undefined) {
      node = new StreamNode(
        id,
        this.masterFields(args, from, count),
        nodeSizeGuess(args, from, count, limits),
      );
      this.nodes.push(node);
      this.rax.insert(id);
    }
    node.append(id, args, from, count);
    let valueBytes = 0;
    for (let i = from + 1; i < from + 2 * count; i += 2) valueBytes += args[i].length + 1;
    this.newestValueBytes = valueBytes;
    this.length++;
    this.entriesAdded = increment(this.entriesAdded);
    this.lastId = id;
    if (this.length === 1) this.firstId = id;
  }

  /** The entry with this ID, unless missing or deleted. */
  get(id: StreamId): StreamEntry | undefined {
    const found = this.locate(id);
    return found === null ? undefined : found.node.entryAt(found.index);
  }

  has(id: StreamId): boolean {
    return this.locate(id) !== null;
  }

  /**
   * Live entries from `start` to `end` inclusive, in ID order or reversed, at most `count` of
   * them (0: all).
   */
  range(start: StreamId, end: StreamId, count: number, reverse = false): StreamEntry[] {
    const out: StreamEntry[] = [];
    if (compareIds(start, end) > 0) return out;
    const nodes = this.nodes;
    if (!reverse) {
      let n = Math.max(0, this.nodeIndexFor(start));
      for (
        let i = n < nodes.length ? nodes[n].lowerBound(start) : 0;
        n < nodes.length;
        n++, i = 0
      ) {
        const node = nodes[n];
        for (; i < node.size; i++) {
          if (node.isDeleted(i)) continue;
          if (node.compareAt(i, end) > 0) return out;
          out.push(node.entryAt(i));
          if (out.length === count) return out;
        }
      }
      return out;
    }
    let n = this.nodeIndexFor(end);
    if (n < 0) return out;
    const after = nextId(end);
    let i = after === null ? nodes[n].size : nodes[n].lowerBound(after);
    for (; n >= 0; n--, i = n >= 0 ? nodes[n].size : 0) {
      const node = nodes[n];
      while (--i >= 0) {
        if (node.isDeleted(i)) continue;
        if (node.compareAt(i, start) < 0) return out;
        out.push(node.entryAt(i));
        if (out.length === count) return out;
      }
    }
    return out;
  }

  /**
   * The newest live entry's value bytes plus one per value (StreamNode.valueBytesAt); 0 when
   * empty. Memory estimates take that entry as typical, on every write: known after an append,
   * read from the node (allocating nothing) after deletions.
   */
  newestEntryValueBytes(): number {
    if (this.newestValueBytes < 0) this.newestValueBytes = this.readNewestValueBytes();
    return this.newestValueBytes;
  }

  private readNewestValueBytes(): number {
    const nodes = this.nodes;
    for (let n = nodes.length - 1; n >= 0; n--) {
      const node = nodes[n];
      for (let i = node.size - 1; i >= 0; i--) {
        if (!node.isDeleted(i)) return node.valueBytesAt(i);
      }
    }
    return 0;
  }

  /** The last live entry's ID (Redis's streamLastValidID); 0-0 when empty. */
  lastValidId(): StreamId {
    return this.length === 0 ? MIN_ID : this.edgeId(false, true);
  }

  /**
   * The first or last entry's ID (Redis's streamGetEdgeID), tombstones included or skipped; for
   * an empty stream the largest ID when asking for the first, 0-0 for the last.
   */
  edgeId(first: boolean, skipTombstones: boolean): StreamId {
    const nodes = this.nodes;
    for (let k = 0; k < nodes.length; k++) {
      const node = nodes[first ? k : nodes.length - 1 - k];
      for (let j = first && skipTombstones ? node.firstLive : 0; j < node.size; j++) {
        const i = first ? j : node.size - 1 - j;
        if (!skipTombstones || !node.isDeleted(i)) return node.idAt(i);
      }
    }
    return first ? MAX_ID : MIN_ID;
  }

  /** XDEL: deletes the entries with these IDs; returns how many were there. */
  delete(ids: readonly StreamId[]): number {
    let deleted = 0;
    let firstDeleted = false;
    for (const id of ids) {
      const found = this.locate(id);
      if (found === null) continue;
      const { node, index, nodeIndex } = found;
      if (node.live === 1) {
        // The node's last live entry: the whole node goes, tombstones and all.
        this.nodes.splice(nodeIndex, 1);
        this.rax.remove(node.master);
      } else {
        node.markDeleted(index);
      }
      this.length--;
      if (compareIds(id, this.firstId) === 0) firstDeleted = true;
      if (compareIds(id, this.maxDeletedId) > 0) this.maxDeletedId = id;
      deleted++;
    }
    if (deleted > 0) {
      if (this.length === 0) this.firstId = MIN_ID;
      else if (firstDeleted) this.firstId = this.edgeId(true, true);
      this.newestValueBytes = -1;
    }
    return deleted;
  }

  /** Removes entries from the head (Redis's streamTrim); returns how many. */
  trim(options: TrimOptions): number {
    const { maxLen, minId, approx, limit } = options;
    const nodes = this.nodes;
    let removedNodes = 0;
    let deleted = 0;
    for (; removedNodes < nodes.length;) {
      if (maxLen !== undefined && this.length <= maxLen) break;
      const node = nodes[removedNodes];
      const entries = node.live;
      if (limit && deleted + entries > limit) break;
      const removeNode =
        maxLen !== undefined
          ? this.length - entries >= maxLen
          : compareIds(node.idAt(node.size - 1), minId!) < 0;
      if (removeNode) {
        this.rax.remove(node.master);
        removedNodes++;
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (approx) break;
      // Tombstones come before the first live entry: the scan would only step over them (IDs
      // grow along the node, so a MINID that stops at one stops at the first live entry too).
      for (let i = node.firstLive; i < node.size; i++) {
        const stop = maxLen !== undefined ? this.length <= maxLen : node.compareAt(i, minId!) >= 0;
        if (stop) break;
        if (node.isDeleted(i)) continue;
        node.markDeleted(i);
        this.length--;
        deleted++;
      }
      break;
    }
    if (removedNodes > 0) nodes.splice(0, removedNodes);
    if (this.length === 0) {
      this.firstId = MIN_ID;
      // Trimming deletes from the head: the newest entry only goes with all the others.
      this.newestValueBytes = 0;
    } else if (deleted > 0) {
      this.firstId = this.edgeId(true, true);
    }
    return deleted;
  }

  // ---- Consumer groups --------------------------------------------------------------------

  group(name: string): ConsumerGroup | undefined {
    return this.groups?.get(name);
  }

  /** A new group, or null if one has that name. */
  createGroup(name: string, lastId: StreamId, entriesRead: U64): ConsumerGroup | null {
    this.groups ??= new Map();
    if (this.groups.has(name)) return null;
    const group = new ConsumerGroup(lastId, entriesRead);
    this.groups.set(name, group);
    return group;
  }

  /** Groups in Redis's order: by name, bytewise. */
  sortedGroups(): [string, ConsumerGroup][] {
    if (this.groups === null) return [];
    return [...this.groups].sort((a, b) => compareNames(a[0], b[0]));
  }

  /**
   * Moves a group past entry `id` it is being given (XREADGROUP >), keeping its read counter:
   * counted on while no tombstone lies ahead, estimated again otherwise.
   */
  advanceGroup(group: ConsumerGroup, id: StreamId): void {
    if (group.entriesRead !== INVALID_ENTRIES_READ && !this.rangeHasTombstones(id)) {
      group.entriesRead = increment(group.entriesRead);
    } else if (this.entriesAdded !== 0) {
      group.entriesRead = this.estimateEntriesRead(id);
    }
    group.lastId = id;
  }

  /** A group's lag: entries added and not yet read by it; null when it cannot be known. */
  lag(group: ConsumerGroup): U64 | null {
    if (this.entriesAdded === 0) return 0;
    if (group.entriesRead !== INVALID_ENTRIES_READ && !this.rangeHasTombstones(group.lastId)) {
      return subtract(this.entriesAdded, group.entriesRead);
    }
    const read = this.estimateEntriesRead(group.lastId);
    return read === INVALID_ENTRIES_READ ? null : subtract(this.entriesAdded, read);
  }

  /**
   * The read counter of `id`: how many entries lie up to it counting from the first ever added
   * (Redis's streamEstimateDistanceFromFirstEverEntry), or INVALID_ENTRIES_READ when deletions
   * make it unknowable.
   */
  estimateEntriesRead(id: StreamId): U64 {
    if (this.entriesAdded === 0) return 0;
    const toLast = compareIds(id, this.lastId);
    if (this.length === 0 && toLast <= 0) return this.entriesAdded;
    if (toLast === 0) return this.entriesAdded;
    if (toLast > 0) return INVALID_ENTRIES_READ;
    if (isZeroId(this.maxDeletedId) || compareIds(this.maxDeletedId, this.firstId) < 0) {
      const toFirst = compareIds(id, this.firstId);
      if (toFirst < 0) return subtract(this.entriesAdded, this.length);
      if (toFirst === 0) return increment(subtract(this.entriesAdded, this.length));
    }
    return INVALID_ENTRIES_READ;
  }

  /** Whether a deleted entry may lie at or after `start` (Redis's streamRangeHasTombstones). */
  private rangeHasTombstones(start: StreamId): boolean {
    if (this.length === 0 || isZeroId(this.maxDeletedId)) return false;
    if (compareIds(this.firstId, this.maxDeletedId) > 0) return false;
    return compareIds(start, this.maxDeletedId) <= 0;
  }

  clone(): Stream {
    const copy = new Stream();
    copy.nodes = this.nodes.map((node) => node.clone());
    copy.rax = this.rax.clone();
    copy.length = this.length;
    copy.lastId = this.lastId;
    copy.firstId = this.firstId;
    copy.maxDeletedId = this.maxDeletedId;
    copy.entriesAdded = this.entriesAdded;
    copy.newestValueBytes = this.newestValueBytes;
    if (this.groups !== null) {
      copy.groups = new Map([...this.groups].map(([name, group]) => [name, group.clone()]));
    }
    return copy;
  }

  // ---- Nodes ------------------------------------------------------------------------------

  private nodeIsFull(node: StreamNode, elementBytes: number, limits: NodeLimits): boolean {
    const maxBytes =
      limits.maxBytes === 0 || limits.maxBytes > NODE_MAX_BYTES_LIMIT
        ? NODE_MAX_BYTES_LIMIT
        : limits.maxBytes;
    if (node.lpBytes + elementBytes >= maxBytes) return true;
    return limits.maxEntries !== 0 && node.size >= limits.maxEntries;
  }

  /** The field names of a new node's master entry, shared with the previous node when equal. */
  private masterFields(args: readonly string[], from: number, count: number): readonly string[] {
    const previous = this.nodes[this.nodes.length - 1]?.masterFields;
    let same = previous !== undefined && previous.length === count;
    const fields = new Array<string>(count);
    for (let i = 0; i < count; i++) {
      fields[i] = args[from + 2 * i];
      if (same && previous![i] !== fields[i]) same = false;
    }
    return same ? previous! : fields;
  }

  /** The index of the last node whose master ID is <= id, or -1. */
  private nodeIndexFor(id: StreamId): number {
    const nodes = this.nodes;
    // Readers of new entries (XREAD, XREADGROUP >) mostly ask for the tail.
    const last = nodes.length - 1;
    if (last >= 0 && compareIds(nodes[last].master, id) <= 0) return last;
    let lo = 0;
    let hi = nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(nodes[mid].master, id) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** Where the live entry with this ID is, or null. */
  private locate(id: StreamId): { node: StreamNode; nodeIndex: number; index: number } | null {
    const nodeIndex = this.nodeIndexFor(id);
    if (nodeIndex < 0) return null;
    const node = this.nodes[nodeIndex];
    const index = node.lowerBound(id);
    if (index === node.size || node.compareAt(index, id) !== 0 || node.isDeleted(index)) {
      return null;
    }
    return { node, nodeIndex, index };
  }
}

/** Entries Kvik expects in a node when stream-node-max-entries sets no limit. */
const UNLIMITED_ENTRIES_GUESS = 128;

/**
 * The room a new node likely needs, so that it is allocated once rather than grown step by step:
 * entries like its first one as later entries store them (the values, a length byte each, three
 * header bytes), up to the entry limit, within about the byte limit.
 */
function nodeSizeGuess(
  args: readonly string[],
  from: number,
  count: number,
  limits: NodeLimits,
): { bytes: number; entries: number } {
  const entries =
    limits.maxEntries > 0 ? Math.min(limits.maxEntries, 1024) : UNLIMITED_ENTRIES_GUESS;
  let entryBytes = 3 + count;
  for (let i = from + 1; i < from + 2 * count; i += 2) entryBytes += args[i].length;
  // A node stops growing once it passes stream-node-max-bytes (listpack bytes, more than ours).
  const maxBytes = (limits.maxBytes > 0 ? Math.min(limits.maxBytes, 65536) : 65536) + entryBytes;
  return { bytes: Math.min(entryBytes * entries, maxBytes), entries };
}
