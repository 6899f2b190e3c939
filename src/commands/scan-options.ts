/**
 * The arguments of the SCAN family (SCAN, and HSCAN/SSCAN/ZSCAN after their key), parsed as
 * Redis's parseScanCursorOrReply and scanGenericCommand do.
 */
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { parseInteger } from '../dispatch/numbers.js';
import { GlobPattern } from '../keyspace/glob.js';

const ULONG_MAX = 2n ** 64n - 1n;

/**
 * A cursor as C's strtoul reads it, which Redis accepts whole: an optional sign and decimal
 * digits (a negative cursor wraps around, so "-1" is the largest one), or the empty string (0).
 * Anything else, including leading spaces and values past 2^64-1, is an invalid cursor.
 */
export function parseScanCursor(text: string): number {
  if (text === '') return 0;
  if (!/^[+-]?[0-9]+$/.test(text)) throw new ReplyError(Err.invalidCursor);
  const magnitude = BigInt(text[0] === '-' || text[0] === '+' ? text.slice(1) : text);
  if (magnitude > ULONG_MAX) throw new ReplyError(Err.invalidCursor);
  const value = text[0] === '-' && magnitude !== 0n ? ULONG_MAX + 1n - magnitude : magnitude;
  return Number(value);
}

export interface ScanOptions {
  /** How many entries to visit: a hint, as in Redis. */
  count: number;
  /** The MATCH pattern, or null when everything matches. */
  pattern: GlobPattern | null;
  /** SCAN's TYPE filter as given, or null. */
  type: string | null;
}

/**
 * Parses COUNT, MATCH and (for SCAN only, `allowType`) TYPE from argv[start]; the last of a
 * repeated option wins. Throws Redis's errors.
 */
export function parseScanOptions(argv: string[], start: number, allowType: boolean): ScanOptions {
  const options: ScanOptions = { count: 10, pattern: null, type: null };
  for (let i = start; i < argv.length; i += 2) {
    const option = argv[i].toLowerCase();
    const hasValue = i + 1 < argv.length;
    if (option === 'count' && hasValue) {
      const count = parseInteger(argv[i + 1]);
      if (count === null) throw new ReplyError(Err.notInteger);
      if (count < 1) throw new ReplyError(Err.syntax);
      options.count = count;
    } else if (option === 'match' && hasValue) {
      // "*" matches everything: no need to test each key.
      options.pattern = argv[i + 1] === '*' ? null : new GlobPattern(argv[i + 1]);
    } else if (option === 'type' && allowType && hasValue) {
      options.type = argv[i + 1];
    } else {
      throw new ReplyError(Err.syntax);
    }
  }
  return options;
}

/** Whether a scanned element passes the MATCH filter. */
export function matchesScanPattern(options: ScanOptions, element: string): boolean {
  return options.pattern === null || options.pattern.matches(element);
}
