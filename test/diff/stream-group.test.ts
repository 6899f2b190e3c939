import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { useDiffServers, type Command, type DiffPair } from '../helpers/diff.js';
import { parseReply, type ReplyNode } from '../meta/reply-tree.js';
import { encodeCommand, RawClient } from '../helpers/raw-client.js';

const env = useDiffServers();

/** In a command list: switch both connections to RESP3 (HELLO's reply shows client ids). */
const RESP3: Command = ['HELLO', '3'];

/** Clock readings of the two servers may differ by this much (ms). */
const CLOCK_TOLERANCE = 200;

/**
 * Compares two replies where some integers are clock readings (idle times, delivery and seen
 * times): those must be within CLOCK_TOLERANCE, everything else identical. The clock fields are
 * found by shape: "idle" and "seen-time" map values, the third item of a pending row
 * [id, consumer, time, count] and the second of a consumer's pending row [id, time, count].
 */
function assertSameButClock(redis: ReplyNode, kvik: ReplyNode, where: string): void {
  assert.equal(kvik.kind, redis.kind, `${where}: kind`);
  if (redis.kind === 'array' || redis.kind === 'set' || redis.kind === 'push') {
    const items = (kvik as typeof redis).items;
    assert.equal(items.length, redis.items.length, `${where}: length`);
    const clock = clockSlots(redis.items);
    redis.items.forEach((item, i) => {
      if (clock.has(i)) assertClose(item, items[i], `${where}[${i}]`);
      else assertSameButClock(item, items[i], `${where}[${i}]`);
    });
  } else if (redis.kind === 'map') {
    const entries = (kvik as typeof redis).entries;
    assert.equal(entries.length, redis.entries.length, `${where}: pairs`);
    redis.entries.forEach(([k, v], i) => {
      assertSameButClock(k, entries[i][0], `${where}{${i}}`);
      if (isClockName(k)) assertClose(v, entries[i][1], `${where}.${textOf(k)}`);
      else assertSameButClock(v, entries[i][1], `${where}.${textOf(k)}`);
    });
  } else {
    assert.deepEqual(kvik, redis, where);
  }
}

function textOf(node: ReplyNode): string {
  return 'text' in node ? node.text : node.kind;
}

function isClockName(node: ReplyNode): boolean {
  return node.kind === 'bulk' && (node.text === 'idle' || node.text === 'seen-time');
}

function clockSlots(items: ReplyNode[]): Set<number> {
  const slots = new Set<number>();
  const isId = (n: ReplyNode | undefined) => n?.kind === 'bulk' && /^\d+-\d+$/.test(n.text);
  const isInt = (n: ReplyNode | undefined) => n?.kind === 'integer';
  if (
    items.length === 4 &&
    isId(items[0]) &&
    items[1].kind === 'bulk' &&
    isInt(items[2]) &&
    isInt(items[3])
  ) {
    slots.add(2);
  }
  if (items.length === 3 && isId(items[0]) && isInt(items[1]) && isInt(items[2])) slots.add(1);
  // RESP2 maps are flat arrays: the value after an "idle" or "seen-time" name.
  items.forEach((item, i) => {
    if (i % 2 === 0 && isClockName(item)) slots.add(i + 1);
  });
  return slots;
}

function assertClose(redis: ReplyNode, kvik: ReplyNode, where: string): void {
  assert.equal(redis.kind, 'integer', `${where}: a clock reading`);
  assert.equal(kvik.kind, 'integer', `${where}: a clock reading`);
  const a = Number((redis as { text: string }).text);
  const b = Number((kvik as { text: string }).text);
  assert.ok(Math.abs(a - b) <= CLOCK_TOLERANCE, `${where}: ${b} vs ${a}`);
}

/** Runs commands on both servers; replies must match, clock readings within tolerance. */
async function sameAll(pair: DiffPair, commands: Command[]): Promise<void> {
  for (const command of commands) {
    const { redis, kvik } = await pair.both(...command);
    if (command === RESP3) continue;
    if (redis === kvik) continue;
    assertSameButClock(parseReply(redis), parseReply(kvik), JSON.stringify(command.map(String)));
  }
}

async function fill(pair: DiffPair, key: string, count: number): Promise<void> {
  for (let i = 1; i <= count; i++) await pair.same('XADD', key, `${i}-1`, 'f', `v${i}`);
}

