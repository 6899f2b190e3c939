import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useHarness, type Harness } from '../helpers/in-process.js';
import { encodeCommand, RawClient } from '../helpers/raw-client.js';

const harness = useHarness();

/** A harness whose scripts become busy after 50 ms. */
async function busyHarness(): Promise<{ h: Harness; other: RawClient }> {
  const h = await harness({ config: { 'busy-reply-threshold': '50' } });
  const other = await RawClient.connect(h.server.port);
  return { h, other };
}

/** Sends a command without waiting for its reply. */
function send(client: RawClient, ...args: string[]): void {
  client.sendRaw(encodeCommand(args));
}

/** Polls until the server answers BUSY (the script passed the threshold). */
async function untilBusy(client: RawClient): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const reply = await client.call('PING');
    if (reply.startsWith('-BUSY')) return reply;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the script never became busy');
}

const LOOP = 'local i = 0 while true do i = i + 1 end';

describe('busy scripts', () => {
  it('a script running past busy-reply-threshold makes other clients get BUSY, and SCRIPT KILL stops it', async () => {
    const { h, other } = await busyHarness();
    send(h.client, 'EVAL', LOOP, '0');
    assert.equal(
      await untilBusy(other),
      '-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n',
    );
    assert.match(await other.call('SET', 'k', 'v'), /^-BUSY /);
    assert.match(await other.call('EVAL', 'return 1', '0'), /^-BUSY /);
    assert.equal(
      await other.call('FUNCTION', 'KILL'),
      '-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n',
    );
    assert.match(
      await other.call('FUNCTION', 'STATS'),
      /running_script\r\n\*6\r\n\$4\r\nname\r\n\$40\r\n/,
    );
    assert.equal(await other.call('SCRIPT', 'KILL'), '+OK\r\n');
    assert.match(
      await h.client.readReply(),
      /^-ERR Script killed by user with SCRIPT KILL\.\.\. script: [0-9a-f]{40}, on @user_script:1\.\r\n$/,
    );
    assert.equal(await other.call('PING'), '+PONG\r\n');
    assert.equal(await h.call('EVAL', 'return 7', '0'), ':7\r\n');
    other.close();
  });

  it('the script after a killed one can be killed too (the hook survives the kill)', async () => {
    const { h, other } = await busyHarness();
    for (let round = 0; round < 3; round++) {
      send(h.client, 'EVAL', LOOP, '0');
      await untilBusy(other);
      assert.equal(await other.call('SCRIPT', 'KILL'), '+OK\r\n');
      assert.match(await h.client.readReply(), /^-ERR Script killed by user with SCRIPT KILL/);
    }
    assert.equal(await other.call('PING'), '+PONG\r\n');
    other.close();
  });

  it('a script that wrote cannot be killed, and finishes its writes atomically', async () => {
    const { h, other } = await busyHarness();
    const script =
      "redis.call('SET', 'a', '1') local t = redis.call('TIME') local n = 0 " +
      'while n < 3e7 do n = n + 1 end ' +
      "redis.call('SET', 'b', '2') return n";
    send(h.client, 'EVAL', script, '0');
    await untilBusy(other);
    assert.equal(
      await other.call('SCRIPT', 'KILL'),
      '-UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.\r\n',
    );
    assert.match(await other.call('SHUTDOWN'), /^-BUSY /);
    assert.equal(await h.client.readReply(30000), ':30000000\r\n');
    assert.deepEqual(h.propagated.splice(0), ['0:MULTI', '0:SET a 1', '0:SET b 2', '0:EXEC']);
    other.close();
  });

  it('a busy function is stopped by FUNCTION KILL, not by SCRIPT KILL', async () => {
    const { h, other } = await busyHarness();
    await h.call(
      'FUNCTION',
      'LOAD',
      `#!lua name=spin\nredis.register_function('spin', function() ${LOOP} end)`,
    );
    send(h.client, 'FCALL', 'spin', '0');
    assert.match(await untilBusy(other), /You can only call FUNCTION KILL or SHUTDOWN NOSAVE/);
    assert.match(await other.call('SCRIPT', 'KILL'), /You can only call FUNCTION KILL/);
    assert.equal(await other.call('FUNCTION', 'KILL'), '+OK\r\n');
    assert.match(
      await h.client.readReply(),
      /^-ERR Script killed by user with SCRIPT KILL\.\.\. script: spin, on @user_function:2\.\r\n$/,
    );
    other.close();
  });

  it('SHUTDOWN NOSAVE ends the server while a script is busy', async () => {
    const { h, other } = await busyHarness();
    send(h.client, 'EVAL', "redis.call('SET', 'x', 1) " + LOOP, '0');
    await untilBusy(other);
    other.sendRaw(encodeCommand(['SHUTDOWN', 'NOSAVE']));
    await h.server.closed;
    other.close();
  });

  it('a pipelined command of the script caller waits for the script', async () => {
    const { h, other } = await busyHarness();
    h.client.sendRaw(
      Buffer.concat([
        encodeCommand(['EVAL', 'local n = 0 while n < 2e7 do n = n + 1 end return n', '0']),
        encodeCommand(['PING', 'after']),
      ]),
    );
    await untilBusy(other);
    assert.equal(await h.client.readReply(30000), ':20000000\r\n');
    assert.equal(await h.client.readReply(), '$5\r\nafter\r\n');
    other.close();
  });
});

