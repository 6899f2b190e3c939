import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useDiffServers, type Command, type DiffPair } from '../helpers/diff.js';
import { RawClient, encodeCommand } from '../helpers/raw-client.js';

const env = useDiffServers();

/** The same steps run on each server with its own connections; their observations must agree. */
async function onBoth<T>(scenario: (port: number) => Promise<T>): Promise<T> {
  const [redis, kvik] = await Promise.all([scenario(env.reference.port), scenario(env.kvik.port)]);
  assert.deepEqual(kvik, redis);
  return kvik;
}

/** The text of a CLIENT LIST / INFO reply, RESP2 bulk or RESP3 verbatim. */
function listText(reply: string): string {
  const body = reply.slice(reply.indexOf('\r\n') + 2, -2);
  return reply[0] === '=' ? body.slice(4) : body;
}

/** CLIENT LIST lines as field maps, in order. */
function parseList(reply: string): Map<string, string>[] {
  return listText(reply)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => new Map(line.split(' ').map((f) => f.split('=', 2) as [string, string])));
}

/** Fields whose value depends on the server instance (ids, ports, buffer sizes, timing). */
const VARYING = new Set([
  'id',
  'addr',
  'laddr',
  'fd',
  'age',
  'idle',
  'qbuf',
  'qbuf-free',
  'argv-mem',
  'rbs',
  'rbp',
  'obl',
  'oll',
  'omem',
  'tot-mem',
]);

/** A CLIENT LIST line with the varying values blanked, field names kept in order. */
function comparable(fields: Map<string, string>): string {
  return [...fields].map(([k, v]) => (VARYING.has(k) ? k : `${k}=${v}`)).join(' ');
}

async function comparableList(client: RawClient, ...args: Command): Promise<string[]> {
  return parseList(await client.call(...args)).map(comparable);
}

/** A reply with HELLO's client id blanked (ids differ between the two servers). */
function withoutHelloId(reply: string): string {
  return reply.replace(/\$2\r\nid\r\n:\d+\r\n/, '$2\r\nid\r\n:ID\r\n');
}

/** HELLO on both servers: the replies must be equal but for the client id. */
async function sameHello(pair: DiffPair, ...args: Command): Promise<void> {
  const { redis, kvik } = await pair.both('HELLO', ...args);
  assert.equal(withoutHelloId(kvik), withoutHelloId(redis));
}

/** Sends the commands as one pipeline and returns every reply byte up to a closing ECHO's. */
async function pipeline(client: RawClient, commands: Command[]): Promise<string> {
  const end = encodeCommand(['ECHO', 'end-of-pipeline']);
  client.sendRaw(Buffer.concat([...commands.map(encodeCommand), end]));
  let out = '';
  for (;;) {
    const reply = await client.readReply();
    if (reply === '$15\r\nend-of-pipeline\r\n') return out;
    out += reply;
  }
}

/** True when no reply arrives within `ms`. */
async function silentFor(client: RawClient, ms: number): Promise<boolean> {
  return client.readReply(ms).then(
    () => false,
    () => true,
  );
}

async function connectAll(port: number, count: number): Promise<RawClient[]> {
  return Promise.all(Array.from({ length: count }, () => RawClient.connect(port)));
}

async function clientId(client: RawClient): Promise<number> {
  return Number((await client.call('CLIENT', 'ID')).slice(1, -2));
}

describe('CLIENT ID, SETNAME, GETNAME, HELP against redis-server', () => {
  it('CLIENT SETNAME stores a name GETNAME returns, and an empty name removes it', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['CLIENT', 'GETNAME'],
      ['CLIENT', 'SETNAME', 'worker-1'],
      ['CLIENT', 'GETNAME'],
      ['client', 'setname', '!~{}[]"\'%'],
      ['CLIENT', 'GETNAME'],
      ['CLIENT', 'SETNAME', ''],
      ['CLIENT', 'GETNAME'],
    ]);
    await sameHello(pair, '3');
    await pair.same('CLIENT', 'GETNAME');
  });

  it('CLIENT SETNAME refuses spaces, control bytes and bytes beyond ASCII', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['CLIENT', 'SETNAME', 'a b'],
      ['CLIENT', 'SETNAME', 'a\nb'],
      ['CLIENT', 'SETNAME', 'a\0b'],
      ['CLIENT', 'SETNAME', Buffer.from([0x61, 0xe9])],
      ['CLIENT', 'SETNAME', '\x7f'],
      ['CLIENT', 'GETNAME'],
      ['CLIENT', 'SETNAME'],
      ['CLIENT', 'SETNAME', 'a', 'b'],
    ]);
  });

  it('CLIENT ID is a positive integer, and wrong arities or subcommands are refused', async () => {
    const pair = await env.pair();
    const { redis, kvik } = await pair.both('CLIENT', 'ID');
    assert.match(redis, /^:[1-9][0-9]*\r\n$/);
    assert.match(kvik, /^:[1-9][0-9]*\r\n$/);
    await pair.sameAll([
      ['CLIENT'],
      ['CLIENT', 'ID', 'x'],
      ['CLIENT', 'FOO'],
      ['CLIENT', 'GETNAME', 'x'],
      ['CLIENT', 'UNPAUSE', 'x'],
      ['CLIENT', 'HELP', 'x'],
    ]);
  });

  it('CLIENT HELP prints the Redis 7.0 text, in RESP2 and RESP3', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['CLIENT', 'HELP'],
      ['client', 'help'],
    ]);
    await sameHello(pair, '3');
    await pair.same('CLIENT', 'HELP');
  });
});

