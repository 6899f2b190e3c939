import { describe, it } from 'node:test';
import { useDiffServers, type Command, type DiffPair } from '../helpers/diff.js';

const env = useDiffServers();

const MAX = '18446744073709551615';

/** In a command list: switch both connections to RESP3 (HELLO's reply shows client ids). */
const RESP3: Command = ['HELLO', '3'];

/** Runs commands on both servers comparing replies, except the RESP3 switch. */
async function sameAll(pair: DiffPair, commands: Command[]): Promise<void> {
  for (const command of commands) {
    if (command === RESP3) await pair.both(...command);
    else await pair.same(...command);
  }
}

/** Adds entries with explicit IDs "1-1", "2-1" ... so both servers hold the same stream. */
async function fill(pair: DiffPair, key: string, count: number, fields = ['f', 'v']) {
  for (let i = 1; i <= count; i++) await pair.same('XADD', key, `${i}-1`, ...fields, String(i));
}

describe('XADD against redis-server', () => {
  it('XADD with explicit IDs appends in order and refuses smaller or equal ones', async () => {
    const pair = await env.pair();
    await sameAll(pair, [
      ['XADD', 's', '1-1', 'f', 'v'],
      ['XADD', 's', '1-1', 'f', 'v'],
      ['XADD', 's', '1-0', 'f', 'v'],
      ['XADD', 's', '0-5', 'f', 'v'],
      ['XADD', 's', '1-2', 'a', '1', 'b', '2'],
      ['XADD', 's', '2', 'f', 'v'],
      ['XADD', 's', '2', 'f', 'v'],
      ['XADD', 's', '0-0', 'f', 'v'],
      ['XADD', 'n', '0-0', 'f', 'v'],
      ['XADD', 'n', '0', 'f', 'v'],
      ['EXISTS', 'n'],
      ['XADD', 'n', '0-1', 'f', 'v'],
      ['XLEN', 's'],
      ['XRANGE', 's', '-', '+'],
    ]);
  });

  it('XADD with a partial ID generates the sequence from the last entry', async () => {
    const pair = await env.pair();
    await sameAll(pair, [
      ['XADD', 's', '5-*', 'f', 'v'],
      ['XADD', 's', '5-*', 'f', 'v'],
      ['XADD', 's', '6-*', 'f', 'v'],
      ['XADD', 's', '5-*', 'f', 'v'],
      ['XADD', 's', '0-*', 'f', 'v'],
      ['XADD', 'z', '0-*', 'f', 'v'],
      ['XADD', 's', `6-${MAX}`, 'f', 'v'],
      ['XADD', 's', '6-*', 'f', 'v'],
      ['XADD', 's', '7-*', 'f', 'v'],
      ['XADD', 's', '*-1', 'f', 'v'],
      ['XADD', 's', '8-**', 'f', 'v'],
      ['XRANGE', 's', '-', '+'],
      ['XRANGE', 'z', '-', '+'],
    ]);
  });

  it('XADD accepts the largest IDs exactly and refuses to go past the last one', async () => {
    const pair = await env.pair();
    await sameAll(pair, [
      ['XADD', 's', '9007199254740993-9007199254740993', 'f', 'v'],
      ['XADD', 's', '9007199254740993-*', 'f', 'v'],
      ['XADD', 's', `${MAX}-0`, 'f', 'v'],
      ['XADD', 's', `${MAX}-*`, 'f', 'v'],
      ['XADD', 's', '*', 'f', 'v'],
      ['XADD', 's', `${MAX}-${MAX}`, 'f', 'v'],
      ['XADD', 's', '*', 'f', 'v'],
      ['XADD', 's', `${MAX}-*`, 'f', 'v'],
      ['XRANGE', 's', '-', '+'],
      ['XREVRANGE', 's', '+', '-', 'COUNT', '2'],
      ['XRANGE', 's', '9007199254740993', '9007199254740993'],
      ['XRANGE', 's', `(9007199254740993-9007199254740993`, `(${MAX}`],
      ['XINFO', 'STREAM', 's'],
      ['XADD', 't', '18446744073709551616-0', 'f', 'v'],
      ['XADD', 't', '1-18446744073709551616', 'f', 'v'],
    ]);
  });

  it('XADD reads IDs as Redis does: signs, spaces, leading zeros and NUL bytes', async () => {
    const pair = await env.pair();
    const ids = [
      '007-1',
      '+8-1',
      ' 9-1',
      '10- 1',
      '11-+1',
      '12--1',
      '13- -1',
      '-1',
      '14-1\0junk',
      'abc',
      '',
      '-',
      '+',
      '1.5',
      '0x10-1',
      '20-1-1',
      `${'1'.repeat(130)}`,
    ];
    for (const id of ids) await pair.same('XADD', 's', id, 'f', 'v');
    await pair.same('XRANGE', 's', '-', '+');
  });

  it('XADD with NOMKSTREAM does not create the key', async () => {
    const pair = await env.pair();
    await sameAll(pair, [
      ['XADD', 's', 'NOMKSTREAM', '1-1', 'f', 'v'],
      ['EXISTS', 's'],
      ['XADD', 's', '1-1', 'f', 'v'],
      ['XADD', 's', 'nomkstream', '2-1', 'f', 'v'],
      ['XLEN', 's'],
      RESP3,
      ['XADD', 'x', 'NOMKSTREAM', '*', 'f', 'v'],
    ]);
  });

  it('XADD checks its arguments before the key', async () => {
    const pair = await env.pair();
    await sameAll(pair, [
      ['SET', 'str', 'x'],
      ['XADD', 'str', '1-1', 'f', 'v'],
      ['XADD', 'str', '1-1', 'f'],
      ['XADD', 's', '1-1'],
      ['XADD', 's', 'MAXLEN', '5'],
      ['XADD', 's', 'MAXLEN', '5', '*'],
      ['XADD', 's', 'MAXLEN', '5', '*', 'f', 'v', 'g'],
      ['XADD', 's', 'MAXLEN', '-1', '*', 'f', 'v'],
      ['XADD', 's', 'MAXLEN', 'x', '*', 'f', 'v'],
      ['XADD', 's', 'MAXLEN', '1', 'MINID', '1', '*', 'f', 'v'],
      ['XADD', 's', 'MINID', 'abc', '*', 'f', 'v'],
      ['XADD', 's', 'MINID', '-', '*', 'f', 'v'],
      ['XADD', 's', 'LIMIT', '5', '*', 'f', 'v'],
      ['XADD', 's', 'LIMIT', '0', '*', 'f', 'v'],
      ['XADD', 's', 'MAXLEN', '5', 'LIMIT', '5', '*', 'f', 'v'],
      ['XADD', 's', 'MAXLEN', '~', '5', 'LIMIT', '-1', '*', 'f', 'v'],
      ['XADD', 's', 'MAXLEN', '~', '5', 'LIMIT', 'x', '*', 'f', 'v'],
      ['XADD', 's', 'FOO', 'f', 'v'],
      ['XADD', 's', 'MAXLEN'],
      ['EXISTS', 's'],
      ['XADD', 's', 'maxlen\0x', '3', '1-1', 'f', 'v'],
      // A last ID in the future makes "*" generate the same next ID on both servers.
      ['XADD', 's', '99999999999999-0', 'f', 'v'],
      ['XADD', 's', '*\0', 'f', 'v'],
      ['XLEN', 's'],
    ]);
  });

  it('XADD MAXLEN and MINID trim exactly, or by whole nodes with ~', async () => {
    const pair = await env.pair();
    await fill(pair, 's', 250);
    await sameAll(pair, [
      ['XADD', 's', 'MAXLEN', '~', '120', '251-1', 'f', 'v'],
      ['XLEN', 's'],
      ['XADD', 's', 'MAXLEN', '=', '120', '252-1', 'f', 'v'],
      ['XLEN', 's'],
      ['XADD', 's', 'MAXLEN', '100', '253-1', 'f', 'v'],
      ['XRANGE', 's', '-', '+', 'COUNT', '2'],
      ['XADD', 's', 'MINID', '~', '200', '254-1', 'f', 'v'],
      ['XLEN', 's'],
      ['XADD', 's', 'MINID', '200', '255-1', 'f', 'v'],
      ['XRANGE', 's', '-', '+', 'COUNT', '2'],
      ['XADD', 's', 'MAXLEN', '~', '10', 'LIMIT', '20', '256-1', 'f', 'v'],
      ['XLEN', 's'],
      ['XADD', 's', 'MAXLEN', '~', '0', 'LIMIT', '0', '257-1', 'f', 'v'],
      ['XLEN', 's'],
      ['XINFO', 'STREAM', 's'],
      ['XADD', 's', 'MAXLEN', '0', '258-1', 'f', 'v'],
      ['XINFO', 'STREAM', 's'],
    ]);
  });

  it('XADD stores binary fields and values, and fields different from the first entry', async () => {
    const pair = await env.pair();
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await sameAll(pair, [
      ['XADD', 's', '1-1', bytes, bytes, '', ''],
      ['XADD', 's', '2-1', bytes, 'x', '', 'y'],
      ['XADD', 's', '3-1', 'other', 'x'],
      [
        'XADD',
        's',
        '4-1',
        'a',
        'x'.repeat(5000),
        'b',
        '12345',
        'c',
        '-7',
        'd',
        '9223372036854775808',
      ],
      ['XADD', 's', '5-1', bytes, bytes, '', ''],
      ['XRANGE', 's', '-', '+'],
      ['XREVRANGE', 's', '+', '-'],
    ]);
  });
});

