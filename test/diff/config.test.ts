import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseReply } from '../meta/reply-tree.js';
import { useDiffServers, type DiffPair } from '../helpers/diff.js';

// The reference runs with --save '' (no snapshots in tests); Kvik gets the same.
const env = useDiffServers({ kvik: { config: { save: '' } } });

/** Parameters whose value comes from how each server was started. */
const STARTUP_DEPENDENT = new Set(['port', 'bind', 'dir']);

/** CONFIG GET's reply as sorted name/value pairs (Redis lists them in hash-table order). */
function pairs(reply: string): string[] {
  const node = parseReply(reply);
  const items = node.kind === 'array' ? node.items : node.kind === 'map' ? node.entries.flat() : [];
  const texts = items.map((item) => ('text' in item ? item.text : String(item.kind)));
  const out: string[] = [];
  for (let i = 0; i < texts.length; i += 2) out.push(`${texts[i]}=${texts[i + 1]}`);
  return out.sort();
}

/** The same CONFIG GET on both servers, compared as sets of pairs. */
async function sameConfigGet(pair: DiffPair, ...patterns: string[]): Promise<string[]> {
  const { redis, kvik } = await pair.both('CONFIG', 'GET', ...patterns);
  assert.deepEqual(pairs(kvik), pairs(redis), `CONFIG GET ${patterns.join(' ')}`);
  return pairs(redis);
}

/** Sets a parameter on both servers, compares replies and the value read back, restores it. */
async function sameSet(pair: DiffPair, name: string, ...values: string[]): Promise<void> {
  const original = parseReply(await pair.redis.call('CONFIG', 'GET', name));
  assert.ok(original.kind === 'array' && original.items[1]?.kind === 'bulk');
  for (const value of values) {
    await pair.same('CONFIG', 'SET', name, value);
    await pair.same('CONFIG', 'GET', name);
  }
  const previous = original.items[1].text;
  await pair.redis.call('CONFIG', 'SET', name, previous);
  await pair.kvik.call('CONFIG', 'SET', name, previous);
}

describe('CONFIG GET against redis-server', () => {
  it('knows exactly the parameters redis-server 7.0 knows', async () => {
    const pair = await env.pair();
    const names = (all: string[]) => all.map((p) => p.slice(0, p.indexOf('=')));
    const redis = names(pairs(await pair.redis.call('CONFIG', 'GET', '*')));
    const kvik = names(pairs(await pair.kvik.call('CONFIG', 'GET', '*')));
    assert.deepEqual(kvik, redis);
  });

  it('reports every parameter with the default redis-server has', async () => {
    const pair = await env.pair();
    const all = pairs(await pair.redis.call('CONFIG', 'GET', '*'));
    for (const entry of all) {
      const name = entry.slice(0, entry.indexOf('='));
      if (!STARTUP_DEPENDENT.has(name)) await pair.same('CONFIG', 'GET', name);
    }
  });

  it('answers hidden parameters only to their exact name', async () => {
    const pair = await env.pair();
    const hidden = [
      'rdb-key-save-delay',
      'key-load-delay',
      'watchdog-period',
      'use-exit-on-panic',
      'loading-process-events-interval-bytes',
    ];
    for (const name of hidden) await pair.same('CONFIG', 'GET', name);
    await sameConfigGet(pair, '*delay*');
    await sameConfigGet(pair, '*panic*');
  });

  it('matches glob patterns, aliases and several patterns at once', async () => {
    const pair = await env.pair();
    await sameConfigGet(pair, '*max-*-entries*');
    await sameConfigGet(pair, 'slave*');
    await sameConfigGet(pair, 'h?');
    await sameConfigGet(pair, '[hl]*');
    await sameConfigGet(pair, 'hz', 'maxmemory', 'hz', 'HZ');
    await sameConfigGet(pair, 'hz', 'h*');
    await sameConfigGet(pair, 'slaveof', 'replicaof');
    await sameConfigGet(pair, 'MAXMEMORY-*');
    await pair.same('CONFIG', 'GET', 'HZ');
    await pair.same('CONFIG', 'GET', 'nosuch');
    await pair.same('CONFIG', 'GET', 'nosuch*');
    await pair.same('CONFIG', 'GET');
  });

  it('answers a map in RESP3', async () => {
    const pair = await env.pair();
    await pair.both('HELLO', '3');
    await pair.same('CONFIG', 'GET', 'maxmemory');
    await pair.same('CONFIG', 'GET', 'nosuch');
  });
});

