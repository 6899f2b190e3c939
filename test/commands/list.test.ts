import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ListValue } from '../../src/datatypes/list.js';
import { strings, useHarness } from '../helpers/in-process.js';

const harness = useHarness();

describe('list commands propagation', () => {
  it('writes propagate as themselves, and no-ops not at all', async () => {
    const h = await harness();
    await h.call('RPUSH', 'l', 'a', 'b', 'c');
    h.propagated.length = 0;
    assert.deepEqual(
      await h.propagationOf(
        ['LPUSHX', 'none', 'a'],
        ['LPOP', 'none'],
        ['LPOP', 'l', '0'],
        ['LINSERT', 'l', 'BEFORE', 'nothere', 'x'],
        ['LREM', 'l', '0', 'nothere'],
        ['LTRIM', 'l', '0', '-1'],
        ['LMOVE', 'none', 'l', 'LEFT', 'LEFT'],
        ['LMPOP', '1', 'none', 'LEFT'],
        ['LSET', 'l', '9', 'x'],
      ),
      [],
    );
    assert.deepEqual(
      await h.propagationOf(
        ['LPUSH', 'l', 'z'],
        ['RPOP', 'l', '2'],
        ['LSET', 'l', '0', 'y'],
        ['LTRIM', 'l', '0', '0'],
        ['RPOPLPUSH', 'l', 'm'],
        ['LMOVE', 'm', 'n', 'RIGHT', 'LEFT'],
      ),
      [
        '0:LPUSH l z',
        '0:RPOP l 2',
        '0:LSET l 0 y',
        '0:LTRIM l 0 0',
        '0:RPOPLPUSH l m',
        '0:LMOVE m n RIGHT LEFT',
      ],
    );
  });

  it('LMPOP and blocking commands served at once propagate as the plain pop or move', async () => {
    const h = await harness();
    await h.call('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', 'f', 'g');
    h.propagated.length = 0;
    assert.deepEqual(
      await h.propagationOf(
        ['LMPOP', '2', 'none', 'l', 'RIGHT', 'COUNT', '2'],
        ['BLPOP', 'none', 'l', '0'],
        ['BRPOP', 'l', '0'],
        ['BLMPOP', '0', '1', 'l', 'LEFT', 'COUNT', '9'],
        ['RPUSH', 'l', 'x', 'y'],
        ['BLMOVE', 'l', 'm', 'LEFT', 'RIGHT', '0'],
        ['BRPOPLPUSH', 'l', 'm', '0'],
      ),
      [
        '0:RPOP l 2',
        '0:LPOP l',
        '0:RPOP l',
        '0:LPOP l 3',
        '0:RPUSH l x y',
        '0:LMOVE l m LEFT RIGHT',
        '0:RPOPLPUSH l m',
      ],
    );
  });
});

describe('list commands keyspace events', () => {
  it('name the operation, then del when the list went', async () => {
    const h = await harness();
    assert.deepEqual(
      await h.eventsOf(
        ['RPUSH', 'l', 'a', 'b', 'c', 'd'],
        ['LPUSH', 'l', 'z'],
        ['LSET', 'l', '0', 'y'],
        ['LINSERT', 'l', 'AFTER', 'y', 'x'],
        ['LREM', 'l', '1', 'x'],
        ['LTRIM', 'l', '0', '-1'],
        ['LPOP', 'l'],
        ['RPOP', 'l', '3'],
        ['LMOVE', 'l', 'm', 'LEFT', 'RIGHT'],
      ),
      [
        'l:rpush:l@0',
        'l:lpush:l@0',
        'l:lset:l@0',
        'l:linsert:l@0',
        'l:lrem:l@0',
        'l:ltrim:l@0',
        'l:lpop:l@0',
        'l:rpop:l@0',
        'l:rpush:m@0',
        'l:lpop:l@0',
        'g:del:l@0',
      ],
    );
    assert.deepEqual(await h.eventsOf(['RPUSH', 't', 'a', 'b'], ['LTRIM', 't', '5', '9']), [
      'l:rpush:t@0',
      'l:ltrim:t@0',
      'g:del:t@0',
    ]);
    assert.deepEqual(await h.eventsOf(['RPUSH', 'r', 'a'], ['LREM', 'r', '0', 'a']), [
      'l:rpush:r@0',
      'l:lrem:r@0',
      'g:del:r@0',
    ]);
  });
});

describe('list storage', () => {
  it('every list is a quicklist, whatever list-max-listpack-size says', async () => {
    const h = await harness();
    await h.call('CONFIG', 'SET', 'list-max-listpack-size', '1');
    await h.call('RPUSH', 'small', 'a');
    await h.call('RPUSH', 'large', ...Array.from({ length: 1000 }, (_, i) => `e${i}`));
    assert.equal(await h.call('OBJECT', 'ENCODING', 'small'), '$9\r\nquicklist\r\n');
    assert.equal(await h.call('OBJECT', 'ENCODING', 'large'), '$9\r\nquicklist\r\n');
    assert.ok(h.server.keyspace.dbs[0].dict.get('large') instanceof ListValue);
  });

  it('COPY makes an independent list', async () => {
    const h = await harness();
    await h.call('RPUSH', 'l', 'a', 'b');
    await h.call('COPY', 'l', 'c');
    await h.call('RPUSH', 'l', 'x');
    await h.call('LSET', 'c', '0', 'z');
    assert.deepEqual(strings(await h.value('LRANGE', 'l', '0', '-1')), ['a', 'b', 'x']);
    assert.deepEqual(strings(await h.value('LRANGE', 'c', '0', '-1')), ['z', 'b']);
  });

  it('a pop of a list with a TTL keeps it, and the last pop removes the key and its TTL', async () => {
    const h = await harness();
    await h.call('RPUSH', 'l', 'a', 'b');
    await h.call('PEXPIRE', 'l', '5000');
    await h.call('LPOP', 'l');
    assert.equal(await h.call('PTTL', 'l'), ':5000\r\n');
    await h.call('LPOP', 'l');
    await h.call('RPUSH', 'l', 'c');
    assert.equal(await h.call('PTTL', 'l'), ':-1\r\n');
    h.clock.advance(6000);
    assert.equal(await h.call('LLEN', 'l'), ':1\r\n');
  });
});
