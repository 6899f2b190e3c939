import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ZSetValue } from '../../src/datatypes/zset.js';
import { RawClient, encodeCommand } from '../helpers/raw-client.js';
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

describe('sorted set commands propagation', () => {
  it('writes propagate as themselves, and no-ops not at all', async () => {
    const h = await harness();
    await h.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    h.propagated.length = 0;
    assert.deepEqual(
      await h.propagationOf(
        ['ZADD', 'z', '1', 'a'],
        ['ZADD', 'z', 'NX', '5', 'a'],
        ['ZADD', 'z', 'XX', '5', 'new'],
        ['ZADD', 'z', 'GT', '0', 'a'],
        ['ZINCRBY', 'z', '0', 'a'],
        ['ZREM', 'z', 'zz'],
        ['ZREMRANGEBYSCORE', 'z', '10', '20'],
        ['ZREMRANGEBYRANK', 'none', '0', '-1'],
        ['ZPOPMIN', 'none'],
        ['ZPOPMIN', 'z', '0'],
        ['ZMPOP', '1', 'none', 'MIN'],
        ['ZUNIONSTORE', 'none2', '1', 'none'],
      ),
      [],
    );
    assert.deepEqual(
      await h.propagationOf(
        ['ZADD', 'z', 'CH', '5', 'a', '1', 'b'],
        ['ZINCRBY', 'z', '1', 'c'],
        ['ZREM', 'z', 'c', 'zz'],
        ['ZRANGESTORE', 'd', 'z', '0', '-1'],
        ['ZUNIONSTORE', 'u', '2', 'z', 'd'],
        ['ZREMRANGEBYRANK', 'u', '0', '0'],
      ),
      [
        '0:ZADD z CH 5 a 1 b',
        '0:ZINCRBY z 1 c',
        '0:ZREM z c zz',
        '0:ZRANGESTORE d z 0 -1',
        '0:ZUNIONSTORE u 2 z d',
        '0:ZREMRANGEBYRANK u 0 0',
      ],
    );
  });

  it('ZMPOP and blocking pops served at once propagate as ZPOPMIN or ZPOPMAX', async () => {
    const h = await harness();
    await h.call('ZADD', 'z', ...Array.from({ length: 10 }, (_, i) => [String(i), `m${i}`]).flat());
    h.propagated.length = 0;
    assert.deepEqual(
      await h.propagationOf(
        ['ZPOPMIN', 'z'],
        ['ZPOPMAX', 'z', '2'],
        ['ZMPOP', '2', 'none', 'z', 'MAX'],
        ['ZMPOP', '1', 'z', 'MIN', 'COUNT', '2'],
        ['BZPOPMIN', 'none', 'z', '0'],
        ['BZPOPMAX', 'z', '0'],
        ['BZMPOP', '0', '1', 'z', 'MIN', 'COUNT', '9'],
      ),
      [
        '0:ZPOPMIN z',
        '0:ZPOPMAX z 2',
        '0:ZPOPMAX z 1',
        '0:ZPOPMIN z 2',
        '0:ZPOPMIN z',
        '0:ZPOPMAX z',
        '0:ZPOPMIN z 9',
      ],
    );
  });

  it('a client served after blocking propagates its pop after the write that served it', async () => {
    const h = await harness();
    const blocked = await RawClient.connect(h.server.port);
    try {
      blocked.sendRaw(encodeCommand(['BZMPOP', '0', '2', 'a', 'b', 'MAX', 'COUNT', '2']));
      await waitBlocked(h.call, 1);
      h.propagated.length = 0;
      await h.call('ZADD', 'b', '1', 'x', '2', 'y', '3', 'z');
      assert.equal(
        await blocked.readReply(),
        '*2\r\n$1\r\nb\r\n*2\r\n*2\r\n$1\r\nz\r\n$1\r\n3\r\n*2\r\n$1\r\ny\r\n$1\r\n2\r\n',
      );
      assert.deepEqual(h.propagated, ['0:ZADD b 1 x 2 y 3 z', '0:ZPOPMAX b 2']);
    } finally {
      blocked.close();
    }
  });
});