describe('CONFIG SET against redis-server', () => {
  it('sets booleans, enumerations and strings, refusing bad values with Redis errors', async () => {
    const pair = await env.pair();
    await sameSet(pair, 'activerehashing', 'no', 'YES', 'yes', '1', 'maybe', '');
    await sameSet(pair, 'activedefrag', 'no', 'yes');
    await sameSet(pair, 'lazyfree-lazy-user-del', 'yes', 'No');
    await sameSet(pair, 'loglevel', 'WARNING', 'debug', 'loud', '');
    await sameSet(pair, 'maxmemory-policy', 'allkeys-lru', 'volatile-ttl', 'lru');
    await sameSet(pair, 'oom-score-adj', 'nope', 'no');
    await sameSet(pair, 'acl-pubsub-default', 'allchannels', 'resetchannels', 'x');
    await sameSet(pair, 'propagation-error-behavior', 'panic', 'explode');
    await sameSet(pair, 'masterauth', 'secret', '');
    await sameSet(pair, 'replica-announce-ip', '10.0.0.1', '');
    await sameSet(pair, 'ignore-warnings', 'ARM64-COW-BUG', '');
    await sameSet(pair, 'cluster-announce-hostname', 'a.example-1', 'a_b', 'x'.repeat(256), '');
    await sameSet(
      pair,
      'proc-title-template',
      '{title}',
      '{title',
      'x}',
      '{{x}}',
      '{port}',
      '{nope}',
      '  ',
    );
  });

  it('sets integers within Redis limits', async () => {
    const pair = await env.pair();
    await sameSet(pair, 'timeout', '0', '05', '+5', ' 5', '1e3', '-1', 'x', '300', '2147483648');
    await sameSet(pair, 'maxclients', '0', '-1', '4294967296', '9000');
    await sameSet(pair, 'list-max-listpack-size', '-5', '-2147483649', '2147483647');
    await sameSet(pair, 'list-max-ziplist-size', '8');
    await sameSet(
      pair,
      'slowlog-log-slower-than',
      '-1',
      '-2',
      '9223372036854775807',
      '9223372036854775808',
    );
    await sameSet(pair, 'slowlog-max-len', '-1', '0', '100');
    await sameSet(pair, 'active-expire-effort', '0', '11', '10');
    await sameSet(pair, 'hash-max-ziplist-entries', '-1', '1', '99999999999999999999');
    await sameSet(pair, 'hz', '0', '1000', '-1', '100');
  });

  it('sets memory values with units, and percentages where Redis takes them', async () => {
    const pair = await env.pair();
    await sameSet(
      pair,
      'maxmemory',
      '1gb',
      '1GB',
      '100mb',
      '1k',
      '1kb',
      '5b',
      '',
      'kb',
      '1.5gb',
      '-1',
      '1x',
    );
    await sameSet(pair, 'maxmemory', '99999999999999999999', '17179869184gb');
    await sameSet(
      pair,
      'proto-max-bulk-len',
      '1mb',
      '1048575',
      '8589934592gb',
      '99999999999999999999',
    );
    await sameSet(pair, 'client-query-buffer-limit', '2gb', '1kb');
    await sameSet(pair, 'hash-max-listpack-value', '1kb', '-5');
    await sameSet(pair, 'maxmemory-clients', '10%', '100%', '101%', '0%', '-5', '1mb', '%', '5%x');
    await sameSet(pair, 'repl-backlog-size', '0', '2mb');
  });

  it('sets the parameters with their own syntax', async () => {
    const pair = await env.pair();
    await sameSet(
      pair,
      'save',
      '3600 1 300 100',
      '',
      '100 10 20',
      '10 1  20',
      ' 10 1',
      '0 1',
      '10 -1',
      'x 1',
    );
    await sameSet(
      pair,
      'client-output-buffer-limit',
      'normal 1mb 2mb 3 pubsub 1 2 3',
      'replica 1gb 1gb 0',
      'SLAVE 0 0 0',
      'master 1 2 3',
      'normal 1 2',
      'replica 1 2 -3',
      'pubsub 1x 2 3',
      '',
    );
    await sameSet(
      pair,
      'notify-keyspace-events',
      'KEA',
      'Kx$g',
      'An',
      'Anm',
      'g$lshzxetd',
      'nm',
      'dtelg',
      'AA',
      'Z',
      '',
    );
    await sameSet(
      pair,
      'oom-score-adj-values',
      '10 20 30',
      '1 2',
      '1 2 3000',
      '-2000 0 2000',
      'a b c',
    );
    await sameSet(
      pair,
      'latency-tracking-info-percentiles',
      '50 99.99 0',
      '101',
      'x',
      '',
      '100 99.999 0.5',
    );
    await sameSet(
      pair,
      'shutdown-on-sigint',
      'save now',
      'NOW save FORCE',
      'save nosave',
      'default now',
      'nosave',
      '',
      'x',
    );
    await sameSet(pair, 'shutdown-on-sigterm', 'force', 'default');
  });

  it('refuses immutable, protected, unknown and duplicate parameters as Redis does', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['CONFIG', 'SET', 'databases', '3'],
      ['CONFIG', 'SET', 'DATABASES', '3'],
      ['CONFIG', 'SET', 'daemonize', 'yes'],
      ['CONFIG', 'SET', 'replicaof', '127.0.0.1 6379'],
      ['CONFIG', 'SET', 'slaveof', 'no one'],
      ['CONFIG', 'SET', 'enable-debug-command', 'no'],
      ['CONFIG', 'SET', 'dir', '/tmp'],
      ['CONFIG', 'SET', 'dbfilename', 'x.rdb'],
      ['CONFIG', 'SET', 'nosuch', '1'],
      ['CONFIG', 'SET', 'hz', '10', 'nosuch', '1', 'dbfilename', 'a/b'],
      ['CONFIG', 'SET', 'databases', '3', 'nosuch', '1'],
      ['CONFIG', 'SET', 'nosuch', '1', 'databases', '3'],
      ['CONFIG', 'SET', 'hz', 'abc', 'nosuch', '1'],
      ['CONFIG', 'SET', 'hz', '10', 'hz', '11'],
      ['CONFIG', 'SET', 'hz', '10', 'HZ', '11'],
      ['CONFIG', 'SET', 'hz'],
      ['CONFIG', 'SET', 'hz', '10', 'maxclients'],
      ['CONFIG', 'SET'],
    ]);
  });

  it('applies several parameters atomically: a bad value leaves every parameter unchanged', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['CONFIG', 'SET', 'hz', '20', 'maxmemory', '1mb', 'timeout', 'x'],
      ['CONFIG', 'GET', 'hz'],
      ['CONFIG', 'GET', 'maxmemory'],
      ['CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1 2 3', 'save', 'odd'],
      ['CONFIG', 'GET', 'client-output-buffer-limit'],
      ['CONFIG', 'SET', 'hz', '20', 'maxmemory-policy', 'allkeys-lfu'],
      ['CONFIG', 'GET', 'hz'],
      ['CONFIG', 'GET', 'maxmemory-policy'],
      ['CONFIG', 'SET', 'hash-max-ziplist-entries', '1', 'hash-max-listpack-entries', '2'],
      ['CONFIG', 'GET', 'hash-max-listpack-entries'],
      [
        'CONFIG',
        'SET',
        'hz',
        '10',
        'maxmemory-policy',
        'noeviction',
        'hash-max-listpack-entries',
        '512',
      ],
    ]);
  });
});

describe('CONFIG subcommands against redis-server', () => {
  it('answers HELP, RESETSTAT, REWRITE without a file and unknown subcommands', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['CONFIG', 'HELP'],
      ['config', 'help'],
      ['CONFIG', 'HELP', 'x'],
      ['CONFIG', 'RESETSTAT'],
      ['CONFIG', 'RESETSTAT', 'x'],
      ['CONFIG', 'REWRITE'],
      ['CONFIG', 'REWRITE', 'x'],
      ['CONFIG', 'FOO'],
      ['CONFIG'],
    ]);
  });

  it('RESETSTAT clears the statistics INFO reports', async () => {
    const pair = await env.pair();
    await pair.sameAll([['SET', 'k', 'v'], ['GET', 'k'], ['GET', 'missing'], ['NOSUCHCOMMAND']]);
    await pair.same('CONFIG', 'RESETSTAT');
    await pair.same('INFO', 'errorstats');
    const field = (info: string, name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1];
    const { redis, kvik } = await pair.both('INFO', 'stats');
    for (const name of [
      'keyspace_hits',
      'keyspace_misses',
      'total_error_replies',
      'expired_keys',
    ]) {
      assert.equal(field(kvik, name), field(redis, name), name);
    }
  });
});
