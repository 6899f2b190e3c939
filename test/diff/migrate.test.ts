import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useDiffServers } from '../helpers/diff.js';
import { keyState } from '../helpers/key-walk.js';
import { POPULATE } from '../helpers/populate.js';
import { RawClient } from '../helpers/raw-client.js';
import { freePort, startReference } from '../helpers/servers.js';

const env = useDiffServers();

/** A key's state with its TTL in tens of seconds, as time passes between the two reads. */
async function movedState(client: RawClient, key: string) {
  const state = await keyState(client, key);
  return { ...state, encoding: '', ttl: state.ttl < 0 ? state.ttl : Math.round(state.ttl / 10) };
}

describe('MIGRATE between Kvik and redis-server', () => {
  it('moves every type from Kvik to redis-server and from redis-server to Kvik', async () => {
    const pair = await env.pair();
    for (const command of POPULATE) await pair.kvik.call(...command);
    const keys = [...new Set(POPULATE.map((command) => String(command[1])))].filter(
      (key) => key !== 'CREATE' && key !== 'CREATECONSUMER',
    );
    const before = [];
    for (const key of keys) before.push(await movedState(pair.kvik, key));
    const toRedis = ['127.0.0.1', String(env.reference.port), '', '2', '5000', 'KEYS', ...keys];
    assert.equal(await pair.kvik.call('MIGRATE', ...toRedis), '+OK\r\n');
    assert.equal(await pair.kvik.call('DBSIZE'), ':0\r\n');
    await pair.redis.call('SELECT', '2');
    for (let i = 0; i < keys.length; i++) {
      assert.deepEqual(await movedState(pair.redis, keys[i]), before[i], keys[i]);
    }
    const toKvik = ['127.0.0.1', String(env.kvik.port), '', '0', '5000', 'KEYS', ...keys];
    assert.equal(await pair.redis.call('MIGRATE', ...toKvik), '+OK\r\n');
    assert.equal(await pair.redis.call('DBSIZE'), ':0\r\n');
    for (let i = 0; i < keys.length; i++) {
      assert.deepEqual(await movedState(pair.kvik, keys[i]), before[i], keys[i]);
    }
  });

  it('keeps the keys with COPY, and needs REPLACE for keys the target has', async () => {
    const pair = await env.pair();
    const target = ['127.0.0.1', String(env.reference.port)];
    await pair.kvik.call('SET', 'k', 'kvik');
    await pair.redis.call('SET', 'k', 'redis');
    const busy = await pair.kvik.call('MIGRATE', ...target, 'k', '0', '1000', 'COPY');
    assert.equal(
      busy,
      '-ERR Target instance replied with error: BUSYKEY Target key name already exists.\r\n',
    );
    assert.equal(
      await pair.kvik.call('MIGRATE', ...target, 'k', '0', '1000', 'COPY', 'REPLACE'),
      '+OK\r\n',
    );
    assert.equal(await pair.redis.call('GET', 'k'), '$4\r\nkvik\r\n');
    assert.equal(await pair.kvik.call('EXISTS', 'k'), ':1\r\n');
    await pair.kvik.call('SET', 't', 'v', 'PX', '100000');
    assert.equal(await pair.kvik.call('MIGRATE', ...target, 't', '0', '1000'), '+OK\r\n');
    const pttl = Number((await pair.redis.call('PTTL', 't')).slice(1, -2));
    assert.ok(pttl > 90000 && pttl <= 100000, `PTTL ${pttl}`);
  });

  it('answers NOKEY, syntax and argument errors as redis-server does', async () => {
    const pair = await env.pair();
    const target = ['127.0.0.1', String(env.reference.port)];
    await pair.sameAll([
      ['MIGRATE', ...target, 'missing', '0', '1000'],
      ['MIGRATE', ...target, '', '0', '1000', 'KEYS', 'a', 'b'],
      ['MIGRATE', ...target, 'k', '0', '1000', 'KEYS', 'a'],
      ['MIGRATE', ...target, 'k', '0', '1000', 'BOGUS'],
      ['MIGRATE', ...target, 'k', '0', '1000', 'AUTH'],
      ['MIGRATE', ...target, 'k', '0', '1000', 'AUTH2', 'user'],
      ['MIGRATE', ...target, 'k', 'x', '1000'],
      ['MIGRATE', ...target, 'k', '0', 'x'],
    ]);
  });

  it('authenticates with AUTH and AUTH2, and reports the target refusing or missing', async () => {
    const pair = await env.pair();
    const secured = await startReference(['--requirepass', 'secret']);
    try {
      const target = ['127.0.0.1', String(secured.port)];
      await pair.sameAll([['SET', 'k', 'v']]);
      await pair.same('MIGRATE', ...target, 'k', '0', '1000', 'COPY');
      await pair.same('MIGRATE', ...target, 'k', '0', '1000', 'COPY', 'AUTH', 'wrong');
      await pair.same('MIGRATE', ...target, 'k', '0', '1000', 'COPY', 'REPLACE', 'AUTH', 'secret');
      await pair.same(
        'MIGRATE',
        ...target,
        'k',
        '0',
        '1000',
        'REPLACE',
        'AUTH2',
        'default',
        'secret',
      );
      await pair.same('EXISTS', 'k');
      const check = await RawClient.connect(secured.port);
      await check.call('AUTH', 'secret');
      assert.equal(await check.call('GET', 'k'), '$1\r\nv\r\n');
      check.close();
      const closed = String(await freePort());
      await pair.sameAll([
        ['SET', 'k', 'v'],
        ['MIGRATE', '127.0.0.1', closed, 'k', '0', '1000'],
      ]);
    } finally {
      await secured.close();
    }
  });
});
