import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useHarness, type Harness } from '../helpers/in-process.js';
import { RawClient, encodeCommand } from '../helpers/raw-client.js';

const harness = useHarness();

/** More connections to the harness's server; the harness closes the server (and them) after. */
async function connect(h: Harness, count: number): Promise<RawClient[]> {
  return Promise.all(Array.from({ length: count }, () => RawClient.connect(h.server.port)));
}

/** The fields of a CLIENT INFO / LIST line, by name. */
function fields(reply: string): Map<string, string> {
  const line = reply.slice(
    reply.indexOf('\r\n') + 2,
    reply.indexOf('\n', reply.indexOf('\r\n') + 2),
  );
  return new Map(line.split(' ').map((f) => f.split('=', 2) as [string, string]));
}

async function clientId(client: RawClient): Promise<number> {
  return Number((await client.call('CLIENT', 'ID')).slice(1, -2));
}

/** True when no reply arrives within `ms`. */
async function silentFor(client: RawClient, ms: number): Promise<boolean> {
  return client.readReply(ms).then(
    () => false,
    () => true,
  );
}

describe('CLIENT LIST and INFO in process', () => {
  it('age and idle count whole seconds of the server clock', async () => {
    const h = await harness();
    const [other] = await connect(h, 1);
    const otherId = await clientId(other);
    h.clock.advance(5000);
    await h.call('PING');
    const line = fields(await h.call('CLIENT', 'LIST', 'ID', otherId));
    assert.equal(line.get('age'), '5');
    assert.equal(line.get('idle'), '5');
    const self = fields(await h.call('CLIENT', 'INFO'));
    assert.equal(self.get('idle'), '0');
  });

  it('argv-mem counts the running command, multi-mem nothing outside a transaction', async () => {
    const h = await harness();
    const self = fields(await h.call('CLIENT', 'INFO'));
    assert.equal(self.get('argv-mem'), String('CLIENTINFO'.length));
    assert.equal(self.get('multi-mem'), '0');
    assert.equal(self.get('multi'), '-1');
    assert.equal(self.get('events'), 'r');
    assert.equal(self.get('user'), 'default');
  });

  it('a killed client leaves the list at once, within the same pipeline', async () => {
    const h = await harness();
    const [victim] = await connect(h, 1);
    const id = await clientId(victim);
    h.client.sendRaw(
      Buffer.concat([
        encodeCommand(['CLIENT', 'KILL', 'ID', String(id)]),
        encodeCommand(['CLIENT', 'LIST', 'ID', String(id)]),
      ]),
    );
    assert.equal(await h.client.readReply(), ':1\r\n');
    assert.equal(await h.client.readReply(), '$0\r\n\r\n');
  });
});

describe('CLIENT KILL MAXAGE (Redis 7.4)', () => {
  it('kills the clients connected at least that many seconds ago', async () => {
    const h = await harness();
    const [old] = await connect(h, 1);
    await old.call('PING');
    h.clock.advance(10_000);
    const [young] = await connect(h, 1);
    await young.call('PING');
    assert.equal(await young.call('CLIENT', 'KILL', 'MAXAGE', '11'), ':0\r\n');
    // The harness's own client is as old as `old`; SKIPME protects only the caller.
    assert.equal(
      await young.call('CLIENT', 'KILL', 'MAXAGE', '10', 'ID', await clientId(old)),
      ':1\r\n',
    );
    await old.readUntilClosed(2000);
    assert.equal(old.isClosed, true);
    assert.equal(await young.call('PING'), '+PONG\r\n');
  });

  it('refuses a MAXAGE that is not a positive integer', async () => {
    const h = await harness();
    assert.equal(
      await h.call('CLIENT', 'KILL', 'MAXAGE', 'x'),
      '-ERR maxage is not an integer or out of range\r\n',
    );
    assert.equal(
      await h.call('CLIENT', 'KILL', 'MAXAGE', '0'),
      '-ERR maxage should be greater than 0\r\n',
    );
    assert.equal(
      await h.call('CLIENT', 'KILL', 'MAXAGE', '-3'),
      '-ERR maxage should be greater than 0\r\n',
    );
  });
});

describe('CLIENT SETINFO (Redis 7.2)', () => {
  it('stores LIB-NAME and LIB-VER, and an empty value clears them', async () => {
    const h = await harness();
    const id = await clientId(h.client);
    const state = () => h.server.clientById(id)!.state;
    assert.equal(await h.call('CLIENT', 'SETINFO', 'LIB-NAME', 'ioredis'), '+OK\r\n');
    assert.equal(await h.call('CLIENT', 'SETINFO', 'lib-ver', '5.3.2'), '+OK\r\n');
    assert.deepEqual([state().libName, state().libVer], ['ioredis', '5.3.2']);
    assert.equal(await h.call('CLIENT', 'SETINFO', 'lib-name', ''), '+OK\r\n');
    assert.equal(state().libName, '');
    // RESET leaves them, as in Redis 7.2.
    await h.call('RESET');
    assert.equal(state().libVer, '5.3.2');
  });

  it('refuses other attributes, spaces and special characters', async () => {
    const h = await harness();
    assert.equal(
      await h.call('CLIENT', 'SETINFO', 'lib-foo', 'x'),
      "-ERR Unrecognized option 'lib-foo'\r\n",
    );
    assert.equal(
      await h.call('CLIENT', 'SETINFO', 'LIB-NAME', 'a b'),
      '-ERR LIB-NAME cannot contain spaces, newlines or special characters.\r\n',
    );
    assert.equal(
      await h.call('CLIENT', 'SETINFO', 'lib-ver', '1\n2'),
      '-ERR lib-ver cannot contain spaces, newlines or special characters.\r\n',
    );
    assert.equal(
      await h.call('CLIENT', 'SETINFO', 'lib-ver'),
      "-ERR wrong number of arguments for 'client|setinfo' command\r\n",
    );
  });
});

