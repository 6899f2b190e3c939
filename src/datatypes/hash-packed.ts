/**
 * The compact form of a small hash, Kvik's listpack: every field and value, in insertion order,
 * in ONE latin1 string. Each entry is a length header and its bytes; the header is one char for
 * lengths up to 254, and char 255 followed by four big-endian length bytes for longer ones. One
 * flat string costs a single heap object instead of one per field and per value, which is what
 * keeps many small hashes about as small as Redis keeps them.
 *
 * Strings are immutable, so every change builds a new one (Redis's listpack moves memory on each
 * change too; small hashes stay small). Changes are assembled with join(), which yields a flat
 * string rather than a rope of concatenations.
 */

const LONG_HEADER = 255;

/** The header of an entry of `length` bytes. */
function header(length: number): string {
  if (length < LONG_HEADER) return String.fromCharCode(length);
  return String.fromCharCode(
    LONG_HEADER,
    (length >>> 24) & 0xff,
    (length >>> 16) & 0xff,
    (length >>> 8) & 0xff,
    length & 0xff,
  );
}

/** The length of the entry (a field or a value) whose header starts at pos. */
export function packedEntryLength(packed: string, pos: number): number {
  const first = packed.charCodeAt(pos);
  if (first < LONG_HEADER) return first;
  return (
    packed.charCodeAt(pos + 1) * 0x1000000 +
    ((packed.charCodeAt(pos + 2) << 16) |
      (packed.charCodeAt(pos + 3) << 8) |
      packed.charCodeAt(pos + 4))
  );
}

/** Where the bytes of the entry whose header starts at pos begin (the next header: their end). */
export function packedEntryStart(packed: string, pos: number): number {
  return packed.charCodeAt(pos) < LONG_HEADER ? pos + 1 : pos + 5;
}

/** One field/value pair, as positions in the packed string. */
export interface PackedPair {
  /** Where the field's header starts (the pair's start). */
  at: number;
  /** Where the value's header starts. */
  valueAt: number;
  /** Where the pair ends (the next pair's start). */
  end: number;
}

/**
 * Alternating fields and values packed in one string: every header and string joined at once
 * (no intermediate string per pair).
 */
export function packPairs(pairs: readonly string[]): string {
  const parts = new Array<string>(pairs.length * 2);
  for (let i = 0; i < pairs.length; i++) {
    parts[2 * i] = header(pairs[i].length);
    parts[2 * i + 1] = pairs[i];
  }
  return parts.join('');
}

/** The pair that starts at pos (which must be a pair's start). */
export function pairAt(packed: string, pos: number): PackedPair {
  const fieldEnd = packedEntryStart(packed, pos) + packedEntryLength(packed, pos);
  return {
    at: pos,
    valueAt: fieldEnd,
    end: packedEntryStart(packed, fieldEnd) + packedEntryLength(packed, fieldEnd),
  };
}

/** The field of the pair starting at pos. */
export function fieldAt(packed: string, pos: number): string {
  const start = packedEntryStart(packed, pos);
  return packed.slice(start, start + packedEntryLength(packed, pos));
}

/** The value of a pair. */
export function valueOf(packed: string, pair: PackedPair): string {
  return packed.slice(packedEntryStart(packed, pair.valueAt), pair.end);
}

/** The start of the pair whose field equals `field`, or -1. */
export function findField(packed: string, field: string): number {
  const length = field.length;
  let pos = 0;
  while (pos < packed.length) {
    const fieldLength = packedEntryLength(packed, pos);
    const start = packedEntryStart(packed, pos);
    if (fieldLength === length && packed.startsWith(field, start)) return pos;
    const valueAt = start + fieldLength;
    pos = packedEntryStart(packed, valueAt) + packedEntryLength(packed, valueAt);
  }
  return -1;
}

/** The number of pairs. */
export function pairCount(packed: string): number {
  let count = 0;
  for (let pos = 0; pos < packed.length; pos = pairAt(packed, pos).end) count++;
  return count;
}

/**
 * The packed string with the pairs args[from], args[from + 1], ... set in order, built with one
 * join however many pairs are new (a field given twice takes its last value, as in Redis).
 */
export function setPackedPairs(packed: string, args: readonly string[], from: number): string {
  // parts[0] is the packed string as updated in place; then header, field, header, value per new
  // field, in argument order.
  const parts = [packed];
  for (let i = from; i < args.length; i += 2) {
    const field = args[i];
    const value = args[i + 1];
    const at = findField(parts[0], field);
    if (at >= 0) {
      parts[0] = replaceValue(parts[0], pairAt(parts[0], at), value);
      continue;
    }
    let added = 2;
    while (added < parts.length && parts[added] !== field) added += 4;
    if (added < parts.length) {
      parts[added + 1] = header(value.length);
      parts[added + 2] = value;
    } else {
      parts.push(header(field.length), field, header(value.length), value);
    }
  }
  return parts.length === 1 ? parts[0] : parts.join('');
}

/** The packed string with the pair's value replaced. */
export function replaceValue(packed: string, pair: PackedPair, value: string): string {
  return [packed.slice(0, pair.valueAt), header(value.length), value, packed.slice(pair.end)].join(
    '',
  );
}

/** The packed string with a pair appended. */
export function appendPair(packed: string, field: string, value: string): string {
  return [packed, header(field.length), field, header(value.length), value].join('');
}

/** The packed string without the pair. */
export function removePair(packed: string, pair: PackedPair): string {
  if (pair.at === 0) return detachedSlice(packed, pair.end, packed.length);
  if (pair.end === packed.length) return detachedSlice(packed, 0, pair.at);
  return [packed.slice(0, pair.at), packed.slice(pair.end)].join('');
}

/** V8 makes slices of 13 chars or more views that keep the whole string alive. */
const SLICE_VIEW_MIN_LENGTH = 13;

/**
 * s.slice(start, end) as a string of its own, which does not keep s alive (for what is stored):
 * joining two non-empty parts makes V8 copy them into a new flat string.
 */
export function detachedSlice(s: string, start: number, end: number): string {
  if (end - start < SLICE_VIEW_MIN_LENGTH) return s.slice(start, end);
  return [s.slice(start, start + 1), s.slice(start + 1, end)].join('');
}

/** Calls visit with every field and value, in order. */
export function forEachPair(packed: string, visit: (field: string, value: string) => void): void {
  let pos = 0;
  while (pos < packed.length) {
    const pair = pairAt(packed, pos);
    visit(fieldAt(packed, pos), valueOf(packed, pair));
    pos = pair.end;
  }
}
