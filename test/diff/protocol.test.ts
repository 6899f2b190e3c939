import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useDiffServers, type DiffEnv } from '../helpers/diff.js';
import { RawClient, encodeCommand } from '../helpers/raw-client.js';

const env = useDiffServers();
const authEnv = useDiffServers({
  kvik: { config: { requirepass: 'secret' } },
  redisArgs: ['--requirepass', 'secret'],
});

/** What a server answered to some raw bytes, and whether it then closed the connection. */
interface Answer {
  replies: string;
  closed: boolean;
}

/** The command sent after raw bytes to know when every reply to them has arrived. */
const SENTINEL = encodeCommand(['ECHO', 'sentinel']);
const SENTINEL_REPLY = '$8\r\nsentinel\r\n';

async function answer(port: number, data: Buffer, quietMs: number): Promise<Answer> {
  const client = await RawClient.connect(port);
  try {
    client.sendRaw(Buffer.concat([data, SENTINEL]));
    let replies = '';
    for (;;) {
      let reply: string;
      try {
        reply = await client.readReply(quietMs);
      } catch {
        // Closed, or quiet for quietMs (a frame the server is still waiting to complete).
        return { replies, closed: client.isClosed };
      }
      if (reply === SENTINEL_REPLY) return { replies, closed: false };
      replies += reply;
    }
  } finally {
    client.close();
  }
}

/**
 * Sends the same bytes in one write to redis-server and Kvik and asserts identical replies and
 * the same fate of the connection (closed after a protocol error, or still serving).
 */
async function sameAnswer(diff: DiffEnv, data: string | Buffer, quietMs = 300): Promise<Answer> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  const [redis, kvik] = await Promise.all([
    answer(diff.reference.port, bytes, quietMs),
    answer(diff.kvik.port, bytes, quietMs),
  ]);
  const shown = JSON.stringify(bytes.toString('latin1', 0, 120));
  assert.equal(kvik.replies, redis.replies, `replies to ${shown}`);
  assert.equal(kvik.closed, redis.closed, `connection closed after ${shown}`);
  return kvik;
}

function multibulk(...args: string[]): string {
  return encodeCommand(args).toString('latin1');
}

describe('protocol errors against redis-server', () => {
  it('an invalid multibulk length is refused and the connection closed', async () => {
    for (const count of ['x', '01', '-0', '+1', '1 ', '2147483648', '-9999999999999999999', '']) {
      const answer = await sameAnswer(env, `*${count}\r\n`);
      assert.equal(answer.closed, true);
    }
  });

  it('an invalid bulk length is refused: not a number, negative, beyond proto-max-bulk-len', async () => {
    for (const len of ['x', '-1', '-0', '01', '+5', ' 1', '536870913', '9223372036854775808']) {
      await sameAnswer(env, `*1\r\n$${len}\r\n`);
    }
  });

  it("anything but '$' where a bulk should start is refused, naming the byte", async () => {
    await sameAnswer(env, '*1\r\n:1\r\n');
    await sameAnswer(env, '*2\r\n$3\r\nGET\r\nkey\r\n');
    await sameAnswer(env, '*1\r\n\r\n');
    await sameAnswer(env, '*1\r\n\xff\r\n');
  });

  it('a line of more than 64 KB without its end is too big, for each kind of line', async () => {
    // Redis reads up to 128 KB before it looks for the line end again, so between 64 and 128 KB
    // its answer depends on how the bytes arrive; beyond that it is always "too big".
    const long = '1'.repeat(200 * 1024);
    await sameAnswer(env, long);
    await sameAnswer(env, '*' + long);
    await sameAnswer(env, '*1\r\n$' + long);
  });

  it('unbalanced quotes in an inline command are refused', async () => {
    await sameAnswer(env, 'SET k "v\r\n');
    await sameAnswer(env, "SET k 'v\r\n");
    await sameAnswer(env, 'SET k "v"x\r\n');
  });

  it('commands before the error in the same write are answered first', async () => {
    const answer = await sameAnswer(
      env,
      multibulk('SET', 'a', '1') + 'GET a\r\n' + '*1\r\n$x\r\n' + multibulk('PING'),
    );
    assert.equal(answer.replies, '+OK\r\n$1\r\n1\r\n-ERR Protocol error: invalid bulk length\r\n');
  });

  it('the error closes only that connection: other clients are still served', async () => {
    const pair = await env.pair();
    await pair.same('SET', 'survivor', 'yes');
    await sameAnswer(env, '*1\r\n$-5\r\n');
    await pair.same('GET', 'survivor');
    await pair.same('PING');
  });

  it('before AUTH, more than 10 arguments or a bulk over 16 KB is a protocol error', async () => {
    await sameAnswer(authEnv, '*11\r\n');
    await sameAnswer(authEnv, '*1\r\n$16385\r\n');
    // Within those limits the command is refused by the gate instead, and the connection stays.
    await sameAnswer(authEnv, multibulk('SET', 'k', 'v'.repeat(16384)));
    await sameAnswer(authEnv, '*10\r\n' + '$1\r\nx\r\n'.repeat(10));
    // After AUTH the limits are gone.
    await sameAnswer(
      authEnv,
      multibulk('AUTH', 'secret') +
        multibulk('ECHO', 'v'.repeat(20000)) +
        multibulk('DEL', ...'abcdefghijkl'),
    );
  });
});

