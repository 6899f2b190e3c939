/**
 * What a key costs in the heap, estimated in O(1): the figure behind used_memory, maxmemory and
 * MEMORY USAGE.
 *
 * Node has no allocator to ask (Redis reads jemalloc's counters), and the heap V8 reports moves
 * with garbage not yet collected, so it cannot say when enough has been evicted. Instead each key
 * carries an estimate of its bytes (the keyspace keeps it in its dictionary's weight array and
 * re-estimates a key whenever it is written, see Keyspace.keyChanged), and used_memory is their
 * sum plus fixed overheads: an incremental counter, never a walk of the data.
 *
 * An estimate is built from V8's layouts on 64-bit Node (no pointer compression): a latin1 string
 * is a 16-byte header and its bytes rounded up to 8, an array slot is 8 bytes, a double in a
 * double array 8. Collections are estimated from their element count and the mean size of a few
 * sampled elements (as Redis's MEMORY USAGE samples them), so a write costs a handful of reads
 * whatever the collection's size. The per-element overheads below were calibrated against the
 * real heap growth of filling each type (test/commands/memory.test.ts checks they stay within 25%
 * of it, measured after global.gc).
 */
import { StringBuffer } from '../datatypes/string-buffer.js';
import { SMALL_ENTRIES } from '../datatypes/indexed-dict.js';
import { HashValue } from '../datatypes/hash.js';
import { ListValue } from '../datatypes/list.js';
import { SetValue } from '../datatypes/set.js';
import { ZSetValue } from '../datatypes/zset.js';
import { Stream } from '../datatypes/stream.js';
import type { StoredValue } from './values.js';

/** Elements sampled to estimate a collection's mean element size. */
const SAMPLES = 5;

/** A key's share of the keyspace dictionary: its slots in the parallel arrays and the index. */
export const KEY_ENTRY_BYTES = 40;
/** An entry of a database's expires map (the key string is shared with the dictionary). */
export const EXPIRE_ENTRY_BYTES = 56;

const OBJECT_BYTES = 64;
/** A StringBuffer: the object and its Buffer's header; the bytes grow greedily (x2 under 1 MB). */
const STRING_BUFFER_BYTES = 200;
/** A list: the ring array has spare room (it doubles and halves), about 1.5 slots per element. */
const LIST_SLOT_BYTES = 12;
/** A hashtable entry (hash field, set member, zset member): IndexedDict's arrays and index. */
const DICT_ENTRY_BYTES = 32;
/** An empty IndexedDict: its object and typed arrays (each with its ArrayBuffer). */
const DICT_BYTES = 800;
/** An IndexedDict of up to SMALL_ENTRIES entries (no index): its object and two short arrays. */
const SMALL_DICT_BYTES = 480;
/** A set's keys-only IndexedDict: no values array, so less per entry and when small. */
const KEYS_ONLY_ENTRY_BYTES = 24;
const SMALL_KEYS_ONLY_DICT_BYTES = 260;
/** An intset member: 8 bytes in a BigInt64Array that doubles, so about 1.5 slots. */
const INTSET_MEMBER_BYTES = 12;
/** A sorted set entry in its B+ tree: a double and a member reference, leaves partly filled. */
const TREE_ENTRY_BYTES = 24;
/** A sorted set's tree with one leaf: the tree object, its leaf and their arrays. */
const TREE_BYTES = 330;
/** A stream entry in its node's buffer: flags, varint ID delta and field count. */
const STREAM_ENTRY_BYTES = 20;
/** A stream node: its object, entry offsets array and buffer header. */
const STREAM_NODE_BYTES = 400;
/** An empty stream: its object, radix tree shape and node array, and a first node's buffer. */
const STREAM_BYTES = 2300;

/** Bytes of a latin1 string in V8's heap. */
export function stringBytes(length: number): number {
  return 16 + ((length + 7) & ~7);
}

/**
 * The estimated bytes of a key holding a value: what the keyspace weighs the key at. `samples`
 * elements of a collection are measured (MEMORY USAGE ... SAMPLES; Infinity: all).
 */
