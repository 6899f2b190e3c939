import { describe, it } from 'node:test';
import fc from 'fast-check';
import { useDiffServers, type Command } from '../helpers/diff.js';

// A small proto-max-bulk-len (Redis's minimum, 1 MB) lets SETRANGE and APPEND reach it cheaply.
const env = useDiffServers({
  kvik: { config: { 'proto-max-bulk-len': 1048576 } },
  redisArgs: ['--proto-max-bulk-len', '1048576'],
});

const EVERY_BYTE = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

describe('GET, SET and their variants against redis-server', () => {
  it('SET stores any bytes and GET returns them unchanged', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['GET', 'k'],
      ['SET', 'k', 'v'],
      ['GET', 'k'],
      ['SET', 'k', ''],
      ['GET', 'k'],
      ['SET', EVERY_BYTE, EVERY_BYTE],
      ['GET', EVERY_BYTE],
      ['SET', 'big', 'x'.repeat(100_000)],
      ['GET', 'big'],
      ['set', 'k', '12345'],
      ['GET', 'k'],
      ['GET'],
      ['SET', 'k'],
    ]);
  });

  it('SET NX and XX decide by existence, and GET returns the old value either way', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SET', 'k', 'v1', 'XX'],
      ['SET', 'k', 'v1', 'NX'],
      ['SET', 'k', 'v2', 'NX'],
      ['SET', 'k', 'v2', 'xx'],
      ['GET', 'k'],
      ['SET', 'k', 'v3', 'GET'],
      ['SET', 'k', 'v4', 'NX', 'GET'],
      ['SET', 'n', 'v5', 'XX', 'GET'],
      ['SET', 'n', 'v6', 'GET', 'NX'],
      ['GET', 'n'],
      ['SET', 'k', 'v7', 'nx', 'nx'],
      ['SET', 'k', 'v8', 'GET', 'get', 'XX', 'xx'],
      ['GET', 'k'],
    ]);
  });

  it('SET refuses conflicting or unknown options with a syntax error', async () => {
    const pair = await env.pair();
    const invalid: string[][] = [
      ['NX', 'XX'],
      ['XX', 'NX'],
      ['EX', '10', 'PX', '100'],
      ['PX', '100', 'EXAT', '99999999999'],
      ['EXAT', '99999999999', 'PXAT', '99999999999999'],
      ['KEEPTTL', 'EX', '10'],
      ['EX', '10', 'KEEPTTL'],
      ['PERSIST'],
      ['EX'],
      ['PX'],
      ['GET', 'EX'],
      ['FOO'],
      ['NXX'],
      ['N'],
      [''],
    ];
    for (const options of invalid) await pair.same('SET', 'k', 'v', ...options);
    await pair.same('EXISTS', 'k');
  });

  it('SET reads option words as C strings, up to the first NUL byte', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SET', 'k', 'v', 'NX\0junk'],
      ['SET', 'k', 'v', 'XX\0'],
      ['SET', 'k', 'w', 'GET\0x'],
      ['SET', 'k', 'v', 'EX\0', '100'],
      ['TTL', 'k'],
      ['SET', 'k', 'v', '\0NX'],
    ]);
  });

  it('SET validates its expire time before touching the key', async () => {
    const pair = await env.pair();
    await pair.same('SET', 'k', 'old');
    for (const [unit, amount] of [
      ['EX', '0'],
      ['EX', '-1'],
      ['PX', '0'],
      ['EXAT', '0'],
      ['PXAT', '-5'],
      ['EX', 'abc'],
      ['EX', '1.5'],
      ['EX', ''],
      ['EX', ' 10'],
      ['EX', '9223372036854775807'],
      ['EX', '9223372036854775'],
      ['EX', '9223372036854776'],
      ['PX', '9223372036854775807'],
      ['EXAT', '9223372036854776'],
      ['PX', '9223372036854775808'],
    ]) {
      await pair.same('SET', 'k', 'new', unit, amount);
      await pair.same('SET', 'k', 'new', unit, amount, 'GET');
    }
    await pair.same('GET', 'k');
  });

  it('SET with a relative or absolute expiry sets the TTL, and KEEPTTL keeps it', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SET', 'k', 'v', 'EX', '100'],
      ['TTL', 'k'],
      ['SET', 'k', 'v', 'PX', '200000'],
      ['TTL', 'k'],
      ['SET', 'k', 'v', 'EXAT', '99999999999'],
      ['EXPIRETIME', 'k'],
      ['SET', 'k', 'v', 'PXAT', '99999999999999'],
      ['PEXPIRETIME', 'k'],
      ['SET', 'k', 'w', 'KEEPTTL'],
      ['PEXPIRETIME', 'k'],
      ['SET', 'k', 'x', 'KEEPTTL', 'GET'],
      ['PEXPIRETIME', 'k'],
      ['SET', 'k', 'y'],
      ['TTL', 'k'],
      ['SET', 'k', 'v', 'EX', '100', 'EX', '300'],
      ['TTL', 'k'],
    ]);
  });

  it('SET with an expiry already past leaves a key that reads as missing', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SET', 'k', 'v', 'EXAT', '1'],
      ['GET', 'k'],
      ['EXISTS', 'k'],
      ['SET', 'k', 'v', 'PXAT', '1', 'GET'],
      ['GET', 'k'],
    ]);
  });

  it('SETNX, SETEX and PSETEX behave as SET with NX, EX and PX', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SETNX', 'k', 'v1'],
      ['SETNX', 'k', 'v2'],
      ['GET', 'k'],
      ['SETEX', 'k', '100', 'v3'],
      ['GET', 'k'],
      ['TTL', 'k'],
      ['PSETEX', 'k', '300000', 'v4'],
      ['TTL', 'k'],
      ['SETEX', 'k', '0', 'v'],
      ['SETEX', 'k', '-10', 'v'],
      ['SETEX', 'k', 'x', 'v'],
      ['SETEX', 'k', '9223372036854775807', 'v'],
      ['PSETEX', 'k', '0', 'v'],
      ['PSETEX', 'k', '9223372036854775807', 'v'],
      ['PSETEX', 'k', '1.5', 'v'],
      ['GET', 'k'],
      ['SETNX', 'k'],
      ['SETEX', 'k', '10'],
      ['PSETEX', 'k', '10', 'v', 'extra'],
    ]);
  });

  it('GETEX reads the value and changes or removes its TTL', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['GETEX', 'missing'],
      ['GETEX', 'missing', 'EX', 'abc'],
      ['GETEX', 'missing', 'FOO'],
      ['SET', 'k', 'v'],
      ['GETEX', 'k'],
      ['TTL', 'k'],
      ['GETEX', 'k', 'EX', '100'],
      ['TTL', 'k'],
      ['GETEX', 'k', 'PX', '200000'],
      ['TTL', 'k'],
      ['GETEX', 'k', 'EXAT', '99999999999'],
      ['EXPIRETIME', 'k'],
      ['GETEX', 'k', 'PXAT', '99999999999999'],
      ['PEXPIRETIME', 'k'],
      ['GETEX', 'k', 'PERSIST'],
      ['TTL', 'k'],
      ['GETEX', 'k', 'persist', 'PERSIST'],
      ['GETEX', 'k', 'EXAT', '1'],
      ['EXISTS', 'k'],
      ['SET', 'k', 'v'],
      ['GETEX', 'k', 'PXAT', '1'],
      ['GET', 'k'],
    ]);
  });

  it('GETEX refuses options of SET, conflicting options and bad expire times', async () => {
    const pair = await env.pair();
    await pair.same('SET', 'k', 'v');
    const invalid: string[][] = [
      ['NX'],
      ['XX'],
      ['GET'],
      ['KEEPTTL'],
      ['EX', '10', 'PERSIST'],
      ['PERSIST', 'EX', '10'],
      ['EX', '10', 'PX', '10'],
      ['EX'],
      ['EX', '0'],
      ['PX', '-1'],
      ['EXAT', '0'],
      ['EX', 'x'],
      ['EX', '9223372036854775807'],
      ['PX', '9223372036854775807'],
      ['PXAT', '9223372036854775808'],
    ];
    for (const options of invalid) await pair.same('GETEX', 'k', ...options);
    await pair.sameAll([['TTL', 'k'], ['GETEX']]);
  });

  it('GETDEL returns the value and deletes the key', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['GETDEL', 'k'],
      ['SET', 'k', EVERY_BYTE],
      ['GETDEL', 'k'],
      ['GETDEL', 'k'],
      ['EXISTS', 'k'],
      ['GETDEL', 'k', 'x'],
    ]);
  });

  it('GETSET returns the old value, sets the new one and drops the TTL', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['GETSET', 'k', 'v1'],
      ['GETSET', 'k', 'v2'],
      ['GET', 'k'],
      ['SET', 'k', 'v', 'EX', '100'],
      ['GETSET', 'k', ''],
      ['TTL', 'k'],
      ['GET', 'k'],
    ]);
  });

  it('MGET returns every value, nil for missing keys', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['MGET', 'a'],
      ['MSET', 'a', '1', 'b', EVERY_BYTE],
      ['MGET', 'a', 'missing', 'b', 'a'],
      ['MGET'],
    ]);
  });

  it('MSET sets every pair, the last one winning for a repeated key', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['MSET', 'a', '1', 'b', '2', 'a', '3'],
      ['MGET', 'a', 'b'],
      ['SET', 'c', 'v', 'EX', '100'],
      ['MSET', 'c', 'w'],
      ['TTL', 'c'],
      ['MSET', 'a', '1', 'b'],
      ['MSET', 'a'],
      ['mset', 'a', '1', 'b', '2', 'c'],
    ]);
  });

  it('MSETNX sets all pairs only when no key exists', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['MSETNX', 'a', '1', 'b', '2'],
      ['MSETNX', 'b', '3', 'c', '4'],
      ['MGET', 'a', 'b', 'c'],
      ['MSETNX', 'x', '1', 'x', '2'],
      ['GET', 'x'],
      ['MSETNX', 'y', '1', 'z'],
      ['MSETNX', 'y'],
    ]);
  });
});

