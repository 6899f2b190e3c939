import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useHarness, type Harness } from '../helpers/in-process.js';
import { RawClient, encodeCommand } from '../helpers/raw-client.js';

const harness = useHarness();

/** More connections to the harness's server; the harness closes the server (and them) after. */
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

/** True when no reply arrives within `ms`. */
async function silentFor(client: RawClient, ms: number): Promise<boolean> {
  return client.readReply(ms).then(
    () => false,
    () => true,
  );
}

describe('serving blocked clients', () => {
  it('propagates what was served as the non-blocking form, with its events', async () => {
    const h = await harness();
    const [a, b, c] = await connect(h, 3);
    send(a, 'BLPOP', 'k', '0');
    await blockedClients(h, 1);
    send(b, 'BLMPOP', '0', '1', 'k', 'RIGHT', 'COUNT', '2');
    await blockedClients(h, 2);
    send(c, 'BLMOVE', 'k', 'dst', 'RIGHT', 'LEFT', '0');
    await blockedClients(h, 3);
    h.propagated.length = 0;
    h.events.length = 0;
    await h.call('RPUSH', 'k', '1', '2', '3', '4', '5');
    assert.equal(await a.readReply(), '*2\r\n$1\r\nk\r\n$1\r\n1\r\n');
    assert.equal(await b.readReply(), '*2\r\n$1\r\nk\r\n*2\r\n$1\r\n5\r\n$1\r\n4\r\n');
    assert.equal(await c.readReply(), '$1\r\n3\r\n');
    assert.deepEqual(h.propagated, [
      '0:RPUSH k 1 2 3 4 5',
      '0:LPOP k',
      '0:RPOP k 2',
      '0:LMOVE k dst RIGHT LEFT',
    ]);
    assert.deepEqual(h.events, [
      'l:rpush:k@0',
      'l:lpop:k@0',
      'l:rpop:k@0',
      'l:lpush:dst@0',
      'l:rpop:k@0',
    ]);
    assert.equal(await h.call('LRANGE', 'k', '0', '-1'), '*1\r\n$1\r\n2\r\n');
  });

  it('serves a waiter within the same top-level command that made its key ready', async () => {
    const h = await harness();
    const [a] = await connect(h, 1);
    send(a, 'BRPOPLPUSH', 'src', 'dst', '0');
    await blockedClients(h, 1);
    // The pipelined LLEN runs after the push, and the waiter was served in between.
    h.client.sendRaw(
      Buffer.concat([encodeCommand(['RPUSH', 'src', 'x']), encodeCommand(['LLEN', 'dst'])]),
    );
    assert.equal(await h.client.readReply(), ':1\r\n');
    assert.equal(await h.client.readReply(), ':1\r\n');
    assert.equal(await a.readReply(), '$1\r\nx\r\n');
  });

  it('a WRONGTYPE destination serves the BLMOVE client an error and changes nothing', async () => {
    const h = await harness();
    const [a] = await connect(h, 1);
    send(a, 'BLMOVE', 'src', 'str', 'LEFT', 'LEFT', '0');
    await blockedClients(h, 1);
    await h.call('SET', 'str', 'v');
    h.propagated.length = 0;
    await h.call('RPUSH', 'src', 'x');
    assert.equal(
      await a.readReply(),
      '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n',
    );
    assert.deepEqual(h.propagated, ['0:RPUSH src x']);
    assert.match(await h.call('INFO', 'commandstats'), /cmdstat_blmove:calls=1,.*failed_calls=1/);
  });
});

describe('blocked clients waiting', () => {
  it('time out by the server clock', async () => {
    const h = await harness();
    const [a] = await connect(h, 1);
    send(a, 'BLPOP', 'k', '30');
    await blockedClients(h, 1);
    assert.ok(await silentFor(a, 100));
    h.clock.advance(30_000);
    assert.equal(await a.readReply(1000), '*-1\r\n');
    assert.equal(h.server.blocking.blockedClients, 0);
  });

  it('with timeout 0 wait for ever, outside the timeout table', async () => {
    const h = await harness();
    const [a] = await connect(h, 1);
    send(a, 'BRPOP', 'k', '0');
    await blockedClients(h, 1);
    h.clock.advance(10 * 365 * 24 * 3600 * 1000);
    assert.ok(await silentFor(a, 200));
    assert.match(
      await h.call('INFO', 'clients'),
      /blocked_clients:1\r\n.*clients_in_timeout_table:0\r\n/s,
    );
  });

  it('show as blocked in CLIENT LIST and INFO, and count as one call', async () => {
    const h = await harness();
    const [a] = await connect(h, 1);
    const id = (await a.call('CLIENT', 'ID')).slice(1, -2);
    send(a, 'BLPOP', 'k', '100');
    await blockedClients(h, 1);
    const list = await h.call('CLIENT', 'LIST', 'ID', id);
    assert.match(list, / flags=b /);
    assert.match(list, / cmd=blpop /);
    assert.match(
      await h.call('INFO', 'clients'),
      /blocked_clients:1\r\n.*clients_in_timeout_table:1\r\n/s,
    );
    assert.equal(await h.call('CLIENT', 'UNBLOCK', id, 'ERROR'), ':1\r\n');
    assert.equal(await a.readReply(), '-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n');
    assert.match(await h.call('INFO', 'commandstats'), /cmdstat_blpop:calls=1,.*failed_calls=1/);
    assert.match(await h.call('INFO', 'errorstats'), /errorstat_UNBLOCKED:count=1/);
    assert.match(await h.call('CLIENT', 'LIST', 'ID', id), / flags=N /);
  });

  it('that disconnect are forgotten', async () => {
    const h = await harness();
    const [a, b] = await connect(h, 2);
    send(a, 'BLPOP', 'k', '5');
    send(b, 'BLPOP', 'k', '0');
    await blockedClients(h, 2);
    a.close();
    b.close();
    await blockedClients(h, 0);
    assert.equal(h.server.blocking.clientsWithTimeout, 0);
    await h.call('RPUSH', 'k', 'v');
    assert.equal(await h.call('LLEN', 'k'), ':1\r\n');
  });

  it('process nothing they send until served', async () => {
    const h = await harness();
    const [a] = await connect(h, 1);
    send(a, 'BLPOP', 'k', '0');
    await blockedClients(h, 1);
    send(a, 'SET', 'later', 'v');
    assert.ok(await silentFor(a, 100));
    assert.equal(await h.call('EXISTS', 'later'), ':0\r\n');
    await h.call('LPUSH', 'k', 'v');
    assert.equal(await a.readReply(), '*2\r\n$1\r\nk\r\n$1\r\nv\r\n');
    assert.equal(await a.readReply(), '+OK\r\n');
  });
});
