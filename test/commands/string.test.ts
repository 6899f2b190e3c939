import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ManualClock, startServer, type RunningServer } from '../../src/index.js';
import { StringBuffer } from '../../src/datatypes/string-buffer.js';
import { encodingOf } from '../../src/keyspace/values.js';
import { RawClient } from '../helpers/raw-client.js';

const START = 1_700_000_000_000;

/** A server on a ManualClock, a client, and what the server propagated and notified. */
interface Harness {
  running: RunningServer;
  clock: ManualClock;
  client: RawClient;
  propagated: string[][];
  events: string[];
  call(...args: string[]): Promise<string>;
}

const opened: Harness[] = [];

afterEach(async () => {
  for (const h of opened.splice(0)) {
    h.client.close();
    await h.running.close();
  }
});

async function harness(config: Record<string, string> = {}): Promise<Harness> {
  const clock = new ManualClock(START);
  const running = await startServer({ clock, config });
  const client = await RawClient.connect(running.port);
  const propagated: string[][] = [];
  const events: string[] = [];
  running.server.propagation.subscribe((_db, argv) => propagated.push(argv));
  // Listen where the keyspace reports events; the generic `new` and `keymiss` ones (classes n
  // and m) are the notifications tests' business.
  Reflect.set(running.server, 'keyspaceEvent', (type: string, event: string, key: string) => {
    if (type !== 'n' && type !== 'm') events.push(`${type}:${event}:${key}`);
  });
  const h: Harness = {
    running,
    clock,
    client,
    propagated,
    events,
    call: (...args) => client.call(...args),
  };
  opened.push(h);
  return h;
}

/** Runs commands, then returns what they propagated (and forgets it). */
async function propagationOf(h: Harness, ...commands: string[][]): Promise<string[][]> {
  for (const command of commands) await h.call(...command);
  return h.propagated.splice(0);
}

/** Runs one command, then returns the keyspace events it caused (and forgets them). */
async function eventsOf(h: Harness, ...command: string[]): Promise<string[]> {
  await h.call(...command);
  return h.events.splice(0);
}

const NIL = '$-1\r\n';
const OK = '+OK\r\n';
const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value\r\n';

describe('string expiry options on a manual clock', () => {
  it('SET EX, PX, EXAT and PXAT expire the key at exactly the right millisecond', async () => {
    const h = await harness();
    const cases: [string[], number][] = [
      [['EX', '10'], START + 10_000],
      [['PX', '1500'], START + 1_500],
      [['EXAT', String(START / 1000 + 20)], START + 20_000],
      [['PXAT', String(START + 2_345)], START + 2_345],
    ];
    for (const [option, expiresAt] of cases) {
      h.clock.set(START);
      assert.equal(await h.call('SET', 'k', 'v', ...option), OK);
      h.clock.set(expiresAt - 1);
      assert.equal(
        await h.call('GET', 'k'),
        '$1\r\nv\r\n',
        `still there before ${option.join(' ')}`,
      );
      h.clock.set(expiresAt);
      assert.equal(await h.call('GET', 'k'), NIL, `gone at ${option.join(' ')}`);
    }
  });

  it('SETEX and PSETEX expire the key after their seconds and milliseconds', async () => {
    const h = await harness();
    await h.call('SETEX', 's', '3', 'v');
    await h.call('PSETEX', 'p', '30', 'v');
    h.clock.advance(29);
    assert.equal(await h.call('EXISTS', 'p'), ':1\r\n');
    h.clock.advance(1);
    assert.equal(await h.call('EXISTS', 'p'), ':0\r\n');
    h.clock.advance(2_969);
    assert.equal(await h.call('EXISTS', 's'), ':1\r\n');
    h.clock.advance(1);
    assert.equal(await h.call('EXISTS', 's'), ':0\r\n');
  });

  it('SET KEEPTTL, INCR, APPEND and SETRANGE keep the TTL; plain SET and GETSET drop it', async () => {
    const h = await harness();
    for (const command of [
      ['SET', 'k', '1', 'KEEPTTL'],
      ['INCR', 'k'],
      ['INCRBYFLOAT', 'k', '0.5'],
      ['APPEND', 'k', '0'],
      ['SETRANGE', 'k', '0', '7'],
    ]) {
      await h.call('SET', 'k', '1', 'PX', '100');
      await h.call(...command);
      assert.equal(await h.call('PTTL', 'k'), ':100\r\n', command.join(' '));
    }
    for (const command of [
      ['SET', 'k', '2'],
      ['GETSET', 'k', '3'],
      ['MSET', 'k', '4'],
    ]) {
      await h.call('SET', 'k', '1', 'PX', '100');
      await h.call(...command);
      assert.equal(await h.call('PTTL', 'k'), ':-1\r\n', command.join(' '));
    }
  });

  it('GETEX sets, replaces and removes the TTL, and deletes a key whose new time is past', async () => {
    const h = await harness();
    await h.call('SET', 'k', 'v');
    await h.call('GETEX', 'k', 'PX', '500');
    assert.equal(await h.call('PTTL', 'k'), ':500\r\n');
    await h.call('GETEX', 'k', 'EX', '7');
    assert.equal(await h.call('PTTL', 'k'), ':7000\r\n');
    await h.call('GETEX', 'k', 'PERSIST');
    assert.equal(await h.call('PTTL', 'k'), ':-1\r\n');
    await h.call('GETEX', 'k', 'PXAT', String(START + 50));
    h.clock.advance(50);
    assert.equal(await h.call('GET', 'k'), NIL);
    await h.call('SET', 'k', 'v');
    assert.equal(await h.call('GETEX', 'k', 'PXAT', String(START + 50)), '$1\r\nv\r\n');
    assert.equal(await h.call('DBSIZE'), ':0\r\n');
  });
});

