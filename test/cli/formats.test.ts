import { after, before, describe, it } from 'node:test';
import { RawClient } from '../helpers/raw-client.js';
import { startReference, type ReferenceServer } from '../helpers/servers.js';
import { assertSame, assertSameBothWays } from './harness.js';

let reference: ReferenceServer;
let port: number;

before(async () => {
  reference = await startReference();
  port = reference.port;
  const client = await RawClient.connect(port);
  const setup: (string | Buffer)[][] = [
    ['RPUSH', 'letters', ...'abcdefghijkl'.split('')],
    ['RPUSH', 'hundred', ...Array.from({ length: 120 }, (_, i) => `item${i}`)],
    ['HSET', 'hash', 'f1', 'v1', 'f2', 'v2'],
    ['SADD', 'set', 'x', 'y', 'z'],
    ['ZADD', 'zset', '1.5', 'a', '2', 'b', '-0.25', 'c'],
    [
      'SET',
      'binary',
      Buffer.from([0, 1, 7, 8, 9, 10, 13, 0x22, 0x5c, 0x7f, 0x80, 0xc3, 0xa9, 0xff]),
    ],
    ['SET', 'utf8', Buffer.from('héllo wörld ✓', 'utf8')],
    ['SET', 'empty', ''],
    ['XADD', 'stream', '1-1', 'field', 'value', 'other', 'thing'],
    ['XADD', 'stream', '2-1', 'field', 'second'],
  ];
  for (const command of setup) await client.call(...command);
  client.close();
});

after(async () => {
  await reference?.close();
});

const PROTOCOL_TYPES = [
  'string',
  'integer',
  'double',
  'bignum',
  'null',
  'array',
  'set',
  'map',
  'attrib',
  'push',
  'verbatim',
  'true',
  'false',
];