describe('APPEND, SETRANGE, GETRANGE, SUBSTR and STRLEN against redis-server', () => {
  it('APPEND creates or extends the value and returns the new length', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['APPEND', 'k', 'Hello'],
      ['APPEND', 'k', ' World'],
      ['APPEND', 'k', ''],
      ['GET', 'k'],
      ['STRLEN', 'k'],
      ['APPEND', 'n', '12'],
      ['APPEND', 'n', '34'],
      ['INCR', 'n'],
      ['APPEND', 'b', EVERY_BYTE],
      ['APPEND', 'b', EVERY_BYTE],
      ['GET', 'b'],
      ['APPEND', 'e', ''],
      ['EXISTS', 'e'],
      ['SET', 't', 'v', 'EX', '100'],
      ['APPEND', 't', 'w'],
      ['TTL', 't'],
    ]);
  });

  it('APPEND and SETRANGE refuse to grow a string beyond proto-max-bulk-len', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SET', 'k', 'x'.repeat(1000)],
      ['APPEND', 'k', 'y'.repeat(1047576)],
      ['APPEND', 'k', 'y'.repeat(1047577)],
      ['STRLEN', 'k'],
      ['SETRANGE', 'k', '1048575', 'z'],
      ['SETRANGE', 'k', '1048576', 'z'],
      ['SETRANGE', 'k', '1048575', 'zz'],
      ['SETRANGE', 'new', '1048576', 'z'],
      ['SETRANGE', 'new', '9223372036854775807', 'z'],
      ['SETRANGE', 'new', '9223372036854775807', ''],
      ['EXISTS', 'new'],
      ['STRLEN', 'k'],
    ]);
  });

  it('SETRANGE overwrites in place, pads with zero bytes, and checks its offset', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SETRANGE', 'k', '0', 'Hello'],
      ['SETRANGE', 'k', '6', 'World'],
      ['GET', 'k'],
      ['SETRANGE', 'k', '1', 'EL'],
      ['GET', 'k'],
      ['SETRANGE', 'k', '2', ''],
      ['SETRANGE', 'missing', '5', ''],
      ['EXISTS', 'missing'],
      ['SETRANGE', 'z', '10', EVERY_BYTE],
      ['GET', 'z'],
      ['SETRANGE', 'k', '-1', 'x'],
      ['SETRANGE', 'k', 'x', 'x'],
      ['SETRANGE', 'k', '1.0', 'x'],
      ['SETRANGE', 'k', '9223372036854775808', 'x'],
      ['SET', 'n', '123'],
      ['SETRANGE', 'n', '1', '9'],
      ['INCR', 'n'],
      ['SET', 't', 'v', 'EX', '100'],
      ['SETRANGE', 't', '3', 'w'],
      ['TTL', 't'],
    ]);
  });

  it('GETRANGE and SUBSTR take inclusive, clamped ranges with negative indexes', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SET', 'k', 'This is a string'],
      ['SET', 'n', '1234567'],
      ['SET', 'e', ''],
      ['SETRANGE', 'raw', '3', 'abc'],
    ]);
    const ranges = [
      ['0', '3'],
      ['-3', '-1'],
      ['0', '-1'],
      ['10', '100'],
      ['5', '3'],
      ['-1', '-2'],
      ['-100', '-100'],
      ['-100', '100'],
      ['100', '200'],
      ['-1', '0'],
      ['0', '0'],
      ['0', '-9223372036854775808'],
      ['-9223372036854775808', '9223372036854775807'],
      ['-9223372036854775807', '-9223372036854775808'],
      ['9223372036854775807', '9223372036854775807'],
    ];
    for (const key of ['k', 'n', 'e', 'raw', 'missing']) {
      for (const [start, end] of ranges) {
        await pair.same('GETRANGE', key, start, end);
        await pair.same('SUBSTR', key, start, end);
      }
    }
    await pair.sameAll([
      ['GETRANGE', 'k', 'a', '1'],
      ['GETRANGE', 'k', '1', 'b'],
      ['GETRANGE', 'missing', 'a', 'b'],
      ['GETRANGE', 'k', '9223372036854775808', '1'],
      ['GETRANGE', 'k', '1'],
      ['SUBSTR', 'k', '1', '2', '3'],
    ]);
  });

  it('STRLEN counts bytes, and is 0 for a missing key', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['STRLEN', 'missing'],
      ['SET', 'k', EVERY_BYTE],
      ['STRLEN', 'k'],
      ['SET', 'n', '-12345'],
      ['STRLEN', 'n'],
      ['STRLEN', 'k', 'n'],
    ]);
  });
});

