import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseReply } from '../meta/reply-tree.js';
import { useDiffServers, type DiffPair } from '../helpers/diff.js';

const env = useDiffServers();

/** Kvik's own field in INFO server, next to the Redis version it is compatible with. */
const KVIK_ONLY_FIELDS = new Set(['kvik_version']);

/** INFO's text as sections: title -> field names (sorted where Redis's order is a hash table's). */
function infoShape(reply: string): [string, string[]][] {
  const node = parseReply(reply);
  assert.ok(
    node.kind === 'bulk' || node.kind === 'verbatim',
    `INFO replies text, not ${node.kind}`,
  );
  const text = node.kind === 'verbatim' ? node.text.slice(4) : node.text;
  const sections: [string, string[]][] = [];
  for (const block of text.split('\r\n\r\n')) {
    const lines = block.split('\r\n').filter((line) => line !== '');
    if (lines.length === 0) continue;
    const title = lines[0];
    let fields = lines.slice(1).map((line) => line.slice(0, line.indexOf(':')));
    fields = fields.filter((field) => !KVIK_ONLY_FIELDS.has(field));
    if (/Commandstats|Latencystats|Errorstats/.test(title)) fields.sort();
    sections.push([title, fields]);
  }
  return sections;
}

async function sameInfoShape(pair: DiffPair, ...sections: string[]): Promise<void> {
  const { redis, kvik } = await pair.both('INFO', ...sections);
  assert.deepEqual(infoShape(kvik), infoShape(redis), `INFO ${sections.join(' ')}`);
}

function infoField(reply: string, name: string): string | undefined {
  const escaped = name.replace(/[|]/g, '\\|');
  return new RegExp(`^${escaped}:(.*)\r$`, 'm').exec(reply)?.[1];
}

describe('INFO against redis-server', () => {
  it('prints the sections and field names of Redis 7.0, in its order', async () => {
    const pair = await env.pair();
    await pair.same('CONFIG', 'RESETSTAT');
    await pair.sameAll([['SET', 'k', 'v'], ['GET', 'k'], ['GET', 'nokey'], ['NOSUCH'], ['GET']]);
    await sameInfoShape(pair);
    await sameInfoShape(pair, 'default');
    await sameInfoShape(pair, 'all');
    await sameInfoShape(pair, 'everything');
  });

  it('selects sections by name, several at once, in any case', async () => {
    const pair = await env.pair();
    const sections = [
      'server',
      'clients',
      'memory',
      'persistence',
      'stats',
      'replication',
      'cpu',
      'modules',
      'module_list',
      'commandstats',
      'errorstats',
      'latencystats',
      'cluster',
      'keyspace',
    ];
    for (const section of sections) await sameInfoShape(pair, section);
    await sameInfoShape(pair, 'KEYSPACE', 'server');
    await sameInfoShape(pair, 'commandstats', 'cpu', 'Server');
    await sameInfoShape(pair, 'default', 'commandstats');
    await sameInfoShape(pair, 'everything', 'server');
    await pair.same('INFO', 'bogus');
    await pair.same('INFO', 'cluster');
    await pair.same('INFO', 'modules');
  });

  it('counts commands, errors and keys as Redis does', async () => {
    const pair = await env.pair();
    await pair.same('CONFIG', 'RESETSTAT');
    await pair.sameAll([
      ['SET', 'a', '1'],
      ['SET', 'b', '2'],
      ['GET', 'a'],
      ['GET', 'missing'],
      ['NOSUCHCMD', 'x'],
      ['GET'],
      ['CONFIG', 'GET', 'hz'],
      ['CONFIG', 'SET', 'hz', 'x'],
    ]);
    await pair.same('INFO', 'errorstats');
    await pair.same('INFO', 'keyspace');
    const { redis, kvik } = await pair.both('INFO', 'everything');
    for (const name of [
      'keyspace_hits',
      'keyspace_misses',
      'total_error_replies',
      'maxclients',
      'configured_hz',
      'role',
      'connected_slaves',
      'master_replid2',
      'loading',
      'aof_enabled',
      'redis_version',
      'cluster_enabled',
    ]) {
      assert.equal(infoField(kvik, name), infoField(redis, name), name);
    }
    const calls = (info: string, command: string) =>
      /calls=(\d+),.*rejected_calls=(\d+),failed_calls=(\d+)/
        .exec(infoField(info, `cmdstat_${command}`) ?? '')
        ?.slice(1);
    for (const command of ['set', 'get', 'config|get', 'config|set']) {
      assert.deepEqual(calls(kvik, command), calls(redis, command), command);
    }
  });

  it('is a verbatim string in RESP3', async () => {
    const pair = await env.pair();
    await pair.both('HELLO', '3');
    await pair.same('INFO', 'cluster');
    const { redis, kvik } = await pair.both('INFO');
    assert.equal(parseReply(kvik).kind, parseReply(redis).kind);
  });
});

