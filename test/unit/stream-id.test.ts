import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  compareIds,
  formatId,
  increment,
  MAX_ID,
  nextId,
  parseStreamId,
  parseU64,
  previousId,
  subtract,
  U64_MAX,
} from '../../src/datatypes/stream-id.js';

describe('stream ID parts', () => {
  it('parseU64 reads numbers as Redis string2ull does', () => {
    const cases: [string, number | bigint | null][] = [
      ['0', 0],
      ['42', 42],
      ['999999999999999', 999999999999999],
      ['1000000000000000', 1000000000000000],
      ['9007199254740991', 9007199254740991],
      ['9007199254740993', 9007199254740993n],
      ['18446744073709551615', U64_MAX],
      ['18446744073709551616', null],
      ['-1', null],
      ['-9223372036854775808', null],
      ['-9223372036854775809', 9223372036854775807n],
      ['007', 7],
      ['+8', 8],
      [' 9', 9],
      ['\t\n 10', 10],
      [' -1', U64_MAX],
      ['-0', 0],
      ['-05', U64_MAX - 4n],
      ['', null],
      [' ', null],
      ['1 ', null],
      ['1.0', null],
      ['0x10', null],
      ['abc', null],
    ];
    for (const [text, expected] of cases)
      assert.equal(parseU64(text), expected, JSON.stringify(text));
  });

  it('parts are numbers while exact and bigints beyond, so arithmetic stays exact', () => {
    assert.equal(increment(9007199254740990), 9007199254740991);
    assert.equal(increment(9007199254740991), 9007199254740992n);
    assert.equal(subtract(9007199254740993n, 2), 9007199254740991);
    assert.equal(subtract(0, U64_MAX), 1);
    assert.equal(subtract(5, 7), -2);
  });
});

describe('stream IDs', () => {
  it('parseStreamId takes ms-seq, a lone ms, "-", "+", and ms-* only where allowed', () => {
    assert.deepEqual(parseStreamId('5-3'), { ms: 5, seq: 3 });
    assert.deepEqual(parseStreamId('5'), { ms: 5, seq: 0 });
    assert.deepEqual(parseStreamId('5', { missingSeq: U64_MAX }), { ms: 5, seq: U64_MAX });
    assert.deepEqual(parseStreamId('-'), { ms: 0, seq: 0 });
    assert.deepEqual(parseStreamId('+'), { ms: U64_MAX, seq: U64_MAX });
    assert.equal(parseStreamId('-', { strict: true }), null);
    assert.equal(parseStreamId('5-*'), null);
    assert.deepEqual(parseStreamId('5-*', { allowSeqWildcard: true }), { ms: 5, seq: null });
    assert.deepEqual(parseStreamId('5-3\0junk'), { ms: 5, seq: 3 });
    assert.deepEqual(parseStreamId('+\0x'), { ms: U64_MAX, seq: U64_MAX });
    assert.equal(parseStreamId('1'.repeat(128)), null);
    assert.equal(parseStreamId('5-3-1'), null);
    assert.equal(parseStreamId('-5'), null);
    assert.deepEqual(parseStreamId('1700000000000-15'), { ms: 1700000000000, seq: 15 });
    assert.deepEqual(parseStreamId('05-007'), { ms: 5, seq: 7 });
    assert.equal(parseStreamId('5-'), null);
    assert.equal(parseStreamId('5-**', { allowSeqWildcard: true }), null);
  });

  it('compareIds orders by ms then seq, across numbers and bigints', () => {
    const ids = fc.tuple(
      fc.bigInt({ min: 0n, max: U64_MAX }),
      fc.bigInt({ min: 0n, max: U64_MAX }),
    );
    fc.assert(
      fc.property(ids, ids, ([am, as], [bm, bs]) => {
        const a = parseStreamId(`${am}-${as}`)!;
        const b = parseStreamId(`${bm}-${bs}`)!;
        const expected = am !== bm ? (am < bm ? -1 : 1) : as !== bs ? (as < bs ? -1 : 1) : 0;
        assert.equal(compareIds(a as never, b as never), expected);
        assert.equal(formatId(a as never), `${am}-${as}`);
      }),
    );
  });

  it('nextId and previousId carry across the parts and stop at the ends', () => {
    assert.deepEqual(nextId({ ms: 1, seq: U64_MAX }), { ms: 2, seq: 0 });
    assert.equal(nextId(MAX_ID), null);
    assert.deepEqual(previousId({ ms: 2, seq: 0 }), { ms: 1, seq: U64_MAX });
    assert.equal(previousId({ ms: 0, seq: 0 }), null);
    assert.deepEqual(previousId({ ms: U64_MAX, seq: 0 }), { ms: U64_MAX - 1n, seq: U64_MAX });
  });
});
