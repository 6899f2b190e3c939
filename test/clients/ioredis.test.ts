import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis, type RedisOptions } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.js';

let kvik: RunningServer;
const clients: Redis[] = [];

before(async () => {
  kvik = await startServer({ port: 0 });
});

after(async () => {
  for (const client of clients) client.disconnect();
  await kvik.close();
});

/** An ioredis client on Kvik; closed after the file. */
async function connect(options: RedisOptions = {}): Promise<Redis> {
  const client = new Redis({
    port: kvik.port,
    host: '127.0.0.1',
    retryStrategy: () => 20,
    ...options,
  });
  clients.push(client);
  await client.ping();
  return client;
}

/** All 256 byte values, in an order that puts CR, LF and NUL next to each other. */
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 13) & 0xff));

function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (condition()) resolve();
      else if (Date.now() > deadline) reject(new Error('timed out'));
      else setTimeout(check, 10);
    };
    check();
  });
}

for (const protocol of [2, 3] as const) {
  describe(`ioredis over RESP${protocol}`, () => {
    it('a pipeline of 1000 commands comes back in order', async () => {
      const redis = await connect({ protocol });
      const pipeline = redis.pipeline();
      for (let i = 0; i < 250; i++) {
        pipeline.set(`p${protocol}:${i}`, `value-${i}`);
        pipeline.get(`p${protocol}:${i}`);
        pipeline.incr(`p${protocol}:counter`);
        pipeline.strlen(`p${protocol}:${i}`);
      }
      const results = await pipeline.exec();
      assert.ok(results !== null);
      assert.equal(results.length, 1000);
      for (let i = 0; i < 250; i++) {
        assert.deepEqual(results[i * 4], [null, 'OK']);
        assert.deepEqual(results[i * 4 + 1], [null, `value-${i}`]);
        assert.deepEqual(results[i * 4 + 2], [null, i + 1]);
        assert.deepEqual(results[i * 4 + 3], [null, `value-${i}`.length]);
      }
    });

    it('errors in a pipeline stay with their command', async () => {
      const redis = await connect({ protocol });
      await redis.set(`e${protocol}`, 'not a number');
      const results = await redis.pipeline().incr(`e${protocol}`).get(`e${protocol}`).exec();
      assert.ok(results !== null);
      assert.match(String(results[0][0]), /ERR value is not an integer or out of range/);
      assert.deepEqual(results[1], [null, 'not a number']);
    });

    it('scanStream visits each of 10 000 keys', async () => {
      const redis = await connect({ protocol });
      await redis.select(protocol === 2 ? 2 : 3);
      await redis.flushdb();
      const load = redis.pipeline();
      for (let i = 0; i < 10_000; i++) load.set(`scan:${i}`, i);
      await load.exec();
      const seen = new Set<string>();
      const stream = redis.scanStream({ match: 'scan:*', count: 250 });
      for await (const keys of stream) for (const key of keys as string[]) seen.add(key);
      assert.equal(seen.size, 10_000);
      assert.ok(seen.has('scan:0') && seen.has('scan:9999'));
    });

    it('binary values with all 256 byte values round trip as Buffers', async () => {
      const redis = await connect({ protocol });
      const key = Buffer.concat([Buffer.from('bin\0\r\n'), ALL_BYTES.subarray(0, 16)]);
      assert.equal(await redis.set(key, ALL_BYTES), 'OK');
      const back = await redis.getBuffer(key);
      assert.ok(back !== null && back.equals(ALL_BYTES));
      assert.equal(await redis.strlen(key), 256);
      assert.ok((await redis.getrangeBuffer(key, 0, 9)).equals(ALL_BYTES.subarray(0, 10)));
    });
  });
}

describe('ioredis with RESP3 reply shapes', () => {
  it('HELLO 3 is negotiated and RESP3 replies map to JavaScript values', async () => {
    const redis = await connect({ protocol: 3, replyMapping: 'resp3' });
    const hello = await redis.call('HELLO', '3');
    assert.ok(hello !== null && typeof hello === 'object' && !Array.isArray(hello));
    assert.equal((hello as Record<string, unknown>).proto, 3);
    assert.equal((hello as Record<string, unknown>).server, 'redis');
    const config = await redis.call('CONFIG', 'GET', 'maxmemory-policy');
    assert.deepEqual(config, { 'maxmemory-policy': 'noeviction' });
    assert.equal(await redis.call('GET', 'missing-key'), null);
  });
});

describe('ioredis reconnects', () => {
  it('after CLIENT KILL, the next commands run on a new connection', async () => {
    const redis = await connect();
    const admin = await connect();
    const id = await redis.client('ID');
    let reconnects = 0;
    redis.on('reconnecting', () => reconnects++);
    assert.equal(await admin.client('KILL', 'ID', String(id)), 1);
    await waitFor(() => reconnects > 0);
    assert.equal(await redis.set('after-kill', 'yes'), 'OK');
    assert.equal(await redis.get('after-kill'), 'yes');
    assert.notEqual(await redis.client('ID'), id);
  });

  it('after the server restarts on the same port, the client carries on', async () => {
    const server = await startServer({ port: 0 });
    const port = server.port;
    const redis = new Redis({ port, host: '127.0.0.1', retryStrategy: () => 20 });
    clients.push(redis);
    assert.equal(await redis.set('before', '1'), 'OK');
    await server.close();
    await waitFor(() => redis.status !== 'ready');
    const restarted = await startServer({ port });
    try {
      await waitFor(() => redis.status === 'ready');
      // A new server: the old data is gone, and commands work again.
      assert.equal(await redis.get('before'), null);
      assert.equal(await redis.set('after', '2'), 'OK');
    } finally {
      redis.disconnect();
      await restarted.close();
    }
  });
});
