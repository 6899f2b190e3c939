import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useClientLibraries } from '../helpers/client-libraries.js';

const { ioredis, nodeRedis } = useClientLibraries();

for (const protocol of [2, 3] as const) {
  describe(`ioredis sets and sorted sets over RESP${protocol}`, () => {
    const key = (name: string) => `io${protocol}:${name}`;

    it('sets add, test, combine, pop and scan members', async () => {
      const redis = await ioredis(protocol);
      assert.equal(await redis.sadd(key('s'), 'a', 'b', 'c', 'a'), 3);
      assert.equal(await redis.sadd(key('t'), 'b', 'c', 'd'), 3);
      assert.equal(await redis.sismember(key('s'), 'a'), 1);
      assert.deepEqual(await redis.smismember(key('s'), 'a', 'x'), [1, 0]);
      assert.deepEqual((await redis.sinter(key('s'), key('t'))).sort(), ['b', 'c']);
      assert.deepEqual((await redis.sunion(key('s'), key('t'))).sort(), ['a', 'b', 'c', 'd']);
      assert.deepEqual(await redis.sdiff(key('s'), key('t')), ['a']);
      assert.equal(await redis.sintercard(2, key('s'), key('t')), 2);
      assert.equal(await redis.sdiffstore(key('d'), key('t'), key('s')), 1);
      assert.equal(await redis.smove(key('s'), key('t'), 'a'), 1);
      assert.deepEqual((await redis.smembers(key('t'))).sort(), ['a', 'b', 'c', 'd']);
      const [cursor, members] = await redis.sscan(key('t'), 0, 'MATCH', '[ab]', 'COUNT', 100);
      assert.equal(cursor, '0');
      assert.deepEqual(members.sort(), ['a', 'b']);
      const popped = (await redis.spop(key('t'), 2)) as string[];
      assert.equal(popped.length, 2);
      assert.equal(await redis.scard(key('t')), 2);
      assert.equal(((await redis.srandmember(key('t'), -5)) as string[]).length, 5);
      assert.equal(await redis.srem(key('s'), 'b', 'c'), 2);
      assert.equal(await redis.exists(key('s')), 0);
    });

    it('sorted sets add with options, read ranges and scores, and combine', async () => {
      const redis = await ioredis(protocol);
      assert.equal(await redis.zadd(key('z'), 1, 'a', 2, 'b', 3, 'c'), 3);
      assert.equal(await redis.zadd(key('z'), 'GT', 'CH', 5, 'a', 0, 'b'), 1);
      assert.equal(await redis.zadd(key('z'), 'INCR', 0.5, 'c'), '3.5');
      assert.equal(await redis.zincrby(key('z'), 0.25, 'b'), '2.25');
      assert.equal(await redis.zscore(key('z'), 'a'), '5');
      assert.deepEqual(await redis.zmscore(key('z'), 'a', 'x'), ['5', null]);
      assert.equal(await redis.zrank(key('z'), 'a'), 2);
      assert.equal(await redis.zrevrank(key('z'), 'a'), 0);
      assert.deepEqual(await redis.zrange(key('z'), '0', '-1'), ['b', 'c', 'a']);
      assert.deepEqual(await redis.zrange(key('z'), '(2.25', '+inf', 'BYSCORE', 'LIMIT', 0, 1), [
        'c',
      ]);
      assert.deepEqual(await redis.zrevrangebyscore(key('z'), 5, 3, 'WITHSCORES'), [
        'a',
        '5',
        'c',
        '3.5',
      ]);
      assert.equal(await redis.zcount(key('z'), 2, '(5'), 2);
      assert.equal(await redis.zadd(key('lex'), 0, 'x', 0, 'y', 0, 'z'), 3);
      assert.deepEqual(await redis.zrangebylex(key('lex'), '[y', '+'), ['y', 'z']);
      assert.equal(await redis.zlexcount(key('lex'), '-', '(z'), 2);
      assert.equal(await redis.zunionstore(key('u'), 2, key('z'), key('lex'), 'WEIGHTS', 2, 1), 6);
      assert.deepEqual(await redis.zinter(2, key('z'), key('u'), 'WITHSCORES'), [
        'b',
        '6.75',
        'c',
        '10.5',
        'a',
        '15',
      ]);
      assert.equal(await redis.zrangestore(key('r'), key('u'), 0, 1), 2);
      assert.equal(await redis.zremrangebyscore(key('u'), '-inf', 0), 3);
      assert.equal(await redis.zcard(key('u')), 3);
      const [cursor, entries] = await redis.zscan(key('z'), 0);
      assert.equal(cursor, '0');
      assert.deepEqual(entries, ['b', '2.25', 'c', '3.5', 'a', '5']);
      const picked = (await redis.zrandmember(key('z'), 2, 'WITHSCORES')) as string[];
      assert.equal(picked.flat().length, 4);
      assert.deepEqual(await redis.zpopmin(key('z')), ['b', '2.25']);
      assert.deepEqual(await redis.zmpop(1, [key('z')], 'MAX', 'COUNT', 5), [
        key('z'),
        [
          ['a', '5'],
          ['c', '3.5'],
        ],
      ]);
      assert.equal(await redis.exists(key('z')), 0);
    });

    it('a blocked BZPOPMIN is served by ZADD from another connection', async () => {
      const [waiter, writer] = [await ioredis(protocol), await ioredis(protocol)];
      const pending = waiter.bzpopmin(key('q'), 5);
      while (!String(await writer.client('LIST')).includes('cmd=bzpopmin')) await writer.ping();
      await writer.zadd(key('q'), 2, 'second', 1, 'first');
      assert.deepEqual(await pending, [key('q'), 'first', '1']);
      assert.equal(await waiter.bzpopmax(key('none'), 0.05), null);
    });
  });

  describe(`node-redis sets and sorted sets over RESP${protocol}`, () => {
    const key = (name: string) => `nr${protocol}:${name}`;

    it('sets add, test, combine, pop and scan members', async () => {
      const client = await nodeRedis(protocol);
      assert.equal(await client.sAdd(key('s'), ['1', '2', '3']), 3);
      assert.equal(await client.sAdd(key('t'), ['2', '3', '4']), 3);
      assert.deepEqual(await client.sMembers(key('s')), ['1', '2', '3']);
      assert.deepEqual(await client.sInter([key('s'), key('t')]), ['2', '3']);
      assert.equal(await client.sUnionStore(key('u'), [key('s'), key('t')]), 4);
      assert.equal(await client.sIsMember(key('u'), '4'), 1);
      assert.deepEqual(await client.smIsMember(key('u'), ['4', '5']), [1, 0]);
      assert.equal(await client.sInterCard([key('s'), key('t')], { LIMIT: 1 }), 1);
      const scanned = await client.sScan(key('u'), '0');
      assert.equal(scanned.cursor, '0');
      assert.deepEqual(scanned.members, ['1', '2', '3', '4']);
      assert.equal((await client.sRandMemberCount(key('u'), 2)).length, 2);
      const popped = await client.sPop(key('u'));
      assert.ok(['1', '2', '3', '4'].includes(String(popped)));
      assert.equal(await client.sCard(key('u')), 3);
    });

    it('sorted sets add with options, read ranges and scores, and combine', async () => {
      const client = await nodeRedis(protocol);
      const members = [
        { score: 1, value: 'a' },
        { score: 2.5, value: 'b' },
        { score: 10, value: 'c' },
      ];
      assert.equal(await client.zAdd(key('z'), members), 3);
      assert.equal(
        await client.zAdd(
          key('z'),
          { score: 0, value: 'c' },
          { condition: 'XX', comparison: 'LT', CH: true },
        ),
        1,
      );
      assert.deepEqual(await client.zRangeWithScores(key('z'), 0, -1), [
        { value: 'c', score: 0 },
        { value: 'a', score: 1 },
        { value: 'b', score: 2.5 },
      ]);
      assert.deepEqual(await client.zRange(key('z'), '+inf', '(0', { BY: 'SCORE', REV: true }), [
        'b',
        'a',
      ]);
      assert.equal(await client.zScore(key('z'), 'b'), 2.5);
      assert.equal(await client.zIncrBy(key('z'), 0.5, 'b'), 3);
      assert.equal(await client.zRank(key('z'), 'b'), 2);
      assert.equal(await client.zCard(key('z')), 3);
      assert.deepEqual(await client.zUnionWithScores([key('z'), key('z')]), [
        { value: 'c', score: 0 },
        { value: 'a', score: 2 },
        { value: 'b', score: 6 },
      ]);
      assert.equal(await client.zInterCard([key('z'), key('z')]), 3);
      assert.deepEqual(await client.zPopMaxCount(key('z'), 2), [
        { value: 'b', score: 3 },
        { value: 'a', score: 1 },
      ]);
      const random = await client.zRandMemberCountWithScores(key('z'), 5);
      assert.deepEqual(random, [{ value: 'c', score: 0 }]);
      const scanned = await client.zScan(key('z'), '0');
      assert.deepEqual(scanned.members, [{ value: 'c', score: 0 }]);
    });

    it('a blocked BZMPOP is served by ZADD from another connection', async () => {
      const [waiter, writer] = [await nodeRedis(protocol), await nodeRedis(protocol)];
      const pending = waiter.bzmPop(5, [key('a'), key('b')], 'MAX', { COUNT: 2 });
      while (!(await writer.clientList()).some((c) => c.cmd === 'bzmpop')) await writer.ping();
      await writer.zAdd(key('b'), [
        { score: 1, value: 'x' },
        { score: 2, value: 'y' },
        { score: 3, value: 'z' },
      ]);
      assert.deepEqual(await pending, {
        key: key('b'),
        members: [
          { value: 'z', score: 3 },
          { value: 'y', score: 2 },
        ],
      });
      assert.equal(await waiter.bzPopMin(key('none'), 0.05), null);
    });
  });
}
