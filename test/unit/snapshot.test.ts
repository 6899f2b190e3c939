/**
 * The background snapshot's copy-on-write (persistence/snapshot.ts): whatever the keyspace does
 * between the walk's steps (sets, overwrites, deletes that move the last entry into the hole,
 * adds after deletes, expiries, FLUSHDB, SWAPDB), the walk hands out the dataset of the start
 * instant, each key once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Keyspace } from '../../src/keyspace/keyspace.js';
import type { StoredValue } from '../../src/keyspace/values.js';
import { Snapshot, type SnapshotSink } from '../../src/persistence/snapshot.js';
import { newKeyspace } from '../helpers/keyspace.js';

/** Every database's keys with their (string) values and expiries, as `db/key=value@expiry`. */
function contents(keyspace: Keyspace): string[] {
  const out: string[] = [];
  for (const db of keyspace.dbs) {
    for (const key of db.dict.keys()) {
      const value = keyspace.lookupRead(db, key, false, false) as string;
      out.push(`${db.id}/${key}=${value}@${keyspace.getExpire(db, key) ?? '-'}`);
    }
  }
  return out.sort();
}

class Collector implements SnapshotSink {
  readonly entries: string[] = [];
  private db = -1;
  beginDatabase(dbIndex: number): void {
    this.db = dbIndex;
  }
  entry(key: string, value: StoredValue, expireAt: number | undefined): void {
    this.entries.push(`${this.db}/${key}=${value as string}@${expireAt ?? '-'}`);
  }
}

const operation = fc.oneof(
  fc.record({ op: fc.constant('set' as const), key: fc.nat(3000), value: fc.nat(9) }),
  fc.record({ op: fc.constant('delete' as const), key: fc.nat(3000) }),
  fc.record({ op: fc.constant('expire' as const), key: fc.nat(3000) }),
  fc.record({ op: fc.constant('step' as const), keys: fc.integer({ min: 1, max: 1500 }) }),
  fc.record({ op: fc.constant('flush' as const) }),
  fc.record({ op: fc.constant('swap' as const) }),
);

describe('Snapshot', () => {
  it('walks the dataset of its start instant whatever the keyspace does meanwhile', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2500 }),
        fc.integer({ min: 0, max: 300 }),
        fc.array(operation, { maxLength: 300 }),
        (size0, size1, operations) => {
          const keyspace = newKeyspace(2);
          const [db0, db1] = keyspace.dbs;
          for (let i = 0; i < size0; i++) keyspace.setKey(db0, `k${i}`, `v${i}`);
          for (let i = 0; i < size1; i++) keyspace.setKey(db1, `k${i}`, `w${i}`);
          for (let i = 0; i < size0; i += 7) keyspace.setExpire(db0, `k${i}`, 2e12 + i);
          const atStart = contents(keyspace);
          const snapshot = new Snapshot(keyspace);
          const sink = new Collector();
          // Step by key count: the sink counts keys and stops the walk through a tiny budget.
          let done = false;
          for (const o of operations) {
            const db = keyspace.dbs[0];
            if (o.op === 'set') keyspace.setKey(db, `k${o.key}`, `x${o.value}`);
            else if (o.op === 'delete') keyspace.delete(db, `k${o.key}`);
            else if (o.op === 'expire') keyspace.setExpire(db, `k${o.key}`, 3e12);
            else if (o.op === 'flush') keyspace.flushDb(db);
            else if (o.op === 'swap') keyspace.swapDbs(0, 1);
            else if (!done) {
              const before = sink.entries.length;
              while (!done && sink.entries.length - before < o.keys) done = snapshot.step(sink, 0);
            }
          }
          while (!done) done = snapshot.step(sink, Infinity);
          snapshot.end();
          assert.deepEqual(sink.entries.slice().sort(), atStart);
        },
      ),
      { numRuns: 150 },
    );
  });
});