describe('string command propagation', () => {
  it('SET with a relative expiry propagates as SET PXAT with the absolute time', async () => {
    const h = await harness();
    const at = String(START + 10_000);
    assert.deepEqual(
      await propagationOf(
        h,
        ['SET', 'a', 'v', 'EX', '10'],
        ['SET', 'b', 'v', 'px', '10000', 'NX', 'GET'],
        ['SET', 'c', 'v', 'EXAT', String(START / 1000 + 10), 'XX'],
        ['SET', 'c', 'v', 'EXAT', String(START / 1000 + 10)],
        ['SET', 'd', 'v', 'PXAT', at, 'GET'],
        ['SETEX', 'e', '10', 'v'],
        ['PSETEX', 'f', '10000', 'v'],
      ),
      [
        ['SET', 'a', 'v', 'PXAT', at],
        ['SET', 'b', 'v', 'PXAT', at],
        ['SET', 'c', 'v', 'PXAT', at],
        ['SET', 'd', 'v', 'PXAT', at],
        ['SET', 'e', 'v', 'PXAT', at],
        ['SET', 'f', 'v', 'PXAT', at],
      ],
    );
  });

  it('SET without an expiry propagates as sent, minus any GET, and not at all when skipped', async () => {
    const h = await harness();
    assert.deepEqual(
      await propagationOf(
        h,
        ['set', 'k', 'v', 'KEEPTTL'],
        ['SET', 'k', 'w', 'get', 'XX', 'GET\0x'],
        ['SET', 'k', 'x', 'NX', 'GET'],
        ['SETNX', 'k', 'y'],
        ['SETNX', 'n', 'y'],
      ),
      [
        ['set', 'k', 'v', 'KEEPTTL'],
        ['SET', 'k', 'w', 'XX'],
        ['SETNX', 'n', 'y'],
      ],
    );
  });

  it('GETEX propagates as PEXPIREAT, PERSIST or DEL, and not at all without a change', async () => {
    const h = await harness();
    await h.call('SET', 'k', 'v');
    h.propagated.length = 0;
    assert.deepEqual(
      await propagationOf(
        h,
        ['GETEX', 'k'],
        ['GETEX', 'k', 'PERSIST'],
        ['GETEX', 'k', 'EX', '10'],
        ['GETEX', 'k', 'PX', '20'],
        ['GETEX', 'k', 'EXAT', '1800000000'],
        ['GETEX', 'k', 'PXAT', '1800000000123'],
        ['GETEX', 'k', 'PERSIST'],
        ['GETEX', 'k', 'EXAT', '1'],
        ['GETEX', 'k', 'EX', '10'],
      ),
      [
        ['PEXPIREAT', 'k', String(START + 10_000)],
        ['PEXPIREAT', 'k', String(START + 20)],
        ['PEXPIREAT', 'k', '1800000000000'],
        ['PEXPIREAT', 'k', '1800000000123'],
        ['PERSIST', 'k'],
        ['DEL', 'k'],
      ],
    );
  });

  it('GETDEL and GETSET propagate as DEL and SET; INCRBYFLOAT as SET with the result and KEEPTTL', async () => {
    const h = await harness();
    assert.deepEqual(
      await propagationOf(
        h,
        ['GETDEL', 'k'],
        ['GETSET', 'k', '1'],
        ['GETDEL', 'k'],
        ['INCRBYFLOAT', 'f', '0.1'],
        ['INCRBYFLOAT', 'f', '2e1'],
        ['INCRBYFLOAT', 'f', 'x'],
      ),
      [
        ['SET', 'k', '1'],
        ['DEL', 'k'],
        ['SET', 'f', '0.1', 'KEEPTTL'],
        ['SET', 'f', '20.1', 'KEEPTTL'],
      ],
    );
  });

  it('GETDEL and GETEX propagate as UNLINK when lazyfree-lazy-user-del and -expire say so', async () => {
    const h = await harness({ 'lazyfree-lazy-user-del': 'yes', 'lazyfree-lazy-expire': 'yes' });
    assert.deepEqual(
      await propagationOf(
        h,
        ['SET', 'a', '1'],
        ['GETDEL', 'a'],
        ['SET', 'b', '1'],
        ['GETEX', 'b', 'EXAT', '1'],
      ),
      [
        ['SET', 'a', '1'],
        ['UNLINK', 'a'],
        ['SET', 'b', '1'],
        ['UNLINK', 'b'],
      ],
    );
  });

  it('writes that change nothing are not propagated', async () => {
    const h = await harness();
    await h.call('MSET', 'a', '1', 'b', 'x');
    h.propagated.length = 0;
    assert.deepEqual(
      await propagationOf(
        h,
        ['MSETNX', 'a', '2', 'c', '3'],
        ['SETRANGE', 'a', '3', ''],
        ['SETRANGE', 'z', '3', ''],
        ['INCR', 'b'],
        ['INCRBY', 'a', '9223372036854775807'],
        ['SET', 'a', 'v', 'EX', '0'],
        ['APPEND', 'a', '2'],
        ['INCRBY', 'a', '-2'],
      ),
      [
        ['APPEND', 'a', '2'],
        ['INCRBY', 'a', '-2'],
      ],
    );
  });
});

