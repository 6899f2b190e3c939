/**
 * A set value. As in Redis 7.0 it has two encodings: 'intset' (a sorted array of integers) while
 * every member is an integer and there are at most set-max-intset-entries of them, 'hashtable'
 * (an IndexedDict: O(1) membership, uniform random picks for SPOP/SRANDMEMBER and SCAN's cursor)
 * otherwise. The conversion is one way, as in Redis.
 */
import type { CollectionValue } from '../keyspace/values.js';
import { IndexedDict } from './indexed-dict.js';
import { IntSet, intsetValueOf } from './set-intset.js';

/** Redis caps intsets at 2^30 entries whatever set-max-intset-entries says. */
const INTSET_HARD_LIMIT = 2 ** 30;

/** Orders canonical decimal integers by value. */
function compareIntegers(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export class SetValue implements CollectionValue {
  readonly type = 'set';
  private ints: IntSet | null;
  private dict: IndexedDict<undefined> | null;

  /** An empty set (an intset), or a hashtable set of `table`'s keys. */
  constructor(table: IndexedDict<undefined> | null = null) {
    this.ints = table === null ? new IntSet() : null;
    this.dict = table;
  }

  /**
   * A set of `members`, in the encoding and member order adding them one by one gives it; null
   * when a member repeats (RDB loading). The array becomes the set's own.
   */
  static fromMembers(members: string[], maxIntsetEntries: number): SetValue | null {
    // The leading integers an intset would take before add() turns it into a hashtable: up to
    // the first other member, or until it holds more than the limit.
    const limit = Math.min(maxIntsetEntries, INTSET_HARD_LIMIT);
    let ints = 0;
    while (ints <= limit && ints < members.length && intsetValueOf(members[ints]) !== null) ints++;
    if (ints === members.length && ints <= limit) {
      const set = new SetValue();
      for (const member of members) if (!set.add(member, maxIntsetEntries)) return null;
      return set;
    }
    // A hashtable: those integers first, ascending as the intset held them, then the other
    // members in the given order; built in the array given.
    if (ints > 1) {
      const head = members.slice(0, ints).sort(compareIntegers);
      for (let i = 1; i < ints; i++) if (head[i] === head[i - 1]) return null;
      for (let i = 0; i < ints; i++) members[i] = head[i];
    }
    const dict = IndexedDict.adopting<undefined>(members, null);
    return dict === null ? null : new SetValue(dict);
  }

  get encoding(): 'intset' | 'hashtable' {
    return this.ints !== null ? 'intset' : 'hashtable';
  }

  /** The dictionary of a hashtable-encoded set (DEBUG HTSTATS-KEY), null for an intset. */
  get hashTable(): IndexedDict<undefined> | null {
    return this.dict;
  }

  get size(): number {
    return this.ints !== null ? this.ints.size : (this.dict as IndexedDict<undefined>).size;
  }

  has(member: string): boolean {
    if (this.ints === null) return (this.dict as IndexedDict<undefined>).has(member);
    const value = intsetValueOf(member);
    return value !== null && this.ints.has(value);
  }

  /**
   * Adds a member; false when it was already there. An intset turns into a hashtable when the
   * member is not an integer or the set grows past `maxIntsetEntries` (Redis's setTypeAdd).
   */
  add(member: string, maxIntsetEntries: number): boolean {
    if (this.ints !== null) {
      const value = intsetValueOf(member);
      if (value !== null) {
        if (!this.ints.add(value)) return false;
        if (this.ints.size > Math.min(maxIntsetEntries, INTSET_HARD_LIMIT)) this.toHashtable();
        return true;
      }
      this.toHashtable();
    }
    const dict = this.dict as IndexedDict<undefined>;
    return dict.add(member, undefined) >= 0;
  }

  /** Removes a member; false when it was not there. */
  remove(member: string): boolean {
    if (this.ints === null) return (this.dict as IndexedDict<undefined>).delete(member);
    const value = intsetValueOf(member);
    return value !== null && this.ints.remove(value);
  }

  /** A uniformly random member (the set must not be empty). */
  random(random: () => number): string {
    return this.memberAt(Math.floor(random() * this.size));
  }

  /** Removes and returns a uniformly random member (the set must not be empty). */
  pop(random: () => number): string {
    const index = Math.floor(random() * this.size);
    const member = this.memberAt(index);
    if (this.ints !== null) this.ints.removeAt(index);
    else (this.dict as IndexedDict<undefined>).delete(member);
    return member;
  }

  /**
   * The member at a position of the set's iteration order: ascending for an intset, the
   * dictionary's slot order for a hashtable.
   */
  memberAt(index: number): string {
    if (this.ints !== null) return String(this.ints.at(index));
    return (this.dict as IndexedDict<undefined>).keyAt(index);
  }

  /** The members in iteration order (see memberAt). */
  members(): string[] {
    if (this.dict !== null) return this.dict.keys().slice();
    const ints = this.ints as IntSet;
    const members = new Array<string>(ints.size);
    for (let i = 0; i < members.length; i++) members[i] = String(ints.at(i));
    return members;
  }

  /**
   * SSCAN's step. An intset is returned whole with cursor 0, as Redis does for compact
   * encodings; a hashtable is walked with IndexedDict's cursor.
   */
  scan(cursor: number, count: number, visit: (member: string) => void): number {
    if (this.dict !== null) return this.dict.scan(cursor, count, visit);
    const ints = this.ints as IntSet;
    for (let i = 0; i < ints.size; i++) visit(String(ints.at(i)));
    return 0;
  }

  clone(): SetValue {
    const copy = new SetValue();
    if (this.ints !== null) {
      copy.ints = this.ints.clone();
    } else {
      copy.ints = null;
      copy.dict = IndexedDict.keysOnly();
      for (const member of (this.dict as IndexedDict<undefined>).keys())
        copy.dict.set(member, undefined);
    }
    return copy;
  }

  private toHashtable(): void {
    const ints = this.ints as IntSet;
    const dict = IndexedDict.keysOnly();
    for (let i = 0; i < ints.size; i++) dict.set(String(ints.at(i)), undefined);
    this.ints = null;
    this.dict = dict;
  }
}
