import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  bitop,
  firstBit,
  firstBitOfByte,
  popcount,
  type BitOp,
} from '../../src/datatypes/bitops.js';
import {
  applyOverflow,
  getField,
  getUnsigned,
  setField,
} from '../../src/datatypes/bitops-field.js';

/** The bits of a byte string as '0'/'1' characters, bit 0 first (the model). */
function bitsOf(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(2).padStart(8, '0')).join('');
}

const someBytes = fc.uint8Array({ maxLength: 40 });

describe('bit counting and searching', () => {
  it('popcount counts the ones of any range', () => {
    fc.assert(
      fc.property(someBytes, fc.nat(40), fc.nat(40), (bytes, a, b) => {
        const [start, end] = [Math.min(a, b, bytes.length), Math.min(Math.max(a, b), bytes.length)];
        const expected = [...bitsOf(bytes.subarray(start, end))].filter((c) => c === '1').length;
        assert.equal(popcount(bytes, start, end), expected);
      }),
    );
  });

  it('firstBit finds the first wanted bit, -1 for a missing 1 and the end for a missing 0', () => {
    fc.assert(
      fc.property(someBytes, fc.constantFrom(0, 1), (bytes, bit) => {
        const found = bitsOf(bytes).indexOf(String(bit));
        const expected = found >= 0 ? found : bit === 1 ? -1 : bytes.length * 8;
        assert.equal(firstBit(bytes, 0, bytes.length, bit), expected);
      }),
    );
    assert.equal(firstBitOfByte(0, 1), -1);
    assert.equal(firstBitOfByte(0xff, 0), 8);
    assert.equal(firstBitOfByte(0x01, 1), 7);
    assert.equal(firstBitOfByte(0xfe, 0), 7);
  });

  it('bitop combines byte by byte, reading short sources as zeros', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<BitOp>('and', 'or', 'xor'),
        fc.array(someBytes, { minLength: 1, maxLength: 4 }),
        (op, sources) => {
          const length = Math.max(...sources.map((s) => s.length));
          const result = new Uint8Array(length);
          bitop(op, sources, result);
          for (let i = 0; i < length; i++) {
            const bytes = sources.map((s) => s[i] ?? 0);
            const expected = bytes.reduce((a, b) =>
              op === 'and' ? a & b : op === 'or' ? a | b : a ^ b,
            );
            assert.equal(result[i], expected);
          }
        },
      ),
    );
    const result = new Uint8Array(2);
    bitop('not', [Uint8Array.of(0x0f, 0xff)], result);
    assert.deepEqual([...result], [0xf0, 0x00]);
  });
});

describe('bit fields', () => {
  it('read and write any width at any offset without touching other bits', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 10, maxLength: 10 }),
        fc.nat(15),
        fc.integer({ min: 1, max: 64 }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        (bytes, offset, bits, value) => {
          const before = bitsOf(bytes);
          setField(bytes, offset, bits, value);
          const field = BigInt.asUintN(bits, value).toString(2).padStart(bits, '0');
          const expected = before.slice(0, offset) + field + before.slice(offset + bits);
          assert.equal(bitsOf(bytes), expected);
          assert.equal(getUnsigned(bytes, offset, bits), BigInt.asUintN(bits, value));
        },
      ),
    );
  });

  it('read bits past the end as zeros and sign-extend signed fields', () => {
    const bytes = Uint8Array.of(0xff);
    assert.equal(getUnsigned(bytes, 4, 8), 0xf0n);
    assert.equal(getField(bytes, 0, { signed: true, bits: 4 }), -1n);
    assert.equal(getField(bytes, 0, { signed: false, bits: 4 }), 15n);
    assert.equal(getField(bytes, 4, { signed: true, bits: 64 }), BigInt.asIntN(64, 0xfn << 60n));
  });

  it('follow Redis’s overflow rules for WRAP, SAT and FAIL', () => {
    const u8 = { signed: false, bits: 8 };
    const i8 = { signed: true, bits: 8 };
    const i64 = { signed: true, bits: 64 };
    assert.equal(applyOverflow(250n, 10n, u8, 'wrap'), 4n);
    assert.equal(applyOverflow(250n, 10n, u8, 'sat'), 255n);
    assert.equal(applyOverflow(250n, 10n, u8, 'fail'), null);
    assert.equal(applyOverflow(5n, -10n, u8, 'sat'), 0n);
    assert.equal(applyOverflow(5n, -10n, u8, 'wrap'), 251n);
    // A negative SET value is a huge unsigned one.
    assert.equal(applyOverflow(-1n, 0n, u8, 'sat'), 255n);
    assert.equal(applyOverflow(120n, 10n, i8, 'wrap'), -126n);
    assert.equal(applyOverflow(120n, 10n, i8, 'sat'), 127n);
    assert.equal(applyOverflow(-120n, -10n, i8, 'sat'), -128n);
    assert.equal(applyOverflow(300n, 0n, i8, 'wrap'), 44n);
    const max = 2n ** 63n - 1n;
    assert.equal(applyOverflow(max, 1n, i64, 'wrap'), -(2n ** 63n));
    assert.equal(applyOverflow(max, 1n, i64, 'sat'), max);
    assert.equal(applyOverflow(-(2n ** 63n), -1n, i64, 'fail'), null);
    assert.equal(applyOverflow(3n, 4n, i8, 'fail'), 7n);
  });
});