describe('XGROUP against redis-server', () => {
  it('XGROUP CREATE makes groups at an ID, at $, with MKSTREAM and ENTRIESREAD', async () => {
    const pair = await env.pair();
    await fill(pair, 's', 3);
    await sameAll(pair, [
      ['XGROUP', 'CREATE', 's', 'g1', '0'],
      ['XGROUP', 'CREATE', 's', 'g1', '0'],
      ['XGROUP', 'CREATE', 's', 'g2', '$'],
      ['XGROUP', 'CREATE', 's', 'g3', '2-1', 'ENTRIESREAD', '2'],
      ['XGROUP', 'CREATE', 's', 'g4', '2', 'ENTRIESREAD', '-1'],
      ['XGROUP', 'CREATE', 's', 'g5', '0', 'ENTRIESREAD', '-2'],
      ['XGROUP', 'CREATE', 's', 'g5', '0', 'ENTRIESREAD', 'x'],
      ['XGROUP', 'CREATE', 's', 'g5', '0', 'ENTRIESREAD'],
      ['XGROUP', 'CREATE', 's', 'g5', '-'],
      ['XGROUP', 'CREATE', 's', 'g5', 'x'],
      ['XGROUP', 'CREATE', 's', 'g5', '0', 'FOO'],
      ['XGROUP', 'CREATE', 's', 'g5', '0', 'MKSTREAM', 'MKSTREAM', 'MKSTREAM', 'MKSTREAM'],
      ['XGROUP', 'CREATE', 'missing', 'g', '$'],
      ['XGROUP', 'CREATE', 'missing', 'g', '$', 'MKSTREAM'],
      ['XGROUP', 'CREATE', 'missing', 'g', '$', 'MKSTREAM'],
      ['XGROUP', 'CREATE', 'other', 'g', '7-7', 'mkstream', 'entriesread', '9'],
      ['XGROUP', 'CREATE', 's', 'g6'],
      ['XINFO', 'GROUPS', 's'],
      ['XINFO', 'GROUPS', 'missing'],
      ['XINFO', 'STREAM', 'missing'],
      ['XINFO', 'GROUPS', 'other'],
      ['SET', 'str', 'x'],
      ['XGROUP', 'CREATE', 'str', 'g', '$'],
      ['XGROUP', 'CREATE', 'str', 'g', '$', 'MKSTREAM'],
    ]);
  });

  it('XGROUP SETID, DESTROY, CREATECONSUMER and DELCONSUMER need the key and group', async () => {
    const pair = await env.pair();
    await fill(pair, 's', 3);
    await sameAll(pair, [
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XGROUP', 'SETID', 's', 'g', '2-1'],
      ['XGROUP', 'SETID', 's', 'g', '$', 'ENTRIESREAD', '3'],
      ['XINFO', 'GROUPS', 's'],
      ['XGROUP', 'SETID', 's', 'g', '+'],
      ['XGROUP', 'SETID', 's', 'g', '-'],
      ['XGROUP', 'SETID', 's', 'g', 'x'],
      ['XGROUP', 'SETID', 's', 'g', '0', 'MKSTREAM'],
      ['XGROUP', 'SETID', 's', 'g', '0', 'ENTRIESREAD', '1', 'ENTRIESREAD', '2'],
      ['XGROUP', 'SETID', 's', 'nog', '0'],
      ['XGROUP', 'SETID', 'missing', 'g', '0'],
      ['XINFO', 'GROUPS', 's'],
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'alice'],
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'alice'],
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'bob'],
      ['XGROUP', 'CREATECONSUMER', 's', 'nog', 'bob'],
      ['XGROUP', 'CREATECONSUMER', 'missing', 'g', 'bob'],
      ['XINFO', 'CONSUMERS', 's', 'g'],
      ['XGROUP', 'SETID', 's', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '2', 'STREAMS', 's', '>'],
      ['XGROUP', 'DELCONSUMER', 's', 'g', 'alice'],
      ['XGROUP', 'DELCONSUMER', 's', 'g', 'alice'],
      ['XGROUP', 'DELCONSUMER', 's', 'nog', 'alice'],
      ['XPENDING', 's', 'g'],
      ['XGROUP', 'DESTROY', 's', 'g'],
      ['XGROUP', 'DESTROY', 's', 'g'],
      ['XGROUP', 'DESTROY', 'missing', 'g'],
      ['XGROUP', 'DESTROY', 's'],
      ['XGROUP', 'DESTROY', 's', 'g', 'x'],
      ['XGROUP', 'CREATECONSUMER', 's', 'g'],
      ['XGROUP', 'FOO', 's', 'g'],
      ['XGROUP', 'HELP'],
      ['XGROUP', 'HELP', 'x'],
      ['XGROUP'],
      ['SET', 'str', 'x'],
      ['XGROUP', 'DESTROY', 'str', 'g'],
      ['XINFO', 'GROUPS', 's'],
    ]);
  });
});

describe('XREADGROUP against redis-server', () => {
  it('XREADGROUP > gives new entries to consumers and records them pending', async () => {
    const pair = await env.pair();
    await fill(pair, 's', 5);
    await fill(pair, 't', 2);
    await sameAll(pair, [
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XGROUP', 'CREATE', 't', 'g', '$'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '2', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'bob', 'COUNT', '1', 'STREAMS', 's', 't', '>', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'bob', 'STREAMS', 's', 's', '>', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'carol', 'STREAMS', 's', '>'],
      ['XADD', 't', '3-1', 'f', 'v'],
      ['XREADGROUP', 'GROUP', 'g', 'carol', 'COUNT', '0', 'STREAMS', 't', 's', '>', '>'],
      ['XPENDING', 's', 'g'],
      ['XPENDING', 't', 'g'],
      ['XINFO', 'GROUPS', 's'],
      ['XINFO', 'CONSUMERS', 's', 'g'],
      ['XINFO', 'STREAM', 's', 'FULL'],
      RESP3,
      ['XREADGROUP', 'GROUP', 'g', 'dave', 'STREAMS', 's', 't', '>', '>'],
      ['XADD', 's', '6-1', 'f', 'v'],
      ['XREADGROUP', 'GROUP', 'g', 'dave', 'STREAMS', 's', 't', '>', '>'],
      ['XINFO', 'STREAM', 's', 'FULL'],
    ]);
  });

  it('XREADGROUP with an ID reads the consumer own history, deleted entries as nil', async () => {
    const pair = await env.pair();
    await fill(pair, 's', 5);
    await sameAll(pair, [
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '3', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'bob', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '1', 'STREAMS', 's', '1-1'],
      ['XDEL', 's', '2-1'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '0-0'],
      ['XREADGROUP', 'GROUP', 'g', 'nobody', 'STREAMS', 's', '0'],
      ['XPENDING', 's', 'g', '-', '+', '10'],
      ['XACK', 's', 'g', '1-1', '2-1'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '0'],
      RESP3,
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '0'],
      ['XINFO', 'CONSUMERS', 's', 'g'],
    ]);
  });

  it('XREADGROUP NOACK moves the group without pending entries', async () => {
    const pair = await env.pair();
    await fill(pair, 's', 4);
    await sameAll(pair, [
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'NOACK', 'COUNT', '2', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'NOACK', 'GROUP', 'g', 'bob', 'STREAMS', 's', '>'],
      ['XPENDING', 's', 'g'],
      ['XINFO', 'GROUPS', 's'],
      ['XINFO', 'CONSUMERS', 's', 'g'],
    ]);
  });

  it('XREADGROUP refuses what it cannot serve', async () => {
    const pair = await env.pair();
    await fill(pair, 's', 2);
    await pair.same('SET', 'str', 'x');
    await sameAll(pair, [
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '$'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '+'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', 'x'],
      ['XREADGROUP', 'GROUP', 'nog', 'c', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'missing', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', 'missing', '>', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'str', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'COUNT', '1', 'STREAMS', 's', '>', 'x'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', 'x', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '-1', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'FOO', 'STREAMS', 's', '>'],
      [
        'XREADGROUP',
        'GROUP',
        'g',
        'c',
        'STREAMS',
        's',
        `18446744073709551615-18446744073709551615`,
      ],
      [
        'XREADGROUP',
        'GROUP',
        'g',
        'c',
        'STREAMS',
        's',
        `18446744073709551615-18446744073709551614`,
      ],
      ['XINFO', 'CONSUMERS', 's', 'g'],
    ]);
  });
});

