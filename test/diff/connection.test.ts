import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useDiffServers, type Command, type DiffPair } from '../helpers/diff.js';
import { encodeCommand } from '../helpers/raw-client.js';

const env = useDiffServers();
/** A second pair of servers whose default user has the password 'x'. */
const secured = useDiffServers({
  kvik: { config: { requirepass: 'x' } },
  redisArgs: ['--requirepass', 'x'],
});

/** A reply with HELLO's client id blanked (ids differ between the two servers). */
function withoutHelloId(reply: string): string {
  return reply.replace(/\$2\r\nid\r\n:\d+\r\n/, '$2\r\nid\r\n:ID\r\n');
}

/** HELLO on both servers: the replies must be equal but for the client id. */
async function sameHello(pair: DiffPair, ...args: Command): Promise<string> {
  const { redis, kvik } = await pair.both('HELLO', ...args);
  assert.equal(withoutHelloId(kvik), withoutHelloId(redis));
  return kvik;
}

/** Sends raw bytes to both servers and returns what each sent back before closing. */
async function untilClosed(pair: DiffPair, bytes: string | Buffer): Promise<string> {
  pair.redis.sendRaw(bytes);
  pair.kvik.sendRaw(bytes);
  const [redis, kvik] = await Promise.all([
    pair.redis.readUntilClosed(2000),
    pair.kvik.readUntilClosed(2000),
  ]);
  assert.equal(kvik, redis);
  assert.equal(pair.kvik.isClosed, true);
  return kvik;
}

describe('connection commands against redis-server', () => {
  it('PING answers PONG, or echoes its argument', async () => {
    const pair = await env.pair();
    await pair.sameAll([['PING'], ['PING', 'hello'], ['PING', 'a', 'b'], ['ping']]);
  });

  it('ECHO returns its argument byte for byte', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['ECHO', 'x'],
      ['ECHO', ''],
      ['ECHO', Buffer.from([0, 255, 13, 10, 128])],
      ['ECHO'],
      ['ECHO', 'a', 'b'],
    ]);
  });

  it('SELECT switches databases and rejects bad indexes', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SELECT', '1'],
      ['SET', 'k', 'in-1'],
      ['SELECT', '16'],
      ['SELECT', '-1'],
      ['SELECT', 'x'],
      ['SELECT', '1.5'],
      ['SELECT', '2147483648'],
      ['SELECT', '-2147483649'],
      ['SELECT', '0'],
      ['GET', 'k'],
      ['SELECT', '15'],
      ['SELECT'],
    ]);
  });

  it('an unknown command is refused with its arguments previewed', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['FOO'],
      ['FOO', 'a', 'b c'],
      ['FOO', 'x'.repeat(200), 'y'],
      ['FO\0O', 'a\0b', 'c'],
    ]);
  });

  it('QUIT answers OK and closes the connection, ignoring what follows', async () => {
    const pair = await env.pair();
    const output = await untilClosed(
      pair,
      Buffer.concat([encodeCommand(['QUIT', 'extra']), encodeCommand(['PING'])]),
    );
    assert.equal(output, '+OK\r\n');
  });

  it('PING, ECHO and errors keep their RESP3 forms after HELLO 3', async () => {
    const pair = await env.pair();
    await sameHello(pair, '3');
    await pair.sameAll([['PING'], ['PING', 'x'], ['ECHO', 'y'], ['GET', 'missing'], ['FOO']]);
  });
});

describe('HELLO against redis-server', () => {
  it('HELLO answers the server map, and HELLO 3 switches to RESP3 maps', async () => {
    const pair = await env.pair();
    assert.match(await sameHello(pair), /^\*14\r\n\$6\r\nserver\r\n\$5\r\nredis\r\n/);
    await sameHello(pair, '2');
    assert.match(await sameHello(pair, '3'), /^%7\r\n/);
    await sameHello(pair);
    assert.match(await sameHello(pair, '2'), /^\*14\r\n/);
  });

  it('HELLO refuses other protocol versions and malformed options', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['HELLO', '1'],
      ['HELLO', '4'],
      ['HELLO', '-1'],
      ['HELLO', 'x'],
      ['HELLO', '03'],
      ['HELLO', '3.0'],
      ['HELLO', '99999999999999999999'],
      ['HELLO', '3', 'AUTH'],
      ['HELLO', '3', 'AUTH', 'default'],
      ['HELLO', '3', 'SETNAME'],
      ['HELLO', '3', 'FOO'],
      ['HELLO', '3', 'x\0y'],
      ['HELLO', 'AUTH', 'default', 'x'],
      ['HELLO', '2', 'SETNAME', 'a b'],
      ['HELLO', '2', 'AUTH', 'nobody', 'x'],
      ['PING'],
    ]);
  });

  it('HELLO SETNAME names the connection; the last of repeated options wins', async () => {
    const pair = await env.pair();
    await sameHello(pair, '3', 'setname', 'first', 'SETNAME', 'second');
    await pair.same('CLIENT', 'GETNAME');
    await sameHello(pair, '2', 'SETNAME', '');
    await pair.same('CLIENT', 'GETNAME');
  });

  it('HELLO applies each option as it reads it: a later bad option leaves earlier ones done', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['HELLO', '3', 'SETNAME', 'a', 'FOO'],
      ['CLIENT', 'GETNAME'],
      ['HELLO', '3', 'SETNAME', 'b', 'AUTH', 'nobody', 'x'],
      ['CLIENT', 'GETNAME'],
      ['HELLO', '3', 'SETNAME', 'c', 'SETNAME'],
      ['CLIENT', 'GETNAME'],
      ['GET', 'still-resp2'],
    ]);
  });

  it('HELLO AUTH accepts any password for the default user when none is configured', async () => {
    const pair = await env.pair();
    await sameHello(pair, '3', 'AUTH', 'default', 'anything');
    await pair.same('AUTH', 'nobody', 'x');
  });
});

