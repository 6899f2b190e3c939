/**
 * The ordered half of a sorted set: (score, member) pairs in Redis's order (by score, then by
 * member bytes) in a counted B+ tree. It plays the part of Redis's skiplist: insert, delete, rank
 * of an entry, entry at a rank and the first entry past a score or lex bound are O(log n); ranges
 * are walked through the linked leaves.
 *
 * Why not a skiplist: a node object per member costs far more memory in V8 than in C. Here a leaf
 * keeps up to LEAF_MAX entries in two plain arrays (scores as unboxed doubles, members as string
 * references), so an entry costs about 16 bytes plus slack. Each branch keeps, per child, the
 * number of entries below it (for ranks) and a separator key bounding the child from above (for
 * searches): every key in child i is <= separator i < every key in child i + 1. Deletions leave
 * separators alone; a stale separator is still a valid bound.
 */

/** Entries per leaf at most. */
const LEAF_MAX = 128;
/** Children per branch at most. */
const BRANCH_MAX = 64;

export class Leaf {
  next: Leaf | null = null;
  prev: Leaf | null = null;

  constructor(
    public scores: number[],
    public members: string[],
  ) {}
}

class Branch {
  constructor(
    public children: TreeNode[],
    /** Entries below each child. */
    public counts: number[],
    /** Separator keys, one per child but the last. */
    public sepScores: number[],
    public sepMembers: string[],
  ) {}
}

type TreeNode = Leaf | Branch;

/** The path of a tree that has never had a branch: empty, and frozen as every tree shares it. */
const NO_BRANCHES = Object.freeze([]) as unknown as Branch[];
const NO_INDEXES = Object.freeze([]) as unknown as number[];

/** Redis's order of sorted set entries: by score, then by member bytes (latin1 code units). */
export function compareEntries(
  score: number,
  member: string,
  otherScore: number,
  otherMember: string,
): number {
  if (score < otherScore) return -1;
  if (score > otherScore) return 1;
  return member < otherMember ? -1 : member > otherMember ? 1 : 0;
}

/** What a lower-bound search looks for: the first entry that is not "before" the bound. */
export const enum Bound {
  /** The first entry >= (score, member). */
  Entry,
  /** The first entry with score >= score. */
  ScoreAtLeast,
  /** The first entry with score > score. */
  ScoreAbove,
  /** The first entry with member >= member (entries of equal score, as BYLEX assumes). */
  MemberAtLeast,
  /** The first entry with member > member. */
  MemberAbove,
}

/** Whether the entry (s, m) lies before the bound. */
function isBefore(bound: Bound, score: number, member: string, s: number, m: string): boolean {
  switch (bound) {
    case Bound.Entry:
      return compareEntries(s, m, score, member) < 0;
    case Bound.ScoreAtLeast:
      return s < score;
    case Bound.ScoreAbove:
      return s <= score;
    case Bound.MemberAtLeast:
      return m < member;
    case Bound.MemberAbove:
      return m <= member;
  }
}

/** A position in the tree, moved entry by entry along the leaves. */
export class TreeCursor {
  constructor(
    public leaf: Leaf | null,
    public index: number,
  ) {}

  get valid(): boolean {
    return this.leaf !== null;
  }

  get score(): number {
    return (this.leaf as Leaf).scores[this.index];
  }

  get member(): string {
    return (this.leaf as Leaf).members[this.index];
  }

  next(): void {
    const leaf = this.leaf as Leaf;
    if (++this.index < leaf.scores.length) return;
    this.leaf = leaf.next;
    this.index = 0;
  }

  prev(): void {
    if (--this.index >= 0) return;
    const leaf = (this.leaf as Leaf).prev;
    this.leaf = leaf;
    this.index = leaf === null ? 0 : leaf.scores.length - 1;
  }
}

export class ScoreTree {
  private root: TreeNode;
  private count = 0;
  /**
   * The branches and child indexes of the last descent, root first (reused, never shared). A tree
   * that is one leaf, as most are, descends through no branch: it has no arrays of its own (two
   * objects less per small sorted set) until startPath finds a branch.
   */
  private pathNodes = NO_BRANCHES;
  private pathIndexes = NO_INDEXES;
  /** The index within its leaf of the entry the last descendToRank found. */
  private rankInLeaf = 0;

  constructor(
    private readonly leafMax = LEAF_MAX,
    private readonly branchMax = BRANCH_MAX,
    root: Leaf = new Leaf([], []),
  ) {
    this.root = root;
    this.count = root.scores.length;
  }

