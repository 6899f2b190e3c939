import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SetValue } from '../../src/datatypes/set.js';
import { strings, useHarness } from '../helpers/in-process.js';

const harness = useHarness();

/** A deterministic random source (a linear congruential generator). */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('set commands propagation', () => {
  it('writes propagate as themselves, and no-ops not at all', async () => {
    const h = await harness();
    await h.call('SADD', 's', 'a', 'b', '1');
    h.propagated.length = 0;
    assert.deepEqual(
      await h.propagationOf(
        ['SADD', 's', 'a'],
        ['SREM', 's', 'zz'],
        ['SREM', 'none', 'a'],
        ['SMOVE', 's', 't', 'zz'],
        ['SMOVE', 's', 's', 'a'],
        ['SPOP', 'none'],
        ['SPOP', 's', '0'],
        ['SINTERSTORE', 'none2', 'none'],
      ),
      [],
    );
    assert.deepEqual(
      await h.propagationOf(
        ['SADD', 's', 'c'],
        ['SREM', 's', 'c', 'zz'],
        ['SMOVE', 's', 't', 'a'],
        ['SUNIONSTORE', 'u', 's', 't'],
        ['SINTERSTORE', 'u', 's', 'none'],
      ),
      [
        '0:SADD s c',
        '0:SREM s c zz',
        '0:SMOVE s t a',
        '0:SUNIONSTORE u s t',
        '0:SINTERSTORE u s none',
      ],
    );
  });

  it('SPOP propagates the members it took as SREM, and a whole set as DEL or UNLINK', async () => {
    const h = await harness();
    await h.call('SADD', 's', ...Array.from({ length: 20 }, (_, i) => `m${i}`));
    h.propagated.length = 0;
    const one = await h.value('SPOP', 's');
    assert.ok(one.kind === 'bulk');
    const few = strings(await h.value('SPOP', 's', '2'));
    const many = strings(await h.value('SPOP', 's', '15'));
    assert.deepEqual(h.propagated, [
      `0:SREM s ${one.text}`,
      `0:SREM s ${few.join(' ')}`,
      `0:SREM s ${many.join(' ')}`,
    ]);
    h.propagated.length = 0;
    assert.deepEqual(await h.propagationOf(['SPOP', 's', '5']), ['0:DEL s']);
    await h.call('SADD', 'big', ...Array.from({ length: 3000 }, (_, i) => `m${i}`));
    h.propagated.length = 0;
    const popped = strings(await h.value('SPOP', 'big', '2500'));
    assert.deepEqual(h.propagated, [
      '0:MULTI',
      `0:SREM big ${popped.slice(0, 1024).join(' ')}`,
      `0:SREM big ${popped.slice(1024, 2048).join(' ')}`,
      `0:SREM big ${popped.slice(2048).join(' ')}`,
      '0:EXEC',
    ]);
    await h.call('CONFIG', 'SET', 'lazyfree-lazy-server-del', 'yes');
    await h.call('SADD', 's', 'x');
    h.propagated.length = 0;
    assert.deepEqual(await h.propagationOf(['SPOP', 's', '1']), ['0:UNLINK s']);
  });
});

describe('set commands randomness', () => {
  it('SPOP and SRANDMEMBER draw from the server random source', async () => {
    const replies: string[][] = [];
    for (let run = 0; run < 2; run++) {
      const h = await harness({ random: seeded(42) });
      await h.call('SADD', 's', ...Array.from({ length: 50 }, (_, i) => `m${i}`));
      replies.push([
        await h.call('SRANDMEMBER', 's'),
        await h.call('SRANDMEMBER', 's', '5'),
        await h.call('SRANDMEMBER', 's', '-5'),
        await h.call('SRANDMEMBER', 's', '40'),
        await h.call('SPOP', 's', '3'),
        await h.call('SPOP', 's', '30'),
      ]);
    }
    assert.deepEqual(replies[0], replies[1]);
  });

  it('every member comes up under SRANDMEMBER', async () => {
    const h = await harness();
    await h.call('SADD', 's', 'a', 'b', 'c', '1', '2');
    const seen = new Set(strings(await h.value('SRANDMEMBER', 's', '-500')));
    assert.deepEqual([...seen].sort(), ['1', '2', 'a', 'b', 'c']);
  });
});

describe('set commands storage', () => {
  it('keeps sets as SetValue in the keyspace, with the encoding OBJECT ENCODING reports', async () => {
    const h = await harness({ config: { 'set-max-intset-entries': '2' } });
    await h.call('SADD', 'i', '1', '2');
    await h.call('SADD', 'h', '1', '2', '3');
    const dict = h.server.keyspace.dbs[0].dict;
    assert.ok(dict.get('i') instanceof SetValue);
    assert.equal((dict.get('i') as SetValue).encoding, 'intset');
    assert.equal((dict.get('h') as SetValue).encoding, 'hashtable');
  });

  it('a set keeps its TTL through writes, and loses it with the key when emptied', async () => {
    const h = await harness();
    await h.call('SADD', 's', 'a', 'b');
    await h.call('PEXPIRE', 's', '5000');
    await h.call('SREM', 's', 'a');
    assert.equal(await h.call('PTTL', 's'), ':5000\r\n');
    await h.call('SPOP', 's');
    await h.call('SADD', 's', 'c');
    assert.equal(await h.call('PTTL', 's'), ':-1\r\n');
    await h.call('PEXPIRE', 's', '1000');
    h.clock.advance(1001);
    assert.equal(await h.call('SCARD', 's'), ':0\r\n');
  });

  it('SSCAN returns every member present for the whole scan, though others come and go', async () => {
    const h = await harness();
    const stable = Array.from({ length: 200 }, (_, i) => `stable${i}`);
    await h.call('SADD', 's', ...stable);
    const seen = new Set<string>();
    let cursor = '0';
    let round = 0;
    do {
      const reply = await h.value('SSCAN', 's', cursor, 'COUNT', '10');
      assert.ok(reply.kind === 'array');
      const [next, found] = reply.items;
      assert.ok(next.kind === 'bulk');
      cursor = next.text;
      for (const member of strings(found)) seen.add(member);
      // Churn between the calls: new members, and some of them deleted again.
      await h.call('SADD', 's', `new${round}a`, `new${round}b`);
      await h.call('SREM', 's', `new${round - 1}a`);
      round++;
    } while (cursor !== '0');
    for (const member of stable) assert.ok(seen.has(member), member);
  });
});
