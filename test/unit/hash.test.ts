import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { HashValue, type HashLimits } from '../../src/datatypes/hash.js';

const DEFAULT_LIMITS: HashLimits = { maxEntries: 512, maxValue: 64 };

/** The pairs in the hash's own order. */
function pairs(hash: HashValue): [string, string][] {
  const out: [string, string][] = [];
  hash.forEach((field, value) => out.push([field, value]));
  return out;
}

const text = fc.oneof(
  fc.constantFrom('a', 'b', 'c', '', 'field', '\0\xff\r\n'),
  fc.string({
    unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)),
    maxLength: 300,
  }),
);

describe('HashValue', () => {
  it('behaves as a map under random sets and deletes, converting at the limits', () => {
    const limits = fc.record({
      maxEntries: fc.integer({ min: 0, max: 8 }),
      maxValue: fc.integer({ min: 0, max: 300 }),
    });
    const op = fc.oneof(
      fc.record({ set: fc.constant(true), field: text, value: text }),
      fc.record({ set: fc.constant(false), field: text }),
    );
    fc.assert(
      fc.property(limits, fc.array(op, { maxLength: 60 }), (limit, ops) => {
        const hash = new HashValue();
        const model = new Map<string, string>();
        let mustBeTable = false;
        for (const step of ops) {
          if ('value' in step) {
            assert.equal(hash.set(step.field, step.value, limit), !model.has(step.field));
            model.set(step.field, step.value);
            if (step.field.length > limit.maxValue || step.value.length > limit.maxValue)
              mustBeTable = true;
            if (model.size > limit.maxEntries) mustBeTable = true;
          } else {
            assert.equal(hash.delete(step.field), model.delete(step.field));
          }
          assert.equal(hash.size, model.size);
          assert.equal(hash.isEmpty, model.size === 0);
        }
        assert.equal(hash.encoding, mustBeTable ? 'hashtable' : 'listpack');
        for (const [field, value] of model) {
          assert.equal(hash.get(field), value);
          assert.ok(hash.has(field));
        }
        if (hash.encoding === 'listpack') assert.deepEqual(pairs(hash), [...model]);
        else assert.deepEqual(new Map(pairs(hash)), model);
      }),
      { numRuns: 300 },
    );
  });

  it('setPairs gives what set() pair by pair gives: count, order and encoding', () => {
    const limits = fc.record({
      maxEntries: fc.integer({ min: 0, max: 10 }),
      maxValue: fc.integer({ min: 0, max: 300 }),
    });
    const fields = fc.oneof(text, fc.constantFrom('f1', 'f2', 'f3'));
    const pairList = fc.array(fc.tuple(fields, text), { maxLength: 8 });
    fc.assert(
      fc.property(limits, pairList, pairList, (limit, existing, given) => {
        const batched = new HashValue();
        const single = new HashValue();
        for (const [field, value] of existing) {
          batched.set(field, value, limit);
          single.set(field, value, limit);
        }
        const args = ['HSET', 'key', ...given.flat()];
        let created = 0;
        for (const [field, value] of given) if (single.set(field, value, limit)) created++;
        assert.equal(batched.setPairs(args, 2, limit), created);
        assert.equal(batched.encoding, single.encoding);
        if (single.encoding === 'listpack') assert.deepEqual(pairs(batched), pairs(single));
        else assert.deepEqual(new Map(pairs(batched)), new Map(pairs(single)));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a listpack in insertion order, updating values in place', () => {
    const hash = new HashValue();
    hash.set('z', '1', DEFAULT_LIMITS);
    hash.set('a', '2', DEFAULT_LIMITS);
    hash.set('z', 'updated', DEFAULT_LIMITS);
    hash.set('m', 'x'.repeat(64), DEFAULT_LIMITS);
    assert.deepEqual(pairs(hash), [
      ['z', 'updated'],
      ['a', '2'],
      ['m', 'x'.repeat(64)],
    ]);
    assert.equal(hash.encoding, 'listpack');
  });

  it('converts before writing when an argument is too long, even if it writes nothing', () => {
    const hash = new HashValue();
    hash.set('f', 'v', DEFAULT_LIMITS);
    hash.convertForArguments(['HSETNX', 'k', 'f', 'x'.repeat(65)], 2, DEFAULT_LIMITS);
    assert.equal(hash.encoding, 'hashtable');
    assert.equal(hash.get('f'), 'v');
  });

  it('scans a listpack whole and a hashtable to the end, every pair at least once', () => {
    const small = new HashValue();
    small.set('a', '1', DEFAULT_LIMITS);
    small.set('b', '2', DEFAULT_LIMITS);
    const seenSmall: string[] = [];
    assert.equal(
      small.scan(0, 1, (field) => seenSmall.push(field)),
      0,
    );
    assert.deepEqual(seenSmall, ['a', 'b']);

    const large = new HashValue();
    for (let i = 0; i < 1000; i++) large.set(`f${i}`, String(i), DEFAULT_LIMITS);
    const seen = new Set<string>();
    let cursor = 0;
    do {
      cursor = large.scan(cursor, 10, (field, value) => {
        assert.equal(value, field.slice(1));
        seen.add(field);
      });
      // Deleting while scanning never hides a field that stays.
      large.delete(`f${seen.size * 3}`);
    } while (cursor !== 0);
    for (let i = 0; i < 1000; i++) if (large.has(`f${i}`)) assert.ok(seen.has(`f${i}`), `f${i}`);
  });

  it('gives positional access for random picks in either encoding', () => {
    for (const count of [3, 600]) {
      const hash = new HashValue();
      for (let i = 0; i < count; i++) hash.set(`f${i}`, `v${i}`, DEFAULT_LIMITS);
      const view = hash.view();
      assert.equal(view.size, count);
      for (let i = 0; i < count; i++) assert.equal(view.valueAt(i), `v${view.fieldAt(i).slice(1)}`);
    }
  });

  it('clones into an independent hash of the same encoding', () => {
    for (const count of [3, 600]) {
      const hash = new HashValue();
      for (let i = 0; i < count; i++) hash.set(`f${i}`, `v${i}`, DEFAULT_LIMITS);
      const copy = hash.clone();
      assert.equal(copy.encoding, hash.encoding);
      copy.set('f0', 'changed', DEFAULT_LIMITS);
      copy.delete('f1');
      assert.equal(hash.get('f0'), 'v0');
      assert.equal(hash.get('f1'), 'v1');
      assert.equal(copy.size, count - 1);
      assert.equal(hash.type, 'hash');
    }
  });
});
