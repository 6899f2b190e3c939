import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { DiffPair, useDiffServers, type Command } from '../helpers/diff.js';
import type { RawClient } from '../helpers/raw-client.js';

const env = useDiffServers();
const extra: DiffPair[] = [];
after(() => extra.forEach((pair) => pair.close()));

/** More connections to the same two servers, without flushing them. */
async function connect(): Promise<DiffPair> {
  const pair = await DiffPair.connect(env.reference.port, env.kvik.port);
  extra.push(pair);
  return pair;
}

async function resp3(pair: DiffPair): Promise<void> {
  await pair.redis.call('HELLO', '3');
  await pair.kvik.call('HELLO', '3');
}

/** Reads the next frame each server pushed to this pair; they must be identical. */
async function sameNext(pair: DiffPair): Promise<string> {
  const [redis, kvik] = await Promise.all([pair.redis.readReply(), pair.kvik.readReply()]);
  assert.equal(kvik, redis);
  return kvik;
}

/** Each server's id for one client pair. */
async function idsOf(pair: DiffPair): Promise<[string, string]> {
  return Promise.all([idOf(pair.redis), idOf(pair.kvik)]);
}

/** A command naming a client by id, which differs between the servers (as does its reply). */
async function sameWithId(
  pair: DiffPair,
  [redisId, kvikId]: [string, string],
  build: (id: string) => Command,
): Promise<string> {
  const [redis, kvik] = await Promise.all([
    pair.redis.call(...build(redisId)),
    pair.kvik.call(...build(kvikId)),
  ]);
  assert.equal(kvik.replaceAll(kvikId, 'ID'), redis.replaceAll(redisId, 'ID'));
  return kvik;
}

async function idOf(client: RawClient): Promise<string> {
  return (await client.call('CLIENT', 'ID')).slice(1, -2);
}

/** Nothing more was pushed: the next frame is the reply to a PING. */
async function nothingPending(pair: DiffPair): Promise<void> {
  const pong = await pair.same('PING');
  assert.ok(pong === '+PONG\r\n' || pong.includes('pong'), pong);
}

