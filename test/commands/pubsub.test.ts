import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ManualClock, startServer, type RunningServer } from '../../src/index.js';
import { START, useHarness, type Harness } from '../helpers/in-process.js';
import { RawClient, encodeCommand } from '../helpers/raw-client.js';

const harness = useHarness();
const clients: RawClient[] = [];
const servers: RunningServer[] = [];
afterEach(async () => {
  clients.splice(0).forEach((client) => client.close());
  for (const server of servers.splice(0)) await server.close();
});

async function connect(h: Harness): Promise<RawClient> {
  const client = await RawClient.connect(h.server.port);
  clients.push(client);
  return client;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function message(channel: string, text: string): string {
  return `*3\r\n$7\r\nmessage\r\n$${channel.length}\r\n${channel}\r\n$${text.length}\r\n${text}\r\n`;
}

describe('Pub/Sub in process', () => {
  it('UNSUBSCRIBE without arguments ends every channel, in subscription order', async () => {
    const h = await harness();
    const subscriber = await connect(h);
    await subscriber.call('SUBSCRIBE', 'b', 'a', 'c');
    await subscriber.readReply();
    await subscriber.readReply();
    const frames = [await subscriber.call('UNSUBSCRIBE')];
    frames.push(await subscriber.readReply(), await subscriber.readReply());
    assert.deepEqual(frames, [
      '*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:2\r\n',
      '*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:1\r\n',
      '*3\r\n$11\r\nunsubscribe\r\n$1\r\nc\r\n:0\r\n',
    ]);
    assert.equal(await subscriber.call('GET', 'k'), '$-1\r\n');
  });

  it('a disconnected subscriber leaves its channels and patterns', async () => {
    const h = await harness();
    const subscriber = await connect(h);
    await subscriber.call('SUBSCRIBE', 'c');
    await subscriber.call('PSUBSCRIBE', 'p*');
    await subscriber.call('SSUBSCRIBE', 's');
    assert.equal(await h.call('PUBSUB', 'NUMSUB', 'c'), '*2\r\n$1\r\nc\r\n:1\r\n');
    subscriber.close();
    await sleep(30);
    assert.equal(await h.call('PUBSUB', 'NUMSUB', 'c'), '*2\r\n$1\r\nc\r\n:0\r\n');
    assert.equal(await h.call('PUBSUB', 'NUMPAT'), ':0\r\n');
    assert.equal(await h.call('PUBSUB', 'SHARDNUMSUB', 's'), '*2\r\n$1\r\ns\r\n:0\r\n');
    assert.equal(await h.call('PUBLISH', 'c', 'x'), ':0\r\n');
  });

  it("a batch of messages reaches a subscriber in one write after the publisher's batch", async () => {
    const h = await harness();
    const subscriber = await connect(h);
    await subscriber.call('SUBSCRIBE', 'c');
    const writesBefore = h.server.stats.totalWritesProcessed;
    const pipeline = Buffer.concat(
      Array.from({ length: 50 }, (_, i) => encodeCommand(['PUBLISH', 'c', `m${i}`])),
    );
    h.client.sendRaw(pipeline);
    for (let i = 0; i < 50; i++) assert.equal(await h.client.readReply(), ':1\r\n');
    for (let i = 0; i < 50; i++) assert.equal(await subscriber.readReply(), message('c', `m${i}`));
    // One write for the publisher's replies, one for the subscriber's messages (a pipeline can
    // arrive in more than one read, hence a little room).
    assert.ok(h.server.stats.totalWritesProcessed - writesBefore <= 4);
  });

  it('the active expire cycle publishes expired events', async () => {
    // The harness listens to keyspace events itself: a plain server publishes them.
    const clock = new ManualClock(START);
    const running = await startServer({
      clock,
      config: { 'notify-keyspace-events': 'Ex', hz: 100 },
    });
    servers.push(running);
    const client = await RawClient.connect(running.port);
    const subscriber = await RawClient.connect(running.port);
    clients.push(client, subscriber);
    await subscriber.call('SUBSCRIBE', '__keyevent@0__:expired');
    await client.call('SET', 'k', 'v', 'PX', '100');
    clock.advance(200);
    assert.equal(await subscriber.readReply(2000), message('__keyevent@0__:expired', 'k'));
    assert.equal(await client.call('DBSIZE'), ':0\r\n');
  });

  it('CONFIG SET notify-keyspace-events takes effect at once, and "" stops notifications', async () => {
    const running = await startServer();
    servers.push(running);
    const client = await RawClient.connect(running.port);
    const subscriber = await RawClient.connect(running.port);
    clients.push(client, subscriber);
    await subscriber.call('PSUBSCRIBE', '__keyspace@*');
    await client.call('SET', 'quiet', '1');
    await client.call('CONFIG', 'SET', 'notify-keyspace-events', 'K$');
    await client.call('SET', 'loud', '1');
    await client.call('CONFIG', 'SET', 'notify-keyspace-events', '');
    await client.call('SET', 'quiet', '2');
    subscriber.sendRaw(encodeCommand(['PING']));
    const frames = [await subscriber.readReply(), await subscriber.readReply()];
    assert.match(frames[0], /__keyspace@0__:loud\r\n\$3\r\nset\r\n$/);
    assert.match(frames[1], /pong/);
  });
});