describe('TIME, LOLWUT and SHUTDOWN against redis-server', () => {
  it('TIME answers seconds and microseconds', async () => {
    const pair = await env.pair();
    const { redis, kvik } = await pair.both('TIME');
    const parts = (reply: string) => {
      const node = parseReply(reply);
      assert.ok(node.kind === 'array' && node.items.length === 2);
      return node.items.map((item) => Number('text' in item ? item.text : NaN));
    };
    const [redisSeconds] = parts(redis);
    const [kvikSeconds, kvikMicros] = parts(kvik);
    assert.ok(Math.abs(kvikSeconds - redisSeconds) <= 1);
    assert.ok(kvikMicros >= 0 && kvikMicros < 1_000_000);
    await pair.same('TIME', 'x');
  });

  it('LOLWUT prints the version line for versions without art', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['LOLWUT'],
      ['lolwut', 'foo'],
      ['LOLWUT', 'VERSION'],
      ['LOLWUT', 'VERSION', '7'],
      ['LOLWUT', 'VERSION', '1'],
      ['LOLWUT', 'VERSION', '-1'],
      ['LOLWUT', 'VERSION', '4294967301', '1', '1', '1'],
      ['LOLWUT', 'VERSION', 'x'],
      ['LOLWUT', 'VERSION', '5', 'x'],
      ['LOLWUT', 'VERSION', '6', '1', 'y'],
    ]);
    await pair.both('HELLO', '3');
    await pair.same('LOLWUT');
  });

  it('LOLWUT 5 draws Schotter on a canvas of Redis size', async () => {
    const pair = await env.pair();
    for (const args of [[], ['20'], ['1', '1', '1'], ['2000', '0', '1'], ['40', '4', '3']]) {
      const { redis, kvik } = await pair.both('LOLWUT', 'VERSION', '5', ...args);
      const lines = (reply: string) => (parseReply(reply) as { text: string }).text.split('\n');
      const [r, k] = [lines(redis), lines(kvik)];
      assert.deepEqual(
        k.map((line) => line.length),
        r.map((line) => line.length),
        `LOLWUT VERSION 5 ${args.join(' ')}`,
      );
      assert.equal(k.at(-2), r.at(-2));
    }
  });

  it('LOLWUT 6 draws a skyline of the asked size and dedication', async () => {
    const pair = await env.pair();
    for (const args of [[], ['10', '5'], ['0', '2000']]) {
      const { redis, kvik } = await pair.both('LOLWUT', 'VERSION', '6', ...args);
      const lines = (reply: string) => (parseReply(reply) as { text: string }).text.split('\n');
      const cells = (line: string) => line.split('\x1b[0m').length - 1;
      const [r, k] = [lines(redis), lines(kvik)];
      assert.deepEqual(k.map(cells), r.map(cells), `LOLWUT VERSION 6 ${args.join(' ')}`);
      assert.deepEqual(k.slice(-3), r.slice(-3));
    }
  });

  it('SHUTDOWN refuses bad options, and ABORT when no shutdown is in progress', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SHUTDOWN', 'ABORT'],
      ['shutdown', 'abort'],
      ['SHUTDOWN', 'foo'],
      ['SHUTDOWN', 'NOSAVE', 'SAVE'],
      ['SHUTDOWN', 'ABORT', 'NOW'],
      ['SHUTDOWN', 'FORCE', 'ABORT'],
      ['SHUTDOWN', 'NOW', 'bogus'],
    ]);
  });
});