  get size(): number {
    return this.count;
  }

  /**
   * A tree of entries already in order (strictly increasing), leaves filled up: the fast way to
   * build a sorted set from a conversion, a copy or a store command.
   */
  static fromSorted(
    scores: readonly number[],
    members: readonly string[],
    leafMax = LEAF_MAX,
    branchMax = BRANCH_MAX,
  ): ScoreTree {
    if (scores.length <= leafMax) {
      return ScoreTree.adopting(scores.slice(), members.slice(), leafMax, branchMax);
    }
    const tree = new ScoreTree(leafMax, branchMax);
    let level: TreeNode[] = [];
    let counts: number[] = [];
    let previous: Leaf | null = null;
    for (let start = 0; start < scores.length; start += leafMax) {
      const leaf = new Leaf(
        scores.slice(start, start + leafMax),
        members.slice(start, start + leafMax),
      );
      leaf.prev = previous;
      if (previous !== null) previous.next = leaf;
      previous = leaf;
      level.push(leaf);
      counts.push(leaf.scores.length);
    }
    while (level.length > 1) {
      const parents: TreeNode[] = [];
      const parentCounts: number[] = [];
      for (let start = 0; start < level.length; start += branchMax) {
        const children = level.slice(start, start + branchMax);
        const childCounts = counts.slice(start, start + branchMax);
        const sepScores: number[] = [];
        const sepMembers: string[] = [];
        for (let i = 0; i < children.length - 1; i++) {
          const last = lastLeafOf(children[i]);
          sepScores.push(last.scores[last.scores.length - 1]);
          sepMembers.push(last.members[last.members.length - 1]);
        }
        parents.push(new Branch(children, childCounts, sepScores, sepMembers));
        parentCounts.push(sum(childCounts));
      }
      level = parents;
      counts = parentCounts;
    }
    tree.root = level[0];
    tree.count = scores.length;
    return tree;
  }

  /**
   * fromSorted for arrays it may take over: those of up to a leaf's size become its one leaf's
   * own (as most sorted sets are that small, no level to build and no copy to make).
   */
  static adopting(
    scores: number[],
    members: string[],
    leafMax = LEAF_MAX,
    branchMax = BRANCH_MAX,
  ): ScoreTree {
    if (scores.length > leafMax) return ScoreTree.fromSorted(scores, members, leafMax, branchMax);
    return new ScoreTree(leafMax, branchMax, new Leaf(scores, members));
  }

  /** Inserts an entry that is not in the tree. */
  insert(score: number, member: string): void {
    const leaf = this.descendToEntry(score, member);
    const at = entryBoundInLeaf(leaf, score, member);
    insertScore(leaf.scores, at, score);
    insertMember(leaf.members, at, member);
    this.count++;
    const depth = this.pathNodes.length;
    for (let level = 0; level < depth; level++) {
      this.pathNodes[level].counts[this.pathIndexes[level]]++;
    }
    if (leaf.scores.length > this.leafMax) this.splitUpwards(leaf, at);
  }

  /** Removes an entry; false when it is not in the tree. */
  delete(score: number, member: string): boolean {
    const leaf = this.descendToEntry(score, member);
    const at = entryBoundInLeaf(leaf, score, member);
    if (at >= leaf.scores.length || leaf.scores[at] !== score || leaf.members[at] !== member) {
      return false;
    }
    this.removeFromLeaf(leaf, at);
    return true;
  }

  /**
   * Changes the score of an entry in the tree. When the entry keeps its place among its
   * neighbours in the leaf it is updated in place (Redis's zslUpdateScore does the same).
   */
  updateScore(score: number, member: string, newScore: number): void {
    const leaf = this.descendToEntry(score, member);
    const at = entryBoundInLeaf(leaf, score, member);
    const last = leaf.scores.length - 1;
    if (
      at > 0 &&
      at < last &&
      compareEntries(leaf.scores[at - 1], leaf.members[at - 1], newScore, member) < 0 &&
      compareEntries(newScore, member, leaf.scores[at + 1], leaf.members[at + 1]) < 0
    ) {
      leaf.scores[at] = newScore;
      return;
    }
    this.removeFromLeaf(leaf, at);
    this.insert(newScore, member);
  }

