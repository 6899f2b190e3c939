import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Bound, compareEntries, ScoreTree } from '../../src/datatypes/zset-tree.js';

type Entry = [number, string];

/** The naive model: a sorted array of [score, member]. */
class Model {
  entries: Entry[] = [];

  indexOf(score: number, member: string): number {
    return this.entries.findIndex(([s, m]) => s === score && m === member);
  }

  insert(score: number, member: string): void {
    let at = 0;
    while (at < this.entries.length && compareEntries(...this.entries[at], score, member) < 0) at++;
    this.entries.splice(at, 0, [score, member]);
  }

  lowerBound(bound: Bound, score: number, member: string): number {
    const before = ([s, m]: Entry): boolean => {
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
    };
    let count = 0;
    while (count < this.entries.length && before(this.entries[count])) count++;
    return count;
  }
}

const members = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'aa', '', '\xff', 'b\x00');
const scores = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom(Infinity, -Infinity, 0.5, -0.25),
);

type Op =
  | { kind: 'insert'; score: number; member: string }
  | { kind: 'delete'; index: number }
  | { kind: 'deleteMissing'; score: number; member: string }
  | { kind: 'update'; index: number; score: number }
  | { kind: 'deleteRange'; index: number; length: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('insert' as const), score: scores, member: members }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), index: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('deleteMissing' as const),
      score: scores,
      member: members,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('update' as const), index: fc.nat(), score: scores }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('deleteRange' as const),
      index: fc.nat(),
      length: fc.nat({ max: 40 }),
    }),
  },
);

function apply(tree: ScoreTree, model: Model, o: Op): void {
  const size = model.entries.length;
  switch (o.kind) {
    case 'insert': {
      // Members are unique in a sorted set: the tree is never asked to insert a present entry.
      if (model.entries.some(([, m]) => m === o.member)) return;
      tree.insert(o.score, o.member);
      model.insert(o.score, o.member);
      return;
    }
    case 'delete': {
      if (size === 0) return;
      const [score, member] = model.entries[o.index % size];
      assert.equal(tree.delete(score, member), true);
      model.entries.splice(o.index % size, 1);
      return;
    }
    case 'deleteMissing': {
      const present = model.indexOf(o.score, o.member) >= 0;
      assert.equal(tree.delete(o.score, o.member), present);
      if (present) model.entries.splice(model.indexOf(o.score, o.member), 1);
      return;
    }
    case 'update': {
      if (size === 0) return;
      const [score, member] = model.entries[o.index % size];
      tree.updateScore(score, member, o.score);
      model.entries.splice(o.index % size, 1);
      model.insert(o.score, member);
      return;
    }
    case 'deleteRange': {
      if (size === 0) return;
      const first = o.index % size;
      const last = Math.min(size - 1, first + o.length);
      const removed = tree.deleteRange(first, last);
      const expected = model.entries.splice(first, last - first + 1).map(([, m]) => m);
      assert.deepEqual(removed, expected);
    }
  }
}

/** Everything observable agrees with the model. */
function check(tree: ScoreTree, model: Model): void {
  const entries = model.entries;
  assert.equal(tree.size, entries.length);
  const { scores: s, members: m } = tree.toArrays();
  assert.deepEqual(
    s.map((score, i) => [score, m[i]]),
    entries,
  );
  entries.forEach(([score, member], rank) => {
    assert.equal(tree.rankOf(score, member), rank);
    const cursor = tree.cursorAt(rank);
    assert.equal(cursor.score, score);
    assert.equal(cursor.member, member);
  });
  // Walk backwards from the end and forwards from the start through the leaf links.
  const backwards: Entry[] = [];
  for (const c = tree.cursorAt(entries.length - 1); c.valid; c.prev())
    backwards.push([c.score, c.member]);
  assert.deepEqual(backwards.reverse(), entries);
  assert.equal(tree.cursorAt(entries.length).valid, false);
  assert.equal(tree.cursorAt(-1).valid, false);
  for (const score of [-Infinity, -5, -0.25, 0, 0.5, 3, 5, Infinity]) {
    for (const bound of [Bound.ScoreAtLeast, Bound.ScoreAbove]) {
      assert.equal(tree.lowerBound(bound, score, ''), model.lowerBound(bound, score, ''));
    }
    for (const member of ['', 'a', 'b', 'zz']) {
      assert.equal(
        tree.lowerBound(Bound.Entry, score, member),
        model.lowerBound(Bound.Entry, score, member),
      );
      assert.equal(tree.rankOf(score, member), model.indexOf(score, member));
    }
  }
}

