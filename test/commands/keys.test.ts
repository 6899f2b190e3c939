import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ReplyNode } from '../meta/reply-tree.js';
import { START, strings, useHarness, type Harness } from '../helpers/in-process.js';

const harness = useHarness();

const ONE = ':1\r\n';
const ZERO = ':0\r\n';

/** One SCAN call: the next cursor and the keys. */
async function scanOnce(h: Harness, cursor: string, ...options: string[]) {
  const reply: ReplyNode = await h.value('SCAN', cursor, ...options);
  assert.ok(
    reply.kind === 'array' && reply.items[0].kind === 'bulk',
    'SCAN replies [cursor, keys]',
  );
  return { cursor: reply.items[0].text, keys: strings(reply.items[1]) };
}

describe('SCAN', () => {
  it('returns every key present for the whole scan while others are added and deleted', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 300 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 30 })), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.integer({ min: 1, max: 25 }),
        async (stable, steps, count) => {
          const h = await harness();
          if (stable > 0) {
            await h.call(
              'MSET',
              ...Array.from({ length: stable }, (_, i) => [`stable:${i}`, 'v']).flat(),
            );
          }
          let next = 0;
          const transient: string[] = [];
          const seen = new Set<string>();
          let cursor = '0';
          let calls = 0;
          do {
            const [added, deleted] = steps[calls % steps.length];
            for (let i = 0; i < added; i++) {
              const key = `transient:${next++}`;
              transient.push(key);
              await h.call('SET', key, 'v');
            }
            for (const key of transient.splice(0, deleted)) await h.call('DEL', key);
            const page = await scanOnce(h, cursor, 'COUNT', String(count));
            for (const key of page.keys) seen.add(key);
            cursor = page.cursor;
            calls++;
          } while (cursor !== '0');
          for (let i = 0; i < stable; i++) assert.ok(seen.has(`stable:${i}`), `stable:${i} missed`);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('with COUNT visits that many keys per call, and MATCH and TYPE filter after the visit', async () => {
    const h = await harness();
    for (let i = 0; i < 30; i++) await h.call('SET', `k${i}`, 'v');
    const first = await scanOnce(h, '0', 'COUNT', '10');
    assert.equal(first.keys.length, 10);
    const filtered = await scanOnce(h, '0', 'COUNT', '10', 'MATCH', 'k1*');
    assert.ok(filtered.keys.every((k) => k.startsWith('k1')));
    assert.equal(filtered.cursor, first.cursor);
    const none = await scanOnce(h, '0', 'COUNT', '10', 'TYPE', 'list');
    assert.deepEqual(none, { cursor: first.cursor, keys: [] });
  });

  it('a cursor past the end, or made up, continues from the top and still ends', async () => {
    const h = await harness();
    for (let i = 0; i < 5; i++) await h.call('SET', `k${i}`, 'v');
    for (const cursor of ['1000', '-1', '18446744073709551615', '3']) {
      const seen: string[] = [];
      let next = cursor;
      let calls = 0;
      do {
        const page = await scanOnce(h, next, 'COUNT', '2');
        seen.push(...page.keys);
        next = page.cursor;
      } while (next !== '0' && ++calls < 10);
      assert.equal(next, '0', `the scan from ${cursor} ends`);
      if (cursor !== '3') assert.equal(new Set(seen).size, 5, `the scan from ${cursor} sees all`);
    }
  });
});

describe('OBJECT IDLETIME and access times', () => {
  it('counts seconds since the last access; reads and TOUCH reset it, inspection does not', async () => {
    const h = await harness();
    await h.call('SET', 'k', 'value');
    h.clock.advance(10_000);
    assert.equal(await h.call('OBJECT', 'IDLETIME', 'k'), ':10\r\n');
    for (const command of [
      ['TYPE', 'k'],
      ['EXISTS', 'k'],
      ['TTL', 'k'],
      ['OBJECT', 'ENCODING', 'k'],
      ['KEYS', '*'],
      ['SCAN', '0'],
    ]) {
      await h.call(...command);
      assert.equal(await h.call('OBJECT', 'IDLETIME', 'k'), ':10\r\n', command.join(' '));
    }
    await h.call('GET', 'k');
    assert.equal(await h.call('OBJECT', 'IDLETIME', 'k'), ':0\r\n');
    h.clock.advance(5_000);
    assert.equal(await h.call('TOUCH', 'k', 'missing', 'k'), ':2\r\n');
    assert.equal(await h.call('OBJECT', 'IDLETIME', 'k'), ':0\r\n');
    h.clock.advance(7_000);
    await h.call('SET', 'k', 'overwritten');
    assert.equal(await h.call('OBJECT', 'IDLETIME', 'k'), ':0\r\n');
  });

  it('RENAME, MOVE and COPY give the new key a fresh access time', async () => {
    const h = await harness();
    await h.call('SET', 'a', 'v');
    h.clock.advance(60_000);
    await h.call('RENAME', 'a', 'b');
    await h.call('COPY', 'b', 'c', 'DB', '2');
    await h.call('MOVE', 'b', '1');
    assert.equal(await h.call('OBJECT', 'IDLETIME', 'b'), '$-1\r\n');
    await h.call('SELECT', '1');
    assert.equal(await h.call('OBJECT', 'IDLETIME', 'b'), ZERO);
    await h.call('SELECT', '2');
    assert.equal(await h.call('OBJECT', 'IDLETIME', 'c'), ZERO);
  });
});