describe('string keyspace events', () => {
  it('each command reports Redis event names with their classes', async () => {
    const h = await harness();
    const cases: [string[], string[]][] = [
      [['SET', 'k', '1'], ['$:set:k']],
      [
        ['SET', 'k', '1', 'EX', '10'],
        ['$:set:k', 'g:expire:k'],
      ],
      [
        ['SETEX', 'k', '10', '1'],
        ['$:set:k', 'g:expire:k'],
      ],
      [['SET', 'k', '1', 'NX'], []],
      [['SETNX', 'n', '1'], ['$:set:n']],
      [
        ['MSET', 'a', '1', 'b', '2'],
        ['$:set:a', '$:set:b'],
      ],
      [
        ['MSETNX', 'c', '1', 'd', '2'],
        ['$:set:c', '$:set:d'],
      ],
      [['GETSET', 'k', '2'], ['$:set:k']],
      [['APPEND', 'k', '3'], ['$:append:k']],
      [['SETRANGE', 'k', '0', '4'], ['$:setrange:k']],
      [['SETRANGE', 'k', '0', ''], []],
      [['INCR', 'k'], ['$:incrby:k']],
      [['DECRBY', 'k', '5'], ['$:incrby:k']],
      [['INCRBYFLOAT', 'k', '1.5'], ['$:incrbyfloat:k']],
      [['GETEX', 'k', 'EX', '5'], ['g:expire:k']],
      [['GETEX', 'k', 'PERSIST'], ['g:persist:k']],
      [['GETEX', 'k', 'PERSIST'], []],
      [['GETEX', 'k', 'PXAT', '1'], ['g:del:k']],
      [['GETDEL', 'n'], ['g:del:n']],
      [['GET', 'a'], []],
      [['LCS', 'a', 'b'], []],
    ];
    for (const [command, expected] of cases) {
      assert.deepEqual(await eventsOf(h, ...command), expected, command.join(' '));
    }
  });
});

