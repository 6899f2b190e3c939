/**
 * Values read back from RDB form: every type and encoding Redis 7.0 loads (the plain and compact
 * types of RDB 10, and the ziplist, zipmap and quicklist ones of older files), built into Kvik's
 * datatypes with the encodings the configured thresholds give them, as Redis converts what it
 * loads.
 */
import { HashValue, type HashLimits } from '../datatypes/hash.js';
import { ListValue } from '../datatypes/list.js';
import { SetValue } from '../datatypes/set.js';
import { ZSetValue, type ZSetLimits } from '../datatypes/zset.js';
import type { StoredValue } from '../keyspace/values.js';
import { QUICKLIST_NODE_PACKED, QUICKLIST_NODE_PLAIN, RdbType } from './rdb-constants.js';
import type { RdbDecoder } from './rdb-decoder.js';
import { BlobError, readListpack } from './rdb-listpack.js';
import { readStream } from './rdb-stream.js';
import { readIntset, readZipmap, readZiplist } from './rdb-ziplist.js';

/** The encoding thresholds loaded values are converted by (the server's configuration). */
export interface EncodingLimits {
  hash: HashLimits;
  zset: ZSetLimits;
  /** set-max-intset-entries */
  maxIntsetEntries: number;
}

/** Up to this many strings, an array of them is allocated at its size before reading them. */
const EXACT_ARRAY_MAX = 1024;

export const DEFAULT_ENCODING_LIMITS: EncodingLimits = {
  hash: { maxEntries: 512, maxValue: 64 },
  zset: { entries: 128, value: 64 },
  maxIntsetEntries: 512,
};

/** Reads a value of RDB type `type`; null for an empty collection, which Redis skips too. */
export function readValue(
  dec: RdbDecoder,
  type: number,
  limits: EncodingLimits,
): StoredValue | null {
  switch (type) {
    case RdbType.STRING:
      return dec.string();
    case RdbType.LIST:
      return listOf(readStrings(dec, dec.length()));
    case RdbType.LIST_ZIPLIST:
      return listOf(blobElements(dec, readZiplist));
    case RdbType.LIST_QUICKLIST:
    case RdbType.LIST_QUICKLIST_2:
      return listOf(readQuicklist(dec, type === RdbType.LIST_QUICKLIST_2));
    case RdbType.SET:
      return setOf(dec, readStrings(dec, dec.length()), limits);
    case RdbType.SET_INTSET:
      return setOf(dec, blobElements(dec, readIntset), limits);
    case RdbType.ZSET:
    case RdbType.ZSET_2:
      return readPlainZSet(dec, type === RdbType.ZSET_2, limits);
    case RdbType.ZSET_ZIPLIST:
    case RdbType.ZSET_LISTPACK: {
      const at = dec.pos;
      const elements =
        type === RdbType.ZSET_LISTPACK ? listpackElements(dec) : blobElements(dec, readZiplist);
      return zsetOf(dec, at, elements, limits);
    }
    case RdbType.HASH:
      return hashOf(dec, dec.pos, readStrings(dec, dec.length() * 2), limits);
    case RdbType.HASH_ZIPMAP:
    case RdbType.HASH_ZIPLIST:
    case RdbType.HASH_LISTPACK: {
      const at = dec.pos;
      const pairs =
        type === RdbType.HASH_LISTPACK
          ? listpackElements(dec)
          : blobElements(dec, type === RdbType.HASH_ZIPMAP ? readZipmap : readZiplist);
      return hashOf(dec, at, pairs, limits);
    }
    case RdbType.STREAM_LISTPACKS:
    case RdbType.STREAM_LISTPACKS_2:
      return readStream(dec, type === RdbType.STREAM_LISTPACKS_2);
    case RdbType.MODULE:
    case RdbType.MODULE_2:
      return dec.fail('The RDB file contains module data Kvik cannot load');
    default:
      return dec.fail(`Unknown RDB encoding type ${type}`);
  }
}

function readStrings(dec: RdbDecoder, count: number): string[] {
  // At their exact size when few (the array may become a set's own); a damaged file's huge
  // count fails on reading, before it could allocate.
  const out = count <= EXACT_ARRAY_MAX ? new Array<string>(count) : [];
  for (let i = 0; i < count; i++) out[i] = dec.string();
  return out;
}

/** The elements of a blob read with `reader`; a malformed blob fails at the blob's offset. */
function blobElements(dec: RdbDecoder, reader: (blob: Buffer) => string[]): string[] {
  const at = dec.pos;
  const blob = dec.blob();
  try {
    return reader(blob);
  } catch (err) {
    if (err instanceof BlobError) dec.fail(`Integrity check failed: ${err.message}`, at);
    throw err;
  }
}