describe('script effects', () => {
  it('a script queued in MULTI runs to its end inside EXEC, past the threshold too', async () => {
    const { h, other } = await busyHarness();
    await h.call('MULTI');
    await h.call(
      'EVAL',
      "redis.call('SET', 'm', 1) local n = 0 while n < 1e7 do n = n + 1 end return n",
      '0',
    );
    await h.call('INCR', 'm');
    assert.equal(await h.call('EXEC'), '*2\r\n:10000000\r\n:2\r\n');
    assert.equal(await other.call('GET', 'm'), '$1\r\n2\r\n');
    assert.deepEqual(h.propagated.splice(0), ['0:MULTI', '0:SET m 1', '0:INCR m', '0:EXEC']);
    other.close();
  });

  it('a script writing several keys propagates its commands in MULTI/EXEC, one alone, reads nothing', async () => {
    const h = await harness();
    assert.deepEqual(
      await h.propagationOf([
        'EVAL',
        "redis.call('SET', KEYS[1], 'v') redis.call('INCR', KEYS[2])",
        '2',
        'a',
        'n',
      ]),
      ['0:MULTI', '0:SET a v', '0:INCR n', '0:EXEC'],
    );
    assert.deepEqual(await h.propagationOf(['EVAL', "return redis.call('DEL', 'a')", '0']), [
      '0:DEL a',
    ]);
    assert.deepEqual(await h.propagationOf(['EVAL', "return redis.call('GET', 'n')", '0']), []);
    assert.deepEqual(await h.propagationOf(['EVAL', "return redis.call('DEL', 'none')", '0']), []);
  });

  it('SELECT inside a script changes the database of its commands only', async () => {
    const h = await harness();
    assert.deepEqual(
      await h.propagationOf(['EVAL', "redis.call('SELECT', 3) redis.call('SET', 'k', 'v')", '0']),
      ['3:SET k v'],
    );
    assert.equal(await h.call('EXISTS', 'k'), ':0\r\n');
    assert.equal(await h.call('SELECT', '3'), '+OK\r\n');
    assert.equal(await h.call('EXISTS', 'k'), ':1\r\n');
  });

  it('FUNCTION LOAD, DELETE and FLUSH propagate as they were called', async () => {
    const h = await harness();
    const code = "#!lua name=lib\nredis.register_function('f', function() return 1 end)";
    assert.deepEqual(await h.propagationOf(['FUNCTION', 'LOAD', code]), [
      `0:FUNCTION LOAD ${code}`,
    ]);
    assert.deepEqual(await h.propagationOf(['FUNCTION', 'DELETE', 'lib']), [
      '0:FUNCTION DELETE lib',
    ]);
    assert.deepEqual(await h.propagationOf(['FUNCTION', 'LOAD', 'bad']), []);
  });

  it('a script sees one time for all its commands', async () => {
    const h = await harness();
    await h.call('SET', 'k', 'v', 'PX', '100');
    const script =
      "local before = redis.call('PTTL', 'k') return {before, redis.call('PTTL', 'k'), redis.call('EXISTS', 'k')}";
    h.clock.advance(50);
    assert.equal(await h.call('EVAL', script, '0'), '*3\r\n:50\r\n:50\r\n:1\r\n');
  });

  it('each server has its own script cache and functions', async () => {
    const a = await harness();
    const b = await harness();
    const sha = (await a.call('SCRIPT', 'LOAD', 'return 1')).split('\r\n')[1];
    assert.equal(await a.call('SCRIPT', 'EXISTS', sha), '*1\r\n:1\r\n');
    assert.equal(await b.call('SCRIPT', 'EXISTS', sha), '*1\r\n:0\r\n');
  });

  it('INFO memory counts cached scripts, functions and libraries, and the Lua heaps', async () => {
    const h = await harness();
    await h.call('SCRIPT', 'LOAD', 'return 1');
    await h.call('SCRIPT', 'LOAD', 'return 2');
    await h.call(
      'FUNCTION',
      'LOAD',
      "#!lua name=l\nredis.register_function('a', function() end)\nredis.register_function('b', function() end)",
    );
    const info = await h.call('INFO', 'memory');
    assert.match(info, /\r\nnumber_of_cached_scripts:2\r\n/);
    assert.match(info, /\r\nnumber_of_functions:2\r\n/);
    assert.match(info, /\r\nnumber_of_libraries:1\r\n/);
    assert.match(info, /\r\nused_memory_scripts_eval:16\r\n/);
    assert.match(info, /\r\nused_memory_vm_eval:[1-9]\d{4,}\r\n/);
    await h.call('SCRIPT', 'FLUSH');
    assert.match(await h.call('INFO', 'memory'), /\r\nnumber_of_cached_scripts:0\r\n/);
  });
});
