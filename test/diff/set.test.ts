import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DiffPair, useDiffServers, type Command } from '../helpers/diff.js';
import type { RawClient } from '../helpers/raw-client.js';
import { parseReply, type ReplyNode } from '../meta/reply-tree.js';

const env = useDiffServers();

/** A pair of flushed servers with the default set-max-intset-entries. */
async function freshPair(): Promise<DiffPair> {
  const pair = await env.pair();
  await withThresholds(pair, 512);
  return pair;
}

const EVERY_BYTE = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** The reply with the items of its top-level array or set sorted: hash table order differs. */
function sortedReply(reply: string): ReplyNode {
  const node = parseReply(reply);
  if (node.kind !== 'array' && node.kind !== 'set') return node;
  const key = (item: ReplyNode) => JSON.stringify(item);
  return { ...node, items: [...node.items].sort((a, b) => (key(a) < key(b) ? -1 : 1)) };
}

/** Sends to both; the replies must be equal but for the order of their elements. */
async function sameUnordered(pair: DiffPair, ...command: Command): Promise<void> {
  const { redis, kvik } = await pair.both(...command);
  assert.deepEqual(sortedReply(kvik), sortedReply(redis), `reply to ${command.join(' ')}`);
}

/** The bulk strings of an array or set reply. */
function texts(reply: string): string[] {
  const node = parseReply(reply);
  assert.ok(node.kind === 'array' || node.kind === 'set', `not an array: ${node.kind}`);
  return node.items.map((item) => {
    assert.ok(item.kind === 'bulk', `not a bulk string: ${item.kind}`);
    return item.text;
  });
}

async function withThresholds(pair: DiffPair, entries: number): Promise<void> {
  await pair.same('CONFIG', 'SET', 'set-max-intset-entries', String(entries));
}

describe('set writes and reads against redis-server', () => {
  it('SADD answers how many members are new, and SCARD counts them', async () => {
    const pair = await freshPair();
    await pair.sameAll([
      ['SADD', 's', 'a'],
      ['SADD', 's', 'a', 'b', 'b', 'c'],
      ['SCARD', 's'],
      ['SCARD', 'none'],
      ['SADD', 's', EVERY_BYTE, ''],
      ['SISMEMBER', 's', EVERY_BYTE],
      ['SISMEMBER', 's', ''],
      ['SISMEMBER', 's', 'zz'],
      ['SISMEMBER', 'none', 'a'],
      ['SMISMEMBER', 's', 'a', 'zz', '', 'a'],
      ['SMISMEMBER', 'none', 'a', 'b'],
      ['SCARD', 's'],
      ['SADD', 's'],
      ['SISMEMBER', 's'],
      ['SMISMEMBER', 's'],
    ]);
  });

  it('SREM removes members and deletes the emptied key', async () => {
    const pair = await freshPair();
    await pair.sameAll([
      ['SREM', 'none', 'a'],
      ['SADD', 's', 'a', 'b', '1'],
      ['SREM', 's', 'zz'],
      ['SREM', 's', 'a', 'a', 'zz'],
      ['SREM', 's', 'b', '1', 'extra'],
      ['EXISTS', 's'],
      ['SADD', 'i', '1', '2', '3'],
      ['SREM', 'i', '2', '02', '+3', '3'],
      ['SMEMBERS', 'i'],
      ['SREM', 'i', '1'],
      ['EXISTS', 'i'],
    ]);
  });

  it('every set command refuses a key of another type', async () => {
    const pair = await freshPair();
    await pair.same('SET', 'str', 'v');
    await pair.same('SADD', 'set', 'a');
    await pair.sameAll([
      ['SADD', 'str', 'a'],
      ['SREM', 'str', 'a'],
      ['SISMEMBER', 'str', 'a'],
      ['SMISMEMBER', 'str', 'a'],
      ['SMEMBERS', 'str'],
      ['SCARD', 'str'],
      ['SPOP', 'str'],
      ['SPOP', 'str', '0'],
      ['SRANDMEMBER', 'str'],
      ['SRANDMEMBER', 'str', '2'],
      ['SMOVE', 'str', 'set', 'a'],
      ['SMOVE', 'set', 'str', 'a'],
      ['SINTER', 'set', 'str'],
      ['SINTER', 'none', 'str'],
      ['SINTERCARD', '2', 'set', 'str'],
      ['SINTERSTORE', 'd', 'set', 'str'],
      ['SUNION', 'set', 'str'],
      ['SUNIONSTORE', 'd', 'str'],
      ['SDIFF', 'none', 'str'],
      ['SDIFFSTORE', 'd', 'set', 'str'],
      ['SSCAN', 'str', '0'],
      ['EXISTS', 'd'],
    ]);
  });

  it('SMEMBERS of an intset answers in ascending order; of a hash table, the same members', async () => {
    const pair = await freshPair();
    await pair.sameAll([
      ['SADD', 'i', '5', '-3', '100', '0', '9223372036854775807', '-9223372036854775808'],
      ['SMEMBERS', 'i'],
      ['SMEMBERS', 'none'],
    ]);
    await pair.same('SADD', 'h', 'x', 'y', '1');
    await sameUnordered(pair, 'SMEMBERS', 'h');
    await pair.both('HELLO', '3');
    await pair.sameAll([
      ['SMEMBERS', 'i'],
      ['SMEMBERS', 'none'],
    ]);
    await sameUnordered(pair, 'SMEMBERS', 'h');
  });
});

