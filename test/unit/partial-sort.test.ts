import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { partialSort } from '../../src/datatypes/partial-sort.js';

interface Item {
  key: number;
  id: number;
}

const byKey = (a: Item, b: Item) => a.key - b.key;

describe('partial quicksort', () => {
  it('puts at positions first..last what a full sort puts there, and keeps every element', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 120 }),
        fc.nat(),
        fc.nat(),
        (keys, a, b) => {
          const items = keys.map((key, id) => ({ key, id }));
          const first = keys.length === 0 ? 0 : a % keys.length;
          const last = keys.length === 0 ? 0 : first + (b % (keys.length - first));
          partialSort(items, byKey, first, last);
          const sorted = [...keys].sort((x, y) => x - y);
          for (let i = first; i <= last && i < keys.length; i++) {
            assert.equal(items[i].key, sorted[i]);
          }
          assert.deepEqual(
            items.map((item) => item.id).sort((x, y) => x - y),
            keys.map((_, id) => id),
          );
        },
      ),
    );
  });

  it('sorts everything when the range covers the whole array', () => {
    const items = Array.from({ length: 200 }, (_, id) => ({ key: (id * 7919) % 101, id }));
    partialSort(items, byKey, 0, items.length - 1);
    for (let i = 1; i < items.length; i++) assert.ok(items[i - 1].key <= items[i].key);
  });

  it('is not stable: equal elements come out in the order its partitioning leaves them', () => {
    const items = Array.from({ length: 10 }, (_, id) => ({ key: id % 2, id }));
    partialSort(items, byKey, 0, 8);
    // redis-server 7.0 answers SORT l BY w_* ALPHA LIMIT 0 9, for l = 0..9 and w_i = i % 2, with
    // the elements in this order.
    assert.deepEqual(
      items.slice(0, 9).map((item) => item.id),
      [2, 6, 4, 8, 0, 9, 1, 3, 5],
    );
  });
});