describe('XACK and XPENDING against redis-server', () => {
  it('XACK acknowledges pending entries only, all IDs checked first', async () => {
    const pair = await env.pair();
    await fill(pair, 's', 4);
    await sameAll(pair, [
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>'],
      ['XACK', 's', 'g', '1-1', '1-1', '9-9'],
      ['XACK', 's', 'g', '2-1', 'x'],
      ['XACK', 's', 'g', '2'],
      ['XACK', 's', 'g', '+'],
      ['XACK', 's', 'nog', 'x'],
      ['XACK', 'missing', 'g', '1-1'],
      ['XACK', 's', 'g', '2-1', '3-1', '4-1'],
      ['XPENDING', 's', 'g'],
      ['SET', 'str', 'x'],
      ['XACK', 'str', 'g', '1-1'],
      ['XACK', 's', 'g'],
    ]);
  });

  it('XPENDING summarizes, lists ranges, filters by consumer and idle time', async () => {
    const pair = await env.pair();
    await fill(pair, 's', 6);
    await sameAll(pair, [
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XPENDING', 's', 'g'],
      ['XREADGROUP', 'GROUP', 'g', 'bob', 'COUNT', '2', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '3', 'STREAMS', 's', '>'],
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'idle'],
      ['XPENDING', 's', 'g'],
      ['XPENDING', 's', 'g', '-', '+', '10'],
      ['XPENDING', 's', 'g', '2', '4', '10'],
      ['XPENDING', 's', 'g', '(2-1', '(4-1', '10'],
      ['XPENDING', 's', 'g', '-', '+', '2'],
      ['XPENDING', 's', 'g', '-', '+', '0'],
      ['XPENDING', 's', 'g', '-', '+', '-5'],
      ['XPENDING', 's', 'g', '4', '2', '10'],
      ['XPENDING', 's', 'g', '-', '+', '10', 'alice'],
      ['XPENDING', 's', 'g', '-', '+', '10', 'idle'],
      ['XPENDING', 's', 'g', '-', '+', '10', 'nobody'],
      ['XPENDING', 's', 'g', '-', '+', '10', 'alice', 'extra'],
      ['XPENDING', 's', 'g', 'IDLE', '0', '-', '+', '10'],
      ['XPENDING', 's', 'g', 'IDLE', '10000000', '-', '+', '10'],
      ['XPENDING', 's', 'g', 'IDLE', '-5', '-', '+', '10', 'bob'],
      ['XPENDING', 's', 'g', 'IDLE', '10000000', '-', '+', '10', 'bob'],
      ['XPENDING', 's', 'g', 'idle', 'x', '-', '+', '10'],
      ['XPENDING', 's', 'g', 'IDLE', '5', '-', '+'],
      ['XPENDING', 's', 'g', '-', '+'],
      ['XPENDING', 's', 'g', '-'],
      ['XPENDING', 's', 'g', '-', '+', 'x'],
      ['XPENDING', 's', 'g', 'x', '+', '10'],
      ['XPENDING', 's', 'g', '-', '(-', '10'],
      ['XPENDING', 's', 'g', '(18446744073709551615-18446744073709551615', '+', '10'],
      ['XPENDING', 's', 'g', '-', '+', '10', 'a', 'b', 'c', 'd'],
      ['XPENDING', 's', 'nog'],
      ['XPENDING', 'missing', 'g'],
      ['XPENDING', 's', 'nog', 'x', '+', '10'],
      RESP3,
      ['XPENDING', 's', 'g'],
      ['XPENDING', 's', 'g', '-', '+', '10'],
      ['XGROUP', 'CREATE', 's', 'empty', '0'],
      ['XPENDING', 's', 'empty'],
    ]);
  });
});

