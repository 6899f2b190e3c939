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
 * elements sampled at random (as Redis's MEMORY USAGE samples), so a write costs a handful of
 * reads whatever the collection's size. The per-element overheads below were calibrated against
 * the real heap growth of filling each type (test/commands/memory.test.ts checks they stay
 * within 25% of it, with global.gc, in a child process).
 */
import { StringBuffer } from '../datatypes/string-buffer.js';
import { HashValue } from '../datatypes/hash.js';
import { ListValue } from '../datatypes/list.js';
import { SetValue } from '../datatypes/set.js';
import { ZSetValue } from '../datatypes/zset.js';
import { Stream } from '../datatypes/stream.js';
import type { StoredValue } from './values.js';

/** Elements sampled to estimate a collection's mean element size. */
const SAMPLES = 5;

/** A key's share of the keyspace dictionary: its slots in the parallel arrays and the index. */
export const KEY_ENTRY_BYTES = 48;
/** An entry of a database's expires map (the key string is shared with the dictionary). */
export const EXPIRE_ENTRY_BYTES = 56;

const OBJECT_BYTES = 64;
/** A StringBuffer: the object and its Buffer's header; the bytes grow greedily (x2 under 1 MB). */
const STRING_BUFFER_BYTES = 200;
/** A list: the ring array has spare room (it doubles and halves), about 1.5 slots per element. */
const LIST_SLOT_BYTES = 12;
/** A hashtable entry (hash field, set member, zset member): IndexedDict's arrays and index. */
const DICT_ENTRY_BYTES = 40;
/** An empty IndexedDict: its object and typed arrays (each with its ArrayBuffer). */
const DICT_BYTES = 800;
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
export function keyBytes(
  key: string,
  value: StoredValue,
  random: () => number,
  samples = SAMPLES,
): number {
  return KEY_ENTRY_BYTES + stringBytes(key.length) + valueBytes(value, random, samples);
}

/** The estimated bytes of a value. */
export function valueBytes(value: StoredValue, random: () => number, samples = SAMPLES): number {
  if (typeof value === 'string') return stringBytes(value.length);
  if (value instanceof StringBuffer) return STRING_BUFFER_BYTES + value.length * 2;
  if (value instanceof ListValue) return listBytes(value, random, samples);
  if (value instanceof HashValue) return hashBytes(value, random, samples);
  if (value instanceof SetValue) return setBytes(value, random, samples);
  if (value instanceof ZSetValue) return zsetBytes(value, random, samples);
  if (value instanceof Stream) return streamBytes(value);
  return OBJECT_BYTES;
}

/**
 * The mean heap size of `size` elements, from all of them when there are no more than `samples`,
 * else from `samples` picked at random; `bytesAt(i)` measures the element at index i.
 */
function meanElementBytes(
  size: number,
  random: () => number,
  samples: number,
  bytesAt: (index: number) => number,
): number {
  if (size === 0) return 0;
  let sum = 0;
  if (size <= samples) {
    for (let i = 0; i < size; i++) sum += bytesAt(i);
    return sum / size;
  }
  for (let i = 0; i < samples; i++) sum += bytesAt(Math.floor(random() * size));
  return sum / samples;
}

function listBytes(list: ListValue, random: () => number, samples: number): number {
  const mean = meanElementBytes(list.length, random, samples, (i) =>
    stringBytes(list.at(i).length),
  );
  return OBJECT_BYTES + list.length * (LIST_SLOT_BYTES + mean);
}

function hashBytes(hash: HashValue, random: () => number, samples: number): number {
  const packed = hash.packedLength;
  if (packed >= 0) return OBJECT_BYTES + stringBytes(packed);
  const view = hash.view();
  const mean = meanElementBytes(
    view.size,
    random,
    samples,
    (i) => stringBytes(view.fieldAt(i).length) + stringBytes(view.valueAt(i).length),
  );
  return OBJECT_BYTES + DICT_BYTES + view.size * (DICT_ENTRY_BYTES + mean);
}

function setBytes(set: SetValue, random: () => number, samples: number): number {
  if (set.encoding === 'intset') return OBJECT_BYTES + set.size * INTSET_MEMBER_BYTES;
  const mean = meanElementBytes(set.size, random, samples, (i) =>
    stringBytes(set.memberAt(i).length),
  );
  return OBJECT_BYTES + DICT_BYTES + set.size * (DICT_ENTRY_BYTES + mean);
}

function zsetBytes(zset: ZSetValue, random: () => number, samples: number): number {
  const size = zset.size;
  const mean = meanElementBytes(size, random, samples, (i) =>
    stringBytes(zset.entryAtRandomIndex(i)[0].length),
  );
  // The skiplist encoding adds a member -> score dictionary beside the tree.
  if (zset.encoding === 'listpack') return TREE_BYTES + size * (TREE_ENTRY_BYTES + mean);
  return TREE_BYTES + DICT_BYTES + size * (TREE_ENTRY_BYTES + DICT_ENTRY_BYTES + mean);
}

/** A stream from its node count and the size of its newest entry, taken as typical. */
function streamBytes(stream: Stream): number {
  let entryBytes = STREAM_ENTRY_BYTES;
  if (stream.length > 0) {
    const last = stream.lastValidId();
    const [entry] = stream.range(last, last, 1);
    // A node stores the field names once: later entries with the same fields store values only.
    if (entry !== undefined) {
      for (let i = 1; i < entry.fields.length; i += 2) entryBytes += entry.fields[i].length + 1;
    }
  }
  return STREAM_BYTES + stream.radixTreeKeys * STREAM_NODE_BYTES + stream.length * entryBytes;
}
