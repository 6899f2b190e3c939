import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  lexAtLeastMin,
  lexAtMostMax,
  scoreAtLeastMin,
  scoreAtMostMax,
  ZSetValue,
  type LexLimit,
  type ZSetLimits,
} from '../../src/datatypes/zset.js';
import { compareEntries } from '../../src/datatypes/zset-tree.js';

type Entry = [string, number];

/** The naive model: a member -> score map, ordered on demand. */
function ordered(model: Map<string, number>): Entry[] {
  return [...model].sort(([m, s], [n, t]) => compareEntries(s, m, t, n));
}

function entriesOf(zset: ZSetValue): Entry[] {
  const entries: Entry[] = [];
  zset.forEach((member, score) => entries.push([member, score]));
  return entries;
}

const member = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'long-member', '', '\xff');
const score = fc.constantFrom(-Infinity, -1, 0, 0.5, 1, 2, Infinity);

type Op =
  | { kind: 'set'; member: string; score: number }
  | { kind: 'remove'; member: string }
  | { kind: 'deleteSpan'; first: number; length: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('set' as const), member, score }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), member }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('deleteSpan' as const),
      first: fc.nat({ max: 8 }),
      length: fc.nat({ max: 3 }),
    }),
  },
);

function apply(zset: ZSetValue, model: Map<string, number>, o: Op, limits: ZSetLimits): void {
  if (o.kind === 'set') {
    const current = zset.score(o.member);
    assert.equal(current, model.get(o.member));
    if (current === undefined) zset.insert(o.member, o.score, limits);
    else zset.updateScore(o.member, current, o.score);
    model.set(o.member, o.score);
  } else if (o.kind === 'remove') {
    assert.equal(zset.remove(o.member), model.delete(o.member));
  } else {
    const entries = ordered(model);
    const last = Math.min(entries.length - 1, o.first + o.length - 1);
    const expected = Math.max(0, last - o.first + 1);
    assert.equal(zset.deleteSpan(o.first, last), expected);
    for (const [m] of entries.slice(o.first, last + 1)) model.delete(m);
  }
}

describe('ZSetValue against a member -> score map', () => {
  for (const limits of [
    { entries: 128, value: 64 },
    { entries: 3, value: 5 },
    { entries: 0, value: 64 },
  ]) {
    it(`scores, ranks and order agree, converting at the limits (${limits.entries}, ${limits.value})`, () => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 60, size: 'max' }), (ops) => {
          const zset = ZSetValue.empty();
          const model = new Map<string, number>();
          let skiplist = false;
          for (const o of ops) {
            const wasIn = o.kind === 'set' && model.has(o.member);
            if (o.kind === 'set' && !wasIn) {
              if (model.size + 1 > limits.entries || o.member.length > limits.value)
                skiplist = true;
            }
            apply(zset, model, o, limits);
            assert.equal(zset.encoding, skiplist ? 'skiplist' : 'listpack');
          }
          const entries = ordered(model);
          assert.deepEqual(entriesOf(zset), entries);
          assert.equal(zset.size, entries.length);
          entries.forEach(([m], rank) => assert.equal(zset.rank(m), rank));
          assert.equal(zset.rank('never'), -1);
          assert.equal(zset.score('never'), undefined);
        }),
      );
    });
  }

  it('score spans hold exactly the entries within the range', () => {
    const bound = fc.record({ value: score, exclusive: fc.boolean() });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(member, score), { maxLength: 12, size: 'max' }),
        bound,
        bound,
        (pairs, min, max) => {
          const model = new Map(pairs);
          const zset = ZSetValue.fromEntries([...model.keys()], [...model.values()], {
            entries: 4,
            value: 64,
          });
          const range = {
            min: min.value,
            max: max.value,
            minExclusive: min.exclusive,
            maxExclusive: max.exclusive,
          };
          const inRange = ordered(model)
            .map(([, s], rank) => [s, rank] as const)
            .filter(([s]) => scoreAtLeastMin(s, range) && scoreAtMostMax(s, range))
            .map(([, rank]) => rank);
          const { first, last } = zset.scoreSpan(range);
          assert.deepEqual(
            Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i),
            inRange,
          );
        },
      ),
    );
  });

  it('lex spans of equal scores hold exactly the members within the range, in both encodings', () => {
    const limit: fc.Arbitrary<LexLimit> = fc.oneof(
      fc.constant<LexLimit>({ infinite: -1, value: '', exclusive: true }),
      fc.constant<LexLimit>({ infinite: 1, value: '', exclusive: true }),
      fc.record({ infinite: fc.constant(0 as const), value: member, exclusive: fc.boolean() }),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(member),
        limit,
        limit,
        fc.boolean(),
        fc.boolean(),
        (members, min, max, reverse, large) => {
          const zset = ZSetValue.fromEntries(
            members,
            members.map(() => 0),
            { entries: large ? 0 : 128, value: 64 },
          );
          const range = { min, max };
          const sorted = [...members].sort();
          const expected = sorted.filter((m) => lexAtLeastMin(m, range) && lexAtMostMax(m, range));
          const { first, last } = zset.lexSpan(range, reverse);
          assert.deepEqual(sorted.slice(first, last + 1), expected);
        },
      ),
    );
  });

  it('fromEntries picks the encoding a store result gets, and clone copies it deeply', () => {
    const limits = { entries: 2, value: 3 };
    assert.equal(ZSetValue.fromEntries(['a', 'b'], [1, 2], limits).encoding, 'listpack');
    assert.equal(ZSetValue.fromEntries(['a', 'b', 'c'], [1, 2, 3], limits).encoding, 'skiplist');
    assert.equal(ZSetValue.fromEntries(['long'], [1], limits).encoding, 'skiplist');
    const original = ZSetValue.fromEntries(['a', 'b', 'c'], [3, 1, 2], limits);
    const copy = original.clone();
    copy.insert('d', 0, limits);
    copy.updateScore('a', 3, -5);
    assert.deepEqual(entriesOf(original), [
      ['b', 1],
      ['c', 2],
      ['a', 3],
    ]);
    assert.deepEqual(entriesOf(copy), [
      ['a', -5],
      ['d', 0],
      ['b', 1],
      ['c', 2],
    ]);
    assert.equal(copy.encoding, 'skiplist');
  });

  it('a listpack stores -0 as 0, a skiplist keeps it', () => {
    const listpack = ZSetValue.empty();
    listpack.insert('a', -0, { entries: 128, value: 64 });
    assert.ok(Object.is(listpack.score('a'), 0));
    const skiplist = ZSetValue.empty();
    skiplist.insert('a', -0, { entries: 0, value: 64 });
    assert.ok(Object.is(skiplist.score('a'), -0));
  });
});
