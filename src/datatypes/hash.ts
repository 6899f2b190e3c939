/**
 * A hash value. As in Redis it has two encodings: 'listpack' while it has at most
 * hash-max-listpack-entries fields and no field or value longer than hash-max-listpack-value
 * bytes (all pairs packed in one string, see hash-packed.ts), 'hashtable' otherwise (an
 * IndexedDict: O(1) access, uniform random picks for HRANDFIELD and SCAN's cursor for HSCAN).
 * The conversion is one way, as in Redis: a hashtable stays one when it shrinks.
 */
import type { CollectionValue } from '../keyspace/values.js';
import {
  appendPair,
  detachedSlice,
  fieldAt,
  findField,
  forEachPair,
  packPairs,
  pairAt,
  pairCount,
  removePair,
  replaceValue,
  setPackedPairs,
  valueOf,
} from './hash-packed.js';
import { IndexedDict } from './indexed-dict.js';

/** The listpack limits, read from the config by the caller when a hash may grow. */
export interface HashLimits {
  /** hash-max-listpack-entries */
  maxEntries: number;
  /** hash-max-listpack-value */
  maxValue: number;
}

/** The pairs of a hash by position in its iteration order, for random picks. */
export interface PairView {
  readonly size: number;
  fieldAt(index: number): string;
  valueAt(index: number): string;
}

export class HashValue implements CollectionValue {
  /** The packed pairs while a listpack, the dictionary once a hashtable (one field: less memory). */
  private data: string | IndexedDict<string> = '';

  /**
   * A hash of alternating field/value strings, in the encoding HSETs of them one by one would give
   * it (RDB loading); null when a field repeats.
   */
  static fromPairs(pairs: readonly string[], limits: HashLimits): HashValue | null {
    const hash = new HashValue();
    const count = pairs.length / 2;
    let listpack = count <= limits.maxEntries;
    for (let i = 0; listpack && i < pairs.length; i++) listpack = fitsListpack(pairs[i], limits);
    if (listpack) {
      if (fieldRepeats(pairs, count)) return null;
      hash.data = packPairs(pairs);
      return hash;
    }
    const dict = new IndexedDict<string>();
    for (let i = 0; i < pairs.length; i += 2) dict.set(pairs[i], pairs[i + 1]);
    if (dict.size !== count) return null;
    hash.data = dict;
    return hash;
  }

  get type(): 'hash' {
    return 'hash';
  }

  get encoding(): 'listpack' | 'hashtable' {
    return typeof this.data === 'string' ? 'listpack' : 'hashtable';
  }

  get size(): number {
    return typeof this.data === 'string' ? pairCount(this.data) : this.data.size;
  }

  /** The length of the packed pairs while a listpack, -1 once a hashtable (memory estimates). */
  get packedLength(): number {
    return typeof this.data === 'string' ? this.data.length : -1;
  }

  /**
   * The packed pairs while a listpack (see hash-packed.ts: RDB writes its listpack from it), null
   * once a hashtable.
   */
  get packed(): string | null {
    return typeof this.data === 'string' ? this.data : null;
  }

  /** The dictionary once a hashtable, null while a listpack (memory estimates sample it). */
  get table(): IndexedDict<string> | null {
    return typeof this.data === 'string' ? null : this.data;
  }

  get isEmpty(): boolean {
    return typeof this.data === 'string' ? this.data.length === 0 : this.data.size === 0;
  }

  get(field: string): string | undefined {
    const data = this.data;
    if (typeof data !== 'string') return data.get(field);
    const at = findField(data, field);
    return at < 0 ? undefined : valueOf(data, pairAt(data, at));
  }

  has(field: string): boolean {
    const data = this.data;
    return typeof data === 'string' ? findField(data, field) >= 0 : data.has(field);
  }

  /**
   * Sets a field and says whether it is new. A listpack becomes a hashtable first when the field
   * or value is too long for it, and after the insertion when it has too many fields.
   */
  set(field: string, value: string, limits: HashLimits): boolean {
    if (!fitsListpack(field, limits) || !fitsListpack(value, limits)) this.toHashtable();
    const data = this.data;
    if (typeof data !== 'string') {
      const added = !data.has(field);
      data.set(field, value);
      return added;
    }
    const at = findField(data, field);
    this.data =
      at >= 0 ? replaceValue(data, pairAt(data, at), value) : appendPair(data, field, value);
    // Checked after an update too, so a lowered hash-max-listpack-entries applies at once.
    if (pairCount(this.data) > limits.maxEntries) this.toHashtable();
    return at < 0;
  }