describe('OBJECT FREQ under an LFU policy', () => {
  it('starts at 5, grows with accesses, decays by the minute, and takes over from IDLETIME', async () => {
    let draw = 0;
    const h = await harness({ random: () => draw });
    assert.match(await h.call('OBJECT', 'FREQ', 'k'), /^\$-1/);
    await h.call('SET', 'k', 'v');
    assert.match(
      await h.call('OBJECT', 'FREQ', 'k'),
      /^-ERR An LFU maxmemory policy is not selected/,
    );
    await h.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu');
    await h.call('DEL', 'k');
    await h.call('SET', 'k', 'v');
    assert.equal(await h.call('OBJECT', 'FREQ', 'k'), ':5\r\n');
    for (let i = 0; i < 3; i++) await h.call('GET', 'k');
    await h.call('EXISTS', 'k');
    assert.equal(await h.call('OBJECT', 'FREQ', 'k'), ':8\r\n');
    await h.call('RENAME', 'k', 'renamed');
    assert.equal(await h.call('OBJECT', 'FREQ', 'renamed'), ':9\r\n', 'RENAME looked it up');
    h.clock.advance(3 * 60_000);
    assert.equal(await h.call('OBJECT', 'FREQ', 'renamed'), ':6\r\n');
    await h.call('CONFIG', 'SET', 'lfu-decay-time', '0');
    h.clock.advance(60 * 60_000);
    // Reading the counter decays it only in the answer: without decay it is back to 9.
    assert.equal(await h.call('OBJECT', 'FREQ', 'renamed'), ':9\r\n', 'no decay');
    draw = 0.99;
    await h.call('GET', 'renamed');
    assert.equal(await h.call('OBJECT', 'FREQ', 'renamed'), ':9\r\n', 'an unlucky access');
    assert.match(
      await h.call('OBJECT', 'IDLETIME', 'renamed'),
      /^-ERR An LFU maxmemory policy is selected/,
    );
  });
});

describe('RANDOMKEY', () => {
  it('draws keys with the server random source', async () => {
    let draw = 0;
    const h = await harness({ random: () => draw });
    for (const key of ['a', 'b', 'c', 'd']) await h.call('SET', key, 'v');
    const picked = new Set<string>();
    for (const value of [0, 0.3, 0.6, 0.99]) {
      draw = value;
      picked.add(await h.call('RANDOMKEY'));
    }
    assert.equal(picked.size, 4);
  });
});

