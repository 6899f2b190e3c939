/**
 * A sorted set value. Entries are always kept in order in a ScoreTree. Redis's two encodings:
 *
 * - 'listpack' (small sets): the tree alone; a member is found by walking the entries, as Redis
 *   walks its listpack. Used while there are at most zset-max-listpack-entries entries and no
 *   member is longer than zset-max-listpack-value bytes.
 * - 'skiplist': the tree plus a member -> score dictionary (an IndexedDict, which also gives
 *   ZRANDMEMBER its O(1) random picks and ZSCAN its cursor).
 *
 * Adding converts to skiplist before the entry that would break a limit, as Redis's zsetAdd does;
 * store commands build their result with the encoding its final size calls for. Nothing converts
 * back otherwise.
 */
import type { CollectionValue } from '../keyspace/values.js';
import { IndexedDict } from './indexed-dict.js';
import { Bound, compareEntries, ScoreTree, TreeCursor } from './zset-tree.js';

export { TreeCursor } from './zset-tree.js';

/** zset-max-listpack-entries and zset-max-listpack-value. */
export interface ZSetLimits {
  entries: number;
  value: number;
}

/** A score interval; each end inclusive or exclusive ('(' in Redis's syntax). */
export interface ScoreRange {
  min: number;
  max: number;
  minExclusive: boolean;
  maxExclusive: boolean;
}

/** One end of a lex interval: '-' (below everything), '+' (above everything) or a member. */
export interface LexLimit {
  /** -1 for '-', 1 for '+', 0 for a member. */
  infinite: -1 | 0 | 1;
  value: string;
  exclusive: boolean;
}

export interface LexRange {
  min: LexLimit;
  max: LexLimit;
}

/** Ranks first..last (inclusive) of a range; empty when last < first. */
export interface RankSpan {
  first: number;
  last: number;
}

const EMPTY_SPAN: Readonly<RankSpan> = { first: 0, last: -1 };

/** Redis's sdscmplex: '-' and '+' below and above every member. */
function compareLex(a: LexLimit | string, b: LexLimit): number {
  const aInfinite = typeof a === 'string' ? 0 : a.infinite;
  const aValue = typeof a === 'string' ? a : a.value;
  if (aInfinite !== 0 && aInfinite === b.infinite) return 0;
  if (aInfinite === -1 || b.infinite === 1) return -1;
  if (aInfinite === 1 || b.infinite === -1) return 1;
  return aValue < b.value ? -1 : aValue > b.value ? 1 : 0;
}

export function lexAtLeastMin(member: string, range: LexRange): boolean {
  const cmp = compareLex(member, range.min);
  return range.min.exclusive ? cmp > 0 : cmp >= 0;
}

export function lexAtMostMax(member: string, range: LexRange): boolean {
  const cmp = compareLex(member, range.max);
  return range.max.exclusive ? cmp < 0 : cmp <= 0;
}

export function scoreAtLeastMin(score: number, range: ScoreRange): boolean {
  return range.minExclusive ? score > range.min : score >= range.min;
}

export function scoreAtMostMax(score: number, range: ScoreRange): boolean {
  return range.maxExclusive ? score < range.max : score <= range.max;
}

/** A listpack keeps scores as text in which -0 does not survive: it reads back as 0. */
function listpackScore(score: number): number {
  return score === 0 ? 0 : score;
}

/** Whether a sorted set of these members is small enough for the listpack encoding. */
function fitsListpack(members: readonly string[], limits: ZSetLimits): boolean {
  let longest = 0;
  for (const member of members) longest = Math.max(longest, member.length);
  return members.length <= limits.entries && longest <= limits.value;
}

/**
 * Whether the entries are strictly in Redis's order, with no -0 score that a listpack would turn
 * into 0.
 */
function inOrder(
  members: readonly string[],
  scores: readonly number[],
  listpack: boolean,
): boolean {
  for (let i = 0; i < members.length; i++) {
    if (listpack && Object.is(scores[i], -0)) return false;
    if (i > 0 && compareEntries(scores[i - 1], members[i - 1], scores[i], members[i]) >= 0) {
      return false;
    }
  }
  return true;
}

export class ZSetValue implements CollectionValue {
  readonly type = 'zset';

  private constructor(
    private tree: ScoreTree,
    /** member -> score in the skiplist encoding; null in the listpack encoding. */
    private dict: IndexedDict<number> | null,
  ) {}

  /** An empty sorted set in the listpack encoding. */
  static empty(): ZSetValue {
    return new ZSetValue(new ScoreTree(), null);
  }

