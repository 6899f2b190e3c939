/**
 * Streams in RDB form (rdb.c, t_stream.c): each node of the radix tree as its master ID (16 bytes,
 * big endian) and a listpack (a master entry with the node's live and deleted counts and field
 * names, then every entry as flags, ID deltas, fields or values, and its element count); then the
 * stream's counters and IDs, then the consumer groups with their pending entries and consumers.
 * STREAM_LISTPACKS_2 (Redis 7.0) adds the first ID, the largest deleted ID, entries-added and each
 * group's entries-read to the STREAM_LISTPACKS of Redis 5 and 6, which is still read.
 */
import { INVALID_ENTRIES_READ, PendingEntry } from '../datatypes/stream-group.js';
import { normalize, toBigInt, U64_MAX, type StreamId, type U64 } from '../datatypes/stream-id.js';
import { StreamNode } from '../datatypes/stream-node.js';
import { Stream } from '../datatypes/stream.js';
import type { RdbDecoder } from './rdb-decoder.js';
import type { RdbEncoder } from './rdb-encoder.js';
import { STREAM_ITEM_FLAG_DELETED, STREAM_ITEM_FLAG_SAMEFIELDS } from './rdb-constants.js';
import { BlobError, ListpackBuilder, readListpack } from './rdb-listpack.js';

const ID_BYTES = 16;

export function writeStream(enc: RdbEncoder, stream: Stream): void {
  const nodes = stream.nodeList;
  enc.length(nodes.length);
  for (const node of nodes) {
    enc.string(encodeId(node.master));
    enc.string(nodeListpack(node));
  }
  enc.length(stream.length);
  writeId(enc, stream.lastId);
  writeId(enc, stream.firstId);
  writeId(enc, stream.maxDeletedId);
  enc.length(stream.entriesAdded);
  const groups = stream.sortedGroups();
  enc.length(groups.length);
  for (const [name, group] of groups) {
    enc.string(name);
    writeId(enc, group.lastId);
    enc.length(
      group.entriesRead === INVALID_ENTRIES_READ
        ? U64_MAX
        : BigInt.asUintN(64, toBigInt(group.entriesRead)),
    );
    enc.length(group.pending.size);
    for (const entry of group.pending) {
      enc.bytes(encodeId(entry.id));
      enc.millis(entry.deliveryTime);
      enc.length(entry.deliveryCount);
    }
    const consumers = group.sortedConsumers();
    enc.length(consumers.length);
    for (const consumer of consumers) {
      enc.string(consumer.name);
      enc.millis(consumer.seenTime);
      enc.length(consumer.pending.size);
      for (const entry of consumer.pending) enc.bytes(encodeId(entry.id));
    }
  }
}

function writeId(enc: RdbEncoder, id: StreamId): void {
  enc.length(id.ms);
  enc.length(id.seq);
}

function encodeId(id: StreamId): Buffer {
  const out = Buffer.allocUnsafe(ID_BYTES);
  out.writeBigUInt64BE(toBigInt(id.ms), 0);
  out.writeBigUInt64BE(toBigInt(id.seq), 8);
  return out;
}

function decodeId(bytes: Buffer): StreamId {
  return { ms: normalize(bytes.readBigUInt64BE(0)), seq: normalize(bytes.readBigUInt64BE(8)) };
}

/** a - b as a signed 64-bit integer, as t_stream.c stores ID deltas. */
function delta(a: U64, b: U64): number | bigint {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return BigInt.asIntN(64, toBigInt(a) - toBigInt(b));
}

/** master + a signed 64-bit delta, wrapping as uint64 arithmetic does. */
function applyDelta(master: U64, text: string): U64 {
  return normalize(BigInt.asUintN(64, toBigInt(master) + BigInt(text)));
}

function nodeListpack(node: StreamNode): Buffer {
  const lp = new ListpackBuilder();
  const masterFields = node.masterFields;
  lp.appendInteger(node.live);
  lp.appendInteger(node.deleted);
  lp.appendInteger(masterFields.length);
  for (const field of masterFields) lp.appendString(field);
  lp.appendInteger(0);
  for (let i = 0; i < node.size; i++) {
    const { id, fields } = node.entryAt(i);
    const count = fields.length / 2;
    const same = hasFields(fields, masterFields);
    lp.appendInteger(
      (node.isDeleted(i) ? STREAM_ITEM_FLAG_DELETED : 0) | (same ? STREAM_ITEM_FLAG_SAMEFIELDS : 0),
    );
    lp.appendInteger(delta(id.ms, node.master.ms));
    lp.appendInteger(delta(id.seq, node.master.seq));
    if (same) {
      for (let f = 1; f < fields.length; f += 2) lp.appendString(fields[f]);
    } else {
      lp.appendInteger(count);
      for (const s of fields) lp.appendString(s);
    }
    lp.appendInteger(same ? count + 3 : 2 * count + 4);
  }
  return lp.finish();
}

function hasFields(fields: readonly string[], names: readonly string[]): boolean {
  if (fields.length !== names.length * 2) return false;
  for (let i = 0; i < names.length; i++) if (fields[2 * i] !== names[i]) return false;
  return true;
}

