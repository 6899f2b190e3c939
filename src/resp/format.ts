/** Number formatting exactly as Redis 7.0 prints numbers into replies. */

/** C's printf("%.17g", x), which Redis 7.0 uses for double replies. */
export function formatDouble17g(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  return formatG(x, 17);
}

/** printf("%.<precision>g", x) for finite x, precision 1 to 17. */
export function formatG(x: number, precision: number): string {
  const [digits, exponent] = roundToDigits(x, precision);
  // The exponent after rounding decides the notation, as in C.
  if (exponent < -4 || exponent >= precision) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const abs = Math.abs(exponent);
    return `${x < 0 ? '-' : ''}${stripZeros(mantissa)}e${exponent < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  let fixed: string;
  if (exponent < 0) fixed = '0.' + '0'.repeat(-exponent - 1) + digits;
  else if (exponent + 1 >= digits.length) fixed = digits + '0'.repeat(exponent + 1 - digits.length);
  else fixed = digits.slice(0, exponent + 1) + '.' + digits.slice(exponent + 1);
  return (x < 0 ? '-' : '') + stripZeros(fixed);
}

/**
 * |x| rounded to `precision` significant digits: the digits and the decimal exponent of the
 * first one. JavaScript's toExponential rounds exact halves away from zero, C's printf to even,
 * so a value exactly halfway (its exact expansion has one digit more, a 5) is rounded here from
 * its exact decimal expansion.
 */
function roundToDigits(x: number, precision: number): [string, number] {
  const abs = Math.abs(x);
  const oneMore = abs.toExponential(precision);
  const split = oneMore.indexOf('e');
  if (oneMore.charCodeAt(split - 1) === 53 /* '5' */) {
    const exact = exactDecimal(abs);
    if (exact.digits.length === precision + 1) {
      let kept = exact.digits.slice(0, precision);
      const lastDigit = kept.charCodeAt(precision - 1) - 48;
      let exponent = exact.exponent;
      if (lastDigit % 2 === 1) {
        const bumped = (BigInt(kept) + 1n).toString();
        if (bumped.length > precision) exponent++;
        kept = bumped.slice(0, precision);
      }
      return [kept, exponent];
    }
  }
  const rounded = abs.toExponential(precision - 1);
  const e = rounded.indexOf('e');
  return [rounded.slice(0, e).replace('.', ''), Number(rounded.slice(e + 1))];
}

/** The exact decimal expansion of a positive finite double: significant digits and exponent. */
function exactDecimal(abs: number): { digits: string; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, abs);
  const high = view.getUint32(0);
  const biased = (high >>> 20) & 0x7ff;
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  let binaryExponent: number;
  if (biased === 0) {
    binaryExponent = -1074;
  } else {
    mantissa |= 1n << 52n;
    binaryExponent = biased - 1075;
  }
  let text: string;
  let pointShift: number;
  if (binaryExponent >= 0) {
    text = (mantissa << BigInt(binaryExponent)).toString();
    pointShift = 0;
  } else {
    // m * 2^-k = m * 5^k / 10^k
    text = (mantissa * 5n ** BigInt(-binaryExponent)).toString();
    pointShift = -binaryExponent;
  }
  const significant = text.replace(/0+$/, '');
  return { digits: significant, exponent: text.length - 1 - pointShift };
}

function stripZeros(s: string): string {
  if (s.indexOf('.') < 0) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  return s.slice(0, end);
}
