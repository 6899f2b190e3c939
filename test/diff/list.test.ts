import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { useDiffServers, type Command } from '../helpers/diff.js';
import { RawClient, encodeCommand } from '../helpers/raw-client.js';

const env = useDiffServers();

const EVERY_BYTE = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

describe('list pushes and pops against redis-server', () => {
  it('LPUSH and RPUSH add at each end and answer the new length', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['LPUSH', 'l', 'a'],
      ['LPUSH', 'l', 'b', 'c'],
      ['RPUSH', 'l', 'x', 'y', 'z'],
      ['LRANGE', 'l', '0', '-1'],
      ['RPUSH', 'bin', EVERY_BYTE, '', EVERY_BYTE],
      ['LRANGE', 'bin', '0', '-1'],
      ['LLEN', 'bin'],
      ['lpush', 'l', '1'],
      ['LPUSH', 'l'],
      ['RPUSH'],
      ['TYPE', 'l'],
      ['OBJECT', 'ENCODING', 'l'],
    ]);
  });

  it('LPUSHX and RPUSHX push only onto an existing list', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['LPUSHX', 'l', 'a'],
      ['RPUSHX', 'l', 'a', 'b'],
      ['EXISTS', 'l'],
      ['RPUSH', 'l', 'm'],
      ['LPUSHX', 'l', 'a', 'b'],
      ['RPUSHX', 'l', 'y', 'z'],
      ['LRANGE', 'l', '0', '-1'],
      ['SET', 's', 'v'],
      ['LPUSHX', 's', 'a'],
      ['RPUSHX', 's', 'a'],
    ]);
  });

  it('LPOP and RPOP take one element, and the last one deletes the key', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['LPOP', 'l'],
      ['RPOP', 'l'],
      ['RPUSH', 'l', 'a', 'b', 'c'],
      ['LPOP', 'l'],
      ['RPOP', 'l'],
      ['LPOP', 'l'],
      ['EXISTS', 'l'],
      ['LPOP', 'l'],
      ['LPOP', 'l', '1', '2'],
    ]);
  });

  it('LPOP and RPOP with a count answer arrays, nil arrays and range errors', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['LPOP', 'l', '2'],
      ['LPOP', 'l', '0'],
      ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'],
      ['LPOP', 'l', '0'],
      ['LPOP', 'l', '2'],
      ['RPOP', 'l', '2'],
      ['RPOP', 'l', '9223372036854775807'],
      ['EXISTS', 'l'],
      ['LPOP', 'l', '-1'],
      ['LPOP', 'l', 'x'],
      ['LPOP', 'l', '9223372036854775808'],
      ['SET', 's', 'v'],
      ['LPOP', 's'],
      ['LPOP', 's', '0'],
      ['RPOP', 's', '1'],
    ]);
  });

  it('pops answer RESP3 nulls for missing keys', async () => {
    const pair = await env.pair();
    await pair.both('HELLO', '3');
    await pair.sameAll([
      ['LPOP', 'l'],
      ['LPOP', 'l', '3'],
      ['LMPOP', '1', 'l', 'LEFT'],
      ['LINDEX', 'l', '0'],
      ['LPOS', 'l', 'a'],
      ['LMOVE', 'l', 'm', 'LEFT', 'RIGHT'],
      ['BLPOP', 'l', '0.01'],
      ['BLMOVE', 'l', 'm', 'LEFT', 'RIGHT', '0.01'],
      ['RPUSH', 'l', 'a'],
      ['LPOP', 'l', '5'],
    ]);
  });
});

