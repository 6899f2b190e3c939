/**
 * SORT and SORT_RO, as Redis 7.0's sort.c: the elements of a list, set or sorted set, sorted as
 * numbers or (ALPHA) as strings, by themselves or by the values of other keys (BY pattern), cut
 * by LIMIT, output as themselves or as the values of other keys (GET pattern), or stored as a
 * list (STORE).
 *
 * The order of equal elements is Redis's: a full sort is glibc's qsort, a stable merge sort, and
 * a sort BY a pattern with a LIMIT is Redis's partial quicksort (datatypes/partial-sort.ts).
 */
import {
  defineCommand,
  type CommandSpec,
  type KeyReference,
  type KeySpec,
} from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { parseInteger } from '../dispatch/numbers.js';
import { HashValue } from '../datatypes/hash.js';
import { ListValue } from '../datatypes/list.js';
import { partialSort } from '../datatypes/partial-sort.js';
import { SetValue } from '../datatypes/set.js';
import { ZSetValue } from '../datatypes/zset.js';
import { isString, stringBytes } from '../keyspace/values.js';
import { keysAt } from './key-specs.js';
import { optionName } from './string-common.js';

interface SortOptions {
  desc: boolean;
  alpha: boolean;
  /** LIMIT offset count; count -1 when there is no LIMIT. */
  offset: number;
  count: number;
  by: string | null;
  /** BY a pattern without '*' (such as "nosort"): the elements keep their order. */
  dontSort: boolean;
  get: string[];
  store: string | null;
}

/** An element to sort, with what it sorts by. */
interface SortItem {
  element: string;
  /** The numeric weight (0 when the BY key is missing). */
  score: number;
  /** The ALPHA weight from a BY key, null when the key is missing. */
  weight: string | null;
}

function sortGeneric(ctx: CommandContext, argv: string[], readOnly: boolean): void {
  const options = parseOptions(argv, readOnly);
  const source = readSortable(ctx, argv[1]);
  if (
    source instanceof SetValue &&
    options.dontSort &&
    (options.store !== null || ctx.client.isScript)
  ) {
    // A set's order is its hash table's: what is stored, or what a script sees, is sorted so
    // that replicas get the same.
    options.dontSort = false;
    options.alpha = true;
    options.by = null;
  }
  // Like Redis, SORT converts a sorted set it reads to the skiplist encoding.
  if (source instanceof ZSetValue) source.convertToSkiplist();
  const { items, start, end } = loadItems(source, options);
  if (!options.dontSort && !weighAndSort(ctx, items, options, start, end)) {
    throw new ReplyError(Err.sortScoreNotDouble);
  }
  const results = outputOf(ctx, items, start, end, options.get);
  if (options.store !== null) return storeList(ctx, options.store, results);
  ctx.reply.array(results.length);
  for (const value of results) {
    if (value === null) ctx.reply.nullBulk();
    else ctx.reply.bulk(value);
  }
}

/** The list, set or sorted set to sort, undefined for a missing key; WRONGTYPE otherwise. */
function readSortable(
  ctx: CommandContext,
  key: string,
): ListValue | SetValue | ZSetValue | undefined {
  const value = ctx.read(key);
  if (
    value === undefined ||
    value instanceof ListValue ||
    value instanceof SetValue ||
    value instanceof ZSetValue
  ) {
    return value;
  }
  throw new ReplyError(Err.wrongType);
}

/**
 * The elements to sort and the ranks start..end (inclusive) LIMIT selects among them. BY nosort
 * keeps the order of a list or sorted set (reversed by DESC), and then only the selected range is
 * loaded.
 */
function loadItems(
  source: ListValue | SetValue | ZSetValue | undefined,
  options: SortOptions,
): { items: SortItem[]; start: number; end: number } {
  const size = source === undefined ? 0 : source instanceof ListValue ? source.length : source.size;
  const [start, end] = limitRange(options, size);
  if (options.dontSort && !(source instanceof SetValue)) {
    return { items: orderedRange(source, start, end, options.desc), start: 0, end: end - start };
  }
  return { items: allElements(source), start, end };
}