export function keyBytes(key: string, value: StoredValue, samples = SAMPLES): number {
  return KEY_ENTRY_BYTES + stringBytes(key.length) + valueBytes(value, samples);
}

/** The estimated bytes of a value. */
function valueBytes(value: StoredValue, samples = SAMPLES): number {
  if (typeof value === 'string') return stringBytes(value.length);
  if (value instanceof StringBuffer) return STRING_BUFFER_BYTES + value.length * 2;
  if (value instanceof ListValue) return listBytes(value);
  if (value instanceof HashValue) return hashBytes(value, samples);
  if (value instanceof SetValue) return setBytes(value, samples);
  if (value instanceof ZSetValue) return zsetBytes(value, samples);
  if (value instanceof Stream) return streamBytes(value);
  return OBJECT_BYTES;
}

/** The golden ratio's fraction: successive multiples of it spread evenly over [0, 1). */
const GOLDEN_FRACTION = 0.6180339887498949;

/**
 * Which element to measure as the i-th of n = min(size, samples): all of them when there are no
 * more than `samples`, else n spread evenly over the collection from an offset that moves with
 * its size, so successive estimates of a growing collection look at different elements. No
 * random numbers and no callback: this runs on every write.
 */
function sampleIndex(i: number, size: number, n: number): number {
  if (size <= n) return i;
  const offset = (size * GOLDEN_FRACTION) % 1;
  return Math.floor(((i + offset) / n) * size);
}

/**
 * A list counts its elements' total length as they change, so every element is measured, in
 * O(1): each weighs a string header plus its characters, rounded up to 8 bytes (half of that on
 * average).
 */
function listBytes(list: ListValue): number {
  const size = list.length;
  return OBJECT_BYTES + size * (LIST_SLOT_BYTES + 16 + 4) + list.elementChars;
}

function hashBytes(hash: HashValue, samples: number): number {
  const table = hash.table;
  if (table === null) return OBJECT_BYTES + stringBytes(hash.packedLength);
  const size = table.size;
  const n = Math.min(size, samples);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const slot = sampleIndex(i, size, n);
    sum += stringBytes(table.keyAt(slot).length) + stringBytes(table.valueAt(slot).length);
  }
  return OBJECT_BYTES + dictBytes(size) + (n === 0 ? 0 : (sum / n) * size);
}

function setBytes(set: SetValue, samples: number): number {
  const size = set.size;
  if (set.encoding === 'intset') return OBJECT_BYTES + size * INTSET_MEMBER_BYTES;
  const n = Math.min(size, samples);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += stringBytes(set.memberAt(sampleIndex(i, size, n)).length);
  }
  const dict =
    size <= SMALL_ENTRIES ? SMALL_KEYS_ONLY_DICT_BYTES : DICT_BYTES + size * KEYS_ONLY_ENTRY_BYTES;
  return OBJECT_BYTES + dict + (n === 0 ? 0 : (sum / n) * size);
}

/** An IndexedDict of `size` entries, the keys and values themselves apart. */
function dictBytes(size: number): number {
  return size <= SMALL_ENTRIES ? SMALL_DICT_BYTES : DICT_BYTES + size * DICT_ENTRY_BYTES;
}

function zsetBytes(zset: ZSetValue, samples: number): number {
  const size = zset.size;
  const n = Math.min(size, samples);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += stringBytes(zset.entryAtRandomIndex(sampleIndex(i, size, n))[0].length);
  }
  const elements = n === 0 ? 0 : (sum / n) * size;
  // The skiplist encoding adds a member -> score dictionary beside the tree.
  if (zset.encoding === 'listpack') return TREE_BYTES + size * TREE_ENTRY_BYTES + elements;
  return TREE_BYTES + size * TREE_ENTRY_BYTES + dictBytes(size) + elements;
}

/** A stream from its node count and the size of its newest entry, taken as typical. */
function streamBytes(stream: Stream): number {
  // A node stores the field names once: later entries with the same fields store values only.
  const entryBytes = STREAM_ENTRY_BYTES + stream.newestEntryValueBytes();
  return STREAM_BYTES + stream.radixTreeKeys * STREAM_NODE_BYTES + stream.length * entryBytes;
}