/** The entries of a node's listpack; a malformed one fails the load (RESTORE: Bad data format). */
function nodeEntries(dec: RdbDecoder, at: number): string[] {
  try {
    return readListpack(dec.blob());
  } catch (err) {
    if (err instanceof BlobError) dec.fail(`Corrupt listpack: ${err.message}`, at);
    throw err;
  }
}

/** A stream of type STREAM_LISTPACKS (`v2` false) or STREAM_LISTPACKS_2. */
export function readStream(dec: RdbDecoder, v2: boolean): Stream {
  const stream = new Stream();
  const nodeCount = dec.length();
  for (let n = 0; n < nodeCount; n++) {
    const keyAt = dec.pos;
    const key = dec.blob();
    if (key.length !== ID_BYTES)
      dec.fail('Stream node key entry is not the size of a stream ID', keyAt);
    const lpAt = dec.pos;
    const node = readNode(decodeId(key), nodeEntries(dec, lpAt), () =>
      dec.fail('Bad stream listpack', lpAt),
    );
    if (node.size === 0) dec.fail('Empty listpack inside stream', lpAt);
    stream.appendNode(node);
  }
  stream.length = dec.length();
  stream.lastId = readId(dec);
  if (v2) {
    stream.firstId = readId(dec);
    stream.maxDeletedId = readId(dec);
    stream.entriesAdded = dec.lengthU64();
  } else {
    stream.firstId = stream.length === 0 ? { ms: 0, seq: 0 } : stream.edgeId(true, true);
    stream.entriesAdded = stream.length;
  }
  const groupCount = dec.length();
  for (let g = 0; g < groupCount; g++) readGroup(dec, stream, v2);
  return stream;
}

function readId(dec: RdbDecoder): StreamId {
  const ms = dec.lengthU64();
  return { ms, seq: dec.lengthU64() };
}

function readNode(master: StreamId, elements: string[], bad: () => never): StreamNode {
  let at = 0;
  const next = (): string => (at < elements.length ? elements[at++] : bad());
  const int = (): number => {
    const n = Number(next());
    return Number.isSafeInteger(n) ? n : bad();
  };
  // An ID delta is an integer element; a damaged listpack may hold any bytes there.
  const idDelta = (): string => {
    const text = next();
    return /^-?\d{1,20}$/.test(text) ? text : bad();
  };
  const live = int();
  const deleted = int();
  const masterFields: string[] = [];
  for (let i = int(); i > 0; i--) masterFields.push(next());
  if (next() !== '0') bad();
  const node = new StreamNode(master, masterFields);
  const args: string[] = [];
  while (at < elements.length) {
    const flags = int();
    const id = { ms: applyDelta(master.ms, idDelta()), seq: applyDelta(master.seq, idDelta()) };
    args.length = 0;
    if (flags & STREAM_ITEM_FLAG_SAMEFIELDS) {
      for (const field of masterFields) args.push(field, next());
    } else {
      for (let i = int() * 2; i > 0; i--) args.push(next());
    }
    int(); // the entry's element count, for backward iteration
    node.append(id, args, 0, args.length / 2);
    if (flags & STREAM_ITEM_FLAG_DELETED) node.markDeleted(node.size - 1);
  }
  if (node.live !== live || node.deleted !== deleted) bad();
  node.compact();
  return node;
}

function readGroup(dec: RdbDecoder, stream: Stream, v2: boolean): void {
  const nameAt = dec.pos;
  const name = dec.string();
  const lastId = readId(dec);
  let entriesRead: U64;
  if (v2) {
    const read = dec.lengthU64();
    entriesRead = read === U64_MAX ? INVALID_ENTRIES_READ : read;
  } else {
    entriesRead = stream.estimateEntriesRead(lastId);
  }
  const group = stream.createGroup(name, lastId, entriesRead);
  if (group === null) dec.fail('Duplicated consumer group name', nameAt);
  for (let n = dec.length(); n > 0; n--) {
    const at = dec.pos;
    const id = decodeId(dec.raw(ID_BYTES));
    const deliveryTime = dec.millis();
    const deliveryCount = dec.lengthU64();
    if (!group.pending.insert(new PendingEntry(id, null, deliveryTime, deliveryCount))) {
      dec.fail('Duplicated global PEL entry loading stream consumer group', at);
    }
  }
  for (let n = dec.length(); n > 0; n--) {
    const at = dec.pos;
    const consumerName = dec.string();
    const consumer = group.createConsumer(consumerName, dec.millis());
    if (consumer === null) dec.fail('Duplicated consumer name', at);
    for (let p = dec.length(); p > 0; p--) {
      const idAt = dec.pos;
      const entry = group.pending.get(decodeId(dec.raw(ID_BYTES)));
      if (entry === undefined || entry.consumer !== null) {
        dec.fail('Consumer PEL entry not found in the group PEL', idAt);
      }
      entry.consumer = consumer;
      consumer.pending.insert(entry);
    }
  }
}
