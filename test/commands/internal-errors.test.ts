import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../../src/index.js';
import { RawClient } from '../helpers/raw-client.js';

describe('a command that fails inside its handler', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ port: 0 });
  });
  after(() => server.close());

  it('gets an error instead of a reply too large for the process, and the server carries on', async () => {
    const client = await RawClient.connect(server.port);
    const other = await RawClient.connect(server.port);
    const member = 'm'.repeat(100_000);
    assert.equal(await client.call('SADD', 'set', member), ':1\r\n');
    // 100 000 copies of a 100 KB member would be a 10 GB reply: more than a JS string can hold.
    const reply = await client.call('SRANDMEMBER', 'set', '-100000');
    assert.equal(reply, "-ERR internal error in 'srandmember': Invalid string length\r\n");
    assert.equal(await client.call('SCARD', 'set'), ':1\r\n');
    assert.equal(await other.call('PING'), '+PONG\r\n');
    client.close();
    other.close();
  });
});