  /** The rank (0-based) of an entry, or -1 when it is not in the tree. */
  rankOf(score: number, member: string): number {
    let node = this.root;
    let rank = 0;
    while (node instanceof Branch) {
      const child = childForEntry(node, score, member);
      for (let i = 0; i < child; i++) rank += node.counts[i];
      node = node.children[child];
    }
    const at = entryBoundInLeaf(node, score, member);
    const found =
      at < node.scores.length && node.scores[at] === score && node.members[at] === member;
    return found ? rank + at : -1;
  }

  /**
   * The number of entries before the bound, which is the rank of the first entry at or past it
   * (size when none is). Member bounds assume the entries are ordered by member, as BYLEX does.
   */
  lowerBound(bound: Bound, score: number, member: string): number {
    let node = this.root;
    let rank = 0;
    while (node instanceof Branch) {
      const child = childForBound(node, bound, score, member);
      for (let i = 0; i < child; i++) rank += node.counts[i];
      node = node.children[child];
    }
    return rank + lowerBoundInLeaf(node, bound, score, member);
  }

  /** A cursor on the entry at a rank (invalid when the rank is out of range). */
  cursorAt(rank: number): TreeCursor {
    if (rank < 0 || rank >= this.count) return new TreeCursor(null, 0);
    const leaf = this.descendToRank(rank);
    return new TreeCursor(leaf, this.rankInLeaf);
  }

  /** Calls visit for every entry in order. */
  forEach(visit: (score: number, member: string) => void): void {
    for (let leaf: Leaf | null = firstLeafOf(this.root); leaf !== null; leaf = leaf.next) {
      const { scores, members } = leaf;
      for (let i = 0; i < scores.length; i++) visit(scores[i], members[i]);
    }
  }

  /** The scores and members in order, as two arrays. */
  toArrays(): { scores: number[]; members: string[] } {
    const scores: number[] = [];
    const members: string[] = [];
    for (let leaf: Leaf | null = firstLeafOf(this.root); leaf !== null; leaf = leaf.next) {
      for (let i = 0; i < leaf.scores.length; i++) {
        scores.push(leaf.scores[i]);
        members.push(leaf.members[i]);
      }
    }
    return { scores, members };
  }

  /**
   * Removes the entries of ranks first..last (inclusive) and returns their members. A long range
   * rebuilds the tree from the entries that stay, in O(n); a short one deletes entry by entry.
   */
  deleteRange(first: number, last: number): string[] {
    const removed: string[] = [];
    const length = last - first + 1;
    if (length <= 0) return removed;
    if (length > 64 && length > this.count / 8) {
      const { scores, members } = this.toArrays();
      for (let i = first; i <= last; i++) removed.push(members[i]);
      scores.splice(first, length);
      members.splice(first, length);
      const rebuilt = ScoreTree.fromSorted(scores, members, this.leafMax, this.branchMax);
      this.root = rebuilt.root;
      this.count = rebuilt.count;
      return removed;
    }
    for (let i = 0; i < length; i++) {
      const leaf = this.descendToRank(first);
      removed.push(leaf.members[this.rankInLeaf]);
      this.removeFromLeaf(leaf, this.rankInLeaf);
    }
    return removed;
  }

  /** Empties the recorded path before a descent. */
  private startPath(): void {
    if (this.pathNodes === NO_BRANCHES) {
      if (this.root instanceof Leaf) return;
      this.pathNodes = [];
      this.pathIndexes = [];
    } else if (this.pathNodes.length !== 0) {
      this.pathNodes.length = 0;
      this.pathIndexes.length = 0;
    }
  }

  /** Walks down to the leaf where (score, member) is or would be, recording the path. */
  private descendToEntry(score: number, member: string): Leaf {
    this.startPath();
    let node = this.root;
    while (node instanceof Branch) {
      const child = childForEntry(node, score, member);
      this.pathNodes.push(node);
      this.pathIndexes.push(child);
      node = node.children[child];
    }
    return node;
  }

  /** Walks down to the leaf holding a rank, recording the path; sets rankInLeaf. */
  private descendToRank(rank: number): Leaf {
    this.startPath();
    let node = this.root;
    let left = rank;
    while (node instanceof Branch) {
      const counts = node.counts;
      let child = 0;
      while (child < counts.length - 1 && left >= counts[child]) left -= counts[child++];
      this.pathNodes.push(node);
      this.pathIndexes.push(child);
      node = node.children[child];
    }
    this.rankInLeaf = left;
    return node;
  }