describe('set encodings against redis-server', () => {
  it('a set of integers is an intset until a member is not a canonical integer', async () => {
    const pair = await freshPair();
    for (const odd of ['01', '-0', '+1', ' 1', '1.0', '9223372036854775808', '0x1', 'a']) {
      await pair.sameAll([
        ['DEL', 's'],
        ['SADD', 's', '1', '-2', '9223372036854775807'],
        ['OBJECT', 'ENCODING', 's'],
        ['SADD', 's', odd],
        ['OBJECT', 'ENCODING', 's'],
        ['SREM', 's', odd],
        ['OBJECT', 'ENCODING', 's'],
      ]);
    }
    await pair.sameAll([
      ['SADD', 'first', 'a', '1'],
      ['OBJECT', 'ENCODING', 'first'],
    ]);
  });

  it('an intset becomes a hash table past set-max-intset-entries, and never goes back', async () => {
    const pair = await freshPair();
    await withThresholds(pair, 3);
    await pair.sameAll([
      ['SADD', 's', '1', '2', '3'],
      ['OBJECT', 'ENCODING', 's'],
      ['SADD', 's', '3'],
      ['OBJECT', 'ENCODING', 's'],
      ['SADD', 's', '4'],
      ['OBJECT', 'ENCODING', 's'],
      ['SREM', 's', '4', '3'],
      ['OBJECT', 'ENCODING', 's'],
    ]);
    await withThresholds(pair, 0);
    await pair.sameAll([
      ['SADD', 'zero', '1'],
      ['OBJECT', 'ENCODING', 'zero'],
    ]);
    await withThresholds(pair, 512);
    const many = Array.from({ length: 513 }, (_, i) => String(i * 7));
    await pair.sameAll([
      ['SADD', 'big', ...many.slice(0, 512)],
      ['OBJECT', 'ENCODING', 'big'],
      ['SADD', 'big', many[512]],
      ['OBJECT', 'ENCODING', 'big'],
    ]);
  });

  it('results of SINTERSTORE, SUNIONSTORE and SDIFFSTORE are filled as Redis fills them', async () => {
    const pair = await freshPair();
    await withThresholds(pair, 4);
    await pair.sameAll([
      ['SADD', 'ints', '1', '2', '3'],
      ['SADD', 'more', '3', '4', '5'],
      ['SADD', 'mixed', '1', 'a', '2'],
      ['SREM', 'mixed', 'a'],
      ['OBJECT', 'ENCODING', 'mixed'],
      ['SUNIONSTORE', 'd', 'mixed'],
      ['OBJECT', 'ENCODING', 'd'],
      ['SMEMBERS', 'd'],
      ['SUNIONSTORE', 'd', 'ints', 'more'],
      ['OBJECT', 'ENCODING', 'd'],
      ['SINTERSTORE', 'd', 'ints', 'mixed'],
      ['OBJECT', 'ENCODING', 'd'],
      ['SMEMBERS', 'd'],
      // The second algorithm copies the first set whole before removing: five members convert it.
      ['SADD', 'five', '1', '2', '3', '4', '5'],
      ['SDIFFSTORE', 'd', 'five', 'more'],
      ['OBJECT', 'ENCODING', 'd'],
      ['SDIFFSTORE', 'd', 'ints', 'more', 'five'],
      ['EXISTS', 'd'],
    ]);
  });
});