  /**
   * Sets the pairs args[from], args[from + 1], ... in order and says how many fields are new. A
   * listpack that stays one gets a single new packed string for them all.
   */
  setPairs(args: readonly string[], from: number, limits: HashLimits): number {
    const data = this.data;
    const before = typeof data === 'string' ? pairCount(data) : -1;
    if (typeof data === 'string' && staysListpack(before, args, from, limits)) {
      this.data = setPackedPairs(data, args, from);
      return pairCount(this.data) - before;
    }
    let created = 0;
    for (let i = from; i < args.length; i += 2) {
      if (this.set(args[i], args[i + 1], limits)) created++;
    }
    return created;
  }

  /**
   * Redis's hashTypeTryConversion: a listpack becomes a hashtable when any of the given fields
   * or values is too long for it, before anything is written (even when nothing will be).
   */
  convertForArguments(args: readonly string[], from: number, limits: HashLimits): void {
    if (typeof this.data !== 'string') return;
    for (let i = from; i < args.length; i++) {
      if (!fitsListpack(args[i], limits)) {
        this.toHashtable();
        return;
      }
    }
  }

  /** Removes a field; false when it was not there. */
  delete(field: string): boolean {
    const data = this.data;
    if (typeof data !== 'string') return data.delete(field);
    const at = findField(data, field);
    if (at < 0) return false;
    this.data = removePair(data, pairAt(data, at));
    return true;
  }

  /** Calls visit with every field and value, in the hash's iteration order. */
  forEach(visit: (field: string, value: string) => void): void {
    const data = this.data;
    if (typeof data === 'string') {
      forEachPair(data, visit);
      return;
    }
    const fields = data.keys();
    for (let slot = 0; slot < fields.length; slot++) visit(fields[slot], data.valueAt(slot));
  }

  /** Positional access to the pairs: direct for a hashtable, a copy of them for a listpack. */
  view(): PairView {
    const data = this.data;
    if (typeof data !== 'string') {
      return {
        size: data.size,
        fieldAt: (index) => data.keyAt(index),
        valueAt: (index) => data.valueAt(index),
      };
    }
    const fields: string[] = [];
    const values: string[] = [];
    forEachPair(data, (field, value) => {
      fields.push(field);
      values.push(value);
    });
    return { size: fields.length, fieldAt: (i) => fields[i], valueAt: (i) => values[i] };
  }

  /**
   * One step of HSCAN: a listpack is visited whole and the cursor is 0 (as in Redis); a
   * hashtable visits about `count` pairs below the cursor (IndexedDict.scan's guarantees).
   */
  scan(cursor: number, count: number, visit: (field: string, value: string) => void): number {
    if (typeof this.data === 'string') {
      forEachPair(this.data, visit);
      return 0;
    }
    return this.data.scan(cursor, count, visit);
  }

  clone(): HashValue {
    const copy = new HashValue();
    const data = this.data;
    if (typeof data === 'string') {
      copy.data = data;
    } else {
      const dict = new IndexedDict<string>();
      this.forEach((field, value) => dict.set(field, value));
      copy.data = dict;
    }
    return copy;
  }

  private toHashtable(): void {
    const data = this.data;
    if (typeof data !== 'string') return;
    const dict = new IndexedDict<string>();
    // Copies, so that the dictionary does not keep the packed string alive through views of it.
    for (let pos = 0; pos < data.length;) {
      const pair = pairAt(data, pos);
      const field = fieldAt(data, pos);
      const value = valueOf(data, pair);
      dict.set(detachedSlice(field, 0, field.length), detachedSlice(value, 0, value.length));
      pos = pair.end;
    }
    this.data = dict;
  }
}

/** Whether a field repeats among the `count` pairs (compared pairwise when they are few). */
function fieldRepeats(pairs: readonly string[], count: number): boolean {
  if (count > 8) {
    const fields = new Set<string>();
    for (let i = 0; i < count; i++) fields.add(pairs[2 * i]);
    return fields.size !== count;
  }
  for (let i = 1; i < count; i++) {
    for (let j = 0; j < i; j++) if (pairs[2 * i] === pairs[2 * j]) return true;
  }
  return false;
}

/** Whether a listpack of `pairs` pairs stays one with args[from], ... set in it, all of them new. */
function staysListpack(
  pairs: number,
  args: readonly string[],
  from: number,
  limits: HashLimits,
): boolean {
  if (pairs + (args.length - from) / 2 > limits.maxEntries) return false;
  for (let i = from; i < args.length; i++) if (!fitsListpack(args[i], limits)) return false;
  return true;
}

function fitsListpack(s: string, limits: HashLimits): boolean {
  return s.length <= limits.maxValue;
}
