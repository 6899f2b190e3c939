/**
 * Replies the kernel does not take at once (a client that stops reading): they are kept in order,
 * the client stops being read from past the high-water mark and is read again once they drained,
 * CLIENT LIST shows them, and a client that goes away with replies pending harms nobody.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { useHarness } from '../helpers/in-process.js';
import { encodeCommand } from '../helpers/raw-client.js';

// Registered first, so that the clients are gone before the harness waits for the server to close.
const sockets: net.Socket[] = [];
afterEach(() => sockets.splice(0).forEach((socket) => socket.destroy()));
const harness = useHarness();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const VALUE = 'v'.repeat(1024 * 1024);
const BULK = `$${VALUE.length}\r\n${VALUE}\r\n`;

/** A connected socket that reads nothing until `received()` is called. */
async function pausedClient(port: number) {
  const socket = net.connect({ port, host: '127.0.0.1' });
  sockets.push(socket);
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.pause();
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return {
    send: (...commands: string[][]) =>
      socket.write(Buffer.from(commands.map((argv) => encodeCommand(argv)).join(''), 'latin1')),
    /** Reads until `length` bytes came, the connection closed, or 10 s passed. */
    received: async (length: number): Promise<string> => {
      socket.resume();
      let closed = false;
      socket.once('close', () => (closed = true));
      const size = () => chunks.reduce((sum, chunk) => sum + chunk.length, 0);
      const deadline = Date.now() + 10_000;
      while (size() < length && !closed && Date.now() < deadline) await sleep(5);
      return Buffer.concat(chunks).toString('latin1');
    },
    destroy: () => socket.destroy(),
  };
}

/** The CLIENT LIST line of the client whose name is `name` ('' before it has that name). */
async function clientLine(call: (...args: string[]) => Promise<string>, name: string) {
  const list = await call('CLIENT', 'LIST');
  return list.split('\n').find((l) => l.includes(` name=${name} `)) ?? '';
}

describe('replies to a client that does not read them', () => {
  it('are held in order, stop reading the client past the high-water mark and resume after', async () => {
    const h = await harness();
    await h.call('SET', 'big', VALUE);
    const reader = await pausedClient(h.server.port);
    const gets = 40;
    reader.send(
      ['CLIENT', 'SETNAME', 'reader'],
      ...Array.from({ length: gets }, () => ['GET', 'big']),
    );
    // The kernel's socket buffers take a few MB; the rest waits in the server, which stops
    // reading the client (no 'r' in events) while more than 4 MB wait.
    let line = '';
    for (let tries = 0; tries < 200; tries++) {
      line = await clientLine(h.call, 'reader');
      if (/ events=w /.test(line)) break;
      await sleep(10);
    }
    assert.match(line, / events=w /);
    const omem = Number(/ omem=(\d+)/.exec(line)?.[1]);
    assert.ok(omem > 4 * 1024 * 1024, `omem ${omem}`);

    reader.send(['PING']);
    const expected = '+OK\r\n' + BULK.repeat(gets) + '+PONG\r\n';
    const got = await reader.received(expected.length);
    assert.equal(got.length, expected.length);
    assert.ok(got === expected, 'every reply, complete and in order');
    line = await clientLine(h.call, 'reader');
    assert.match(line, / omem=0 .* events=r /);
  });

  it('QUIT after a large reply closes the connection only once the reply is out', async () => {
    const h = await harness();
    await h.call('SET', 'big', VALUE);
    const reader = await pausedClient(h.server.port);
    reader.send(...Array.from({ length: 8 }, () => ['GET', 'big']), ['QUIT']);
    await sleep(100);
    const expected = BULK.repeat(8) + '+OK\r\n';
    const got = await reader.received(expected.length + 1);
    assert.ok(got === expected, `got ${got.length} of ${expected.length} bytes`);
  });

  it('a client gone with replies pending leaves the server serving the others', async () => {
    const h = await harness();
    await h.call('SET', 'big', VALUE);
    const before = h.server.connectedClients;
    const reader = await pausedClient(h.server.port);
    reader.send(...Array.from({ length: 20 }, () => ['GET', 'big']));
    await sleep(100);
    reader.destroy();
    for (let tries = 0; tries < 200 && h.server.connectedClients > before; tries++) await sleep(10);
    assert.equal(h.server.connectedClients, before);
    assert.equal(await h.call('PING'), '+PONG\r\n');
    assert.equal(await h.call('STRLEN', 'big'), `:${VALUE.length}\r\n`);
  });
});
