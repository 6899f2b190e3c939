import { describe, it } from 'node:test';
import fc from 'fast-check';
import { useDiffServers, type Command, type DiffPair } from '../helpers/diff.js';

// Redis's smallest proto-max-bulk-len (1 MB) puts the offset limit within cheap reach.
const env = useDiffServers({
  kvik: { config: { 'proto-max-bulk-len': 1048576 } },
  redisArgs: ['--proto-max-bulk-len', '1048576'],
});

const EVERY_BYTE = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** Keys of every kind a bitmap command may meet: missing, empty, int-like, binary, long. */
async function fixtures(pair: DiffPair): Promise<void> {
  await pair.sameAll([
    ['SET', 'empty', ''],
    ['SET', 'foo', 'foobar'],
    ['SET', 'int', '12345'],
    ['SET', 'bytes', EVERY_BYTE],
    ['SET', 'ones', Buffer.alloc(40, 0xff)],
    ['SET', 'zeros', Buffer.alloc(40, 0)],
    ['SET', 'mixed', Buffer.from([0xff, 0xf0, 0x00, 0x0f, 0x00, 0xff])],
  ]);
}

const KEYS = ['missing', 'empty', 'foo', 'int', 'bytes', 'ones', 'zeros', 'mixed'];

describe('SETBIT and GETBIT against redis-server', () => {
  it('set and clear bits, growing the string with zero bytes', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SETBIT', 'k', '7', '1'],
      ['GET', 'k'],
      ['SETBIT', 'k', '7', '1'],
      ['SETBIT', 'k', '7', '0'],
      ['SETBIT', 'k', '100', '1'],
      ['GET', 'k'],
      ['STRLEN', 'k'],
      ['OBJECT', 'ENCODING', 'k'],
      ['GETBIT', 'k', '100'],
      ['GETBIT', 'k', '101'],
      ['GETBIT', 'k', '100000'],
      ['GETBIT', 'missing', '0'],
      ['SET', 'n', '12345'],
      ['SETBIT', 'n', '1', '1'],
      ['GET', 'n'],
      ['OBJECT', 'ENCODING', 'n'],
      ['SETBIT', 'e', '0', '0'],
      ['GET', 'e'],
    ]);
  });

  it('GETBIT reads every bit of binary and int-like values', async () => {
    const pair = await env.pair();
    await fixtures(pair);
    for (const key of ['bytes', 'int', 'empty']) {
      for (let offset = 0; offset < 2056; offset += 7) {
        await pair.same('GETBIT', key, offset);
      }
    }
  });

  it('refuse bad offsets and bit values with Redis’s errors', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SETBIT', 'k', '-1', '1'],
      ['SETBIT', 'k', 'x', '1'],
      ['SETBIT', 'k', '1.5', '1'],
      ['SETBIT', 'k', '', '1'],
      ['SETBIT', 'k', '#8', '1'],
      ['SETBIT', 'k', '8388608', '1'],
      ['SETBIT', 'k', '8388607', '1'],
      ['STRLEN', 'k'],
      ['SETBIT', 'k', '0', '2'],
      ['SETBIT', 'k', '0', '-1'],
      ['SETBIT', 'k', '0', 'x'],
      ['SETBIT', 'k', '0', ''],
      ['SETBIT', 'k', 'x', 'x'],
      ['GETBIT', 'k', '-1'],
      ['GETBIT', 'k', '8388608'],
      ['GETBIT', 'k', '99999999999999999999'],
      ['GETBIT', 'k'],
      ['SETBIT', 'k', '0'],
      ['HSET', 'h', 'f', 'v'],
      ['SETBIT', 'h', '0', '1'],
      ['GETBIT', 'h', '0'],
      ['GETBIT', 'h', '-1'],
    ]);
  });
});

describe('BITCOUNT against redis-server', () => {
  it('counts whole strings and BYTE and BIT ranges, negative indexes included', async () => {
    const pair = await env.pair();
    await fixtures(pair);
    const ranges: string[][] = [
      [],
      ['0', '-1'],
      ['1', '1'],
      ['-2', '-1'],
      ['-1', '-2'],
      ['-100', '100'],
      ['5', '2'],
      ['0', '0', 'BIT'],
      ['1', '5', 'bit'],
      ['5', '30', 'BIT'],
      ['-10', '-3', 'BIT'],
      ['3', '3', 'BIT'],
      ['0', '-1', 'BYTE'],
      ['-5', '-9', 'BIT'],
      ['9', '1000', 'BIT'],
    ];
    for (const key of KEYS) {
      for (const range of ranges) await pair.same('BITCOUNT', key, ...range);
    }
  });

  it('reports errors as Redis does, after looking the key up', async () => {
    const pair = await env.pair();
    await fixtures(pair);
    await pair.same('LPUSH', 'list', 'a');
    for (const key of ['missing', 'foo', 'list']) {
      await pair.sameAll([
        ['BITCOUNT', key, '0'],
        ['BITCOUNT', key, 'a', 'b'],
        ['BITCOUNT', key, '0', 'b'],
        ['BITCOUNT', key, '0', '1', 'BITS'],
        ['BITCOUNT', key, '0', '1', 'bit\0junk'],
        ['BITCOUNT', key, '-1', '-5', 'nonsense'],
        ['BITCOUNT', key, '0', '1', 'BIT', 'extra'],
        ['BITCOUNT', key, '99999999999999999999', '1'],
      ]);
    }
  });
});

