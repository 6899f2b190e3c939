import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { useDiffServers, type DiffPair } from '../helpers/diff.js';
import type { RawClient } from '../helpers/raw-client.js';
import { parseReply } from '../meta/reply-tree.js';

const env = useDiffServers();

/** The bulk strings of an array reply, sorted. */
function sortedStrings(reply: string): string[] {
  const node = parseReply(reply);
  assert.ok(node.kind === 'array', `an array reply: ${JSON.stringify(reply)}`);
  return node.items.map((item) => (item.kind === 'bulk' ? item.text : `<${item.kind}>`)).sort();
}

/** Every key a complete SCAN returns (sorted, without duplicates), or the error it replied. */
async function fullScan(client: RawClient, ...options: string[]): Promise<string[] | string> {
  const keys = new Set<string>();
  let cursor = '0';
  do {
    const reply = await client.call('SCAN', cursor, ...options);
    const node = parseReply(reply);
    if (node.kind !== 'array') return reply;
    const [next, page] = node.items;
    assert.ok(next.kind === 'bulk' && page.kind === 'array');
    for (const item of page.items) if (item.kind === 'bulk') keys.add(item.text);
    cursor = next.text;
  } while (cursor !== '0');
  return [...keys].sort();
}

/** Sends KEYS to both servers and compares the keys as sets (their order is the server's own). */
async function sameKeys(pair: DiffPair, pattern: string): Promise<void> {
  const { redis, kvik } = await pair.both('KEYS', pattern);
  assert.deepEqual(sortedStrings(kvik), sortedStrings(redis), `KEYS ${JSON.stringify(pattern)}`);
}

async function sameScan(pair: DiffPair, ...options: string[]): Promise<void> {
  const [redis, kvik] = await Promise.all([
    fullScan(pair.redis, ...options),
    fullScan(pair.kvik, ...options),
  ]);
  assert.deepEqual(kvik, redis, `SCAN ${options.join(' ')}`);
}

describe('DEL, UNLINK, EXISTS, TOUCH and TYPE against redis-server', () => {
  it('count the keys they found, a repeated key once per mention for EXISTS and TOUCH', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['MSET', 'a', '1', 'b', '2', 'c', '3', Buffer.from([0, 255, 10]), 'bin'],
      ['EXISTS', 'a'],
      ['EXISTS', 'a', 'a', 'missing', 'b'],
      ['TOUCH', 'a', 'a', 'missing'],
      ['EXISTS', Buffer.from([0, 255, 10])],
      ['DEL', 'a', 'a', 'missing'],
      ['UNLINK', 'b', 'c', 'b'],
      ['UNLINK', 'missing'],
      ['DEL', Buffer.from([0, 255, 10])],
      ['EXISTS', 'a', 'b', 'c'],
      ['DEL'],
      ['UNLINK'],
      ['EXISTS'],
      ['TOUCH'],
    ]);
  });

  it('TYPE names the type, or none', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SET', 's', 'v'],
      ['TYPE', 's'],
      ['TYPE', 'missing'],
      ['TYPE'],
      ['TYPE', 'a', 'b'],
    ]);
  });
});

describe('RENAME and RENAMENX against redis-server', () => {
  it('move the value and its TTL, refuse a missing source, and accept renaming to itself', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['RENAME', 'missing', 'x'],
      ['RENAMENX', 'missing', 'x'],
      ['RENAME', 'missing', 'missing'],
      ['SET', 'a', 'va', 'EX', '1000'],
      ['SET', 'b', 'vb'],
      ['RENAME', 'a', 'a'],
      ['RENAMENX', 'a', 'a'],
      ['RENAMENX', 'a', 'b'],
      ['RENAME', 'a', 'c'],
      ['TTL', 'c'],
      ['EXISTS', 'a'],
      ['RENAME', 'b', 'c'],
      ['GET', 'c'],
      ['TTL', 'c'],
      ['RENAMENX', 'c', Buffer.from([0, 200])],
      ['GET', Buffer.from([0, 200])],
      ['RENAME', 'a'],
      ['RENAMENX', 'a', 'b', 'c'],
    ]);
  });
});