describe('CLIENT NO-TOUCH (Redis 7.2)', () => {
  it('reads under NO-TOUCH leave the key idle time alone, and show the T flag', async () => {
    const h = await harness();
    await h.call('SET', 'k', 'v');
    h.clock.advance(20_000);
    assert.equal(await h.call('CLIENT', 'NO-TOUCH', 'on'), '+OK\r\n');
    assert.equal(fields(await h.call('CLIENT', 'INFO')).get('flags'), 'T');
    await h.call('GET', 'k');
    assert.equal(await h.call('OBJECT', 'IDLETIME', 'k'), ':20\r\n');
    assert.equal(await h.call('CLIENT', 'NO-TOUCH', 'OFF'), '+OK\r\n');
    await h.call('GET', 'k');
    assert.equal(await h.call('OBJECT', 'IDLETIME', 'k'), ':0\r\n');
    assert.equal(fields(await h.call('CLIENT', 'INFO')).get('flags'), 'N');
  });

  it('takes only ON or OFF, and RESET turns it off as in Redis 7.2', async () => {
    const h = await harness();
    assert.equal(await h.call('CLIENT', 'NO-TOUCH', 'maybe'), '-ERR syntax error\r\n');
    await h.call('CLIENT', 'NO-TOUCH', 'on');
    await h.call('CLIENT', 'NO-EVICT', 'on');
    assert.equal(await h.call('RESET'), '+RESET\r\n');
    assert.equal(fields(await h.call('CLIENT', 'INFO')).get('flags'), 'e');
  });
});

describe('CLIENT PAUSE in process', () => {
  it('held commands run in arrival order when the pause runs out', async () => {
    const h = await harness();
    const [first, second] = await connect(h, 2);
    assert.equal(await h.call('CLIENT', 'PAUSE', '1000', 'WRITE'), '+OK\r\n');
    first.sendRaw(encodeCommand(['SET', 'k', 'first']));
    assert.equal(await silentFor(first, 50), true);
    h.clock.advance(1000);
    // The pause is over, but `first` was waiting: `second` goes after it.
    assert.equal(await second.call('SET', 'k', 'second'), '+OK\r\n');
    assert.equal(await first.readReply(), '+OK\r\n');
    assert.equal(await h.call('GET', 'k'), '$6\r\nsecond\r\n');
  });

  it('a held client keeps its pipelined commands behind the held one', async () => {
    const h = await harness();
    const [writer, reader] = await connect(h, 2);
    await h.call('CLIENT', 'PAUSE', '60000', 'WRITE');
    writer.sendRaw(Buffer.concat([encodeCommand(['INCR', 'n']), encodeCommand(['GET', 'n'])]));
    assert.equal(await silentFor(writer, 50), true);
    assert.equal(await reader.call('GET', 'n'), '$-1\r\n');
    assert.ok([...h.server.clients()].some((view) => view.blocked));
    assert.equal(await h.call('CLIENT', 'UNPAUSE'), '+OK\r\n');
    assert.equal(await writer.readReply(), ':1\r\n');
    assert.equal(await writer.readReply(), '$1\r\n1\r\n');
  });

  it('PAUSE ALL holds the pausing client too, and the server cron ends it', async () => {
    const h = await harness();
    await h.call('CLIENT', 'PAUSE', '500', 'ALL');
    h.client.sendRaw(encodeCommand(['PING']));
    assert.equal(await silentFor(h.client, 50), true);
    h.clock.advance(500);
    // No command arrives: the cron (every 100 ms) notices the end and resumes the client.
    assert.equal(await h.client.readReply(1000), '+PONG\r\n');
  });

  it('a client held by a pause is not closed for idleness, other idle clients are', async () => {
    const h = await harness({ config: { timeout: '1' } });
    const [writer, idle] = await connect(h, 2);
    await h.call('CLIENT', 'PAUSE', '60000', 'WRITE');
    writer.sendRaw(encodeCommand(['SET', 'k', 'v']));
    assert.equal(await silentFor(writer, 50), true);
    h.clock.advance(2000);
    await idle.readUntilClosed(1000);
    assert.equal(idle.isClosed, true);
    const [admin] = await connect(h, 1);
    assert.equal(await admin.call('CLIENT', 'UNPAUSE'), '+OK\r\n');
    assert.equal(await writer.readReply(), '+OK\r\n');
  });

  it('a pause whose end overflows 64 bits ends at once, as in Redis', async () => {
    const h = await harness();
    assert.equal(await h.call('CLIENT', 'PAUSE', '9223372036854775807', 'ALL'), '+OK\r\n');
    assert.equal(await h.call('PING'), '+PONG\r\n');
  });
});
