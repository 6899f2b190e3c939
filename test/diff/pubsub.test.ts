import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { DiffPair, useDiffServers, type Command } from '../helpers/diff.js';
import { frameEnd } from '../helpers/raw-client.js';

const env = useDiffServers();
const extra: DiffPair[] = [];
after(() => extra.forEach((pair) => pair.close()));

/** More connections to the same two servers, without flushing them. */
async function connect(): Promise<DiffPair> {
  const pair = await DiffPair.connect(env.reference.port, env.kvik.port);
  extra.push(pair);
  return pair;
}

/** Reads the next frame each server pushed to this pair (a message); they must be identical. */
async function sameNext(pair: DiffPair): Promise<string> {
  const [redis, kvik] = await Promise.all([pair.redis.readReply(), pair.kvik.readReply()]);
  assert.equal(kvik, redis);
  return kvik;
}

/**
 * Reads `count` messages on both sides and compares them as a multiset: Redis 7.0 keeps patterns
 * in a hash table, so a channel several patterns match is delivered in hash order, which differs
 * from run to run.
 */
async function sameMessagesUnordered(pair: DiffPair, count: number): Promise<void> {
  const redis: string[] = [];
  const kvik: string[] = [];
  for (let i = 0; i < count; i++) {
    const [r, k] = await Promise.all([pair.redis.readReply(), pair.kvik.readReply()]);
    redis.push(r);
    kvik.push(k);
  }
  assert.deepEqual(kvik.sort(), redis.sort());
}

/** Sends a command whose reply is several frames (SUBSCRIBE a b ...) and compares them all. */
async function sameFrames(pair: DiffPair, frames: number, ...args: string[]): Promise<void> {
  await pair.same(...args);
  for (let i = 1; i < frames; i++) await sameNext(pair);
}

/** The elements of an array reply, as raw frames. */
function elements(reply: string): string[] {
  const buffer = Buffer.from(reply, 'latin1');
  const items: string[] = [];
  let at = buffer.indexOf('\r\n') + 2;
  while (at < buffer.length) {
    const end = frameEnd(buffer, at);
    items.push(buffer.toString('latin1', at, end));
    at = end;
  }
  return items;
}

/** For replies whose order Redis leaves to its hash tables: the same elements, in any order. */
async function sameElements(pair: DiffPair, ...args: Command): Promise<void> {
  const { redis, kvik } = await pair.both(...args);
  assert.deepEqual(elements(kvik).sort(), elements(redis).sort(), JSON.stringify(args));
}

/** A field of INFO or CLIENT INFO text. */
function field(text: string, name: string): string {
  return new RegExp(`(?:^|[\\s])${name}[=:]([^\\s]*)`).exec(text)?.[1] ?? '';
}

