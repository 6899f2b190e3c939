import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { useDiffServers } from '../helpers/diff.js';

const env = useDiffServers();

/** Replaces the varying parts of SLOWLOG GET entries (id, time, duration, port) with markers. */
function maskSlowlog(reply: string): string {
  return reply
    .replace(/\*6\r\n:\d+\r\n:\d+\r\n:\d+\r\n/g, '*6\r\n:ID\r\n:TIME\r\n:MICROS\r\n')
    .replace(/\$\d+\r\n127\.0\.0\.1:\d+\r\n/g, '$PEER\r\n127.0.0.1:PORT\r\n');
}

describe('observability against redis-server', () => {
  it('SLOWLOG HELP, LEN, RESET and argument errors match', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SLOWLOG', 'HELP'],
      ['SLOWLOG', 'RESET'],
      ['SLOWLOG', 'GET', '-2'],
      ['SLOWLOG', 'GET', 'abc'],
      ['SLOWLOG', 'GET', '1', '2'],
      ['SLOWLOG', 'NOSUCH'],
      ['SLOWLOG'],
      ['SLOWLOG', 'LEN', 'x'],
      ['LATENCY', 'HELP'],
      ['LATENCY', 'GRAPH', 'nosuch'],
      ['LATENCY', 'HISTORY', 'nosuch'],
      ['LATENCY', 'RESET', 'nosuch'],
      ['LATENCY', 'LATEST'],
      ['LATENCY', 'GRAPH'],
      ['LATENCY', 'NOSUCH'],
    ]);
  });

  it('SLOWLOG GET entries have the same shape, trimming and redaction', async () => {
    const pair = await env.pair();
    await pair.same('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    await pair.same('SLOWLOG', 'RESET');
    await pair.sameAll([
      ['RPUSH', 'l', ...Array.from({ length: 40 }, (_, i) => String(i))],
      ['SET', 'big', 'b'.repeat(300)],
      ['AUTH', 'someone', 'wrong'],
      ['CONFIG', 'SET', 'masterauth', 'hidden'],
      ['CLIENT', 'SETNAME', 'named'],
    ]);
    // HELLO's reply holds the client id, which differs: only its slow log entry is compared.
    await pair.both('HELLO', '2', 'AUTH', 'default', 'nopass', 'SETNAME', 'x');
    const { redis, kvik } = await pair.both('SLOWLOG', 'GET', '6');
    assert.equal(maskSlowlog(kvik), maskSlowlog(redis));
    await pair.same('CONFIG', 'SET', 'slowlog-log-slower-than', '10000');
  });

  it('LATENCY HISTOGRAM replies in the same shape for a command run a few times', async () => {
    const pair = await env.pair();
    await pair.same('CONFIG', 'RESETSTAT');
    await pair.same('LATENCY', 'HISTOGRAM', 'nosuch');
    const mask = (reply: string) => reply.replace(/:\d+\r\n/g, ':N\r\n').replace(/%\d+/g, '%N');
    const { redis, kvik } = await pair.both('LATENCY', 'HISTOGRAM', 'config|resetstat');
    assert.equal(mask(kvik).slice(0, 60), mask(redis).slice(0, 60));
  });

  it('RESP3 replies of SLOWLOG and LATENCY match', async () => {
    const pair = await env.pair();
    await pair.both('HELLO', '3');
    await pair.sameAll([
      ['SLOWLOG', 'HELP'],
      ['SLOWLOG', 'GET', '0'],
      ['LATENCY', 'RESET'],
      ['LATENCY', 'LATEST'],
      ['LATENCY', 'HISTORY', 'command'],
      ['LATENCY', 'DOCTOR'],
      ['LATENCY', 'HISTOGRAM', 'nosuch'],
    ]);
    const mask = (reply: string) =>
      reply.replace(/:\d+\r\n/g, ':N\r\n').replace(/%\d+\r\n/g, '%N\r\n');
    await pair.same('CONFIG', 'RESETSTAT');
    const { redis, kvik } = await pair.both('LATENCY', 'HISTOGRAM', 'config');
    assert.equal(mask(kvik), mask(redis));
  });

  it('LATENCY DOCTOR without events says the same', async () => {
    const pair = await env.pair();
    await pair.same('LATENCY', 'RESET');
    await pair.same('LATENCY', 'DOCTOR');
  });

  it('MONITOR, SLOWLOG and LATENCY are refused to a user without the admin category', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['ACL', 'SETUSER', 'watcher', 'on', 'nopass', '+@all', '-@admin'],
      ['AUTH', 'watcher', 'any'],
      ['MONITOR'],
      ['SLOWLOG', 'GET'],
      ['LATENCY', 'LATEST'],
      ['SLOWLOG', 'HELP'],
      ['AUTH', 'default', 'any'],
      ['ACL', 'DELUSER', 'watcher'],
    ]);
  });

  it('MONITOR lines match once the timestamp and port are masked', async () => {
    const pair = await env.pair();
    await pair.same('MONITOR');
    const mask = (line: string) => line.replace(/^\+\d+\.\d{6} \[0 127\.0\.0\.1:\d+\]/, '+T [0 P]');
    // A monitor is a replica to Redis: no keyspace command, and no line for a refused one.
    await pair.same('SET', 'k', 'v');
    await pair.same('GET', 'k');
    for (const command of [['PING'], ['ECHO', 'a\x01"\\b\n\t'], ['CLIENT', 'GETNAME']]) {
      await pair.same(...command);
      const [redis, kvik] = await Promise.all([pair.redis.readReply(), pair.kvik.readReply()]);
      assert.equal(mask(kvik), mask(redis));
    }
  });
});

/** "name=value" fields of a CLIENT INFO line, values reduced to their kind (number or text). */
function fieldShapes(line: string): string[] {
  return line
    .trim()
    .split(' ')
    .map((field) => {
      const [name, value] = field.split('=');
      return `${name}=${/^-?\d+$/.test(value) ? 'N' : value}`;
    });
}

describe('client and statistics shapes against redis-server', () => {
  it('CLIENT INFO has the same fields in the same order, qbuf counting the running command', async () => {
    const pair = await env.pair();
    const { redis, kvik } = await pair.both('CLIENT', 'INFO');
    const clean = (reply: string) =>
      reply.replace(/^\$\d+\r\n/, '').replace(/addr=\S+ laddr=\S+ /, '');
    assert.deepEqual(fieldShapes(clean(kvik)), fieldShapes(clean(redis)));
    assert.match(kvik, / qbuf=26 /);
    assert.match(redis, / qbuf=26 /);
  });

  it('INFO commandstats, errorstats and latencystats lines have the same shape', async () => {
    const pair = await env.pair();
    await pair.same('CONFIG', 'RESETSTAT');
    await pair.same('SET', 'a', '1');
    await pair.same('LPUSH', 'a', '1');
    await pair.same('NOSUCHCOMMAND');
    const shape = (reply: string) =>
      reply
        .replace(/^\$\d+\r\n/, '')
        .split('\r\n')
        .filter((line) => line !== '' && !line.includes('|info') && !line.includes('_info:'))
        .map((line) => line.replace(/\d+(\.\d+)?/g, (n) => (n.includes('.') ? 'F' : 'N')))
        .sort();
    for (const section of ['commandstats', 'errorstats', 'latencystats']) {
      const { redis, kvik } = await pair.both('INFO', section);
      assert.deepEqual(shape(kvik), shape(redis), section);
    }
  });
});
