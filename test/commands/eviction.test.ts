import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { clientEvictionLimit } from '../../src/server/client-eviction.js';
import { useHarness, type Harness } from '../helpers/in-process.js';
import { pipeline, times } from '../helpers/pipeline.js';
import { RawClient } from '../helpers/raw-client.js';
import { freePort } from '../helpers/servers.js';

const harness = useHarness();

const MAXMEMORY = 1024 * 1024;
/** What one command of these floods adds: a key of about 200 bytes, with margin. */
const ONE_COMMAND = 1024;
const VALUE = 'v'.repeat(100);

async function infoField(h: Harness, section: string, name: string): Promise<number> {
  const text = await h.call('INFO', section);
  const match = new RegExp(`^${name}:(\\d+)\r$`, 'm').exec(text);
  assert.ok(match, `${name} in INFO ${section}`);
  return Number(match[1]);
}

async function limited(policy: string, config: Record<string, string> = {}): Promise<Harness> {
  let seed = 7;
  // A seeded random source, so the sampled keys are the same from run to run.
  const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
  return harness({
    random,
    config: { 'maxmemory-policy': policy, maxmemory: String(MAXMEMORY), ...config },
  });
}

/** used_memory is within maxmemory, but for what the last command added. */
async function assertWithinLimit(h: Harness): Promise<void> {
  const used = await infoField(h, 'memory', 'used_memory');
  assert.ok(used <= MAXMEMORY + ONE_COMMAND, `used_memory ${used} > maxmemory ${MAXMEMORY}`);
  assert.ok((await infoField(h, 'stats', 'evicted_keys')) > 0, 'evicted_keys');
}

/** How many of the keys exist. */
async function surviving(h: Harness, keys: string[]): Promise<number> {
  return Number((await h.call('EXISTS', ...keys)).slice(1, -2));
}