  /** Removes entry `at` of the leaf the recorded path leads to, then rebalances upwards. */
  private removeFromLeaf(leaf: Leaf, at: number): void {
    removeScore(leaf.scores, at);
    removeMember(leaf.members, at);
    this.count--;
    const depth = this.pathNodes.length;
    for (let level = 0; level < depth; level++) {
      this.pathNodes[level].counts[this.pathIndexes[level]]--;
    }
    let node: TreeNode = leaf;
    for (let level = depth - 1; level >= 0; level--) {
      const parent = this.pathNodes[level];
      const index = this.pathIndexes[level];
      const length = widthOf(node);
      const max = node instanceof Leaf ? this.leafMax : this.branchMax;
      if (length === 0) {
        removeChild(parent, index);
      } else if (length >= max / 4 || !this.mergeWithSibling(parent, index, length, max)) {
        break;
      }
      node = parent;
    }
    while (this.root instanceof Branch && this.root.children.length === 1) {
      this.root = this.root.children[0];
    }
  }

  /** Merges an underfull child into a sibling when both fit in one node; true when merged. */
  private mergeWithSibling(parent: Branch, index: number, length: number, max: number): boolean {
    const children = parent.children;
    if (index > 0 && widthOf(children[index - 1]) + length <= max) {
      mergeChildren(parent, index - 1);
      return true;
    }
    if (index + 1 < children.length && widthOf(children[index + 1]) + length <= max) {
      mergeChildren(parent, index);
      return true;
    }
    return false;
  }

  /**
   * Splits an overfull leaf (the recorded path leads to it), and any branch that overflows in
   * turn. A leaf that overflowed by an append at the very end of the tree keeps all but the new
   * entry, so that ascending inserts leave full leaves behind.
   */
  private splitUpwards(leaf: Leaf, insertedAt: number): void {
    const length = leaf.scores.length;
    const appended = leaf.next === null && insertedAt === length - 1;
    let node: TreeNode = leaf;
    let right: TreeNode = splitLeaf(leaf, appended ? length - 1 : length >> 1);
    for (let level = this.pathNodes.length - 1; level >= 0; level--) {
      const parent = this.pathNodes[level];
      insertChildAfter(parent, this.pathIndexes[level], node, right);
      if (parent.children.length <= this.branchMax) return;
      node = parent;
      right = splitBranch(parent);
    }
    const [sepScore, sepMember] = lastKeyOf(node);
    this.root = new Branch([node, right], [totalOf(node), totalOf(right)], [sepScore], [sepMember]);
  }
}

/*
 * Inserting and removing by moving the tail: splice would allocate the array it returns. One
 * function per element type keeps each one monomorphic (unboxed doubles, or references).
 */
function insertScore(array: number[], at: number, value: number): void {
  let i = array.length;
  array.push(value);
  for (; i > at; i--) array[i] = array[i - 1];
  array[at] = value;
}

function insertMember(array: string[], at: number, value: string): void {
  let i = array.length;
  array.push(value);
  for (; i > at; i--) array[i] = array[i - 1];
  array[at] = value;
}

function removeScore(array: number[], at: number): void {
  const last = array.length - 1;
  for (let i = at; i < last; i++) array[i] = array[i + 1];
  array.pop();
}

function removeMember(array: string[], at: number): void {
  const last = array.length - 1;
  for (let i = at; i < last; i++) array[i] = array[i + 1];
  array.pop();
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return total;
}

/** Entries in a leaf, children of a branch. */
function widthOf(node: TreeNode): number {
  return node instanceof Leaf ? node.scores.length : node.children.length;
}

/** Entries under a node. */
function totalOf(node: TreeNode): number {
  return node instanceof Leaf ? node.scores.length : sum(node.counts);
}

function firstLeafOf(node: TreeNode): Leaf {
  while (node instanceof Branch) node = node.children[0];
  return node;
}

function lastLeafOf(node: TreeNode): Leaf {
  while (node instanceof Branch) node = node.children[node.children.length - 1];
  return node;
}

/** The largest key under a node (a bound is as good: the separator of its last child). */
function lastKeyOf(node: TreeNode): [number, string] {
  const leaf = lastLeafOf(node);
  const last = leaf.scores.length - 1;
  return [leaf.scores[last], leaf.members[last]];
}