describe('INCR, DECR, INCRBY, DECRBY and INCRBYFLOAT against redis-server', () => {
  it('INCR and DECR count from 0 and keep the TTL', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['INCR', 'k'],
      ['INCR', 'k'],
      ['DECR', 'k'],
      ['DECR', 'd'],
      ['GET', 'k'],
      ['GET', 'd'],
      ['SET', 't', '5', 'EX', '100'],
      ['INCR', 't'],
      ['TTL', 't'],
      ['INCRBY', 'k', '100'],
      ['INCRBY', 'k', '-1000'],
      ['DECRBY', 'k', '-5'],
      ['DECRBY', 'k', '5'],
      ['GET', 'k'],
    ]);
  });

  it('INCR refuses values that are not canonical 64-bit integers', async () => {
    const pair = await env.pair();
    for (const value of [
      '',
      ' 1',
      '1 ',
      '+1',
      '01',
      '-0',
      '1.0',
      '1e3',
      'abc',
      '9223372036854775808',
      '-9223372036854775809',
      '123456789012345678901',
      '1\0',
      EVERY_BYTE,
    ]) {
      await pair.same('SET', 'k', value);
      await pair.same('INCR', 'k');
      await pair.same('INCRBY', 'k', '1');
      await pair.same('GET', 'k');
    }
  });

  it('INCRBY and DECRBY stop at the ends of the 64-bit range', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SET', 'k', '9223372036854775806'],
      ['INCR', 'k'],
      ['INCR', 'k'],
      ['INCRBY', 'k', '-9223372036854775808'],
      ['INCRBY', 'k', '-1'],
      ['GET', 'k'],
      ['SET', 'm', '-9223372036854775807'],
      ['DECR', 'm'],
      ['DECR', 'm'],
      ['DECRBY', 'm', '-9223372036854775807'],
      ['DECRBY', 'x', '-9223372036854775808'],
      ['DECRBY', 'x', '9223372036854775807'],
      ['DECRBY', 'x', '1'],
      ['DECRBY', 'x', '2'],
      ['INCRBY', 'x', '9223372036854775807'],
      ['INCRBY', 'x', '9223372036854775808'],
      ['INCRBY', 'x', 'abc'],
      ['INCRBY', 'x', '1.5'],
      ['INCRBY', 'x', ''],
      ['DECRBY', 'x', '+1'],
      ['GET', 'x'],
    ]);
  });

  it('INCRBY is exact across 15, 16 and 19 digit values and increments', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SET', 'k', '999999999999999'],
      ['INCRBY', 'k', '999999999999999'],
      ['INCRBY', 'k', '-9999999999999999'],
      ['DECRBY', 'k', '-999999999999999'],
      ['SET', 'k', '-999999999999999'],
      ['DECR', 'k'],
      ['INCRBY', 'k', '9007199254740993'],
      ['INCRBY', 'k', '1'],
      ['SET', 'k', '9007199254740992'],
      ['INCR', 'k'],
      ['INCRBY', 'k', '4611686018427387904'],
      ['INCRBY', 'k', '4611686018427387904'],
      ['GET', 'k'],
    ]);
  });

  it('INCRBYFLOAT adds in long double precision and prints as Redis does', async () => {
    const pair = await env.pair();
    const steps: [string, string][] = [
      ['k', '0.1'],
      ['k', '0.2'],
      ['k', '-0.3'],
      ['k', '10.5'],
      ['k', '1e3'],
      ['k', '-1e-3'],
      ['k', '5.0e3'],
      ['k', '0x1p-3'],
      ['k', '+.5'],
      ['k', '3.'],
      ['big', '1e300'],
      ['big', '1'],
      ['big', '-1e300'],
      ['huge', '1.18e4932'],
      ['huge', '-1.18e4932'],
      ['tiny', '1e-4940'],
      ['tiny', '-1e-20'],
      ['tiny', '-1e-17'],
      ['tie', '0.000003814697265625'],
      ['tie2', '0.000011444091796875'],
      ['i', '9223372036854775807'],
      ['i', '1'],
      ['neg', '-0'],
      ['neg', '-0.000000000000000001'],
    ];
    for (const [key, increment] of steps) {
      await pair.same('INCRBYFLOAT', key, increment);
      await pair.same('GET', key);
    }
  });

  it('INCRBYFLOAT refuses what strtold would not read whole, NaN and infinite results', async () => {
    const pair = await env.pair();
    await pair.same('SET', 'k', '1');
    for (const increment of [
      '',
      ' 1',
      '1 ',
      'abc',
      '1e',
      '1e+',
      '.',
      '0x',
      '0x1p',
      '1.2.3',
      '--1',
      'nan',
      'NaN(123)',
      '-nan',
      'inf',
      '-Infinity',
      '1e5000',
      '-1e5000',
      '1e-5000',
      '0e-5000',
      '1\0',
      '1.7976931348623157e309',
    ]) {
      await pair.same('INCRBYFLOAT', 'k', increment);
    }
    await pair.sameAll([
      ['SET', 'k', ' 1'],
      ['INCRBYFLOAT', 'k', '1'],
      ['SET', 'k', 'inf'],
      ['INCRBYFLOAT', 'k', '1'],
      ['SET', 'k', '1e4932'],
      ['INCRBYFLOAT', 'k', '1e4932'],
      ['SET', 'k', '5'],
      ['INCRBYFLOAT', 'k', '-5'],
      ['SET', 't', '1', 'EX', '100'],
      ['INCRBYFLOAT', 't', '0.5'],
      ['TTL', 't'],
      ['GET', 'k'],
    ]);
  });
});

