import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RawClient } from '../helpers/raw-client.js';
import { startReference, type ReferenceServer } from '../helpers/servers.js';
import {
  assertSame,
  assertSameBothWays,
  kvikCli,
  kvikCliProcess,
  redisCli,
  redisCliUntil,
} from './harness.js';

/** The escape character, which starts terminal control sequences. */
const ESC = '\x1b';

let reference: ReferenceServer;
let port: number;
let client: RawClient;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kvik-cli-modes-'));
  reference = await startReference(['--repl-diskless-sync-delay', '0']);
  port = reference.port;
  client = await RawClient.connect(port);
});

after(async () => {
  client?.close();
  await reference?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A keyspace of every type, sizes growing with the key number, over many SCAN pages. */
async function fillKeyspace(): Promise<void> {
  await client.call('FLUSHALL');
  for (let i = 0; i < 60; i++) {
    await client.call('SET', `string:${i}`, 'x'.repeat(i));
    await client.call('RPUSH', `list:${i % 7}`, `item${i}`);
    await client.call('SADD', `set:${i % 5}`, `member${i}`);
    await client.call('HSET', `hash:${i % 6}`, `field${i}`, 'value');
    await client.call('ZADD', `zset:${i % 4}`, String(i), `member${i}`);
    if (i % 10 === 0) await client.call('XADD', `stream:${i % 3}`, '*', 'n', String(i));
  }
  await client.call('SET', 'quoted "key"\n', 'binary\x00value');
}

/** "n" commands as RESP: SETs, with an unknown command every `errorEvery`. */
function massInsertion(n: number, errorEvery: number): Buffer {
  const parts: string[] = [];
  for (let i = 1; i <= n; i++) {
    if (i % errorEvery === 0) {
      parts.push('*2\r\n$7\r\nNOTACMD\r\n$1\r\nx\r\n');
    } else {
      const key = `key:${i}`;
      parts.push(`*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$1\r\nv\r\n`);
    }
  }
  return Buffer.from(parts.join(''), 'latin1');
}

describe('kvik cli modes against redis-cli 7.0', () => {
  it('--pipe inserts a million commands and prints the same summary as redis-cli', async () => {
    const input = massInsertion(1_000_000, 100_000);
    await client.call('FLUSHALL');
    const expected = await redisCli(port, ['--pipe'], { stdin: input });
    await client.call('FLUSHALL');
    const actual = await kvikCliProcess(port, ['--pipe'], { stdin: input });
    assert.deepEqual(actual, expected);
    assert.match(actual.stdout, /errors: 10, replies: 1000000\n$/);
    assert.equal(await client.call('DBSIZE'), ':999990\r\n');
  });

  it('--pipe reports every error reply and exits 0 when there is none', async () => {
    await assertSame(port, ['--pipe'], { stdin: '' });
    await assertSame(port, ['--pipe'], { stdin: 'PING\r\nSET a b\r\nINCR a\r\nGET a\r\n' });
    await assertSame(port, ['--pipe'], { stdin: massInsertion(1000, 1001) });
  });

  it('--pipe gives up when the server stops answering (--pipe-timeout)', async () => {
    const silent = net.createServer((socket) => socket.on('error', () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentPort = String((silent.address() as net.AddressInfo).port);
    try {
      await assertSame(port, ['-p', silentPort, '--pipe', '--pipe-timeout', '1'], {
        stdin: 'PING\r\n',
      });
    } finally {
      silent.close();
    }
  });

  it('--scan lists the keys matching --pattern, quoted in a terminal', async () => {
    await fillKeyspace();
    await assertSameBothWays(port, ['--scan']);
    await assertSameBothWays(port, ['--scan', '--pattern', 'list:*']);
    await assertSameBothWays(port, ['--scan', '--pattern', 'quoted*']);
    await assertSame(port, ['--scan', '--pattern', '*:1*', '-i', '0.001']);
    await assertSameBothWays(port, ['--scan', '--quoted-pattern', '"quoted \\"key\\"\\x0a"']);
    await assertSame(port, ['--scan', '--quoted-pattern', '"unbalanced']);
  });

  it('--scan --count and --type pass COUNT and TYPE to SCAN', async () => {
    await fillKeyspace();
    const all = await kvikCli(port, ['--no-raw', '--scan', '--count', '1000']);
    assert.equal(all.stdout.split('\n').length - 1, 60 + 7 + 5 + 6 + 4 + 3 + 1);
    const streams = await kvikCli(port, ['--scan', '--type', 'stream']);
    assert.deepEqual(streams.stdout.split('\n').sort(), ['', 'stream:0', 'stream:1', 'stream:2']);
  });

  it('--bigkeys and --memkeys report the biggest key of each type', async () => {
    await fillKeyspace();
    await assertSameBothWays(port, ['--bigkeys']);
    await assertSameBothWays(port, ['--memkeys']);
    await assertSame(port, ['--memkeys-samples', '3']);
    await assertSame(port, ['--bigkeys', '--pattern', 'string:*']);
    for (const keys of [0, 1, 2, 3]) {
      await client.call('FLUSHALL');
      for (let i = 0; i < keys; i++) await client.call('SET', `k${i}`, 'v');
      await assertSame(port, ['--bigkeys']);
    }
  });

  it('--hotkeys reports the most accessed keys under an LFU policy, and fails without one', async () => {
    await fillKeyspace();
    await assertSame(port, ['--hotkeys']);
    await client.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu');
    try {
      for (let i = 0; i < 20; i++) await client.call('GET', `string:${i % 4}`);
      await assertSameBothWays(port, ['--hotkeys']);
    } finally {
      await client.call('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    }
  });

  it('--rdb fetches the same snapshot redis-cli fetches, diskless or from disk', async () => {
    await fillKeyspace();
    for (const diskless of ['yes', 'no']) {
      await client.call('CONFIG', 'SET', 'repl-diskless-sync', diskless);
      const theirs = join(dir, `redis-${diskless}.rdb`);
      const ours = join(dir, `kvik-${diskless}.rdb`);
      const expected = await redisCli(port, ['--rdb', theirs]);
      const actual = await kvikCli(port, ['--rdb', ours]);
      assert.equal(actual.code, expected.code);
      assert.equal(actual.stderr, expected.stderr.replaceAll(theirs, ours));
      assertSameSnapshot(readFileSync(ours), readFileSync(theirs));
      const piped = await kvikCli(port, ['--rdb', '-']);
      assertSameSnapshot(Buffer.from(piped.stdout, 'latin1'), readFileSync(theirs));
    }
    await client.call('CONFIG', 'SET', 'repl-diskless-sync', 'yes');
    const functions = join(dir, 'functions.rdb');
    const expected = await redisCli(port, ['--functions-rdb', functions]);
    const actual = await kvikCli(port, ['--functions-rdb', functions]);
    assert.equal(actual.stderr, expected.stderr);
  });

  it('--replica prints the commands the primary propagates, in CSV', async () => {
    await client.call('FLUSHALL');
    const writes = async () => {
      await waitForOnlineReplica();
      await client.call('SET', 'replicated', 'a value');
      await client.call('SELECT', '2');
      await client.call('RPUSH', 'list', 'x y', 'z');
      await client.call('SELECT', '0');
    };
    const [expected] = await Promise.all([
      redisCliUntil(port, ['--replica'], { until: /"RPUSH".*\n/ }),
      writes(),
    ]);
    await waitForNoReplica();
    const [actual] = await Promise.all([
      kvikCli(port, ['--replica'], { maxLines: expected.stdout.split('\n').length - 1 }),
      writes(),
    ]);
    assert.equal(actual.stdout, expected.stdout);
    // The snapshot grows between the two runs (its replication offset does).
    const sizeless = (text: string) => text.replace(/after \d+ bytes/, 'after N bytes');
    assert.equal(sizeless(actual.stderr), sizeless(expected.stderr));
  });

  it('--stat prints redis-cli header and a line of figures per interval', async () => {
    const expected = await redisCliUntil(port, ['--stat', '-i', '0.05'], { lines: 4 });
    const actual = await kvikCli(port, ['--stat', '-i', '0.05'], { maxLines: 4 });
    const header = (text: string) => text.split('\n').slice(0, 2).join('\n');
    assert.equal(header(actual.stdout), header(expected.stdout));
    const line = /^\d+ +\d+(\.\d\d[KMGT]|B) +\d+ +\d+ +\d+ \(\+\d+\) +\d+ +\n$/;
    assert.match(actual.stdout.split('\n')[2] + '\n', line);
    assert.match(expected.stdout.split('\n')[2] + '\n', line);
  });

  it('--latency prints one line of figures after the interval when not on a terminal', async () => {
    for (const [format, pattern] of [
      [[], /^\d+ \d+ \d+\.\d\d \d+\n$/],
      [['--csv'], /^\d+,\d+,\d+\.\d\d,\d+\n$/],
    ] as const) {
      const expected = await redisCli(port, ['--latency', '-i', '0.2', ...format]);
      const actual = await kvikCli(port, ['--latency', '-i', '0.2', ...format]);
      assert.match(expected.stdout, pattern);
      assert.match(actual.stdout, pattern);
      assert.equal(actual.code, 0);
    }
  });

  it('--latency-history closes each interval with its length', async () => {
    const actual = await kvikCli(port, ['--latency-history', '-i', '0.1'], { maxLines: 12 });
    const expected = await redisCliUntil(port, ['--latency-history', '-i', '0.1'], { lines: 12 });
    for (const run of [actual, expected]) {
      assert.match(run.stdout, /^(\d+ \d+ \d+\.\d\d \d+\n)+ -- 0\.1\d seconds range\n/);
    }
  });

  it('--latency on a terminal redraws its line of figures', async () => {
    const stop = /\(3 samples\)/;
    const expected = await redisCliUntil(port, ['--latency'], { until: stop }, { tty: true });
    const actual = await kvikCli(port, ['--latency'], { tty: true, stopWhen: stop });
    const samples = new RegExp(
      `^(${ESC}\\[0G${ESC}\\[2Kmin: \\d+, max: \\d+, avg: \\d+\\.\\d\\d \\(\\d samples\\))+$`,
    );
    assert.match(expected.stdout, samples);
    assert.match(actual.stdout, samples);
  });

  it('--latency-dist draws the legend and a spectrum line per interval', async () => {
    const expected = await redisCliUntil(
      port,
      ['--latency-dist', '-i', '0.1'],
      { lines: 9 },
      { tty: true },
    );
    const actual = await kvikCli(port, ['--latency-dist', '-i', '0.1'], { maxLines: 9, tty: true });
    const legend = (text: string) => text.split('\r\n').slice(0, 8).join('\r\n');
    assert.equal(legend(actual.stdout), legend(expected.stdout));
    const spectrum = new RegExp(`^${ESC}\\[38;5;0m(${ESC}\\[48;5;\\d+m.){31}${ESC}\\[0m$`);
    assert.match(actual.stdout.split('\r\n')[8], spectrum);
  });

  it('--intrinsic-latency measures the process itself, without a server', async () => {
    const run = await kvikCli(1, ['--intrinsic-latency', '1']);
    assert.equal(run.code, 0);
    assert.match(
      run.stdout,
      /^(Max latency so far: \d+ microseconds\.\n)+\n\d+ total runs \(avg latency: \d+\.\d{4} microseconds \/ \d+\.\d\d nanoseconds per run\)\.\nWorst run took \d+x longer than the average latency\.\n$/,
    );
  });
});

/**
 * Where an RDB file's header aux fields end (what follows: functions, SELECTDB, keys). Walked
 * field by field: the first 0xFE byte may be part of a value, as of the creation time.
 */
function afterAuxFields(rdb: Buffer): number {
  const AUX = 0xfa;
  /** rdbLoadLen at `at`: the length (or, for an encoded string, its encoding) and where it ends. */
  const length = (at: number): { value: number; end: number; encoded: boolean } => {
    const b = rdb[at];
    const kind = b >> 6;
    if (kind === 0) return { value: b & 0x3f, end: at + 1, encoded: false };
    if (kind === 1) return { value: ((b & 0x3f) << 8) | rdb[at + 1], end: at + 2, encoded: false };
    if (kind === 3) return { value: b & 0x3f, end: at + 1, encoded: true };
    if (b === 0x80) return { value: rdb.readUInt32BE(at + 1), end: at + 5, encoded: false };
    return { value: Number(rdb.readBigUInt64BE(at + 1)), end: at + 9, encoded: false };
  };
  /** Past an RDB string: plain, an 8/16/32-bit integer, or LZF (compressed and full lengths). */
  const skipString = (at: number): number => {
    const head = length(at);
    if (!head.encoded) return head.end + head.value;
    if (head.value < 3) return head.end + [1, 2, 4][head.value];
    const compressed = length(head.end);
    return length(compressed.end).end + compressed.value;
  };
  let pos = 9;
  while (rdb[pos] === AUX) pos = skipString(skipString(pos + 1));
  return pos;
}

/**
 * Two RDB snapshots of the same data: identical but for the header's aux fields (creation time,
 * replication offset) and the checksum that covers them.
 */
function assertSameSnapshot(actual: Buffer, expected: Buffer): void {
  assert.equal(actual.length, expected.length);
  assert.equal(actual.subarray(0, 9).toString(), 'REDIS0010');
  const keysStart = afterAuxFields(expected);
  // FUNCTION2, SELECTDB or EOF comes next.
  assert.ok([0xf5, 0xfe, 0xff].includes(expected[keysStart]), `aux fields end at ${keysStart}`);
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i]) {
      assert.ok(i < keysStart || i >= expected.length - 8, `snapshots differ at byte ${i}`);
    }
  }
}

async function waitForNoReplica(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await client.call('INFO', 'replication')).includes('connected_slaves:0')) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the previous replica is still connected');
}

async function waitForOnlineReplica(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const info = await client.call('INFO', 'replication');
    if (/slave0:.*state=online/.test(info)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the replica never came online');
}