describe('CLIENT LIST and CLIENT INFO against redis-server', () => {
  it('CLIENT INFO has the same fields in the same order, with the same flags and cmd', async () => {
    const pair = await env.pair();
    const [redis, kvik] = await Promise.all([
      comparableList(pair.redis, 'CLIENT', 'INFO'),
      comparableList(pair.kvik, 'CLIENT', 'INFO'),
    ]);
    assert.deepEqual(kvik, redis);
    assert.equal(kvik.length, 1);
    assert.match(kvik[0], /^id addr laddr fd name= age idle flags=N db=0 .* cmd=client\|info /);
  });

  it('CLIENT INFO reflects the name, database, NO-EVICT and protocol', async () => {
    const pair = await env.pair();
    for (const setup of [
      ['CLIENT', 'SETNAME', 'named'],
      ['SELECT', '5'],
      ['CLIENT', 'NO-EVICT', 'on'],
      ['HELLO', '3'],
    ]) {
      await pair.both(...setup);
    }
    const [redis, kvik] = await Promise.all([
      comparableList(pair.redis, 'CLIENT', 'INFO'),
      comparableList(pair.kvik, 'CLIENT', 'INFO'),
    ]);
    assert.deepEqual(kvik, redis);
    assert.match(kvik[0], / name=named .* flags=e db=5 .* resp=3$/);
  });

  it('CLIENT INFO and LIST are verbatim strings in RESP3, with a trailing newline', async () => {
    const pair = await env.pair();
    await sameHello(pair, '3');
    const { redis, kvik } = await pair.both('CLIENT', 'INFO');
    assert.match(kvik, /^=\d+\r\ntxt:id=\d+ .*\n\r\n$/);
    assert.match(redis, /^=\d+\r\ntxt:id=\d+ .*\n\r\n$/);
    await pair.same('CLIENT', 'LIST', 'ID', '999999');
  });

  it('CLIENT LIST shows every connection with its last command, and filters by TYPE and ID', async () => {
    const seen = await onBoth(async (port) => {
      const [a, b, c] = await connectAll(port, 3);
      await b.call('CLIENT', 'SETNAME', 'b');
      await c.call('GET', 'k');
      const ids = [await clientId(a), await clientId(b), await clientId(c)];
      await b.call('GET');
      await c.call('NOSUCHCOMMAND');
      const all = parseList(await a.call('CLIENT', 'LIST'));
      const mine = all.filter((f) => ids.includes(Number(f.get('id'))));
      const byId = await comparableList(a, 'CLIENT', 'LIST', 'ID', ids[2], 99999, ids[1], ids[2]);
      const normal = parseList(await a.call('CLIENT', 'LIST', 'TYPE', 'NORMAL'));
      const observed = {
        mine: mine.map(comparable),
        byId,
        normalHasMine: ids.every((id) => normal.some((f) => Number(f.get('id')) === id)),
        replicas: await a.call('CLIENT', 'LIST', 'TYPE', 'replica'),
        pubsub: await a.call('CLIENT', 'LIST', 'TYPE', 'pubsub'),
      };
      for (const client of [a, b, c]) client.close();
      return observed;
    });
    assert.equal(seen.mine.length, 3);
    assert.match(seen.mine[1], / name=b .* cmd=get /);
    assert.match(seen.mine[2], / cmd=NULL /);
    assert.equal(seen.byId.length, 3);
  });

  it('CLIENT LIST refuses unknown types, bad ids and extra arguments', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['CLIENT', 'LIST', 'TYPE'],
      ['CLIENT', 'LIST', 'TYPE', 'foo'],
      ['CLIENT', 'LIST', 'TYPE', 'fo\0o'],
      ['CLIENT', 'LIST', 'TYPE', 'normal', 'x'],
      ['CLIENT', 'LIST', 'TYPE', 'slave'],
      ['CLIENT', 'LIST', 'TYPE', 'master'],
      ['CLIENT', 'LIST', 'foo'],
      ['CLIENT', 'LIST', 'ID'],
      ['CLIENT', 'LIST', 'ID', 'x'],
      ['CLIENT', 'LIST', 'ID', '99999', 'x'],
      ['CLIENT', 'LIST', 'ID', '-1'],
      ['CLIENT', 'LIST', 'ID', '99999999999999999999'],
    ]);
  });
});

