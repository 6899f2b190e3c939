/**
 * C's `long double` as Redis 7.0 computes with it on x86-64: the x87 80-bit extended format, a
 * 64-bit significand and a 15-bit exponent (with subnormals). INCRBYFLOAT parses both operands
 * with strtold, adds them in this format and prints the sum with "%.17Lf"; doing the same with
 * exact BigInt arithmetic gives the same digits as Redis, including for huge magnitudes.
 */

/** A finite value is (-1)^negative * mantissa * 2^exponent, with mantissa < 2^64. */
export type LongDouble =
  | { kind: 'finite'; negative: boolean; mantissa: bigint; exponent: number }
  | { kind: 'infinity'; negative: boolean }
  | { kind: 'nan' };

/** A value as strtold reads it, with the range errors that make Redis refuse it. */
export interface ParsedLongDouble {
  value: LongDouble;
  /** Out of range: ERANGE with an overflow to infinity or an underflow to zero. */
  outOfRange: boolean;
}

const SIGNIFICAND_BITS = 64;
/** Exponent of the lowest significand bit of the smallest subnormal: 2^-16445. */
const MIN_EXPONENT = -16445;
/** Every finite value is below 2^16384. */
const MAX_BINARY_EXPONENT = 16384;
/** Decimal exponents beyond these bounds certainly overflow / underflow (max ~1.19e4932). */
const MAX_DECIMAL_EXPONENT = 4933;
const MIN_DECIMAL_EXPONENT = -4952;
/** Decimal digits kept when parsing; beyond them only "some nonzero digit follows" matters. */
const MAX_SIGNIFICANT_DIGITS = 20000;

export const LONG_DOUBLE_ZERO: LongDouble = {
  kind: 'finite',
  negative: false,
  mantissa: 0n,
  exponent: 0,
};

const DECIMAL = /^([+-]?)(?:([0-9]+)\.?([0-9]*)|\.([0-9]+))(?:[eE]([+-]?[0-9]+))?$/;
const HEXADECIMAL =
  /^([+-]?)0[xX](?:([0-9a-fA-F]+)\.?([0-9a-fA-F]*)|\.([0-9a-fA-F]+))(?:[pP]([+-]?[0-9]+))?$/;
const INFINITY = /^([+-]?)inf(?:inity)?$/i;
const NAN = /^[+-]?nan(?:\([0-9A-Za-z_]*\))?$/i;

/**
 * glibc's strtold, for a string that must be a number from its first to its last byte (no
 * surrounding spaces); null when it is not. Decimal and hexadecimal forms round to nearest even.
 */
export function parseLongDouble(s: string): ParsedLongDouble | null {
  let match = DECIMAL.exec(s);
  if (match !== null) {
    const [, sign, whole = '', fraction = '', onlyFraction = '', exponent = '0'] = match;
    return parseDecimal(
      sign === '-',
      whole + (fraction || onlyFraction),
      -(fraction || onlyFraction).length,
      exponent,
    );
  }
  match = HEXADECIMAL.exec(s);
  if (match !== null) {
    const [, sign, whole = '', fraction = '', onlyFraction = '', exponent = '0'] = match;
    const digits = whole + (fraction || onlyFraction);
    const binaryExponent = clampExponent(exponent) - 4 * (fraction || onlyFraction).length;
    return rounded(sign === '-', BigInt('0x' + digits), 1n, binaryExponent);
  }
  match = INFINITY.exec(s);
  if (match !== null)
    return { value: { kind: 'infinity', negative: match[1] === '-' }, outOfRange: false };
  if (NAN.test(s)) return { value: { kind: 'nan' }, outOfRange: false };
  return null;
}

/** An exponent's digits as a number, clamped far beyond any that could matter. */
function clampExponent(digits: string): number {
  const n = Number(digits);
  return Math.max(-1e9, Math.min(1e9, n));
}

/** The value of `digits` * 10^(scale + exponent). */
function parseDecimal(
  negative: boolean,
  digits: string,
  scale: number,
  exponent: string,
): ParsedLongDouble {
  let first = 0;
  while (first < digits.length && digits.charCodeAt(first) === 48) first++;
  let significant = digits.slice(first).replace(/0+$/, '');
  if (significant === '') return { value: zero(negative), outOfRange: false };
  // Trailing zeros only move the decimal exponent.
  let power = clampExponent(exponent) + scale + (digits.length - first - significant.length);
  if (significant.length > MAX_SIGNIFICANT_DIGITS) {
    // Keep enough digits to decide every rounding, plus a sticky 1 for the rest.
    power += significant.length - MAX_SIGNIFICANT_DIGITS - 1;
    significant = significant.slice(0, MAX_SIGNIFICANT_DIGITS) + '1';
  }
  const magnitude = significant.length - 1 + power;
  if (magnitude > MAX_DECIMAL_EXPONENT)
    return { value: { kind: 'infinity', negative }, outOfRange: true };
  if (magnitude < MIN_DECIMAL_EXPONENT) return { value: zero(negative), outOfRange: true };
  const n = BigInt(significant);
  // 10^p = 5^p * 2^p: keep the power of five in the fraction, the power of two in the exponent.
  return power >= 0
    ? rounded(negative, n * 5n ** BigInt(power), 1n, power)
    : rounded(negative, n, 5n ** BigInt(-power), power);
}