describe('node splitting against redis-server (XINFO STREAM radix tree counts)', () => {
  it('a new node starts at stream-node-max-entries entries, deleted ones included', async () => {
    const pair = await env.pair();
    for (const c of [
      ['CONFIG', 'SET', 'stream-node-max-entries', '5'],
      ['CONFIG', 'SET', 'stream-node-max-bytes', '4096'],
    ]) {
      await pair.redis.call(...c);
      await pair.kvik.call(...c);
    }
    await fill(pair, 's', 7);
    await pair.same('XDEL', 's', '2-1', '3-1');
    for (let i = 8; i <= 30; i++) await pair.same('XADD', 's', `${i}-1`, 'f', 'v');
    await pair.same('XINFO', 'STREAM', 's');
    await pair.same('XDEL', 's', '8-1', '9-1', '10-1', '11-1', '12-1', '20-1');
    await pair.same('XINFO', 'STREAM', 's');
    await pair.same('XINFO', 'STREAM', 's', 'FULL');
  });

  it('a new node starts when stream-node-max-bytes would be reached', async () => {
    const pair = await env.pair();
    for (const c of [
      ['CONFIG', 'SET', 'stream-node-max-entries', '0'],
      ['CONFIG', 'SET', 'stream-node-max-bytes', '300'],
    ]) {
      await pair.redis.call(...c);
      await pair.kvik.call(...c);
    }
    const sizes = [1, 5, 63, 64, 100, 200, 4095, 4096, 20, 1, 0, 30, 127, 128, 12];
    let n = 1;
    for (const size of sizes) {
      await pair.same('XADD', 's', `${n++}-${n}`, 'f', 'x'.repeat(size));
      await pair.same('XADD', 's', `${n++}-0`, 'num', String(size * 1000), 'g', String(-size));
      await pair.same('XINFO', 'STREAM', 's');
    }
    for (const c of [
      ['CONFIG', 'SET', 'stream-node-max-entries', '100'],
      ['CONFIG', 'SET', 'stream-node-max-bytes', '4096'],
    ]) {
      await pair.redis.call(...c);
      await pair.kvik.call(...c);
    }
  });

  it('radix-tree-nodes follows node creation and removal over far apart IDs', async () => {
    const pair = await env.pair();
    await pair.redis.call('CONFIG', 'SET', 'stream-node-max-entries', '2');
    await pair.kvik.call('CONFIG', 'SET', 'stream-node-max-entries', '2');
    const ids = [
      '1-1',
      '2-1',
      '256-0',
      '257-5',
      '65536-0',
      '65537-1',
      '16777216-3',
      '4294967296-0',
      '4294967297-0',
      '1099511627776-1',
      '1099511627777-1',
      `${MAX}-0`,
      `${MAX}-1`,
      `${MAX}-9`,
    ];
    for (const id of ids) {
      await pair.same('XADD', 's', id, 'f', 'v');
      await pair.same('XINFO', 'STREAM', 's');
    }
    for (const id of ['256-0', '257-5', '1-1', '4294967297-0', '4294967296-0', `${MAX}-1`, '2-1']) {
      await pair.same('XDEL', 's', id);
      await pair.same('XINFO', 'STREAM', 's');
    }
    await pair.same('XTRIM', 's', 'MAXLEN', '2');
    await pair.same('XINFO', 'STREAM', 's');
    await pair.redis.call('CONFIG', 'SET', 'stream-node-max-entries', '100');
    await pair.kvik.call('CONFIG', 'SET', 'stream-node-max-entries', '100');
  });
});