describe('LCS against redis-server', () => {
  it('LCS returns the common subsequence, its length, or the matching ranges', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['MSET', 'a', 'ohmytext', 'b', 'mynewtext'],
      ['LCS', 'a', 'b'],
      ['LCS', 'a', 'b', 'LEN'],
      ['LCS', 'a', 'b', 'IDX'],
      ['LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN'],
      ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '4'],
      ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '2', 'WITHMATCHLEN'],
      ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '-5'],
      ['LCS', 'a', 'b', 'LEN', 'MINMATCHLEN', '2', 'len'],
      ['LCS', 'b', 'a', 'IDX', 'WITHMATCHLEN'],
      ['LCS', 'a', 'a', 'IDX'],
      ['LCS', 'a', 'missing'],
      ['LCS', 'missing', 'other', 'IDX'],
      ['LCS', 'a', 'b', 'WITHMATCHLEN'],
      ['MSET', 'x', EVERY_BYTE, 'y', Buffer.from(EVERY_BYTE).reverse()],
      ['LCS', 'x', 'y', 'IDX', 'WITHMATCHLEN'],
      ['MSET', 'p', 'abcXdefYghi', 'q', 'abcdefghi'],
      ['LCS', 'p', 'q'],
      ['LCS', 'p', 'q', 'IDX', 'WITHMATCHLEN'],
      ['LCS', 'q', 'p', 'IDX', 'MINMATCHLEN', '3'],
    ]);
  });

  it('LCS refuses bad options, and LEN together with IDX', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['MSET', 'a', 'abc', 'b', 'bcd'],
      ['LCS', 'a', 'b', 'IDX', 'LEN'],
      ['LCS', 'a', 'b', 'FOO'],
      ['LCS', 'a', 'b', 'MINMATCHLEN'],
      ['LCS', 'a', 'b', 'MINMATCHLEN', 'x'],
      ['LCS', 'a', 'b', 'MINMATCHLEN', '1.5'],
      ['LCS', 'a', 'b', 'IDX\0junk'],
      ['LCS', 'a'],
    ]);
  });

  it('LCS works on values built by SETRANGE and APPEND', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SETRANGE', 'a', '2', 'hello'],
      ['APPEND', 'b', 'hel'],
      ['APPEND', 'b', 'lo'],
      ['LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN'],
      ['LCS', 'a', 'b'],
    ]);
  });
});

