import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SetValue } from '../../src/datatypes/set.js';
import { IntSet, intsetValueOf } from '../../src/datatypes/set-intset.js';

describe('intset values', () => {
  it('only canonical 64-bit decimal integers are intset values', () => {
    const cases: [string, bigint | null][] = [
      ['0', 0n],
      ['-1', -1n],
      ['9223372036854775807', 9223372036854775807n],
      ['-9223372036854775808', -9223372036854775808n],
      ['9223372036854775808', null],
      ['-9223372036854775809', null],
      ['-0', null],
      ['01', null],
      ['+1', null],
      [' 1', null],
      ['1 ', null],
      ['1.0', null],
      ['', null],
      ['-', null],
      ['0x10', null],
      ['a', null],
    ];
    for (const [member, expected] of cases) assert.equal(intsetValueOf(member), expected, member);
  });

  it('an IntSet keeps its values sorted and distinct', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.bigInt({ min: -50n, max: 50n })), {
          maxLength: 200,
          size: 'max',
        }),
        (ops) => {
          const ints = new IntSet();
          const model = new Set<bigint>();
          for (const [add, value] of ops) {
            if (add) assert.equal(ints.add(value), !model.has(value));
            else assert.equal(ints.remove(value), model.has(value));
            if (add) model.add(value);
            else model.delete(value);
          }
          const sorted = [...model].sort((a, b) => (a < b ? -1 : 1));
          assert.deepEqual(
            Array.from({ length: ints.size }, (_, i) => ints.at(i)),
            sorted,
          );
          for (const value of sorted) assert.ok(ints.has(value));
          assert.deepEqual(
            Array.from({ length: ints.size }, (_, i) => ints.clone().at(i)),
            sorted,
          );
        },
      ),
    );
  });
});

describe('SetValue against a JS Set', () => {
  const member = fc.constantFrom(
    '1',
    '2',
    '3',
    '-4',
    '10',
    '007',
    'a',
    'b',
    '',
    '9223372036854775808',
  );

  it('membership, encodings and iteration order agree with the model', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        fc.array(fc.tuple(fc.constantFrom('add', 'remove', 'pop'), member), {
          maxLength: 100,
          size: 'max',
        }),
        fc.nat(),
        (maxIntset, ops, seed) => {
          const set = new SetValue();
          const model = new Set<string>();
          let hashtable = false;
          let state = seed;
          const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
          for (const [op, m] of ops) {
            if (op === 'add') {
              assert.equal(set.add(m, maxIntset), !model.has(m));
              model.add(m);
              if (intsetValueOf(m) === null || model.size > maxIntset) hashtable = true;
            } else if (op === 'remove') {
              assert.equal(set.remove(m), model.has(m));
              model.delete(m);
            } else if (model.size > 0) {
              const popped = set.pop(random);
              assert.ok(model.delete(popped), `popped ${popped}`);
            }
            assert.equal(set.encoding, hashtable ? 'hashtable' : 'intset');
          }
          assert.equal(set.size, model.size);
          const members = set.members();
          assert.deepEqual([...members].sort(), [...model].sort());
          for (const m of model) assert.ok(set.has(m));
          assert.ok(!set.has('never'));
          if (!hashtable) {
            const ascending = [...members].sort((a, b) => Number(BigInt(a) - BigInt(b)));
            assert.deepEqual(members, ascending);
          }
          const copy = set.clone();
          copy.add('copy-only', maxIntset);
          assert.ok(!set.has('copy-only'));
          assert.equal(copy.encoding, 'hashtable');
        },
      ),
    );
  });

  it('a hash table scan visits every member, an intset is returned whole with cursor 0', () => {
    const ints = new SetValue();
    for (let i = 0; i < 10; i++) ints.add(String(i), 512);
    const seen: string[] = [];
    assert.equal(
      ints.scan(0, 2, (m) => seen.push(m)),
      0,
    );
    assert.equal(seen.length, 10);
    const strings = new SetValue();
    for (let i = 0; i < 100; i++) strings.add(`m${i}`, 512);
    const visited = new Set<string>();
    let cursor = 0;
    do cursor = strings.scan(cursor, 7, (m) => visited.add(m));
    while (cursor !== 0);
    assert.equal(visited.size, 100);
  });
});

describe('SetValue.fromMembers', () => {
  it('gives the encoding, member order and refusal of repeats that adding one by one gives', () => {
    const member = fc.oneof(
      fc.integer({ min: -20, max: 20 }).map(String),
      fc.constantFrom('a', 'b', 'c', '01', '-0', '9223372036854775807', '-9223372036854775808'),
    );
    fc.assert(
      fc.property(fc.array(member, { maxLength: 12 }), fc.nat(6), (members, max) => {
        const added = new SetValue();
        const accepted = members.every((m) => added.add(m, max));
        const built = SetValue.fromMembers(members.slice(), max);
        if (!accepted) {
          assert.equal(built, null);
          return;
        }
        assert.ok(built !== null);
        assert.equal(built.encoding, added.encoding);
        assert.deepEqual(built.members(), added.members());
      }),
      { numRuns: 500 },
    );
  });
});