describe('XRANGE and XREVRANGE against redis-server', () => {
  it('ranges are inclusive, exclusive with "(", partial IDs cover a whole millisecond', async () => {
    const pair = await env.pair();
    await fill(pair, 's', 5);
    await sameAll(pair, [
      ['XADD', 's', '5-2', 'f', 'v'],
      ['XADD', 's', '5-3', 'f', 'v'],
      ['XRANGE', 's', '-', '+'],
      ['XRANGE', 's', '2', '4'],
      ['XRANGE', 's', '(2-1', '(4-1'],
      ['XRANGE', 's', '5', '5'],
      ['XRANGE', 's', '(5-1', '+'],
      ['XRANGE', 's', '4', '2'],
      ['XRANGE', 's', '(1-1', '(1-1'],
      ['XRANGE', 's', '-', '+', 'COUNT', '2'],
      ['XRANGE', 's', '-', '+', 'count', '0'],
      ['XRANGE', 's', '-', '+', 'COUNT', '-3'],
      ['XRANGE', 's', '-', '+', 'COUNT', '2', 'COUNT', '3'],
      ['XREVRANGE', 's', '+', '-'],
      ['XREVRANGE', 's', '4', '2'],
      ['XREVRANGE', 's', '(4', '(2'],
      ['XREVRANGE', 's', '+', '-', 'COUNT', '3'],
      ['XREVRANGE', 's', '2', '4'],
      ['XRANGE', 'missing', '-', '+'],
      ['XRANGE', 'missing', '-', '+', 'COUNT', '0'],
    ]);
  });

  it('XRANGE refuses bad IDs, bad options and impossible exclusive bounds', async () => {
    const pair = await env.pair();
    await fill(pair, 's', 2);
    await sameAll(pair, [
      ['XRANGE', 's', 'x', '+'],
      ['XRANGE', 's', '-', 'x'],
      ['XRANGE', 's', '(-', '+'],
      ['XRANGE', 's', '-', '(+'],
      ['XRANGE', 's', '(', '+'],
      ['XRANGE', 's', `(${MAX}-${MAX}`, '+'],
      ['XRANGE', 's', '-', '(0-0'],
      ['XRANGE', 's', '-', '(0'],
      ['XREVRANGE', 's', '(0-0', '-'],
      ['XRANGE', 's', '-', '+', 'COUNT'],
      ['XRANGE', 's', '-', '+', 'COUNT', 'x'],
      ['XRANGE', 's', '-', '+', 'LIMIT', '1'],
      ['XRANGE', 's'],
      ['SET', 'str', 'x'],
      ['XRANGE', 'str', '-', '+'],
      ['XREVRANGE', 'str', '+', '-'],
      ['XLEN', 'str'],
      ['XLEN', 'missing'],
      RESP3,
      ['XRANGE', 's', '-', '+', 'COUNT', '0'],
      ['XRANGE', 's', '-', '+'],
    ]);
  });
});