describe('XCLAIM and XAUTOCLAIM against redis-server', () => {
  it('XCLAIM moves pending entries with IDLE, TIME, RETRYCOUNT, JUSTID and FORCE', async () => {
    const pair = await env.pair();
    await fill(pair, 's', 6);
    await sameAll(pair, [
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '4', 'STREAMS', 's', '>'],
      ['XCLAIM', 's', 'g', 'bob', '0', '1-1'],
      ['XCLAIM', 's', 'g', 'bob', '10000000', '2-1'],
      ['XCLAIM', 's', 'g', 'bob', '0', '2-1', '3-1', 'JUSTID'],
      ['XCLAIM', 's', 'g', 'bob', '0', '2-1', 'RETRYCOUNT', '7'],
      ['XCLAIM', 's', 'g', 'carol', '0', '3-1', 'IDLE', '5000000', 'JUSTID'],
      ['XCLAIM', 's', 'g', 'dave', '4000000', '3-1', 'JUSTID'],
      ['XCLAIM', 's', 'g', 'dave', '0', '4-1', 'TIME', '1000', 'JUSTID'],
      ['XCLAIM', 's', 'g', 'dave', '100000000', '4-1', 'JUSTID'],
      ['XCLAIM', 's', 'g', 'dave', '0', '4-1', 'TIME', '99999999999999', 'JUSTID'],
      ['XCLAIM', 's', 'g', 'dave', '0', '4-1', 'IDLE', '-5', 'JUSTID'],
      ['XCLAIM', 's', 'g', 'erin', '0', '5-1', '6-1'],
      ['XCLAIM', 's', 'g', 'erin', '0', '5-1', 'FORCE', 'JUSTID'],
      ['XCLAIM', 's', 'g', 'erin', '0', '6-1', 'FORCE', 'RETRYCOUNT', '3'],
      ['XCLAIM', 's', 'g', 'erin', '0', '9-9', 'FORCE'],
      ['XCLAIM', 's', 'g', 'erin', '-5', '1-1', '1-1', 'JUSTID'],
      ['XCLAIM', 's', 'g', 'erin', '0', '1-1', 'RETRYCOUNT', '-1', 'JUSTID'],
      ['XPENDING', 's', 'g', 'IDLE', '1000000', '-', '+', '10'],
      ['XPENDING', 's', 'g', '-', '+', '10'],
      ['XINFO', 'CONSUMERS', 's', 'g'],
      ['XINFO', 'STREAM', 's', 'FULL'],
    ]);
  });

  it('XCLAIM LASTID moves the group, and deleted entries leave the PEL', async () => {
    const pair = await env.pair();
    await fill(pair, 's', 4);
    await sameAll(pair, [
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '3', 'STREAMS', 's', '>'],
      ['XCLAIM', 's', 'g', 'bob', '0', '1-1', 'LASTID', '9-9', 'JUSTID'],
      ['XCLAIM', 's', 'g', 'bob', '0', '1-1', 'LASTID', '2-0', 'JUSTID'],
      ['XINFO', 'GROUPS', 's'],
      ['XDEL', 's', '2-1', '3-1'],
      ['XCLAIM', 's', 'g', 'carol', '0', '2-1', '3-1', '1-1'],
      ['XPENDING', 's', 'g'],
      ['XINFO', 'CONSUMERS', 's', 'g'],
      ['XCLAIM', 's', 'g', 'zed', '0', '9-9', 'LASTID', '10-0'],
      ['XINFO', 'CONSUMERS', 's', 'g'],
      ['XINFO', 'GROUPS', 's'],
    ]);
  });

  it('XCLAIM refuses bad arguments', async () => {
    const pair = await env.pair();
    await fill(pair, 's', 2);
    await pair.same('SET', 'str', 'x');
    await sameAll(pair, [
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>'],
      ['XCLAIM', 's', 'g', 'bob', 'x', '1-1'],
      ['XCLAIM', 's', 'g', 'bob', '0', '1-1', 'IDLE', 'x'],
      ['XCLAIM', 's', 'g', 'bob', '0', '1-1', 'TIME', 'x'],
      ['XCLAIM', 's', 'g', 'bob', '0', '1-1', 'RETRYCOUNT', 'x'],
      ['XCLAIM', 's', 'g', 'bob', '0', '1-1', 'LASTID', 'x'],
      ['XCLAIM', 's', 'g', 'bob', '0', '1-1', 'FOO'],
      ['XCLAIM', 's', 'g', 'bob', '0', '1-1', 'FORCE', '2-1'],
      ['XCLAIM', 's', 'g', 'bob', '0', 'x'],
      ['XCLAIM', 's', 'g', 'bob', '0', '1-1', 'IDLE'],
      ['XCLAIM', 's', 'g', 'bob', '0', '1-1', 'foo\0bar'],
      ['XCLAIM', 's', 'nog', 'bob', 'x', '1-1'],
      ['XCLAIM', 'missing', 'g', 'bob', '0', '1-1'],
      ['XCLAIM', 'str', 'g', 'bob', '0', '1-1'],
      ['XCLAIM', 's', 'g', 'bob', '0'],
      ['XPENDING', 's', 'g', '-', '+', '10'],
      ['XINFO', 'CONSUMERS', 's', 'g'],
    ]);
  });

  it('XAUTOCLAIM claims idle entries from a cursor, reporting deleted ones', async () => {
    const pair = await env.pair();
    await fill(pair, 's', 8);
    await sameAll(pair, [
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>'],
      ['XAUTOCLAIM', 's', 'g', 'bob', '0', '0', 'COUNT', '2'],
      ['XAUTOCLAIM', 's', 'g', 'bob', '0', '3-1', 'COUNT', '2', 'JUSTID'],
      ['XAUTOCLAIM', 's', 'g', 'bob', '10000000', '0'],
      ['XDEL', 's', '5-1', '6-1'],
      ['XAUTOCLAIM', 's', 'g', 'carol', '0', '(4-1', 'COUNT', '1'],
      ['XAUTOCLAIM', 's', 'g', 'carol', '0', '7-1', 'COUNT', '1'],
      ['XAUTOCLAIM', 's', 'g', 'carol', '0', '-'],
      ['XAUTOCLAIM', 's', 'g', 'carol', '0', '+'],
      ['XAUTOCLAIM', 's', 'g', 'dave', '-5', '0', 'JUSTID', 'COUNT', '100'],
      ['XPENDING', 's', 'g', '-', '+', '10'],
      ['XINFO', 'CONSUMERS', 's', 'g'],
    ]);
  });

  it('XAUTOCLAIM stops after COUNT times ten attempts', async () => {
    const pair = await env.pair();
    await fill(pair, 's', 30);
    await sameAll(pair, [
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>'],
      ['XCLAIM', 's', 'g', 'alice', '0', '25-1', 'IDLE', '99000000', 'JUSTID'],
      ['XAUTOCLAIM', 's', 'g', 'bob', '50000000', '0', 'COUNT', '1'],
      ['XAUTOCLAIM', 's', 'g', 'bob', '50000000', '0', 'COUNT', '2'],
      ['XAUTOCLAIM', 's', 'g', 'bob', '50000000', '0', 'COUNT', '3'],
      ['XDEL', 's', '1-1', '2-1', '3-1', '4-1', '5-1', '6-1', '7-1', '8-1', '9-1', '10-1', '11-1'],
      ['XAUTOCLAIM', 's', 'g', 'bob', '50000000', '0', 'COUNT', '1'],
      ['XAUTOCLAIM', 's', 'g', 'bob', '50000000', '0', 'COUNT', '1'],
      ['XPENDING', 's', 'g'],
    ]);
  });

  it('XAUTOCLAIM refuses bad arguments', async () => {
    const pair = await env.pair();
    await fill(pair, 's', 2);
    await pair.same('SET', 'str', 'x');
    await sameAll(pair, [
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XAUTOCLAIM', 's', 'g', 'c', 'x', '0'],
      ['XAUTOCLAIM', 's', 'g', 'c', '0', 'x'],
      ['XAUTOCLAIM', 's', 'g', 'c', '0', '(-'],
      ['XAUTOCLAIM', 's', 'g', 'c', '0', '(18446744073709551615-18446744073709551615'],
      ['XAUTOCLAIM', 's', 'g', 'c', '0', '0', 'COUNT', '0'],
      ['XAUTOCLAIM', 's', 'g', 'c', '0', '0', 'COUNT', 'x'],
      ['XAUTOCLAIM', 's', 'g', 'c', '0', '0', 'COUNT', '576460752303423488'],
      ['XAUTOCLAIM', 's', 'g', 'c', '0', '0', 'COUNT', '576460752303423487'],
      ['XAUTOCLAIM', 's', 'g', 'c', '0', '0', 'COUNT', '100000000000'],
      ['XAUTOCLAIM', 's', 'g', 'c', '0', '0', 'COUNT'],
      ['XAUTOCLAIM', 's', 'g', 'c', '0', '0', 'FOO'],
      ['XAUTOCLAIM', 's', 'nog', 'c', '0', '0'],
      ['XAUTOCLAIM', 'missing', 'g', 'c', '0', '0'],
      ['XAUTOCLAIM', 'str', 'g', 'c', '0', '0'],
      ['XAUTOCLAIM', 's', 'nog', 'c', 'x', '0'],
      ['XINFO', 'CONSUMERS', 's', 'g'],
    ]);
  });
});

