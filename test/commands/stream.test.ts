import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Stream } from '../../src/datatypes/stream.js';
import { START, useHarness } from '../helpers/in-process.js';

const harness = useHarness();

describe('stream propagation', () => {
  it('XADD propagates the ID it generated, and a ~ trim as the exact trim it did', async () => {
    const h = await harness({ config: { 'stream-node-max-entries': '2' } });
    assert.deepEqual(
      await h.propagationOf(
        ['XADD', 's', '*', 'f', 'v'],
        ['XADD', 's', `${START}-*`, 'f', 'v'],
        ['XADD', 's', '99999999999999-0', 'f', 'v'],
        ['XADD', 's', 'MAXLEN', '~', '1', '*', 'f', 'v'],
        ['XADD', 's', 'MINID', '~', '99999999999999-1', 'NOMKSTREAM', '99999999999999-5', 'f', 'v'],
        ['XADD', 's', 'MAXLEN', '=', '10', '99999999999999-6', 'f', 'v'],
        ['XADD', 'none', 'NOMKSTREAM', '*', 'f', 'v'],
      ),
      [
        `0:XADD s ${START}-0 f v`,
        `0:XADD s ${START}-1 f v`,
        '0:XADD s 99999999999999-0 f v',
        '0:XADD s MAXLEN = 2 99999999999999-1 f v',
        '0:XADD s MINID = 99999999999999-0 NOMKSTREAM 99999999999999-5 f v',
        '0:XADD s MAXLEN = 10 99999999999999-6 f v',
      ],
    );
  });

  it('XTRIM propagates only what it removed, ~ trims as exact ones', async () => {
    const h = await harness({ config: { 'stream-node-max-entries': '2' } });
    for (let i = 1; i <= 5; i++) await h.call('XADD', 's', `${i}-0`, 'f', 'v');
    h.propagated.length = 0;
    assert.deepEqual(
      await h.propagationOf(
        ['XTRIM', 's', 'MAXLEN', '~', '3'],
        ['XTRIM', 's', 'MAXLEN', '~', '3'],
        ['XTRIM', 's', 'MINID', '~', '5-0', 'LIMIT', '5'],
        ['XTRIM', 's', 'MAXLEN', '10'],
        ['XTRIM', 's', 'MAXLEN', '0'],
      ),
      ['0:XTRIM s MAXLEN = 3', '0:XTRIM s MINID = 5-0 LIMIT 5', '0:XTRIM s MAXLEN 0'],
    );
  });

  it('XREADGROUP propagates XCLAIMs, or with NOACK the consumer and the group ID', async () => {
    const h = await harness();
    await h.call('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
    await h.call('XADD', 's', '1-0', 'f', 'v');
    await h.call('XADD', 's', '2-0', 'f', 'v');
    h.propagated.length = 0;
    // Several propagated commands go out as a transaction, as in Redis 7.0.
    assert.deepEqual(
      await h.propagationOf(['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>']),
      [
        '0:MULTI',
        `0:XCLAIM s g alice 0 1-0 TIME ${START} RETRYCOUNT 1 FORCE JUSTID LASTID 1-0`,
        `0:XCLAIM s g alice 0 2-0 TIME ${START} RETRYCOUNT 1 FORCE JUSTID LASTID 2-0`,
        '0:EXEC',
      ],
    );
    assert.deepEqual(
      await h.propagationOf(
        ['XADD', 's', '3-0', 'f', 'v'],
        ['XREADGROUP', 'GROUP', 'g', 'bob', 'NOACK', 'STREAMS', 's', '>'],
        ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '0'],
        ['XREADGROUP', 'GROUP', 'g', 'bob', 'NOACK', 'STREAMS', 's', '>'],
      ),
      [
        '0:XADD s 3-0 f v',
        '0:MULTI',
        '0:XGROUP CREATECONSUMER s g bob',
        '0:XGROUP SETID s g 3-0 ENTRIESREAD 3',
        '0:EXEC',
      ],
    );
  });

  it('XCLAIM and XAUTOCLAIM propagate each claim, and dropped deleted entries, as XCLAIM', async () => {
    const h = await harness();
    await h.call('XGROUP', 'CREATE', 's', 'g', '0', 'MKSTREAM');
    for (let i = 1; i <= 3; i++) await h.call('XADD', 's', `${i}-0`, 'f', 'v');
    await h.call('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>');
    await h.call('XDEL', 's', '2-0');
    h.clock.advance(1000);
    h.propagated.length = 0;
    assert.deepEqual(
      await h.propagationOf(
        ['XCLAIM', 's', 'g', 'bob', '0', '1', '2-0', 'IDLE', '400', 'RETRYCOUNT', '5'],
        ['XCLAIM', 's', 'g', 'bob', '0', '9-0', 'LASTID', '7-0'],
        ['XCLAIM', 's', 'g', 'bob', '0', '9-0'],
        ['XAUTOCLAIM', 's', 'g', 'carol', '0', '0', 'JUSTID'],
      ),
      [
        '0:MULTI',
        `0:XCLAIM s g bob 0 1 TIME ${START + 600} RETRYCOUNT 5 FORCE JUSTID LASTID 3-0`,
        // The deleted entry leaves the PEL as its owner had it.
        `0:XCLAIM s g alice 0 2-0 TIME ${START} RETRYCOUNT 1 FORCE JUSTID LASTID 3-0`,
        '0:EXEC',
        '0:XGROUP SETID s g 7-0 ENTRIESREAD 3',
        '0:MULTI',
        `0:XCLAIM s g carol 0 1-0 TIME ${START + 1000} RETRYCOUNT 5 FORCE JUSTID LASTID 7-0`,
        `0:XCLAIM s g carol 0 3-0 TIME ${START + 1000} RETRYCOUNT 1 FORCE JUSTID LASTID 7-0`,
        '0:EXEC',
      ],
    );
  });

  it('group commands, XACK and XSETID propagate as themselves when they change something', async () => {
    const h = await harness();
    await h.call('XADD', 's', '1-0', 'f', 'v');
    h.propagated.length = 0;
    assert.deepEqual(
      await h.propagationOf(
        ['XGROUP', 'CREATE', 's', 'g', '0'],
        ['XGROUP', 'CREATE', 's', 'g', '0'],
        ['XGROUP', 'CREATECONSUMER', 's', 'g', 'c'],
        ['XGROUP', 'CREATECONSUMER', 's', 'g', 'c'],
        ['XACK', 's', 'g', '1-0'],
        ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>'],
        ['XACK', 's', 'g', '1-0'],
        ['XGROUP', 'SETID', 's', 'g', '$'],
        ['XGROUP', 'DELCONSUMER', 's', 'g', 'c'],
        ['XGROUP', 'DESTROY', 's', 'g'],
        ['XGROUP', 'DESTROY', 's', 'g'],
        ['XSETID', 's', '5-0'],
        ['XDEL', 's', '1-0', '9-0'],
        ['XDEL', 's', '1-0'],
      ),
      [
        '0:XGROUP CREATE s g 0',
        '0:XGROUP CREATECONSUMER s g c',
        `0:XCLAIM s g c 0 1-0 TIME ${START} RETRYCOUNT 1 FORCE JUSTID LASTID 1-0`,
        '0:XACK s g 1-0',
        '0:XGROUP SETID s g $',
        '0:XGROUP DELCONSUMER s g c',
        '0:XGROUP DESTROY s g',
        '0:XSETID s 5-0',
        '0:XDEL s 1-0 9-0',
      ],
    );
  });
});