describe('CLIENT KILL against redis-server', () => {
  it('CLIENT KILL ID closes that connection only and counts it', async () => {
    const seen = await onBoth(async (port) => {
      const [killer, victim, bystander] = await connectAll(port, 3);
      const victimId = await clientId(victim);
      const replies = [
        await killer.call('CLIENT', 'KILL', 'ID', victimId),
        await killer.call('CLIENT', 'KILL', 'ID', victimId),
      ];
      await victim.readUntilClosed(2000);
      const observed = {
        replies,
        victimClosed: victim.isClosed,
        bystander: await bystander.call('PING'),
        listed: (await killer.call('CLIENT', 'LIST', 'ID', victimId)).slice(0, 4),
      };
      for (const client of [killer, bystander]) client.close();
      return observed;
    });
    assert.deepEqual(seen.replies, [':1\r\n', ':0\r\n']);
    assert.equal(seen.victimClosed, true);
    assert.equal(seen.bystander, '+PONG\r\n');
  });

  it('CLIENT KILL addr:port (the old form) replies OK, or No such client', async () => {
    const seen = await onBoth(async (port) => {
      const [killer, victim] = await connectAll(port, 2);
      const addr = parseList(await victim.call('CLIENT', 'INFO'))[0].get('addr')!;
      const replies = [
        await killer.call('CLIENT', 'KILL', addr),
        await killer.call('CLIENT', 'KILL', addr),
        await killer.call('CLIENT', 'KILL', '1.2.3.4:5'),
        await killer.call('CLIENT', 'KILL', 'ID'),
      ];
      await victim.readUntilClosed(2000);
      killer.close();
      return { replies, victimClosed: victim.isClosed };
    });
    assert.deepEqual(seen.replies.slice(0, 2), ['+OK\r\n', '-ERR No such client\r\n']);
    assert.equal(seen.victimClosed, true);
  });

  it('the old form can kill the caller, which gets its OK first', async () => {
    const seen = await onBoth(async (port) => {
      const [self] = await connectAll(port, 1);
      const addr = parseList(await self.call('CLIENT', 'INFO'))[0].get('addr')!;
      self.sendRaw(encodeCommand(['CLIENT', 'KILL', addr]));
      self.sendRaw(encodeCommand(['PING']));
      return { output: await self.readUntilClosed(2000), closed: self.isClosed };
    });
    assert.deepEqual(seen, { output: '+OK\r\n', closed: true });
  });

  it('CLIENT KILL ADDR, LADDR, USER and TYPE kill every match, skipping the caller by default', async () => {
    const seen = await onBoth(async (port) => {
      const [killer, a, b, c] = await connectAll(port, 4);
      const addrOfA = parseList(await a.call('CLIENT', 'INFO'))[0].get('addr')!;
      const laddr = parseList(await a.call('CLIENT', 'INFO'))[0].get('laddr')!;
      const byAddr = await killer.call('CLIENT', 'KILL', 'ADDR', addrOfA, 'SKIPME', 'yes');
      await a.readUntilClosed(2000);
      // Every other connection to this server goes.
      const others = parseList(await killer.call('CLIENT', 'LIST')).length - 1;
      const byLaddr = await killer.call('CLIENT', 'KILL', 'LADDR', laddr, 'TYPE', 'normal');
      await Promise.all([b.readUntilClosed(2000), c.readUntilClosed(2000)]);
      const observed = {
        byAddr,
        // Connections of earlier tests may still be closing: the count is bounded, not exact.
        byLaddr: Number(byLaddr.slice(1, -2)) >= 2 && Number(byLaddr.slice(1, -2)) <= others,
        closed: [a.isClosed, b.isClosed, c.isClosed],
        killerAlive: await killer.call('PING'),
        noOthers: await killer.call('CLIENT', 'KILL', 'USER', 'default'),
        typeMismatch: await killer.call('CLIENT', 'KILL', 'TYPE', 'pubsub', 'SKIPME', 'no'),
        laddrMismatch: await killer.call('CLIENT', 'KILL', 'LADDR', '1.1.1.1:1'),
      };
      killer.close();
      return observed;
    });
    assert.equal(seen.byAddr, ':1\r\n');
    assert.equal(seen.byLaddr, true);
    assert.deepEqual(seen.closed, [true, true, true]);
  });

  it('CLIENT KILL ID of the caller with SKIPME no replies 1 and then closes it', async () => {
    const seen = await onBoth(async (port) => {
      const [self] = await connectAll(port, 1);
      const id = await clientId(self);
      const skipped = await self.call('CLIENT', 'KILL', 'ID', id);
      self.sendRaw(encodeCommand(['CLIENT', 'KILL', 'ID', id, 'SKIPME', 'NO']));
      return { skipped, output: await self.readUntilClosed(2000), closed: self.isClosed };
    });
    assert.deepEqual(seen, { skipped: ':0\r\n', output: ':1\r\n', closed: true });
  });

  it('CLIENT KILL refuses bad filters with Redis errors', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['CLIENT', 'KILL'],
      ['CLIENT', 'KILL', 'ID', '0'],
      ['CLIENT', 'KILL', 'ID', '-5'],
      ['CLIENT', 'KILL', 'ID', 'x'],
      ['CLIENT', 'KILL', 'ID', '9223372036854775807'],
      ['CLIENT', 'KILL', 'ID', '9223372036854775808'],
      ['CLIENT', 'KILL', 'TYPE', 'foo'],
      ['CLIENT', 'KILL', 'TYPE', 'foo', 'ID', '0'],
      ['CLIENT', 'KILL', 'ID', 'x', 'TYPE', 'foo'],
      ['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'maybe'],
      ['CLIENT', 'KILL', 'USER', 'bob'],
      ['CLIENT', 'KILL', 'USER', 'default\0x'],
      ['CLIENT', 'KILL', 'FOO', 'bar'],
      ['CLIENT', 'KILL', 'ID', '1', 'TYPE'],
      ['CLIENT', 'KILL', 'ADDR', '1.1.1.1:1'],
      ['CLIENT', 'KILL', 'ID', '999999', 'ID', '999998'],
      ['CLIENT', 'KILL', 'TYPE', 'master'],
      ['CLIENT', 'KILL', 'TYPE', 'replica', 'SKIPME', 'no'],
      ['CLIENT', 'KILL', 'TYPE', 'slave'],
    ]);
  });
});

