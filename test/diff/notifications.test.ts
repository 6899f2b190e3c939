import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { DiffPair, useDiffServers, type Command } from '../helpers/diff.js';
import type { RawClient } from '../helpers/raw-client.js';

const env = useDiffServers();
const extra: DiffPair[] = [];
after(() => extra.forEach((pair) => pair.close()));

async function connect(): Promise<DiffPair> {
  const pair = await DiffPair.connect(env.reference.port, env.kvik.port);
  extra.push(pair);
  return pair;
}

const MARKER = 'notifications-test-marker';

/** Reads messages up to the marker one; returns them, without the marker. */
async function messagesUntilMarker(client: RawClient): Promise<string[]> {
  const messages: string[] = [];
  for (;;) {
    const frame = await client.readReply();
    if (frame.includes(MARKER)) return messages;
    messages.push(frame);
  }
}

/**
 * A subscriber to every keyspace and keyevent channel with the given notify-keyspace-events,
 * and a writer; `run` sends each command and compares the replies and the notifications.
 */
async function notifications(flags: string) {
  const writer = await env.pair();
  const subscriber = await connect();
  await writer.same('CONFIG', 'SET', 'notify-keyspace-events', flags);
  await subscriber.same('PSUBSCRIBE', '__key*__:*');
  await subscriber.same('SUBSCRIBE', MARKER);
  return {
    writer,
    async run(commands: Command[]): Promise<void> {
      for (const command of commands) {
        await writer.same(...command);
        await writer.same('PUBLISH', MARKER, 'end');
        const [redis, kvik] = await Promise.all([
          messagesUntilMarker(subscriber.redis),
          messagesUntilMarker(subscriber.kvik),
        ]);
        assert.deepEqual(kvik, redis, `notifications of ${JSON.stringify(command.map(String))}`);
      }
    },
  };
}

const STRINGS: Command[] = [
  ['SET', 's', '1'],
  ['SET', 's', '2', 'EX', '100'],
  ['SET', 's', '2', 'NX'],
  ['SET', 's', '3', 'XX', 'KEEPTTL'],
  ['SET', 's', '4', 'GET'],
  ['SETNX', 's', 'x'],
  ['SETNX', 's2', 'x'],
  ['SETEX', 's3', '100', 'v'],
  ['PSETEX', 's4', '100000', 'v'],
  ['MSET', 'm1', 'a', 'm2', 'b'],
  ['MSETNX', 'm3', 'a', 'm1', 'b'],
  ['MSETNX', 'm4', 'a', 'm5', 'b'],
  ['GETSET', 's', 'g'],
  ['APPEND', 's', 'x'],
  ['APPEND', 'new-append', 'x'],
  ['SETRANGE', 's', '2', 'yy'],
  ['SETRANGE', 's', '0', ''],
  ['SETRANGE', 'new-range', '3', 'z'],
  ['INCR', 'n'],
  ['DECR', 'n'],
  ['INCRBY', 'n', '10'],
  ['DECRBY', 'n', '3'],
  ['INCRBYFLOAT', 'n', '1.5'],
  ['INCR', 's'],
  ['GETEX', 's', 'EX', '100'],
  ['GETEX', 's', 'PERSIST'],
  ['GETEX', 's', 'PERSIST'],
  ['GETEX', 's'],
  ['GETEX', 's', 'PXAT', '1'],
  ['GETDEL', 'm1'],
  ['GETDEL', 'm1'],
  ['GET', 'missing'],
  ['STRLEN', 's2'],
  ['LCS', 'm2', 's2'],
];

const KEYS: Command[] = [
  ['MSET', 'a', '1', 'b', '2', 'c', '3'],
  ['DEL', 'a', 'missing'],
  ['UNLINK', 'b', 'b'],
  ['SET', 'a', '1'],
  ['RENAME', 'a', 'z'],
  ['RENAME', 'z', 'z'],
  ['RENAME', 'c', 'z'],
  ['RENAMENX', 'z', 'c'],
  ['RENAMENX', 'c', 'c'],
  ['SET', 'z', '9'],
  ['RENAMENX', 'c', 'z'],
  ['MOVE', 'c', '3'],
  ['MOVE', 'missing', '3'],
  ['COPY', 'z', 'copy'],
  ['COPY', 'z', 'copy', 'REPLACE'],
  ['COPY', 'z', 'other', 'DB', '2'],
  ['EXISTS', 'z', 'nope'],
  ['TYPE', 'nope'],
  ['TOUCH', 'z', 'nope'],
  ['OBJECT', 'ENCODING', 'nope'],
  ['SELECT', '2'],
  ['SET', 'in-db-2', 'v'],
  ['DEL', 'other'],
  ['SELECT', '0'],
  ['SWAPDB', '0', '1'],
  ['FLUSHDB'],
  ['SET', 'x', '1'],
  ['FLUSHALL'],
];