describe('MOVE and COPY against redis-server', () => {
  it('MOVE takes the key and its TTL to another database unless it exists there', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SET', 'k', 'v', 'EX', '500'],
      ['MOVE', 'k', 'x'],
      ['MOVE', 'k', '16'],
      ['MOVE', 'k', '-1'],
      ['MOVE', 'k', '2147483648'],
      ['MOVE', 'k', '99999999999999999999'],
      ['MOVE', 'k', '0'],
      ['MOVE', 'missing', '0'],
      ['MOVE', 'missing', '1'],
      ['SELECT', '1'],
      ['SET', 'k', 'other'],
      ['SELECT', '0'],
      ['MOVE', 'k', '1'],
      ['SELECT', '1'],
      ['DEL', 'k'],
      ['SELECT', '0'],
      ['MOVE', 'k', '1'],
      ['EXISTS', 'k'],
      ['SELECT', '1'],
      ['GET', 'k'],
      ['TTL', 'k'],
      ['MOVE', 'k'],
    ]);
  });

  it('COPY duplicates value, encoding and TTL, with DB and REPLACE options and their errors', async () => {
    const pair = await env.pair();
    const long = 'x'.repeat(45);
    await pair.sameAll([
      ['SET', 'int', '12345'],
      ['SET', 'emb', 'hello', 'EX', '500'],
      ['SET', 'raw', long],
      ['APPEND', 'appended', 'ab'],
      ['COPY', 'int', 'int2'],
      ['COPY', 'emb', 'emb2'],
      ['COPY', 'raw', 'raw2'],
      ['COPY', 'appended', 'appended2'],
      ['OBJECT', 'ENCODING', 'int2'],
      ['OBJECT', 'ENCODING', 'emb2'],
      ['OBJECT', 'ENCODING', 'raw2'],
      ['OBJECT', 'ENCODING', 'appended2'],
      ['APPEND', 'appended2', 'c'],
      ['GET', 'appended'],
      ['TTL', 'emb2'],
      ['COPY', 'int', 'emb2'],
      ['COPY', 'int', 'emb2', 'replace'],
      ['GET', 'emb2'],
      ['TTL', 'emb2'],
      ['COPY', 'missing', 'x'],
      ['COPY', 'int', 'int'],
      ['COPY', 'int', 'int', 'DB', '0'],
      ['COPY', 'int', 'int', 'DB', '3'],
      ['COPY', 'emb', 'e', 'db', '2', 'REPLACE', 'DB', '4'],
      ['SELECT', '4'],
      ['GET', 'e'],
      ['TTL', 'e'],
      ['SELECT', '0'],
      ['COPY', 'int', 'x', 'DB'],
      ['COPY', 'int', 'x', 'DB', 'x'],
      ['COPY', 'int', 'x', 'DB', '16'],
      ['COPY', 'int', 'x', 'DB', '-1'],
      ['COPY', 'int', 'x', 'DB', '-2147483649'],
      ['COPY', 'int', 'x', 'DB', '99', 'foo'],
      ['COPY', 'int', 'x', 'foo', 'DB', '99'],
      ['COPY', 'int', 'x', 'REPLACE', 'REPLACE'],
      ['COPY', 'int'],
    ]);
  });
});

