import assert from 'node:assert/strict';
import net from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { useHarness } from '../helpers/in-process.js';
import { RawClient, encodeCommand } from '../helpers/raw-client.js';

const harness = useHarness();
const sockets: net.Socket[] = [];
afterEach(() => sockets.splice(0).forEach((socket) => socket.destroy()));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Opens a socket; resolves once connected with a promise of everything it received until the
 * server closed it (or the test ends).
 */
function open(port: number): Promise<{ closed: Promise<string> }> {
  return new Promise((connected) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    sockets.push(socket);
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
    socket.once('connect', () => connected({ closed }));
  });
}

describe('client limits', () => {
  it('maxclients 2000 with 2100 sockets refuses exactly 100 with Redis error', async () => {
    const h = await harness({ config: { maxclients: '2000' } });
    // The harness's own client is one of the 2000. Batches stay under the listen backlog.
    const closings: Promise<string>[] = [];
    for (let batch = 0; batch < 21; batch++) {
      const batchOf = Array.from({ length: 100 }, () => open(h.server.port));
      for (const socket of await Promise.all(batchOf)) closings.push(socket.closed);
    }
    while (h.server.connectedClients < 2000) await sleep(10);
    await sleep(200);
    const refused = await Promise.all(closings.slice(1999));
    assert.equal(refused.length, 101);
    for (const reply of refused) assert.equal(reply, '-ERR max number of clients reached\r\n');
    assert.equal(h.server.connectedClients, 2000);
    assert.match(await h.call('INFO', 'stats'), /rejected_connections:101\r\n/);
  });

  it('a subscriber that never reads is dropped at the pubsub hard limit and memory stays bounded', async () => {
    const h = await harness();
    await h.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1mb 0 0');
    const subscriber = net.connect({ port: h.server.port, host: '127.0.0.1' });
    sockets.push(subscriber);
    await new Promise((resolve) => subscriber.once('connect', resolve));
    subscriber.write(encodeCommand(['SUBSCRIBE', 'news']));
    await sleep(50);
    subscriber.pause();
    const closed = new Promise((resolve) => subscriber.once('close', resolve));
    const message = 'x'.repeat(64 * 1024);
    const publisher = await RawClient.connect(h.server.port);
    const rssBefore = process.memoryUsage().rss;
    let omemSeen = 0;
    // 96 MB published in all: without the limit the server would hold every byte for the subscriber.
    for (let i = 0; i < 1500; i++) {
      await publisher.call('PUBLISH', 'news', message);
      if (i % 100 === 0) {
        for (const match of (await publisher.call('CLIENT', 'LIST')).matchAll(/ omem=(\d+)/g)) {
          omemSeen = Math.max(omemSeen, Number(match[1]));
        }
      }
    }
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    publisher.close();
    subscriber.resume();
    assert.equal(await Promise.race([closed.then(() => 'closed'), sleep(5000)]), 'closed');
    assert.ok(omemSeen <= 1024 * 1024 + message.length, `omem ${omemSeen}`);
    assert.ok(rssGrowth < 48 * 1024 * 1024, `RSS grew by ${rssGrowth} bytes`);
    const list = await h.call('CLIENT', 'LIST');
    assert.doesNotMatch(list, /flags=P/);
    for (const match of list.matchAll(/ omem=(\d+)/g)) assert.equal(match[1], '0');
    assert.match(await h.call('PUBSUB', 'NUMSUB', 'news'), /:0\r\n$/);
  });

  it('a subscriber over the soft limit is dropped only once it stayed over for the soft seconds', async () => {
    const h = await harness();
    await h.call('CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 0 1mb 10');
    const subscriber = net.connect({ port: h.server.port, host: '127.0.0.1' });
    sockets.push(subscriber);
    await new Promise((resolve) => subscriber.once('connect', resolve));
    subscriber.write(encodeCommand(['SUBSCRIBE', 'news']));
    await sleep(50);
    subscriber.pause();
    const message = 'x'.repeat(64 * 1024);
    // Enough to fill the kernel's socket buffers too: only what Node still holds counts, as in Redis.
    for (let i = 0; i < 300; i++) await h.call('PUBLISH', 'news', message);
    h.clock.advance(10_000);
    await h.call('PUBLISH', 'news', message);
    assert.match(await h.call('CLIENT', 'LIST'), /flags=P/, 'still within the soft seconds');
    h.clock.advance(1_000);
    await h.call('PUBLISH', 'news', message);
    assert.doesNotMatch(await h.call('CLIENT', 'LIST'), /flags=P/);
  });

  it('a client whose query buffer passes client-query-buffer-limit is closed without a reply', async () => {
    const h = await harness();
    await h.call('CONFIG', 'SET', 'client-query-buffer-limit', '1mb');
    const client = await RawClient.connect(h.server.port);
    client.sendRaw(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n${'v'.repeat(2_000_000)}`);
    for (let i = 0; i < 100 && !client.isClosed; i++) await sleep(20);
    assert.equal(client.isClosed, true);
    assert.equal(await h.call('EXISTS', 'k'), ':0\r\n');
  });

  it('idle clients are closed after timeout, subscribers and monitors are not', async () => {
    const h = await harness({ config: { timeout: '1', hz: '100' } });
    const idle = await RawClient.connect(h.server.port);
    const subscriber = await RawClient.connect(h.server.port);
    await subscriber.call('SUBSCRIBE', 'c');
    const monitor = await RawClient.connect(h.server.port);
    assert.equal(await monitor.call('MONITOR'), '+OK\r\n');
    await idle.call('PING');
    h.clock.advance(3000);
    await sleep(100);
    assert.equal(idle.isClosed, true);
    assert.equal(subscriber.isClosed, false);
    assert.equal(monitor.isClosed, false);
    subscriber.close();
    monitor.close();
  });

  it('CLIENT LIST shows omem of pending output and flag O for a monitor', async () => {
    const h = await harness();
    const monitor = await RawClient.connect(h.server.port);
    await monitor.call('MONITOR');
    const list = await h.call('CLIENT', 'LIST');
    assert.match(list, /flags=O db=0 .* omem=\d+ tot-mem=\d+ events=r cmd=monitor /);
    monitor.close();
  });
});