const EXPIRY: Command[] = [
  ['SET', 'k', 'v'],
  ['EXPIRE', 'k', '100'],
  ['EXPIRE', 'k', '100', 'NX'],
  ['PEXPIRE', 'k', '100000', 'GT'],
  ['EXPIREAT', 'k', '4000000000'],
  ['PEXPIREAT', 'k', '4000000000000'],
  ['TTL', 'k'],
  ['PERSIST', 'k'],
  ['PERSIST', 'k'],
  ['EXPIRE', 'k', '-1'],
  ['EXPIRE', 'missing', '10'],
  ['SET', 'k', 'v', 'EX', '100'],
  ['SET', 'k', 'w'],
  ['SETEX', 'k', '0', 'v'],
];

const LISTS: Command[] = [
  ['LPUSH', 'l', 'a', 'b'],
  ['RPUSH', 'l', 'c'],
  ['LPUSHX', 'l', 'x'],
  ['LPUSHX', 'nol', 'x'],
  ['RPUSHX', 'l', 'y'],
  ['LINSERT', 'l', 'BEFORE', 'a', 'i'],
  ['LINSERT', 'l', 'BEFORE', 'nothere', 'i'],
  ['LSET', 'l', '0', 'z'],
  ['LREM', 'l', '0', 'i'],
  ['LREM', 'l', '0', 'nothere'],
  ['LTRIM', 'l', '0', '3'],
  ['LPOP', 'l'],
  ['RPOP', 'l', '2'],
  ['LMOVE', 'l', 'l2', 'LEFT', 'RIGHT'],
  ['RPOPLPUSH', 'l2', 'l3'],
  ['LMPOP', '2', 'l', 'l3', 'LEFT', 'COUNT', '5'],
  ['RPUSH', 'l4', 'a'],
  ['BLPOP', 'l4', '0.01'],
  ['RPUSH', 'l4', 'a', 'b'],
  ['BRPOP', 'l4', '0.01'],
  ['BLMOVE', 'l4', 'l5', 'RIGHT', 'LEFT', '0.01'],
  ['BLMPOP', '0.01', '1', 'l5', 'LEFT'],
  ['RPUSH', 'l6', 'a', 'b', 'c'],
  ['LTRIM', 'l6', '5', '10'],
  ['LRANGE', 'l6', '0', '-1'],
  ['LINDEX', 'nol', '0'],
];

const HASHES: Command[] = [
  ['HSET', 'h', 'a', '1', 'b', '2'],
  ['HSET', 'h', 'a', '1'],
  ['HMSET', 'h', 'c', '3'],
  ['HSETNX', 'h', 'a', 'x'],
  ['HSETNX', 'h', 'd', 'x'],
  ['HINCRBY', 'h', 'n', '5'],
  ['HINCRBYFLOAT', 'h', 'f', '1.5'],
  ['HDEL', 'h', 'a', 'nothere'],
  ['HDEL', 'h', 'nothere'],
  ['HGET', 'nohash', 'a'],
  ['HGETALL', 'nohash'],
  ['HDEL', 'h', 'b', 'c', 'd', 'n', 'f'],
];

const HYPERLOGLOGS: Command[] = [
  ['PFADD', 'hll', 'a', 'b'],
  ['PFADD', 'hll', 'a'],
  ['PFADD', 'hll2'],
  ['PFCOUNT', 'hll'],
  ['PFMERGE', 'hll3', 'hll', 'hll2'],
];

