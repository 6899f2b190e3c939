import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useHarness } from '../helpers/in-process.js';
import type { CollectionValue } from '../../src/keyspace/values.js';

const harness = useHarness();

/** A stand-in collection value, for WRONGTYPE checks that need a key of another type. */
const aSet: CollectionValue = { type: 'set', encoding: 'intset', clone: () => aSet };
const WRONG_TYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';

describe('bitmap commands in process', () => {
  it('SETBIT signals, notifies and propagates only when a bit flips or the string grows', async () => {
    const h = await harness();
    assert.deepEqual(await h.propagationOf(['SETBIT', 'k', '7', '1']), ['0:SETBIT k 7 1']);
    h.events.splice(0);
    const before = h.server.keyspace.dirty;
    assert.deepEqual(
      await h.propagationOf(['SETBIT', 'k', '7', '1'], ['SETBIT', 'k', '3', '0']),
      [],
    );
    assert.equal(h.server.keyspace.dirty, before);
    assert.deepEqual(await h.eventsOf(['SETBIT', 'k', '3', '1'], ['SETBIT', 'k', '8', '0']), [
      '$:setbit:k@0',
      '$:setbit:k@0',
    ]);
  });

  it('BITFIELD counts each changed field in the dirty counter and raises one setbit event', async () => {
    const h = await harness();
    await h.call('SET', 'k', '\0\0');
    h.events.splice(0);
    const before = h.server.keyspace.dirty;
    await h.call(
      'BITFIELD',
      'k',
      'SET',
      'u8',
      '0',
      '1',
      'SET',
      'u8',
      '8',
      '0',
      'INCRBY',
      'u4',
      '0',
      '2',
    );
    assert.equal(h.server.keyspace.dirty - before, 2);
    assert.deepEqual(h.events, ['$:setbit:k@0']);
    h.propagated.splice(0);
    assert.deepEqual(await h.propagationOf(['BITFIELD', 'k', 'SET', 'u8', '8', '0']), []);
  });

  it('BITFIELD with OVERFLOW FAIL on a missing key creates it without signalling', async () => {
    const h = await harness();
    assert.deepEqual(
      await h.propagationOf(['BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'SET', 'u8', '0', '999']),
      [],
    );
    assert.equal(await h.call('GET', 'k'), '$1\r\n\0\r\n');
  });

  it('BITOP raises set on the destination, or del when it deletes it', async () => {
    const h = await harness();
    await h.call('SET', 'a', 'x');
    h.events.splice(0);
    assert.deepEqual(await h.eventsOf(['BITOP', 'OR', 'd', 'a']), ['$:set:d@0']);
    assert.deepEqual(await h.eventsOf(['BITOP', 'OR', 'd', 'missing']), ['g:del:d@0']);
    h.propagated.splice(0);
    assert.deepEqual(await h.propagationOf(['BITOP', 'OR', 'd', 'missing']), []);
  });

  it('every bitmap command refuses keys of other types', async () => {
    const h = await harness();
    h.server.keyspace.setKey(h.server.keyspace.dbs[0], 's', aSet);
    for (const command of [
      ['SETBIT', 's', '0', '1'],
      ['GETBIT', 's', '0'],
      ['BITCOUNT', 's'],
      ['BITPOS', 's', '1'],
      ['BITOP', 'AND', 'd', 'missing', 's'],
      ['BITOP', 'NOT', 'd', 's'],
      ['BITFIELD', 's', 'GET', 'u8', '0'],
      ['BITFIELD', 's', 'SET', 'u8', '0', '1'],
      ['BITFIELD_RO', 's', 'GET', 'u8', '0'],
    ]) {
      assert.equal(await h.call(...command), WRONG_TYPE, command.join(' '));
    }
    assert.equal(await h.call('EXISTS', 'd'), ':0\r\n');
  });

  it('a BITOP destination is overwritten whatever its type', async () => {
    const h = await harness();
    h.server.keyspace.setKey(h.server.keyspace.dbs[0], 's', aSet);
    await h.call('SET', 'a', 'x');
    assert.equal(await h.call('BITOP', 'NOT', 's', 'a'), ':1\r\n');
    assert.equal(await h.call('TYPE', 's'), '+string\r\n');
  });

  it('bit offsets follow proto-max-bulk-len', async () => {
    const h = await harness({ config: { 'proto-max-bulk-len': '1048576' } });
    const error = '-ERR bit offset is not an integer or out of range\r\n';
    assert.equal(await h.call('SETBIT', 'k', String(8 * 1048576), '1'), error);
    assert.equal(await h.call('SETBIT', 'k', String(8 * 1048576 - 1), '1'), ':0\r\n');
    await h.call('CONFIG', 'SET', 'proto-max-bulk-len', '2097152');
    assert.equal(await h.call('GETBIT', 'k', String(8 * 1048576)), ':0\r\n');
  });
});
