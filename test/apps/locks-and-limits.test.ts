/**
 * redlock (v5, the maintained API) and rate-limiter-flexible's RateLimiterRedis on an in-process
 * Kvik: the scripts and options they send must behave as on Redis.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { createClient } from 'redis';
import Redlock, { ExecutionError } from 'redlock';
import { startServer, type RunningServer } from '../../src/index.js';

let kvik: RunningServer;
const closers: (() => unknown)[] = [];

before(async () => {
  kvik = await startServer({ port: 0 });
});

after(async () => {
  for (const close of closers) await close();
  await kvik.close();
});

async function ioredis(): Promise<Redis> {
  const client = new Redis({ host: '127.0.0.1', port: kvik.port });
  closers.push(() => client.disconnect());
  await client.ping();
  return client;
}

describe('redlock', () => {
  it('acquires, extends and releases a lock, which a second acquire cannot take meanwhile', async () => {
    const client = await ioredis();
    const redlock = new Redlock([client], { retryCount: 2, retryDelay: 20 });
    const lock = await redlock.acquire(['order:42'], 1_000);
    assert.equal(await client.get('order:42'), lock.value);
    const ttl = await client.pttl('order:42');
    assert.ok(ttl > 500 && ttl <= 1_000, `${ttl}`);

    await assert.rejects(redlock.acquire(['order:42'], 1_000), ExecutionError);

    const extended = await lock.extend(5_000);
    const extendedTtl = await client.pttl('order:42');
    assert.ok(extendedTtl > 4_000 && extendedTtl <= 5_000, `${extendedTtl}`);
    await extended.release();
    assert.equal(await client.exists('order:42'), 0);

    const again = await redlock.acquire(['order:42'], 1_000);
    await again.release();
  });

  it('extends nothing once the lock expired and another holder took it', async () => {
    const client = await ioredis();
    const redlock = new Redlock([client], { retryCount: 0 });
    const lock = await redlock.acquire(['report'], 50);
    await new Promise((r) => setTimeout(r, 80));
    const other = await redlock.acquire(['report'], 1_000);
    await assert.rejects(lock.extend(1_000), ExecutionError);
    assert.equal(await client.get('report'), other.value);
    await other.release();
  });

  it('runs a callback under a lock with using()', async () => {
    const client = await ioredis();
    const redlock = new Redlock([client]);
    const seen = await redlock.using(['job'], 1_000, async () => client.get('job'));
    assert.ok(seen);
    assert.equal(await client.exists('job'), 0);
  });
});

describe("rate-limiter-flexible's RateLimiterRedis", () => {
  const clients = {
    ioredis: async () => ({ storeClient: await ioredis() }),
    'node-redis': async () => {
      const client = createClient({ socket: { host: '127.0.0.1', port: kvik.port } });
      await client.connect();
      closers.push(() => client.close());
      return { storeClient: client, useRedisPackage: true };
    },
  };
  for (const [name, store] of Object.entries(clients)) {
    it(`consumes points until blocked, then allows again after the window (${name})`, async () => {
      const limiter = new RateLimiterRedis({
        ...(await store()),
        keyPrefix: `limit-${name}`,
        points: 3,
        duration: 1,
      });
      for (let used = 1; used <= 3; used++) {
        const res = await limiter.consume('ip-1');
        assert.equal(res.consumedPoints, used);
        assert.equal(res.remainingPoints, 3 - used);
      }
      const blocked = await limiter.consume('ip-1').then(
        () => assert.fail('the fourth point must be refused'),
        (rejection: unknown) => rejection,
      );
      assert.ok(blocked instanceof RateLimiterRes);
      assert.equal(blocked.remainingPoints, 0);
      assert.ok(
        blocked.msBeforeNext > 0 && blocked.msBeforeNext <= 1_000,
        `${blocked.msBeforeNext}`,
      );
      assert.equal((await limiter.get('ip-2'))?.consumedPoints, undefined);

      await new Promise((r) => setTimeout(r, blocked.msBeforeNext + 20));
      const fresh = await limiter.consume('ip-1');
      assert.equal(fresh.consumedPoints, 1);
    });
  }

  it('blocks a key for blockDuration once it exceeds its points', async () => {
    const limiter = new RateLimiterRedis({
      storeClient: await ioredis(),
      keyPrefix: 'limit-block',
      points: 1,
      duration: 1,
      blockDuration: 3,
    });
    await limiter.consume('user');
    const blocked = (await limiter.consume('user').catch((r: unknown) => r)) as RateLimiterRes;
    assert.ok(blocked.msBeforeNext > 2_000 && blocked.msBeforeNext <= 3_000);
  });
});