describe('consumer group read counters and lag against redis-server', () => {
  it('entries-read and lag follow reads, deletions, trims and SETID as in Redis 7.0', async () => {
    const pair = await env.pair();
    await fill(pair, 's', 6);
    const groups: Command = ['XINFO', 'GROUPS', 's'];
    await sameAll(pair, [
      ['XGROUP', 'CREATE', 's', 'a', '0'],
      ['XGROUP', 'CREATE', 's', 'b', '0'],
      ['XGROUP', 'CREATE', 's', 'c', '$'],
      ['XGROUP', 'CREATE', 's', 'd', '3-1'],
      groups,
      ['XREADGROUP', 'GROUP', 'a', 'x', 'COUNT', '2', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'd', 'x', 'COUNT', '1', 'STREAMS', 's', '>'],
      groups,
      ['XDEL', 's', '4-1'],
      groups,
      ['XREADGROUP', 'GROUP', 'a', 'x', 'COUNT', '1', 'STREAMS', 's', '>'],
      ['XREADGROUP', 'GROUP', 'b', 'x', 'STREAMS', 's', '>'],
      groups,
      ['XDEL', 's', '1-1'],
      groups,
      ['XTRIM', 's', 'MAXLEN', '2'],
      groups,
      ['XREADGROUP', 'GROUP', 'a', 'x', 'STREAMS', 's', '>'],
      groups,
      ['XGROUP', 'SETID', 's', 'b', '0'],
      groups,
      ['XGROUP', 'SETID', 's', 'b', '5-1', 'ENTRIESREAD', '4'],
      groups,
      ['XADD', 's', '7-1', 'f', 'v'],
      groups,
      ['XDEL', 's', '5-1', '6-1', '7-1'],
      groups,
      ['XADD', 's', '8-1', 'f', 'v'],
      groups,
      ['XSETID', 's', '8-1', 'ENTRIESADDED', '50', 'MAXDELETEDID', '8-0'],
      groups,
      ['XREADGROUP', 'GROUP', 'c', 'x', 'STREAMS', 's', '>'],
      groups,
      ['XINFO', 'STREAM', 's', 'FULL'],
    ]);
  });

  it('a group created on an empty stream reads the first entries with exact counters', async () => {
    const pair = await env.pair();
    await sameAll(pair, [
      ['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM'],
      ['XINFO', 'GROUPS', 's'],
      ['XADD', 's', '1-1', 'f', 'v'],
      ['XADD', 's', '2-1', 'f', 'v'],
      ['XINFO', 'GROUPS', 's'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>'],
      ['XINFO', 'GROUPS', 's'],
      ['XDEL', 's', '1-1', '2-1'],
      ['XINFO', 'GROUPS', 's'],
      ['XGROUP', 'CREATE', 's', 'h', '0'],
      ['XINFO', 'GROUPS', 's'],
    ]);
  });
});

/** A client of each server, blocked in the same command. */
interface BlockedPair {
  redis: RawClient;
  kvik: RawClient;
}

/** blocked_clients from INFO clients. */
async function blockedClients(client: RawClient): Promise<number> {
  const info = await client.call('INFO', 'clients');
  return Number(/blocked_clients:(\d+)/.exec(info)![1]);
}

/** Sends a blocking command from a new connection to each server, and waits until it blocks. */
async function blockOnBoth(pair: DiffPair, ...command: Command): Promise<BlockedPair> {
  const before = await Promise.all([blockedClients(pair.redis), blockedClients(pair.kvik)]);
  const blocked = {
    redis: await RawClient.connect(env.reference.port),
    kvik: await RawClient.connect(env.kvik.port),
  };
  if (command[0] === RESP3[0]) throw new Error('use blockOnBothResp3');
  for (const side of ['redis', 'kvik'] as const) blocked[side].sendRaw(encodeCommand(command));
  for (let tries = 0; ; tries++) {
    const now = await Promise.all([blockedClients(pair.redis), blockedClients(pair.kvik)]);
    if (now[0] === before[0] + 1 && now[1] === before[1] + 1) return blocked;
    assert.ok(tries < 200, `${command.join(' ')} never blocked on both servers`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The blocked clients' replies must be the same. */
async function sameReply(blocked: BlockedPair, what: string): Promise<void> {
  const [redis, kvik] = await Promise.all([blocked.redis.readReply(), blocked.kvik.readReply()]);
  assert.equal(kvik, redis, what);
}

/** Neither blocked client gets a reply within `ms`. */
async function stillBlocked(blocked: BlockedPair, ms = 100): Promise<void> {
  const silent = (client: RawClient) =>
    client.readReply(ms).then(
      () => false,
      () => true,
    );
  const [redis, kvik] = await Promise.all([silent(blocked.redis), silent(blocked.kvik)]);
  assert.ok(redis, 'redis-server answered a client that should still wait');
  assert.ok(kvik, 'Kvik answered a client that should still wait');
}

function closeAll(...blocked: BlockedPair[]): void {
  for (const b of blocked) {
    b.redis.close();
    b.kvik.close();
  }
}

describe('stream commands and WATCH against redis-server', () => {
  it('entry changes touch watched keys, group bookkeeping does not', async () => {
    const pair = await env.pair();
    const writes: Command[] = [
      ['XADD', 's', '9-1', 'f', 'v'],
      ['XDEL', 's', '1-1'],
      ['XTRIM', 's', 'MAXLEN', '1'],
      ['XGROUP', 'CREATE', 's', 'g2', '0'],
      ['XGROUP', 'CREATE', 'new', 'g', '0', 'MKSTREAM'],
      ['XGROUP', 'SETID', 's', 'g', '0'],
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'c2'],
      ['XGROUP', 'DELCONSUMER', 's', 'g', 'c'],
      ['XGROUP', 'DESTROY', 's', 'g'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>'],
      ['XACK', 's', 'g', '1-1'],
      ['XCLAIM', 's', 'g', 'c2', '0', '1-1'],
      ['XAUTOCLAIM', 's', 'g', 'c2', '0', '0'],
      ['XSETID', 's', '99-0'],
    ];
    const other = {
      redis: await RawClient.connect(env.reference.port),
      kvik: await RawClient.connect(env.kvik.port),
    };
    for (const write of writes) {
      await pair.same('FLUSHALL');
      await fill(pair, 's', 3);
      await pair.same('XGROUP', 'CREATE', 's', 'g', '0');
      await pair.same('XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '1', 'STREAMS', 's', '>');
      await pair.same('WATCH', 's', 'new');
      await Promise.all([other.redis.call(...write), other.kvik.call(...write)]);
      await pair.same('MULTI');
      await pair.same('PING');
      await pair.same('EXEC');
    }
    other.redis.close();
    other.kvik.close();
  });
});

describe('blocked XREAD and XREADGROUP against redis-server', () => {
  it('an XADD serves every XREAD waiting on the key, each from its own ID', async () => {
    const pair = await env.pair();
    await fill(pair, 's', 2);
    const a = await blockOnBoth(pair, 'XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
    const b = await blockOnBoth(pair, 'XREAD', 'BLOCK', '0', 'STREAMS', 't', 's', '0', '$');
    const c = await blockOnBoth(pair, 'XREAD', 'COUNT', '1', 'BLOCK', '0', 'STREAMS', 's', '2-1');
    await pair.same('XSETID', 's', '9-0');
    await stillBlocked(a);
    await pair.same('XADD', 's', '10-1', 'f', 'new');
    await sameReply(a, 'first reader');
    await sameReply(b, 'reader of two keys');
    await sameReply(c, 'reader with COUNT');
    closeAll(a, b, c);
  });

  it('XREADGROUP > waiters share new entries in arrival order, one entry each', async () => {
    const pair = await env.pair();
    await pair.same('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
    const c1 = await blockOnBoth(
      pair,
      'XREADGROUP',
      'GROUP',
      'g',
      'c1',
      'BLOCK',
      '0',
      'STREAMS',
      's',
      '>',
    );
    const c2 = await blockOnBoth(
      pair,
      'XREADGROUP',
      'GROUP',
      'g',
      'c2',
      'COUNT',
      '1',
      'BLOCK',
      '0',
      'STREAMS',
      's',
      '>',
    );
    const reader = await blockOnBoth(pair, 'XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
    await pair.same('XADD', 's', '1-1', 'f', 'v1');
    await sameReply(c1, 'first consumer');
    await sameReply(reader, 'plain reader');
    await stillBlocked(c2);
    await sameAll(pair, [
      ['MULTI'],
      ['XADD', 's', '2-1', 'f', 'v2'],
      ['XADD', 's', '3-1', 'f', 'v3'],
      ['EXEC'],
    ]);
    await sameReply(c2, 'second consumer, COUNT 1');
    await sameAll(pair, [
      ['XPENDING', 's', 'g'],
      ['XPENDING', 's', 'g', '-', '+', '10'],
      ['XINFO', 'GROUPS', 's'],
      ['XINFO', 'CONSUMERS', 's', 'g'],
    ]);
    closeAll(c1, c2, reader);
  });

  it('XREADGROUP NOACK waiters move the group without pending entries', async () => {
    const pair = await env.pair();
    await pair.same('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
    const c = await blockOnBoth(
      pair,
      'XREADGROUP',
      'GROUP',
      'g',
      'c',
      'NOACK',
      'BLOCK',
      '0',
      'STREAMS',
      's',
      '>',
    );
    await pair.same('XADD', 's', '1-1', 'f', 'v');
    await sameReply(c, 'NOACK consumer');
    await sameAll(pair, [
      ['XPENDING', 's', 'g'],
      ['XINFO', 'GROUPS', 's'],
      ['XINFO', 'CONSUMERS', 's', 'g'],
    ]);
    closeAll(c);
  });

  it('a destroyed group or a vanished stream ends XREADGROUP waits with an error', async () => {
    const pair = await env.pair();
    await pair.same('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
    await pair.same('XGROUP', 'CREATE', 's', 'other', '$');
    const destroyed = await blockOnBoth(
      pair,
      'XREADGROUP',
      'GROUP',
      'g',
      'c',
      'BLOCK',
      '0',
      'STREAMS',
      's',
      '>',
    );
    const kept = await blockOnBoth(
      pair,
      'XREADGROUP',
      'GROUP',
      'other',
      'c',
      'BLOCK',
      '0',
      'STREAMS',
      's',
      '>',
    );
    await pair.same('XGROUP', 'DESTROY', 's', 'g');
    await sameReply(destroyed, 'group destroyed');
    await stillBlocked(kept);
    await pair.same('DEL', 's');
    await sameReply(kept, 'stream deleted');
    for (const change of [
      ['SET', 's', 'x'],
      ['RENAME', 's', 't'],
      ['UNLINK', 's'],
      ['FLUSHALL'],
      ['FLUSHDB'],
      ['SWAPDB', '0', '1'],
    ] as Command[]) {
      await pair.same('DEL', 's', 't');
      await pair.same('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
      const waiting = await blockOnBoth(
        pair,
        'XREADGROUP',
        'GROUP',
        'g',
        'c',
        'BLOCK',
        '0',
        'STREAMS',
        's',
        '>',
      );
      await pair.same(...change);
      await sameReply(waiting, `after ${change[0]}`);
      closeAll(waiting);
    }
    await pair.same('FLUSHALL');
    await pair.same('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
    await pair.same('XADD', 't', '5-5', 'f', 'v');
    const replaced = await blockOnBoth(
      pair,
      'XREADGROUP',
      'GROUP',
      'g',
      'c',
      'BLOCK',
      '0',
      'STREAMS',
      's',
      '>',
    );
    await pair.same('RENAME', 't', 's');
    await sameReply(replaced, 'stream replaced by one without the group');
    closeAll(destroyed, kept, replaced);
  });

  it('an XREAD waiter outlives its stream and times out with nil', async () => {
    const pair = await env.pair();
    await fill(pair, 's', 1);
    const a = await blockOnBoth(pair, 'XREAD', 'BLOCK', '300', 'STREAMS', 's', '$');
    await pair.same('DEL', 's');
    await pair.same('SET', 's', 'x');
    await sameReply(a, 'timed out');
    closeAll(a);
  });

  it('timeouts answer nil in RESP2 and RESP3', async () => {
    const pair = await env.pair();
    await pair.same('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
    const a = await blockOnBoth(
      pair,
      'XREADGROUP',
      'GROUP',
      'g',
      'c',
      'BLOCK',
      '50',
      'STREAMS',
      's',
      '>',
    );
    await sameReply(a, 'RESP2 timeout');
    for (const side of ['redis', 'kvik'] as const) await a[side].call('HELLO', '3');
    a.redis.sendRaw(encodeCommand(['XREAD', 'BLOCK', '50', 'STREAMS', 's', '$']));
    a.kvik.sendRaw(encodeCommand(['XREAD', 'BLOCK', '50', 'STREAMS', 's', '$']));
    await sameReply(a, 'RESP3 timeout');
    a.redis.sendRaw(encodeCommand(['XREAD', 'BLOCK', '0', 'STREAMS', 's', '$']));
    a.kvik.sendRaw(encodeCommand(['XREAD', 'BLOCK', '0', 'STREAMS', 's', '$']));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await pair.same('XADD', 's', '1-1', 'f', 'v');
    await sameReply(a, 'RESP3 served');
    closeAll(a);
  });
});

describe('random stream and consumer group sequences against redis-server', () => {
  const id = fc
    .tuple(fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 2 }))
    .map(([ms, seq]) => `${ms}-${seq}`);
  const ids = fc.array(id, { minLength: 1, maxLength: 3 });
  const group = fc.constantFrom('g1', 'g2');
  const consumer = fc.constantFrom('c1', 'c2', 'c3');
  const small = fc.integer({ min: 0, max: 6 });
  const command: fc.Arbitrary<Command> = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.tuple(id, fc.constantFrom('f', 'g')).map(([i, f]) => ['XADD', 's', i, f, 'v']),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('MAXLEN', 'MINID'), fc.constantFrom('~', '='), small, id)
        .map(([how, exact, n, i]) => [
          'XADD',
          's',
          how,
          exact,
          how === 'MAXLEN' ? String(n) : `${n * 3}`,
          i,
          'f',
          'v',
        ]),
    },
    { weight: 2, arbitrary: ids.map((list) => ['XDEL', 's', ...list]) },
    { weight: 1, arbitrary: small.map((n) => ['XTRIM', 's', 'MAXLEN', String(n + 2)]) },
    { weight: 1, arbitrary: id.map((i) => ['XTRIM', 's', 'MINID', i]) },
    {
      weight: 6,
      arbitrary: fc
        .record({
          group,
          consumer,
          count: fc.option(small),
          noack: fc.boolean(),
          history: fc.boolean(),
        })
        .map(({ group, consumer, count, noack, history }) => [
          'XREADGROUP',
          'GROUP',
          group,
          consumer,
          ...(count === null ? [] : ['COUNT', String(count)]),
          ...(noack ? ['NOACK'] : []),
          'STREAMS',
          's',
          history ? '0' : '>',
        ]),
    },
    { weight: 3, arbitrary: fc.tuple(group, ids).map(([g, list]) => ['XACK', 's', g, ...list]) },
    {
      weight: 3,
      arbitrary: fc
        .record({
          group,
          consumer,
          ids,
          force: fc.boolean(),
          justid: fc.boolean(),
          retry: fc.option(small),
        })
        .map(({ group, consumer, ids, force, justid, retry }) => [
          'XCLAIM',
          's',
          group,
          consumer,
          '0',
          ...ids,
          ...(force ? ['FORCE'] : []),
          ...(justid ? ['JUSTID'] : []),
          ...(retry === null ? [] : ['RETRYCOUNT', String(retry)]),
        ]),
    },
    {
      weight: 2,
      arbitrary: fc
        .record({
          group,
          consumer,
          start: id,
          count: fc.integer({ min: 1, max: 4 }),
          justid: fc.boolean(),
        })
        .map(({ group, consumer, start, count, justid }) => [
          'XAUTOCLAIM',
          's',
          group,
          consumer,
          '0',
          start,
          'COUNT',
          String(count),
          ...(justid ? ['JUSTID'] : []),
        ]),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(group, fc.oneof(id, fc.constant('$')), fc.option(small))
        .map(([g, i, read]) => [
          'XGROUP',
          'CREATE',
          's',
          g,
          i,
          ...(read === null ? [] : ['ENTRIESREAD', String(read)]),
        ]),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(group, fc.oneof(id, fc.constant('$')), fc.option(small))
        .map(([g, i, read]) => [
          'XGROUP',
          'SETID',
          's',
          g,
          i,
          ...(read === null ? [] : ['ENTRIESREAD', String(read)]),
        ]),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('CREATECONSUMER', 'DELCONSUMER'), group, consumer)
        .map(([sub, g, c]) => ['XGROUP', sub, 's', g, c]),
    },
    { weight: 1, arbitrary: group.map((g) => ['XGROUP', 'DESTROY', 's', g]) },
    { weight: 1, arbitrary: id.map((i) => ['XSETID', 's', i]) },
    { weight: 1, arbitrary: fc.constant<Command>(['XINFO', 'GROUPS', 's']) },
    { weight: 1, arbitrary: group.map((g) => ['XPENDING', 's', g, '-', '+', '20']) },
  );

  it('random XADD, XREADGROUP, XACK, XCLAIM ... sequences leave both servers alike', async () => {
    const pair = await env.pair();
    for (const c of [['CONFIG', 'SET', 'stream-node-max-entries', '3']]) {
      await pair.redis.call(...c);
      await pair.kvik.call(...c);
    }
    const checks = (g: string): Command[] => [
      ['XPENDING', 's', g],
      ['XPENDING', 's', g, '-', '+', '100'],
      ['XINFO', 'CONSUMERS', 's', g],
    ];
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 20, maxLength: 60 }), async (commands) => {
        await pair.same('FLUSHALL');
        await pair.same('XGROUP', 'CREATE', 's', 'g1', '0', 'MKSTREAM');
        await sameAll(pair, commands);
        await sameAll(pair, [
          ['XINFO', 'STREAM', 's', 'FULL', 'COUNT', '0'],
          ['XINFO', 'GROUPS', 's'],
          ['XRANGE', 's', '-', '+'],
          ...checks('g1'),
          ...checks('g2'),
        ]);
      }),
      { numRuns: 50 },
    );
    await pair.redis.call('CONFIG', 'SET', 'stream-node-max-entries', '100');
    await pair.kvik.call('CONFIG', 'SET', 'stream-node-max-entries', '100');
  });
});
