import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Stream, type StreamEntry } from '../../src/datatypes/stream.js';
import {
  compareIds,
  formatId,
  MAX_ID,
  MIN_ID,
  type StreamId,
} from '../../src/datatypes/stream-id.js';
import { StreamNode } from '../../src/datatypes/stream-node.js';
import { IdIndex } from '../../src/datatypes/stream-pel.js';
import { RaxShape } from '../../src/datatypes/stream-rax.js';

const id = (ms: number | bigint, seq: number | bigint = 0): StreamId => ({ ms, seq });

function append(stream: Stream, at: StreamId, fields: string[], maxEntries = 4): void {
  let bytes = 0;
  for (const f of fields) bytes += f.length;
  stream.append(at, fields, 0, fields.length / 2, bytes, { maxBytes: 4096, maxEntries });
}

describe('stream nodes', () => {
  it('store entries compactly and read them back, with or without the master fields', () => {
    const node = new StreamNode(id(10, 5), ['a', 'b']);
    node.append(id(10, 5), ['a', '1', 'b', '2'], 0, 2);
    node.append(id(12, 0), ['a', '', 'b', 'x'.repeat(300)], 0, 2);
    node.append(id(12, 1), ['other', '\0\xff'], 0, 1);
    node.append(id(9007199254740993n, 9007199254740993n), ['a', 'big', 'b', 'ids'], 0, 2);
    assert.deepEqual(node.entryAt(0), { id: id(10, 5), fields: ['a', '1', 'b', '2'] });
    assert.deepEqual(node.entryAt(1), { id: id(12, 0), fields: ['a', '', 'b', 'x'.repeat(300)] });
    assert.deepEqual(node.entryAt(2), { id: id(12, 1), fields: ['other', '\0\xff'] });
    assert.deepEqual(node.entryAt(3).id, id(9007199254740993n, 9007199254740993n));
    assert.equal(node.lowerBound(id(12, 1)), 2);
    assert.equal(node.lowerBound(id(13)), 3);
    node.markDeleted(1);
    assert.equal(node.isDeleted(1), true);
    assert.deepEqual([node.live, node.deleted], [3, 1]);
    node.compact();
    assert.deepEqual(node.clone().entryAt(2), node.entryAt(2));
  });

  it('know their first live entry whatever order entries are deleted in', () => {
    const node = new StreamNode(id(1), ['f']);
    for (let ms = 1; ms <= 4; ms++) node.append(id(ms), ['f', 'v'], 0, 1);
    assert.equal(node.firstLive, 0);
    node.markDeleted(2);
    assert.equal(node.firstLive, 0);
    node.markDeleted(0);
    assert.equal(node.firstLive, 1);
    node.markDeleted(1);
    assert.equal(node.firstLive, 3);
    assert.equal(node.clone().firstLive, 3);
    node.markDeleted(3);
    assert.equal(node.firstLive, node.size);
  });

  it("count Redis's listpack bytes: header, master entry and each entry", () => {
    const node = new StreamNode(id(1), ['f']);
    // 7 (empty listpack) + count 2 + deleted 2 + field count 2 + "f" 3 + terminator 2.
    assert.equal(node.lpBytes, 18);
    node.append(id(1), ['f', 'v'.repeat(100)], 0, 1);
    // flags 2 + ms delta 2 + seq delta 2 + 100-byte string 103 + lp-count 2.
    assert.equal(node.lpBytes, 18 + 111);
    node.append(id(2), ['f', '12345'], 0, 1);
    // 12345 is stored as a 16-bit integer: 3 bytes + 1 back-length byte.
    assert.equal(node.lpBytes, 18 + 111 + 2 + 2 + 2 + 4 + 2);
  });
});

/** A naive model: live entries in an array. */
class Model {
  entries: StreamEntry[] = [];
  range(start: StreamId, end: StreamId, count: number, reverse: boolean): StreamEntry[] {
    const inRange = this.entries.filter(
      (e) => compareIds(e.id, start) >= 0 && compareIds(e.id, end) <= 0,
    );
    if (reverse) inRange.reverse();
    return count === 0 ? inRange : inRange.slice(0, count);
  }
}

/** The model's newest entry's value lengths plus one each, as a node stores them. */
function newestValueBytes(model: Model): number {
  const fields = model.entries.at(-1)?.fields ?? [];
  let bytes = 0;
  for (let i = 1; i < fields.length; i += 2) bytes += fields[i].length + 1;
  return bytes;
}

