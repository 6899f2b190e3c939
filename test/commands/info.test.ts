import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KVIK_VERSION } from '../../src/package-version.js';
import { START, useHarness, type Harness } from '../helpers/in-process.js';
import { RawClient } from '../helpers/raw-client.js';

const harness = useHarness();

/** INFO's text (RESP2 bulk) for the sections given. */
async function info(h: Harness, ...sections: string[]): Promise<string> {
  const reply = await h.call('INFO', ...sections);
  return reply.slice(reply.indexOf('\r\n') + 2, -2);
}

function field(text: string, name: string): string | undefined {
  for (const line of text.split('\r\n')) {
    if (line.startsWith(name + ':')) return line.slice(name.length + 1);
  }
  return undefined;
}

describe('INFO', () => {
  it('reports the Redis version clients expect and Kvik own version', async () => {
    const h = await harness();
    const server = await info(h, 'server');
    assert.equal(field(server, 'redis_version'), '7.0.15');
    assert.equal(field(server, 'kvik_version'), KVIK_VERSION);
    assert.equal(field(server, 'process_id'), String(process.pid));
    assert.equal(field(server, 'tcp_port'), String(h.server.port));
    assert.match(field(server, 'run_id')!, /^[0-9a-f]{40}$/);
  });

  it('counts uptime on the server clock', async () => {
    const h = await harness();
    h.clock.advance(2 * 86400 * 1000 + 5000);
    const server = await info(h, 'server');
    assert.equal(field(server, 'uptime_in_seconds'), String(2 * 86400 + 5));
    assert.equal(field(server, 'uptime_in_days'), '2');
    assert.equal(
      field(server, 'server_time_usec'),
      String((START + 2 * 86400 * 1000 + 5000) * 1000),
    );
  });

  it('reports clients, keys with their expiry and writes since the last save', async () => {
    const h = await harness();
    const other = await RawClient.connect(h.server.port);
    await other.call('PING');
    await h.call('SET', 'a', '1');
    await h.call('SET', 'b', '2', 'PX', '100000');
    await h.call('SELECT', '3');
    await h.call('SET', 'c', '3');
    assert.equal(field(await info(h, 'clients'), 'connected_clients'), '2');
    const keyspace = await info(h, 'keyspace');
    assert.equal(field(keyspace, 'db0'), 'keys=2,expires=1,avg_ttl=0');
    assert.equal(field(keyspace, 'db3'), 'keys=1,expires=0,avg_ttl=0');
    assert.equal(field(await info(h, 'persistence'), 'rdb_changes_since_last_save'), '3');
    other.close();
  });

  it('keeps per-command statistics, error statistics and latency percentiles', async () => {
    const h = await harness();
    await h.call('SET', 'k', 'v');
    await h.call('GET', 'k');
    await h.call('GET', 'k');
    await h.call('GET');
    await h.call('NOSUCH');
    await h.call('CONFIG', 'SET', 'hz', 'x');
    const text = await info(h, 'commandstats', 'errorstats', 'latencystats');
    assert.match(
      field(text, 'cmdstat_get')!,
      /^calls=2,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=1,failed_calls=0$/,
    );
    assert.match(field(text, 'cmdstat_config|set')!, /^calls=1,.*rejected_calls=0,failed_calls=1$/);
    assert.equal(field(text, 'errorstat_ERR'), 'count=3');
    assert.match(
      field(text, 'latency_percentiles_usec_get')!,
      /^p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}$/,
    );
  });

  it('latency-tracking and its percentiles shape INFO latencystats', async () => {
    const h = await harness();
    await h.call('CONFIG', 'SET', 'latency-tracking-info-percentiles', '50 99.99');
    await h.call('PING');
    assert.match(
      field(await info(h, 'latencystats'), 'latency_percentiles_usec_ping')!,
      /^p50=[\d.]+,p99\.99=[\d.]+$/,
    );
    await h.call('CONFIG', 'RESETSTAT');
    await h.call('CONFIG', 'SET', 'latency-tracking', 'no');
    await h.call('PING');
    assert.equal(field(await info(h, 'latencystats'), 'latency_percentiles_usec_ping'), undefined);
  });

  it('samples the operations per second as Redis, every 100 ms', async () => {
    const h = await harness();
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 50; i++) await h.call('PING');
      await new Promise((resolve) => setTimeout(resolve, 110));
    }
    const stats = await info(h, 'stats');
    assert.ok(Number(field(stats, 'instantaneous_ops_per_sec')) > 0);
    assert.ok(Number(field(stats, 'instantaneous_output_kbps')) > 0);
    assert.ok(Number(field(stats, 'total_reads_processed')) >= 300);
  });

  it('reports memory from the process, with Redis human-readable sizes', async () => {
    const h = await harness();
    const memory = await info(h, 'memory');
    const used = Number(field(memory, 'used_memory'));
    assert.ok(used > 0);
    assert.ok(Number(field(memory, 'used_memory_peak')) >= used);
    assert.match(field(memory, 'used_memory_human')!, /^\d+\.\d\d[KMG]$/);
    assert.equal(field(memory, 'maxmemory_human'), '0B');
    await h.call('CONFIG', 'SET', 'maxmemory', '100mb');
    assert.equal(field(await info(h, 'memory'), 'maxmemory_human'), '100.00M');
  });

  it('changes the replication id on DEBUG CHANGE-REPL-ID', async () => {
    const h = await harness({ config: { 'enable-debug-command': 'yes' } });
    const before = field(await info(h, 'replication'), 'master_replid');
    assert.equal(await h.call('DEBUG', 'CHANGE-REPL-ID'), '+OK\r\n');
    const after = field(await info(h, 'replication'), 'master_replid');
    assert.match(after!, /^[0-9a-f]{40}$/);
    assert.notEqual(after, before);
  });

  it('selects default, all and everything as Redis 7.0', async () => {
    const h = await harness();
    const titles = async (...sections: string[]) =>
      (await info(h, ...sections)).split('\r\n').filter((line) => line.startsWith('# '));
    const defaults = await titles();
    assert.deepEqual(defaults, await titles('default'));
    assert.ok(!defaults.includes('# Commandstats') && !defaults.includes('# Latencystats'));
    assert.deepEqual(await titles('all'), await titles('everything'));
    assert.ok((await titles('all')).includes('# Latencystats'));
    assert.deepEqual(await titles('keyspace', 'SERVER', 'nosuch'), ['# Server', '# Keyspace']);
  });

  it('is a verbatim string in RESP3', async () => {
    const h = await harness();
    await h.call('HELLO', '3');
    assert.match(
      await h.call('INFO', 'cluster'),
      /^=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n$/,
    );
  });
});