describe('RESET against redis-server', () => {
  it('RESET returns to database 0, RESP2 and no name, and keeps NO-EVICT as Redis 7.0 does', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SELECT', '4'],
      ['CLIENT', 'SETNAME', 'before'],
      ['CLIENT', 'NO-EVICT', 'on'],
    ]);
    await sameHello(pair, '3');
    await pair.sameAll([['RESET'], ['CLIENT', 'GETNAME'], ['GET', 'missing'], ['RESET', 'x']]);
    const { redis, kvik } = await pair.both('CLIENT', 'INFO');
    for (const info of [redis, kvik]) {
      assert.match(info, / name= .* flags=e db=0 .* resp=2\n/);
    }
  });
});

describe('AUTH against redis-server without a password', () => {
  it('AUTH with one argument is refused, with two it accepts only the default user', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['AUTH'],
      ['AUTH', 'x'],
      ['AUTH', 'default', 'x'],
      ['AUTH', 'DEFAULT', 'x'],
      ['AUTH', 'foo', 'x'],
      ['AUTH', 'a', 'b', 'c'],
      ['PING'],
    ]);
  });
});

describe('AUTH against redis-server with requirepass', () => {
  it('commands answer NOAUTH until AUTH succeeds; unknown commands and AUTH go through', async () => {
    const pair = await secured.pair();
    await pair.sameAll([
      ['PING'],
      ['CLIENT', 'ID'],
      ['GET', 'k'],
      ['FOO'],
      ['AUTH'],
      ['AUTH', 'y'],
      ['AUTH', 'default', 'y'],
      ['AUTH', 'x', 'y', 'z'],
      ['ECHO', 'still locked'],
      ['AUTH', 'x'],
      ['PING'],
      ['AUTH', 'wrong'],
      ['PING'],
      ['AUTH', 'nobody', 'x'],
      ['AUTH', 'default', 'x'],
    ]);
  });

  it('HELLO needs authentication first, or its AUTH option, which stays even if SETNAME fails', async () => {
    const pair = await secured.pair();
    await pair.sameAll([['HELLO'], ['HELLO', '3'], ['HELLO', '3', 'SETNAME', 'n']]);
    await sameHello(pair, '3', 'AUTH', 'default', 'y');
    await sameHello(pair, '3', 'AUTH', 'default', 'x', 'SETNAME', 'a b');
    await pair.sameAll([['PING'], ['CLIENT', 'GETNAME']]);
    await sameHello(pair, '3', 'AUTH', 'default', 'x', 'SETNAME', 'named');
    await pair.sameAll([
      ['CLIENT', 'GETNAME'],
      ['GET', 'k'],
    ]);
  });

  it('RESET logs the client out again', async () => {
    const pair = await secured.pair();
    await pair.sameAll([['AUTH', 'x'], ['PING'], ['RESET'], ['PING'], ['AUTH', 'x'], ['PING']]);
  });

  it('QUIT works without authentication', async () => {
    const pair = await secured.pair();
    assert.equal(await untilClosed(pair, encodeCommand(['QUIT'])), '+OK\r\n');
  });

  it('an unauthenticated client may not send more than 10 arguments', async () => {
    const pair = await secured.pair();
    const args = Array.from({ length: 11 }, () => 'a');
    const output = await untilClosed(pair, encodeCommand(args));
    assert.equal(output, '-ERR Protocol error: unauthenticated multibulk length\r\n');
  });

  it('an unauthenticated client may not send an argument over 16 KB', async () => {
    const pair = await secured.pair();
    const output = await untilClosed(pair, encodeCommand(['ECHO', 'x'.repeat(16385)]));
    assert.equal(output, '-ERR Protocol error: unauthenticated bulk length\r\n');
  });

  it('up to the limits, and inline or once authenticated, long requests are fine', async () => {
    const pair = await secured.pair();
    await pair.sameAll([Array.from({ length: 10 }, () => 'PING'), ['ECHO', 'x'.repeat(16384)]]);
    const inline = `PING ${'a '.repeat(20)}\r\n`;
    pair.redis.sendRaw(inline);
    pair.kvik.sendRaw(inline);
    assert.equal(await pair.kvik.readReply(), await pair.redis.readReply());
    await pair.sameAll([
      ['AUTH', 'x'],
      Array.from({ length: 11 }, () => 'PING'),
      ['ECHO', 'x'.repeat(20000)],
    ]);
  });
});
