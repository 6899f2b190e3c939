import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ActiveExpire } from '../../src/keyspace/active-expire.js';
import { START, strings, useHarness } from '../helpers/in-process.js';

const harness = useHarness();

const NIL = '$-1\r\n';
const ONE = ':1\r\n';
const ZERO = ':0\r\n';

describe('expiry on a manual clock', () => {
  it('a key expires at exactly its millisecond, for each of the EXPIRE commands', async () => {
    const h = await harness();
    const cases: [string[], number][] = [
      [['EXPIRE', 'k', '10'], START + 10_000],
      [['PEXPIRE', 'k', '1500'], START + 1_500],
      [['EXPIREAT', 'k', String(START / 1000 + 20)], START + 20_000],
      [['PEXPIREAT', 'k', String(START + 2_345)], START + 2_345],
    ];
    for (const [command, expiresAt] of cases) {
      h.clock.set(START);
      await h.call('SET', 'k', 'v');
      assert.equal(await h.call(...command), ONE);
      h.clock.set(expiresAt - 1);
      assert.equal(await h.call('GET', 'k'), '$1\r\nv\r\n', `before ${command[0]}`);
      assert.equal(await h.call('PTTL', 'k'), ONE, `PTTL before ${command[0]}`);
      h.clock.set(expiresAt);
      assert.equal(await h.call('GET', 'k'), NIL, `at ${command[0]}`);
    }
  });

  it('an expired key is returned by no command, though DBSIZE counts it until it is reclaimed', async () => {
    const h = await harness();
    h.server.debug.activeExpire = false;
    await h.call('SET', 'gone', 'v', 'PX', '100');
    await h.call('SET', 'other', 'v', 'PX', '100');
    await h.call('SET', 'stays', 'v');
    h.clock.advance(100);
    assert.equal(await h.call('DBSIZE'), ':3\r\n');
    assert.deepEqual(strings(await h.value('KEYS', '*')), ['stays']);
    assert.equal(await h.call('DBSIZE'), ':3\r\n', 'KEYS does not delete');
    assert.equal(await h.call('GET', 'gone'), NIL);
    assert.equal(await h.call('EXISTS', 'gone'), ZERO);
    assert.equal(await h.call('TYPE', 'gone'), '+none\r\n');
    assert.equal(await h.call('TTL', 'gone'), ':-2\r\n');
    assert.equal(await h.call('OBJECT', 'ENCODING', 'gone'), NIL);
    assert.equal(await h.call('DBSIZE'), ':2\r\n', 'the lookups deleted it');
    const scan = await h.value('SCAN', '0', 'COUNT', '100');
    assert.equal(scan.kind, 'array');
    assert.deepEqual(strings(scan.kind === 'array' ? scan.items[1] : scan), ['stays']);
    for (let i = 0; i < 20; i++) {
      assert.equal(await h.call('RANDOMKEY'), '$5\r\nstays\r\n');
    }
    assert.equal(await h.call('DBSIZE'), ':1\r\n');
  });

  it('RANDOMKEY answers nil when every key has expired', async () => {
    const h = await harness();
    h.server.debug.activeExpire = false;
    for (let i = 0; i < 50; i++) await h.call('SET', `k${i}`, 'v', 'PX', '10');
    h.clock.advance(10);
    assert.equal(await h.call('RANDOMKEY'), NIL);
    assert.equal(await h.call('DBSIZE'), ZERO);
  });

  it('the active cycle reclaims expired keys with no traffic at all', async () => {
    const h = await harness({ config: { hz: '100' } });
    const keys = 5_000;
    const pipeline: string[] = [];
    for (let i = 0; i < keys; i++) {
      const key = `key:${i}`;
      pipeline.push(
        `*5\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$1\r\nv\r\n$2\r\nPX\r\n$2\r\n50\r\n`,
      );
    }
    await h.call('SET', 'persistent', 'v');
    h.client.sendRaw(pipeline.join(''));
    for (let i = 0; i < keys; i++) await h.client.readReply();
    const db = h.server.keyspace.dbs[0];
    assert.equal(db.size, keys + 1);
    h.clock.advance(50);
    const deadline = Date.now() + 5_000;
    while (db.size > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(db.size, 1);
    assert.equal(db.expires.size, 0);
    assert.equal(h.server.keyspace.stats.expiredKeys, keys);
  });

  it('the active cycle leaves keys alone before their time, and when turned off', async () => {
    const h = await harness({ config: { hz: '100' } });
    for (let i = 0; i < 100; i++) await h.call('SET', `k${i}`, 'v', 'PX', '1000');
    h.clock.advance(999);
    await new Promise((r) => setTimeout(r, 100));
    const db = h.server.keyspace.dbs[0];
    assert.equal(db.size, 100);
    h.server.debug.activeExpire = false;
    h.clock.advance(1);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(db.size, 100);
    h.server.debug.activeExpire = true;
    const deadline = Date.now() + 5_000;
    while (db.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(db.size, 0);
  });

  it('more active-expire-effort tolerates fewer expired keys per cycle', async () => {
    const h = await harness();
    h.server.debug.activeExpire = false;
    const keyspace = h.server.keyspace;
    const db = keyspace.dbs[0];
    const fill = () => {
      // One key in twenty is expired: 5%, within effort 1's tolerance (10%), not effort 10's (1%).
      for (let i = 0; i < 1000; i++) {
        keyspace.setKey(db, `k${i}`, 'v');
        keyspace.setExpire(db, `k${i}`, START + (i % 20 === 0 ? -1 : 60_000));
      }
    };
    const cycle = new ActiveExpire(keyspace);
    fill();
    cycle.run(100, 1);
    assert.equal(db.size, 999, 'effort 1 stops after one sample');
    fill();
    cycle.run(100, 10);
    assert.equal(db.size, 950, 'effort 10 goes on until every expired key is gone');
  });

  it('TTL rounds to the nearest second and PTTL counts milliseconds', async () => {
    const h = await harness();
    await h.call('SET', 'k', 'v', 'PX', '10000');
    h.clock.advance(499);
    assert.equal(await h.call('TTL', 'k'), ':10\r\n');
    h.clock.advance(2);
    assert.equal(await h.call('TTL', 'k'), ':9\r\n');
    assert.equal(await h.call('PTTL', 'k'), ':9499\r\n');
    assert.equal(await h.call('PEXPIRETIME', 'k'), `:${START + 10_000}\r\n`);
    assert.equal(await h.call('EXPIRETIME', 'k'), `:${(START + 10_000) / 1000}\r\n`);
  });

  it('NX, XX, GT and LT compare against the current TTL, no TTL counting as infinite', async () => {
    const h = await harness();
    await h.call('SET', 'k', 'v');
    assert.equal(await h.call('EXPIRE', 'k', '100', 'XX'), ZERO);
    assert.equal(await h.call('EXPIRE', 'k', '100', 'GT'), ZERO);
    assert.equal(await h.call('EXPIRE', 'k', '100', 'LT'), ONE);
    assert.equal(await h.call('EXPIRE', 'k', '50', 'NX'), ZERO);
    assert.equal(await h.call('EXPIRE', 'k', '100', 'LT'), ZERO);
    assert.equal(await h.call('EXPIRE', 'k', '99', 'LT'), ONE);
    assert.equal(await h.call('EXPIRE', 'k', '99', 'GT'), ZERO);
    assert.equal(await h.call('EXPIRE', 'k', '200', 'XX', 'GT'), ONE);
    assert.equal(await h.call('PTTL', 'k'), ':200000\r\n');
  });
});

describe('what expiry propagates', () => {
  it('the EXPIRE family propagates as PEXPIREAT with the absolute time and its options', async () => {
    const h = await harness();
    await h.call('SET', 'k', 'v');
    h.propagated.length = 0;
    assert.deepEqual(
      await h.propagationOf(
        ['EXPIRE', 'k', '10', 'NX'],
        ['pexpire', 'k', '20000', 'gt'],
        ['EXPIREAT', 'k', String(START / 1000 + 30)],
        ['pexpireat', 'k', String(START + 40_000), 'xx'],
      ),
      [
        `0:PEXPIREAT k ${START + 10_000} NX`,
        `0:PEXPIREAT k ${START + 20_000} gt`,
        `0:PEXPIREAT k ${START + 30_000}`,
        `0:pexpireat k ${START + 40_000} xx`,
      ],
    );
  });

  it('an expire time in the past deletes the key and propagates DEL, or UNLINK with lazyfree-lazy-expire', async () => {
    const h = await harness();
    await h.call('SET', 'a', 'v');
    await h.call('SET', 'b', 'v');
    h.propagated.length = 0;
    assert.deepEqual(await h.propagationOf(['EXPIRE', 'a', '-1']), ['0:DEL a']);
    await h.call('CONFIG', 'SET', 'lazyfree-lazy-expire', 'yes');
    assert.deepEqual(await h.propagationOf(['PEXPIREAT', 'b', '1']), ['0:UNLINK b']);
    assert.equal(await h.call('EXISTS', 'a', 'b'), ZERO);
  });

  it('lazy and active expiry propagate a DEL of the expired key', async () => {
    const h = await harness({ config: { hz: '100' } });
    await h.call('SET', 'lazy', 'v', 'PX', '10');
    await h.call('SELECT', '3');
    await h.call('SET', 'active', 'v', 'PX', '10');
    h.propagated.length = 0;
    h.server.debug.activeExpire = false;
    h.clock.advance(10);
    assert.deepEqual(await h.propagationOf(['SELECT', '0'], ['GET', 'lazy']), ['0:DEL lazy']);
    h.server.debug.activeExpire = true;
    const deadline = Date.now() + 5_000;
    while (h.propagated.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(h.propagated, ['3:DEL active']);
  });

  it('commands that change nothing propagate nothing', async () => {
    const h = await harness();
    await h.call('SET', 'k', 'v');
    h.propagated.length = 0;
    assert.deepEqual(
      await h.propagationOf(
        ['EXPIRE', 'missing', '10'],
        ['PERSIST', 'k'],
        ['EXPIRE', 'k', '10', 'XX'],
        ['EXPIRE', 'k', 'x'],
        ['TTL', 'k'],
      ),
      [],
    );
    assert.deepEqual(await h.propagationOf(['EXPIRE', 'k', '10'], ['PERSIST', 'k']), [
      `0:PEXPIREAT k ${START + 10_000}`,
      '0:PERSIST k',
    ]);
  });
});

describe('expiry keyspace events', () => {
  it('EXPIRE raises expire, a past time del, PERSIST persist, and expiry expired', async () => {
    const h = await harness();
    await h.call('SET', 'k', 'v');
    h.events.length = 0;
    assert.deepEqual(await h.eventsOf(['EXPIRE', 'k', '10']), ['g:expire:k@0']);
    assert.deepEqual(await h.eventsOf(['PERSIST', 'k']), ['g:persist:k@0']);
    assert.deepEqual(await h.eventsOf(['PERSIST', 'k']), []);
    assert.deepEqual(await h.eventsOf(['PEXPIRE', 'k', '0']), ['g:del:k@0']);
    await h.call('SET', 'k', 'v', 'PX', '5');
    h.events.length = 0;
    h.server.debug.activeExpire = false;
    h.clock.advance(5);
    assert.deepEqual(await h.eventsOf(['EXISTS', 'k']), ['x:expired:k@0']);
  });
});
