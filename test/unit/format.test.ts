import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatDouble17g, formatG } from '../../src/resp/format.js';

/**
 * [IEEE 754 bits in hex, C's printf("%.17g")] for hand-picked values, values exactly halfway
 * between two 17-digit decimals (C rounds those to even), and random bit patterns. Generated with
 * Python's '%.17g' % x, which is C's printf.
 */
const CASES = JSON.parse(
  readFileSync(new URL('./printf-17g-cases.json', import.meta.url), 'latin1'),
) as [string, string][];

function fromBits(hex: string): number {
  return Buffer.from(hex, 'hex').readDoubleBE(0);
}

describe("%.17g formatting as Redis 7.0's double replies", () => {
  it('matches C printf for every value in the table', () => {
    for (const [bits, expected] of CASES) {
      assert.equal(formatDouble17g(fromBits(bits)), expected, `bits ${bits}`);
    }
  });

  it('rounds values exactly halfway to the even digit, as C does', () => {
    assert.equal(formatDouble17g(4503599627370497 / 4), '1125899906842624.2');
    assert.equal(formatDouble17g(4503599627370499 / 4), '1125899906842624.8');
    assert.equal(formatDouble17g(-4503599627370497 / 4), '-1125899906842624.2');
  });

  it('prints zero, negative zero, infinities and NaN as Redis does', () => {
    assert.equal(formatDouble17g(0), '0');
    assert.equal(formatDouble17g(-0), '-0');
    assert.equal(formatDouble17g(Infinity), 'inf');
    assert.equal(formatDouble17g(-Infinity), '-inf');
    assert.equal(formatDouble17g(NaN), 'nan');
  });

  it('switches to exponent notation below 1e-4 and from 1e17, with a two-digit exponent', () => {
    assert.equal(formatDouble17g(0.0001), '0.0001');
    assert.equal(formatDouble17g(0.00001), '1.0000000000000001e-05');
    assert.equal(formatDouble17g(1e16), '10000000000000000');
    assert.equal(formatDouble17g(1e17), '1e+17');
    assert.equal(formatDouble17g(1.5e300), '1.5000000000000001e+300');
  });

  it('other precisions follow %g too', () => {
    assert.equal(formatG(0.1, 1), '0.1');
    assert.equal(formatG(123456, 3), '1.23e+05');
    assert.equal(formatG(2.5, 1), '2');
    assert.equal(formatG(3.5, 1), '4');
    assert.equal(formatG(99.95, 3), '100');
  });

  it('any finite double reads back as itself', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = formatDouble17g(x);
        assert.ok(Object.is(Number(text), x), `${x} printed as ${text}`);
        assert.ok(/^-?\d(\.\d+)?(e[+-]\d\d+)?$|^-?\d+(\.\d+)?$/.test(text), text);
      }),
      { numRuns: 5000 },
    );
  });
});