describe('strings beside other types', () => {
  /** Stores a collection value directly, as a list command would. */
  function storeList(h: Harness, key: string): void {
    const list = { type: 'list', encoding: 'quicklist', clone: () => list } as const;
    h.running.server.keyspace.setKey(h.running.server.keyspace.dbs[0], key, list);
  }

  it('every string command that reads a key of another type answers WRONGTYPE and changes nothing', async () => {
    const h = await harness();
    storeList(h, 'l');
    await h.call('SET', 's', 'abc');
    h.propagated.length = 0;
    for (const command of [
      ['GET', 'l'],
      ['SET', 'l', 'v', 'GET'],
      ['GETEX', 'l', 'EX', '10'],
      ['GETDEL', 'l'],
      ['GETSET', 'l', 'v'],
      ['APPEND', 'l', 'v'],
      ['SETRANGE', 'l', '0', 'v'],
      ['SETRANGE', 'l', '0', ''],
      ['GETRANGE', 'l', '0', '-1'],
      ['SUBSTR', 'l', '0', '-1'],
      ['STRLEN', 'l'],
      ['INCR', 'l'],
      ['DECR', 'l'],
      ['INCRBY', 'l', '1'],
      ['DECRBY', 'l', '1'],
      ['INCRBYFLOAT', 'l', '1'],
    ]) {
      assert.equal(await h.call(...command), WRONGTYPE, command.join(' '));
    }
    assert.equal(await h.call('TYPE', 'l'), '+list\r\n');
    assert.deepEqual(h.propagated, []);
  });

  it('argument errors come before the type check, as in Redis', async () => {
    const h = await harness();
    storeList(h, 'l');
    assert.equal(await h.call('SETRANGE', 'l', '-1', 'v'), '-ERR offset is out of range\r\n');
    assert.equal(
      await h.call('INCRBY', 'l', 'x'),
      '-ERR value is not an integer or out of range\r\n',
    );
    assert.equal(
      await h.call('SET', 'l', 'v', 'EX', '0', 'GET'),
      "-ERR invalid expire time in 'set' command\r\n",
    );
    assert.equal(
      await h.call('GETRANGE', 'l', 'a', '1'),
      '-ERR value is not an integer or out of range\r\n',
    );
  });

  it('MGET reads other types as nil, LCS refuses them, and SET or MSET replace them', async () => {
    const h = await harness();
    storeList(h, 'l');
    await h.call('SET', 's', 'abc');
    assert.equal(await h.call('MGET', 's', 'l'), '*2\r\n$3\r\nabc\r\n$-1\r\n');
    const lcsError = '-ERR The specified keys must contain string values\r\n';
    assert.equal(await h.call('LCS', 's', 'l'), lcsError);
    assert.equal(await h.call('LCS', 'l', 's', 'IDX', 'LEN'), lcsError);
    assert.equal(await h.call('SETNX', 'l', 'v'), ':0\r\n');
    assert.equal(await h.call('MSETNX', 'x', '1', 'l', 'v'), ':0\r\n');
    assert.equal(await h.call('SET', 'l', 'v'), OK);
    assert.equal(await h.call('GET', 'l'), '$1\r\nv\r\n');
    storeList(h, 'l');
    assert.equal(await h.call('MSET', 'l', 'w'), OK);
    assert.equal(await h.call('GET', 'l'), '$1\r\nw\r\n');
  });
});

describe('how string values are stored', () => {
  function stored(h: Harness, key: string) {
    return h.running.server.keyspace.dbs[0].dict.get(key);
  }

  it('APPEND and SETRANGE turn a value into a buffer modified in place, encoded raw', async () => {
    const h = await harness();
    await h.call('SET', 'a', '12');
    await h.call('APPEND', 'a', '3');
    await h.call('SET', 'b', 'xyz');
    await h.call('SETRANGE', 'b', '1', 'Y');
    await h.call('SETRANGE', 'c', '2', 'z');
    await h.call('SET', 'd', 'v');
    await h.call('APPEND', 'd', '');
    for (const key of ['a', 'b', 'c', 'd']) {
      const value = stored(h, key);
      assert.ok(value instanceof StringBuffer, key);
      assert.equal(encodingOf(value), 'raw', key);
    }
    assert.equal(await h.call('GET', 'c'), '$3\r\n\0\0z\r\n');
    const buffer = stored(h, 'a');
    await h.call('APPEND', 'a', '4');
    assert.equal(stored(h, 'a'), buffer, 'the same buffer grows');
    assert.equal(await h.call('INCR', 'a'), ':1235\r\n');
  });

  it('APPEND to a new key stores the argument as SET would', async () => {
    const h = await harness();
    await h.call('APPEND', 'n', '123');
    await h.call('APPEND', 's', 'hello');
    assert.equal(stored(h, 'n'), '123');
    assert.equal(encodingOf(stored(h, 'n') ?? ''), 'int');
    assert.equal(encodingOf(stored(h, 's') ?? ''), 'embstr');
  });

  it('the INCR family stores its result as decimal text', async () => {
    const h = await harness();
    await h.call('SETRANGE', 'k', '0', '41');
    await h.call('INCR', 'k');
    assert.equal(stored(h, 'k'), '42');
    await h.call('DECRBY', 'k', '100');
    assert.equal(stored(h, 'k'), '-58');
    await h.call('INCRBYFLOAT', 'k', '0.25');
    assert.equal(stored(h, 'k'), '-57.75');
  });
});
