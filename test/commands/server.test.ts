import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { START, useHarness } from '../helpers/in-process.js';
import { RawClient } from '../helpers/raw-client.js';

const harness = useHarness();
const DEBUG = { 'enable-debug-command': 'yes' };

/** A random source that repeats from a seed (mulberry32). */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('SHUTDOWN', () => {
  it('closes the server: no reply, every client disconnected, close() resolved', async () => {
    const h = await harness();
    const other = await RawClient.connect(h.server.port);
    await other.call('PING');
    h.client.sendRaw('*1\r\n$8\r\nSHUTDOWN\r\n');
    assert.equal(await h.client.readUntilClosed(2000), '');
    assert.ok(h.client.isClosed);
    await other.readUntilClosed(2000);
    assert.ok(other.isClosed);
    await h.server.closed;
  });

  it('accepts SAVE, NOSAVE, NOW and FORCE: there is nothing to persist yet', async () => {
    for (const options of [['NOSAVE'], ['SAVE', 'NOW', 'FORCE'], ['now']]) {
      const h = await harness();
      h.client.sendRaw(
        `*${options.length + 1}\r\n$8\r\nSHUTDOWN\r\n` +
          options.map((o) => `$${o.length}\r\n${o}\r\n`).join(''),
      );
      assert.equal(await h.client.readUntilClosed(2000), '');
      await h.server.closed;
    }
  });

  it('finishes the replies of commands sent before it', async () => {
    const h = await harness();
    h.client.sendRaw(
      '*1\r\n$4\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*1\r\n$8\r\nSHUTDOWN\r\n',
    );
    assert.equal(await h.client.readUntilClosed(2000), '+PONG\r\n+OK\r\n');
  });
});

describe('TIME', () => {
  it('follows the server clock', async () => {
    const h = await harness();
    h.clock.set(START + 1234);
    assert.equal(
      await h.call('TIME'),
      `*2\r\n$10\r\n${Math.floor(START / 1000) + 1}\r\n$6\r\n234000\r\n`,
    );
  });
});

describe('LOLWUT', () => {
  it('draws the same art from the same random source', async () => {
    const a = await harness({ random: seeded(7) });
    const b = await harness({ random: seeded(7) });
    for (const version of ['5', '6']) {
      const art = await a.call('LOLWUT', 'VERSION', version, '30');
      assert.equal(await b.call('LOLWUT', 'VERSION', version, '30'), art);
      assert.match(art, /Redis ver\. 7\.0\.15\n\r\n$/);
    }
  });
});

describe('DEBUG', () => {
  it('SET-ACTIVE-EXPIRE 0 stops the active expire cycle, 1 starts it again', async () => {
    const h = await harness({ config: DEBUG });
    await h.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    for (let i = 0; i < 20; i++) await h.call('SET', `k${i}`, 'v', 'PX', '10');
    h.clock.advance(1000);
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.equal(h.server.keyspace.dbs[0].size, 20);
    await h.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.equal(h.server.keyspace.dbs[0].size, 0);
  });

  it('QUICKLIST-PACKED-THRESHOLD sets the threshold lists read, 0 restoring 1 GB', async () => {
    const h = await harness({ config: DEBUG });
    await h.call('DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '1kb');
    assert.equal(h.server.debug.quicklistPackedThreshold, 1024);
    await h.call('DEBUG', 'QUICKLIST-PACKED-THRESHOLD', '0');
    assert.equal(h.server.debug.quicklistPackedThreshold, 1024 ** 3);
  });

  it('SLEEP stops the server for the time asked', async () => {
    const h = await harness({ config: DEBUG });
    const started = performance.now();
    assert.equal(await h.call('DEBUG', 'SLEEP', '0.1'), '+OK\r\n');
    assert.ok(performance.now() - started >= 95);
  });

  it('POPULATE writes without touching the dirty counter, as Redis', async () => {
    const h = await harness({ config: DEBUG });
    await h.call('DEBUG', 'POPULATE', '10', 'k', '5');
    assert.equal(h.server.keyspace.dbs[0].size, 10);
    assert.equal(h.server.keyspace.dirty, 0);
    assert.deepEqual(h.propagated, []);
  });

  it('is refused when enable-debug-command is no', async () => {
    const h = await harness();
    assert.match(await h.call('DEBUG', 'SLEEP', '0'), /^-ERR DEBUG command not allowed\./);
  });
});
