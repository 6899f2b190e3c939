import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { useHarness, type Harness } from '../helpers/in-process.js';
import { RawClient } from '../helpers/raw-client.js';

const harness = useHarness();
const clients: RawClient[] = [];
afterEach(() => clients.splice(0).forEach((client) => client.close()));

async function resp3Client(h: Harness): Promise<RawClient> {
  const client = await RawClient.connect(h.server.port);
  clients.push(client);
  await client.call('HELLO', '3');
  return client;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function invalidation(...keys: string[]): string {
  return `>2\r\n$10\r\ninvalidate\r\n*${keys.length}\r\n${keys.map((k) => `$${k.length}\r\n${k}\r\n`).join('')}`;
}

/** INFO's tracking counters. */
async function trackingStats(h: Harness): Promise<Record<string, string>> {
  const info = await h.call('INFO', 'everything');
  const stats: Record<string, string> = {};
  for (const match of info.matchAll(/^(tracking_\w+):(\d+)/gm)) stats[match[1]] = match[2];
  return stats;
}

describe('client-side caching in process', () => {
  it('INFO counts tracking clients, remembered keys and items, and BCAST prefixes', async () => {
    const h = await harness();
    const first = await resp3Client(h);
    const second = await resp3Client(h);
    await first.call('CLIENT', 'TRACKING', 'on');
    await second.call('CLIENT', 'TRACKING', 'on');
    await first.call('MGET', 'a', 'b');
    await second.call('GET', 'a');
    const broadcaster = await resp3Client(h);
    await broadcaster.call('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'x', 'PREFIX', 'y');
    assert.deepEqual(await trackingStats(h), {
      tracking_clients: '3',
      tracking_total_keys: '2',
      tracking_total_items: '3',
      tracking_total_prefixes: '2',
    });
    broadcaster.close();
    await h.call('SET', 'a', '1');
    await sleep(30);
    assert.deepEqual(await trackingStats(h), {
      tracking_clients: '2',
      tracking_total_keys: '1',
      tracking_total_items: '1',
      tracking_total_prefixes: '0',
    });
  });

  it('tracking-table-max-keys invalidates the oldest remembered keys past the limit', async () => {
    const h = await harness({ config: { 'tracking-table-max-keys': '2' } });
    const tracker = await resp3Client(h);
    await tracker.call('CLIENT', 'TRACKING', 'on');
    await tracker.call('GET', 'k1');
    await tracker.call('GET', 'k2');
    assert.equal(await tracker.call('GET', 'k3'), '_\r\n');
    assert.equal(await tracker.readReply(), invalidation('k1'));
    assert.equal((await trackingStats(h)).tracking_total_keys, '2');
  });

  it('one table serves every database: a read in one is invalidated by a write in another', async () => {
    const h = await harness();
    const tracker = await resp3Client(h);
    await tracker.call('CLIENT', 'TRACKING', 'on');
    await tracker.call('GET', 'k');
    await h.call('SELECT', '5');
    await h.call('SET', 'k', 'elsewhere');
    assert.equal(await tracker.readReply(), invalidation('k'));
  });

  it('RESET and disconnection turn tracking off', async () => {
    const h = await harness();
    const tracker = await resp3Client(h);
    await tracker.call('CLIENT', 'TRACKING', 'on', 'BCAST');
    assert.equal(await tracker.call('RESET'), '+RESET\r\n');
    assert.equal(await tracker.call('CLIENT', 'GETREDIR'), ':-1\r\n');
    assert.equal((await trackingStats(h)).tracking_clients, '0');
    assert.equal((await trackingStats(h)).tracking_total_prefixes, '0');
  });

  it('a write from the active expire cycle reaches BCAST clients', async () => {
    const h = await harness({ config: { hz: '100' } });
    const tracker = await resp3Client(h);
    await tracker.call('CLIENT', 'TRACKING', 'on', 'BCAST', 'PREFIX', 'session:');
    await h.call('SET', 'session:1', 'v', 'PX', '50');
    assert.equal(await tracker.readReply(), invalidation('session:1'));
    h.clock.advance(100);
    assert.equal(await tracker.readReply(2000), invalidation('session:1'));
  });
});
