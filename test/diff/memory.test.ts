import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseReply, type ReplyNode } from '../meta/reply-tree.js';
import { useDiffServers, type DiffPair } from '../helpers/diff.js';

const env = useDiffServers();

/** Runs `body` with the parameters set on both servers, then puts the defaults back. */
async function withConfig(
  pair: DiffPair,
  config: Record<string, string>,
  body: () => Promise<void>,
): Promise<void> {
  for (const [name, value] of Object.entries(config)) await pair.same('CONFIG', 'SET', name, value);
  try {
    await body();
  } finally {
    await pair.same('CONFIG', 'SET', 'maxmemory', '0');
    await pair.same('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
  }
}

/** The keys of a map reply, nested maps as "name.key" (MEMORY STATS' shape). */
function mapKeys(node: ReplyNode): string[] {
  assert.ok(node.kind === 'map' || node.kind === 'array', node.kind);
  const items = node.kind === 'map' ? node.entries.flat() : node.items;
  const keys: string[] = [];
  for (let i = 0; i < items.length; i += 2) {
    const name = items[i];
    assert.equal(name.kind, 'bulk');
    const value = items[i + 1];
    keys.push(name.text);
    if (value.kind === 'map' || value.kind === 'array') {
      for (const sub of mapKeys(value)) keys.push(`${name.text}.${sub}`);
    }
  }
  return keys;
}

describe('maxmemory', () => {
  it('refuses commands that may grow memory past maxmemory under noeviction, as Redis', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SET', 'k', 'v'],
      ['RPUSH', 'list', 'a'],
    ]);
    // Below what either server uses when empty: every command that may grow memory is refused.
    await withConfig(pair, { maxmemory: '1' }, async () => {
      await pair.sameAll([
        ['SET', 'k', 'w'],
        ['APPEND', 'k', 'x'],
        ['RPUSH', 'list', 'b'],
        ['GET', 'k'],
        ['LPOP', 'list'],
        ['EXISTS', 'k'],
        ['MULTI'],
        ['SET', 'x', '1'],
        ['GET', 'k'],
        ['EXEC'],
        ['MULTI'],
        ['DISCARD'],
        ['DEL', 'k'],
      ]);
    });
  });

  it('refuses the first write of a script that may grow memory past maxmemory, as Redis', async () => {
    const pair = await env.pair();
    const library = "#!lua name=lib\nredis.register_function('f', function() return 1 end)";
    await pair.sameAll([
      ['SET', 'k', 'v'],
      ['FUNCTION', 'FLUSH'],
      ['FUNCTION', 'LOAD', library],
    ]);
    try {
      await withConfig(pair, { maxmemory: '1' }, async () => {
        await pair.sameAll([
          ['EVAL', "return redis.call('set', 'x', '1')", '0'],
          ['EVAL', "redis.call('get', 'k'); return redis.call('set', 'x', '1')", '0'],
          ['EVAL', "return redis.pcall('set', 'x', '1')", '0'],
          ['EVAL', "redis.call('del', 'k'); return redis.call('set', 'x', '1')", '0'],
          ['EVAL', "#!lua\nreturn redis.call('get', 'k')", '0'],
          ['EVAL', "#!lua flags=allow-oom\nreturn redis.call('set', 'x', '1')", '0'],
          ['EVAL', "#!lua flags=no-writes\nreturn redis.call('get', 'x')", '0'],
          ['FCALL', 'f', '0'],
          ['FCALL_RO', 'f', '0'],
          ['EVAL_RO', "#!lua\nreturn redis.call('get', 'k')", '0'],
          ['EVAL_RO', "#!lua flags=no-writes\nreturn redis.call('get', 'k')", '0'],
          ['FUNCTION', 'LOAD', 'REPLACE', library],
        ]);
      });
    } finally {
      await pair.same('FUNCTION', 'FLUSH');
    }
  });

  it('OBJECT FREQ and IDLETIME answer by the policy, with Redis errors otherwise', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SET', 'k', 'v'],
      ['OBJECT', 'FREQ', 'k'],
      ['OBJECT', 'IDLETIME', 'k'],
      ['OBJECT', 'FREQ', 'missing'],
    ]);
    await withConfig(pair, { 'maxmemory-policy': 'allkeys-lfu' }, async () => {
      await pair.sameAll([
        ['SET', 'fresh', 'v'],
        ['OBJECT', 'FREQ', 'fresh'],
        ['OBJECT', 'IDLETIME', 'fresh'],
        ['OBJECT', 'IDLETIME', 'missing'],
      ]);
    });
    await withConfig(pair, { 'maxmemory-policy': 'volatile-lfu' }, async () => {
      await pair.same('OBJECT', 'IDLETIME', 'k');
    });
  });

  it('reports the INFO memory fields of Redis, in its order', async () => {
    const pair = await env.pair();
    const { redis, kvik } = await pair.both('INFO', 'memory');
    const names = (text: string) => [...text.matchAll(/^([a-z_]+):/gm)].map((m) => m[1]);
    assert.deepEqual(names(kvik), names(redis));
    await withConfig(
      pair,
      { maxmemory: '104857600', 'maxmemory-policy': 'allkeys-lru' },
      async () => {
        const after = await pair.both('INFO', 'memory');
        for (const field of ['maxmemory', 'maxmemory_human', 'maxmemory_policy']) {
          const value = (text: string) => new RegExp(`^${field}:(.*)\r$`, 'm').exec(text)?.[1];
          assert.equal(value(after.kvik), value(after.redis), field);
        }
      },
    );
  });
});

describe('MEMORY', () => {
  it('USAGE answers null for a missing key and refuses bad options as Redis', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SET', 'k', 'v'],
      ['MEMORY', 'USAGE', 'missing'],
      ['MEMORY', 'USAGE', 'missing', 'SAMPLES', '3'],
      ['MEMORY', 'USAGE', 'k', 'SAMPLES', '-1'],
      ['MEMORY', 'USAGE', 'k', 'SAMPLES', 'x'],
      ['MEMORY', 'USAGE', 'k', 'SAMPLES'],
      ['MEMORY', 'USAGE', 'k', 'OTHER'],
      ['MEMORY', 'USAGE'],
      ['MEMORY', 'STATS', 'x'],
      ['MEMORY', 'NOPE'],
      ['MEMORY', 'HELP'],
      ['MEMORY', 'PURGE'],
      ['MEMORY', 'DOCTOR'],
    ]);
    const { kvik } = await pair.both('MEMORY', 'USAGE', 'k', 'SAMPLES', '0');
    assert.match(kvik, /^:\d+\r\n$/);
  });

  it('MALLOC-STATS replies text, as Redis (whose text is the report of jemalloc)', async () => {
    const pair = await env.pair();
    const { redis, kvik } = await pair.both('MEMORY', 'MALLOC-STATS');
    assert.equal(parseReply(kvik).kind, parseReply(redis).kind);
  });

  it('STATS has the fields of Redis 7.0, in its order, in RESP2 and RESP3', async () => {
    const pair = await env.pair();
    await pair.same('SET', 'k', 'v');
    for (const protocol of ['2', '3']) {
      // HELLO's reply holds each server's own client id.
      await pair.both('HELLO', protocol);
      const { redis, kvik } = await pair.both('MEMORY', 'STATS');
      assert.deepEqual(mapKeys(parseReply(kvik)), mapKeys(parseReply(redis)));
    }
    await pair.both('HELLO', '2');
  });
});