describe('string encodings against redis-server', () => {
  it('OBJECT ENCODING shows int, embstr or raw as each command stored the value', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SET', 'a', '123'],
      ['SET', 'b', 'x'.repeat(44)],
      ['SET', 'c', 'x'.repeat(45)],
      ['SET', 'd', '9223372036854775808'],
      ['SET', 'e', '-0'],
      ['MSET', 'f', '7', 'g', 'hello'],
      ['GETSET', 'h', '5'],
      ['SETEX', 'i', '100', '99'],
      ['APPEND', 'j', '12'],
      ['INCR', 'k'],
      ['INCRBYFLOAT', 'l', '1.5'],
    ]);
    for (const key of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l']) {
      await pair.same('OBJECT', 'ENCODING', key);
    }
    await pair.sameAll([
      ['APPEND', 'a', '4'],
      ['OBJECT', 'ENCODING', 'a'],
      ['SETRANGE', 'f', '0', '8'],
      ['OBJECT', 'ENCODING', 'f'],
      ['INCR', 'f'],
      ['OBJECT', 'ENCODING', 'f'],
      ['SETRANGE', 'm', '1', 'x'],
      ['OBJECT', 'ENCODING', 'm'],
      ['APPEND', 'g', ''],
      ['OBJECT', 'ENCODING', 'g'],
      ['SETRANGE', 'h', '0', ''],
      ['OBJECT', 'ENCODING', 'h'],
    ]);
  });
});

