import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { START, useHarness } from '../helpers/in-process.js';
import { RawClient } from '../helpers/raw-client.js';
import { startReference } from '../helpers/servers.js';

const harness = useHarness();

/** The bytes of a bulk string reply. */
function bulkBytes(reply: string): string {
  const header = reply.indexOf('\r\n');
  return reply.slice(header + 2, header + 2 + Number(reply.slice(1, header)));
}

describe('RESTORE propagation and events', () => {
  it('propagates a relative TTL as an absolute one with ABSTTL, and raises restore', async () => {
    const h = await harness();
    await h.call('SET', 'k', 'v');
    const payload = bulkBytes(await h.call('DUMP', 'k'));
    h.propagated.splice(0);
    h.events.splice(0);
    assert.deepEqual(await h.propagationOf(['RESTORE', 'a', '5000', payload]), [
      `0:RESTORE a ${START + 5000} ${payload} ABSTTL`,
    ]);
    assert.deepEqual(await h.propagationOf(['RESTORE', 'b', '0', payload, 'IDLETIME', '5']), [
      `0:RESTORE b 0 ${payload} IDLETIME 5`,
    ]);
    h.events.splice(0);
    assert.deepEqual(await h.eventsOf(['RESTORE', 'c', String(START + 9000), payload, 'ABSTTL']), [
      'g:restore:c@0',
    ]);
    assert.equal(await h.call('PTTL', 'c'), ':9000\r\n');
  });

  it('with a TTL already past creates nothing, and a replaced key is deleted as DEL', async () => {
    const h = await harness();
    await h.call('SET', 'k', 'v');
    const payload = bulkBytes(await h.call('DUMP', 'k'));
    h.propagated.splice(0);
    assert.deepEqual(await h.propagationOf(['RESTORE', 'n', '1', payload, 'ABSTTL']), []);
    assert.equal(await h.call('EXISTS', 'n'), ':0\r\n');
    h.events.splice(0);
    assert.deepEqual(await h.eventsOf(['RESTORE', 'k', '1', payload, 'ABSTTL', 'REPLACE']), [
      'g:del:k@0',
    ]);
    assert.deepEqual(h.propagated.splice(0), ['0:DEL k']);
    assert.equal(await h.call('EXISTS', 'k'), ':0\r\n');
  });

  it('gives IDLETIME to OBJECT IDLETIME, and FREQ to OBJECT FREQ under an LFU policy', async () => {
    const h = await harness({ config: { 'maxmemory-policy': 'allkeys-lfu' } });
    await h.call('SET', 'k', 'v');
    const payload = bulkBytes(await h.call('DUMP', 'k'));
    await h.call('RESTORE', 'f', '0', payload, 'FREQ', '100');
    assert.equal(await h.call('OBJECT', 'FREQ', 'f'), ':100\r\n');
    const lru = await harness();
    await lru.call('RESTORE', 'i', '0', payload, 'IDLETIME', '300');
    assert.equal(await lru.call('OBJECT', 'IDLETIME', 'i'), ':300\r\n');
  });
});

describe('MIGRATE propagation and events', () => {
  it('propagates the migrated keys as one DEL, and nothing with COPY', async () => {
    const source = await harness();
    const target = await harness();
    await source.call('MSET', 'a', '1', 'b', '2');
    source.propagated.splice(0);
    const to = ['127.0.0.1', String(target.server.port)];
    assert.deepEqual(await source.propagationOf(['MIGRATE', ...to, 'a', '0', '1000', 'COPY']), []);
    source.events.splice(0);
    assert.deepEqual(
      await source.eventsOf(['MIGRATE', ...to, '', '0', '1000', 'REPLACE', 'KEYS', 'a', 'b', 'c']),
      ['g:del:a@0', 'g:del:b@0'],
    );
    assert.deepEqual(source.propagated.splice(0), ['0:DEL a b']);
    assert.equal(await target.call('MGET', 'a', 'b'), '*2\r\n$1\r\n1\r\n$1\r\n2\r\n');
  });

  it('runs inside MULTI, waiting for the target with the whole server as Redis does', async () => {
    const source = await harness();
    const target = await startReference();
    const client = await RawClient.connect(target.port);
    try {
      await source.call('SET', 'k', 'v');
      await source.call('MULTI');
      await source.call('MIGRATE', '127.0.0.1', String(target.port), 'k', '3', '1000');
      await source.call('EXISTS', 'k');
      assert.equal(await source.call('EXEC'), '*2\r\n+OK\r\n:0\r\n');
      assert.deepEqual(source.propagated.splice(-1), ['0:DEL k']);
      await client.call('SELECT', '3');
      assert.equal(await client.call('GET', 'k'), '$1\r\nv\r\n');
    } finally {
      client.close();
      await target.close();
    }
  });

  it('serves other clients while it waits, and deletes only keys left unchanged', async () => {
    const source = await harness();
    const target = await harness();
    await source.call('MSET', 'a', '1', 'b', '2');
    const other = await RawClient.connect(source.server.port);
    try {
      const to = ['127.0.0.1', String(target.server.port)];
      const migrating = source.call('MIGRATE', ...to, '', '0', '1000', 'KEYS', 'a', 'b');
      assert.equal(await other.call('SET', 'b', 'changed'), '+OK\r\n');
      assert.equal(await migrating, '+OK\r\n');
      assert.equal(await source.call('MGET', 'a', 'b'), '*2\r\n$-1\r\n$7\r\nchanged\r\n');
      assert.equal(await target.call('MGET', 'a', 'b'), '*2\r\n$1\r\n1\r\n$1\r\n2\r\n');
    } finally {
      other.close();
    }
  });
});