describe('list reads against redis-server', () => {
  it('LRANGE clamps its indexes, counts negative ones from the end', async () => {
    const pair = await env.pair();
    await pair.same('RPUSH', 'l', ...'abcdefghij'.split(''));
    const bounds = ['0', '1', '-1', '-2', '5', '9', '10', '11', '-10', '-11', '-100', '100'];
    for (const start of bounds) {
      for (const end of bounds) await pair.same('LRANGE', 'l', start, end);
    }
    await pair.sameAll([
      ['LRANGE', 'l', '-9223372036854775808', '9223372036854775807'],
      ['LRANGE', 'l', 'x', '1'],
      ['LRANGE', 'l', '0', '1.5'],
      ['LRANGE', 'none', '0', '-1'],
      ['LRANGE', 'none', 'x', '-1'],
      ['SET', 's', 'v'],
      ['LRANGE', 's', '0', '-1'],
      ['LRANGE', 's', 'x', '-1'],
    ]);
  });

  it('LINDEX reads any index, nil out of range, and checks the key before the index', async () => {
    const pair = await env.pair();
    await pair.same('RPUSH', 'l', 'a', 'b', 'c');
    for (const index of [
      '0',
      '2',
      '3',
      '-1',
      '-3',
      '-4',
      '9223372036854775807',
      '-9223372036854775808',
    ]) {
      await pair.same('LINDEX', 'l', index);
    }
    await pair.sameAll([
      ['LINDEX', 'l', 'x'],
      ['LINDEX', 'none', 'x'],
      ['SET', 's', 'v'],
      ['LINDEX', 's', '0'],
    ]);
  });

  it('LLEN counts elements, 0 for a missing key', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['LLEN', 'l'],
      ['RPUSH', 'l', 'a', 'b'],
      ['LLEN', 'l'],
      ['SET', 's', 'v'],
      ['LLEN', 's'],
    ]);
  });

  it('LPOS finds matches with RANK, COUNT and MAXLEN', async () => {
    const pair = await env.pair();
    await pair.same('RPUSH', 'l', 'a', 'b', 'c', 'a', 'b', 'a', 'c', 'a');
    const options: string[][] = [
      [],
      ['RANK', '1'],
      ['RANK', '2'],
      ['RANK', '4'],
      ['RANK', '5'],
      ['RANK', '-1'],
      ['RANK', '-3'],
      ['RANK', '-9'],
      ['COUNT', '0'],
      ['COUNT', '2'],
      ['COUNT', '9'],
      ['COUNT', '0', 'RANK', '-2'],
      ['COUNT', '2', 'RANK', '2'],
      ['MAXLEN', '4'],
      ['MAXLEN', '1'],
      ['MAXLEN', '0', 'COUNT', '0'],
      ['MAXLEN', '5', 'COUNT', '0', 'RANK', '-1'],
      ['RANK', '-9223372036854775808'],
      ['RANK', '-9223372036854775808', 'COUNT', '1'],
      ['RANK', '9223372036854775807'],
      ['rank', '2', 'count', '1', 'maxlen', '6'],
    ];
    for (const option of options) {
      await pair.same('LPOS', 'l', 'a', ...option);
      await pair.same('LPOS', 'l', 'z', ...option);
    }
  });

  it('LPOS refuses bad options, before looking at the key', async () => {
    const pair = await env.pair();
    await pair.same('SET', 's', 'v');
    const invalid: string[][] = [
      ['RANK', '0'],
      ['RANK', 'x'],
      ['COUNT', '-1'],
      ['COUNT', 'x'],
      ['MAXLEN', '-1'],
      ['MAXLEN', 'x'],
      ['RANK'],
      ['FOO', '1'],
      ['COUNT', '1', 'RANK'],
    ];
    for (const option of invalid) {
      await pair.same('LPOS', 'none', 'a', ...option);
      await pair.same('LPOS', 's', 'a', ...option);
    }
    await pair.sameAll([
      ['LPOS', 'none', 'a'],
      ['LPOS', 'none', 'a', 'COUNT', '1'],
      ['LPOS', 's', 'a'],
    ]);
  });
});

