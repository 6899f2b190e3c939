import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startServer } from '../../src/index.js';
import { START, useHarness, type Harness } from '../helpers/in-process.js';
import { RawClient } from '../helpers/raw-client.js';

const harness = useHarness();

async function transaction(h: Harness, ...commands: (string | number)[][]): Promise<string> {
  await h.call('MULTI');
  for (const command of commands) await h.call(...command);
  return h.call('EXEC');
}

describe('what a transaction propagates', () => {
  it('several writes go out wrapped in MULTI and EXEC, in their databases', async () => {
    const h = await harness();
    await transaction(h, ['SET', 'a', '1'], ['GET', 'a'], ['SELECT', '1'], ['INCR', 'b']);
    assert.deepEqual(h.propagated.splice(0), ['0:MULTI', '0:SET a 1', '1:INCR b', '1:EXEC']);
  });

  it('only writes are propagated: one alone, none for reads or writes that change nothing', async () => {
    const h = await harness();
    await transaction(
      h,
      ['SET', 'a', '1'],
      ['GET', 'a'],
      ['SET', 'b', 'x', 'NX'],
      ['SET', 'b', 'y', 'NX'],
    );
    assert.deepEqual(h.propagated.splice(0), ['0:MULTI', '0:SET a 1', '0:SET b x NX', '0:EXEC']);
    await transaction(h, ['GET', 'a'], ['LRANGE', 'l', '0', '-1']);
    await transaction(h, ['INCR', 'c'], ['GET', 'c']);
    assert.deepEqual(h.propagated.splice(0), ['0:INCR c']);
  });

  it('an aborted or discarded transaction propagates nothing', async () => {
    const h = await harness();
    await h.call('MULTI');
    await h.call('SET', 'a', '1');
    await h.call('DISCARD');
    await h.call('MULTI');
    await h.call('SET', 'a', '1');
    await h.call('NOSUCH');
    assert.match(await h.call('EXEC'), /^-EXECABORT/);
    assert.deepEqual(h.propagated, []);
  });

  it('lazy expiry inside a command or a transaction joins its MULTI ... EXEC', async () => {
    const h = await harness();
    await h.call('SET', 'k', 'v', 'PX', '10');
    await h.call('SET', 'j', 'v', 'PX', '10');
    h.propagated.length = 0;
    h.clock.advance(20);
    await h.call('SET', 'k', 'new');
    assert.deepEqual(h.propagated.splice(0), ['0:MULTI', '0:DEL k', '0:SET k new', '0:EXEC']);
    await transaction(h, ['GET', 'j']);
    assert.deepEqual(h.propagated.splice(0), ['0:DEL j']);
  });

  it('the time is fixed for the whole transaction', async () => {
    // A clock that moves a millisecond each time it is read.
    let now = START;
    const running = await startServer({ clock: { now: () => now++ } });
    const client = await RawClient.connect(running.port);
    try {
      await client.call('SET', 'k', 'v', 'PX', '100000');
      await client.call('MULTI');
      for (let i = 0; i < 3; i++) await client.call('PTTL', 'k');
      const reply = await client.call('EXEC');
      const ttls = reply.split('\r\n').filter((line) => line.startsWith(':'));
      assert.equal(ttls.length, 3);
      assert.equal(new Set(ttls).size, 1, reply);
    } finally {
      client.close();
      await running.close();
    }
  });
});

describe('transactions and other clients', () => {
  it('a client blocked on a key is served after the whole EXEC, with what it left', async () => {
    const h = await harness();
    const waiter = await RawClient.connect(h.server.port);
    try {
      const served = waiter.call('BLPOP', 'queue', '0');
      await new Promise((resolve) => setTimeout(resolve, 20));
      const reply = await transaction(h, ['RPUSH', 'queue', 'first', 'second'], ['LPOP', 'queue']);
      assert.equal(reply, '*2\r\n:2\r\n$5\r\nfirst\r\n');
      assert.equal(await served, '*2\r\n$5\r\nqueue\r\n$6\r\nsecond\r\n');
    } finally {
      waiter.close();
    }
  });

  it('a watching client that disconnects leaves no watch behind', async () => {
    const h = await harness();
    const other = await RawClient.connect(h.server.port);
    await other.call('WATCH', 'a', 'b');
    const state = [...h.server.clients()].find((view) => view.state.watched.size > 0)!.state;
    other.close();
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(state.watched.size, 0);
    await h.call('SET', 'a', '1');
    assert.equal(state.watchDirty, false);
  });
});