describe('CLIENT REPLY against redis-server', () => {
  it('CLIENT REPLY OFF silences every reply until ON, which answers OK', async () => {
    const pair = await env.pair();
    const commands: Command[] = [
      ['CLIENT', 'REPLY', 'OFF'],
      ['PING'],
      ['SET', 'k', 'v'],
      ['NOSUCHCOMMAND'],
      ['CLIENT', 'REPLY', 'SKIP'],
      ['GET', 'k'],
      ['CLIENT', 'REPLY', 'ON'],
      ['GET', 'k'],
    ];
    const [redis, kvik] = await Promise.all([
      pipeline(pair.redis, commands),
      pipeline(pair.kvik, commands),
    ]);
    assert.equal(kvik, redis);
    assert.equal(kvik, '+OK\r\n$1\r\nv\r\n');
  });

  it('CLIENT REPLY SKIP silences only the next command, errors included', async () => {
    const pair = await env.pair();
    const commands: Command[] = [
      ['CLIENT', 'REPLY', 'SKIP'],
      ['PING', '1'],
      ['PING', '2'],
      ['CLIENT', 'REPLY', 'SKIP'],
      ['NOSUCHCOMMAND'],
      ['PING', '3'],
      ['CLIENT', 'REPLY', 'SKIP'],
      ['CLIENT', 'REPLY', 'SKIP'],
      ['PING', '4'],
      ['PING', '5'],
      ['CLIENT', 'REPLY', 'SKIP'],
      ['CLIENT', 'REPLY', 'ON'],
      ['CLIENT', 'REPLY', 'SKIP'],
      ['CLIENT', 'REPLY', 'OFF'],
      ['PING', '6'],
      ['CLIENT', 'REPLY', 'ON'],
    ];
    const [redis, kvik] = await Promise.all([
      pipeline(pair.redis, commands),
      pipeline(pair.kvik, commands),
    ]);
    assert.equal(kvik, redis);
  });

  it('RESET turns replies back on, except right after CLIENT REPLY SKIP', async () => {
    const pair = await env.pair();
    const commands: Command[] = [
      ['CLIENT', 'REPLY', 'SKIP'],
      ['RESET'],
      ['PING', 'a'],
      ['CLIENT', 'REPLY', 'OFF'],
      ['RESET'],
      ['PING', 'b'],
    ];
    const [redis, kvik] = await Promise.all([
      pipeline(pair.redis, commands),
      pipeline(pair.kvik, commands),
    ]);
    assert.equal(kvik, redis);
    assert.equal(kvik, '$1\r\na\r\n+RESET\r\n$1\r\nb\r\n');
  });

  it('CLIENT REPLY refuses other modes and arities', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['CLIENT', 'REPLY'],
      ['CLIENT', 'REPLY', 'foo'],
      ['CLIENT', 'REPLY', 'on', 'x'],
      ['CLIENT', 'REPLY', 'on\0x'],
    ]);
  });
});

