import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useHarness } from '../helpers/in-process.js';
import type { CollectionValue } from '../../src/keyspace/values.js';

const harness = useHarness();

/** A stand-in collection value, for WRONGTYPE checks that need a key of another type. */
const aList: CollectionValue = {
  type: 'list',
  encoding: 'listpack',
  clone: () => aList,
};

describe('HyperLogLog commands in process', () => {
  it('PFADD propagates as sent and raises a pfadd event only when a register changed', async () => {
    const h = await harness();
    assert.deepEqual(await h.propagationOf(['PFADD', 'h', 'a', 'b']), ['0:PFADD h a b']);
    assert.deepEqual(await h.propagationOf(['PFADD', 'h', 'a']), []);
    h.events.splice(0);
    assert.deepEqual(await h.eventsOf(['PFADD', 'h', 'c'], ['PFADD', 'h', 'c']), ['$:pfadd:h@0']);
  });

  it('PFADD counts every changed register in the dirty counter, as Redis does', async () => {
    const h = await harness();
    const before = h.server.keyspace.dirty;
    await h.call('PFADD', 'h', 'a', 'b', 'c');
    // The new key, and three registers.
    assert.equal(h.server.keyspace.dirty - before, 4);
  });

  it('PFCOUNT of one key stores the estimate and propagates, without an event', async () => {
    const h = await harness();
    await h.call('PFADD', 'h', 'a', 'b', 'c');
    h.propagated.splice(0);
    h.events.splice(0);
    assert.deepEqual(await h.propagationOf(['PFCOUNT', 'h']), ['0:PFCOUNT h']);
    // Now the cache is valid: nothing to store, nothing to propagate.
    assert.deepEqual(await h.propagationOf(['PFCOUNT', 'h'], ['PFCOUNT', 'h', 'h']), []);
    assert.deepEqual(h.events, []);
  });

  it('PFMERGE propagates and reports a pfadd event on the destination', async () => {
    const h = await harness();
    await h.call('PFADD', 'src', 'a');
    await h.call('PFMERGE', 'dst', 'src');
    h.propagated.splice(0);
    h.events.splice(0);
    assert.deepEqual(await h.propagationOf(['PFMERGE', 'dst', 'src']), ['0:PFMERGE dst src']);
    assert.deepEqual(h.events, ['$:pfadd:dst@0']);
  });

  it('PFDEBUG TODENSE and GETREG propagate only when they convert', async () => {
    const h = await harness();
    await h.call('PFADD', 'h', 'a');
    await h.call('PFADD', 'g', 'a');
    h.propagated.splice(0);
    h.events.splice(0);
    assert.deepEqual(
      await h.propagationOf(
        ['PFDEBUG', 'TODENSE', 'h'],
        ['PFDEBUG', 'TODENSE', 'h'],
        ['PFDEBUG', 'GETREG', 'g'],
        ['PFDEBUG', 'GETREG', 'g'],
        ['PFDEBUG', 'ENCODING', 'g'],
      ),
      ['0:PFDEBUG TODENSE h', '0:PFDEBUG GETREG g'],
    );
    assert.deepEqual(h.events, []);
  });

  it('refuses keys of other types with the plain WRONGTYPE error', async () => {
    const h = await harness();
    h.server.keyspace.setKey(h.server.keyspace.dbs[0], 'list', aList);
    const wrongType = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';
    for (const command of [
      ['PFADD', 'list', 'a'],
      ['PFCOUNT', 'list'],
      ['PFCOUNT', 'missing', 'list'],
      ['PFMERGE', 'dst', 'list'],
      ['PFMERGE', 'list', 'missing'],
      ['PFDEBUG', 'GETREG', 'list'],
    ]) {
      assert.equal(await h.call(...command), wrongType, command.join(' '));
    }
    assert.equal(await h.call('EXISTS', 'dst'), ':0\r\n');
  });

  it('PFCOUNT keeps the key’s TTL while it rewrites the cached cardinality', async () => {
    const h = await harness();
    await h.call('PFADD', 'h', 'a');
    await h.call('EXPIRE', 'h', '100');
    assert.equal(await h.call('PFCOUNT', 'h'), ':1\r\n');
    assert.equal(await h.call('TTL', 'h'), ':100\r\n');
    h.clock.advance(101_000);
    assert.equal(await h.call('PFCOUNT', 'h'), ':0\r\n');
  });
});