describe('SMOVE against redis-server', () => {
  it('moves a member, creating and deleting keys as Redis does', async () => {
    const pair = await freshPair();
    await pair.sameAll([
      ['SMOVE', 'none', 'dst', 'a'],
      ['SET', 'str', 'v'],
      ['SMOVE', 'none', 'str', 'a'],
      ['SADD', 'src', 'a', 'b', '1'],
      ['SMOVE', 'src', 'dst', 'zz'],
      ['SMOVE', 'src', 'dst', 'a'],
      ['SMEMBERS', 'dst'],
      ['OBJECT', 'ENCODING', 'dst'],
      ['SMOVE', 'src', 'src', 'b'],
      ['SMOVE', 'src', 'src', 'zz'],
      ['SMOVE', 'src', 'ints', '1'],
      ['OBJECT', 'ENCODING', 'ints'],
      ['SADD', 'dst', 'b'],
      ['SMOVE', 'src', 'dst', 'b'],
      ['EXISTS', 'src'],
      ['SCARD', 'dst'],
    ]);
  });
});

describe('set algebra against redis-server', () => {
  it('SINTER, SUNION and SDIFF of intsets answer in ascending order', async () => {
    const pair = await freshPair();
    await pair.sameAll([
      ['SADD', 'a', '5', '1', '3', '7', '9'],
      ['SADD', 'b', '3', '4', '5', '6'],
      ['SADD', 'c', '5', '100'],
      ['SINTER', 'a', 'b'],
      ['SINTER', 'a', 'b', 'c'],
      ['SINTER', 'a', 'none'],
      ['SINTER', 'a', 'a'],
      ['SUNION', 'a', 'b', 'none', 'c'],
      ['SDIFF', 'a', 'b'],
      ['SDIFF', 'a', 'b', 'c'],
      ['SDIFF', 'none', 'a'],
      ['SDIFF', 'a', 'none'],
      ['SDIFF', 'a', 'b', 'a'],
      ['SDIFF', 'a'],
      ['SINTERCARD', '2', 'a', 'b'],
      ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '1'],
      ['SINTERCARD', '2', 'a', 'b', 'limit', '0'],
      ['SINTERCARD', '1', 'a', 'LIMIT', '100'],
      ['SINTERCARD', '2', 'a', 'none'],
    ]);
    await pair.both('HELLO', '3');
    await pair.sameAll([
      ['SINTER', 'a', 'b'],
      ['SUNION', 'a', 'c'],
      ['SDIFF', 'a', 'b'],
      ['SINTER', 'none'],
      ['SINTERCARD', '1', 'a'],
    ]);
  });

  it('hash table results hold the same members as Redis', async () => {
    const pair = await freshPair();
    await pair.sameAll([
      ['SADD', 'x', 'a', 'b', 'c', 'd', '1'],
      ['SADD', 'y', 'c', 'd', 'e', '1'],
      ['SADD', 'z', 'd', 'f'],
    ]);
    for (const command of [
      ['SINTER', 'x', 'y'],
      ['SINTER', 'y', 'x', 'z'],
      ['SUNION', 'x', 'y', 'z'],
      ['SDIFF', 'x', 'y'],
      ['SDIFF', 'x', 'z', 'y'],
      ['SDIFF', 'y', 'none'],
    ]) {
      await sameUnordered(pair, ...command);
    }
    for (const store of ['SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE']) {
      await pair.same(store, 'dest', 'x', 'y');
      await sameUnordered(pair, 'SMEMBERS', 'dest');
      await pair.same('OBJECT', 'ENCODING', 'dest');
    }
  });

  it('a store with an empty result deletes the destination', async () => {
    const pair = await freshPair();
    await pair.sameAll([
      ['SADD', 'a', '1', '2'],
      ['SET', 'dest', 'string'],
      ['EXPIRE', 'dest', '100'],
      ['SINTERSTORE', 'dest', 'a', 'none'],
      ['EXISTS', 'dest'],
      ['SET', 'dest', 'string'],
      ['SDIFFSTORE', 'dest', 'a', 'a'],
      ['EXISTS', 'dest'],
      ['SUNIONSTORE', 'dest', 'none'],
      ['EXISTS', 'dest'],
      ['SET', 'dest', 'string'],
      ['EXPIRE', 'dest', '100'],
      ['SUNIONSTORE', 'dest', 'a'],
      ['TYPE', 'dest'],
      ['TTL', 'dest'],
      ['SINTERSTORE', 'a', 'a', 'a'],
      ['SMEMBERS', 'a'],
    ]);
  });

  it('SINTERCARD checks numkeys and LIMIT as Redis', async () => {
    const pair = await freshPair();
    await pair.same('SADD', 'a', '1');
    await pair.sameAll([
      ['SINTERCARD', '0', 'a'],
      ['SINTERCARD', '-1', 'a'],
      ['SINTERCARD', 'x', 'a'],
      ['SINTERCARD', '2', 'a'],
      ['SINTERCARD', '9223372036854775808', 'a'],
      ['SINTERCARD', '1', 'a', 'LIMIT'],
      ['SINTERCARD', '1', 'a', 'LIMIT', '-1'],
      ['SINTERCARD', '1', 'a', 'LIMIT', 'x'],
      ['SINTERCARD', '1', 'a', 'FOO', '1'],
      ['SINTERCARD', '1', 'a', 'LIMIT', '1', 'LIMIT', '0'],
      ['SINTERCARD', '1'],
    ]);
  });
});