describe('CLIENT PAUSE and UNPAUSE against redis-server', () => {
  it('PAUSE WRITE holds writes until it times out, while reads go on', async () => {
    const seen = await onBoth(async (port) => {
      const [admin, writer, reader] = await connectAll(port, 3);
      await admin.call('DEL', 'k');
      const paused = await admin.call('CLIENT', 'PAUSE', '800', 'WRITE');
      writer.sendRaw(
        Buffer.concat([encodeCommand(['SET', 'k', '1']), encodeCommand(['GET', 'k'])]),
      );
      const read = await reader.call('GET', 'k');
      const readByPauser = await admin.call('PING');
      const writerHeld = await silentFor(writer, 150);
      const observed = {
        paused,
        read,
        readByPauser,
        writerHeld,
        writer: [await writer.readReply(2000), await writer.readReply(2000)],
      };
      for (const client of [admin, writer, reader]) client.close();
      return observed;
    });
    assert.equal(seen.read, '$-1\r\n');
    assert.equal(seen.writerHeld, true);
    assert.deepEqual(seen.writer, ['+OK\r\n', '$1\r\n1\r\n']);
  });

  it('PAUSE ALL holds reads too; when it ends, held commands run in arrival order', async () => {
    const seen = await onBoth(async (port) => {
      const [admin, first, second] = await connectAll(port, 3);
      await admin.call('SET', 'k', 'before');
      const paused = await admin.call('CLIENT', 'PAUSE', '800', 'WRITE');
      // A second pause keeps the later end and takes the stronger mode.
      const stronger = await admin.call('CLIENT', 'PAUSE', '10', 'ALL');
      first.sendRaw(encodeCommand(['GET', 'k']));
      const firstHeld = await silentFor(first, 100);
      second.sendRaw(encodeCommand(['SET', 'k', 'after']));
      const secondHeld = await silentFor(second, 100);
      const observed = {
        paused,
        stronger,
        firstHeld,
        secondHeld,
        first: await first.readReply(2000),
        second: await second.readReply(2000),
      };
      for (const client of [admin, first, second]) client.close();
      return observed;
    });
    assert.deepEqual([seen.firstHeld, seen.secondHeld], [true, true]);
    assert.deepEqual([seen.first, seen.second], ['$6\r\nbefore\r\n', '+OK\r\n']);
  });

  it('CLIENT UNPAUSE ends a pause at once and releases the held commands', async () => {
    const seen = await onBoth(async (port) => {
      const [admin, writer] = await connectAll(port, 2);
      await admin.call('DEL', 'counter');
      await admin.call('CLIENT', 'PAUSE', '10000', 'WRITE');
      writer.sendRaw(encodeCommand(['INCR', 'counter']));
      const held = await silentFor(writer, 100);
      const unpause = await admin.call('CLIENT', 'UNPAUSE');
      const observed = { held, unpause, writer: await writer.readReply(1000) };
      for (const client of [admin, writer]) client.close();
      return observed;
    });
    assert.deepEqual(seen, { held: true, unpause: '+OK\r\n', writer: ':1\r\n' });
  });

  it('a client held by PAUSE shows the b flag and its held command in CLIENT LIST', async () => {
    const seen = await onBoth(async (port) => {
      const [admin, writer] = await connectAll(port, 2);
      const writerId = await clientId(writer);
      await admin.call('CLIENT', 'PAUSE', '2000', 'WRITE');
      writer.sendRaw(encodeCommand(['SET', 'k', 'v']));
      await silentFor(writer, 100);
      const listed = await comparableList(admin, 'CLIENT', 'LIST', 'ID', writerId);
      await admin.call('CLIENT', 'UNPAUSE');
      const reply = await writer.readReply(2000);
      for (const client of [admin, writer]) client.close();
      return { listed, reply };
    });
    assert.match(seen.listed[0], / flags=b .* cmd=set /);
  });

  it('while clients are paused, expired keys are hidden but not deleted', async () => {
    const seen = await onBoth(async (port) => {
      const [admin, reader] = await connectAll(port, 2);
      await admin.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
      await admin.call('FLUSHALL');
      await admin.call('SET', 'k', 'v', 'PX', '50');
      await admin.call('SET', 'j', 'v', 'PX', '50');
      await admin.call('CLIENT', 'PAUSE', '10000', 'WRITE');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const during = [
        await reader.call('GET', 'k'),
        await reader.call('EXISTS', 'j'),
        await reader.call('DBSIZE'),
      ];
      await admin.call('CLIENT', 'UNPAUSE');
      const after = [await reader.call('GET', 'k'), await reader.call('DBSIZE')];
      await admin.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
      for (const client of [admin, reader]) client.close();
      return { during, after };
    });
    assert.deepEqual(seen, {
      during: ['$-1\r\n', ':0\r\n', ':2\r\n'],
      after: ['$-1\r\n', ':1\r\n'],
    });
  });

  it('CLIENT PAUSE refuses bad timeouts and modes; huge or zero timeouts end at once', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['CLIENT', 'PAUSE'],
      ['CLIENT', 'PAUSE', '1', 'WRITE', 'x'],
      ['CLIENT', 'PAUSE', 'x'],
      ['CLIENT', 'PAUSE', '1.5'],
      ['CLIENT', 'PAUSE', '-1'],
      ['CLIENT', 'PAUSE', '1', 'foo'],
      ['CLIENT', 'PAUSE', 'x', 'foo'],
      ['CLIENT', 'PAUSE', '9223372036854775807'],
      ['CLIENT', 'PAUSE', '9223372036854775808'],
      ['CLIENT', 'PAUSE', '0', 'all'],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await pair.sameAll([
      ['SET', 'k', 'v'],
      ['CLIENT', 'UNPAUSE'],
    ]);
  });
});

