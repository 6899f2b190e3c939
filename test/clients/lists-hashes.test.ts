import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useClientLibraries } from '../helpers/client-libraries.js';

const { ioredis, nodeRedis } = useClientLibraries();

for (const protocol of [2, 3] as const) {
  describe(`ioredis lists and hashes over RESP${protocol}`, () => {
    const key = (name: string) => `io${protocol}:${name}`;

    it('pushes, ranges, pops with counts, positions and moves', async () => {
      const redis = await ioredis(protocol);
      assert.equal(await redis.rpush(key('l'), 'a', 'b', 'c', 'd'), 4);
      assert.equal(await redis.lpush(key('l'), 'z'), 5);
      assert.deepEqual(await redis.lrange(key('l'), 0, -1), ['z', 'a', 'b', 'c', 'd']);
      assert.deepEqual(await redis.lpop(key('l'), 2), ['z', 'a']);
      assert.equal(await redis.rpop(key('l')), 'd');
      assert.equal(await redis.lpos(key('l'), 'c'), 1);
      assert.equal(await redis.lmove(key('l'), key('m'), 'LEFT', 'RIGHT'), 'b');
      assert.deepEqual(await redis.lmpop(2, key('none'), key('l'), 'LEFT'), [key('l'), ['c']]);
      assert.equal(await redis.exists(key('l')), 0);
      assert.equal(await redis.lpop(key('l')), null);
    });

    it('hashes set, read, count and scan fields', async () => {
      const redis = await ioredis(protocol);
      assert.equal(await redis.hset(key('h'), { name: 'kvik', lang: 'ts' }), 2);
      assert.deepEqual(await redis.hgetall(key('h')), { name: 'kvik', lang: 'ts' });
      assert.deepEqual(await redis.hmget(key('h'), 'name', 'none'), ['kvik', null]);
      assert.equal(await redis.hincrby(key('h'), 'n', 5), 5);
      assert.equal(await redis.hincrbyfloat(key('h'), 'f', '0.1'), '0.1');
      assert.deepEqual((await redis.hkeys(key('h'))).sort(), ['f', 'lang', 'n', 'name']);
      assert.equal(await redis.hlen(key('h')), 4);
      const [cursor, entries] = await redis.hscan(key('h'), 0, 'MATCH', 'n*');
      assert.equal(cursor, '0');
      assert.deepEqual(entries, ['name', 'kvik', 'n', '5']);
      const picked = (await redis.hrandfield(key('h'), -5)) as string[];
      assert.equal(picked.length, 5);
      assert.equal(await redis.hdel(key('h'), 'name', 'lang', 'n', 'f'), 4);
      assert.equal(await redis.exists(key('h')), 0);
    });

    it('a blocked BLPOP is served by a push from another connection', async () => {
      const [waiter, pusher] = [await ioredis(protocol), await ioredis(protocol)];
      const pending = waiter.blpop(key('q'), 5);
      while (!String(await pusher.client('LIST')).includes('cmd=blpop')) await pusher.ping();
      await pusher.rpush(key('q'), 'job');
      assert.deepEqual(await pending, [key('q'), 'job']);
      assert.equal(await waiter.brpop(key('q'), 0.05), null);
      assert.equal(await waiter.blmove(key('q'), key('r'), 'LEFT', 'LEFT', 0.05), null);
    });
  });

  describe(`node-redis lists and hashes over RESP${protocol}`, () => {
    const key = (name: string) => `nr${protocol}:${name}`;

    it('pushes, ranges, pops with counts, positions and moves', async () => {
      const client = await nodeRedis(protocol);
      assert.equal(await client.rPush(key('l'), ['a', 'b', 'c', 'd']), 4);
      assert.equal(await client.lPush(key('l'), 'z'), 5);
      assert.deepEqual(await client.lRange(key('l'), 0, -1), ['z', 'a', 'b', 'c', 'd']);
      assert.deepEqual(await client.lPopCount(key('l'), 2), ['z', 'a']);
      assert.equal(await client.rPop(key('l')), 'd');
      assert.deepEqual(await client.lPosCount(key('l'), 'c', 0), [1]);
      assert.equal(await client.lMove(key('l'), key('m'), 'LEFT', 'RIGHT'), 'b');
      assert.equal(await client.lLen(key('m')), 1);
      assert.equal(await client.lIndex(key('m'), -1), 'b');
      assert.equal(await client.lPop(key('none')), null);
    });

    it('hashes set, read, count and scan fields', async () => {
      const client = await nodeRedis(protocol);
      assert.equal(await client.hSet(key('h'), { name: 'kvik', lang: 'ts' }), 2);
      assert.deepEqual({ ...(await client.hGetAll(key('h'))) }, { name: 'kvik', lang: 'ts' });
      assert.equal(await client.hGet(key('h'), 'name'), 'kvik');
      assert.equal(await client.hIncrBy(key('h'), 'n', 5), 5);
      assert.equal(await client.hExists(key('h'), 'n'), 1);
      assert.equal(await client.hStrLen(key('h'), 'name'), 4);
      const scanned = await client.hScan(key('h'), '0');
      assert.equal(scanned.cursor, '0');
      assert.deepEqual(
        scanned.entries.map((e) => e.field),
        ['name', 'lang', 'n'],
      );
      const withValues = await client.hRandFieldCountWithValues(key('h'), 3);
      assert.deepEqual(withValues.map((e) => e.field).sort(), ['lang', 'n', 'name']);
      assert.deepEqual((await client.hVals(key('h'))).sort(), ['5', 'kvik', 'ts']);
    });

    it('a blocked BLMPOP is served by a push from another connection', async () => {
      const [waiter, pusher] = [await nodeRedis(protocol), await nodeRedis(protocol)];
      const pending = waiter.blmPop(5, [key('a'), key('b')], 'RIGHT', { COUNT: 2 });
      while (!(await pusher.clientList()).some((c) => c.cmd === 'blmpop')) await pusher.ping();
      await pusher.rPush(key('b'), ['1', '2', '3']);
      assert.deepEqual(await pending, [key('b'), ['3', '2']]);
      assert.equal(await waiter.blPop(key('none'), 0.05), null);
    });
  });
}
