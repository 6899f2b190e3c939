/**
 * A stream node: a run of consecutive entries packed into one byte buffer, as Redis packs them
 * into one listpack per radix tree node. The first entry's field names become the node's master
 * fields; a later entry with exactly those fields stores only its values.
 *
 * Each entry is encoded as: a flags byte (deleted, same-fields), the ms part as a varint delta
 * from the node's master ID, the seq part as a varint, then either the values alone (same fields)
 * or a field count and field/value pairs, each string as a varint length and its latin1 bytes.
 * Entries are never removed from a node, only flagged deleted (tombstones), as in Redis; the
 * whole node goes when its last live entry does.
 *
 * Where each entry starts is kept at the end of the same buffer, 4 bytes an entry from the end
 * down (the entries grow from the front up): a typed array of its own cost ~200 bytes of heap
 * per node beside its bytes, about 2 MB for a stream of 1M entries.
 */
import { add, normalize, subtract, toBigInt, type StreamId, type U64 } from './stream-id.js';
import {
  LISTPACK_EMPTY_BYTES,
  listpackIntSize,
  listpackStringSize,
} from './stream-listpack-size.js';

const FLAG_DELETED = 1;
const FLAG_SAME_FIELDS = 2;
/** The flags element in listpack: a small integer and its back-length byte. */
const FLAGS_LISTPACK_BYTES = 2;

/** Bytes of an entry's start offset at the end of the node's buffer. */
const START_BYTES = 4;
/** Strings shorter than this are copied byte by byte; longer ones with one native call. */
const NATIVE_COPY_LENGTH = 24;

export interface StreamEntry {
  id: StreamId;
  /** Field names and values, alternating. */
  fields: string[];
}

export class StreamNode {
  /** Entries with the deleted flag clear, and with it set (Redis's count and deleted). */
  live = 0;
  deleted = 0;
  /** Bytes of the master entry and of every entry in Redis's listpack encoding. */
  private listpackBytes: number;
  /** The entries from the front, where each starts (START_BYTES each) at the end, backwards. */
  private data: Buffer;
  private used = 0;
  /** How many entries the node was expected to hold (its buffer grows for the rest at once). */
  private expectedEntries: number;
  /**
   * The first live entry's index (`size` when none): trimming deletes from the head, so scans
   * for live entries start here rather than walk the tombstones every time.
   */
  private head = 0;
  /** Decoding cursor and the last decoded ID, so that scans allocate nothing. */
  private pos = 0;
  private curMs: U64 = 0;
  private curSeq: U64 = 0;

  /**
   * @param master the ID of the node's first entry, its key in Redis's radix tree
   * @param masterFields the first entry's field names (shared with other nodes when equal)
   * @param expected the bytes and entries the node will likely hold, to allocate once
   */
  constructor(
    readonly master: StreamId,
    readonly masterFields: readonly string[],
    expected: { bytes: number; entries: number } = { bytes: 128, entries: 8 },
  ) {
    let bytes = listpackIntSize(masterFields.length) + listpackIntSize(0);
    for (const field of masterFields) bytes += listpackStringSize(field);
    this.listpackBytes = bytes;
    this.expectedEntries = Math.max(expected.entries, 1);
    this.data = Buffer.allocUnsafeSlow(
      Math.max(expected.bytes, 16) + START_BYTES * this.expectedEntries,
    );
  }

  /** Entries in the node, deleted ones included. */
  get size(): number {
    return this.live + this.deleted;
  }

  /** Redis's lpBytes() of the listpack holding these entries. */
  get lpBytes(): number {
    return (
      LISTPACK_EMPTY_BYTES +
      this.listpackBytes +
      listpackIntSize(this.live) +
      listpackIntSize(this.deleted)
    );
  }

  /** Appends an entry; `args[from...]` holds `count` field/value pairs. */
  append(id: StreamId, args: readonly string[], from: number, count: number): void {
    const same = this.hasMasterFields(args, from, count);
    // Entries with the master fields store their values only.
    const first = same ? from + 1 : from;
    const step = same ? 2 : 1;
    const end = from + 2 * count;
    const master = this.master;
    const msDelta = unsignedDelta(id.ms, master.ms);
    const seq = id.seq;
    let bytes = 1 + varintSize(msDelta) + varintSize(seq) + (same ? 0 : varintSize(count));
    for (let i = first; i < end; i += step) {
      const length = args[i].length;
      bytes += length < 128 ? length + 1 : varintSize(length) + length;
    }
    this.reserve(bytes);
    const start = this.used;
    this.pos = start;
    this.data[this.pos++] = same ? FLAG_SAME_FIELDS : 0;
    this.writeVarint(msDelta);
    this.writeVarint(seq);
    if (!same) this.writeVarint(count);
    // The listpack's flags, ms delta, seq delta, field count unless same, and lp-count elements.
    let lpBytes =
      FLAGS_LISTPACK_BYTES +
      listpackIntSize(typeof msDelta === 'number' ? msDelta : BigInt.asIntN(64, msDelta)) +
      listpackIntSize(subtract(seq, master.seq)) +
      (same ? listpackIntSize(count + 3) : listpackIntSize(count) + listpackIntSize(2 * count + 4));
    for (let i = first; i < end; i += step) {
      this.writeString(args[i]);
      lpBytes += listpackStringSize(args[i]);
    }
    this.used = this.pos;
    this.setStart(this.size, start);
    this.live++;
    this.listpackBytes += lpBytes;
  }