function parseOptions(argv: string[], readOnly: boolean): SortOptions {
  const options: SortOptions = {
    desc: false,
    alpha: false,
    offset: 0,
    count: -1,
    by: null,
    dontSort: false,
    get: [],
    store: null,
  };
  for (let j = 2; j < argv.length; j++) {
    const option = optionName(argv[j]);
    const left = argv.length - j - 1;
    if (option === 'asc') options.desc = false;
    else if (option === 'desc') options.desc = true;
    else if (option === 'alpha') options.alpha = true;
    else if (option === 'limit' && left >= 2) {
      options.offset = longArgument(argv[++j]);
      options.count = longArgument(argv[++j]);
    } else if (option === 'store' && left >= 1 && !readOnly) {
      options.store = argv[++j];
    } else if (option === 'by' && left >= 1) {
      options.by = argv[++j];
      // Once set, it stays set, even if a later BY has a '*'.
      if (!cString(options.by).includes('*')) options.dontSort = true;
    } else if (option === 'get' && left >= 1) {
      options.get.push(argv[++j]);
    } else {
      throw new ReplyError(Err.syntax);
    }
  }
  return options;
}

function longArgument(arg: string): number {
  const n = parseInteger(arg);
  if (n === null) throw new ReplyError(Err.notInteger);
  return n;
}

/** The ranks start..end (inclusive) that LIMIT selects; end < start when none. */
function limitRange(options: SortOptions, size: number): [number, number] {
  let start = Math.min(Math.max(options.offset, 0), size);
  const count = Math.min(Math.max(options.count, -1), size);
  let end = count < 0 ? size - 1 : start + count - 1;
  if (start >= size) {
    start = size - 1;
    end = size - 2;
  }
  return [start, Math.min(end, size - 1)];
}

/** Ranks start..end of a list or sorted set (from the tail with DESC), in their own order. */
function orderedRange(
  source: ListValue | ZSetValue | undefined,
  start: number,
  end: number,
  desc: boolean,
): SortItem[] {
  const items: SortItem[] = [];
  if (source === undefined || end < start) return items;
  const size = source instanceof ListValue ? source.length : source.size;
  for (let rank = start; rank <= end; rank++) {
    const index = desc ? size - 1 - rank : rank;
    const element = source instanceof ListValue ? source.at(index) : source.cursorAt(index).member;
    items.push({ element, score: 0, weight: null });
  }
  return items;
}

function allElements(source: ListValue | SetValue | ZSetValue | undefined): SortItem[] {
  let elements: string[] = [];
  if (source instanceof ListValue) elements = source.range(0, source.length - 1);
  else if (source instanceof SetValue) elements = source.members();
  else source?.forEach((member) => elements.push(member));
  return elements.map((element) => ({ element, score: 0, weight: null }));
}

/**
 * Looks up the weights (the elements themselves, or the BY keys) and sorts; false when a numeric
 * weight is not a number.
 */
function weighAndSort(
  ctx: CommandContext,
  items: SortItem[],
  options: SortOptions,
  start: number,
  end: number,
): boolean {
  let convertible = true;
  for (const item of items) {
    const weight =
      options.by === null ? item.element : lookupByPattern(ctx, options.by, item.element);
    if (weight === null) continue;
    if (options.alpha) {
      if (options.by !== null) item.weight = weight;
      continue;
    }
    const score = sortScore(weight);
    if (score === null) convertible = false;
    else item.score = score;
  }
  const compare = comparator(options);
  if (options.by !== null && (start !== 0 || end !== items.length - 1)) {
    partialSort(items, compare, start, end);
  } else {
    items.sort(compare);
  }
  return convertible;
}