describe('string replies in RESP3 against redis-server', () => {
  it('nil replies, integers and LCS maps use the RESP3 types', async () => {
    const pair = await env.pair();
    // HELLO's reply carries each server's own client id, so it is not compared.
    await pair.both('HELLO', '3');
    await pair.sameAll([
      ['GET', 'missing'],
      ['MGET', 'missing', 'k'],
      ['SET', 'k', 'v', 'XX'],
      ['SET', 'k', 'v', 'XX', 'GET'],
      ['SET', 'k', 'v', 'GET'],
      ['GETEX', 'missing', 'EX', '10'],
      ['GETDEL', 'missing'],
      ['GETSET', 'g', '1'],
      ['SETNX', 'k', 'v'],
      ['MSETNX', 'k', 'v'],
      ['INCRBYFLOAT', 'f', '1.5'],
      ['GETRANGE', 'missing', '0', '-1'],
      ['MSET', 'a', 'ohmytext', 'b', 'mynewtext'],
      ['LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN'],
      ['LCS', 'a', 'b', 'LEN'],
      ['LCS', 'a', 'b'],
    ]);
  });
});

/** Random arguments for the string commands, valid and invalid mixed. */
const key = fc.constantFrom('a', 'b', 'c');
const value = fc.oneof(
  fc.constantFrom(
    '',
    '0',
    '1',
    '-1',
    '10',
    '007',
    '1.5',
    '0.1',
    ' 2',
    'abc',
    'inf',
    '1e3',
    '\0\xff',
  ),
  fc.constantFrom('9223372036854775807', '-9223372036854775808', '3.0e2', '0x10'),
  fc.string({ maxLength: 6 }),
);
const integer = fc.oneof(
  fc.integer({ min: -20, max: 20 }).map(String),
  fc.constantFrom('9223372036854775807', '-9223372036854775808', 'x', '', '1.5'),
);
// Relative times stay long enough (100 s) that no key expires while a sequence runs.
const relativeExpiry = fc.oneof(
  fc.tuple(fc.constant('EX'), fc.constantFrom('100', '0', '-1', 'x', '9999999999999999')),
  fc.tuple(fc.constant('PX'), fc.constantFrom('100000', '0', '-1', '1.5', '9999999999999999999')),
);
const absolute = fc.constantFrom('1', '99999999999', '99999999999999');