describe('CLIENT TRACKING options against redis-server', () => {
  it('refuses bad and incompatible options with Redis errors', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['CLIENT', 'TRACKING'],
      ['CLIENT', 'TRACKING', 'maybe'],
      ['CLIENT', 'TRACKING', 'on', 'redirect'],
      ['CLIENT', 'TRACKING', 'on', 'redirect', 'x'],
      ['CLIENT', 'TRACKING', 'on', 'redirect', '999999'],
      ['CLIENT', 'TRACKING', 'on', 'redirect', '0'],
      ['CLIENT', 'TRACKING', 'on', 'redirect', '-1'],
      ['CLIENT', 'TRACKING', 'on', 'prefix', 'a'],
      ['CLIENT', 'TRACKING', 'on', 'bcast', 'optin'],
      ['CLIENT', 'TRACKING', 'on', 'bcast', 'optout'],
      ['CLIENT', 'TRACKING', 'on', 'optin', 'optout'],
      ['CLIENT', 'TRACKING', 'on', 'foo'],
      ['CLIENT', 'TRACKING', 'maybe', 'bcast'],
      ['CLIENT', 'TRACKING', 'off', 'foo'],
      ['CLIENT', 'TRACKING', 'off', 'bcast'],
      ['CLIENT', 'CACHING', 'yes'],
      ['CLIENT', 'CACHING'],
      ['CLIENT', 'GETREDIR', 'x'],
      ['CLIENT', 'TRACKINGINFO', 'x'],
    ]);
    const other = await connect();
    await sameWithId(pair, await idsOf(other), (id) => [
      'CLIENT',
      'TRACKING',
      'on',
      'REDIRECT',
      id,
      'REDIRECT',
      id,
    ]);
  });

  it('OPTIN, OPTOUT and BCAST cannot be switched without turning tracking off', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['CLIENT', 'GETREDIR'],
      ['CLIENT', 'TRACKINGINFO'],
      ['CLIENT', 'TRACKING', 'on', 'optin'],
      ['CLIENT', 'CACHING', 'no'],
      ['CLIENT', 'CACHING', 'maybe'],
      ['CLIENT', 'CACHING', 'yes'],
      ['CLIENT', 'TRACKINGINFO'],
      ['CLIENT', 'TRACKING', 'on', 'optout'],
      ['CLIENT', 'TRACKING', 'on', 'bcast'],
      ['CLIENT', 'TRACKING', 'on', 'noloop'],
      ['CLIENT', 'TRACKINGINFO'],
      ['CLIENT', 'GETREDIR'],
      ['CLIENT', 'TRACKING', 'off'],
      ['CLIENT', 'TRACKING', 'on', 'optout', 'noloop'],
      ['CLIENT', 'CACHING', 'yes'],
      ['CLIENT', 'CACHING', 'no'],
      ['CLIENT', 'TRACKINGINFO'],
      ['CLIENT', 'TRACKING', 'off'],
      ['CLIENT', 'TRACKINGINFO'],
    ]);
  });

  it('BCAST prefixes add up and may not overlap, with Redis quirks kept', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'ab', 'prefix', 'a'],
      ['CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'x\0y', 'prefix', 'x'],
      ['CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'user:', 'prefix', 'order:'],
      ['CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'user:1'],
      ['CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'use'],
      ['CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'item:'],
      ['CLIENT', 'TRACKINGINFO'],
    ]);
    // Redis answers an overlap between later new prefixes with an error and then OK.
    await pair.same(
      'CLIENT',
      'TRACKING',
      'on',
      'bcast',
      'prefix',
      'p',
      'prefix',
      'q',
      'prefix',
      'qr',
    );
    await sameNext(pair);
    await pair.sameAll([
      ['CLIENT', 'TRACKINGINFO'],
      ['CLIENT', 'TRACKING', 'off'],
    ]);
    await pair.same('CLIENT', 'TRACKING', 'on', 'bcast');
    await pair.same('CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'a');
    await resp3(pair);
    await pair.same('CLIENT', 'TRACKINGINFO');
  });
});