describe('SUBSCRIBE, UNSUBSCRIBE and PUBLISH against redis-server', () => {
  it('SUBSCRIBE confirms each channel with the running count and PUBLISH delivers', async () => {
    const subscriber = await env.pair();
    const publisher = await connect();
    await sameFrames(subscriber, 3, 'SUBSCRIBE', 'news', 'sport', 'news');
    await publisher.same('PUBLISH', 'news', 'hello');
    await sameNext(subscriber);
    await publisher.same('PUBLISH', 'nobody', 'x');
    await publisher.same('PUBLISH', 'sport', '');
    await sameNext(subscriber);
    await sameFrames(subscriber, 2, 'UNSUBSCRIBE', 'sport', 'unknown');
    await publisher.same('PUBLISH', 'sport', 'gone');
    await publisher.same('PUBLISH', 'news', 'still');
    await sameNext(subscriber);
    await subscriber.same('UNSUBSCRIBE');
    await subscriber.same('UNSUBSCRIBE');
    await subscriber.same('PING');
  });

  for (const protocol of ['2', '3']) {
    it(`under CLIENT REPLY OFF or SKIP, subscription confirmations still come (RESP${protocol})`, async () => {
      const pair = await env.pair();
      const publisher = await connect();
      // HELLO's reply holds the client's id, which differs between the servers.
      if (protocol === '3') await pair.both('HELLO', '3');
      // Nothing is replied to CLIENT REPLY OFF; the confirmations are the first frames read.
      for (const client of [pair.redis, pair.kvik]) {
        client.sendRaw('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n');
        client.sendRaw('*3\r\n$9\r\nSUBSCRIBE\r\n$1\r\na\r\n$1\r\nb\r\n');
        client.sendRaw('*2\r\n$10\r\nPSUBSCRIBE\r\n$2\r\nc*\r\n');
      }
      for (let i = 0; i < 3; i++) await sameNext(pair);
      await publisher.same('PUBLISH', 'a', 'hello');
      await sameNext(pair);
      for (const client of [pair.redis, pair.kvik]) {
        client.sendRaw('*3\r\n$11\r\nUNSUBSCRIBE\r\n$1\r\na\r\n$1\r\nb\r\n');
        client.sendRaw('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$2\r\nON\r\n');
        client.sendRaw('*2\r\n$12\r\nPUNSUBSCRIBE\r\n$2\r\nc*\r\n');
      }
      // Two unsubscribe confirmations, CLIENT REPLY ON's OK, the last confirmation. A subscribed
      // RESP2 client may not run CLIENT REPLY: its error is not sent, the reply mode stays off.
      for (let i = 0; i < (protocol === '3' ? 4 : 3); i++) await sameNext(pair);
      await pair.same('CLIENT', 'REPLY', 'ON');
      await pair.same('PING');
    });
  }

  it('messages and channels are binary safe', async () => {
    const subscriber = await env.pair();
    const publisher = await connect();
    const channel = Buffer.from([0, 13, 10, 255, 128, 42]);
    await subscriber.same('SUBSCRIBE', channel.toString('latin1'));
    await publisher.same('PUBLISH', channel, Buffer.from([0, 1, 2, 13, 10, 200]));
    await sameNext(subscriber);
    await publisher.same('PUBLISH', channel, 'x'.repeat(100_000));
    await sameNext(subscriber);
  });

  it('every subscriber of a channel gets the message and PUBLISH counts them', async () => {
    const first = await env.pair();
    const second = await connect();
    const publisher = await connect();
    await first.same('SUBSCRIBE', 'c');
    await second.same('SUBSCRIBE', 'c');
    await second.same('PSUBSCRIBE', 'c*');
    await publisher.same('PUBLISH', 'c', 'm');
    await sameNext(first);
    await sameNext(second);
    await sameNext(second);
    await publisher.same('PUBSUB', 'NUMSUB', 'c', 'd', 'c');
    await publisher.same('PUBSUB', 'NUMPAT');
  });

  it('a subscribed RESP2 client may only subscribe, unsubscribe, PING, QUIT and RESET', async () => {
    const pair = await env.pair();
    await pair.same('SUBSCRIBE', 'c');
    await pair.sameAll([
      ['PING'],
      ['PING', 'hello'],
      ['PING', 'a', 'b'],
      ['GET', 'k'],
      ['SET', 'k', 'v'],
      ['CLIENT', 'LIST'],
      ['CONFIG', 'GET', 'maxmemory'],
      ['MULTI'],
      ['NOSUCH'],
      ['GET'],
      ['PSUBSCRIBE', 'p*'],
      ['SSUBSCRIBE', 's'],
      ['PUNSUBSCRIBE'],
      ['SUNSUBSCRIBE'],
      ['GET', 'k'],
      ['UNSUBSCRIBE'],
      ['GET', 'k'],
      ['PING'],
    ]);
  });

  it('RESET ends every subscription and QUIT closes a subscribed client', async () => {
    const pair = await env.pair();
    await sameFrames(pair, 2, 'SUBSCRIBE', 'a', 'b');
    await pair.same('PSUBSCRIBE', 'x*');
    await pair.same('RESET');
    await pair.same('GET', 'k');
    await pair.same('PUBSUB', 'NUMSUB', 'a', 'b');
    await pair.same('PUBSUB', 'NUMPAT');
    await pair.same('SUBSCRIBE', 'a');
    await pair.same('QUIT');
    const other = await connect();
    // The closed client's subscription is gone once the server noticed the disconnection.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await other.same('PUBSUB', 'NUMSUB', 'a');
  });

  it('in RESP3 messages are push frames and every command is allowed', async () => {
    const pair = await env.pair();
    const publisher = await connect();
    await pair.redis.call('HELLO', '3');
    await pair.kvik.call('HELLO', '3');
    await sameFrames(pair, 2, 'SUBSCRIBE', 'c', 'd');
    await pair.sameAll([['PING'], ['PING', 'x'], ['SET', 'k', 'v'], ['GET', 'k'], ['GET', 'nil']]);
    await publisher.same('PUBLISH', 'c', 'from another');
    await sameNext(pair);
    // A client's own message arrives before the reply to its PUBLISH.
    await pair.same('PUBLISH', 'd', 'to myself');
    await sameNext(pair);
    await pair.same('PSUBSCRIBE', 'c*');
    await pair.same('PUBLISH', 'c', 'twice');
    await sameNext(pair);
    await sameNext(pair);
    await pair.same('PUNSUBSCRIBE', 'c*');
    await pair.same('UNSUBSCRIBE', 'c');
    await pair.same('UNSUBSCRIBE');
    await pair.same('UNSUBSCRIBE');
  });
});