describe('TTLs across RENAME, MOVE and COPY', () => {
  it('the TTL goes with the value, and a replaced destination loses its own', async () => {
    const h = await harness();
    await h.call('SET', 'src', 'v', 'PX', '5000');
    await h.call('SET', 'dst', 'v', 'PX', '9000');
    await h.call('SET', 'plain', 'v');
    assert.equal(await h.call('RENAME', 'src', 'dst'), '+OK\r\n');
    assert.equal(await h.call('PTTL', 'dst'), ':5000\r\n');
    assert.equal(await h.call('RENAME', 'plain', 'dst'), '+OK\r\n');
    assert.equal(await h.call('PTTL', 'dst'), ':-1\r\n');
    await h.call('SET', 'm', 'v', 'PX', '7000');
    assert.equal(await h.call('COPY', 'm', 'm2', 'DB', '1'), ONE);
    assert.equal(await h.call('MOVE', 'm', '2'), ONE);
    await h.call('SELECT', '1');
    assert.equal(await h.call('PTTL', 'm2'), ':7000\r\n');
    await h.call('SELECT', '2');
    assert.equal(await h.call('PTTL', 'm'), ':7000\r\n');
    h.clock.advance(7000);
    assert.equal(await h.call('EXISTS', 'm'), ZERO);
  });

  it('an expired destination does not block RENAMENX, MOVE or COPY', async () => {
    const h = await harness();
    h.server.debug.activeExpire = false;
    for (const key of ['a', 'b', 'c']) await h.call('SET', key, 'new');
    await h.call('SET', 'x', 'old', 'PX', '10');
    await h.call('SELECT', '1');
    await h.call('SET', 'b', 'old', 'PX', '10');
    await h.call('SELECT', '0');
    h.clock.advance(10);
    assert.equal(await h.call('RENAMENX', 'a', 'x'), ONE);
    assert.equal(await h.call('MOVE', 'b', '1'), ONE);
    assert.equal(await h.call('COPY', 'c', 'b', 'DB', '1'), ZERO, 'b was just moved there');
    assert.equal(await h.call('GET', 'x'), '$3\r\nnew\r\n');
  });
});

describe('key commands propagation and events', () => {
  it('writes propagate as themselves, and only when they changed something', async () => {
    const h = await harness();
    await h.call('SET', 'a', 'v');
    h.propagated.length = 0;
    assert.deepEqual(
      await h.propagationOf(
        ['DEL', 'missing'],
        ['UNLINK', 'missing'],
        ['RENAME', 'a', 'a'],
        ['RENAMENX', 'a', 'a'],
        ['MOVE', 'missing', '1'],
        ['COPY', 'missing', 'x'],
        ['TOUCH', 'a'],
      ),
      [],
    );
    assert.deepEqual(
      await h.propagationOf(
        ['RENAME', 'a', 'b'],
        ['COPY', 'b', 'c'],
        ['MOVE', 'c', '2'],
        ['DEL', 'b', 'c'],
        ['FLUSHDB'],
        ['SWAPDB', '0', '0'],
        ['FLUSHALL', 'ASYNC'],
      ),
      [
        '0:RENAME a b',
        '0:COPY b c',
        '0:MOVE c 2',
        '0:DEL b c',
        '0:FLUSHDB',
        '0:SWAPDB 0 0',
        '0:FLUSHALL ASYNC',
      ],
    );
  });

  it('raise Redis events, in the database they happen in', async () => {
    const h = await harness();
    await h.call('SET', 'a', 'v');
    await h.call('SET', 'b', 'v');
    h.events.length = 0;
    assert.deepEqual(await h.eventsOf(['RENAME', 'a', 'c']), [
      'g:rename_from:a@0',
      'g:rename_to:c@0',
    ]);
    assert.deepEqual(await h.eventsOf(['MOVE', 'c', '3']), ['g:move_from:c@0', 'g:move_to:c@3']);
    assert.deepEqual(await h.eventsOf(['COPY', 'b', 'd', 'DB', '4']), ['g:copy_to:d@4']);
    assert.deepEqual(await h.eventsOf(['DEL', 'b', 'b', 'zz']), ['g:del:b@0']);
    assert.deepEqual(await h.eventsOf(['EXISTS', 'b'], ['TOUCH', 'b'], ['KEYS', '*']), []);
  });

  it('DEL counts an expired key as expired, not deleted', async () => {
    const h = await harness();
    h.server.debug.activeExpire = false;
    await h.call('SET', 'k', 'v', 'PX', '10');
    h.clock.advance(10);
    h.events.length = 0;
    h.propagated.length = 0;
    assert.equal(await h.call('DEL', 'k'), ZERO);
    assert.deepEqual(h.events, ['x:expired:k@0']);
    assert.deepEqual(h.propagated, ['0:DEL k']);
  });
});

describe('SWAPDB', () => {
  it('swaps contents and TTLs while clients stay on their database number', async () => {
    const h = await harness();
    await h.call('SET', 'zero', 'v', 'PX', String(START));
    await h.call('SELECT', '1');
    await h.call('SET', 'one', 'v');
    assert.equal(await h.call('SWAPDB', '0', '1'), '+OK\r\n');
    assert.deepEqual(strings(await h.value('KEYS', '*')), ['zero']);
    assert.equal(await h.call('PTTL', 'zero'), `:${START}\r\n`);
    await h.call('SELECT', '0');
    assert.deepEqual(strings(await h.value('KEYS', '*')), ['one']);
  });
});
