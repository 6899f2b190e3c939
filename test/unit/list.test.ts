import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ListValue } from '../../src/datatypes/list.js';

type Op =
  | { op: 'pushHead' | 'pushTail'; value: string }
  | { op: 'popHead' | 'popTail' }
  | { op: 'set' | 'insert'; at: number; value: string }
  | { op: 'remove'; value: string; count: number }
  | { op: 'trim'; start: number; end: number };

const value = fc.constantFrom('a', 'b', 'c', '', 'x'.repeat(300));
const position = fc.nat(40);
const operation: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constantFrom('pushHead', 'pushTail'), value }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom('popHead', 'popTail') }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constantFrom('set', 'insert'), at: position, value }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('remove'),
      value,
      count: fc.integer({ min: -3, max: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('trim'), start: position, end: position }) },
);

/** Applies an operation to the list and to a plain array, the model. */
function apply(list: ListValue, model: string[], step: Op): void {
  switch (step.op) {
    case 'pushHead':
      list.pushHead(step.value);
      model.unshift(step.value);
      break;
    case 'pushTail':
      list.pushTail(step.value);
      model.push(step.value);
      break;
    case 'popHead':
      assert.equal(list.popHead(), model.shift());
      break;
    case 'popTail':
      assert.equal(list.popTail(), model.pop());
      break;
    case 'set':
      if (model.length === 0) return;
      list.set(step.at % model.length, step.value);
      model[step.at % model.length] = step.value;
      break;
    case 'insert': {
      const at = step.at % (model.length + 1);
      list.insert(at, step.value);
      model.splice(at, 0, step.value);
      break;
    }
    case 'remove': {
      const limit = step.count === 0 ? Infinity : Math.abs(step.count);
      const indexes = model.flatMap((v, i) => (v === step.value ? [i] : []));
      const chosen = step.count >= 0 ? indexes.slice(0, limit) : indexes.reverse().slice(0, limit);
      assert.equal(list.remove(step.value, step.count), chosen.length);
      for (const i of chosen.sort((a, b) => b - a)) model.splice(i, 1);
      break;
    }
    case 'trim': {
      if (model.length === 0) return;
      const start = Math.min(step.start, model.length - 1);
      const end = Math.min(Math.max(step.end, start), model.length - 1);
      list.trim(start, end);
      model.splice(0, model.length, ...model.slice(start, end + 1));
      break;
    }
  }
}

describe('ListValue', () => {
  it('behaves as an array under random pushes, pops, sets, inserts, removals and trims', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 200 }), (ops) => {
        const list = new ListValue();
        const model: string[] = [];
        for (const step of ops) {
          apply(list, model, step);
          assert.equal(list.length, model.length);
          // The running total the memory estimate reads.
          assert.equal(list.elementChars, model.join('').length);
        }
        assert.deepEqual(list.range(0, list.length - 1), model);
        model.forEach((v, i) => assert.equal(list.at(i), v));
        assert.equal(list.indexOf('b'), model.indexOf('b'));
      }),
      { numRuns: 300 },
    );
  });

  it('grows and shrinks around its ring without losing order', () => {
    const list = new ListValue();
    for (let i = 0; i < 1000; i++) {
      if (i % 2 === 0) list.pushHead(String(i));
      else list.pushTail(String(i));
    }
    const expected = [
      ...Array.from({ length: 500 }, (_, i) => String(998 - 2 * i)),
      ...Array.from({ length: 500 }, (_, i) => String(2 * i + 1)),
    ];
    assert.deepEqual(list.range(0, 999), expected);
    for (let i = 0; i < 990; i++) list.popHead();
    assert.deepEqual(list.range(0, 9), expected.slice(990));
  });

  it('clones into an independent list, and reports the quicklist encoding', () => {
    const list = ListValue.of(['a', 'b', 'c']);
    const copy = list.clone();
    copy.set(0, 'z');
    copy.pushTail('d');
    assert.deepEqual(list.range(0, 2), ['a', 'b', 'c']);
    assert.deepEqual(copy.range(0, 3), ['z', 'b', 'c', 'd']);
    assert.equal(list.type, 'list');
    assert.equal(list.encoding, 'quicklist');
    assert.equal(new ListValue().popHead(), undefined);
    assert.equal(new ListValue().popTail(), undefined);
  });
});