const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}:${i}`);

describe('maxmemory eviction', () => {
  for (const policy of ['allkeys-random', 'allkeys-lru', 'allkeys-lfu']) {
    it(`${policy} keeps used_memory within maxmemory under a write flood`, async () => {
      const h = await limited(policy);
      assert.deepEqual(
        await pipeline(
          h.client,
          times(8000, (i) => ['SET', `k:${i}`, VALUE]),
        ),
        [],
      );
      await assertWithinLimit(h);
      const keys = Number((await h.call('DBSIZE')).slice(1, -2));
      assert.ok(keys > 1000 && keys < 8000, `${keys} keys left`);
    });
  }

  for (const policy of ['volatile-random', 'volatile-lru', 'volatile-lfu', 'volatile-ttl']) {
    it(`${policy} evicts only keys with a TTL`, async () => {
      const h = await limited(policy);
      const kept = names('kept', 300);
      await pipeline(
        h.client,
        kept.map((key) => ['SET', key, VALUE]),
      );
      const flood = times(8000, (i) => ['SET', `volatile:${i}`, VALUE, 'EX', 100000 + i]);
      assert.deepEqual(await pipeline(h.client, flood), []);
      await assertWithinLimit(h);
      assert.equal(await surviving(h, kept), kept.length);
    });
  }

  it('volatile-ttl evicts the keys that expire soonest first', async () => {
    const h = await limited('volatile-ttl');
    // Even keys expire in about a day, odd keys in about a year.
    const ttl = (i: number) => (i % 2 === 0 ? 86400 + i : 31536000 + i);
    const flood = times(8000, (i) => ['SET', `key:${i}`, VALUE, 'EX', ttl(i)]);
    assert.deepEqual(await pipeline(h.client, flood), []);
    await assertWithinLimit(h);
    const all = names('key', 8000);
    const soon = await surviving(
      h,
      all.filter((_, i) => i % 2 === 0),
    );
    const late = await surviving(
      h,
      all.filter((_, i) => i % 2 === 1),
    );
    assert.ok(soon * 4 < late, `${soon} soon-expiring against ${late} late-expiring survivors`);
  });

  it('allkeys-lru keeps the keys read all along in the large majority', async () => {
    const h = await limited('allkeys-lru');
    const hot = names('hot', 200);
    await pipeline(
      h.client,
      hot.map((key) => ['SET', key, VALUE]),
    );
    for (let round = 0; round < 40; round++) {
      h.clock.advance(10_000);
      await pipeline(
        h.client,
        hot.map((key) => ['GET', key]),
      );
      await pipeline(
        h.client,
        times(200, (i) => ['SET', `cold:${round}:${i}`, VALUE]),
      );
    }
    await assertWithinLimit(h);
    const left = await surviving(h, hot);
    assert.ok(left >= hot.length * 0.9, `${left} of ${hot.length} hot keys left`);
  });

  it('allkeys-lfu keeps the keys read often', async () => {
    const h = await limited('allkeys-lfu', { 'lfu-log-factor': '0' });
    const hot = names('hot', 200);
    await pipeline(
      h.client,
      hot.map((key) => ['SET', key, VALUE]),
    );
    for (let read = 0; read < 10; read++) {
      await pipeline(
        h.client,
        hot.map((key) => ['GET', key]),
      );
    }
    assert.equal(await h.call('OBJECT', 'FREQ', 'hot:0'), ':15\r\n');
    assert.deepEqual(
      await pipeline(
        h.client,
        times(8000, (i) => ['SET', `cold:${i}`, VALUE]),
      ),
      [],
    );
    await assertWithinLimit(h);
    const left = await surviving(h, hot);
    assert.ok(left >= hot.length * 0.95, `${left} of ${hot.length} hot keys left`);
  });

  it('noeviction refuses commands that grow memory once full, and serves the others', async () => {
    const h = await limited('noeviction');
    const errors = await pipeline(
      h.client,
      times(8000, (i) => ['SET', `k:${i}`, VALUE]),
    );
    assert.ok(errors.length > 0);
    assert.ok(errors.every((e) => e === "OOM command not allowed when used memory > 'maxmemory'."));
    const used = await infoField(h, 'memory', 'used_memory');
    assert.ok(used <= MAXMEMORY + ONE_COMMAND, `used_memory ${used}`);
    assert.equal(await infoField(h, 'stats', 'evicted_keys'), 0);
    assert.equal(await h.call('GET', 'k:0'), `$100\r\n${VALUE}\r\n`);
    // Still over the limit: the time over it keeps counting until CONFIG RESETSTAT.
    assert.ok((await infoField(h, 'stats', 'total_eviction_exceeded_time')) >= 0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok((await infoField(h, 'stats', 'current_eviction_exceeded_time')) >= 15);
    await h.call('CONFIG', 'RESETSTAT');
    assert.ok((await infoField(h, 'stats', 'total_eviction_exceeded_time')) < 15);
    await h.call('MULTI');
    assert.match(await h.call('SET', 'x', '1'), /^-OOM /);
    assert.match(await h.call('EXEC'), /^-EXECABORT /);
    assert.equal(await h.call('DEL', 'k:0'), ':1\r\n');
  });

  it('an evicted key is propagated as DEL, raises the evicted event and fails WATCH', async () => {
    const h = await harness({ config: { 'maxmemory-policy': 'allkeys-random' } });
    await h.call('SET', 'watched', '1');
    await h.call('WATCH', 'watched');
    h.propagated.length = 0;
    h.events.length = 0;
    // Below what an empty server uses: every key goes at once.
    assert.equal(await h.call('CONFIG', 'SET', 'maxmemory', '1'), '+OK\r\n');
    assert.deepEqual(h.propagated, ['0:DEL watched']);
    assert.deepEqual(h.events, ['e:evicted:watched@0']);
    await h.call('CONFIG', 'SET', 'maxmemory', '0');
    await h.call('MULTI');
    await h.call('SET', 'other', '1');
    assert.equal(await h.call('EXEC'), '*-1\r\n');
  });

  it('lazyfree-lazy-eviction propagates evictions as UNLINK', async () => {
    const h = await harness({
      config: { 'maxmemory-policy': 'allkeys-lru', 'lazyfree-lazy-eviction': 'yes' },
    });
    await h.call('SET', 'k', '1');
    h.propagated.length = 0;
    await h.call('CONFIG', 'SET', 'maxmemory', '1');
    assert.deepEqual(h.propagated, ['0:UNLINK k']);
  });
});

/** The resident set of a process, from /proc. */
function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

describe('kvik server under a write flood', () => {
  it('keeps its resident memory bounded with maxmemory set', async () => {
    const MB = 1024 * 1024;
    const port = await freePort();
    const root = new URL('../..', import.meta.url).pathname;
    const args = [
      '--port',
      String(port),
      '--maxmemory',
      '16mb',
      '--maxmemory-policy',
      'allkeys-lru',
    ];
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'server', ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      for (let i = 0; i < 400 && !/ready to accept/.test(output); i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const client = await RawClient.connect(port);
      const before = residentBytes(child.pid!);
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, residentBytes(child.pid!))), 20);
      // 120 MB of values through a server allowed 16 MB.
      const value = 'x'.repeat(2000);
      const flood = times(60000, (i) => ['SET', `key:${i}`, value + i]);
      const errors = await pipeline(client, flood, 200);
      clearInterval(sampler);
      assert.deepEqual(errors, []);
      const used = Number(/used_memory:(\d+)/.exec(await client.call('INFO', 'memory'))![1]);
      assert.ok(used <= 16 * MB + 4096, `used_memory ${used}`);
      const growth = peak - before;
      assert.ok(growth < 80 * MB, `RSS grew by ${(growth / MB).toFixed(1)} MB`);
      client.close();
    } finally {
      child.kill();
    }
  });
});

describe('maxmemory-clients', () => {
  /** Part of a SET whose 400 KB value has not all arrived: it waits in the query buffer. */
  const partialSet = `*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$400000\r\n${'x'.repeat(300000)}`;
  const cronTicks = () => new Promise((resolve) => setTimeout(resolve, 400));

  it('disconnects the client with the largest buffers once clients use more than the limit', async () => {
    const h = await harness({ config: { 'maxmemory-clients': '200kb' } });
    const big = await RawClient.connect(h.server.port);
    big.sendRaw(partialSet);
    await cronTicks();
    assert.equal(big.isClosed, true);
    assert.equal(await infoField(h, 'stats', 'evicted_clients'), 1);
    await h.call('CONFIG', 'RESETSTAT');
    assert.equal(await infoField(h, 'stats', 'evicted_clients'), 0);
  });

  it('never disconnects a client with CLIENT NO-EVICT on', async () => {
    const h = await harness({ config: { 'maxmemory-clients': '200kb' } });
    await h.call('CLIENT', 'NO-EVICT', 'on');
    const big = await RawClient.connect(h.server.port);
    assert.equal(await big.call('CLIENT', 'NO-EVICT', 'on'), '+OK\r\n');
    big.sendRaw(partialSet);
    await cronTicks();
    big.sendRaw('x'.repeat(100000) + '\r\n');
    assert.equal(await big.readReply(), '+OK\r\n');
    assert.equal(await infoField(h, 'stats', 'evicted_clients'), 0);
    big.close();
  });

  it('takes a percentage as a share of maxmemory, never under 128 KB', () => {
    assert.equal(clientEvictionLimit(-10n, 100n * 1024n * 1024n), 10 * 1024 * 1024);
    assert.equal(clientEvictionLimit(-10n, 0n), 0);
    assert.equal(clientEvictionLimit(1000n, 0n), 128 * 1024);
    assert.equal(clientEvictionLimit(0n, 1000n), 0);
  });
});
