import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient, RESP_TYPES } from 'redis';
import { startServer, type RunningServer } from '../../src/index.js';

type Client = ReturnType<typeof createClient>;

let kvik: RunningServer;
const clients: { destroy(): void; isOpen: boolean }[] = [];

before(async () => {
  kvik = await startServer({ port: 0 });
});

after(async () => {
  for (const client of clients) if (client.isOpen) client.destroy();
  await kvik.close();
});

/** A connected node-redis client on Kvik; closed after the file. */
async function connect(RESP: 2 | 3, port = kvik.port): Promise<Client> {
  const client = createClient({
    socket: { port, host: '127.0.0.1', reconnectStrategy: () => 20 },
    RESP,
  }) as Client;
  client.on('error', () => undefined);
  clients.push(client);
  await client.connect();
  return client;
}

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 29) & 0xff));

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

for (const RESP of [2, 3] as const) {
  describe(`node-redis over RESP${RESP}`, () => {
    it('1000 commands sent in one go (automatic pipelining) resolve in order', async () => {
      const client = await connect(RESP);
      const replies = await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          i % 2 === 0 ? client.set(`n${RESP}:${i}`, `v${i}`) : client.get(`n${RESP}:${i - 1}`),
        ),
      );
      for (let i = 0; i < 1000; i += 2) {
        assert.equal(replies[i], 'OK');
        assert.equal(replies[i + 1], `v${i}`);
      }
    });

    it('an explicit pipeline of 1000 commands returns every reply', async () => {
      const client = await connect(RESP);
      const pipeline = client.multi();
      for (let i = 0; i < 500; i++) pipeline.incr(`c${RESP}`).get(`c${RESP}`);
      const replies = await pipeline.execAsPipeline();
      assert.equal(replies.length, 1000);
      assert.equal(replies[998], 500);
      assert.equal(replies[999], '500');
    });

    it('scanIterator visits each of 10 000 keys', async () => {
      const client = await connect(RESP);
      await client.select(RESP === 2 ? 4 : 5);
      await client.flushDb();
      await Promise.all(Array.from({ length: 10_000 }, (_, i) => client.set(`k:${i}`, '1')));
      const seen = new Set<string>();
      for await (const keys of client.scanIterator({ MATCH: 'k:*', COUNT: 300 })) {
        for (const key of keys) seen.add(key);
      }
      assert.equal(seen.size, 10_000);
    });

    it('binary values with all 256 byte values round trip as Buffers', async () => {
      const client = await connect(RESP);
      const key = Buffer.from([0, 13, 10, 255, 0x62]);
      assert.equal(await client.set(key, ALL_BYTES), 'OK');
      const buffers = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
      const back = await buffers.get(key);
      assert.ok(Buffer.isBuffer(back) && back.equals(ALL_BYTES));
      assert.equal(await client.strLen(key), 256);
    });
  });
}

describe('node-redis RESP3 specifics', () => {
  it('HELLO 3 is negotiated and maps arrive as objects', async () => {
    const client = await connect(3);
    const hello = (await client.hello()) as unknown as Record<string, unknown>;
    assert.equal(hello.proto, 3);
    assert.equal(hello.version, '7.0.15');
    const config = await client.configGet('maxmemory-policy');
    assert.deepEqual({ ...config }, { 'maxmemory-policy': 'noeviction' });
  });
});

describe('node-redis reconnects', () => {
  it('after CLIENT KILL, the client reconnects and carries on', async () => {
    const client = await connect(3);
    const admin = await connect(2);
    const id = await client.clientId();
    let reconnects = 0;
    client.on('reconnecting', () => reconnects++);
    assert.equal(await admin.clientKill({ filter: 'ID', id }), 1);
    await waitFor(() => reconnects > 0 && client.isReady);
    assert.equal(await client.set('after-kill', 'yes'), 'OK');
    assert.notEqual(await client.clientId(), id);
  });

  it('after the server restarts on the same port, the client carries on', async () => {
    const server = await startServer({ port: 0 });
    const port = server.port;
    const client = await connect(2, port);
    assert.equal(await client.set('before', '1'), 'OK');
    await server.close();
    await waitFor(() => !client.isReady);
    const restarted = await startServer({ port });
    try {
      await waitFor(() => client.isReady);
      assert.equal(await client.get('before'), null);
      assert.equal(await client.set('after', '2'), 'OK');
    } finally {
      client.destroy();
      await restarted.close();
    }
  });
});