const stringCommand: fc.Arbitrary<Command> = fc.oneof(
  fc.tuple(fc.constant('GET'), key),
  fc.tuple(fc.constant('SET'), key, value),
  fc
    .tuple(
      key,
      value,
      fc.subarray(['NX', 'XX', 'GET', 'KEEPTTL']),
      fc.option(relativeExpiry),
      fc.option(fc.tuple(fc.constantFrom('EXAT', 'PXAT'), absolute)),
    )
    .map(([k, v, flags, relative, at]) => [
      'SET',
      k,
      v,
      ...flags,
      ...(relative ?? []),
      ...(at ?? []),
    ]),
  fc.tuple(fc.constant('SETNX'), key, value),
  fc
    .tuple(key, relativeExpiry, value)
    .map(([k, [unit, amount], v]) => [unit === 'EX' ? 'SETEX' : 'PSETEX', k, amount, v]),
  fc
    .tuple(
      key,
      fc.option(
        fc.oneof(
          relativeExpiry,
          fc.tuple(fc.constantFrom('EXAT', 'PXAT'), absolute),
          fc.constant(['PERSIST']),
        ),
      ),
    )
    .map(([k, option]) => ['GETEX', k, ...(option ?? [])]),
  fc.tuple(fc.constantFrom('GETDEL', 'STRLEN', 'INCR', 'DECR', 'TTL'), key),
  fc.tuple(fc.constant('GETSET'), key, value),
  fc.tuple(fc.constant('MGET'), key, key),
  fc.tuple(fc.constantFrom('MSET', 'MSETNX'), key, value, key, value),
  fc.tuple(fc.constant('APPEND'), key, value),
  fc.tuple(fc.constant('SETRANGE'), key, integer, value),
  fc.tuple(fc.constantFrom('GETRANGE', 'SUBSTR'), key, integer, integer),
  fc.tuple(fc.constantFrom('INCRBY', 'DECRBY'), key, integer),
  fc.tuple(fc.constant('INCRBYFLOAT'), key, fc.oneof(value, integer)),
  fc
    .tuple(key, key, fc.subarray(['LEN', 'IDX', 'WITHMATCHLEN']), fc.option(integer))
    .map(([a, b, options, min]) => [
      'LCS',
      a,
      b,
      ...options,
      ...(min === null ? [] : ['MINMATCHLEN', min]),
    ]),
);

describe('random string command sequences against redis-server', () => {
  it('every reply is byte-identical', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(stringCommand, { minLength: 1, maxLength: 30 }),
        async (commands) => {
          const pair = await env.pair();
          try {
            await pair.sameAll(commands);
          } finally {
            pair.close();
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