describe('list updates against redis-server', () => {
  it('LSET replaces by index, refusing missing keys and out-of-range indexes', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['LSET', 'l', '0', 'x'],
      ['RPUSH', 'l', 'a', 'b', 'c'],
      ['LSET', 'l', '0', 'x'],
      ['LSET', 'l', '-1', 'z'],
      ['LSET', 'l', '3', 'q'],
      ['LSET', 'l', '-4', 'q'],
      ['LSET', 'l', 'x', 'q'],
      ['LRANGE', 'l', '0', '-1'],
      ['LSET', 'none', 'x', 'q'],
      ['SET', 's', 'v'],
      ['LSET', 's', '0', 'q'],
    ]);
  });

  it('LINSERT puts an element before or after the first pivot', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['LINSERT', 'l', 'BEFORE', 'a', 'x'],
      ['RPUSH', 'l', 'a', 'b', 'a', 'c'],
      ['LINSERT', 'l', 'BEFORE', 'a', 'x'],
      ['LINSERT', 'l', 'after', 'a', 'y'],
      ['LINSERT', 'l', 'AFTER', 'c', 'end'],
      ['LINSERT', 'l', 'before', 'nothere', 'q'],
      ['LINSERT', 'l', 'middle', 'a', 'q'],
      ['LINSERT', 'none', 'middle', 'a', 'q'],
      ['LRANGE', 'l', '0', '-1'],
      ['SET', 's', 'v'],
      ['LINSERT', 's', 'BEFORE', 'a', 'q'],
    ]);
  });

  it('LINSERT inserts in the middle of a long list on either side', async () => {
    const pair = await env.pair();
    const elements = Array.from({ length: 200 }, (_, i) => `e${i}`);
    await pair.same('RPUSH', 'l', ...elements);
    for (const pivot of ['e0', 'e1', 'e50', 'e99', 'e100', 'e150', 'e198', 'e199']) {
      await pair.same('LINSERT', 'l', 'BEFORE', pivot, `b-${pivot}`);
      await pair.same('LINSERT', 'l', 'AFTER', pivot, `a-${pivot}`);
    }
    await pair.same('LRANGE', 'l', '0', '-1');
  });

  it('LREM removes from the head, the tail, or everywhere', async () => {
    const pair = await env.pair();
    const list = ['a', 'b', 'a', 'c', 'a', 'b', 'a'];
    for (const count of ['0', '1', '2', '-1', '-2', '10', '-10', '-9223372036854775808']) {
      await pair.same('DEL', 'l');
      await pair.same('RPUSH', 'l', ...list);
      await pair.same('LREM', 'l', count, 'a');
      await pair.same('LRANGE', 'l', '0', '-1');
    }
    await pair.sameAll([
      ['LREM', 'l', '0', 'b'],
      ['LREM', 'l', '0', 'c'],
      ['EXISTS', 'l'],
      ['LREM', 'l', '0', 'c'],
      ['LREM', 'l', 'x', 'c'],
      ['SET', 's', 'v'],
      ['LREM', 's', '0', 'c'],
    ]);
  });

  it('LTRIM keeps a range and deletes the key when nothing is left', async () => {
    const pair = await env.pair();
    const ranges = [
      ['0', '-1'],
      ['1', '-2'],
      ['2', '2'],
      ['-3', '-1'],
      ['5', '2'],
      ['0', '100'],
      ['-100', '1'],
      ['10', '20'],
      ['0', '-11'],
    ];
    for (const [start, end] of ranges) {
      await pair.same('DEL', 'l');
      await pair.same('RPUSH', 'l', ...'abcdefghij'.split(''));
      await pair.same('LTRIM', 'l', start, end);
      await pair.same('LRANGE', 'l', '0', '-1');
      await pair.same('EXISTS', 'l');
    }
    await pair.sameAll([
      ['LTRIM', 'none', '0', '1'],
      ['LTRIM', 'none', 'x', '1'],
      ['LTRIM', 'l', '0', 'x'],
      ['SET', 's', 'v'],
      ['LTRIM', 's', '0', '1'],
    ]);
  });
});

describe('list moves against redis-server', () => {
  it('LMOVE moves between every pair of ends, onto itself too', async () => {
    const pair = await env.pair();
    await pair.same('RPUSH', 'src', 'a', 'b', 'c', 'd');
    for (const from of ['LEFT', 'RIGHT']) {
      for (const to of ['LEFT', 'right']) {
        await pair.same('LMOVE', 'src', 'dst', from, to);
        await pair.same('LRANGE', 'dst', '0', '-1');
      }
    }
    await pair.sameAll([
      ['LRANGE', 'src', '0', '-1'],
      ['EXISTS', 'src'],
      ['LMOVE', 'src', 'dst', 'LEFT', 'LEFT'],
      ['RPUSH', 'one', 'x'],
      ['LMOVE', 'one', 'one', 'LEFT', 'RIGHT'],
      ['LRANGE', 'one', '0', '-1'],
      ['RPUSH', 'two', 'x', 'y'],
      ['LMOVE', 'two', 'two', 'LEFT', 'RIGHT'],
      ['LRANGE', 'two', '0', '-1'],
      ['LMOVE', 'dst', 'dst', 'RIGHT', 'LEFT'],
      ['LRANGE', 'dst', '0', '-1'],
    ]);
  });

  it('LMOVE and RPOPLPUSH check both types and their arguments', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['RPUSH', 'l', 'a', 'b'],
      ['SET', 's', 'v'],
      ['LMOVE', 'l', 's', 'LEFT', 'LEFT'],
      ['LMOVE', 's', 'l', 'LEFT', 'LEFT'],
      ['LMOVE', 'none', 's', 'LEFT', 'LEFT'],
      ['LMOVE', 'l', 'm', 'UP', 'LEFT'],
      ['LMOVE', 'l', 'm', 'LEFT', 'DOWN'],
      ['LRANGE', 'l', '0', '-1'],
      ['RPOPLPUSH', 'l', 's'],
      ['RPOPLPUSH', 's', 'l'],
      ['RPOPLPUSH', 'none', 'l'],
      ['RPOPLPUSH', 'l', 'm'],
      ['RPOPLPUSH', 'l', 'm'],
      ['RPOPLPUSH', 'l', 'm'],
      ['LRANGE', 'm', '0', '-1'],
      ['EXISTS', 'l'],
    ]);
  });

  it('LMPOP pops from the first non-empty list, up to COUNT', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['LMPOP', '2', 'a', 'b', 'LEFT'],
      ['RPUSH', 'b', '1', '2', '3'],
      ['LMPOP', '2', 'a', 'b', 'LEFT'],
      ['LMPOP', '2', 'a', 'b', 'right', 'COUNT', '1'],
      ['RPUSH', 'a', 'x'],
      ['LMPOP', '2', 'a', 'b', 'RIGHT', 'COUNT', '10'],
      ['LMPOP', '1', 'b', 'LEFT', 'count', '9223372036854775807'],
      ['EXISTS', 'a', 'b'],
    ]);
  });

  it('LMPOP refuses bad arguments in Redis order', async () => {
    const pair = await env.pair();
    await pair.same('SET', 's', 'v');
    const invalid: string[][] = [
      ['0', 'a', 'LEFT'],
      ['-1', 'a', 'LEFT'],
      ['x', 'a', 'LEFT'],
      ['2', 'a', 'LEFT'],
      ['5', 'a', 'LEFT'],
      ['1', 'a', 'MIDDLE'],
      ['1', 'a', 'LEFT', 'COUNT'],
      ['1', 'a', 'LEFT', 'COUNT', '0'],
      ['1', 'a', 'LEFT', 'COUNT', '-1'],
      ['1', 'a', 'LEFT', 'COUNT', 'x'],
      ['1', 'a', 'LEFT', 'COUNT', '1', 'COUNT', '1'],
      ['1', 'a', 'LEFT', 'FOO'],
      ['1', 's', 'LEFT'],
      ['2', 'none', 's', 'LEFT'],
      ['9223372036854775807', 'a', 'LEFT'],
      ['9223372036854775808', 'a', 'LEFT'],
    ];
    for (const args of invalid) await pair.same('LMPOP', ...args);
    await pair.same('LMPOP', '1');
  });
});