describe('streams against a naive model', () => {
  const op = fc.oneof(
    fc.record({
      kind: fc.constant('add' as const),
      gap: fc.integer({ min: 0, max: 3 }),
      fields: fc.integer({ min: 1, max: 3 }),
    }),
    fc.record({ kind: fc.constant('del' as const), at: fc.nat(60) }),
    fc.record({ kind: fc.constant('trim' as const), keep: fc.nat(30), approx: fc.boolean() }),
    fc.record({ kind: fc.constant('minid' as const), at: fc.nat(60), approx: fc.boolean() }),
  );

  it('appends, deletions and trims keep every range query as the model says', () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 80 }),
        fc.integer({ min: 1, max: 5 }),
        (ops, maxEntries) => {
          const stream = new Stream();
          const model = new Model();
          let ms = 0;
          for (const o of ops) {
            if (o.kind === 'add') {
              ms += o.gap;
              const at = stream.autoId(ms)!;
              const fields = Array.from({ length: o.fields * 2 }, (_, i) =>
                i % 2 ? `v${ms}` : `f${i}`,
              );
              append(stream, at, fields, maxEntries);
              model.entries.push({ id: at, fields });
            } else if (o.kind === 'del') {
              const victim = model.entries[o.at % Math.max(1, model.entries.length)];
              if (victim === undefined) continue;
              assert.equal(stream.delete([victim.id, victim.id]), 1);
              model.entries = model.entries.filter((e) => e !== victim);
            } else if (o.kind === 'trim') {
              const removed = stream.trim({ maxLen: o.keep, approx: o.approx, limit: 0 });
              if (!o.approx) assert.equal(stream.length, Math.min(model.entries.length, o.keep));
              model.entries = model.entries.slice(removed);
            } else {
              const minId = id(o.at, 0);
              const removed = stream.trim({ minId, approx: o.approx, limit: 0 });
              model.entries = model.entries.slice(removed);
              if (!o.approx) assert.ok(model.entries.every((e) => compareIds(e.id, minId) >= 0));
            }
            assert.equal(stream.length, model.entries.length);
            assert.deepEqual(stream.range(MIN_ID, MAX_ID, 0), model.entries);
            assert.equal(stream.newestEntryValueBytes(), newestValueBytes(model));
          }
          for (const [start, end] of [
            [id(2), id(7)],
            [id(0, 1), id(3, 5)],
            [id(5), id(5)],
          ]) {
            for (const count of [0, 1, 3]) {
              for (const reverse of [false, true]) {
                assert.deepEqual(
                  stream.range(start, end, count, reverse),
                  model.range(start, end, count, reverse),
                );
              }
            }
          }
          const first = model.entries[0]?.id ?? MIN_ID;
          assert.equal(formatId(stream.firstId), formatId(first));
          assert.equal(
            formatId(stream.lastValidId()),
            formatId(model.entries.at(-1)?.id ?? MIN_ID),
          );
          assert.deepEqual(stream.clone().range(MIN_ID, MAX_ID, 0), model.entries);
          assert.equal(stream.clone().newestEntryValueBytes(), newestValueBytes(model));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the radix tree shape model', () => {
  it('counts the nodes a canonical radix tree over the keys has, whatever the order of changes', () => {
    const key = fc.tuple(
      fc.constantFrom(0, 1, 255, 256, 65536, 2 ** 40),
      fc.integer({ min: 0, max: 300 }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), key), { maxLength: 60 }), (changes) => {
        const rax = new RaxShape();
        const present = new Map<string, StreamId>();
        for (const [insert, [ms, seq]] of changes) {
          const k = id(ms, seq);
          if (insert) {
            rax.insert(k);
            present.set(formatId(k), k);
          } else if (present.delete(formatId(k))) {
            rax.remove(k);
          }
          assert.equal(rax.keys, present.size);
          // Removals recompress, so the tree is the canonical one of the keys it holds.
          const fresh = new RaxShape();
          for (const p of [...present.values()].sort(compareIds)) fresh.insert(p);
          if (!insert) assert.equal(rax.nodes, fresh.nodes);
        }
      }),
    );
  });
});

describe('pending entries index', () => {
  it('keeps items in ID order through inserts, lookups and deletions', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat(2000)), { maxLength: 1500 }), (ops) => {
        const index = new IdIndex<{ id: StreamId }>();
        const model = new Set<number>();
        for (const [insert, n] of ops) {
          if (insert) assert.equal(index.insert({ id: id(n) }), !model.has(n));
          else assert.equal(index.delete(id(n)) !== undefined, model.has(n));
          if (insert) model.add(n);
          else model.delete(n);
        }
        const sorted = [...model].sort((a, b) => a - b);
        assert.deepEqual(
          [...index].map((e) => e.id.ms),
          sorted,
        );
        assert.equal(index.size, sorted.length);
        assert.equal(index.first()?.id.ms, sorted[0]);
        assert.equal(index.last()?.id.ms, sorted.at(-1));
        const from = sorted.filter((n) => n >= 700);
        assert.deepEqual(
          [...index.from(id(700))].map((e) => e.id.ms),
          from,
        );
        assert.equal(index.ceiling(id(700))?.id.ms, from[0]);
      }),
      { numRuns: 60 },
    );
  });
});