describe('stream keyspace events', () => {
  it('each write raises Redis 7.0 event names, group changes without modifying the key', async () => {
    const h = await harness();
    assert.deepEqual(
      await h.eventsOf(
        ['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM'],
        ['XADD', 's', '1-0', 'f', 'v'],
        ['XADD', 's', 'MAXLEN', '0', '2-0', 'f', 'v'],
        ['XADD', 's', '3-0', 'f', 'v'],
        ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>'],
        ['XGROUP', 'SETID', 's', 'g', '0'],
        ['XGROUP', 'CREATECONSUMER', 's', 'g', 'd'],
        ['XGROUP', 'DELCONSUMER', 's', 'g', 'd'],
        ['XCLAIM', 's', 'g', 'e', '0', '3-0'],
        ['XTRIM', 's', 'MAXLEN', '5'],
        ['XDEL', 's', '3-0'],
        ['XSETID', 's', '7-0'],
        ['XGROUP', 'DESTROY', 's', 'g'],
      ),
      [
        't:xgroup-create:s@0',
        't:xadd:s@0',
        't:xadd:s@0',
        't:xtrim:s@0',
        't:xadd:s@0',
        't:xgroup-createconsumer:s@0',
        't:xgroup-setid:s@0',
        't:xgroup-createconsumer:s@0',
        't:xgroup-delconsumer:s@0',
        't:xgroup-createconsumer:s@0',
        't:xdel:s@0',
        't:xsetid:s@0',
        't:xgroup-destroy:s@0',
      ],
    );
  });
});