describe('blocking list commands that need not block, against redis-server', () => {
  it('BLPOP and BRPOP serve at once from the first non-empty list', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['RPUSH', 'b', '1', '2', '3'],
      ['BLPOP', 'a', 'b', '0'],
      ['BRPOP', 'a', 'b', '0'],
      ['BRPOP', 'b', 'b', '0'],
      ['EXISTS', 'b'],
      ['SET', 's', 'v'],
      ['RPUSH', 'c', 'x'],
      ['BLPOP', 'c', 's', '0'],
      ['BLPOP', 'none', 's', '0'],
      ['BLPOP', 's', '0'],
    ]);
  });

  it('BLMOVE and BRPOPLPUSH move at once from a non-empty list', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['RPUSH', 'src', 'a', 'b', 'c'],
      ['BLMOVE', 'src', 'dst', 'LEFT', 'RIGHT', '0'],
      ['BRPOPLPUSH', 'src', 'dst', '0'],
      ['LRANGE', 'dst', '0', '-1'],
      ['SET', 's', 'v'],
      ['BLMOVE', 'src', 's', 'LEFT', 'RIGHT', '0'],
      ['BRPOPLPUSH', 's', 'dst', '0'],
      ['BLMOVE', 'src', 'dst', 'UP', 'RIGHT', '0'],
      ['BLMOVE', 'src', 'dst', 'LEFT', 'RIGHT', 'x'],
      ['BLMOVE', 's', 'dst', 'LEFT', 'RIGHT', 'x'],
      ['BRPOPLPUSH', 'src', 'dst', '-1'],
      ['LRANGE', 'src', '0', '-1'],
    ]);
  });

  it('BLMPOP serves at once, and parses its arguments before the timeout', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['RPUSH', 'b', '1', '2', '3'],
      ['BLMPOP', '0', '2', 'a', 'b', 'LEFT', 'COUNT', '2'],
      ['BLMPOP', '0', '2', 'a', 'b', 'RIGHT'],
      ['BLMPOP', 'x', '0', 'a', 'LEFT'],
      ['BLMPOP', 'x', '1', 'a', 'MIDDLE'],
      ['BLMPOP', 'x', '1', 'a', 'LEFT'],
      ['BLMPOP', '-1', '1', 'a', 'LEFT'],
      ['BLMPOP', '0', '1', 'a', 'LEFT', 'COUNT', '0'],
      ['BLMPOP', '0', '2', 'a', 'LEFT'],
      ['BLMPOP', '0', '1', 'a'],
    ]);
  });

  it('timeouts are long doubles in seconds: bad, negative and overflowing ones are refused', async () => {
    const pair = await env.pair();
    await pair.same('RPUSH', 'l', 'a');
    const timeouts = [
      'x',
      '',
      ' 1',
      '1 ',
      'nan',
      '-1',
      '-0.5',
      'inf',
      '-inf',
      '1e100',
      '9223372036854775807',
      '0x10',
      '1e5000',
      '1e-5000',
    ];
    for (const timeout of timeouts) {
      await pair.same('BLPOP', 'l', timeout);
      await pair.same('RPUSH', 'l', 'a');
    }
    for (const timeout of ['0.001', '1e-400', '0.0001', '0x1p-20']) {
      await pair.same('BLPOP', 'none', timeout);
    }
  });

  it('inside MULTI a blocking command never blocks: it pops, or answers nil at once', async () => {
    const pair = await env.pair();
    const transaction: Command[] = [
      ['MULTI'],
      ['BLPOP', 'none', '0'],
      ['BRPOP', 'none', '1'],
      ['BLMOVE', 'none', 'd', 'LEFT', 'LEFT', '0'],
      ['BRPOPLPUSH', 'none', 'd', '0'],
      ['BLMPOP', '0', '1', 'none', 'LEFT'],
      ['RPUSH', 'l', 'a', 'b', 'c'],
      ['BLPOP', 'none', 'l', '0'],
      ['BLMOVE', 'l', 'd', 'LEFT', 'LEFT', '0'],
      ['BLMPOP', '0', '1', 'l', 'LEFT', 'COUNT', '5'],
      ['EXEC'],
    ];
    await pair.sameAll(transaction);
    await pair.both('HELLO', '3');
    await pair.sameAll(transaction);
  });

  it('a blocking pop times out with a null array, BLMOVE included', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['BLPOP', 'a', 'b', '0.01'],
      ['BRPOP', 'a', '0.01'],
      ['BLMOVE', 'a', 'b', 'LEFT', 'LEFT', '0.01'],
      ['BRPOPLPUSH', 'a', 'b', '0.01'],
      ['BLMPOP', '0.01', '1', 'a', 'LEFT'],
    ]);
  });
});

