/**
 * The range arguments of the sorted set commands, read as Redis 7.0 reads them: score bounds with
 * C's strtod (zslParseRange) and lex bounds with their '[' '(' '-' '+' prefixes
 * (zslParseLexRangeItem).
 */
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import type { LexLimit, LexRange, ScoreRange } from '../datatypes/zset.js';

const LEADING_SPACE = /^[ \t\n\v\f\r]*/;
const DECIMAL = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/;
const HEXADECIMAL =
  /^([+-]?)0[xX](?:([0-9a-fA-F]+)\.?([0-9a-fA-F]*)|\.([0-9a-fA-F]+))(?:[pP]([+-]?[0-9]+))?/;
const INFINITY = /^[+-]?inf(?:inity)?/i;

/**
 * The number C's strtod reads from a whole argument, as Redis uses it for score bounds: leading
 * white space is skipped, and the number must run to the end of the string (C's end: the first
 * NUL byte). Unlike getDoubleFromObject it takes "" (as 0), overflow (as infinity) and underflow.
 * NaN, and anything that is not all number, is null.
 */
export function strtodWhole(text: string): number | null {
  const nul = text.indexOf('\0');
  const c = nul < 0 ? text : text.slice(0, nul);
  // No conversion leaves the end pointer at the start: fine only when that is the end.
  if (c === '') return 0;
  const body = c.slice(LEADING_SPACE.exec(c)![0].length);
  let match: RegExpExecArray | null;
  let value: number;
  if ((match = HEXADECIMAL.exec(body)) !== null) {
    value = hexValue(match);
  } else if ((match = DECIMAL.exec(body)) !== null) {
    value = Number(match[0]);
  } else if ((match = INFINITY.exec(body)) !== null) {
    value = match[0][0] === '-' ? -Infinity : Infinity;
  } else {
    // Nothing else is a number; NaN ("nan", "nan(...)") is one strtod reads, and Redis refuses.
    return null;
  }
  return match[0].length === body.length ? value : null;
}

/** The value of a C99 hexadecimal float ("0x1.8p3"), correctly rounded. */
function hexValue(match: RegExpExecArray): number {
  const [, sign, whole = '', fraction = '', onlyFraction, exponent = '0'] = match;
  const digits = onlyFraction !== undefined ? onlyFraction : whole + fraction;
  const fractionDigits = onlyFraction !== undefined ? onlyFraction.length : fraction.length;
  const mantissa = Number(BigInt('0x' + digits));
  const value = mantissa * 2 ** (Number(exponent) - 4 * fractionDigits);
  return sign === '-' ? -value : value;
}

/** One score bound: "(" makes it exclusive. */
function parseScoreBound(text: string): { value: number; exclusive: boolean } {
  const exclusive = text[0] === '(';
  const value = strtodWhole(exclusive ? text.slice(1) : text);
  if (value === null) throw new ReplyError(Err.minMaxNotFloat);
  return { value, exclusive };
}

/** min and max of ZRANGEBYSCORE, ZCOUNT ... ("min or max is not a float"). */
export function parseScoreRange(minText: string, maxText: string): ScoreRange {
  const min = parseScoreBound(minText);
  const max = parseScoreBound(maxText);
  return {
    min: min.value,
    max: max.value,
    minExclusive: min.exclusive,
    maxExclusive: max.exclusive,
  };
}

/** One lex bound: "-" and "+" (exactly, as far as C sees), "[member" or "(member". */
function parseLexLimit(text: string): LexLimit {
  const first = text[0];
  const alone = text.length === 1 || text.charCodeAt(1) === 0;
  if (first === '+' && alone) return { infinite: 1, value: '', exclusive: true };
  if (first === '-' && alone) return { infinite: -1, value: '', exclusive: true };
  if (first === '(' || first === '[') {
    return { infinite: 0, value: text.slice(1), exclusive: first === '(' };
  }
  throw new ReplyError(Err.minMaxNotLex);
}

/** min and max of ZRANGEBYLEX, ZLEXCOUNT ... ("min or max not valid string range item"). */
export function parseLexRange(minText: string, maxText: string): LexRange {
  return { min: parseLexLimit(minText), max: parseLexLimit(maxText) };
}