describe('stream times on the server clock', () => {
  it('XADD * takes the clock, and never goes back when the clock does', async () => {
    const h = await harness();
    assert.equal(await h.value('XADD', 's', '*', 'f', 'v').then(text), `${START}-0`);
    assert.equal(await h.value('XADD', 's', '*', 'f', 'v').then(text), `${START}-1`);
    h.clock.advance(5);
    assert.equal(await h.value('XADD', 's', '*', 'f', 'v').then(text), `${START + 5}-0`);
    h.clock.set(START - 1000);
    assert.equal(await h.value('XADD', 's', '*', 'f', 'v').then(text), `${START + 5}-1`);
  });

  it('idle times, delivery times and seen times follow the clock', async () => {
    const h = await harness();
    await h.call('XGROUP', 'CREATE', 's', 'g', '0', 'MKSTREAM');
    await h.call('XADD', 's', '1-0', 'f', 'v');
    await h.call('XADD', 's', '2-0', 'f', 'v');
    await h.call('XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '1', 'STREAMS', 's', '>');
    h.clock.advance(1500);
    await h.call('XREADGROUP', 'GROUP', 'g', 'bob', 'STREAMS', 's', '>');
    h.clock.advance(500);
    assert.equal(
      await h.call('XPENDING', 's', 'g', '-', '+', '10'),
      '*2\r\n' +
        '*4\r\n$3\r\n1-0\r\n$5\r\nalice\r\n:2000\r\n:1\r\n' +
        '*4\r\n$3\r\n2-0\r\n$3\r\nbob\r\n:500\r\n:1\r\n',
    );
    assert.equal(
      await h.call('XPENDING', 's', 'g', 'IDLE', '1000', '-', '+', '10'),
      '*1\r\n*4\r\n$3\r\n1-0\r\n$5\r\nalice\r\n:2000\r\n:1\r\n',
    );
    assert.match(
      await h.call('XINFO', 'CONSUMERS', 's', 'g'),
      /alice.*idle\r\n:2000\r\n.*bob.*idle\r\n:500\r\n/s,
    );
    assert.equal(
      await h.call('XCLAIM', 's', 'g', 'carol', '1000', '1-0', '2-0', 'JUSTID'),
      '*1\r\n$3\r\n1-0\r\n',
    );
    assert.equal(
      await h.call('XAUTOCLAIM', 's', 'g', 'dave', '400', '0', 'JUSTID'),
      '*3\r\n$3\r\n0-0\r\n*1\r\n$3\r\n2-0\r\n*0\r\n',
    );
    const full = await h.call('XINFO', 'STREAM', 's', 'FULL');
    assert.match(full, new RegExp(`\\$5\r\ncarol\r\n:${START + 2000}\r\n:1\r\n`));
    assert.match(full, new RegExp(`\\$9\r\nseen-time\r\n:${START}\r\n`));
  });
});

describe('stream values', () => {
  it('COPY makes an independent stream with its groups and pending entries', async () => {
    const h = await harness();
    await h.call('XGROUP', 'CREATE', 's', 'g', '0', 'MKSTREAM');
    for (let i = 1; i <= 3; i++) await h.call('XADD', 's', `${i}-0`, 'f', `v${i}`);
    await h.call('XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '2', 'STREAMS', 's', '>');
    await h.call('XDEL', 's', '3-0');
    assert.equal(await h.call('COPY', 's', 't'), ':1\r\n');
    const before = await h.call('XINFO', 'STREAM', 't', 'FULL');
    await h.call('XADD', 's', '4-0', 'f', 'v');
    await h.call('XACK', 's', 'g', '1-0');
    await h.call('XGROUP', 'CREATECONSUMER', 's', 'g', 'other');
    await h.call('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>');
    assert.equal(await h.call('XINFO', 'STREAM', 't', 'FULL'), before);
    assert.equal((await h.call('XINFO', 'STREAM', 's', 'FULL')) === before, false);
    assert.equal(await h.call('XACK', 't', 'g', '1-0', '2-0'), ':2\r\n');
    assert.equal(await h.call('XPENDING', 's', 'g'), await h.call('XPENDING', 's', 'g'));
  });

  it('a stream is of type stream and encoding stream, and survives emptying', async () => {
    const h = await harness();
    await h.call('XADD', 's', '1-0', 'f', 'v');
    await h.call('XDEL', 's', '1-0');
    assert.equal(await h.call('TYPE', 's'), '+stream\r\n');
    assert.equal(await h.call('OBJECT', 'ENCODING', 's'), '$6\r\nstream\r\n');
    assert.equal(await h.call('XLEN', 's'), ':0\r\n');
    const value = h.server.keyspace.dbs[0].dict.get('s');
    assert.ok(value instanceof Stream);
  });
});

function text(node: { kind: string }): string {
  assert.ok('text' in node);
  return (node as { text: string }).text;
}