/** The nearest long double to a nonzero number, with strtold's ERANGE report. */
function rounded(
  negative: boolean,
  numerator: bigint,
  denominator: bigint,
  exponent: number,
): ParsedLongDouble {
  if (numerator === 0n) return { value: zero(negative), outOfRange: false };
  const value = roundToLongDouble(negative, numerator, denominator, exponent);
  const outOfRange =
    value.kind === 'infinity' || (value.kind === 'finite' && value.mantissa === 0n);
  return { value, outOfRange };
}

function zero(negative: boolean): LongDouble {
  return { kind: 'finite', negative, mantissa: 0n, exponent: 0 };
}

/**
 * The long double nearest to (numerator / denominator) * 2^exponent (nonzero bigints), rounding
 * ties to even as the FPU does, with subnormals below 2^-16382 and infinity from 2^16384 on.
 */
function roundToLongDouble(
  negative: boolean,
  numerator: bigint,
  denominator: bigint,
  exponent: number,
): LongDouble {
  // Scale so that the integer quotient has at least 66 bits: 64 kept, a guard bit and one spare.
  const shift = SIGNIFICAND_BITS + 2 - (bitLength(numerator) - bitLength(denominator));
  const scaledNumerator = shift >= 0 ? numerator << BigInt(shift) : numerator;
  const scaledDenominator = shift >= 0 ? denominator : denominator << BigInt(-shift);
  const quotient = scaledNumerator / scaledDenominator;
  const inexactTail = quotient * scaledDenominator !== scaledNumerator;
  const quotientExponent = exponent - shift;
  const lowest = Math.max(quotientExponent + bitLength(quotient) - SIGNIFICAND_BITS, MIN_EXPONENT);
  // At least the two extra bits are dropped, so there is always a guard bit to round on.
  const dropped = BigInt(lowest - quotientExponent);
  let mantissa = quotient >> dropped;
  let resultExponent = lowest;
  const rest = quotient & ((1n << dropped) - 1n);
  const half = 1n << (dropped - 1n);
  if (rest > half || (rest === half && (inexactTail || (mantissa & 1n) === 1n))) mantissa++;
  if (mantissa === 1n << BigInt(SIGNIFICAND_BITS)) {
    mantissa >>= 1n;
    resultExponent++;
  }
  if (mantissa !== 0n && resultExponent + bitLength(mantissa) > MAX_BINARY_EXPONENT) {
    return { kind: 'infinity', negative };
  }
  return { kind: 'finite', negative, mantissa, exponent: mantissa === 0n ? 0 : resultExponent };
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** a + b rounded to nearest even, as the x87 FPU adds at 64-bit precision. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' };
  if (a.kind === 'infinity' || b.kind === 'infinity') {
    if (a.kind === 'infinity' && b.kind === 'infinity' && a.negative !== b.negative)
      return { kind: 'nan' };
    return a.kind === 'infinity' ? a : b;
  }
  if (a.mantissa === 0n && b.mantissa === 0n) return zero(a.negative && b.negative);
  const exponent = Math.min(a.exponent, b.exponent);
  const sum =
    signed(a) * 2n ** BigInt(a.exponent - exponent) +
    signed(b) * 2n ** BigInt(b.exponent - exponent);
  // An exact zero sum is +0 when rounding to nearest.
  if (sum === 0n) return zero(false);
  return sum < 0n
    ? roundToLongDouble(true, -sum, 1n, exponent)
    : roundToLongDouble(false, sum, 1n, exponent);
}

function signed(x: Extract<LongDouble, { kind: 'finite' }>): bigint {
  return x.negative ? -x.mantissa : x.mantissa;
}

const FRACTION_DIGITS = 17;
const FRACTION_SCALE = 10n ** BigInt(FRACTION_DIGITS);

/**
 * printf("%.17Lf", x) as glibc prints it: the exact value rounded to 17 decimals (ties to even).
 * Infinity and NaN print as "inf", "-inf" and "nan".
 */
export function formatFixed17(x: LongDouble): string {
  if (x.kind === 'nan') return 'nan';
  if (x.kind === 'infinity') return x.negative ? '-inf' : 'inf';
  const sign = x.negative ? '-' : '';
  let scaled: bigint;
  if (x.exponent >= 0) {
    scaled = (x.mantissa << BigInt(x.exponent)) * FRACTION_SCALE;
  } else {
    const bits = BigInt(-x.exponent);
    const exact = x.mantissa * FRACTION_SCALE;
    scaled = exact >> bits;
    const rest = exact & ((1n << bits) - 1n);
    const half = 1n << (bits - 1n);
    if (rest > half || (rest === half && (scaled & 1n) === 1n)) scaled++;
  }
  const whole = scaled / FRACTION_SCALE;
  const fraction = (scaled % FRACTION_SCALE).toString().padStart(FRACTION_DIGITS, '0');
  return `${sign}${whole}.${fraction}`;
}

/**
 * Redis's ld2string in LD_STR_HUMAN mode: "%.17Lf" without trailing zeros (and without a bare
 * trailing point), and "-0" printed as "0".
 */
export function formatLongDoubleHuman(x: LongDouble): string {
  const fixed = formatFixed17(x);
  if (fixed.indexOf('.') < 0) return fixed;
  let end = fixed.length;
  while (fixed.charCodeAt(end - 1) === 48) end--;
  if (fixed.charCodeAt(end - 1) === 46) end--;
  const text = fixed.slice(0, end);
  return text === '-0' ? '0' : text;
}