describe('random list command sequences against redis-server', () => {
  const key = fc.constantFrom('a', 'b', 'c');
  const element = fc.constantFrom('x', 'y', 'z', '1', '', 'long-element-value');
  const index = fc.integer({ min: -6, max: 6 }).map(String);
  const end = fc.constantFrom('LEFT', 'RIGHT');
  const count = fc.integer({ min: 0, max: 4 }).map(String);
  const command: fc.Arbitrary<Command> = fc.oneof(
    fc
      .tuple(
        fc.constantFrom('LPUSH', 'RPUSH', 'LPUSHX', 'RPUSHX'),
        key,
        fc.array(element, { minLength: 1, maxLength: 5 }),
      )
      .map(([c, k, els]) => [c, k, ...els]),
    fc.tuple(fc.constantFrom('LPOP', 'RPOP'), key).map(([c, k]) => [c, k]),
    fc.tuple(fc.constantFrom('LPOP', 'RPOP'), key, count).map(([c, k, n]) => [c, k, n]),
    fc.tuple(key, index, index).map(([k, s, e]) => ['LRANGE', k, s, e]),
    fc.tuple(key, index).map(([k, i]) => ['LINDEX', k, i]),
    fc.tuple(key, index, element).map(([k, i, v]) => ['LSET', k, i, v]),
    fc
      .tuple(key, fc.constantFrom('BEFORE', 'AFTER'), element, element)
      .map(([k, w, p, v]) => ['LINSERT', k, w, p, v]),
    fc.tuple(key, index, element).map(([k, n, v]) => ['LREM', k, n, v]),
    fc.tuple(key, index, index).map(([k, s, e]) => ['LTRIM', k, s, e]),
    fc
      .tuple(
        key,
        element,
        fc.constantFrom(
          [],
          ['RANK', '-1'],
          ['COUNT', '0'],
          ['RANK', '2', 'COUNT', '2'],
          ['MAXLEN', '3'],
        ),
      )
      .map(([k, v, o]) => ['LPOS', k, v, ...o]),
    fc.tuple(key, key, end, end).map(([s, d, f, t]) => ['LMOVE', s, d, f, t]),
    fc.tuple(key, key).map(([s, d]) => ['RPOPLPUSH', s, d]),
    fc
      .tuple(key, key, end, count)
      .map(([a, b, e, n]) => ['LMPOP', '2', a, b, e, 'COUNT', n === '0' ? '1' : n]),
    fc.tuple(key, key).map(([a, b]) => ['BLPOP', a, b, '0.001']),
    key.map((k) => ['LLEN', k]),
    key.map((k) => ['SET', k, 'string']),
    key.map((k) => ['DEL', k]),
  );

  it('leave both servers answering the same', async () => {
    const pair = await env.pair();
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 40 }), async (commands) => {
        await pair.same('FLUSHALL');
        for (const c of commands) await pair.same(...c);
        for (const k of ['a', 'b', 'c']) await pair.same('LRANGE', k, '0', '-1');
      }),
      { numRuns: 100 },
    );
  });
});

