import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { START, useHarness, type Harness } from '../helpers/in-process.js';
import { RawClient, encodeCommand } from '../helpers/raw-client.js';

const harness = useHarness();

async function connect(h: Harness, count: number): Promise<RawClient[]> {
  return Promise.all(Array.from({ length: count }, () => RawClient.connect(h.server.port)));
}

/** Sends a command without waiting for its reply. */
function send(client: RawClient, ...args: string[]): void {
  client.sendRaw(encodeCommand(args));
}

/** Waits until the server holds `count` clients blocked on keys. */
async function blockedClients(h: Harness, count: number): Promise<void> {
  for (let tries = 0; h.server.blocking.blockedClients !== count; tries++) {
    assert.ok(tries < 400, `never ${count} blocked clients`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function silentFor(client: RawClient, ms: number): Promise<boolean> {
  return client.readReply(ms).then(
    () => false,
    () => true,
  );
}

const entry = (id: string, value: string) =>
  `*2\r\n$${id.length}\r\n${id}\r\n*2\r\n$1\r\nf\r\n$${value.length}\r\n${value}\r\n`;
const served = (key: string, ...entries: string[]) =>
  `*1\r\n*2\r\n$${key.length}\r\n${key}\r\n*${entries.length}\r\n${entries.join('')}`;

describe('blocked stream readers', () => {
  it('consumers of a group are served in arrival order, and their claims propagated', async () => {
    const h = await harness();
    const [a, b, c] = await connect(h, 3);
    await h.call('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
    send(a, 'XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '2', 'BLOCK', '0', 'STREAMS', 's', '>');
    await blockedClients(h, 1);
    send(b, 'XREADGROUP', 'GROUP', 'g', 'bob', 'BLOCK', '0', 'STREAMS', 's', '>');
    await blockedClients(h, 2);
    send(c, 'XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
    await blockedClients(h, 3);
    h.propagated.length = 0;
    h.events.length = 0;
    await h.call('MULTI');
    for (const id of ['1-0', '2-0', '3-0']) await h.call('XADD', 's', id, 'f', id);
    await h.call('EXEC');
    assert.equal(await a.readReply(), served('s', entry('1-0', '1-0'), entry('2-0', '2-0')));
    assert.equal(await b.readReply(), served('s', entry('3-0', '3-0')));
    assert.equal(
      await c.readReply(),
      served('s', entry('1-0', '1-0'), entry('2-0', '2-0'), entry('3-0', '3-0')),
    );
    const claim = (consumer: string, id: string) =>
      `0:XCLAIM s g ${consumer} 0 ${id} TIME ${START} RETRYCOUNT 1 FORCE JUSTID LASTID ${id}`;
    assert.deepEqual(h.propagated, [
      '0:MULTI',
      '0:XADD s 1-0 f 1-0',
      '0:XADD s 2-0 f 2-0',
      '0:XADD s 3-0 f 3-0',
      '0:EXEC',
      '0:MULTI',
      claim('alice', '1-0'),
      claim('alice', '2-0'),
      '0:EXEC',
      claim('bob', '3-0'),
    ]);
    assert.deepEqual(h.events, [
      't:xadd:s@0',
      't:xadd:s@0',
      't:xadd:s@0',
      't:xgroup-createconsumer:s@0',
      't:xgroup-createconsumer:s@0',
    ]);
    assert.equal(
      await h.call('XPENDING', 's', 'g'),
      '*4\r\n:3\r\n$3\r\n1-0\r\n$3\r\n3-0\r\n*2\r\n*2\r\n$5\r\nalice\r\n$1\r\n2\r\n*2\r\n$3\r\nbob\r\n$1\r\n1\r\n',
    );
  });

  it('a consumer that gets nothing keeps waiting, and a blocked XREAD without COUNT gets at most 1000', async () => {
    const h = await harness();
    const [a, b] = await connect(h, 2);
    await h.call('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
    send(a, 'XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '0', 'STREAMS', 's', '>');
    await blockedClients(h, 1);
    send(b, 'XREADGROUP', 'GROUP', 'g', 'bob', 'BLOCK', '0', 'STREAMS', 's', '>');
    await blockedClients(h, 2);
    const ids = Array.from({ length: 1200 }, (_, i) => `${i + 1}-0`);
    await h.call('MULTI');
    for (const id of ids) await h.call('XADD', 's', id, 'f', 'v');
    await h.call('EXEC');
    const reply = await a.readReply();
    assert.ok(reply.startsWith('*1\r\n*2\r\n$1\r\ns\r\n*1000\r\n'));
    assert.equal(await b.readReply(), served('s', ...ids.slice(1000).map((id) => entry(id, 'v'))));
  });

  it('a wait times out on the server clock with nil', async () => {
    const h = await harness();
    const [a] = await connect(h, 1);
    send(a, 'XREAD', 'BLOCK', '5000', 'STREAMS', 's', '$');
    await blockedClients(h, 1);
    assert.ok(await silentFor(a, 150));
    h.clock.advance(5000);
    assert.equal(await a.readReply(), '*-1\r\n');
    assert.equal(await h.call('XADD', 's', '1-0', 'f', 'v'), '$3\r\n1-0\r\n');
  });

  it('CLIENT UNBLOCK ends a wait with nil, or with an error', async () => {
    const h = await harness();
    const [a, b] = await connect(h, 2);
    const ids = await Promise.all([a.call('CLIENT', 'ID'), b.call('CLIENT', 'ID')]);
    send(a, 'XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
    send(b, 'XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>');
    await blockedClients(h, 1);
    assert.match(await b.readReply(), /^-NOGROUP/);
    assert.equal(await h.call('CLIENT', 'UNBLOCK', ids[0].slice(1, -2)), ':1\r\n');
    assert.equal(await a.readReply(), '*-1\r\n');
    send(a, 'XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
    await blockedClients(h, 1);
    assert.equal(await h.call('CLIENT', 'UNBLOCK', ids[0].slice(1, -2), 'ERROR'), ':1\r\n');
    assert.match(await a.readReply(), /^-UNBLOCKED/);
  });

  it('a group reader whose stream expires is told, without another command', async () => {
    const h = await harness();
    const [a] = await connect(h, 1);
    await h.call('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
    await h.call('PEXPIRE', 's', '100');
    send(a, 'XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '0', 'STREAMS', 's', '>');
    await blockedClients(h, 1);
    h.clock.advance(200);
    assert.equal(await a.readReply(), '-UNBLOCKED the stream key no longer exists\r\n');
  });

  it('a client that disconnects while waiting is forgotten', async () => {
    const h = await harness();
    const [a] = await connect(h, 1);
    await h.call('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
    send(a, 'XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '0', 'STREAMS', 's', '>');
    await blockedClients(h, 1);
    a.close();
    await blockedClients(h, 0);
    await h.call('XADD', 's', '1-0', 'f', 'v');
    assert.equal(await h.call('XPENDING', 's', 'g'), '*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n');
    assert.equal(
      await h.call('XINFO', 'GROUPS', 's').then((r) => r.includes('consumers\r\n:0')),
      true,
    );
  });
});
