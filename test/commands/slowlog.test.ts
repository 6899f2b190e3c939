import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useHarness } from '../helpers/in-process.js';
import { parseReply, type ReplyNode } from '../meta/reply-tree.js';
import { RawClient, encodeCommand } from '../helpers/raw-client.js';

const harness = useHarness();

function entries(node: ReplyNode): ReplyNode[] {
  assert.equal(node.kind, 'array');
  return (node as { items: ReplyNode[] }).items;
}

function argvOf(entry: ReplyNode): string[] {
  const arg = entries(entry)[3];
  return entries(arg).map((a) => (a as { text: string }).text);
}

describe('SLOWLOG', () => {
  it('logs every command with slowlog-log-slower-than 0, newest first, with peer and name', async () => {
    const h = await harness();
    await h.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    await h.call('SLOWLOG', 'RESET');
    await h.call('CLIENT', 'SETNAME', 'me');
    await h.call('SET', 'k', 'v');
    const log = entries(parseReply(await h.call('SLOWLOG', 'GET', '2')));
    assert.equal(log.length, 2);
    assert.deepEqual(argvOf(log[0]), ['SET', 'k', 'v']);
    assert.deepEqual(argvOf(log[1]), ['CLIENT', 'SETNAME', 'me']);
    const [id, time, , , peer, name] = entries(log[0]).map((n) => (n as { text: string }).text);
    assert.equal(id, '3');
    assert.equal(time, String(Math.floor(h.clock.now() / 1000)));
    assert.match(peer, /^127\.0\.0\.1:\d+$/);
    assert.equal(name, 'me');
  });

  it('takes slowlog-log-slower-than and slowlog-max-len from the startup config', async () => {
    const h = await harness({
      config: { 'slowlog-log-slower-than': '0', 'slowlog-max-len': '2' },
    });
    for (let i = 0; i < 5; i++) await h.call('PING');
    assert.equal(await h.call('SLOWLOG', 'LEN'), ':2\r\n');
  });

  it('trims to 32 arguments and 128 bytes, and redacts AUTH and CONFIG SET requirepass', async () => {
    const h = await harness();
    await h.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    await h.call('RPUSH', 'l', ...Array.from({ length: 40 }, (_, i) => i));
    await h.call('SET', 'big', 'a'.repeat(200));
    await h.call('AUTH', 'user', 'secret');
    await h.call('CONFIG', 'SET', 'requirepass', '');
    const log = entries(parseReply(await h.call('SLOWLOG', 'GET', '4')));
    assert.deepEqual(argvOf(log[0]), ['CONFIG', 'SET', 'requirepass', '(redacted)']);
    assert.deepEqual(argvOf(log[1]), ['AUTH', '(redacted)', '(redacted)']);
    assert.deepEqual(argvOf(log[2]), ['SET', 'big', `${'a'.repeat(128)}... (72 more bytes)`]);
    const rpush = argvOf(log[3]);
    assert.equal(rpush.length, 32);
    assert.equal(rpush[31], '... (11 more arguments)');
  });

  it('keeps slowlog-max-len entries and logs nothing when the threshold is negative', async () => {
    const h = await harness();
    await h.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    await h.call('CONFIG', 'SET', 'slowlog-max-len', '3');
    for (let i = 0; i < 10; i++) await h.call('PING');
    assert.equal(await h.call('SLOWLOG', 'LEN'), ':3\r\n');
    await h.call('CONFIG', 'SET', 'slowlog-log-slower-than', '-1');
    await h.call('SLOWLOG', 'RESET');
    await h.call('PING');
    assert.equal(await h.call('SLOWLOG', 'LEN'), ':0\r\n');
  });

  it('logs the commands of EXEC but not EXEC, and a script after the commands it ran', async () => {
    const h = await harness();
    await h.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    await h.call('MULTI');
    await h.call('SET', 'x', '1');
    await h.call('EXEC');
    await h.call('EVAL', "redis.call('set','y','2')", '0');
    const log = entries(parseReply(await h.call('SLOWLOG', 'GET', '4'))).map(argvOf);
    assert.deepEqual(log, [
      ['EVAL', "redis.call('set','y','2')", '0'],
      ['set', 'y', '2'],
      ['SET', 'x', '1'],
      ['MULTI'],
    ]);
  });

  it('LATENCY records a command event past latency-monitor-threshold', async () => {
    const h = await harness();
    await h.call('CONFIG', 'SET', 'latency-monitor-threshold', '1');
    await h.call('EVAL', 'local i = 0 while i < 3000000 do i = i + 1 end return 1', '0');
    const latest = entries(parseReply(await h.call('LATENCY', 'LATEST')));
    // On a loaded machine the cron's expire cycle may pass 1 ms too: only 'command' is certain.
    const events = latest.map((entry) => (entries(entry)[0] as { text: string }).text);
    assert.ok(events.includes('command'), `events: ${events.join(', ')}`);
    assert.match(await h.call('LATENCY', 'GRAPH', 'command'), /^\$\d+\r\ncommand - high \d+ ms/);
    assert.match(await h.call('LATENCY', 'DOCTOR'), /1\. command: 1 latency spikes/);
    assert.equal(await h.call('LATENCY', 'RESET', 'command', 'nosuch'), ':1\r\n');
    assert.equal(await h.call('LATENCY', 'HISTORY', 'command'), '*0\r\n');
  });

  it('LATENCY records an expire-cycle event when active expiry takes past the threshold', async () => {
    const h = await harness();
    await h.call(
      'EVAL',
      "for i = 1, 50000 do redis.call('set', 'k' .. i, 'v', 'px', 100) end",
      '0',
    );
    await h.call('CONFIG', 'SET', 'latency-monitor-threshold', '1');
    h.clock.advance(1000);
    // The cron deletes the expired keys in slices of up to 25 ms, each well over 1 ms.
    for (let i = 0; i < 40 && !(await h.call('LATENCY', 'LATEST')).includes('expire-cycle'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.match(await h.call('LATENCY', 'LATEST'), /expire-cycle/);
  });

  it('logs a command that blocked once its wait ends, after the command that served it', async () => {
    const h = await harness();
    await h.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    const waiter = await RawClient.connect(h.server.port);
    waiter.sendRaw(encodeCommand(['BLPOP', 'queue', '0']));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await h.call('SLOWLOG', 'RESET');
    await h.call('RPUSH', 'queue', 'job');
    assert.equal(await waiter.readReply(), '*2\r\n$5\r\nqueue\r\n$3\r\njob\r\n');
    const log = entries(parseReply(await h.call('SLOWLOG', 'GET'))).map(argvOf);
    assert.deepEqual(log, [
      ['BLPOP', 'queue', '0'],
      ['RPUSH', 'queue', 'job'],
      ['SLOWLOG', 'RESET'],
    ]);
    waiter.close();
  });
});