describe('SPOP and SRANDMEMBER against redis-server', () => {
  it('answer errors, nil and empty replies as Redis', async () => {
    const pair = await freshPair();
    await pair.sameAll([
      ['SPOP', 'none'],
      ['SPOP', 'none', '3'],
      ['SPOP', 'none', '0'],
      ['SPOP', 'none', '-1'],
      ['SPOP', 'none', 'x'],
      ['SPOP', 'none', '1', '2'],
      ['SRANDMEMBER', 'none'],
      ['SRANDMEMBER', 'none', '3'],
      ['SRANDMEMBER', 'none', '-3'],
      ['SRANDMEMBER', 'none', 'x'],
      ['SRANDMEMBER', 'none', '1', '2'],
      ['SRANDMEMBER', 'none', '-9223372036854775808'],
      ['SRANDMEMBER', 'none', '9223372036854775808'],
      ['SADD', 's', '3', '1', '2'],
      ['SPOP', 's', '0'],
      ['SRANDMEMBER', 's', '0'],
      ['SRANDMEMBER', 's', '3'],
      ['SRANDMEMBER', 's', '100'],
      ['SPOP', 's', '5'],
      ['EXISTS', 's'],
    ]);
    await pair.both('HELLO', '3');
    await pair.sameAll([
      ['SPOP', 'none', '3'],
      ['SRANDMEMBER', 'none', '3'],
      ['SPOP', 'none'],
      ['SADD', 's', '3', '1', '2'],
      ['SRANDMEMBER', 's', '3'],
      ['SPOP', 's', '3'],
    ]);
  });

  it('SPOP takes distinct members out and deletes the emptied key', async () => {
    const pair = await freshPair();
    for (const members of [
      Array.from({ length: 40 }, (_, i) => String(i)),
      Array.from({ length: 40 }, (_, i) => `m${i}`),
    ]) {
      for (const count of [1, 3, 20, 39]) {
        await pair.both('DEL', 's');
        await pair.same('SADD', 's', ...members);
        const popped = texts(await pair.kvik.call('SPOP', 's', count));
        assert.equal(popped.length, count);
        assert.equal(new Set(popped).size, count);
        const left = texts(await pair.kvik.call('SMEMBERS', 's'));
        assert.deepEqual([...popped, ...left].sort(), [...members].sort());
      }
      const one = parseReply(await pair.kvik.call('SPOP', 's'));
      assert.ok(one.kind === 'bulk');
      await pair.kvik.call('SPOP', 's', 100);
      assert.equal(await pair.kvik.call('EXISTS', 's'), ':0\r\n');
    }
  });

  it('SPOP of nearly all a set keeps the survivors in a new set, an intset if it can be', async () => {
    const pair = await freshPair();
    for (const count of ['9', '8']) {
      await pair.sameAll([
        ['DEL', 'h'],
        ['SADD', 'h', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', 'x'],
        ['SREM', 'h', 'x'],
      ]);
      await pair.both('SPOP', 'h', count);
      await pair.sameAll([
        ['SCARD', 'h'],
        ['OBJECT', 'ENCODING', 'h'],
      ]);
    }
  });

  it('SRANDMEMBER picks distinct members for a positive count, any for a negative one', async () => {
    const pair = await freshPair();
    for (const members of [
      ['1', '2', '3', '4', '5', '6', '7'],
      Array.from({ length: 600 }, (_, i) => `m${i}`),
    ]) {
      await pair.both('DEL', 's');
      await pair.same('SADD', 's', ...members);
      for (const count of [1, 2, 3, members.length - 1, members.length, 1000]) {
        const picked = texts(await pair.kvik.call('SRANDMEMBER', 's', count));
        assert.equal(picked.length, Math.min(count, members.length));
        assert.equal(new Set(picked).size, picked.length);
        for (const member of picked) assert.ok(members.includes(member));
      }
      const repeated = texts(await pair.kvik.call('SRANDMEMBER', 's', -30));
      assert.equal(repeated.length, 30);
      for (const member of repeated) assert.ok(members.includes(member));
      const single = parseReply(await pair.kvik.call('SRANDMEMBER', 's'));
      assert.ok(single.kind === 'bulk' && members.includes(single.text));
    }
    await pair.sameAll([
      ['DEL', 's'],
      ['SADD', 's', '9', '8', '7'],
      ['SRANDMEMBER', 's', '3'],
    ]);
  });
});

describe('SSCAN against redis-server', () => {
  it('returns an intset whole, filtered by MATCH, with cursor 0', async () => {
    const pair = await freshPair();
    await pair.sameAll([
      ['SADD', 's', '10', '2', '33', '-4'],
      ['SSCAN', 's', '0'],
      ['SSCAN', 's', '0', 'MATCH', '*3*'],
      ['SSCAN', 's', '0', 'COUNT', '1'],
      ['SSCAN', 's', '0', 'COUNT', '0'],
      ['SSCAN', 's', '0', 'COUNT', 'x'],
      ['SSCAN', 's', '0', 'MATCH'],
      ['SSCAN', 's', '0', 'TYPE', 'set'],
      ['SSCAN', 's', 'x'],
      ['SSCAN', 's', '-1'],
      ['SSCAN', 'none', '0'],
      ['SSCAN', 'none', '0', 'COUNT', '0'],
      ['SSCAN', 'none', 'x'],
    ]);
  });

  it('walks a hash table to the end, returning every member', async () => {
    const pair = await freshPair();
    const members = Array.from({ length: 300 }, (_, i) => `m${i}`);
    await pair.same('SADD', 's', ...members);
    for (const pattern of ['*', 'm1*']) {
      const seen = new Set<string>();
      let cursor = '0';
      do {
        const reply = parseReply(
          await pair.kvik.call('SSCAN', 's', cursor, 'MATCH', pattern, 'COUNT', 7),
        );
        assert.ok(reply.kind === 'array');
        const [next, items] = reply.items;
        assert.ok(next.kind === 'bulk' && items.kind === 'array');
        cursor = next.text;
        for (const item of items.items) if (item.kind === 'bulk') seen.add(item.text);
      } while (cursor !== '0');
      const expected = members.filter((m) => pattern === '*' || m.startsWith('m1'));
      assert.deepEqual([...seen].sort(), expected.sort());
    }
  });
});

describe('random set command sequences against redis-server', () => {
  const key = fc.constantFrom('a', 'b', 'c');
  const member = fc.constantFrom(
    '1',
    '2',
    '3',
    '-7',
    '10',
    'x',
    'y',
    '',
    '007',
    '9223372036854775807',
  );
  const members = fc.array(member, { minLength: 1, maxLength: 4 });
  const command: fc.Arbitrary<Command> = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(key, members).map(([k, m]): Command => ['SADD', k, ...m]) },
    fc.tuple(key, members).map(([k, m]): Command => ['SREM', k, ...m]),
    fc.tuple(key, member).map(([k, m]): Command => ['SISMEMBER', k, m]),
    fc.tuple(key, members).map(([k, m]): Command => ['SMISMEMBER', k, ...m]),
    fc
      .tuple(fc.constantFrom('SCARD', 'SMEMBERS', 'TYPE', 'EXISTS'), key)
      .map(([c, k]): Command => [c, k]),
    fc.tuple(key, key, member).map(([s, d, m]): Command => ['SMOVE', s, d, m]),
    fc
      .tuple(
        fc.constantFrom('SINTER', 'SUNION', 'SDIFF'),
        fc.array(key, { minLength: 1, maxLength: 3 }),
      )
      .map(([c, ks]): Command => [c, ...ks]),
    fc
      .tuple(
        fc.constantFrom('SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE'),
        key,
        fc.array(key, { minLength: 1, maxLength: 3 }),
      )
      .map(([c, d, ks]): Command => [c, d, ...ks]),
    fc
      .tuple(fc.array(key, { minLength: 1, maxLength: 3 }), fc.nat({ max: 3 }))
      .map(([ks, limit]): Command => ['SINTERCARD', ks.length, ...ks, 'LIMIT', limit]),
    fc.tuple(key).map(([k]): Command => ['SRANDMEMBER', k, 100]),
    fc.tuple(key).map(([k]): Command => ['OBJECT', 'ENCODING', k]),
    fc.tuple(key).map(([k]): Command => ['SET', k, 'string']),
  );

  it('agree with Redis, set replies compared as sets', async () => {
    const pair = await freshPair();
    await withThresholds(pair, 4);
    await fc.assert(
      fc.asyncProperty(
        fc.array(command, { minLength: 1, maxLength: 40, size: 'max' }),
        async (commands) => {
          await pair.both('FLUSHALL');
          for (const c of commands) await sameUnordered(pair, ...c);
        },
      ),
      { numRuns: 60 },
    );
    await withThresholds(pair, 512);
  });
});