describe('invalidation messages against redis-server', () => {
  it('a RESP3 client hears once of each key it read, when another client changes it', async () => {
    const tracker = await env.pair();
    const writer = await connect();
    await resp3(tracker);
    await tracker.sameAll([
      ['CLIENT', 'TRACKING', 'on'],
      ['GET', 'a'],
      ['MGET', 'b', 'c', 'a'],
    ]);
    await writer.same('SET', 'a', '1');
    await sameNext(tracker);
    // Not read again since: no second message.
    await writer.same('SET', 'a', '2');
    // Deleting a missing key changes nothing, and invalidates nothing.
    await writer.same('DEL', 'b', 'c');
    await writer.same('MSET', 'b', '1', 'c', '2');
    await sameNext(tracker);
    await sameNext(tracker);
    await nothingPending(tracker);
    await tracker.same('HGETALL', 'h');
    await writer.same('HSET', 'h', 'f', 'v');
    await sameNext(tracker);
    await tracker.same('CLIENT', 'TRACKING', 'off');
  });

  it('the tracking client own change is invalidated after its reply, unless NOLOOP', async () => {
    const tracker = await env.pair();
    await resp3(tracker);
    await tracker.sameAll([
      ['CLIENT', 'TRACKING', 'on'],
      ['GET', 'k'],
      ['SET', 'k', 'v'],
    ]);
    await sameNext(tracker);
    await tracker.sameAll([
      ['GET', 'k'],
      ['MULTI'],
      ['SET', 'k', '1'],
      ['GET', 'k'],
      ['INCR', 'k'],
    ]);
    await tracker.same('EXEC');
    await sameNext(tracker);
    await sameNext(tracker);
    await tracker.sameAll([
      ['CLIENT', 'TRACKING', 'on', 'NOLOOP'],
      ['GET', 'k'],
      ['SET', 'k', 'x'],
    ]);
    await nothingPending(tracker);
    await tracker.same('CLIENT', 'TRACKING', 'off');
  });

  it('FLUSHALL and FLUSHDB invalidate everything with a null', async () => {
    const tracker = await env.pair();
    const writer = await connect();
    await resp3(tracker);
    await tracker.sameAll([
      ['CLIENT', 'TRACKING', 'on'],
      ['GET', 'k'],
    ]);
    await writer.same('FLUSHDB');
    await sameNext(tracker);
    await tracker.same('FLUSHALL');
    await sameNext(tracker);
    await tracker.same('CLIENT', 'TRACKING', 'off');
  });

  it('expiry of a cached key invalidates it', async () => {
    const tracker = await env.pair();
    const writer = await connect();
    await resp3(tracker);
    await writer.same('SET', 'k', 'v', 'PX', '300');
    await tracker.sameAll([
      ['CLIENT', 'TRACKING', 'on'],
      ['GET', 'k'],
    ]);
    // Deleted by the active cycle or by the GET below: either way the cached key is invalidated.
    await new Promise((resolve) => setTimeout(resolve, 400));
    await writer.same('GET', 'k');
    await sameNext(tracker);
    await tracker.same('CLIENT', 'TRACKING', 'off');
  });

  it('OPTIN remembers only after CACHING YES, OPTOUT all but after CACHING NO', async () => {
    const tracker = await env.pair();
    const writer = await connect();
    await resp3(tracker);
    await tracker.sameAll([
      ['CLIENT', 'TRACKING', 'on', 'OPTIN'],
      ['GET', 'not-cached'],
      ['CLIENT', 'CACHING', 'yes'],
      ['GET', 'cached'],
      ['GET', 'not-cached-either'],
      ['CLIENT', 'CACHING', 'yes'],
      ['MULTI'],
      ['GET', 'in-multi'],
      ['EXEC'],
    ]);
    await writer.sameAll([
      ['SET', 'not-cached', '1'],
      ['SET', 'not-cached-either', '1'],
      ['SET', 'cached', '1'],
      ['SET', 'in-multi', '1'],
    ]);
    await sameNext(tracker);
    await sameNext(tracker);
    await nothingPending(tracker);
    await tracker.sameAll([
      ['CLIENT', 'TRACKING', 'off'],
      ['CLIENT', 'TRACKING', 'on', 'OPTOUT'],
      ['CLIENT', 'CACHING', 'no'],
      ['GET', 'skipped'],
      ['GET', 'remembered'],
    ]);
    await writer.sameAll([
      ['SET', 'skipped', '1'],
      ['SET', 'remembered', '1'],
    ]);
    await sameNext(tracker);
    await nothingPending(tracker);
    await tracker.same('CLIENT', 'TRACKING', 'off');
  });

  it('BCAST announces every change under its prefixes, sorted, once per event-loop turn', async () => {
    const tracker = await env.pair();
    const writer = await connect();
    await resp3(tracker);
    await tracker.same('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'user:', 'PREFIX', 'x');
    // A pipeline: the changes reach Redis together and come back as one message per prefix.
    writer.redis.sendRaw('SET user:2 a\r\nSET user:1 b\r\nSET other c\r\nSET xy d\r\n');
    writer.kvik.sendRaw('SET user:2 a\r\nSET user:1 b\r\nSET other c\r\nSET xy d\r\n');
    for (let i = 0; i < 4; i++) await sameNext(writer);
    assert.ok((await sameNext(tracker)).includes('user:1'));
    assert.ok((await sameNext(tracker)).includes('xy'));
    const info = await tracker.both('CLIENT', 'INFO');
    assert.equal(/flags=(\S+)/.exec(info.kvik)?.[1], /flags=(\S+)/.exec(info.redis)?.[1]);
    await tracker.same('CLIENT', 'TRACKING', 'off');
  });

  it('BCAST with NOLOOP leaves out the keys the client changed itself', async () => {
    const tracker = await env.pair();
    const writer = await connect();
    await resp3(tracker);
    await tracker.same('CLIENT', 'TRACKING', 'on', 'BCAST', 'NOLOOP');
    await tracker.same('SET', 'mine', '1');
    await nothingPending(tracker);
    await writer.same('SET', 'theirs', '1');
    await sameNext(tracker);
    await tracker.same('CLIENT', 'TRACKING', 'off');
  });

  it('a RESP3 client gets invalidations and Pub/Sub messages on one connection', async () => {
    const tracker = await env.pair();
    const writer = await connect();
    await resp3(tracker);
    await tracker.sameAll([
      ['CLIENT', 'TRACKING', 'on'],
      ['SUBSCRIBE', 'news'],
      ['GET', 'k'],
    ]);
    await writer.same('PUBLISH', 'news', 'first');
    await writer.same('SET', 'k', 'v');
    await sameNext(tracker);
    await sameNext(tracker);
    await tracker.sameAll([['UNSUBSCRIBE'], ['CLIENT', 'TRACKING', 'off']]);
  });

  it('RESP2 clients redirect invalidations to a client subscribed to __redis__:invalidate', async () => {
    const tracker = await env.pair();
    const listener = await connect();
    const writer = await connect();
    const ids = await idsOf(listener);
    await listener.same('SUBSCRIBE', '__redis__:invalidate');
    await sameWithId(tracker, ids, (id) => ['CLIENT', 'TRACKING', 'on', 'REDIRECT', id]);
    await sameWithId(tracker, ids, () => ['CLIENT', 'GETREDIR']);
    await sameWithId(tracker, ids, () => ['CLIENT', 'TRACKINGINFO']);
    await tracker.same('GET', 'k');
    await writer.same('SET', 'k', 'v');
    await sameNext(listener);
    await tracker.same('GET', 'k');
    await tracker.same('SET', 'k', 'mine');
    await sameNext(listener);
    await writer.same('FLUSHALL');
    await sameNext(listener);
    await tracker.same('CLIENT', 'TRACKING', 'off');
  });

  it('without a redirect a RESP2 client hears nothing; a redirect to a gone client is broken', async () => {
    const tracker = await env.pair();
    const writer = await connect();
    await tracker.sameAll([
      ['CLIENT', 'TRACKING', 'on'],
      ['GET', 'k'],
    ]);
    await writer.same('SET', 'k', 'v');
    await nothingPending(tracker);
    await tracker.same('CLIENT', 'TRACKING', 'off');

    const target = await connect();
    await resp3(tracker);
    const [redisId, kvikId] = await idsOf(target);
    await sameWithId(tracker, [redisId, kvikId], (id) => [
      'CLIENT',
      'TRACKING',
      'on',
      'REDIRECT',
      id,
    ]);
    target.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await tracker.same('GET', 'k');
    await writer.same('SET', 'k', 'w');
    const [redis, kvik] = await Promise.all([tracker.redis.readReply(), tracker.kvik.readReply()]);
    assert.equal(kvik.replace(kvikId, 'ID'), redis.replace(redisId, 'ID'));
    const info = await tracker.both('CLIENT', 'TRACKINGINFO');
    assert.equal(info.kvik.replace(kvikId, 'ID'), info.redis.replace(redisId, 'ID'));
    const flags = await tracker.both('CLIENT', 'INFO');
    assert.equal(/flags=(\S+)/.exec(flags.kvik)?.[1], /flags=(\S+)/.exec(flags.redis)?.[1]);
    await tracker.same('CLIENT', 'TRACKING', 'off');
  });
});