describe('XDEL and XTRIM against redis-server', () => {
  it('XDEL deletes existing entries, counts them, and moves the first and max-deleted IDs', async () => {
    const pair = await env.pair();
    await fill(pair, 's', 5);
    await sameAll(pair, [
      ['XDEL', 's', '3-1', '3-1', '9-1'],
      ['XDEL', 's', '1-1'],
      ['XINFO', 'STREAM', 's'],
      ['XDEL', 's', '2-1', 'x'],
      ['XDEL', 's', '-'],
      ['XDEL', 's', '5'],
      ['XDEL', 's', '2-1', '4-1', '5-1'],
      ['XINFO', 'STREAM', 's'],
      ['XLEN', 's'],
      ['EXISTS', 's'],
      ['XDEL', 'missing', '1-1'],
      ['XDEL', 'missing', 'x'],
      ['SET', 'str', 'x'],
      ['XDEL', 'str', '1-1'],
    ]);
  });

  it('XTRIM trims by length or ID, exactly or by nodes, within LIMIT', async () => {
    const pair = await env.pair();
    await fill(pair, 's', 350);
    await sameAll(pair, [
      ['XTRIM', 's', 'MAXLEN', '~', '320'],
      ['XTRIM', 's', 'MAXLEN', '~', '250'],
      ['XLEN', 's'],
      ['XTRIM', 's', 'MAXLEN', '245'],
      ['XTRIM', 's', 'MINID', '~', '200'],
      ['XTRIM', 's', 'MINID', '150'],
      ['XRANGE', 's', '-', '+', 'COUNT', '1'],
      ['XTRIM', 's', 'MINID', '=', '160-0'],
      ['XTRIM', 's', 'MAXLEN', '~', '0', 'LIMIT', '50'],
      ['XTRIM', 's', 'MAXLEN', '~', '0', 'LIMIT', '100'],
      ['XINFO', 'STREAM', 's'],
      ['XTRIM', 's', 'MAXLEN', '1000'],
      ['XTRIM', 's', 'MINID', '0'],
      ['XTRIM', 's', 'MAXLEN', '0'],
      ['XINFO', 'STREAM', 's'],
      ['XTRIM', 'missing', 'MAXLEN', '0'],
    ]);
  });

  it('XTRIM refuses what XADD refuses, and options XADD alone takes', async () => {
    const pair = await env.pair();
    await fill(pair, 's', 3);
    const invalid: Command[] = [
      ['XTRIM', 's', 'MAXLEN'],
      ['XTRIM', 's', 'FOO', '1'],
      ['XTRIM', 's', 'LIMIT', '5'],
      ['XTRIM', 's', 'LIMIT', '0', 'MAXLEN', '1'],
      ['XTRIM', 's', 'MAXLEN', '1', 'LIMIT', '1'],
      ['XTRIM', 's', 'MAXLEN', '1', 'MINID', '1'],
      ['XTRIM', 's', 'NOMKSTREAM', 'MAXLEN', '1'],
      ['XTRIM', 's', 'MAXLEN', '-5'],
      ['XTRIM', 's', 'MINID', '+'],
      ['XTRIM', 's', 'MAXLEN', '1', '*'],
      ['XTRIM', 'str', 'MAXLEN', '1'],
      ['XLEN', 's'],
    ];
    await pair.same('SET', 'str', 'x');
    await sameAll(pair, invalid);
  });

  it('a ~ trim with the default limit stops after 100 nodes of stream-node-max-entries', async () => {
    const pair = await env.pair();
    for (const c of [['CONFIG', 'SET', 'stream-node-max-entries', '2']]) {
      await pair.redis.call(...c);
      await pair.kvik.call(...c);
    }
    await fill(pair, 's', 450);
    await sameAll(pair, [
      ['XTRIM', 's', 'MAXLEN', '~', '0'],
      ['XLEN', 's'],
      ['XTRIM', 's', 'MINID', '~', `${1000}`],
      ['XLEN', 's'],
    ]);
    for (const c of [['CONFIG', 'SET', 'stream-node-max-entries', '0']]) {
      await pair.redis.call(...c);
      await pair.kvik.call(...c);
    }
    await sameAll(pair, [
      ['XTRIM', 's', 'MAXLEN', '~', '0'],
      ['XLEN', 's'],
    ]);
    await pair.redis.call('CONFIG', 'SET', 'stream-node-max-entries', '100');
    await pair.kvik.call('CONFIG', 'SET', 'stream-node-max-entries', '100');
  });
});