describe('CLIENT NO-EVICT against redis-server', () => {
  it('CLIENT NO-EVICT takes ON or OFF and shows as the e flag', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['CLIENT', 'NO-EVICT'],
      ['CLIENT', 'NO-EVICT', 'x'],
      ['CLIENT', 'NO-EVICT', 'on'],
      ['CLIENT', 'NO-EVICT', 'OFF'],
      ['CLIENT', 'NO-EVICT', 'ON'],
    ]);
    const [redis, kvik] = await Promise.all([
      comparableList(pair.redis, 'CLIENT', 'INFO'),
      comparableList(pair.kvik, 'CLIENT', 'INFO'),
    ]);
    assert.deepEqual(kvik, redis);
    assert.match(kvik[0], / flags=e /);
  });
});

describe('CLIENT features of later Redis versions against redis-server 7.0', () => {
  it('SETINFO and NO-TOUCH (7.2) and KILL MAXAGE (7.4) work on Kvik, 7.0 does not know them', async () => {
    const pair = await env.pair();
    const setinfo = await pair.both('CLIENT', 'SETINFO', 'LIB-NAME', 'kvik-test');
    assert.deepEqual(setinfo, {
      redis: "-ERR unknown subcommand 'SETINFO'. Try CLIENT HELP.\r\n",
      kvik: '+OK\r\n',
    });
    const noTouch = await pair.both('CLIENT', 'NO-TOUCH', 'on');
    assert.deepEqual(noTouch, {
      redis: "-ERR unknown subcommand 'NO-TOUCH'. Try CLIENT HELP.\r\n",
      kvik: '+OK\r\n',
    });
    const maxAge = await pair.both('CLIENT', 'KILL', 'MAXAGE', '100000');
    assert.deepEqual(maxAge, { redis: '-ERR syntax error\r\n', kvik: ':0\r\n' });
  });
});