/**
 * Several clients on each server, playing the same script: a blocking command is sent without
 * waiting for its reply, and every reply read is compared between the servers.
 */
class Clients {
  private constructor(
    private readonly redis: RawClient[],
    private readonly kvik: RawClient[],
  ) {}

  static async open(count: number): Promise<Clients> {
    const connect = (port: number) =>
      Promise.all(Array.from({ length: count }, () => RawClient.connect(port)));
    const clients = new Clients(await connect(env.reference.port), await connect(env.kvik.port));
    opened.push(clients);
    return clients;
  }

  /** Sends a command from client i on both servers, not waiting for the reply. */
  send(i: number, ...args: Command): void {
    this.redis[i].sendRaw(encodeCommand(args));
    this.kvik[i].sendRaw(encodeCommand(args));
  }

  /** Reads client i's next reply on both servers; they must be equal. */
  async expect(i: number, expected?: string): Promise<void> {
    const [redis, kvik] = await Promise.all([this.redis[i].readReply(), this.kvik[i].readReply()]);
    assert.equal(kvik, redis, `reply to client ${i}`);
    if (expected !== undefined) assert.equal(kvik, expected);
  }

  /** Sends and compares the replies. */
  async same(i: number, ...args: Command): Promise<void> {
    this.send(i, ...args);
    await this.expect(i);
  }

  /** Client i's id on each server, for CLIENT UNBLOCK. */
  async ids(i: number): Promise<{ redis: string; kvik: string }> {
    const [redis, kvik] = await Promise.all([
      this.redis[i].call('CLIENT', 'ID'),
      this.kvik[i].call('CLIENT', 'ID'),
    ]);
    return { redis: redis.slice(1, -2), kvik: kvik.slice(1, -2) };
  }

  /** Runs CLIENT UNBLOCK from client 0 with each server's id of the target. */
  async unblock(target: { redis: string; kvik: string }, ...reason: string[]): Promise<void> {
    const [redis, kvik] = await Promise.all([
      this.redis[0].call('CLIENT', 'UNBLOCK', target.redis, ...reason),
      this.kvik[0].call('CLIENT', 'UNBLOCK', target.kvik, ...reason),
    ]);
    assert.equal(kvik, redis);
  }

  /** Waits until both servers count `count` blocked clients (so the order of arrival is known). */
  async blocked(count: number): Promise<void> {
    await this.untilInfo(`blocked_clients:${count}\r\n`);
  }

  /** Waits until both servers count `count` blocked clients with a timeout. */
  async inTimeoutTable(count: number): Promise<void> {
    await this.untilInfo(`clients_in_timeout_table:${count}\r\n`);
  }