describe('XSETID against redis-server', () => {
  it('XSETID moves the last ID, entries added and max deleted ID within their rules', async () => {
    const pair = await env.pair();
    await fill(pair, 's', 3);
    await sameAll(pair, [
      ['XSETID', 's', '2-0'],
      ['XSETID', 's', '3-1'],
      ['XSETID', 's', '10-0', 'ENTRIESADDED', '2'],
      ['XSETID', 's', '10-0', 'ENTRIESADDED', '-1'],
      ['XSETID', 's', '10-0', 'ENTRIESADDED', 'x'],
      ['XSETID', 's', '10-0', 'MAXDELETEDID', '11-0'],
      ['XSETID', 's', '10-0', 'MAXDELETEDID', 'x'],
      ['XSETID', 's', '10-0', 'ENTRIESADDED', '9223372036854775807', 'MAXDELETEDID', '5-0'],
      ['XINFO', 'STREAM', 's'],
      ['XSETID', 's', '4-0'],
      ['XSETID', 's', '5-0', 'MAXDELETEDID', '0-0'],
      ['XSETID', 's', '10-0', 'FOO', '1'],
      ['XSETID', 's', '10-0', 'ENTRIESADDED'],
      ['XSETID', 's', '+'],
      ['XSETID', 's', 'x'],
      ['XSETID', 'missing', '1-0'],
      ['SET', 'str', 'x'],
      ['XSETID', 'str', '1-0'],
      ['XADD', 's', '10-0', 'f', 'v'],
      ['XSETID', 's', '99999999999999-5'],
      ['XADD', 's', '*', 'f', 'v'],
      ['XINFO', 'STREAM', 's'],
    ]);
  });

  it('XSETID on an empty stream takes any ID and entries added', async () => {
    const pair = await env.pair();
    await sameAll(pair, [
      ['XADD', 's', '5-5', 'f', 'v'],
      ['XDEL', 's', '5-5'],
      ['XSETID', 's', '1-0'],
      ['XSETID', 's', '5-5', 'ENTRIESADDED', '0'],
      ['XSETID', 's', '7-0', 'ENTRIESADDED', '100', 'MAXDELETEDID', '6-0'],
      ['XINFO', 'STREAM', 's'],
      ['XADD', 's', '6-9', 'f', 'v'],
      ['XADD', 's', '7-1', 'f', 'v'],
      ['XINFO', 'STREAM', 's'],
    ]);
  });
});