describe('inline commands against redis-server', () => {
  it('telnet-style commands run, with CRLF or a bare LF', async () => {
    await sameAnswer(env, 'SET greeting hello\r\nGET greeting\nPING\r\nECHO   spaced    out  \r\n');
  });

  it('quotes and escapes are read as redis-cli and Redis read them', async () => {
    await sameAnswer(
      env,
      'ECHO "a b"\r\nECHO \'c d\'\r\nECHO "\\x41\\x4g\\q\\n"\r\nECHO \'it\\\'s\'\r\nECHO x"y z"\r\nECHO a\vb\r\n',
    );
  });

  it('empty lines, blank lines, *0 and *-1 are ignored', async () => {
    await sameAnswer(env, '\r\n\n   \r\n*0\r\n*-1\r\n*-9223372036854775808\r\nPING\r\n');
  });

  it('a NUL byte hides the newline of an inline command, so the server waits', async () => {
    const answer = await sameAnswer(env, 'PING\0\r\n', 200);
    assert.equal(answer.replies, '');
    assert.equal(answer.closed, false);
    await sameAnswer(env, 'PING\r\n\0PING\r\n', 200);
  });

  it('binary bytes above 127 in inline arguments pass through', async () => {
    await sameAnswer(env, 'ECHO \xe9t\xe9\xff\r\n');
  });

  it('an unknown inline command is refused with its arguments previewed', async () => {
    await sameAnswer(env, 'NOPE a "b c"\r\n');
  });
});

describe('pipelining against redis-server', () => {
  it('thousands of commands in one write are all answered, in order', async () => {
    let data = '';
    for (let i = 0; i < 5000; i++) {
      data += multibulk('SET', `key:${i}`, `value:${i}`) + multibulk('GET', `key:${i}`);
      if (i % 7 === 0) data += `ECHO inline:${i}\r\n`;
    }
    const answer = await sameAnswer(env, data, 2000);
    assert.equal(answer.replies.split('+OK').length - 1, 5000);
  });

  it('multibulk and inline frames mix freely, with empty ones between', async () => {
    await sameAnswer(
      env,
      multibulk('SET', 'm', '1') + '\r\n*0\r\nGET m\r\n' + multibulk('ECHO', '') + 'PING x\n',
    );
  });

  it('a frame split across writes is answered once complete', async () => {
    for (const server of [env.reference, env.kvik]) {
      const client = await RawClient.connect(server.port);
      const frame = encodeCommand(['ECHO', 'split']);
      for (const byte of frame) {
        client.sendRaw(Buffer.from([byte]));
        await new Promise((r) => setImmediate(r));
      }
      assert.equal(await client.readReply(), '$5\r\nsplit\r\n');
      client.close();
    }
  });
});