const SETS: Command[] = [
  ['SADD', 'st', 'a', 'b', 'c'],
  ['SADD', 'st', 'a'],
  ['SREM', 'st', 'a', 'nothere'],
  ['SREM', 'st', 'nothere'],
  ['SMOVE', 'st', 'st2', 'b'],
  ['SMOVE', 'st', 'st2', 'nothere'],
  ['SMOVE', 'st', 'st2', 'c'],
  ['SADD', 'st', '1'],
  ['SPOP', 'st'],
  ['SADD', 'st', '1', '2', '3'],
  ['SPOP', 'st', '5'],
  ['SADD', 'sa', 'x', 'y'],
  ['SADD', 'sb', 'y', 'z'],
  ['SINTERSTORE', 'sd', 'sa', 'sb'],
  ['SUNIONSTORE', 'sd', 'sa', 'sb'],
  ['SDIFFSTORE', 'sd', 'sa', 'sb'],
  ['SINTERSTORE', 'sd', 'sa', 'missing'],
  ['SINTERSTORE', 'sd', 'missing'],
  ['SISMEMBER', 'missing', 'x'],
  ['SMEMBERS', 'missing'],
  ['SRANDMEMBER', 'missing'],
];

const SORTED_SETS: Command[] = [
  ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
  ['ZADD', 'z', '1', 'a'],
  ['ZADD', 'z', 'INCR', '5', 'a'],
  ['ZADD', 'z', 'NX', '9', 'a'],
  ['ZINCRBY', 'z', '1', 'b'],
  ['ZREM', 'z', 'c', 'nothere'],
  ['ZREM', 'z', 'nothere'],
  ['ZADD', 'z', '4', 'd', '5', 'e', '6', 'f'],
  ['ZREMRANGEBYRANK', 'z', '0', '0'],
  ['ZREMRANGEBYSCORE', 'z', '5', '5'],
  ['ZREMRANGEBYLEX', 'z', '[a', '[a'],
  ['ZPOPMIN', 'z'],
  ['ZPOPMAX', 'z', '2'],
  ['ZADD', 'za', '1', 'x', '2', 'y'],
  ['ZADD', 'zb', '1', 'y'],
  ['ZUNIONSTORE', 'zd', '2', 'za', 'zb'],
  ['ZINTERSTORE', 'zd', '2', 'za', 'zb'],
  ['ZDIFFSTORE', 'zd', '2', 'za', 'zb'],
  ['ZINTERSTORE', 'zd', '2', 'za', 'missing'],
  ['ZRANGESTORE', 'zr', 'za', '0', '-1'],
  ['ZRANGESTORE', 'zr', 'za', '5', '6'],
  ['ZMPOP', '2', 'missing', 'za', 'MIN', 'COUNT', '5'],
  ['ZADD', 'zc', '1', 'a'],
  ['BZPOPMIN', 'zc', '0.01'],
  ['ZADD', 'zc', '1', 'a', '2', 'b'],
  ['BZMPOP', '0.01', '1', 'zc', 'MAX'],
  ['ZSCORE', 'missing', 'a'],
  ['ZRANGE', 'missing', '0', '-1'],
];

