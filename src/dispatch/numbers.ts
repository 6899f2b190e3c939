/**
 * Number parsing exactly as Redis accepts numbers in arguments (string2ll, strtod with Redis's
 * extra checks). Failures are null; the caller picks the error text (usually from errors.ts).
 */

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

const INT_PATTERN = /^(?:0|-?[1-9][0-9]*)$/;

/** Redis's string2ll: optional '-', no '+', no spaces, no leading zeros, within int64. */
export function parseInt64(s: string): bigint | null {
  if (s.length === 0 || s.length > 20 || !INT_PATTERN.test(s)) return null;
  const n = BigInt(s);
  return n < INT64_MIN || n > INT64_MAX ? null : n;
}

/**
 * An int64 argument as a JS number, or null. Values beyond 2^53 lose precision, which is fine for
 * counts, indexes and offsets (they are clamped or rejected long before that).
 */
export function parseInteger(s: string): number | null {
  if (s.length < 16) return INT_PATTERN.test(s) ? Number(s) : null;
  const n = parseInt64(s);
  return n === null ? null : Number(n);
}

const DECIMAL_FLOAT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const INFINITY = /^[+-]?inf(?:inity)?$/i;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?$/;

/**
 * strtod as Redis's getDoubleFromObject uses it: the whole string must be a number, no leading
 * space, NaN refused, and out-of-range values (overflow to infinity or underflow to zero) refused.
 */
export function parseDouble(s: string): number | null {
  if (s.length === 0) return null;
  if (DECIMAL_FLOAT.test(s)) {
    const value = Number(s);
    if (!Number.isFinite(value)) return null;
    if (value === 0 && /[1-9]/.test(s.replace(/[eE].*$/, ''))) return null;
    return value;
  }
  if (INFINITY.test(s)) return s[0] === '-' ? -Infinity : Infinity;
  const hex = HEX_FLOAT.exec(s);
  if (hex !== null && (hex[2] !== '' || (hex[3] ?? '') !== '')) {
    const [, sign, whole, fraction = '', exponent = '0'] = hex;
    const digits = whole + fraction;
    const value = parseInt(digits || '0', 16) * 2 ** (Number(exponent) - 4 * fraction.length);
    if (!Number.isFinite(value)) return null;
    return sign === '-' ? -value : value;
  }
  return null;
}
