import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useHarness, type Harness } from '../helpers/in-process.js';
import { RawClient } from '../helpers/raw-client.js';

const harness = useHarness();

async function clientId(client: RawClient): Promise<number> {
  return Number((await client.call('CLIENT', 'ID')).slice(1, -2));
}

/** The connection's view as the server keeps it. */
async function viewOf(h: Harness, client: RawClient) {
  const view = h.server.clientById(await clientId(client));
  assert.ok(view !== undefined);
  return view;
}

describe('AUTH in process', () => {
  it('a password set at run time binds new clients only, as in Redis', async () => {
    const h = await harness();
    assert.equal(await h.call('CONFIG', 'SET', 'requirepass', 'secret'), '+OK\r\n');
    assert.equal(await h.call('PING'), '+PONG\r\n');
    const late = await RawClient.connect(h.server.port);
    assert.equal(await late.call('PING'), '-NOAUTH Authentication required.\r\n');
    assert.equal(await late.call('AUTH', 'default', 'secret'), '+OK\r\n');
    assert.equal(await late.call('PING'), '+PONG\r\n');
    assert.equal(await h.call('CONFIG', 'SET', 'requirepass', ''), '+OK\r\n');
    const free = await RawClient.connect(h.server.port);
    assert.equal(await free.call('PING'), '+PONG\r\n');
    assert.equal(
      await free.call('AUTH', 'secret'),
      '-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n',
    );
  });

  it('a successful AUTH makes the client the user it named', async () => {
    const h = await harness({ config: { requirepass: 'pw' } });
    assert.equal(await h.call('AUTH', 'pw'), '+OK\r\n');
    const view = await viewOf(h, h.client);
    assert.equal(view.state.authenticated, true);
    assert.equal(view.state.user, 'default');
    assert.equal(
      await h.call('AUTH', 'nobody', 'pw'),
      '-WRONGPASS invalid username-password pair or user is disabled.\r\n',
    );
    assert.equal(view.state.authenticated, true);
  });
});

describe('HELLO and RESET in process', () => {
  it('HELLO switches the connection reply protocol, and RESET switches it back', async () => {
    const h = await harness();
    const view = await viewOf(h, h.client);
    await h.call('HELLO', '3');
    assert.equal(view.resp, 3);
    assert.equal(await h.call('GET', 'missing'), '_\r\n');
    assert.equal(await h.call('RESET'), '+RESET\r\n');
    assert.equal(view.resp, 2);
    assert.equal(await h.call('GET', 'missing'), '$-1\r\n');
  });

  it('RESET discards a transaction and watched keys, and the name', async () => {
    const h = await harness();
    const view = await viewOf(h, h.client);
    await h.call('CLIENT', 'SETNAME', 'busy');
    await h.call('SELECT', '3');
    await h.call('WATCH', 'k');
    await h.call('MULTI');
    await h.call('NOSUCHCOMMAND');
    assert.equal(view.state.multiError, true);
    assert.equal(view.state.watched.size, 1);
    assert.equal(await h.call('RESET'), '+RESET\r\n');
    assert.equal(view.state.multi, null);
    assert.equal(view.state.multiError, false);
    assert.equal(view.state.watched.size, 0);
    await h.call('WATCH', 'k');
    await h.call('SET', 'k', 'changed');
    assert.equal(view.state.watchDirty, true);
    assert.equal(await h.call('RESET'), '+RESET\r\n');
    assert.equal(view.state.watchDirty, false);
    assert.equal(view.state.name, '');
    assert.equal(view.state.db, 0);
  });

  it('RESET with a password configured logs the client out', async () => {
    const h = await harness({ config: { requirepass: 'pw' } });
    await h.call('AUTH', 'pw');
    const view = await viewOf(h, h.client);
    assert.equal(await h.call('RESET'), '+RESET\r\n');
    assert.equal(view.state.authenticated, false);
    assert.equal(await h.call('PING'), '-NOAUTH Authentication required.\r\n');
  });
});

describe('QUIT in process', () => {
  it('QUIT under CLIENT REPLY OFF closes the connection without a reply', async () => {
    const h = await harness();
    await h.call('SET', 'k', 'v');
    h.client.sendRaw('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n*1\r\n$4\r\nQUIT\r\n');
    assert.equal(await h.client.readUntilClosed(2000), '');
    assert.equal(h.client.isClosed, true);
  });
});
