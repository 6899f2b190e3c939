import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import fc from 'fast-check';
import { startServer, type RunningServer } from '../../src/index.js';
import { RawClient, encodeCommand } from '../helpers/raw-client.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Heap and Buffer memory of this process (client and server alike) after a full collection. */
function memory(): number {
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

const MB = 1024 * 1024;

let kvik: RunningServer;
before(async () => {
  kvik = await startServer({ port: 0 });
});
after(async () => {
  await kvik.close();
});

/** The server still answers another client, promptly. */
async function assertServing(): Promise<void> {
  const client = await RawClient.connect(kvik.port);
  try {
    assert.equal(await client.call('PING'), '+PONG\r\n');
    assert.equal(await client.call('SET', 'alive', 'yes'), '+OK\r\n');
    assert.equal(await client.call('GET', 'alive'), '$3\r\nyes\r\n');
  } finally {
    client.close();
  }
}

/** Everything a raw socket receives until the server closes it (or the timeout passes). */
function collectUntilClosed(
  socket: net.Socket,
  timeoutMs = 5000,
): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => finish(false), timeoutMs);
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      resolve({ text: Buffer.concat(chunks).toString('latin1'), closed });
    };
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => finish(true));
  });
}

function connect(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port: kvik.port, host: '127.0.0.1' }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Writes chunks with backpressure until the server closes the socket or `limit` bytes went out. */
async function flood(socket: net.Socket, chunk: Buffer, limit: number): Promise<number> {
  let sent = 0;
  let closed = false;
  socket.once('close', () => (closed = true));
  while (!closed && sent < limit) {
    sent += chunk.length;
    if (!socket.write(chunk)) {
      await new Promise<void>((resolve) => {
        socket.once('drain', resolve);
        socket.once('close', resolve);
      });
    }
  }
  return sent;
}

describe('malformed input', () => {
  it('each malformed frame gets its protocol error, closes only its connection, and the server carries on', async () => {
    const frames: [string, string][] = [
      ['*x\r\n', 'invalid multibulk length'],
      ['*1\r\n$-3\r\n', 'invalid bulk length'],
      ['*2\r\n$3\r\nGET\r\n+key\r\n', "expected '$', got '+'"],
      ['SET k "unterminated\r\n', 'unbalanced quotes in request'],
      ['*99999999999\r\n', 'invalid multibulk length'],
      ['*1\r\n$99999999999999\r\n', 'invalid bulk length'],
    ];
    for (const [frame, message] of frames) {
      const socket = await connect();
      const closing = collectUntilClosed(socket);
      socket.write(Buffer.from(frame, 'latin1'));
      const { text, closed } = await closing;
      assert.equal(text, `-ERR Protocol error: ${message}\r\n`, JSON.stringify(frame));
      assert.equal(closed, true);
      await assertServing();
    }
  });

  it('binary garbage never takes the server down', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 2000 }), async (garbage) => {
        const socket = await connect();
        const closing = collectUntilClosed(socket, 30);
        socket.write(garbage);
        const { text, closed } = await closing;
        socket.destroy();
        // Closed only after a protocol error, which is then the last reply.
        if (closed) assert.match(text, /-ERR Protocol error: [^\r\n]*\r\n$/);
      }),
      { numRuns: 30 },
    );
    await assertServing();
  });
});