describe('KEYS and SCAN against redis-server', () => {
  it('KEYS matches classes, ranges, escapes and binary keys', async () => {
    const pair = await env.pair();
    const keys = [
      'hello',
      'hallo',
      'hxllo',
      'hllo',
      'heeeello',
      'a*b',
      'a?b',
      'a[b',
      'a]b',
      'a\\b',
      '^',
      '-',
      '',
      'A',
      'Z',
      'z',
      '_',
      '\x00',
      '\x7f',
      '\x80',
      '\xff',
      'user:1000',
      'user:2000:name',
    ];
    await pair.same('MSET', ...keys.flatMap((k) => [Buffer.from(k, 'latin1'), 'v']));
    const patterns = [
      '*',
      '**',
      '?',
      'h?llo',
      'h*llo',
      'h[ae]llo',
      'h[^e]llo',
      'h[a-b]llo',
      'h[b-a]llo',
      'a\\*b',
      'a\\?b',
      'a\\[b',
      'a[\\]]b',
      'a[]]b',
      'a\\\\b',
      'a\\',
      '[',
      '[^',
      '[a',
      '[^a',
      '[a-',
      '[\\',
      '[^-]',
      '[-]',
      '[\\^]',
      '[a-\xff]',
      '[\x80-\xff]',
      '[\x00-\x7f]',
      '[Z-a]',
      'user:*',
      'user:*:name',
      '*:*',
      '*[0-9]',
      '\xff',
    ];
    for (const pattern of patterns) await sameKeys(pair, pattern);
    await pair.sameAll([['KEYS'], ['KEYS', 'a', 'b']]);
  });

  it('KEYS matches any pattern exactly as Redis does (random patterns and keys)', async () => {
    const pair = await env.pair();
    const byte = fc.constantFrom(...'ab-^]\\[*?AZ_\x00\x80\xff'.split(''));
    const word = fc.array(byte, { maxLength: 6 }).map((chars) => chars.join(''));
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(word, { minLength: 1, maxLength: 25 }),
        fc.array(word, { minLength: 1, maxLength: 15 }),
        async (keys, patterns) => {
          await pair.same('FLUSHALL');
          await pair.same('MSET', ...keys.flatMap((k) => [Buffer.from(k, 'latin1'), 'v']));
          for (const pattern of patterns) await sameKeys(pair, pattern);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('SCAN returns the same keys as Redis over a whole iteration, with MATCH, COUNT and TYPE', async () => {
    const pair = await env.pair();
    const pairs = Array.from({ length: 300 }, (_, i) => [`key:${i}`, String(i)]).flat();
    await pair.same('MSET', ...pairs);
    await sameScan(pair);
    await sameScan(pair, 'COUNT', '7');
    await sameScan(pair, 'COUNT', '1000');
    await sameScan(pair, 'MATCH', 'key:1*');
    await sameScan(pair, 'MATCH', '*');
    await sameScan(pair, 'match', 'key:[0-2]?', 'count', '3');
    await sameScan(pair, 'TYPE', 'string');
    await sameScan(pair, 'TYPE', 'STRING', 'MATCH', '*9');
    await sameScan(pair, 'TYPE', 'list');
    await sameScan(pair, 'TYPE', 'none');
    await sameScan(pair, 'TYPE', 'nonsense');
    await sameScan(pair, 'COUNT', '5', 'COUNT', '50', 'MATCH', 'x', 'MATCH', 'key:2*');
  });

  it('SCAN rejects bad cursors and options with Redis errors', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SCAN', 'x'],
      ['SCAN', ' 0'],
      ['SCAN', '0 '],
      ['SCAN', '0x1'],
      ['SCAN', '1.5'],
      ['SCAN', '+'],
      ['SCAN', '-'],
      ['SCAN', '18446744073709551616'],
      ['SCAN', '-18446744073709551616'],
      ['SCAN', '0', 'COUNT', '0'],
      ['SCAN', '0', 'COUNT', '-1'],
      ['SCAN', '0', 'COUNT', 'x'],
      ['SCAN', '0', 'COUNT', '9223372036854775808'],
      ['SCAN', '0', 'COUNT'],
      ['SCAN', '0', 'MATCH'],
      ['SCAN', '0', 'TYPE'],
      ['SCAN', '0', 'foo', 'bar'],
      ['SCAN', 'x', 'COUNT', '0'],
      ['SCAN', '0', 'COUNT', '0', 'foo'],
      ['SCAN'],
    ]);
  });

  it('SCAN accepts what strtoul accepts as a cursor (an empty database answers the same)', async () => {
    const pair = await env.pair();
    for (const cursor of ['', '+0', '-0', '007', '-1', '18446744073709551615', '42']) {
      await pair.same('SCAN', cursor);
    }
  });
});

describe('RANDOMKEY, DBSIZE, FLUSHDB, FLUSHALL and SWAPDB against redis-server', () => {
  it('RANDOMKEY answers nil on an empty database and the key when there is one, in RESP2 and RESP3', async () => {
    const pair = await env.pair();
    await pair.sameAll([['RANDOMKEY'], ['SET', 'only', 'v'], ['RANDOMKEY'], ['RANDOMKEY', 'x']]);
    await pair.both('HELLO', '3');
    await pair.sameAll([['DEL', 'only'], ['RANDOMKEY']]);
  });

  it('DBSIZE counts the keys of the selected database', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['DBSIZE'],
      ['MSET', 'a', '1', 'b', '2'],
      ['DBSIZE'],
      ['SELECT', '1'],
      ['DBSIZE'],
      ['DBSIZE', 'x'],
    ]);
  });

  it('FLUSHDB and FLUSHALL take ASYNC or SYNC and nothing else', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['MSET', 'a', '1', 'b', '2'],
      ['SELECT', '1'],
      ['SET', 'c', '3'],
      ['FLUSHDB', 'foo'],
      ['FLUSHDB', 'ASYNC', 'SYNC'],
      ['FLUSHDB', 'sync'],
      ['DBSIZE'],
      ['SELECT', '0'],
      ['DBSIZE'],
      ['FLUSHDB', 'ASYNC'],
      ['FLUSHALL', 'now'],
      ['FLUSHALL', 'async', 'x'],
      ['FLUSHALL', 'SYNC'],
      ['FLUSHALL', 'Async'],
      ['FLUSHALL'],
      ['FLUSHDB'],
    ]);
  });

  it('SWAPDB swaps two databases and validates both indexes', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SET', 'in0', 'v'],
      ['SWAPDB', '0', '1'],
      ['EXISTS', 'in0'],
      ['SELECT', '1'],
      ['EXISTS', 'in0'],
      ['SWAPDB', '1', '1'],
      ['EXISTS', 'in0'],
      ['SWAPDB', 'x', '0'],
      ['SWAPDB', '0', 'x'],
      ['SWAPDB', 'x', 'y'],
      ['SWAPDB', '0', '16'],
      ['SWAPDB', '-1', '0'],
      ['SWAPDB', '2147483648', '0'],
      ['SWAPDB', '0', '99999999999'],
      ['SWAPDB', '0'],
    ]);
  });
});

