import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useHarness } from '../helpers/in-process.js';
import { RawClient } from '../helpers/raw-client.js';

const harness = useHarness();
const LINE = /^\+\d{10}\.\d{6} \[(\d+) ([^\]]+)\] (.*)\r\n$/;

async function monitorLines(monitor: RawClient, count: number): Promise<string[]> {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const match = LINE.exec(await monitor.readReply());
    assert.ok(match, 'a monitor line');
    lines.push(`${match[1]} ${match[2].replace(/:\d+$/, ':port')} ${match[3]}`);
  }
  return lines;
}

describe('MONITOR', () => {
  it('shows commands in Redis format, scripts before their commands, secrets redacted', async () => {
    const h = await harness();
    const monitor = await RawClient.connect(h.server.port);
    assert.equal(await monitor.call('MONITOR'), '+OK\r\n');
    await h.call('SET', 'k', 'a\x01"\\b\n');
    await h.call('EVAL', "redis.call('get', KEYS[1])", '1', 'k');
    await h.call('AUTH', 'secret');
    await h.call('CONFIG', 'GET', 'maxclients');
    await h.call('SELECT', '3');
    assert.deepEqual(await monitorLines(monitor, 5), [
      '0 127.0.0.1:port "SET" "k" "a\\x01\\"\\\\b\\n"',
      '0 127.0.0.1:port "EVAL" "redis.call(\'get\', KEYS[1])" "1" "k"',
      '0 lua "get" "k"',
      '0 127.0.0.1:port "AUTH" "(redacted)"',
      '3 127.0.0.1:port "SELECT" "3"',
    ]);
    monitor.close();
  });

  it('shows queued commands at EXEC, then EXEC; a second MONITOR gets no reply', async () => {
    const h = await harness();
    const monitor = await RawClient.connect(h.server.port);
    await monitor.call('MONITOR');
    monitor.sendRaw('MONITOR\r\n');
    await h.call('MULTI');
    await h.call('INCR', 'n');
    await h.call('EXEC');
    assert.deepEqual(await monitorLines(monitor, 3), [
      '0 127.0.0.1:port "MULTI"',
      '0 127.0.0.1:port "INCR" "n"',
      '0 127.0.0.1:port "EXEC"',
    ]);
    monitor.close();
  });

  it('is refused inside MULTI and ended by RESET', async () => {
    const h = await harness();
    await h.call('MULTI');
    await h.call('MONITOR');
    assert.equal(
      await h.call('EXEC'),
      "*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n",
    );
    const monitor = await RawClient.connect(h.server.port);
    await monitor.call('MONITOR');
    assert.equal(await monitor.call('RESET'), '+RESET\r\n');
    await h.call('PING');
    assert.equal(await monitor.call('PING'), '+PONG\r\n');
    monitor.close();
  });
});