/** Redis's sortCompare for the options. */
function comparator(options: SortOptions): (a: SortItem, b: SortItem) => number {
  const sign = options.desc ? -1 : 1;
  // Without STORE, strings compare with strcoll, which in the C.UTF-8 locale is strcmp: bytes
  // up to the first NUL. STORE compares all bytes, so replicas sort the same way.
  const compareText = options.store === null ? compareCStrings : compareBytes;
  if (!options.alpha) {
    return (a, b) =>
      sign * (a.score > b.score ? 1 : a.score < b.score ? -1 : compareBytes(a.element, b.element));
  }
  if (options.by === null) return (a, b) => sign * compareText(a.element, b.element);
  return (a, b) => {
    if (a.weight === null || b.weight === null) {
      return sign * (a.weight === b.weight ? 0 : a.weight === null ? -1 : 1);
    }
    return sign * compareText(a.weight, b.weight);
  };
}

function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareCStrings(a: string, b: string): number {
  return compareBytes(cString(a), cString(b));
}

/**
 * The output of ranks start..end: the elements, or for each one the values of the GET patterns
 * (null for a missing value).
 */
function outputOf(
  ctx: CommandContext,
  items: SortItem[],
  start: number,
  end: number,
  get: string[],
): (string | null)[] {
  const results: (string | null)[] = [];
  for (let j = start; j <= end; j++) {
    const element = items[j].element;
    if (get.length === 0) results.push(element);
    for (const pattern of get) results.push(lookupByPattern(ctx, pattern, element));
  }
  return results;
}

/** STORE: the results as a list (missing values as empty strings), or no key when empty. */
function storeList(ctx: CommandContext, key: string, results: (string | null)[]): void {
  if (results.length > 0) {
    ctx.keyspace.setKey(ctx.db, key, ListValue.of(results.map((value) => value ?? '')));
    ctx.keyspace.keyChanged(ctx.db, key, 'l', 'sortstore', results.length);
  } else if (ctx.keyspace.delete(ctx.db, key)) {
    ctx.keyChanged(key, 'g', 'del');
  }
  ctx.reply.integer(results.length);
}

/**
 * Redis's lookupKeyByPattern: "#" is the element itself; otherwise the first '*' is replaced by
 * the element to name a string key, or, with "->field" after the '*', a hash key and its field.
 * A pattern without '*' names nothing. Like Redis's C string functions, the search for '#', '*'
 * and "->" stops at a NUL byte.
 */
function lookupByPattern(ctx: CommandContext, pattern: string, element: string): string | null {
  const text = cString(pattern);
  if (text === '#') return element;
  const star = text.indexOf('*');
  if (star < 0) return null;
  const arrow = text.indexOf('->', star + 1);
  const hasField = arrow >= 0 && arrow + 2 < text.length;
  const keyEnd = hasField ? arrow : pattern.length;
  const key = pattern.slice(0, star) + element + pattern.slice(star + 1, keyEnd);
  const value = ctx.read(key);
  if (value === undefined) return null;
  if (!hasField) return isString(value) ? stringBytes(value) : null;
  return value instanceof HashValue ? (value.get(pattern.slice(arrow + 2)) ?? null) : null;
}