  /** The ID of entry `index` (deleted or not). */
  idAt(index: number): StreamId {
    this.decodeHeader(index);
    return { ms: this.curMs, seq: this.curSeq };
  }

  isDeleted(index: number): boolean {
    return (this.data[this.startOf(index)] & FLAG_DELETED) !== 0;
  }

  /** Compares entry `index`'s ID with `id`, without allocating. */
  compareAt(index: number, id: StreamId): number {
    this.decodeHeader(index);
    if (this.curMs !== id.ms) return this.curMs < id.ms ? -1 : 1;
    if (this.curSeq !== id.seq) return this.curSeq < id.seq ? -1 : 1;
    return 0;
  }

  /** The index of the first entry (deleted or not) whose ID is >= id; `size` if none. */
  lowerBound(id: StreamId): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compareAt(mid, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Entry `index` with its fields and values. */
  entryAt(index: number): StreamEntry {
    const flags = this.decodeHeader(index);
    const id = { ms: this.curMs, seq: this.curSeq };
    let fields: string[];
    if (flags & FLAG_SAME_FIELDS) {
      const names = this.masterFields;
      fields = new Array<string>(names.length * 2);
      for (let i = 0; i < names.length; i++) {
        fields[2 * i] = names[i];
        fields[2 * i + 1] = this.readString();
      }
    } else {
      const count = this.readVarint() as number;
      fields = new Array<string>(count * 2);
      for (let i = 0; i < count * 2; i++) fields[i] = this.readString();
    }
    return { id, fields };
  }

  /**
   * The bytes of entry `index`'s values plus one per value (what a node stores of an entry with
   * its master fields), read without decoding the strings.
   */
  valueBytesAt(index: number): number {
    const flags = this.decodeHeader(index);
    const same = (flags & FLAG_SAME_FIELDS) !== 0;
    const values = same ? this.masterFields.length : (this.readVarint() as number);
    let bytes = 0;
    for (let i = 0; i < values; i++) {
      if (!same) this.skipString();
      bytes += this.skipString() + 1;
    }
    return bytes;
  }

  /** The index of the first live entry; `size` when all are deleted. */
  get firstLive(): number {
    return this.head;
  }

  /** Flags entry `index` deleted (it must be live). */
  markDeleted(index: number): void {
    this.data[this.startOf(index)] |= FLAG_DELETED;
    this.live--;
    this.deleted++;
    if (index === this.head) {
      const size = this.size;
      while (this.head < size && this.isDeleted(this.head)) this.head++;
    }
  }

  /** Releases the spare capacity kept for appending, once the node is no longer the tail. */
  compact(): void {
    const needed = this.used + START_BYTES * this.size;
    // A little slack is not worth a copy.
    if (this.data.length - needed > this.used >> 4) this.resize(needed);
  }

  clone(): StreamNode {
    const copy = new StreamNode(this.master, this.masterFields, { bytes: 16, entries: 1 });
    copy.live = this.live;
    copy.deleted = this.deleted;
    copy.listpackBytes = this.listpackBytes;
    copy.data = Buffer.allocUnsafeSlow(this.data.length);
    this.data.copy(copy.data);
    copy.used = this.used;
    copy.expectedEntries = this.expectedEntries;
    copy.head = this.head;
    return copy;
  }

  private hasMasterFields(args: readonly string[], from: number, count: number): boolean {
    const names = this.masterFields;
    if (names.length !== count) return false;
    for (let i = 0; i < count; i++) if (names[i] !== args[from + 2 * i]) return false;
    return true;
  }

  /** Reads entry `index`'s flags and ID; the cursor is left on what follows. */
  private decodeHeader(index: number): number {
    this.pos = this.startOf(index);
    const flags = this.data[this.pos++];
    const delta = this.readVarint();
    this.curMs = delta === 0 ? this.master.ms : add(this.master.ms, delta);
    this.curSeq = this.readVarint();
    return flags;
  }

  /** Room for an entry of `bytes` and its start. */
  private reserve(bytes: number): void {
    const size = this.size;
    const needed = this.used + bytes + START_BYTES * (size + 1);
    const length = this.data.length;
    if (needed <= length) return;
    // Room for the entries the node still expects, each the size of this one, rather than
    // double: the node is about full when it ends, and compact() has nothing to copy. At least
    // an eighth more, so that growing entries do not reallocate every time.
    const expected = this.expectedEntries - size;
    const grown =
      expected > 0 ? this.used + START_BYTES * size + expected * (bytes + START_BYTES) : length * 2;
    this.resize(Math.max(needed, grown, length + (length >> 3)));
  }

  /** Moves the entries and their starts into a buffer of `length` bytes. */
  private resize(length: number): void {
    const old = this.data;
    const startsBytes = START_BYTES * this.size;
    const data = Buffer.allocUnsafeSlow(length);
    old.copy(data, 0, 0, this.used);
    old.copy(data, length - startsBytes, old.length - startsBytes);
    this.data = data;
  }

  /** Where entry `index` starts. */
  private startOf(index: number): number {
    const data = this.data;
    const at = data.length - START_BYTES * (index + 1);
    return data[at] | (data[at + 1] << 8) | (data[at + 2] << 16) | (data[at + 3] << 24);
  }

  private setStart(index: number, start: number): void {
    const data = this.data;
    const at = data.length - START_BYTES * (index + 1);
    data[at] = start;
    data[at + 1] = start >>> 8;
    data[at + 2] = start >>> 16;
    data[at + 3] = start >>> 24;
  }

  private writeVarint(v: U64): void {
    if (typeof v === 'number' && v < 128) this.data[this.pos++] = v;
    else this.writeLongVarint(v);
  }

  private writeLongVarint(v: U64): void {
    const data = this.data;
    if (typeof v === 'number') {
      while (v >= 128) {
        data[this.pos++] = (v % 128) + 128;
        v = Math.floor(v / 128);
      }
      data[this.pos++] = v;
      return;
    }
    while (v >= 128n) {
      data[this.pos++] = Number(v % 128n) + 128;
      v /= 128n;
    }
    data[this.pos++] = Number(v);
  }

  private readVarint(): U64 {
    const data = this.data;
    const start = this.pos;
    let b = data[this.pos++];
    if (b < 128) return b;
    // Up to 7 bytes (49 bits) add up exactly in a double; longer ones take the bigint path.
    let value = b - 128;
    let scale = 128;
    for (let n = 1; n < 7; n++) {
      b = data[this.pos++];
      if (b < 128) return value + b * scale;
      value += (b - 128) * scale;
      scale *= 128;
    }
    this.pos = start;
    let big = 0n;
    let shift = 0n;
    do {
      b = data[this.pos++];
      big |= BigInt(b & 127) << shift;
      shift += 7n;
    } while (b >= 128);
    return normalize(big);
  }

  private writeString(s: string): void {
    const length = s.length;
    const data = this.data;
    let p = this.pos;
    if (length < 128) data[p++] = length;
    else {
      this.writeLongVarint(length);
      p = this.pos;
    }
    if (length < NATIVE_COPY_LENGTH) {
      for (let i = 0; i < length; i++) data[p++] = s.charCodeAt(i);
    } else {
      data.latin1Write(s, p, length);
      p += length;
    }
    this.pos = p;
  }

  /** Moves the cursor past a string; returns its length. */
  private skipString(): number {
    const length = this.readVarint() as number;
    this.pos += length;
    return length;
  }

  private readString(): string {
    const length = this.readVarint() as number;
    const start = this.pos;
    this.pos += length;
    return this.data.latin1Slice(start, this.pos);
  }
}

/** ms - masterMs for an entry of the node (never negative: IDs only grow). */
function unsignedDelta(ms: U64, masterMs: U64): U64 {
  if (typeof ms === 'number' && typeof masterMs === 'number') return ms - masterMs;
  return normalize(toBigInt(ms) - toBigInt(masterMs));
}

function varintSize(v: U64): number {
  return typeof v === 'number' && v < 128 ? 1 : longVarintSize(v);
}

function longVarintSize(v: U64): number {
  let size = 1;
  if (typeof v === 'number') {
    while (v >= 128) {
      v = Math.floor(v / 128);
      size++;
    }
    return size;
  }
  while (v >= 128n) {
    v /= 128n;
    size++;
  }
  return size;
}