  /**
   * A sorted set of distinct members in any order, with the encoding a store command gives its
   * result (Redis's zsetConvertToListpackIfNeeded): listpack when it fits the limits.
   */
  static fromEntries(
    members: readonly string[],
    scores: readonly number[],
    limits: ZSetLimits,
  ): ZSetValue {
    const listpack = fitsListpack(members, limits);
    let tree: ScoreTree;
    if (inOrder(members, scores, listpack)) {
      // Already in order (as RDB listpacks hold them): no sort; the tree copies the arrays.
      tree = ScoreTree.fromSorted(scores, members);
    } else {
      const order = members.map((_, i) => i);
      order.sort((a, b) => compareEntries(scores[a], members[a], scores[b], members[b]));
      const sortedScores = order.map((i) => (listpack ? listpackScore(scores[i]) : scores[i]));
      const sortedMembers = order.map((i) => members[i]);
      tree = ScoreTree.fromSorted(sortedScores, sortedMembers);
    }
    return ZSetValue.encoded(tree, listpack);
  }

  /** fromEntries for arrays it may take over (RDB loading reads them for it, in order). */
  static adoptingEntries(members: string[], scores: number[], limits: ZSetLimits): ZSetValue {
    const listpack = fitsListpack(members, limits);
    if (!inOrder(members, scores, listpack)) return ZSetValue.fromEntries(members, scores, limits);
    return ZSetValue.encoded(ScoreTree.adopting(scores, members), listpack);
  }

  private static encoded(tree: ScoreTree, listpack: boolean): ZSetValue {
    const zset = new ZSetValue(tree, null);
    if (!listpack) zset.toSkiplist();
    return zset;
  }

  get encoding(): 'listpack' | 'skiplist' {
    return this.dict === null ? 'listpack' : 'skiplist';
  }

  /** The member dictionary of the skiplist encoding (DEBUG HTSTATS-KEY), null for a listpack. */
  get hashTable(): IndexedDict<number> | null {
    return this.dict;
  }

  get size(): number {
    return this.tree.size;
  }

  /** The score of a member, or undefined. */
  score(member: string): number | undefined {
    if (this.dict !== null) return this.dict.get(member);
    const rank = this.scanForMember(member);
    return rank < 0 ? undefined : this.tree.cursorAt(rank).score;
  }

  /** Adds a member that is not in the set, converting to skiplist first when a limit says so. */
  insert(member: string, score: number, limits: ZSetLimits): void {
    if (
      this.dict === null &&
      (this.tree.size + 1 > limits.entries || member.length > limits.value)
    ) {
      this.toSkiplist();
    }
    if (this.dict === null) this.tree.insert(listpackScore(score), member);
    else {
      this.tree.insert(score, member);
      this.dict.set(member, score);
    }
  }

  /** Changes the score of a member of the set from `score` to `newScore`. */
  updateScore(member: string, score: number, newScore: number): void {
    if (this.dict === null) this.tree.updateScore(score, member, listpackScore(newScore));
    else {
      this.tree.updateScore(score, member, newScore);
      this.dict.set(member, newScore);
    }
  }

  /** Removes a member; false when it was not there. */
  remove(member: string): boolean {
    const score = this.score(member);
    if (score === undefined) return false;
    this.tree.delete(score, member);
    if (this.dict !== null) this.dict.delete(member);
    return true;
  }

  /** The rank (0-based, ascending) of a member, or -1. */
  rank(member: string): number {
    if (this.dict === null) return this.scanForMember(member);
    const score = this.dict.get(member);
    return score === undefined ? -1 : this.tree.rankOf(score, member);
  }

  /** A cursor on the entry at a rank; it walks forward (next) or backward (prev). */
  cursorAt(rank: number): TreeCursor {
    return this.tree.cursorAt(rank);
  }

  /** The ranks of the entries within a score range. */
  scoreSpan(range: ScoreRange): RankSpan {
    const first = this.tree.lowerBound(
      range.minExclusive ? Bound.ScoreAbove : Bound.ScoreAtLeast,
      range.min,
      '',
    );
    const end = this.tree.lowerBound(
      range.maxExclusive ? Bound.ScoreAtLeast : Bound.ScoreAbove,
      range.max,
      '',
    );
    return { first, last: end - 1 };
  }

