/**
 * Socket.IO with @socket.io/redis-adapter on an in-process Kvik: two Socket.IO servers on two ports
 * share broadcasts, rooms and fetchSockets through Kvik's pub/sub, with the adapter's clients from
 * ioredis and node-redis, classic and sharded (SPUBLISH/SSUBSCRIBE).
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import { startServer, type RunningServer } from '../../src/index.js';

let kvik: RunningServer;
const closers: (() => unknown)[] = [];

before(async () => {
  kvik = await startServer({ port: 0 });
});

after(async () => {
  for (const close of closers.reverse()) await close();
  await kvik.close();
});

type AdapterKind = 'ioredis' | 'node-redis' | 'node-redis sharded';

/** Each pair of Socket.IO servers gets its own channels, apart from the other tests' servers. */
let pairs = 0;

async function adapterFor(kind: AdapterKind, key: string) {
  if (kind === 'ioredis') {
    const pub = new Redis({ host: '127.0.0.1', port: kvik.port });
    const sub = pub.duplicate();
    closers.push(
      () => pub.disconnect(),
      () => sub.disconnect(),
    );
    return createAdapter(pub, sub, { key });
  }
  const pub = createClient({ socket: { host: '127.0.0.1', port: kvik.port } });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  closers.push(
    () => pub.close(),
    () => sub.close(),
  );
  return kind === 'node-redis sharded'
    ? createShardedAdapter(pub, sub, { channelPrefix: key })
    : createAdapter(pub, sub, { key });
}

/** A Socket.IO server on a free port with the Redis adapter of `kind`. */
async function socketServer(kind: AdapterKind, key: string): Promise<{ io: Server; port: number }> {
  const http = createServer();
  const io = new Server(http, { adapter: await adapterFor(kind, key) });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => io.close(resolve)));
  return { io, port: (http.address() as AddressInfo).port };
}

async function client(port: number): Promise<ClientSocket> {
  const socket = connectClient(`http://127.0.0.1:${port}`, { transports: ['websocket'] });
  closers.push(() => socket.disconnect());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

/** Everything `socket` receives as `event`, in order. */
function inbox(socket: ClientSocket, event: string): unknown[] {
  const received: unknown[] = [];
  socket.on(event, (payload: unknown) => received.push(payload));
  return received;
}

async function until(predicate: () => boolean, what: string) {
  const deadline = Date.now() + 3_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

for (const kind of ['ioredis', 'node-redis', 'node-redis sharded'] as const) {
  describe(`Socket.IO with the Redis adapter (${kind})`, () => {
    it('delivers a broadcast emitted on server A to clients of server B', async () => {
      const key = `pair-${++pairs}`;
      const a = await socketServer(kind, key);
      const b = await socketServer(kind, key);
      const onA = inbox(await client(a.port), 'news');
      const onB = inbox(await client(b.port), 'news');
      a.io.emit('news', { from: 'A' });
      await until(() => onA.length === 1 && onB.length === 1, 'the broadcast on both servers');
      assert.deepEqual(onB, [{ from: 'A' }]);
    });

    it('delivers a room broadcast only to the members of the room, on either server', async () => {
      const key = `pair-${++pairs}`;
      const a = await socketServer(kind, key);
      const b = await socketServer(kind, key);
      b.io.on('connection', (socket) => {
        socket.on('join', (room: string, done: () => void) => {
          void socket.join(room);
          done();
        });
      });
      const member = await client(b.port);
      const outsider = inbox(await client(b.port), 'room-news');
      const memberInbox = inbox(member, 'room-news');
      await member.emitWithAck('join', 'lobby');
      a.io.to('lobby').emit('room-news', 'hello lobby');
      a.io.to('elsewhere').emit('room-news', 'hello elsewhere');
      await until(() => memberInbox.length === 1, 'the room broadcast');
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(memberInbox, ['hello lobby']);
      assert.deepEqual(outsider, []);
      const inLobby = await a.io.in('lobby').fetchSockets();
      assert.deepEqual(
        inLobby.map((socket) => socket.id),
        [member.id],
      );
    });
  });
}