/** A tree whose entries all have one score, so that member bounds are meaningful. */
function checkMemberBounds(tree: ScoreTree, model: Model): void {
  for (const member of ['', 'a', 'aa', 'b', 'c', 'h', 'i', '\xff']) {
    for (const bound of [Bound.MemberAtLeast, Bound.MemberAbove]) {
      assert.equal(tree.lowerBound(bound, 0, member), model.lowerBound(bound, 0, member));
    }
  }
}

describe('ScoreTree against a sorted array', () => {
  for (const [leafMax, branchMax] of [
    [2, 3],
    [3, 4],
    [5, 5],
    [8, 6],
    [128, 64],
  ]) {
    it(`random inserts, deletes and score updates agree with the model (leaves of ${leafMax}, branches of ${branchMax})`, () => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 300, size: 'max' }), (ops) => {
          const tree = new ScoreTree(leafMax, branchMax);
          const model = new Model();
          for (const o of ops) apply(tree, model, o);
          check(tree, model);
        }),
        { numRuns: 150 },
      );
    });
  }

  it('growing a deep tree and then shrinking it merges leaves and branches correctly', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 400 }), {
          minLength: 50,
          maxLength: 250,
          size: 'max',
        }),
        fc.array(fc.nat(), { maxLength: 250, size: 'max' }),
        (values, deletes) => {
          // Nodes of 5 merge when they fall below 5 / 4 entries: with 1 left.
          const tree = new ScoreTree(5, 5);
          const model = new Model();
          for (const v of values)
            apply(tree, model, { kind: 'insert', score: v % 37, member: `m${v}` });
          for (const d of deletes) {
            apply(tree, model, { kind: 'delete', index: d });
            const size = model.entries.length;
            if (size > 0) {
              const [score, member] = model.entries[d % size];
              assert.equal(tree.rankOf(score, member), d % size);
            }
          }
          check(tree, model);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('member bounds find the first member at or above a string when scores are equal', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(members, { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (ms, deletes) => {
          const tree = new ScoreTree(2, 3);
          const model = new Model();
          for (const m of ms) {
            tree.insert(0, m);
            model.insert(0, m);
          }
          for (const d of deletes) apply(tree, model, { kind: 'delete', index: d });
          checkMemberBounds(tree, model);
        },
      ),
    );
  });

  it('a tree built from sorted entries behaves as one built by inserts', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 500 }), { maxLength: 300, size: 'max' }),
        fc.array(op, { maxLength: 60, size: 'max' }),
        (values, ops) => {
          const sorted = [...values].sort((a, b) => a - b);
          const tree = ScoreTree.fromSorted(
            sorted,
            sorted.map((v) => `m${v}`),
            3,
            3,
          );
          const model = new Model();
          model.entries = sorted.map((v) => [v, `m${v}`]);
          check(tree, model);
          for (const o of ops) apply(tree, model, o);
          check(tree, model);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('ascending inserts fill leaves instead of leaving them half empty', () => {
    const tree = new ScoreTree();
    for (let i = 0; i < 10_000; i++) tree.insert(i, `m${i}`);
    const model = new Model();
    model.entries = Array.from({ length: 10_000 }, (_, i): Entry => [i, `m${i}`]);
    assert.equal(tree.size, 10_000);
    assert.equal(tree.rankOf(9_999, 'm9999'), 9_999);
    // A cursor crossing leaves sees each one full but the last.
    let leaves = 0;
    let previousLeaf = null;
    for (const c = tree.cursorAt(0); c.valid; c.next()) {
      if (c.leaf !== previousLeaf) leaves++;
      previousLeaf = c.leaf;
    }
    assert.equal(leaves, Math.ceil(10_000 / 128));
  });

  it('deleting a long range rebuilds the tree and keeps the rest in order', () => {
    const values = Array.from({ length: 5_000 }, (_, i) => i);
    const tree = ScoreTree.fromSorted(
      values,
      values.map((v) => `m${v}`),
    );
    const removed = tree.deleteRange(100, 4_899);
    assert.equal(removed.length, 4_800);
    assert.equal(removed[0], 'm100');
    assert.equal(tree.size, 200);
    assert.deepEqual(tree.toArrays().scores, [...values.slice(0, 100), ...values.slice(4_900)]);
    assert.equal(tree.rankOf(4_900, 'm4900'), 100);
  });
});
