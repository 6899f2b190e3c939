import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { IndexedDict } from '../../src/datatypes/indexed-dict.js';

/** Asserts the dict holds exactly the model's entries, each findable at a dense slot. */
function assertSame(dict: IndexedDict<number>, model: Map<string, number>): void {
  assert.equal(dict.size, model.size);
  assert.equal(dict.keys().length, model.size);
  for (const [key, value] of model) {
    const slot = dict.slotOf(key);
    assert.ok(slot >= 0 && slot < dict.size, `slot of ${JSON.stringify(key)}`);
    assert.equal(dict.keyAt(slot), key);
    assert.equal(dict.valueAt(slot), value);
    assert.equal(dict.get(key), value);
    assert.equal(dict.has(key), true);
  }
  assert.deepEqual(new Set(dict.keys()), new Set(model.keys()));
}

const keys = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom('', 'a', 'b', 'ab', 'ba', '\0', '\0\0', 'key:1', 'key:2'),
  fc.integer({ min: 0, max: 300 }).map((i) => `k${i}`),
);

describe('IndexedDict', () => {
  it('behaves like a Map under any sequence of sets and deletes, with dense slots', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), keys, fc.integer()), { maxLength: 400 }),
        (ops) => {
          const dict = new IndexedDict<number>();
          const model = new Map<string, number>();
          for (const [isSet, key, value] of ops) {
            if (isSet) {
              dict.set(key, value);
              model.set(key, value);
            } else {
              assert.equal(dict.delete(key), model.delete(key));
            }
            assert.equal(dict.get(key), model.get(key));
          }
          assertSame(dict, model);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('grows to many entries and shrinks back, keeping every key findable', () => {
    const dict = new IndexedDict<number>();
    const model = new Map<string, number>();
    for (let i = 0; i < 50_000; i++) {
      dict.set(`key:${i}`, i);
      model.set(`key:${i}`, i);
    }
    assertSame(dict, model);
    for (let i = 0; i < 50_000; i += 1 + (i % 3)) {
      assert.equal(dict.delete(`key:${i}`), true);
      model.delete(`key:${i}`);
    }
    assertSame(dict, model);
    for (const key of [...model.keys()]) dict.delete(key);
    assert.equal(dict.size, 0);
    assert.equal(dict.get('key:1'), undefined);
    dict.set('again', 1);
    assert.equal(dict.get('again'), 1);
  });

  it('keeps each entry’s metadata word with it when another entry moves into a deleted slot', () => {
    const dict = new IndexedDict<string>();
    for (let i = 0; i < 100; i++) dict.set(`k${i}`, `v${i}`, i);
    for (let i = 0; i < 100; i += 2) dict.delete(`k${i}`);
    for (let i = 1; i < 100; i += 2) assert.equal(dict.metaAt(dict.slotOf(`k${i}`)), i);
    dict.setMetaAt(dict.slotOf('k7'), 70);
    dict.delete('k1');
    assert.equal(dict.metaAt(dict.slotOf('k7')), 70);
  });

  it('a scan returns every entry present throughout, while entries are added and deleted', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.boolean()), { maxLength: 100 }),
        fc.integer({ min: 1, max: 20 }),
        (initial, churn, count) => {
          const dict = new IndexedDict<null>();
          for (let i = 0; i < initial; i++) dict.set(`k${i}`, null);
          const stable = new Set(dict.keys().filter((_, i) => i % 2 === 0));
          const seen = new Set<string>();
          let cursor = 0;
          let step = 0;
          do {
            cursor = dict.scan(cursor, count, (key) => seen.add(key));
            const change = churn[step++];
            if (change !== undefined) {
              const key = `k${change[0]}`;
              if (change[1]) dict.set(key, null);
              else if (!stable.has(key)) dict.delete(key);
            }
          } while (cursor !== 0);
          for (const key of stable) assert.ok(seen.has(key), `${key} was not returned`);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reserve makes room in advance, small or indexed, and every key stays findable', () => {
    for (const reserved of [0, 3, 8, 9, 1000]) {
      const dict = new IndexedDict<number>();
      dict.set('first', -1);
      dict.reserve(reserved);
      const model = new Map([['first', -1]]);
      for (let i = 0; i < 20; i++) {
        dict.set(`k${i}`, i);
        model.set(`k${i}`, i);
        assertSame(dict, model);
      }
      dict.reserve(5000);
      assertSame(dict, model);
    }
  });

  it('a keys-only dictionary behaves like a Set and keeps no values', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), keys), { maxLength: 400 }), (ops) => {
        const dict = IndexedDict.keysOnly();
        const model = new Set<string>();
        for (const [isAdd, key] of ops) {
          if (isAdd)
            assert.equal(dict.add(key, undefined) >= 0, !model.has(key) && !!model.add(key));
          else assert.equal(dict.delete(key), model.delete(key));
          assert.equal(dict.has(key), model.has(key));
        }
        assert.deepEqual(new Set(dict.keys()), model);
        assert.deepEqual(dict.values(), []);
        const scanned: string[] = [];
        assert.equal(
          dict.scan(0, dict.size, (key) => scanned.push(key)),
          0,
        );
        assert.deepEqual(new Set(scanned), model);
      }),
      { numRuns: 200 },
    );
  });

  it('adopting takes over arrays of distinct keys and refuses a repeated key', () => {
    fc.assert(
      fc.property(fc.array(keys, { maxLength: 60 }), (list) => {
        const distinct = new Set(list).size === list.length;
        const values = list.map((_, i) => i);
        const dict = IndexedDict.adopting(list.slice(), values);
        assert.equal(dict !== null, distinct);
        assert.equal(IndexedDict.adopting(list.slice(), null) !== null, distinct);
        if (dict === null) return;
        assertSame(dict, new Map(list.map((key, i) => [key, i])));
        dict.set('fresh key', -1);
        assert.equal(dict.get('fresh key'), -1);
      }),
      { numRuns: 300 },
    );
  });

  it('indexes a bulk-appended run at once, and finds a repeated key in it', () => {
    fc.assert(
      fc.property(
        fc.array(keys, { maxLength: 40 }),
        fc.array(keys, { maxLength: 400 }),
        (before, run) => {
          const dict = new IndexedDict<number>();
          const model = new Map<string, number>();
          before.forEach((key, i) => {
            dict.set(key, i);
            model.set(key, i);
          });
          const start = dict.size;
          let repeated = false;
          run.forEach((key, i) => {
            repeated ||= model.has(key);
            dict.appendUnindexed(key, 1000 + i);
            model.set(key, 1000 + i);
          });
          const found = dict.indexFrom(start);
          if (repeated) {
            assert.ok(found !== null && run.includes(found), `found ${found}`);
            return;
          }
          assert.equal(found, null);
          assertSame(dict, model);
          dict.set('after', -1);
          dict.delete(run[0] ?? 'after');
          assert.equal(dict.has(run[0] ?? 'after'), false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('bulk-indexes a large run in a fresh or reserved dictionary', () => {
    for (const reserve of [0, 100_000]) {
      const dict = new IndexedDict<number>(true);
      dict.reserve(reserve);
      const model = new Map<string, number>();
      for (let i = 0; i < 60_000; i++) {
        dict.appendUnindexed(`key:${i}`, i);
        model.set(`key:${i}`, i);
      }
      assert.equal(dict.indexFrom(0), null);
      assertSame(dict, model);
    }
    const dict = new IndexedDict<number>();
    for (let i = 0; i < 60_000; i++) dict.appendUnindexed(`key:${i % 59_999}`, i);
    assert.equal(dict.indexFrom(0), 'key:0');
  });

  it('clear empties it for reuse', () => {
    const dict = new IndexedDict<number>();
    for (let i = 0; i < 1000; i++) dict.set(String(i), i);
    dict.clear();
    assert.equal(dict.size, 0);
    assert.equal(dict.has('1'), false);
    dict.set('1', 1);
    assert.deepEqual([...dict.entries()], [['1', 1]]);
  });
});