  private async untilInfo(line: string): Promise<void> {
    for (const control of [this.redis[0], this.kvik[0]]) {
      for (let tries = 0; ; tries++) {
        const info = await control.call('INFO', 'clients');
        if (info.includes(line)) break;
        assert.ok(tries < 200, `never ${line.trim()}: ${info}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  }

  /** Asserts client i has no reply pending for a while, on either server. */
  async silent(i: number, ms = 50): Promise<void> {
    for (const client of [this.redis[i], this.kvik[i]]) {
      await assert.rejects(client.readReply(ms), /timed out/, `client ${i} got a reply`);
    }
  }

  /** Client i goes away on both servers. */
  disconnect(i: number): void {
    this.redis[i].close();
    this.kvik[i].close();
  }

  close(): void {
    for (const client of [...this.redis, ...this.kvik]) client.close();
  }
}

const opened: Clients[] = [];
after(() => opened.forEach((c) => c.close()));

/**
 * Fresh clients on flushed servers, once the clients of the test before are gone (a failed test
 * may leave some blocked); client 0 is the one that pushes.
 */
async function clients(count: number): Promise<Clients> {
  for (const previous of opened.splice(0)) previous.close();
  (await env.pair()).close();
  const c = await Clients.open(count);
  await c.blocked(0);
  return c;
}

describe('clients blocked on lists, against redis-server', () => {
  it('are served first come, first served, one element each', async () => {
    const c = await clients(4);
    for (const i of [1, 2, 3]) {
      c.send(i, 'BLPOP', 'k', '0');
      await c.blocked(i);
    }
    await c.same(0, 'RPUSH', 'k', 'a', 'b');
    await c.expect(1, '*2\r\n$1\r\nk\r\n$1\r\na\r\n');
    await c.expect(2);
    await c.silent(3);
    await c.same(0, 'LPUSH', 'k', 'c', 'd');
    await c.expect(3);
    await c.same(0, 'LRANGE', 'k', '0', '-1');
  });

  it('are served from whichever of their keys gets a list, with their pop direction', async () => {
    const c = await clients(3);
    c.send(1, 'BRPOP', 'a', 'b', '0');
    await c.blocked(1);
    c.send(2, 'BLMPOP', '0', '2', 'b', 'a', 'RIGHT', 'COUNT', '2');
    await c.blocked(2);
    await c.same(0, 'RPUSH', 'b', '1', '2', '3', '4');
    await c.expect(1);
    await c.expect(2);
    await c.same(0, 'LRANGE', 'b', '0', '-1');
  });

  it('keep waiting when the key becomes another type, and are served once it is a list', async () => {
    const c = await clients(2);
    c.send(1, 'BLPOP', 'k', '0');
    await c.blocked(1);
    await c.same(0, 'SET', 'k', 'string');
    await c.same(0, 'HSET', 'h', 'f', 'v');
    await c.same(0, 'RENAME', 'h', 'k');
    await c.silent(1);
    await c.same(0, 'DEL', 'k');
    await c.same(0, 'RPUSH', 'src', 'x');
    await c.same(0, 'RENAME', 'src', 'k');
    await c.expect(1);
    await c.same(0, 'EXISTS', 'k');
  });

  it('keep waiting while their key is a string that expires, and are served by the next list', async () => {
    const c = await clients(2);
    c.send(1, 'BRPOP', 'k', '0');
    await c.blocked(1);
    await c.same(0, 'SET', 'k', 'v', 'PX', '50');
    await new Promise((resolve) => setTimeout(resolve, 120));
    await c.silent(1);
    await c.same(0, 'EXISTS', 'k');
    await c.same(0, 'LPUSH', 'k', 'after');
    await c.expect(1);
  });

  it('are not served by a push in another database', async () => {
    const c = await clients(2);
    await c.same(1, 'SELECT', '1');
    c.send(1, 'BLPOP', 'k', '0');
    await c.blocked(1);
    await c.same(0, 'RPUSH', 'k', 'db0');
    await c.silent(1);
    await c.same(0, 'SELECT', '1');
    await c.same(0, 'RPUSH', 'k', 'db1');
    await c.expect(1);
    await c.same(0, 'LLEN', 'k');
  });

  it('are served when SWAPDB brings a list under their key', async () => {
    const c = await clients(2);
    c.send(1, 'BLPOP', 'k', 'other', '0');
    await c.blocked(1);
    await c.same(0, 'SELECT', '1');
    await c.same(0, 'RPUSH', 'k', 'from-db1');
    await c.same(0, 'SWAPDB', '0', '1');
    await c.expect(1);
    await c.same(0, 'SET', 'other', 'string');
    await c.same(0, 'SWAPDB', '0', '1');
    await c.same(0, 'FLUSHALL');
  });

  it('chain BLMOVE into a client blocked on its destination, in the same round', async () => {
    const c = await clients(3);
    c.send(1, 'BLMOVE', 'a', 'b', 'LEFT', 'RIGHT', '0');
    await c.blocked(1);
    c.send(2, 'BRPOPLPUSH', 'b', 'c', '0');
    await c.blocked(2);
    await c.same(0, 'RPUSH', 'a', 'x', 'y');
    await c.expect(1);
    await c.expect(2);
    for (const key of ['a', 'b', 'c']) await c.same(0, 'LRANGE', key, '0', '-1');
  });

  it('get WRONGTYPE when BLMOVE finds its destination of another type', async () => {
    const c = await clients(2);
    c.send(1, 'BLMOVE', 'a', 's', 'LEFT', 'RIGHT', '0');
    await c.blocked(1);
    await c.same(0, 'SET', 's', 'string');
    await c.same(0, 'RPUSH', 'a', 'x');
    await c.expect(1);
    await c.same(0, 'LRANGE', 'a', '0', '-1');
  });

  it('run the commands they pipelined once served, and not before', async () => {
    const c = await clients(2);
    c.send(1, 'BLPOP', 'k', '0');
    c.send(1, 'RPUSH', 'k', 'mine');
    c.send(1, 'LRANGE', 'k', '0', '-1');
    await c.blocked(1);
    await c.same(0, 'LLEN', 'k');
    await c.same(0, 'RPUSH', 'k', 'first');
    await c.expect(1);
    await c.expect(1);
    await c.expect(1);
  });

  it('are served only once a transaction is over, by what it left', async () => {
    const c = await clients(3);
    c.send(1, 'BLPOP', 'k', '0');
    await c.blocked(1);
    for (const command of [['MULTI'], ['RPUSH', 'k', 'a'], ['LPOP', 'k'], ['EXEC']]) {
      await c.same(0, ...command);
    }
    await c.silent(1);
    c.send(2, 'BLPOP', 'k', '0');
    await c.blocked(2);
    for (const command of [['MULTI'], ['RPUSH', 'k', 'b', 'c', 'd'], ['LLEN', 'k'], ['EXEC']]) {
      await c.same(0, ...command);
    }
    await c.expect(1, '*2\r\n$1\r\nk\r\n$1\r\nb\r\n');
    await c.expect(2);
    await c.same(0, 'LRANGE', 'k', '0', '-1');
  });

  it('are served only once a script is over, by what it left', async () => {
    const c = await clients(2);
    c.send(1, 'BLPOP', 'k', '0');
    await c.blocked(1);
    const pushPop = "redis.call('RPUSH', KEYS[1], 'a'); return redis.call('LPOP', KEYS[1])";
    await c.same(0, 'EVAL', pushPop, '1', 'k');
    await c.silent(1);
    const pushTwo = "redis.call('RPUSH', KEYS[1], 'x', 'y'); return redis.call('LLEN', KEYS[1])";
    await c.same(0, 'EVAL', pushTwo, '1', 'k');
    await c.expect(1, '*2\r\n$1\r\nk\r\n$1\r\nx\r\n');
    await c.same(0, 'LRANGE', 'k', '0', '-1');
  });

  it('scripts may not block: BLMPOP answers nil there, BLPOP is refused', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['EVAL', "return redis.call('BLMPOP', '0', '1', KEYS[1], 'LEFT')", '1', 'none'],
      ['EVAL', "return redis.pcall('BLPOP', KEYS[1], '0')", '1', 'none'],
      ['RPUSH', 'l', 'a'],
      ['EVAL', "return redis.call('BLMPOP', '0', '1', KEYS[1], 'LEFT')", '1', 'l'],
    ]);
  });

  it('time out with a null array, and show in INFO meanwhile', async () => {
    const c = await clients(3);
    c.send(1, 'BLPOP', 'k', '0.2');
    c.send(2, 'BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '0');
    await c.blocked(2);
    await c.inTimeoutTable(1);
    await c.expect(1, '*-1\r\n');
    await c.blocked(1);
    await c.inTimeoutTable(0);
    await c.same(0, 'RPUSH', 'k', 'x');
    await c.expect(2);
  });

  it('are released by CLIENT UNBLOCK, with the timeout reply or an error', async () => {
    const c = await clients(2);
    const [pusher, waiter] = [await c.ids(0), await c.ids(1)];
    c.send(1, 'BLPOP', 'k', '0');
    await c.blocked(1);
    await c.unblock(waiter);
    await c.expect(1, '*-1\r\n');
    c.send(1, 'BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '0');
    await c.blocked(1);
    await c.unblock(waiter, 'ERROR');
    await c.expect(1, '-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n');
    c.send(1, 'BRPOPLPUSH', 'k', 'd', '0');
    await c.blocked(1);
    await c.unblock(waiter, 'timeout');
    await c.expect(1, '*-1\r\n');
    await c.unblock(waiter);
    await c.unblock(pusher, 'ERROR');
    await c.unblock(waiter, 'NEVER');
    await c.same(0, 'CLIENT', 'UNBLOCK', 'x');
    await c.same(0, 'CLIENT', 'UNBLOCK', '999999', 'TIMEOUT', 'extra');
    await c.same(0, 'CLIENT', 'UNBLOCK', '999999');
    await c.same(0, 'CLIENT', 'UNBLOCK');
  });

  it('that disconnect are forgotten, and leave the list alone', async () => {
    const c = await clients(3);
    c.send(1, 'BLPOP', 'k', '0');
    await c.blocked(1);
    c.send(2, 'BLPOP', 'k', '0');
    await c.blocked(2);
    c.disconnect(1);
    await c.blocked(1);
    await c.same(0, 'RPUSH', 'k', 'a', 'b');
    await c.expect(2);
    await c.same(0, 'LRANGE', 'k', '0', '-1');
    await c.blocked(0);
  });
});
