/**
 * Stream IDs: two unsigned 64-bit parts, milliseconds and sequence. A part is a JS number while it
 * is exact (up to 2^53 - 1) and a bigint beyond, always normalized that way, so `<` and `>`
 * compare any two parts exactly and `===` compares two normalized parts. The bigint path is only
 * taken for the edge cases Redis accepts (XADD s 18446744073709551615-0).
 *
 * The same number-or-bigint representation serves the 64-bit counters of streams and groups
 * (entries-added, entries-read, delivery counts), which XSETID and friends may set beyond 2^53.
 */

/** An unsigned (or, for counters, signed) 64-bit integer: a number when exact, else a bigint. */
export type U64 = number | bigint;

export interface StreamId {
  readonly ms: U64;
  readonly seq: U64;
}

export const U64_MAX = 18446744073709551615n;
const SAFE_MAX = Number.MAX_SAFE_INTEGER;
const SAFE_MAX_BIG = BigInt(SAFE_MAX);

export const MIN_ID: StreamId = { ms: 0, seq: 0 };
export const MAX_ID: StreamId = { ms: U64_MAX, seq: U64_MAX };

/** A bigint as a normalized U64: a number when it is a safe integer. */
export function normalize(v: bigint): U64 {
  return v <= SAFE_MAX_BIG && v >= -SAFE_MAX_BIG ? Number(v) : v;
}

export function toBigInt(v: U64): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

/** v + 1 (no wrap-around: callers check for the maximum first). */
export function increment(v: U64): U64 {
  return typeof v === 'number' && v < SAFE_MAX ? v + 1 : normalize(toBigInt(v) + 1n);
}

/** a - b as a signed 64-bit integer, wrapping like C's int64 arithmetic. */
export function subtract(a: U64, b: U64): U64 {
  if (typeof a === 'number' && typeof b === 'number') {
    const d = a - b;
    if (Number.isSafeInteger(d)) return d;
  }
  return normalize(BigInt.asIntN(64, toBigInt(a) - toBigInt(b)));
}

/** a + b for unsigned parts that cannot overflow (a node's master ID plus a delta). */
export function add(a: U64, b: U64): U64 {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b;
    if (s <= SAFE_MAX) return s;
  }
  return normalize(toBigInt(a) + toBigInt(b));
}

export function compareIds(a: StreamId, b: StreamId): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

export function isZeroId(id: StreamId): boolean {
  return id.ms === 0 && id.seq === 0;
}

/** Whether `id` is the largest ID (no number-to-bigint comparison on the way). */
export function isMaxId(id: StreamId): boolean {
  return id.ms === U64_MAX && id.seq === U64_MAX;
}

export function formatId(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

/** The next ID (Redis's streamIncrID), or null when `id` is the largest one. */
export function nextId(id: StreamId): StreamId | null {
  if (id.seq !== U64_MAX) return { ms: id.ms, seq: increment(id.seq) };
  if (id.ms === U64_MAX) return null;
  return { ms: increment(id.ms), seq: 0 };
}

/** The previous ID (Redis's streamDecrID), or null when `id` is 0-0. */
export function previousId(id: StreamId): StreamId | null {
  if (id.seq !== 0) return { ms: id.ms, seq: normalize(toBigInt(id.seq) - 1n) };
  if (id.ms === 0) return null;
  return { ms: normalize(toBigInt(id.ms) - 1n), seq: U64_MAX };
}

const STRICT_INT64 = /^(?:0|-?[1-9][0-9]*)$/;
const STRTOULL = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/;
const INT64_MAX = 9223372036854775807n;

/**
 * Redis's string2ull on a C string: first the strict string2ll (a negative number is refused),
 * then strtoull's leniency: leading white space, a sign (a minus wraps around modulo 2^64),
 * leading zeros. Null when not a number or beyond 2^64 - 1.
 */
export function parseU64(s: string): U64 | null {
  const digits = shortDigits(s, 0, s.length);
  if (digits >= 0) return digits;
  if (s.length > 0 && s.length < 16 && STRICT_INT64.test(s)) {
    return s.charCodeAt(0) === 45 ? null : Number(s);
  }
  if (STRICT_INT64.test(s) && s.length <= 20) {
    const value = BigInt(s);
    if (value < 0n) return value >= -INT64_MAX - 1n ? null : lenient(s);
    if (value <= INT64_MAX) return normalize(value);
  }
  return lenient(s);
}

/**
 * `s[from, to)` as a number when it is plain decimal digits without a leading zero and at most 15
 * of them (so exact), the common form of an ID part, read without a regex or a slice; else -1.
 */
function shortDigits(s: string, from: number, to: number): number {
  const length = to - from;
  if (length === 0 || length > 15 || (length > 1 && s.charCodeAt(from) === 48)) return -1;
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = s.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function lenient(s: string): U64 | null {
  const match = STRTOULL.exec(s);
  if (match === null) return null;
  const value = BigInt(match[2]);
  if (value > U64_MAX) return null;
  return normalize(match[1] === '-' ? (U64_MAX + 1n - value) % (U64_MAX + 1n) : value);
}

/** How an ID argument without a sequence part, or "-" and "+", are read. */
export interface IdParseOptions {
  /** The sequence of "<ms>" alone: 0 for a range start, the maximum for a range end. */
  missingSeq?: U64;
  /** Refuse "-" and "+" (Redis's strict parsing, for IDs that must be real). */
  strict?: boolean;
  /** Accept "<ms>-*" (XADD): the result's seq is then null, to be generated. */
  allowSeqWildcard?: boolean;
}

export interface ParsedId {
  ms: U64;
  /** Null for "<ms>-*". */
  seq: U64 | null;
}

/**
 * Redis's streamGenericParseIDOrReply on an argument: "<ms>-<seq>", "<ms>" (the sequence then
 * comes from `missingSeq`), "-" and "+" unless strict, and "<ms>-*" when allowed. Arguments are C
 * strings to Redis, so the text ends at the first NUL byte; beyond 127 bytes an ID is invalid.
 * Null when invalid.
 */
export function parseStreamId(arg: string, options: IdParseOptions = {}): ParsedId | null {
  if (arg.length > 127) return null;
  const nul = arg.indexOf('\0');
  const s = nul < 0 ? arg : arg.slice(0, nul);
  if (s === '-' || s === '+') {
    if (options.strict) return null;
    return s === '-' ? { ms: 0, seq: 0 } : { ms: U64_MAX, seq: U64_MAX };
  }
  const dash = s.indexOf('-');
  const msEnd = dash < 0 ? s.length : dash;
  const msDigits = shortDigits(s, 0, msEnd);
  const ms = msDigits >= 0 ? msDigits : parseU64(s.slice(0, msEnd));
  if (ms === null) return null;
  if (dash < 0) return { ms, seq: options.missingSeq ?? 0 };
  if (options.allowSeqWildcard && s.length === dash + 2 && s.charCodeAt(dash + 1) === 42) {
    return { ms, seq: null }; // "<ms>-*"
  }
  const seqDigits = shortDigits(s, dash + 1, s.length);
  const seq = seqDigits >= 0 ? seqDigits : parseU64(s.slice(dash + 1));
  return seq === null ? null : { ms, seq };
}