/**
 * blobElements of a listpack, read in place into `out` from index `from` on: by default into the
 * decoder's scratch array, which the caller copies them out of before the next value.
 */
function listpackElements(dec: RdbDecoder, out = dec.scratch, from = 0): string[] {
  const at = dec.pos;
  const blob = dec.blobSpan();
  try {
    return readListpack(blob, dec.spanStart, dec.spanEnd, out, from);
  } catch (err) {
    if (err instanceof BlobError) dec.fail(`Integrity check failed: ${err.message}`, at);
    throw err;
  }
}

/** The elements of a quicklist, in the decoder's scratch array. */
function readQuicklist(dec: RdbDecoder, v2: boolean): string[] {
  const out = dec.scratch;
  let count = 0;
  for (let n = dec.length(); n > 0; n--) {
    const container = v2 ? dec.length() : QUICKLIST_NODE_PACKED;
    if (container === QUICKLIST_NODE_PLAIN) {
      out[count++] = dec.string();
    } else if (container === QUICKLIST_NODE_PACKED) {
      if (v2) count = listpackElements(dec, out, count).length;
      else for (const element of blobElements(dec, readZiplist)) out[count++] = element;
    } else {
      dec.fail(`Quicklist integrity check failed: unknown container ${container}`);
    }
  }
  if (out.length !== count) out.length = count;
  return out;
}

function listOf(elements: string[]): ListValue | null {
  return elements.length === 0 ? null : ListValue.of(elements);
}

function setOf(dec: RdbDecoder, members: string[], limits: EncodingLimits): SetValue | null {
  if (members.length === 0) return null;
  const set = SetValue.fromMembers(members, limits.maxIntsetEntries);
  if (set === null) dec.fail('Duplicate set members detected');
  return set;
}

function hashOf(
  dec: RdbDecoder,
  at: number,
  pairs: string[],
  limits: EncodingLimits,
): HashValue | null {
  if (pairs.length % 2 !== 0) dec.fail('Hash with an odd number of elements', at);
  if (pairs.length === 0) return null;
  const hash = HashValue.fromPairs(pairs, limits.hash);
  if (hash === null) dec.fail('Duplicate hash fields detected', at);
  return hash;
}

function readPlainZSet(dec: RdbDecoder, binary: boolean, limits: EncodingLimits): ZSetValue | null {
  const at = dec.pos;
  const count = dec.length();
  const members: string[] = [];
  const scores: number[] = [];
  for (let i = 0; i < count; i++) {
    members.push(dec.string());
    const score = binary ? dec.binaryDouble() : dec.textDouble();
    if (Number.isNaN(score)) dec.fail('Zset with NAN score detected');
    scores.push(score);
  }
  return zsetFromEntries(dec, at, members, scores, limits);
}

function zsetOf(
  dec: RdbDecoder,
  at: number,
  elements: string[],
  limits: EncodingLimits,
): ZSetValue | null {
  if (elements.length % 2 !== 0) dec.fail('Zset with an odd number of elements', at);
  const members = new Array<string>(elements.length / 2);
  const scores = new Array<number>(elements.length / 2);
  for (let i = 0; i < members.length; i++) {
    members[i] = elements[2 * i];
    const score = parseScore(elements[2 * i + 1]);
    if (Number.isNaN(score)) dec.fail('Zset with a bad score', at);
    scores[i] = score;
  }
  return zsetFromEntries(dec, at, members, scores, limits);
}

function zsetFromEntries(
  dec: RdbDecoder,
  at: number,
  members: string[],
  scores: number[],
  limits: EncodingLimits,
): ZSetValue | null {
  if (members.length === 0) return null;
  if (hasDuplicates(members)) dec.fail('Duplicate zset fields detected', at);
  return ZSetValue.adoptingEntries(members, scores, limits.zset);
}

/** Whether a string repeats in `strings` (compared pairwise when they are few, as most are). */
function hasDuplicates(strings: readonly string[]): boolean {
  if (strings.length > 8) return new Set(strings).size !== strings.length;
  for (let i = 1; i < strings.length; i++) {
    for (let j = 0; j < i; j++) if (strings[i] === strings[j]) return true;
  }
  return false;
}

/** A score as listpacks and ziplists hold it (d2string's output, strtod's input). */
function parseScore(text: string): number {
  const first = text.charCodeAt(0);
  // Starting with a digit it is a plain number (or not one at all): no infinity to spell out.
  if (first >= 48 && first <= 57) return Number(text);
  const lower = text.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  return text.trim() === '' ? NaN : Number(text);
}
