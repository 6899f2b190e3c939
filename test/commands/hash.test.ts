import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HashValue } from '../../src/datatypes/hash.js';
import { strings, useHarness } from '../helpers/in-process.js';

const harness = useHarness();

describe('hash commands propagation', () => {
  it('writes propagate as themselves, HINCRBYFLOAT as HSET of its result', async () => {
    const h = await harness();
    await h.call('HSET', 'h', 'a', '1');
    h.propagated.length = 0;
    assert.deepEqual(
      await h.propagationOf(['HDEL', 'h', 'zz'], ['HSETNX', 'h', 'a', '2'], ['HDEL', 'none', 'a']),
      [],
    );
    assert.deepEqual(
      await h.propagationOf(
        ['HSET', 'h', 'b', '2'],
        ['HMSET', 'h', 'c', '3'],
        ['HSETNX', 'h', 'd', '4'],
        ['HINCRBY', 'h', 'a', '10'],
        ['HINCRBYFLOAT', 'h', 'f', '0.1'],
        ['HINCRBYFLOAT', 'h', 'f', '1e2'],
        ['HDEL', 'h', 'a', 'b'],
      ),
      [
        '0:HSET h b 2',
        '0:HMSET h c 3',
        '0:HSETNX h d 4',
        '0:HINCRBY h a 10',
        '0:HSET h f 0.1',
        '0:HSET h f 100.1',
        '0:HDEL h a b',
      ],
    );
  });
});

describe('hash commands keyspace events', () => {
  it('name the operation, then del when the hash went', async () => {
    const h = await harness();
    assert.deepEqual(
      await h.eventsOf(
        ['HSET', 'h', 'a', '1', 'b', '2'],
        ['HMSET', 'h', 'c', '3'],
        ['HSETNX', 'h', 'd', '4'],
        ['HSETNX', 'h', 'd', '5'],
        ['HINCRBY', 'h', 'n', '1'],
        ['HINCRBYFLOAT', 'h', 'n', '1.5'],
        ['HDEL', 'h', 'nothere'],
        ['HDEL', 'h', 'a', 'b', 'c'],
        ['HDEL', 'h', 'd', 'n'],
      ),
      [
        'h:hset:h@0',
        'h:hset:h@0',
        'h:hset:h@0',
        'h:hincrby:h@0',
        'h:hincrbyfloat:h@0',
        'h:hdel:h@0',
        'h:hdel:h@0',
        'g:del:h@0',
      ],
    );
  });
});

describe('hash storage', () => {
  it('CONFIG SET of the listpack limits applies at the next write', async () => {
    const h = await harness();
    await h.call('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
    assert.equal(await h.call('OBJECT', 'ENCODING', 'h'), '$8\r\nlistpack\r\n');
    await h.call('CONFIG', 'SET', 'hash-max-ziplist-entries', '2');
    assert.equal(await h.call('OBJECT', 'ENCODING', 'h'), '$8\r\nlistpack\r\n');
    await h.call('HGET', 'h', 'a');
    assert.equal(await h.call('OBJECT', 'ENCODING', 'h'), '$8\r\nlistpack\r\n');
    await h.call('HSET', 'h', 'a', '9');
    assert.equal(await h.call('OBJECT', 'ENCODING', 'h'), '$9\r\nhashtable\r\n');
    await h.call('CONFIG', 'SET', 'hash-max-listpack-value', '2');
    await h.call('HSET', 'i', 'ab', 'cd');
    assert.equal(await h.call('OBJECT', 'ENCODING', 'i'), '$8\r\nlistpack\r\n');
    await h.call('HSET', 'j', 'abc', 'd');
    assert.equal(await h.call('OBJECT', 'ENCODING', 'j'), '$9\r\nhashtable\r\n');
  });

  it('COPY makes an independent hash in either encoding', async () => {
    const h = await harness();
    for (const [key, size] of [
      ['small', 3],
      ['large', 600],
    ] as const) {
      await h.call(
        'HSET',
        key,
        ...Array.from({ length: size }, (_, i) => [`f${i}`, `v${i}`]).flat(),
      );
      await h.call('COPY', key, `${key}-copy`);
      await h.call('HSET', `${key}-copy`, 'f0', 'changed', 'new', '1');
      await h.call('HDEL', `${key}-copy`, 'f1');
      assert.deepEqual(strings(await h.value('HMGET', key, 'f0', 'f1')), ['v0', 'v1']);
      assert.equal(await h.call('HLEN', key), `:${size}\r\n`);
      assert.equal(await h.call('HGET', `${key}-copy`, 'f0'), '$7\r\nchanged\r\n');
      assert.equal(
        await h.call('OBJECT', 'ENCODING', `${key}-copy`),
        await h.call('OBJECT', 'ENCODING', key),
      );
    }
    assert.ok(h.server.keyspace.dbs[0].dict.get('small') instanceof HashValue);
  });

  it('HRANDFIELD draws from the server random source', async () => {
    const h = await harness({ random: () => 0 });
    await h.call('HSET', 'h', 'first', '1', 'second', '2', 'third', '3');
    assert.equal(await h.call('HRANDFIELD', 'h'), '$5\r\nfirst\r\n');
    assert.deepEqual(strings(await h.value('HRANDFIELD', 'h', '-3')), ['first', 'first', 'first']);
    assert.deepEqual(strings(await h.value('HRANDFIELD', 'h', '2', 'WITHVALUES')), [
      'first',
      '1',
      'second',
      '2',
    ]);
  });
});