describe('BITPOS against redis-server', () => {
  it('finds set and clear bits with and without ranges, in bytes and bits', async () => {
    const pair = await env.pair();
    await fixtures(pair);
    const ranges: string[][] = [
      [],
      ['0'],
      ['2'],
      ['-1'],
      ['-100'],
      ['100'],
      ['1', '3'],
      ['0', '-1'],
      ['3', '1'],
      ['-3', '-1'],
      ['0', '0', 'BIT'],
      ['7', '12', 'BIT'],
      ['9', '9', 'bit'],
      ['12', '39', 'BIT'],
      ['-13', '-2', 'BIT'],
      ['1', '2', 'BYTE'],
      ['5', '1000', 'BIT'],
    ];
    for (const key of KEYS) {
      for (const bit of ['0', '1']) {
        for (const range of ranges) await pair.same('BITPOS', key, bit, ...range);
      }
    }
  });

  it('reports errors as Redis does', async () => {
    const pair = await env.pair();
    await fixtures(pair);
    await pair.same('LPUSH', 'list', 'a');
    for (const key of ['missing', 'foo', 'list']) {
      await pair.sameAll([
        ['BITPOS', key, '2'],
        ['BITPOS', key, '-1'],
        ['BITPOS', key, 'x'],
        ['BITPOS', key, '1', 'x'],
        ['BITPOS', key, '1', '0', 'x'],
        ['BITPOS', key, '1', '0', '1', 'BITS'],
        ['BITPOS', key, '1', '0', 'x', 'BITS'],
        ['BITPOS', key, '1', '0', 'x', 'BIT'],
        ['BITPOS', key, '1', '0', '1', 'BIT', 'extra'],
        ['BITPOS', key],
      ]);
    }
  });
});

describe('BITOP against redis-server', () => {
  it('ANDs, ORs, XORs and NOTs strings of different lengths', async () => {
    const pair = await env.pair();
    await fixtures(pair);
    for (const op of ['AND', 'OR', 'XOR', 'and', 'Or']) {
      await pair.same('BITOP', op, 'dest', 'foo', 'bytes', 'mixed');
      await pair.same('GET', 'dest');
      await pair.same('BITOP', op, 'dest', 'mixed', 'missing');
      await pair.same('GET', 'dest');
      await pair.same('BITOP', op, 'dest', 'ones', 'int', 'ones');
      await pair.same('GET', 'dest');
      await pair.same('OBJECT', 'ENCODING', 'dest');
    }
    for (const key of KEYS) {
      await pair.same('BITOP', 'NOT', 'dest', key);
      await pair.same('GET', 'dest');
    }
  });

  it('deletes the destination when every source is empty, and clears its TTL otherwise', async () => {
    const pair = await env.pair();
    await fixtures(pair);
    await pair.sameAll([
      ['SET', 'dest', 'x', 'EX', '100'],
      ['BITOP', 'OR', 'dest', 'foo'],
      ['TTL', 'dest'],
      ['BITOP', 'AND', 'dest', 'missing', 'empty'],
      ['EXISTS', 'dest'],
      ['BITOP', 'AND', 'dest', 'missing'],
      ['BITOP', 'OR', 'foo', 'foo', 'int'],
      ['GET', 'foo'],
    ]);
  });

  it('refuses unknown operations, NOT with several keys and keys of other types', async () => {
    const pair = await env.pair();
    await fixtures(pair);
    await pair.sameAll([
      ['BITOP', 'NAND', 'dest', 'foo'],
      ['BITOP', 'AN', 'dest', 'foo'],
      ['BITOP', 'and\0x', 'dest', 'foo'],
      ['BITOP', 'NOT', 'dest', 'foo', 'int'],
      ['BITOP', 'NOT', 'dest'],
      ['BITOP', 'AND', 'dest'],
      ['HSET', 'hash', 'f', 'v'],
      ['BITOP', 'AND', 'dest', 'foo', 'hash'],
      ['BITOP', 'NOT', 'dest', 'hash'],
      ['EXISTS', 'dest'],
      ['BITOP', 'NOT', 'hash', 'foo'],
      ['TYPE', 'hash'],
    ]);
  });
});