describe('kvik cli prints every reply type as redis-cli 7.0 does', () => {
  for (const protocol of ['-2', '-3']) {
    it(`DEBUG PROTOCOL replies in RESP${protocol[1]} look the same in a terminal and in a pipe`, async () => {
      for (const type of PROTOCOL_TYPES) {
        await assertSameBothWays(port, [protocol, 'DEBUG', 'PROTOCOL', type]);
      }
    });

    it(`DEBUG PROTOCOL replies in RESP${protocol[1]} look the same with --csv`, async () => {
      for (const type of PROTOCOL_TYPES) {
        await assertSame(port, [protocol, '--csv', 'DEBUG', 'PROTOCOL', type]);
      }
    });
  }

  it('errors print as "(error) ..." in a terminal and bare in a pipe', async () => {
    for (const args of [
      ['NOSUCHCOMMAND', 'a', 'b'],
      ['LPUSH'],
      ['INCR', 'letters'],
      ['EVAL', "return redis.error_reply('MYERR custom')", '0'],
    ]) {
      await assertSameBothWays(port, args);
      await assertSame(port, ['--csv', ...args]);
    }
  });

  it('nested and empty arrays are numbered and indented', async () => {
    const script = "return {1, {2, {3, {}}}, 'x', {}, {{}}, {'a', {'b', {'c', {'d'}}}}}";
    await assertSameBothWays(port, ['EVAL', script, '0']);
    await assertSame(port, ['--csv', 'EVAL', script, '0']);
    await assertSameBothWays(port, ['LRANGE', 'nosuchkey', '0', '-1']);
    await assertSameBothWays(port, ['-3', 'LRANGE', 'nosuchkey', '0', '-1']);
  });

  it('indexes of long arrays are right-aligned, nested ones indented past them', async () => {
    await assertSameBothWays(port, ['LRANGE', 'letters', '0', '-1']);
    await assertSameBothWays(port, ['LRANGE', 'hundred', '0', '-1']);
    const script = "local t = {} for i = 1, 11 do t[i] = {i, {'x', 'y'}} end return t";
    await assertSameBothWays(port, ['EVAL', script, '0']);
  });

  it('nil replies print as (nil), nothing in a pipe, NULL in CSV', async () => {
    for (const protocol of ['-2', '-3']) {
      await assertSameBothWays(port, [protocol, 'GET', 'nosuchkey']);
      await assertSameBothWays(port, [protocol, 'LPOP', 'nosuchkey']);
      await assertSameBothWays(port, [protocol, 'BLPOP', 'nosuchkey', '0.01']);
      await assertSame(port, [protocol, '--csv', 'GET', 'nosuchkey']);
    }
  });

  it('RESP3 maps, sets and doubles print with their own markers and nesting', async () => {
    for (const args of [
      ['HGETALL', 'hash'],
      ['HGETALL', 'nosuchkey'],
      ['SMEMBERS', 'set'],
      ['SMEMBERS', 'nosuchkey'],
      ['ZRANGE', 'zset', '0', '-1', 'WITHSCORES'],
      ['ZSCORE', 'zset', 'c'],
      ['XINFO', 'STREAM', 'stream'],
      ['XINFO', 'STREAM', 'stream', 'FULL'],
      ['XRANGE', 'stream', '-', '+'],
      ['CONFIG', 'GET', 'maxmemory*'],
      ['EVAL', "return {map={a={1,2}, b='x'}}", '0'],
    ]) {
      await assertSameBothWays(port, ['-3', ...args]);
      await assertSame(port, ['-3', '--csv', ...args]);
      await assertSame(port, ['-3', '--raw', ...args]);
    }
  });

  it('strings are quoted with C escapes in a terminal and printed byte for byte in a pipe', async () => {
    for (const key of ['binary', 'utf8', 'empty']) {
      await assertSameBothWays(port, ['GET', key]);
      await assertSame(port, ['--csv', 'GET', key]);
    }
  });

  it('--raw and --no-raw override what the terminal decides', async () => {
    await assertSame(port, ['--raw', 'LRANGE', 'letters', '0', '2'], { tty: true });
    await assertSame(port, ['--no-raw', 'LRANGE', 'letters', '0', '2'], { tty: false });
    await assertSame(port, ['--no-raw', 'GET', 'binary'], { tty: false });
  });

  it('-d and -D choose the delimiters of raw output', async () => {
    await assertSame(port, ['-d', ',', 'LRANGE', 'letters', '0', '-1']);
    await assertSame(port, ['-3', '-d', '|', 'HGETALL', 'hash']);
    await assertSame(port, ['-D', '<end>', '-r', '3', 'PING']);
    await assertSame(port, ['-d', '', '-D', '', 'EVAL', "return {1, {2, 3}, 'x'}", '0']);
  });

  it('text replies of INFO-like commands are printed as they are, even in a terminal', async () => {
    for (const args of [
      ['DEBUG', 'HTSTATS', '0'],
      ['MEMORY', 'DOCTOR'],
      ['LATENCY', 'DOCTOR'],
      ['CLIENT', 'LIST', 'ID', '999999'],
    ]) {
      await assertSameBothWays(port, args);
    }
  });

  it('push messages show in a terminal and are dropped in a pipe', async () => {
    await assertSameBothWays(port, ['-3', 'DEBUG', 'PROTOCOL', 'push']);
    await assertSame(port, ['-3', '--show-pushes', 'no', 'DEBUG', 'PROTOCOL', 'push'], {
      tty: true,
    });
    await assertSame(port, ['-3', '--show-pushes', 'yes', 'DEBUG', 'PROTOCOL', 'push'], {
      tty: false,
    });
  });

  it('status and integer replies print bare in a pipe', async () => {
    for (const args of [['PING'], ['TYPE', 'hash'], ['LLEN', 'letters'], ['SET', 'k', 'v']]) {
      await assertSameBothWays(port, args);
      await assertSame(port, ['--csv', ...args]);
    }
  });
});