/** The text before the first NUL byte, as C string functions see it. */
function cString(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

/**
 * A numeric weight as SORT reads it: C's strtod over the text up to the first NUL, which must
 * be consumed whole (an empty text is 0). Leading white space, hexadecimal and "inf" are
 * accepted; NaN and results out of range (strtod's ERANGE: overflow, or an inexact result below
 * the smallest normal double) are not. Null when not a number.
 */
function sortScore(weight: string): number | null {
  const whole = cString(weight);
  // An empty text converts nothing and leaves strtod at its end: Redis takes that as 0.
  if (whole === '') return 0;
  const text = whole.replace(/^[ \t\n\v\f\r]+/, '');
  const decimal = DECIMAL.exec(text);
  if (decimal !== null) {
    const value = Number(text);
    if (!Number.isFinite(value)) return null;
    const tiny = Math.abs(value) < MIN_NORMAL;
    if (tiny && /[1-9]/.test(decimal[1])) return null;
    return value;
  }
  if (INFINITY.test(text)) return text[0] === '-' ? -Infinity : Infinity;
  const hex = HEXADECIMAL.exec(text);
  return hex === null ? null : hexValue(hex);
}

const MIN_NORMAL = 2 ** -1022;
/** strtod's decimal form; group 1 is the mantissa. */
const DECIMAL = /^[+-]?((?:[0-9]+\.?[0-9]*|\.[0-9]+))(?:[eE][+-]?[0-9]+)?$/;
const INFINITY = /^[+-]?inf(?:inity)?$/i;
const HEXADECIMAL = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?$/;

/** A hexadecimal float, rounded to nearest; null when out of range as strtod reports it. */
function hexValue(match: RegExpExecArray): number | null {
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  if (whole === '' && fraction === '') return null;
  let mantissa = BigInt('0x' + (whole + fraction || '0'));
  let power = Number(exponent) - 4 * fraction.length;
  if (mantissa === 0n) return sign === '-' ? -0 : 0;
  // Keep 53 significant bits (or fewer below the normal range), rounding half to even.
  const bits = mantissa.toString(2).length;
  const keep = Math.min(53, bits + power + 1074);
  let exact = true;
  if (keep <= 0) return null;
  if (bits > keep) {
    const drop = BigInt(bits - keep);
    const rest = mantissa & ((1n << drop) - 1n);
    const half = 1n << (drop - 1n);
    mantissa >>= drop;
    power += bits - keep;
    exact = rest === 0n;
    if (rest > half || (rest === half && (mantissa & 1n) === 1n)) mantissa++;
  }
  const value = Number(mantissa) * 2 ** power;
  if (!Number.isFinite(value)) return null;
  if (!exact && Math.abs(value) < MIN_NORMAL) return null;
  return sign === '-' ? -value : value;
}

/**
 * Redis's sortGetKeys: the sorted key, and the last STORE destination, skipping the arguments of
 * LIMIT, GET and BY.
 */
function sortKeys(argv: string[]): KeyReference[] {
  const keys: KeyReference[] = [{ index: 1, flags: ['RO', 'ACCESS'] }];
  let store = 0;
  for (let i = 2; i < argv.length; i++) {
    const option = optionName(argv[i]);
    const skip = OPTION_ARGUMENTS.get(option);
    if (skip !== undefined) i += skip;
    else if (option === 'store' && i + 1 < argv.length) store = i + 1;
  }
  if (store !== 0) keys.push({ index: store, flags: ['OW', 'UPDATE'] });
  return keys;
}

/** How many arguments sortGetKeys skips after LIMIT, GET and BY. */
const OPTION_ARGUMENTS: ReadonlyMap<string, number> = new Map([
  ['limit', 2],
  ['get', 1],
  ['by', 1],
]);

function sortKeySpecs(): KeySpec[] {
  return [
    keysAt(1, ['RO', 'ACCESS']),
    {
      notes:
        "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
      flags: ['RO', 'ACCESS'],
      begin: { unknown: true },
      find: { unknown: true },
    },
  ];
}

export const sortCommands: CommandSpec[] = [
  defineCommand({
    name: 'sort',
    arity: -2,
    flags: ['write', 'denyoom'],
    acl: ['set', 'sortedset', 'list', 'dangerous'],
    keySpecs: [
      ...sortKeySpecs(),
      {
        notes:
          "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
        flags: ['OW', 'UPDATE'],
        begin: { unknown: true },
        find: { unknown: true },
      },
    ],
    getKeys: sortKeys,
    handler: (ctx, argv) => sortGeneric(ctx, argv, false),
  }),
  defineCommand({
    name: 'sort_ro',
    arity: -2,
    flags: ['readonly'],
    acl: ['set', 'sortedset', 'list', 'dangerous'],
    keySpecs: sortKeySpecs(),
    getKeys: () => [{ index: 1, flags: ['RO', 'ACCESS'] }],
    handler: (ctx, argv) => sortGeneric(ctx, argv, true),
  }),
];