/** Waits until INFO counts `count` blocked clients. */
async function waitBlocked(call: (...args: string[]) => Promise<string>, count: number) {
  for (let tries = 0; ; tries++) {
    if ((await call('INFO', 'clients')).includes(`blocked_clients:${count}\r\n`)) return;
    assert.ok(tries < 200, `never ${count} blocked clients`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('blocking sorted set pops on a manual clock', () => {
  it('time out when the clock passes their deadline, and not before', async () => {
    const h = await harness();
    const blocked = await RawClient.connect(h.server.port);
    try {
      blocked.sendRaw(encodeCommand(['BZPOPMIN', 'z', '10']));
      await waitBlocked(h.call, 1);
      h.clock.advance(9_000);
      await assert.rejects(blocked.readReply(100), /timed out/);
      h.clock.advance(1_001);
      assert.equal(await blocked.readReply(), '*-1\r\n');
      await waitBlocked(h.call, 0);
    } finally {
      blocked.close();
    }
  });

  it('a client that disconnects while blocked is forgotten, and the next one is served', async () => {
    const h = await harness();
    const gone = await RawClient.connect(h.server.port);
    const next = await RawClient.connect(h.server.port);
    try {
      gone.sendRaw(encodeCommand(['BZPOPMAX', 'z', '0']));
      await waitBlocked(h.call, 1);
      next.sendRaw(encodeCommand(['BZPOPMAX', 'z', '0']));
      await waitBlocked(h.call, 2);
      gone.close();
      await waitBlocked(h.call, 1);
      await h.call('ZADD', 'z', '1', 'a', '2', 'b');
      assert.equal(await next.readReply(), '*3\r\n$1\r\nz\r\n$1\r\nb\r\n$1\r\n2\r\n');
      assert.deepEqual(strings(await h.value('ZRANGE', 'z', '0', '-1')), ['a']);
    } finally {
      next.close();
    }
  });

  it('CLIENT UNBLOCK ends the wait with the timeout reply or an error', async () => {
    const h = await harness();
    const blocked = await RawClient.connect(h.server.port);
    try {
      const id = (await blocked.call('CLIENT', 'ID')).slice(1, -2);
      blocked.sendRaw(encodeCommand(['BZPOPMIN', 'z', '0']));
      await waitBlocked(h.call, 1);
      assert.equal(await h.call('CLIENT', 'UNBLOCK', id), ':1\r\n');
      assert.equal(await blocked.readReply(), '*-1\r\n');
      blocked.sendRaw(encodeCommand(['BZMPOP', '0', '1', 'z', 'MIN']));
      await waitBlocked(h.call, 1);
      assert.equal(await h.call('CLIENT', 'UNBLOCK', id, 'ERROR'), ':1\r\n');
      assert.equal(await blocked.readReply(), '-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n');
    } finally {
      blocked.close();
    }
  });
});

describe('sorted set commands randomness', () => {
  it('ZRANDMEMBER draws from the server random source, in both encodings', async () => {
    for (const entries of ['128', '0']) {
      const replies: string[][] = [];
      for (let run = 0; run < 2; run++) {
        const h = await harness({
          random: seeded(7),
          config: { 'zset-max-listpack-entries': entries },
        });
        await h.call(
          'ZADD',
          'z',
          ...Array.from({ length: 50 }, (_, i) => [String(i), `m${i}`]).flat(),
        );
        replies.push([
          await h.call('ZRANDMEMBER', 'z'),
          await h.call('ZRANDMEMBER', 'z', '5', 'WITHSCORES'),
          await h.call('ZRANDMEMBER', 'z', '-5'),
          await h.call('ZRANDMEMBER', 'z', '40'),
        ]);
      }
      assert.deepEqual(replies[0], replies[1]);
    }
  });

  it('every member comes up under ZRANDMEMBER with repetitions', async () => {
    const h = await harness();
    await h.call('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    const seen = new Set(strings(await h.value('ZRANDMEMBER', 'z', '-300')));
    assert.deepEqual([...seen].sort(), ['a', 'b', 'c']);
  });
});

describe('sorted set commands storage', () => {
  it('keeps sorted sets as ZSetValue, converting at the configured limits', async () => {
    const h = await harness({ config: { 'zset-max-listpack-entries': '2' } });
    await h.call('ZADD', 'small', '1', 'a', '2', 'b');
    await h.call('ZADD', 'large', '1', 'a', '2', 'b', '3', 'c');
    const dict = h.server.keyspace.dbs[0].dict;
    assert.ok(dict.get('small') instanceof ZSetValue);
    assert.equal((dict.get('small') as ZSetValue).encoding, 'listpack');
    assert.equal((dict.get('large') as ZSetValue).encoding, 'skiplist');
    await h.call('CONFIG', 'SET', 'zset-max-listpack-entries', '10');
    await h.call('ZADD', 'small', '3', 'c');
    assert.equal((dict.get('small') as ZSetValue).encoding, 'listpack');
  });

  it('a sorted set keeps its TTL through writes, and loses it with the key when emptied', async () => {
    const h = await harness();
    await h.call('ZADD', 'z', '1', 'a', '2', 'b');
    await h.call('PEXPIRE', 'z', '5000');
    await h.call('ZPOPMIN', 'z');
    assert.equal(await h.call('PTTL', 'z'), ':5000\r\n');
    await h.call('ZREMRANGEBYRANK', 'z', '0', '-1');
    await h.call('ZADD', 'z', '3', 'c');
    assert.equal(await h.call('PTTL', 'z'), ':-1\r\n');
    await h.call('PEXPIRE', 'z', '1000');
    h.clock.advance(1001);
    assert.equal(await h.call('ZCARD', 'z'), ':0\r\n');
  });

  it('ZSCAN returns every member present for the whole scan, though others come and go', async () => {
    const h = await harness({ config: { 'zset-max-listpack-entries': '0' } });
    const stable = Array.from({ length: 200 }, (_, i) => `stable${i}`);
    await h.call('ZADD', 'z', ...stable.flatMap((m, i) => [String(i), m]));
    const seen = new Set<string>();
    let cursor = '0';
    let round = 0;
    do {
      const reply = await h.value('ZSCAN', 'z', cursor, 'COUNT', '10');
      assert.ok(reply.kind === 'array');
      const [next, found] = reply.items;
      assert.ok(next.kind === 'bulk');
      cursor = next.text;
      strings(found).forEach((item, i) => i % 2 === 0 && seen.add(item));
      await h.call('ZADD', 'z', String(-round), `new${round}a`, String(round), `new${round}b`);
      await h.call('ZREM', 'z', `new${round - 1}a`);
      await h.call('ZINCRBY', 'z', '1000', `stable${round}`);
      round++;
    } while (cursor !== '0');
    for (const member of stable) assert.ok(seen.has(member), member);
  });

  it('a sorted set of 300k members answers ranks and ranges of its middle', async () => {
    const h = await harness();
    const members = Array.from({ length: 300_000 }, (_, i) => `m${i}`);
    const scores = members.map((_, i) => i * 2);
    const value = ZSetValue.fromEntries(members, scores, { entries: 128, value: 64 });
    h.server.keyspace.setKey(h.server.keyspace.dbs[0], 'big', value);
    assert.equal(await h.call('ZCARD', 'big'), ':300000\r\n');
    assert.equal(await h.call('ZRANK', 'big', 'm254321'), ':254321\r\n');
    assert.equal(await h.call('ZREVRANK', 'big', 'm0'), ':299999\r\n');
    assert.deepEqual(strings(await h.value('ZRANGEBYSCORE', 'big', '(1000', '1006')), [
      'm501',
      'm502',
      'm503',
    ]);
    assert.equal(await h.call('ZCOUNT', 'big', '400000', '(500000'), ':50000\r\n');
    assert.equal(await h.call('ZADD', 'big', '1001', 'between'), ':1\r\n');
    assert.equal(await h.call('ZRANK', 'big', 'between'), ':501\r\n');
    assert.equal(await h.call('ZREMRANGEBYRANK', 'big', '10', '299990'), ':299981\r\n');
    assert.equal(await h.call('ZCARD', 'big'), ':20\r\n');
  });
});