describe('PSUBSCRIBE against redis-server', () => {
  it('patterns match with Redis glob rules and pmessage names the pattern', async () => {
    const subscriber = await env.pair();
    const publisher = await connect();
    const patterns = ['news.*', 'h?llo', 'h[ae]llo', 'x[^a]y', 'a\\*b', '[a-c]z', 'lit*'];
    for (const pattern of patterns) await subscriber.same('PSUBSCRIBE', pattern);
    await subscriber.same('PSUBSCRIBE', 'news.*');
    for (const channel of ['news.it', 'news.', 'news', 'hallo', 'hbllo', 'xby', 'xay', 'a*b']) {
      const receivers = await publisher.same('PUBLISH', channel, `to ${channel}`);
      await sameMessagesUnordered(subscriber, Number(receivers.slice(1, -2)));
    }
    await publisher.same('PUBLISH', 'bz', 'one');
    await sameNext(subscriber);
    await publisher.same('PUBSUB', 'NUMPAT');
    await subscriber.same('PUNSUBSCRIBE', 'h?llo', 'none');
    await sameNext(subscriber);
    await publisher.same('PUBSUB', 'NUMPAT');
    // Without arguments patterns end in the order they were subscribed.
    await sameFrames(subscriber, 6, 'PUNSUBSCRIBE');
    await subscriber.same('PUNSUBSCRIBE');
  });

  it('a channel matching several patterns of one client is delivered once per pattern', async () => {
    const subscriber = await env.pair();
    const publisher = await connect();
    await subscriber.same('SUBSCRIBE', 'abc');
    await subscriber.same('PSUBSCRIBE', 'a*');
    await publisher.same('PUBLISH', 'abc', 'm');
    await sameNext(subscriber);
    await sameNext(subscriber);
    await subscriber.same('UNSUBSCRIBE', 'abc');
    await subscriber.same('PUNSUBSCRIBE', 'a*');
  });

  it('random patterns match random channels exactly as in Redis', async () => {
    const subscriber = await env.pair();
    const publisher = await connect();
    const byte = fc.constantFrom(...'ab?*[]^-\\\x00\xff'.split(''));
    const word = fc.array(byte, { minLength: 1, maxLength: 6 }).map((chars) => chars.join(''));
    const plain = fc
      .array(fc.constantFrom(...'ab-^]\\*\x00\xff'.split('')), { maxLength: 6 })
      .map((chars) => chars.join(''));
    await fc.assert(
      fc.asyncProperty(word, plain, async (pattern, channel) => {
        await subscriber.same('PSUBSCRIBE', pattern);
        const receivers = await publisher.same('PUBLISH', channel, 'm');
        if (receivers === ':1\r\n') await sameNext(subscriber);
        await subscriber.same('PUNSUBSCRIBE', pattern);
      }),
      { numRuns: 150 },
    );
  });
});

