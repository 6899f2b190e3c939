import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis, type RedisOptions } from 'ioredis';
import { BasicClientSideCache, createClient } from 'redis';
import { startServer, type RunningServer } from '../../src/index.js';

let kvik: RunningServer;
const closers: (() => void)[] = [];

before(async () => {
  kvik = await startServer({ port: 0 });
});

after(async () => {
  for (const close of closers) close();
  await kvik.close();
});

async function ioredis(options: RedisOptions = {}): Promise<Redis> {
  const client = new Redis({ port: kvik.port, host: '127.0.0.1', ...options });
  closers.push(() => client.disconnect());
  await client.ping();
  return client;
}

type NodeRedisOptions = Parameters<typeof createClient>[0];

async function nodeRedis(options: NodeRedisOptions = {}) {
  const client = createClient({
    socket: { port: kvik.port, host: '127.0.0.1' },
    ...options,
  });
  client.on('error', () => undefined);
  closers.push(() => client.isOpen && client.destroy());
  await client.connect();
  return client;
}

function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (condition()) resolve();
      else if (Date.now() > deadline) reject(new Error('timed out'));
      else setTimeout(check, 10);
    };
    check();
  });
}

for (const protocol of [2, 3] as const) {
  describe(`ioredis over RESP${protocol}: Pub/Sub and transactions`, () => {
    it('subscribes to channels and patterns and receives messages, binary ones included', async () => {
      const subscriber = await ioredis({ protocol });
      const publisher = await ioredis({ protocol });
      const received: string[] = [];
      subscriber.on('message', (channel: string, message: string) =>
        received.push(`${channel}:${message}`),
      );
      subscriber.on('pmessage', (pattern: string, channel: string, message: string) =>
        received.push(`${pattern}|${channel}:${message}`),
      );
      const buffers: Buffer[] = [];
      subscriber.on('messageBuffer', (_channel: Buffer, message: Buffer) => buffers.push(message));
      assert.equal(await subscriber.subscribe(`news${protocol}`, `sport${protocol}`), 2);
      assert.equal(await subscriber.psubscribe(`n*${protocol}`), 3);
      assert.equal(await publisher.publish(`news${protocol}`, 'hello'), 2);
      assert.equal(await publisher.publish(`sport${protocol}`, Buffer.from([0, 255, 13, 10])), 1);
      await waitFor(() => received.length === 3);
      assert.deepEqual(received.slice(0, 1), [`news${protocol}:hello`]);
      assert.ok(received.includes(`n*${protocol}|news${protocol}:hello`));
      assert.deepEqual(buffers.at(-1), Buffer.from([0, 255, 13, 10]));
      assert.deepEqual(await publisher.pubsub('NUMSUB', `news${protocol}`), [`news${protocol}`, 1]);
      // ioredis 6 waits for ever on UNSUBSCRIBE without channels while patterns remain (with
      // redis-server too): name them.
      assert.equal(await subscriber.unsubscribe(`news${protocol}`, `sport${protocol}`), 1);
      assert.equal(await subscriber.punsubscribe(`n*${protocol}`), 0);
      assert.equal(await publisher.publish(`news${protocol}`, 'gone'), 0);
    });

    it('MULTI/EXEC returns each reply, runtime errors included', async () => {
      const redis = await ioredis({ protocol });
      const results = await redis
        .multi()
        .set(`t${protocol}`, 'string')
        .incr(`t${protocol}`)
        .append(`t${protocol}`, '!')
        .get(`t${protocol}`)
        .exec();
      assert.ok(results !== null);
      assert.equal(results[0][1], 'OK');
      assert.ok(results[1][0] instanceof Error);
      assert.equal(results[2][1], 7);
      assert.equal(results[3][1], 'string!');
    });

    it('WATCH makes EXEC fail when another client changes the key', async () => {
      const redis = await ioredis({ protocol });
      const other = await ioredis({ protocol });
      const key = `w${protocol}`;
      await redis.set(key, '1');
      await redis.watch(key);
      await other.set(key, '2');
      assert.equal(await redis.multi().incr(key).exec(), null);
      await redis.watch(key);
      const results = await redis.multi().incr(key).exec();
      assert.deepEqual(results, [[null, 3]]);
    });

    it('a queued syntax error rejects the whole transaction with EXECABORT', async () => {
      const redis = await ioredis({ protocol });
      await assert.rejects(redis.multi().set(`a${protocol}`, '1').call('get').exec(), /EXECABORT/);
      assert.equal(await redis.get(`a${protocol}`), null);
    });
  });

  describe(`node-redis over RESP${protocol}: Pub/Sub and transactions`, () => {
    it('subscribes with a dedicated connection and receives messages', async () => {
      const client = await nodeRedis({ RESP: protocol });
      const subscriber = client.duplicate();
      subscriber.on('error', () => undefined);
      closers.push(() => subscriber.isOpen && subscriber.destroy());
      await subscriber.connect();
      const received: string[] = [];
      await subscriber.subscribe(`chan${protocol}`, (message, channel) =>
        received.push(`${channel}:${message}`),
      );
      await subscriber.pSubscribe(`ch*${protocol}`, (message, channel) =>
        received.push(`p ${channel}:${message}`),
      );
      await subscriber.sSubscribe(`shard${protocol}`, (message, channel) =>
        received.push(`s ${channel}:${message}`),
      );
      assert.equal(await client.publish(`chan${protocol}`, 'one'), 2);
      assert.equal(await client.sPublish(`shard${protocol}`, 'two'), 1);
      await waitFor(() => received.length === 3);
      assert.deepEqual(received.sort(), [
        `chan${protocol}:one`,
        `p chan${protocol}:one`,
        `s shard${protocol}:two`,
      ]);
      assert.deepEqual(await client.pubSubNumSub(`chan${protocol}`), { [`chan${protocol}`]: 1 });
      await subscriber.unsubscribe(`chan${protocol}`);
      await subscriber.pUnsubscribe();
      await subscriber.sUnsubscribe();
      assert.equal(await client.publish(`chan${protocol}`, 'gone'), 0);
    });

    it('multi().exec() and WATCH with another client writing', async () => {
      const client = await nodeRedis({ RESP: protocol });
      const other = await nodeRedis({ RESP: protocol });
      const key = `nw${protocol}`;
      assert.deepEqual(await client.multi().set(key, '1').incr(key).get(key).exec(), [
        'OK',
        2,
        '2',
      ]);
      await client.watch(key);
      await other.set(key, 'changed');
      await assert.rejects(client.multi().incr(key).exec(), /WatchError|watch/i);
    });
  });
}

describe('node-redis client-side caching (RESP3)', () => {
  it('serves repeated reads from its cache until Kvik invalidates the key', async () => {
    const cache = new BasicClientSideCache({ ttl: 0, maxEntries: 0, evictPolicy: 'LRU' });
    const client = await nodeRedis({ RESP: 3, clientSideCache: cache });
    const writer = await nodeRedis({ RESP: 3 });
    await writer.set('cached', 'v1');
    assert.equal(await client.get('cached'), 'v1');
    assert.equal(await client.get('cached'), 'v1');
    assert.equal(cache.stats().hitCount, 1);
    await writer.set('cached', 'v2');
    await waitFor(() => cache.size() === 0);
    assert.equal(await client.get('cached'), 'v2');
    assert.equal(cache.stats().missCount, 2);
  });
});