describe('XINFO against redis-server', () => {
  it('XINFO STREAM shows the stream, FULL its entries and groups, within COUNT', async () => {
    const pair = await env.pair();
    await pair.same('XINFO', 'STREAM', 's');
    await pair.same('XADD', 's', '1-1', 'f', 'v');
    await pair.same('XDEL', 's', '1-1');
    await pair.same('XINFO', 'STREAM', 's');
    await pair.same('XINFO', 'STREAM', 's', 'FULL');
    await fill(pair, 'k', 15);
    await sameAll(pair, [
      ['XGROUP', 'CREATE', 'k', 'g2', '0'],
      ['XGROUP', 'CREATE', 'k', 'g1', '$'],
      ['XGROUP', 'CREATE', 'k', 'a', '3-1', 'ENTRIESREAD', '3'],
      ['XINFO', 'STREAM', 'k'],
      ['XINFO', 'STREAM', 'k', 'FULL'],
      ['XINFO', 'STREAM', 'k', 'full', 'count', '3'],
      ['XINFO', 'STREAM', 'k', 'FULL', 'COUNT', '0'],
      ['XINFO', 'STREAM', 'k', 'FULL', 'COUNT', '-1'],
      ['XINFO', 'STREAM', 'k', 'FULL', 'COUNT', 'x'],
      ['XINFO', 'STREAM', 'k', 'FULL', 'COUNT'],
      ['XINFO', 'STREAM', 'k', 'FULL', 'LIMIT', '1'],
      ['XINFO', 'STREAM', 'k', 'PARTIAL'],
      ['XINFO', 'STREAM', 'missing', 'PARTIAL'],
      ['XINFO', 'GROUPS', 'k'],
      ['XINFO', 'GROUPS', 'missing'],
      ['XINFO', 'CONSUMERS', 'k', 'g1'],
      ['XINFO', 'CONSUMERS', 'k', 'nog'],
      ['XINFO', 'FOO', 'k'],
      ['XINFO', 'HELP'],
      ['XINFO', 'help', 'x'],
      ['XINFO'],
      ['SET', 'str', 'x'],
      ['XINFO', 'STREAM', 'str'],
      ['XINFO', 'GROUPS', 'str'],
      RESP3,
      ['XINFO', 'STREAM', 'k'],
      ['XINFO', 'STREAM', 'k', 'FULL', 'COUNT', '2'],
      ['XINFO', 'GROUPS', 'k'],
      ['XINFO', 'STREAM', 's'],
    ]);
  });
});