/** The child to descend into: the first whose separator is not before the bound, else the last. */
function childForBound(node: Branch, bound: Bound, score: number, member: string): number {
  const sepScores = node.sepScores;
  const sepMembers = node.sepMembers;
  let low = 0;
  let high = sepScores.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (isBefore(bound, score, member, sepScores[mid], sepMembers[mid])) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** childForBound for Bound.Entry, the search of every insert, delete and rank. */
function childForEntry(node: Branch, score: number, member: string): number {
  const sepScores = node.sepScores;
  const sepMembers = node.sepMembers;
  let low = 0;
  let high = sepScores.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    const s = sepScores[mid];
    if (s < score || (s === score && sepMembers[mid] < member)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** lowerBoundInLeaf for Bound.Entry. */
function entryBoundInLeaf(leaf: Leaf, score: number, member: string): number {
  const scores = leaf.scores;
  const members = leaf.members;
  let low = 0;
  let high = scores.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    const s = scores[mid];
    if (s < score || (s === score && members[mid] < member)) low = mid + 1;
    else high = mid;
  }
  return low;
}

function lowerBoundInLeaf(leaf: Leaf, bound: Bound, score: number, member: string): number {
  const scores = leaf.scores;
  const members = leaf.members;
  let low = 0;
  let high = scores.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (isBefore(bound, score, member, scores[mid], members[mid])) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Moves the entries from `at` on into a new leaf linked after this one, and returns it. */
function splitLeaf(leaf: Leaf, at: number): Leaf {
  const right = new Leaf(leaf.scores.slice(at), leaf.members.slice(at));
  leaf.scores.length = at;
  leaf.members.length = at;
  right.next = leaf.next;
  right.prev = leaf;
  if (leaf.next !== null) leaf.next.prev = right;
  leaf.next = right;
  return right;
}

/** Moves the upper half of a branch's children into a new branch, and returns it. */
function splitBranch(branch: Branch): Branch {
  const at = branch.children.length >> 1;
  const right = new Branch(
    branch.children.slice(at),
    branch.counts.slice(at),
    branch.sepScores.slice(at),
    branch.sepMembers.slice(at),
  );
  branch.children.length = at;
  branch.counts.length = at;
  // Separator at-1 bounded the last child that stays: the parent takes it (see lastKeyOf).
  branch.sepScores.length = at - 1;
  branch.sepMembers.length = at - 1;
  return right;
}

/** Child `index` of parent was split into left (in place) and right: record the new child. */
function insertChildAfter(parent: Branch, index: number, left: TreeNode, right: TreeNode): void {
  const [sepScore, sepMember] = lastKeyOf(left);
  parent.children.splice(index + 1, 0, right);
  parent.counts.splice(index + 1, 0, totalOf(right));
  parent.counts[index] -= parent.counts[index + 1];
  parent.sepScores.splice(index, 0, sepScore);
  parent.sepMembers.splice(index, 0, sepMember);
}

function removeChild(parent: Branch, index: number): void {
  const child = parent.children[index];
  if (child instanceof Leaf) unlinkLeaf(child);
  parent.children.splice(index, 1);
  parent.counts.splice(index, 1);
  // The separator of the child goes, or for the last child the one before it.
  const sep = index < parent.sepScores.length ? index : index - 1;
  if (sep >= 0) {
    parent.sepScores.splice(sep, 1);
    parent.sepMembers.splice(sep, 1);
  }
}

function unlinkLeaf(leaf: Leaf): void {
  if (leaf.prev !== null) leaf.prev.next = leaf.next;
  if (leaf.next !== null) leaf.next.prev = leaf.prev;
  leaf.prev = leaf.next = null;
}

/** Moves child index + 1 into child index. The merged child keeps the right one's separator. */
function mergeChildren(parent: Branch, index: number): void {
  const left = parent.children[index];
  const right = parent.children[index + 1];
  if (left instanceof Leaf) {
    const from = right as Leaf;
    for (let i = 0; i < from.scores.length; i++) {
      left.scores.push(from.scores[i]);
      left.members.push(from.members[i]);
    }
    unlinkLeaf(from);
  } else {
    const from = right as Branch;
    left.sepScores.push(parent.sepScores[index]);
    left.sepMembers.push(parent.sepMembers[index]);
    for (let i = 0; i < from.children.length; i++) {
      left.children.push(from.children[i]);
      left.counts.push(from.counts[i]);
    }
    for (let i = 0; i < from.sepScores.length; i++) {
      left.sepScores.push(from.sepScores[i]);
      left.sepMembers.push(from.sepMembers[i]);
    }
  }
  parent.counts[index] += parent.counts[index + 1];
  parent.children.splice(index + 1, 1);
  parent.counts.splice(index + 1, 1);
  parent.sepScores.splice(index, 1);
  parent.sepMembers.splice(index, 1);
}