describe('absurd lengths', () => {
  it('a declared 500 MB bulk allocates nothing until its bytes arrive', async () => {
    const before = memory();
    const socket = await connect();
    socket.write('*3\r\n$3\r\nSET\r\n$4\r\nhuge\r\n$500000000\r\nstart');
    const sockets = [socket];
    for (let i = 0; i < 20; i++) {
      const s = await connect();
      s.write(`*2147483647\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$400000000\r\n`);
      sockets.push(s);
    }
    await new Promise((r) => setTimeout(r, 100));
    await assertServing();
    const grown = memory() - before;
    assert.ok(grown < 16 * MB, `memory grew by ${(grown / MB).toFixed(1)} MB`);
    for (const s of sockets) s.destroy();
  });

  it('a client sending 1 GB without a newline is cut off after the 64 KB inline limit', async () => {
    const socket = await connect();
    const closing = collectUntilClosed(socket, 10_000);
    const sent = await flood(socket, Buffer.alloc(MB, 0x61), 1024 * MB);
    const { text, closed } = await closing;
    assert.equal(closed, true);
    assert.ok(sent < 64 * MB, `the server read ${sent / MB} MB before closing`);
    // The error is written before closing; with bytes still unread the peer may see a reset first.
    assert.ok(text === '' || text === '-ERR Protocol error: too big inline request\r\n', text);
    await assertServing();
  });

  it('a bulk beyond client-query-buffer-limit closes the connection without a reply', async () => {
    const limited = await startServer({ port: 0, config: { 'client-query-buffer-limit': '1mb' } });
    try {
      const socket = await new Promise<net.Socket>((resolve) => {
        const s = net.connect({ port: limited.port, host: '127.0.0.1' }, () => resolve(s));
      });
      const closing = collectUntilClosed(socket);
      socket.write('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10000000\r\n');
      const sent = await flood(socket, Buffer.alloc(256 * 1024, 0x62), 10_000_000);
      const { text, closed } = await closing;
      assert.equal(closed, true);
      assert.equal(text, '');
      assert.ok(sent < 10_000_000, `sent ${sent} bytes`);
      // A bulk just under the limit is fine.
      const client = await RawClient.connect(limited.port);
      assert.equal(await client.call('SET', 'k', 'v'.repeat(900 * 1024)), '+OK\r\n');
      assert.equal(await client.call('STRLEN', 'k'), `:${900 * 1024}\r\n`);
      client.close();
    } finally {
      await limited.close();
    }
  });

  it('proto-max-bulk-len bounds a bulk exactly, and CONFIG SET changes it at once', async () => {
    const client = await RawClient.connect(kvik.port);
    assert.equal(await client.call('CONFIG', 'SET', 'proto-max-bulk-len', '1mb'), '+OK\r\n');
    try {
      assert.equal(await client.call('SET', 'exact', Buffer.alloc(MB, 0x63)), '+OK\r\n');
      const socket = await connect();
      const closing = collectUntilClosed(socket);
      socket.write(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${MB + 1}\r\n`);
      assert.deepEqual(await closing, {
        text: '-ERR Protocol error: invalid bulk length\r\n',
        closed: true,
      });
    } finally {
      assert.equal(await client.call('CONFIG', 'SET', 'proto-max-bulk-len', '512mb'), '+OK\r\n');
      client.close();
    }
  });
});

describe('large values', () => {
  it('a 64 MB value goes in and comes back byte for byte', async () => {
    const size = 64 * MB;
    const value = Buffer.alloc(size);
    for (let i = 0; i < size; i += 4096) value.fill(i & 0xff, i, i + 4096);
    value[size - 1] = 0x0d;
    const socket = await connect();
    const header = `$${size}\r\n`;
    const expected =
      Buffer.byteLength(header) + size + 2 + '+OK\r\n'.length + ':67108864\r\n'.length;
    const received = new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      let total = 0;
      socket.on('data', (chunk) => {
        chunks.push(chunk);
        total += chunk.length;
        if (total >= expected) resolve(Buffer.concat(chunks));
      });
    });
    socket.write(encodeCommand(['SET', 'large', value]));
    socket.write(encodeCommand(['STRLEN', 'large']));
    socket.write(encodeCommand(['GET', 'large']));
    const reply = await received;
    socket.destroy();
    assert.equal(reply.toString('latin1', 0, 5 + 11), '+OK\r\n:67108864\r\n');
    const bulk = reply.subarray(16);
    assert.equal(bulk.toString('latin1', 0, header.length), header);
    assert.ok(bulk.subarray(header.length, header.length + size).equals(value), 'value intact');
    assert.equal(bulk.toString('latin1', header.length + size), '\r\n');
    const client = await RawClient.connect(kvik.port);
    assert.equal(await client.call('DEL', 'large'), ':1\r\n');
    client.close();
  });
});

describe('slow readers', () => {
  it('a client that never reads its replies holds bounded output while others are served', async () => {
    const setup = await RawClient.connect(kvik.port);
    const value = 'v'.repeat(100 * 1024);
    assert.equal(await setup.call('SET', 'fat', value), '+OK\r\n');
    const before = memory();
    const reader = await connect();
    reader.pause();
    // 2000 GETs ask for 200 MB of replies; the client reads none of them.
    reader.write('GET fat\r\n'.repeat(2000));
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    await assertServing();
    assert.ok(Date.now() - started < 1000, 'other clients are answered promptly');
    let largest = 0;
    for (const client of kvik.server.clients()) largest = Math.max(largest, client.outputBytes);
    assert.ok(largest < 8 * MB, `a client holds ${(largest / MB).toFixed(1)} MB of output`);
    const grown = memory() - before;
    assert.ok(grown < 32 * MB, `memory grew by ${(grown / MB).toFixed(1)} MB`);
    // Once it reads, it gets its replies, in order.
    reader.resume();
    let received = 0;
    const perReply = `$${value.length}\r\n`.length + value.length + 2;
    await new Promise<void>((resolve) => {
      reader.on('data', (chunk) => {
        received += chunk.length;
        if (received >= 2000 * perReply) resolve();
      });
    });
    assert.equal(received, 2000 * perReply);
    reader.destroy();
    setup.close();
  });
});