describe('XREAD against redis-server', () => {
  it('XREAD returns entries after the given IDs, per stream, within COUNT', async () => {
    const pair = await env.pair();
    await fill(pair, 'a', 4);
    await fill(pair, 'b', 2);
    await sameAll(pair, [
      ['XREAD', 'STREAMS', 'a', '0'],
      ['XREAD', 'COUNT', '2', 'STREAMS', 'a', 'b', '1-1', '0-0'],
      ['XREAD', 'COUNT', '0', 'STREAMS', 'a', 'b', '1', '2'],
      ['XREAD', 'COUNT', '-1', 'STREAMS', 'a', '3-1'],
      ['XREAD', 'STREAMS', 'a', 'b', '$', '$'],
      ['XREAD', 'STREAMS', 'a', 'missing', '0', '0'],
      ['XREAD', 'STREAMS', 'missing', '0'],
      ['XREAD', 'STREAMS', 'a', 'a', '2', '3'],
      ['XREAD', 'STREAMS', 'a', `${MAX}-${MAX}`],
      ['XREAD', 'BLOCK', '10', 'STREAMS', 'a', '$'],
      ['XREAD', 'streams', 'a', '4-0'],
      RESP3,
      ['XREAD', 'STREAMS', 'a', 'b', '2', '0'],
      ['XREAD', 'STREAMS', 'a', '$'],
    ]);
  });

  it('XREAD refuses bad options and IDs', async () => {
    const pair = await env.pair();
    await fill(pair, 'a', 2);
    await pair.same('SET', 'str', 'x');
    const invalid: Command[] = [
      ['XREAD', 'STREAMS', 'a'],
      ['XREAD', 'STREAMS', 'a', 'b', '0'],
      ['XREAD', 'COUNT', 'x', 'STREAMS', 'a', '0'],
      ['XREAD', 'BLOCK', 'x', 'STREAMS', 'a', '0'],
      ['XREAD', 'BLOCK', '-1', 'STREAMS', 'a', '0'],
      ['XREAD', 'GROUP', 'g', 'c', 'STREAMS', 'a', '0'],
      ['XREAD', 'NOACK', 'STREAMS', 'a', '0'],
      ['XREAD', 'FOO', 'STREAMS', 'a', '0'],
      ['XREAD', 'COUNT', '1', 'a', '0'],
      ['XREAD', 'STREAMS', 'a', '>'],
      ['XREAD', 'STREAMS', 'a', 'x'],
      ['XREAD', 'STREAMS', 'a', '+'],
      ['XREAD', 'STREAMS', 'a', '-'],
      ['XREAD', 'STREAMS', 'str', '0'],
      ['XREAD', 'STREAMS', 'a', 'str', '0', '0'],
      ['XREAD', 'STREAMS', 'a', 'str', 'x', '0'],
      ['XREAD', 'COUNT'],
    ];
    await sameAll(pair, invalid);
  });

  it('XREAD and XREADGROUP with BLOCK are refused in scripts', async () => {
    const pair = await env.pair();
    await sameAll(pair, [
      ['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM'],
      ['EVAL', "return redis.pcall('XREAD', 'BLOCK', '0', 'STREAMS', 's', '$')", '0'],
      [
        'EVAL',
        "return redis.pcall('xreadgroup', 'GROUP', 'g', 'c', 'BLOCK', 'x', 'STREAMS', 's', '>')",
        '0',
      ],
      ['EVAL', "return redis.pcall('XREAD', 'COUNT', '1', 'STREAMS', 's', '0')", '0'],
    ]);
  });

  it('XREAD with BLOCK inside MULTI answers at once', async () => {
    const pair = await env.pair();
    await sameAll(pair, [
      ['MULTI'],
      ['XREAD', 'BLOCK', '0', 'STREAMS', 's', '$'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>'],
      ['EXEC'],
    ]);
  });
});