describe('shard channels against redis-server', () => {
  it('SSUBSCRIBE, SPUBLISH and SUNSUBSCRIBE count shard channels apart', async () => {
    const subscriber = await env.pair();
    const publisher = await connect();
    await subscriber.same('SUBSCRIBE', 'c');
    await sameFrames(subscriber, 2, 'SSUBSCRIBE', 's1', 's2');
    await publisher.same('SPUBLISH', 's1', 'shard message');
    await sameNext(subscriber);
    await publisher.same('PUBLISH', 's1', 'not for shard subscribers');
    await publisher.same('SPUBLISH', 'c', 'not for plain subscribers');
    await publisher.same('PUBSUB', 'SHARDNUMSUB', 's1', 's3');
    await publisher.same('PUBSUB', 'SHARDCHANNELS', 's1');
    await publisher.same('PUBSUB', 'SHARDCHANNELS', 'x*');
    await publisher.same('PUBSUB', 'NUMSUB', 's1');
    await subscriber.same('SUNSUBSCRIBE', 's2');
    await subscriber.same('UNSUBSCRIBE');
    // Still subscribed to a shard channel: still in Pub/Sub mode.
    await subscriber.same('GET', 'k');
    await subscriber.same('SUNSUBSCRIBE');
    await subscriber.same('SUNSUBSCRIBE');
    await subscriber.same('GET', 'k');
  });

  it('SSUBSCRIBE is refused inside a transaction, SUBSCRIBE is not', async () => {
    const pair = await env.pair();
    await pair.sameAll([['MULTI'], ['SSUBSCRIBE', 's'], ['SUBSCRIBE', 'c'], ['EXEC']]);
    await pair.same('PING');
    await pair.same('UNSUBSCRIBE');
  });
});

describe('PUBSUB introspection against redis-server', () => {
  it('PUBSUB CHANNELS lists active channels, matching a pattern', async () => {
    const subscriber = await env.pair();
    const other = await connect();
    await sameElements(other, 'PUBSUB', 'CHANNELS');
    await subscriber.same('SUBSCRIBE', 'news.tech');
    await sameElements(other, 'PUBSUB', 'CHANNELS');
    await other.same('PUBSUB', 'CHANNELS', 'news.*');
    await other.same('PUBSUB', 'CHANNELS', 'sport.*');
    await other.same('PUBSUB', 'NUMSUB');
    await sameElements(other, 'PUBSUB', 'SHARDCHANNELS');
    await other.same('PUBSUB', 'SHARDNUMSUB');
    await subscriber.same('UNSUBSCRIBE');
    await other.same('PUBSUB', 'CHANNELS', 'news.*');
  });

  it('PUBSUB refuses extra arguments and unknown subcommands, and prints its help', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['PUBSUB'],
      ['PUBSUB', 'CHANNELS', 'a', 'b'],
      ['PUBSUB', 'SHARDCHANNELS', 'a', 'b'],
      ['PUBSUB', 'NUMPAT', 'x'],
      ['PUBSUB', 'NOSUCH'],
      ['PUBSUB', 'HELP'],
      ['PUBSUB', 'help', 'x'],
      ['PUBLISH', 'c'],
      ['SPUBLISH', 'c', 'm', 'x'],
      ['SUBSCRIBE'],
      ['PSUBSCRIBE'],
      ['SSUBSCRIBE'],
    ]);
    await pair.redis.call('HELLO', '3');
    await pair.kvik.call('HELLO', '3');
    await pair.sameAll([
      ['PUBSUB', 'HELP'],
      ['PUBSUB', 'NUMSUB', 'a'],
    ]);
  });

  it('CLIENT KILL TYPE pubsub closes the subscribed clients only', async () => {
    const pair = await env.pair();
    const subscriber = await connect();
    await subscriber.same('PSUBSCRIBE', 'kill-me*');
    await pair.same('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await pair.same('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await pair.same('PUBLISH', 'kill-me', 'x');
  });

  it('CLIENT INFO and INFO count the subscriptions of every kind', async () => {
    const pair = await env.pair();
    await pair.redis.call('HELLO', '3');
    await pair.kvik.call('HELLO', '3');
    await sameFrames(pair, 2, 'SUBSCRIBE', 'a', 'b');
    await sameFrames(pair, 3, 'PSUBSCRIBE', 'p1', 'p2', 'p3');
    await pair.same('SSUBSCRIBE', 's');
    const info = await pair.both('CLIENT', 'INFO');
    for (const name of ['flags', 'sub', 'psub', 'ssub']) {
      assert.equal(field(info.kvik, name), field(info.redis, name), name);
    }
    const stats = await pair.both('INFO', 'stats');
    for (const name of ['pubsub_channels', 'pubsub_patterns', 'pubsubshard_channels']) {
      assert.equal(field(stats.kvik, name), field(stats.redis, name), name);
    }
    const list = await pair.both('CLIENT', 'LIST', 'TYPE', 'pubsub');
    assert.equal(field(list.kvik, 'flags'), field(list.redis, 'flags'));
    await pair.same('RESET');
  });
});