const GEO_AND_SORT: Command[] = [
  ['GEOADD', 'g', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania'],
  ['GEOADD', 'g', 'XX', '13.361389', '38.115556', 'Palermo'],
  ['GEOSEARCHSTORE', 'gs', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'ASC'],
  ['GEOSEARCHSTORE', 'gs', 'g', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km'],
  ['GEORADIUS', 'g', '15', '37', '200', 'km', 'STORE', 'gr'],
  ['GEORADIUSBYMEMBER', 'g', 'Palermo', '300', 'km', 'STOREDIST', 'gd'],
  ['GEOPOS', 'missing', 'a'],
  ['RPUSH', 'tosort', '3', '1', '2'],
  ['SORT', 'tosort', 'STORE', 'sorted'],
  ['SORT', 'missing', 'STORE', 'sorted'],
  ['SORT', 'tosort'],
];

const STREAMS: Command[] = [
  ['XADD', 'x', '1-0', 'f', 'v'],
  ['XADD', 'x', '2-0', 'f', 'v'],
  ['XADD', 'nostream', 'NOMKSTREAM', '*', 'f', 'v'],
  ['XADD', 'x', 'MAXLEN', '1', '3-0', 'f', 'v'],
  ['XTRIM', 'x', 'MAXLEN', '0'],
  ['XADD', 'x', '4-0', 'f', 'v'],
  ['XADD', 'x', '5-0', 'f', 'v'],
  ['XDEL', 'x', '4-0', '9-0'],
  ['XDEL', 'x', '9-0'],
  ['XSETID', 'x', '10-0'],
  ['XGROUP', 'CREATE', 'x', 'g', '0'],
  ['XGROUP', 'CREATE', 'new', 'g', '$', 'MKSTREAM'],
  ['XGROUP', 'SETID', 'x', 'g', '0'],
  ['XGROUP', 'CREATECONSUMER', 'x', 'g', 'alice'],
  ['XREADGROUP', 'GROUP', 'g', 'bob', 'COUNT', '1', 'STREAMS', 'x', '>'],
  ['XREADGROUP', 'GROUP', 'g', 'bob', 'STREAMS', 'x', '0'],
  ['XCLAIM', 'x', 'g', 'alice', '0', '5-0'],
  ['XAUTOCLAIM', 'x', 'g', 'carol', '0', '0'],
  ['XACK', 'x', 'g', '5-0'],
  ['XGROUP', 'DELCONSUMER', 'x', 'g', 'alice'],
  ['XGROUP', 'DESTROY', 'x', 'g'],
  ['XGROUP', 'DESTROY', 'x', 'g'],
  ['XRANGE', 'missing', '-', '+'],
  ['XLEN', 'missing'],
];

const BITMAPS: Command[] = [
  ['SETBIT', 'b', '7', '1'],
  ['SETBIT', 'b', '7', '1'],
  ['SETBIT', 'b2', '100', '0'],
  ['BITOP', 'AND', 'bd', 'b', 'b2'],
  ['BITOP', 'OR', 'bd', 'missing', 'missing2'],
  ['BITFIELD', 'bf', 'SET', 'u8', '0', '255', 'GET', 'u8', '0'],
  ['BITFIELD', 'bf', 'GET', 'u8', '0'],
  ['BITFIELD', 'bf', 'INCRBY', 'u8', '0', '1'],
  ['BITFIELD', 'bf', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '300'],
  ['BITFIELD_RO', 'bf', 'GET', 'u8', '0'],
  ['GETBIT', 'missing', '0'],
  ['BITCOUNT', 'missing'],
];

describe('keyspace notifications against redis-server', () => {
  for (const [family, corpus] of [
    ['string', STRINGS],
    ['key', KEYS],
    ['expiry', EXPIRY],
    ['list', LISTS],
    ['hash', HASHES],
    ['set', SETS],
    ['sorted set', SORTED_SETS],
    ['geo and SORT', GEO_AND_SORT],
    ['stream', STREAMS],
    ['bitmap', BITMAPS],
    ['HyperLogLog', HYPERLOGLOGS],
  ] as const) {
    it(`every ${family} command raises Redis's events, new and keymiss included`, async () => {
      const { run } = await notifications('AKEmn');
      await run(corpus);
    });
  }

  it('new and keymiss events come only with their own flags n and m', async () => {
    const { run } = await notifications('KEAmn');
    await run([
      ...STRINGS.slice(0, 12),
      ...KEYS.slice(0, 19),
      ['GET', 'nope'],
      ['HGET', 'nope', 'f'],
    ]);
  });

  it('each class letter selects its events, K and E their channel', async () => {
    for (const flags of ['K$', 'Eg', 'Kx', 'Elh', 'KEm', 'En', 'g$', 'K', 'A']) {
      const { run } = await notifications(flags);
      await run([
        ['SET', 'a', '1'],
        ['DEL', 'a'],
        ['GET', 'a'],
        ['LPUSH', 'list', 'x'],
        ['HSET', 'hash', 'f', 'v'],
        ['SET', 'e', 'v', 'EX', '100'],
        ['GETEX', 'e', 'PXAT', '1'],
      ]);
    }
  });

  it('lazy and active expiry raise expired', async () => {
    const { writer, run } = await notifications('KEA');
    await run([['SET', 'lazy', 'v', 'PX', '200']]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await run([['GET', 'lazy']]);
    await run([['SET', 'active', 'v', 'PX', '200']]);
    // The active cycle deletes it on its own; its event comes before the marker.
    await new Promise((resolve) => setTimeout(resolve, 800));
    await run([['DBSIZE']]);
    await writer.same('CONFIG', 'SET', 'notify-keyspace-events', '');
  });

  it('CONFIG SET notify-keyspace-events parses and prints the flags as Redis does', async () => {
    const pair = await env.pair();
    for (const flags of ['KEA', 'AKE', 'Ag', 'gA', 'Kg$lshzxetdnm', 'KElm', 'n', 'E', 'A', '']) {
      await pair.same('CONFIG', 'SET', 'notify-keyspace-events', flags);
      await pair.same('CONFIG', 'GET', 'notify-keyspace-events');
    }
    await pair.same('CONFIG', 'SET', 'notify-keyspace-events', 'KEq');
    await pair.same('CONFIG', 'GET', 'notify-keyspace-events');
  });
});
