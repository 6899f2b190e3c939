import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useHarness, type Harness } from '../helpers/in-process.js';
import { RawClient, encodeCommand } from '../helpers/raw-client.js';

const harness = useHarness();

async function withList(): Promise<Harness> {
  const h = await harness();
  await h.call('RPUSH', 'l', '3', '1', '2');
  h.propagated.length = 0;
  h.events.length = 0;
  return h;
}

describe('SORT propagation, keyspace events and dirty counter', () => {
  it('propagates only a SORT that stores, as itself', async () => {
    const h = await withList();
    assert.deepEqual(
      await h.propagationOf(
        ['SORT', 'l'],
        ['SORT_RO', 'l', 'DESC'],
        ['SORT', 'none', 'STORE', 'dst'],
        ['SORT', 'l', 'STORE', 'dst'],
        ['SORT', 'l', 'LIMIT', '0', '0', 'STORE', 'dst'],
      ),
      ['0:SORT l STORE dst', '0:SORT l LIMIT 0 0 STORE dst'],
    );
  });

  it('raises sortstore for a stored list and del for an emptied destination', async () => {
    const h = await withList();
    assert.deepEqual(
      await h.eventsOf(
        ['SORT', 'l', 'STORE', 'dst'],
        ['SORT', 'l', 'LIMIT', '5', '1', 'STORE', 'dst'],
        ['SORT', 'l', 'LIMIT', '5', '1', 'STORE', 'dst'],
        ['SORT', 'l', 'GET', '#', 'GET', 'x_*'],
      ),
      ['l:sortstore:dst@0', 'g:del:dst@0'],
    );
  });

  it('counts one change per element stored', async () => {
    const h = await withList();
    const before = h.server.keyspace.dirty;
    await h.call('SORT', 'l', 'GET', '#', 'GET', 'x_*', 'STORE', 'dst');
    assert.equal(h.server.keyspace.dirty - before, 6);
    await h.call('SORT', 'l');
    assert.equal(h.server.keyspace.dirty - before, 6);
  });

  it('reads the BY and GET keys as lookups, counting hits and misses', async () => {
    const h = await withList();
    await h.call('SET', 'w_1', '5');
    const hits = h.server.keyspace.stats.keyspaceHits;
    const misses = h.server.keyspace.stats.keyspaceMisses;
    await h.call('SORT', 'l', 'BY', 'w_*', 'GET', 'w_*');
    // The list itself, then w_1 twice (BY and GET), and w_2, w_3 missed twice each.
    assert.equal(h.server.keyspace.stats.keyspaceHits - hits, 3);
    assert.equal(h.server.keyspace.stats.keyspaceMisses - misses, 4);
  });
});

describe('SORT STORE and blocked clients', () => {
  it('serves a client blocked on the destination with the stored list', async () => {
    const h = await withList();
    const waiter = await RawClient.connect(h.server.port);
    try {
      waiter.sendRaw(encodeCommand(['BLPOP', 'dst', '0']));
      for (let tries = 0; h.server.blocking.blockedClients !== 1; tries++) {
        assert.ok(tries < 400, 'the client never blocked');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      assert.equal(await h.call('SORT', 'l', 'DESC', 'STORE', 'dst'), ':3\r\n');
      assert.equal(await waiter.readReply(), '*2\r\n$3\r\ndst\r\n$1\r\n3\r\n');
      assert.equal(await h.call('LRANGE', 'dst', '0', '-1'), '*2\r\n$1\r\n2\r\n$1\r\n1\r\n');
    } finally {
      waiter.close();
    }
  });

  it('makes a transaction watching its destination fail', async () => {
    const h = await withList();
    await h.call('WATCH', 'dst');
    await h.call('SORT', 'l', 'STORE', 'dst');
    await h.call('MULTI');
    await h.call('PING');
    assert.equal(await h.call('EXEC'), '*-1\r\n');
  });
});