describe('BITFIELD and BITFIELD_RO against redis-server', () => {
  it('GET, SET and INCRBY signed and unsigned fields of every width', async () => {
    const pair = await env.pair();
    for (const bits of [1, 2, 7, 8, 9, 15, 16, 31, 32, 33, 53, 63, 64]) {
      const types = bits < 64 ? [`i${bits}`, `u${bits}`] : [`i${bits}`];
      for (const type of types) {
        await pair.sameAll([
          ['BITFIELD', 'k', 'SET', type, '3', '-1'],
          ['BITFIELD', 'k', 'GET', type, '3', 'GET', type, '0'],
          ['BITFIELD', 'k', 'INCRBY', type, '3', '1', 'INCRBY', type, '3', '5'],
          ['BITFIELD', 'k', 'SET', type, '#2', '9223372036854775807'],
          ['BITFIELD', 'k', 'INCRBY', type, '#2', '-9223372036854775808'],
          ['GET', 'k'],
        ]);
      }
    }
  });

  it('applies OVERFLOW WRAP, SAT and FAIL to the operations after it', async () => {
    const pair = await env.pair();
    const cases = ['i8', 'u8', 'i1', 'u1', 'i64', 'u63', 'i63', 'u2'];
    const amounts = ['1', '-1', '127', '-128', '300', '-300', '9223372036854775807'];
    for (const type of cases) {
      for (const overflow of ['WRAP', 'SAT', 'FAIL', 'sat']) {
        for (const amount of amounts) {
          await pair.same('BITFIELD', 'k', 'OVERFLOW', overflow, 'INCRBY', type, '0', amount);
          await pair.same('BITFIELD', 'k', 'OVERFLOW', overflow, 'SET', type, '5', amount);
        }
        await pair.same(
          'BITFIELD',
          'k',
          'OVERFLOW',
          overflow,
          'SET',
          type,
          '9',
          '-9223372036854775808',
        );
        await pair.same('GET', 'k');
      }
    }
    await pair.same(
      'BITFIELD',
      'k2',
      'INCRBY',
      'u8',
      '0',
      '300',
      'OVERFLOW',
      'SAT',
      'INCRBY',
      'u8',
      '0',
      '300',
      'OVERFLOW',
      'FAIL',
      'INCRBY',
      'u8',
      '0',
      '1',
      'GET',
      'u8',
      '0',
    );
  });

  it('refuses bad types, offsets, values and subcommands with Redis’s errors', async () => {
    const pair = await env.pair();
    const invalid: string[][] = [
      ['GET', 'u64', '0'],
      ['GET', 'i65', '0'],
      ['GET', 'i0', '0'],
      ['GET', 'x8', '0'],
      ['GET', 'I8', '0'],
      ['GET', '', '0'],
      ['GET', 'u', '0'],
      ['GET', 'u08', '0'],
      ['GET', 'u-8', '0'],
      ['GET', 'u8\0junk', '0'],
      ['GET', 'u8', '-1'],
      ['GET', 'u8', '#-1'],
      ['GET', 'u8', '#'],
      ['GET', 'u8', 'x'],
      ['GET', 'u8', '8388608'],
      ['GET', 'u8', '#1048576'],
      ['GET', 'u8', '#1048575'],
      ['GET', 'i64', '#144115188075855872'],
      ['SET', 'u8', '0', 'x'],
      ['SET', 'u8', '0', '1.5'],
      ['INCRBY', 'u8', '0', '99999999999999999999'],
      ['GET', 'u8'],
      ['SET', 'u8', '0'],
      ['INCRBY', 'u8'],
      ['OVERFLOW'],
      ['OVERFLOW', 'WRAPS'],
      ['OVERFLOW', 'wrap\0x', 'GET', 'u8', '0'],
      ['FOO', 'u8', '0'],
      ['get\0junk', 'u8', '0'],
      ['GET', 'u8', '0', 'SET', 'u8', 'x', '1'],
      ['GET', 'u8', '0', 'GET'],
    ];
    await pair.same('SET', 'k', 'abc');
    for (const ops of invalid) {
      await pair.same('BITFIELD', 'k', ...ops);
      await pair.same('BITFIELD_RO', 'k', ...ops);
    }
    await pair.same('GET', 'k');
  });

  it('BITFIELD_RO reads only; BITFIELD creates and grows only for writes', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['BITFIELD', 'k'],
      ['BITFIELD', 'k', 'OVERFLOW', 'SAT'],
      ['BITFIELD', 'k', 'GET', 'u8', '100'],
      ['EXISTS', 'k'],
      ['BITFIELD_RO', 'k', 'GET', 'i16', '#3'],
      ['BITFIELD_RO', 'k', 'SET', 'u8', '0', '1'],
      ['BITFIELD_RO', 'k', 'INCRBY', 'u8', '0', '1'],
      ['EXISTS', 'k'],
      ['BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'SET', 'u8', '100', '999'],
      ['GET', 'k'],
      ['OBJECT', 'ENCODING', 'k'],
      ['SET', 'n', '1234'],
      ['BITFIELD', 'n', 'GET', 'u8', '0', 'GET', 'i4', '4', 'GET', 'u32', '#1'],
      ['BITFIELD_RO', 'n', 'GET', 'u8', '0', 'GET', 'i64', '4'],
      ['OBJECT', 'ENCODING', 'n'],
      ['BITFIELD', 'n', 'SET', 'u4', '0', '1', 'GET', 'u8', '24', 'GET', 'u8', '40'],
      ['GET', 'n'],
      ['HSET', 'h', 'f', 'v'],
      ['BITFIELD', 'h', 'GET', 'u8', '0'],
      ['BITFIELD', 'h', 'SET', 'u8', '0', '1'],
      ['BITFIELD', 'h', 'SET', 'u8', 'x', '1'],
      ['BITFIELD_RO', 'h', 'GET', 'u8', '0'],
      ['BITFIELD_RO', 'h', 'SET', 'u8', '0', '1'],
      ['BITFIELD'],
      ['BITFIELD_RO'],
    ]);
  });

  it('replies FAIL overflows as null in RESP3 too', async () => {
    const pair = await env.pair();
    // HELLO's own reply differs (client ids).
    await pair.both('HELLO', '3');
    await pair.sameAll([
      ['BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '0', '7', 'GET', 'u2', '0'],
      ['SETBIT', 'k', '1', '1'],
      ['BITCOUNT', 'k'],
      ['BITPOS', 'k', '1'],
    ]);
  });
});