describe('OBJECT against redis-server', () => {
  it('ENCODING names int, embstr and raw as Redis chooses them', async () => {
    const pair = await env.pair();
    const values = [
      '0',
      '-5',
      '12345',
      '9223372036854775807',
      '-9223372036854775808',
      '9223372036854775808',
      '01',
      '-0',
      ' 1',
      '1.5',
      '',
      'x'.repeat(44),
      'x'.repeat(45),
    ];
    for (const value of values) {
      await pair.same('SET', 'k', value);
      await pair.same('OBJECT', 'ENCODING', 'k');
    }
    await pair.sameAll([
      ['APPEND', 'appended', 'x'],
      ['OBJECT', 'ENCODING', 'appended'],
      ['SETRANGE', 'ranged', '0', '5'],
      ['OBJECT', 'ENCODING', 'ranged'],
      ['INCR', 'counter'],
      ['OBJECT', 'ENCODING', 'counter'],
      ['OBJECT', 'ENCODING', 'missing'],
      ['object', 'encoding', 'k'],
    ]);
  });

  it('REFCOUNT reports shared small integers as Redis does', async () => {
    const pair = await env.pair();
    for (const value of ['0', '9999', '10000', '-1', 'abc', '9223372036854775807']) {
      await pair.same('SET', 'k', value);
      await pair.same('OBJECT', 'REFCOUNT', 'k');
    }
    await pair.sameAll([
      ['INCR', 'counter'],
      ['OBJECT', 'REFCOUNT', 'counter'],
      ['INCRBY', 'counter', '20000'],
      ['OBJECT', 'REFCOUNT', 'counter'],
      ['OBJECT', 'REFCOUNT', 'missing'],
    ]);
  });

  it('REFCOUNT: small integers are not shared under maxmemory with an LRU or LFU policy', async () => {
    const pair = await env.pair();
    try {
      await pair.same('CONFIG', 'SET', 'maxmemory', '100mb');
      for (const policy of ['allkeys-lru', 'volatile-lfu', 'volatile-ttl', 'noeviction']) {
        await pair.same('CONFIG', 'SET', 'maxmemory-policy', policy);
        await pair.same('SET', 'k', '5');
        await pair.same('OBJECT', 'REFCOUNT', 'k');
      }
    } finally {
      await pair.same('CONFIG', 'SET', 'maxmemory', '0');
      await pair.same('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    }
  });

  it('FREQ under an LFU policy counts from 5, and IDLETIME refuses', async () => {
    const pair = await env.pair();
    try {
      await pair.sameAll([
        ['CONFIG', 'SET', 'maxmemory-policy', 'volatile-lfu'],
        ['SET', 'k', 'not shared'],
        ['OBJECT', 'FREQ', 'k'],
        ['GET', 'k'],
        ['OBJECT', 'FREQ', 'k'],
        ['OBJECT', 'IDLETIME', 'k'],
        ['OBJECT', 'FREQ', 'missing'],
      ]);
    } finally {
      await pair.same('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    }
  });

  it('IDLETIME, FREQ, HELP and the errors of the container', async () => {
    const pair = await env.pair();
    await pair.same('SET', 'k', 'not shared');
    // Idle whole seconds: 1 on either server when a second boundary passed since the SET.
    const idle = await pair.both('OBJECT', 'IDLETIME', 'k');
    assert.match(idle.redis, /^:[01]\r\n$/);
    assert.match(idle.kvik, /^:[01]\r\n$/);
    await pair.sameAll([
      ['OBJECT', 'IDLETIME', 'missing'],
      ['OBJECT', 'FREQ', 'k'],
      ['OBJECT', 'FREQ', 'missing'],
      ['OBJECT', 'HELP'],
      ['object', 'Help'],
      ['OBJECT', 'HELP', 'x'],
      ['OBJECT'],
      ['OBJECT', 'ENCODING'],
      ['OBJECT', 'ENCODING', 'k', 'x'],
      ['OBJECT', 'nope'],
      ['OBJECT', 'nope', 'k'],
    ]);
  });

  it('a missing key is a RESP3 null', async () => {
    const pair = await env.pair();
    await pair.both('HELLO', '3');
    await pair.sameAll([
      ['OBJECT', 'ENCODING', 'missing'],
      ['OBJECT', 'REFCOUNT', 'missing'],
      ['OBJECT', 'IDLETIME', 'missing'],
      ['OBJECT', 'FREQ', 'missing'],
    ]);
  });
});

const key = fc.constantFrom('a', 'b', 'c');
const db = fc.constantFrom('0', '1');
const value = fc.constantFrom('v', '1', '12345', 'x'.repeat(50));

/**
 * Key commands whose replies are deterministic (TTLs are long so time does not matter), weighted
 * so that keys are usually there to act on.
 */
const keyCommand: fc.Arbitrary<readonly string[]> = fc.oneof(
  { weight: 30, arbitrary: fc.tuple(fc.constant('SET'), key, value) },
  {
    weight: 15,
    arbitrary: fc.tuple(
      fc.constant('SET'),
      key,
      value,
      fc.constant('EX'),
      fc.constantFrom('1000', '2000'),
    ),
  },
  { weight: 5, arbitrary: fc.tuple(fc.constant('APPEND'), key, value) },
  { weight: 5, arbitrary: fc.tuple(fc.constantFrom('DEL', 'UNLINK', 'EXISTS', 'TOUCH'), key, key) },
  { weight: 10, arbitrary: fc.tuple(fc.constantFrom('TYPE', 'TTL', 'PERSIST', 'GET'), key) },
  { weight: 20, arbitrary: fc.tuple(fc.constantFrom('RENAME', 'RENAMENX'), key, key) },
  { weight: 10, arbitrary: fc.tuple(fc.constant('MOVE'), key, fc.oneof(db, fc.constant('16'))) },
  {
    weight: 15,
    arbitrary: fc
      .tuple(key, key, fc.option(db), fc.boolean())
      .map(([from, to, target, replace]) => [
        'COPY',
        from,
        to,
        ...(target === null ? [] : ['DB', target]),
        ...(replace ? ['REPLACE'] : []),
      ]),
  },
  { weight: 5, arbitrary: fc.tuple(fc.constant('SELECT'), db) },
  { weight: 5, arbitrary: fc.tuple(fc.constant('SWAPDB'), db, db) },
  {
    // An absolute time: EXPIRE 1000 GT right after SET EX 1000 would answer 1 or 0 depending on
    // whether a millisecond passed between them, on either server.
    weight: 10,
    arbitrary: fc
      .tuple(key, fc.constantFrom('4000000000', '-1'), fc.subarray(['NX', 'GT']))
      .map(([k, unixTime, options]) => ['EXPIREAT', k, unixTime, ...options]),
  },
  { weight: 5, arbitrary: fc.tuple(fc.constant('OBJECT'), fc.constant('ENCODING'), key) },
  { weight: 5, arbitrary: fc.constant(['DBSIZE']) },
  { weight: 5, arbitrary: fc.constant(['KEYS', '*']) },
  { weight: 5, arbitrary: fc.constant(['SCAN', '0', 'COUNT', '100']) },
  { weight: 1, arbitrary: fc.constant(['FLUSHDB']) },
);

/** Sends one random command to both servers and compares the replies (as sets where unordered). */
async function sameReply(pair: DiffPair, command: readonly string[]): Promise<void> {
  if (command[0] === 'KEYS') return sameKeys(pair, command[1]);
  if (command[0] === 'SCAN') return sameScan(pair, 'COUNT', '100');
  await pair.same(...command);
}

describe('random key command sequences against redis-server', () => {
  it('leave both servers answering the same', async () => {
    const pair = await env.pair();
    await fc.assert(
      fc.asyncProperty(fc.array(keyCommand, { minLength: 1, maxLength: 40 }), async (commands) => {
        await pair.same('SELECT', '0');
        await pair.same('FLUSHALL');
        for (const command of commands) await sameReply(pair, command);
        for (const index of ['0', '1']) {
          await pair.same('SELECT', index);
          await sameKeys(pair, '*');
        }
      }),
      { numRuns: 150 },
    );
  });
});
