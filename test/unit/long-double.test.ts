import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addLongDouble,
  formatFixed17,
  formatLongDoubleHuman,
  parseLongDouble,
  type LongDouble,
} from '../../src/datatypes/long-double.js';

/**
 * A finite value as glibc's frexpl shows it: a 64-bit mantissa with its top bit set and the
 * power of two of its lowest bit (subnormals included), e.g. "14757395258967641293p-67".
 */
function normalized(x: LongDouble): string {
  if (x.kind !== 'finite') return x.kind === 'nan' ? 'nan' : x.negative ? '-inf' : 'inf';
  const sign = x.negative ? '-' : '';
  if (x.mantissa === 0n) return `${sign}0`;
  let { mantissa, exponent } = x;
  while (mantissa < 1n << 63n) {
    mantissa <<= 1n;
    exponent--;
  }
  while (mantissa >= 1n << 64n) {
    mantissa >>= 1n;
    exponent++;
  }
  return `${sign}${mantissa}p${exponent}`;
}

function parsed(text: string): string {
  const result = parseLongDouble(text);
  assert.ok(result !== null, `${JSON.stringify(text)} parses`);
  return normalized(result.value);
}

function value(text: string): LongDouble {
  const result = parseLongDouble(text);
  assert.ok(result !== null, `${JSON.stringify(text)} parses`);
  return result.value;
}

function sum(a: string, b: string): string {
  return formatLongDoubleHuman(addLongDouble(value(a), value(b)));
}

// Expected values below come from glibc's strtold and printf on x86-64.
describe('parsing long doubles as glibc strtold', () => {
  it('decimal strings round to the nearest 64-bit mantissa', () => {
    assert.equal(parsed('0.1'), '14757395258967641293p-67');
    assert.equal(parsed('0.3'), '11068046444225730970p-65');
    assert.equal(parsed('1e300'), '13772540099066387757p933');
    assert.equal(parsed('3.'), '13835058055282163712p-62');
    assert.equal(parsed('+.5'), '9223372036854775808p-64');
    assert.equal(parsed('-0'), '-0');
    assert.equal(parsed('0e-99999'), '0');
  });

  it('halfway cases round to the even mantissa', () => {
    assert.equal(parsed('18446744073709551617'), '9223372036854775808p1');
    assert.equal(parsed('18446744073709551618'), '9223372036854775809p1');
    assert.equal(parsed('18446744073709551619'), '9223372036854775810p1');
    // Just above the halfway point rounds up, however far down the difference is.
    assert.equal(parsed('18446744073709551617.000000000000000000000001'), '9223372036854775809p1');
  });

  it('hexadecimal strings are read with their binary exponent', () => {
    assert.equal(parsed('0x1.8p3'), '13835058055282163712p-60');
    assert.equal(parsed('0x.8'), '9223372036854775808p-64');
    assert.equal(parsed('-0X10'), '-9223372036854775808p-59');
  });

  it('the extremes: the largest finite value, subnormals, overflow and underflow', () => {
    assert.equal(parsed('1.18973149535723176502e+4932'), '18446744073709551615p16320');
    assert.equal(parsed('1e-4940'), '14728162540957728768p-16474');
    assert.equal(parsed('3.6e-4951'), '9223372036854775808p-16508');
    assert.deepEqual(parseLongDouble('1.18973149535723176508e+4932'), {
      value: { kind: 'infinity', negative: false },
      outOfRange: true,
    });
    assert.equal(parseLongDouble('1e-4952')?.outOfRange, true);
    assert.equal(parseLongDouble('-1e99999999999999999999')?.outOfRange, true);
    assert.equal(parseLongDouble('1e-4940')?.outOfRange, false);
  });

  it('infinity and NaN are read in any case, NaN with an optional payload', () => {
    assert.equal(parsed('inf'), 'inf');
    assert.equal(parsed('-Infinity'), '-inf');
    assert.equal(parsed('NAN(abc_1)'), 'nan');
    assert.equal(parseLongDouble('inf')?.outOfRange, false);
  });

  it('anything strtold would not read to the end is refused', () => {
    for (const text of [
      '',
      ' 1',
      '1 ',
      '1e',
      '1e+',
      'abc',
      '.',
      '0x',
      '0x1p',
      '1.2.3',
      '--1',
      'infx',
      '1\0',
    ]) {
      assert.equal(parseLongDouble(text), null, JSON.stringify(text));
    }
  });
});

describe('adding long doubles', () => {
  it('adds exactly and rounds once, to nearest even', () => {
    assert.equal(
      normalized(addLongDouble(value('18446744073709551616'), value('1'))),
      '9223372036854775808p1',
    );
    assert.equal(
      normalized(addLongDouble(value('18446744073709551616'), value('3'))),
      '9223372036854775810p1',
    );
    assert.equal(normalized(addLongDouble(value('0.1'), value('0.2'))), normalized(value('0.3')));
  });

  it('exact cancellation gives +0, and infinities of both signs give NaN', () => {
    assert.equal(normalized(addLongDouble(value('-1.5'), value('1.5'))), '0');
    assert.equal(normalized(addLongDouble(value('-0'), value('-0'))), '-0');
    assert.equal(normalized(addLongDouble(value('inf'), value('-inf'))), 'nan');
    assert.equal(normalized(addLongDouble(value('inf'), value('1'))), 'inf');
    assert.equal(normalized(addLongDouble(value('1e4932'), value('1e4932'))), 'inf');
  });
});

describe('printing long doubles as Redis INCRBYFLOAT does', () => {
  it('"%.17Lf" prints the exact value rounded to 17 decimals, ties to even', () => {
    assert.equal(formatFixed17(value('0.1')), '0.10000000000000000');
    assert.equal(formatFixed17(value('0.000003814697265625')), '0.00000381469726562');
    assert.equal(formatFixed17(value('0.000011444091796875')), '0.00001144409179688');
    assert.equal(formatFixed17(value('-1e-30')), '-0.00000000000000000');
    assert.equal(
      formatFixed17(value('18446744073709551617')),
      '18446744073709551616.00000000000000000',
    );
  });

  it('the human form drops trailing zeros and the point, and prints -0 as 0', () => {
    assert.equal(sum('0.1', '0.2'), '0.3');
    assert.equal(sum('1', '0.5'), '1.5');
    assert.equal(sum('50', '50'), '100');
    assert.equal(sum('0', '-1e-30'), '0');
    assert.equal(sum('-0', '-0'), '0');
    assert.equal(sum('10.5', '0x1p-3'), '10.625');
    assert.equal(sum('1e30', '1'), '1000000000000000000024696061952');
    assert.equal(
      sum('1e300', '1'),
      '1000000000000000000008997324079559193870523944273290747938260082321265646596180935755849152083750497190350372508614274835903592556184672983913096260520748646287327135641843653294084255107606016789726652932370030551382947620994540294772781889620606179267611627097410650567187386105690089424915104006144',
    );
  });
});