describe('random bitmap command sequences', () => {
  it('leave the same replies and values on both servers', async () => {
    const pair = await env.pair();
    const key = fc.constantFrom('a', 'b', 'c');
    const offset = fc.nat(200).map(String);
    const index = fc.integer({ min: -30, max: 30 }).map(String);
    const unit = fc.constantFrom([], ['BIT'], ['BYTE']);
    const type = fc.oneof(
      fc.integer({ min: 1, max: 64 }).map((bits) => `i${bits}`),
      fc.integer({ min: 1, max: 63 }).map((bits) => `u${bits}`),
    );
    const amount = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String);
    const small = fc.integer({ min: -300, max: 300 }).map(String);
    const field = fc.oneof(
      fc.tuple(type, offset).map(([t, o]) => ['GET', t, o]),
      fc.tuple(type, offset, fc.oneof(amount, small)).map(([t, o, v]) => ['SET', t, o, v]),
      fc.tuple(type, offset, fc.oneof(amount, small)).map(([t, o, v]) => ['INCRBY', t, o, v]),
      fc.constantFrom(['OVERFLOW', 'WRAP'], ['OVERFLOW', 'SAT'], ['OVERFLOW', 'FAIL']),
    );
    const command: fc.Arbitrary<Command> = fc.oneof(
      fc.tuple(key, offset, fc.constantFrom('0', '1')).map(([k, o, b]) => ['SETBIT', k, o, b]),
      fc.tuple(key, offset).map(([k, o]) => ['GETBIT', k, o]),
      fc.tuple(key, index, index, unit).map(([k, s, e, u]) => ['BITCOUNT', k, s, e, ...u]),
      fc.tuple(key, fc.constantFrom('0', '1'), index).map(([k, b, s]) => ['BITPOS', k, b, s]),
      fc
        .tuple(key, fc.constantFrom('0', '1'), index, index, unit)
        .map(([k, b, s, e, u]) => ['BITPOS', k, b, s, e, ...u]),
      fc
        .tuple(
          fc.constantFrom('AND', 'OR', 'XOR'),
          key,
          fc.array(key, { minLength: 1, maxLength: 3 }),
        )
        .map(([op, d, srcs]) => ['BITOP', op, d, ...srcs]),
      fc.tuple(key, key).map(([d, s]) => ['BITOP', 'NOT', d, s]),
      fc
        .tuple(key, fc.array(field, { maxLength: 4 }))
        .map(([k, f]) => ['BITFIELD', k, ...f.flat()]),
      fc.tuple(key, offset).map(([k, o]) => ['BITFIELD_RO', k, 'GET', 'u8', o]),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), async (commands) => {
        await pair.same('FLUSHALL');
        await pair.sameAll(commands);
        for (const k of ['a', 'b', 'c']) await pair.same('GET', k);
      }),
      { numRuns: 150 },
    );
  });
});