  /**
   * The ranks of the entries within a lex range, found as Redis finds them: from the first entry
   * at or above min, onwards while entries stay at or below max (or, `reverse`, from the last
   * entry at or below max, backwards while they stay at or above min). Lex ranges assume equal
   * scores; when scores differ, the listpack encoding gives Redis's answer by walking entries.
   */
  lexSpan(range: LexRange, reverse: boolean): RankSpan {
    if (!this.mayHoldLexRange(range)) return EMPTY_SPAN;
    if (this.dict !== null) return this.lexSpanBySearch(range);
    const size = this.tree.size;
    if (!reverse) {
      const cursor = this.tree.cursorAt(0);
      let first = 0;
      while (cursor.valid && !lexAtLeastMin(cursor.member, range)) {
        cursor.next();
        first++;
      }
      let end = first;
      while (cursor.valid && lexAtMostMax(cursor.member, range)) {
        cursor.next();
        end++;
      }
      return { first, last: end - 1 };
    }
    const cursor = this.tree.cursorAt(size - 1);
    let last = size - 1;
    while (cursor.valid && !lexAtMostMax(cursor.member, range)) {
      cursor.prev();
      last--;
    }
    let start = last;
    while (cursor.valid && lexAtLeastMin(cursor.member, range)) {
      cursor.prev();
      start--;
    }
    return { first: start + 1, last };
  }

  /** Removes the entries of ranks first..last; returns how many. */
  deleteSpan(first: number, last: number): number {
    const removed = this.tree.deleteRange(first, last);
    const dict = this.dict;
    if (dict !== null) for (const member of removed) dict.delete(member);
    return removed.length;
  }

  /**
   * A uniformly random entry's rank in the listpack encoding, or slot in the dictionary in the
   * skiplist encoding; read it with entryAtRandomIndex.
   */
  randomIndex(random: () => number): number {
    return Math.floor(random() * this.tree.size);
  }

  /** The member and score at an index from randomIndex (or any index below size). */
  entryAtRandomIndex(index: number): [string, number] {
    if (this.dict !== null) return [this.dict.keyAt(index), this.dict.valueAt(index)];
    const cursor = this.tree.cursorAt(index);
    return [cursor.member, cursor.score];
  }

  /**
   * ZSCAN's step: the listpack encoding is returned whole with cursor 0, as Redis does; the
   * skiplist encoding is walked with the dictionary's cursor.
   */
  scan(cursor: number, count: number, visit: (member: string, score: number) => void): number {
    if (this.dict !== null) return this.dict.scan(cursor, count, visit);
    this.tree.forEach((score, member) => visit(member, score));
    return 0;
  }

  /** Calls visit for every entry, in ascending order. */
  forEach(visit: (member: string, score: number) => void): void {
    this.tree.forEach((score, member) => visit(member, score));
  }

  /** Converts to the skiplist encoding, as Redis's SORT does to a sorted set it reads. */
  convertToSkiplist(): void {
    if (this.dict === null) this.toSkiplist();
  }

  clone(): ZSetValue {
    const { scores, members } = this.tree.toArrays();
    const copy = new ZSetValue(ScoreTree.fromSorted(scores, members), null);
    if (this.dict !== null) copy.toSkiplist();
    return copy;
  }

  /** Redis's zslIsInLexRange: the range is not empty, and overlaps the set's first..last. */
  private mayHoldLexRange(range: LexRange): boolean {
    const size = this.tree.size;
    if (size === 0) return false;
    const cmp = compareLex(range.min, range.max);
    if (cmp > 0 || (cmp === 0 && (range.min.exclusive || range.max.exclusive))) return false;
    return (
      lexAtLeastMin(this.tree.cursorAt(size - 1).member, range) &&
      lexAtMostMax(this.tree.cursorAt(0).member, range)
    );
  }

  private lexSpanBySearch(range: LexRange): RankSpan {
    const { min, max } = range;
    const first =
      min.infinite === -1
        ? 0
        : min.infinite === 1
          ? this.tree.size
          : this.tree.lowerBound(
              min.exclusive ? Bound.MemberAbove : Bound.MemberAtLeast,
              0,
              min.value,
            );
    const end =
      max.infinite === 1
        ? this.tree.size
        : max.infinite === -1
          ? 0
          : this.tree.lowerBound(
              max.exclusive ? Bound.MemberAtLeast : Bound.MemberAbove,
              0,
              max.value,
            );
    return { first, last: end - 1 };
  }

  /** The rank of a member found by walking the entries (listpack encoding), or -1. */
  private scanForMember(member: string): number {
    let rank = 0;
    const cursor = this.tree.cursorAt(0);
    for (; cursor.valid; cursor.next(), rank++) if (cursor.member === member) return rank;
    return -1;
  }

  private toSkiplist(): void {
    const dict = new IndexedDict<number>();
    this.tree.forEach((score, member) => dict.set(member, score));
    this.dict = dict;
  }
}