describe('set keyspace notifications against redis-server', () => {
  const MARKER = 'set-notifications-marker';

  /** Reads pushed messages up to the marker one; returns them, without the marker. */
  async function messagesUntilMarker(client: RawClient): Promise<string[]> {
    const messages: string[] = [];
    for (;;) {
      const frame = await client.readReply();
      if (frame.includes(MARKER)) return messages;
      messages.push(frame);
    }
  }

  it('every set write raises the events Redis raises, in its order', async () => {
    const writer = await freshPair();
    const subscriber = await DiffPair.connect(env.reference.port, env.kvik.port);
    try {
      await writer.same('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
      await subscriber.same('PSUBSCRIBE', '__key*__:*');
      await subscriber.same('SUBSCRIBE', MARKER);
      const commands: Command[] = [
        ['SADD', 's', 'a', 'b', '1'],
        ['SADD', 's', 'a'],
        ['SREM', 's', 'a', 'zz'],
        ['SREM', 's', 'zz'],
        ['SMOVE', 's', 't', 'b'],
        ['SMOVE', 's', 't', 'zz'],
        ['SMOVE', 's', 't', '1'],
        ['SADD', 's', '5'],
        ['SPOP', 's'],
        ['SADD', 'u', '1', '2', '3'],
        ['SPOP', 'u', '0'],
        ['SPOP', 'u', '5'],
        ['SINTERSTORE', 'd', 't', 't'],
        ['SUNIONSTORE', 'd', 't', 'none'],
        ['SDIFFSTORE', 'd', 't', 't'],
        ['SDIFFSTORE', 'd', 't', 't'],
        ['SINTERSTORE', 'd', 't', 'none'],
        ['SCARD', 't'],
        ['SREM', 't', 'b', '1'],
      ];
      for (const command of commands) {
        await writer.same(...command);
        await writer.same('PUBLISH', MARKER, 'end');
        const [redis, kvik] = await Promise.all([
          messagesUntilMarker(subscriber.redis),
          messagesUntilMarker(subscriber.kvik),
        ]);
        assert.deepEqual(kvik, redis, `notifications of ${command.join(' ')}`);
      }
    } finally {
      subscriber.close();
      await writer.same('CONFIG', 'SET', 'notify-keyspace-events', '');
    }
  });
});

describe('set writes count changes as Redis does', () => {
  async function changes(pair: DiffPair): Promise<{ redis: number; kvik: number }> {
    const { redis, kvik } = await pair.both('INFO', 'persistence');
    const field = (info: string) => Number(/rdb_changes_since_last_save:(\d+)/.exec(info)![1]);
    return { redis: field(redis), kvik: field(kvik) };
  }

  it('each write adds to rdb_changes_since_last_save what it adds in Redis', async () => {
    const pair = await freshPair();
    const commands: Command[] = [
      ['SADD', 's', 'a', 'b', 'c', '1'],
      ['SADD', 's', 'a', 'd'],
      ['SREM', 's', 'a', 'b', 'zz'],
      ['SMOVE', 's', 't', 'c'],
      ['SMOVE', 's', 't', 'zz'],
      ['SADD', 't', 'd'],
      ['SMOVE', 's', 't', 'd'],
      ['SPOP', 's'],
      ['SADD', 'p', ...Array.from({ length: 20 }, (_, i) => String(i))],
      ['SPOP', 'p', '3'],
      ['SPOP', 'p', '16'],
      ['SPOP', 'p', '5'],
      ['SADD', 'x', '1', '2'],
      ['SINTERSTORE', 'd', 'x', 'x'],
      ['SUNIONSTORE', 'd', 'x', 'none'],
      ['SDIFFSTORE', 'd', 'x', 'x'],
      ['SDIFFSTORE', 'd', 'x', 'x'],
      ['SISMEMBER', 'x', '1'],
    ];
    for (const command of commands) {
      const before = await changes(pair);
      // SPOP's members are random: only the counts are compared.
      if (command[0] === 'SPOP') await pair.both(...command);
      else await pair.same(...command);
      const after = await changes(pair);
      assert.equal(after.kvik - before.kvik, after.redis - before.redis, command.join(' '));
    }
  });
});
