/**
 * Finding the keys in a command's arguments, as Redis 7.0 does (db.c): first from the declared key
 * specs (getKeysUsingKeySpecs), falling back to the command's own getKeys function when a spec
 * cannot say (getKeysFromCommandWithSpecs). COMMAND GETKEYS uses it today; ACL key permissions and
 * cluster slot routing use it later.
 */
import type { CommandSpec, KeyReference, KeySpec } from './command.js';
import { INT64_MAX, INT64_MIN, parseInt64 } from './numbers.js';

/** What key extraction needs of a command (a table Command or a bare declaration). */
export type KeyedCommand = Pick<CommandSpec, 'getKeys'> & {
  readonly keySpecs?: readonly KeySpec[];
};

export interface KeySearchOptions {
  /** Also return the arguments of NOT_KEY specs (channels of SPUBLISH ...). */
  includeNotKeys?: boolean;
  /** Skip specs that cannot be followed (INCOMPLETE, unknown, bad counts) instead of failing. */
  partial?: boolean;
}

/**
 * The keys the key specs find in argv (argv[0] is the command name), or null when a spec cannot
 * be followed and `partial` is not set: an unknown spec, an INCOMPLETE one, a key count that is
 * not a number, or a range that falls outside the arguments.
 */
export function keysFromSpecs(
  specs: readonly KeySpec[],
  argv: readonly string[],
  options: KeySearchOptions = {},
): KeyReference[] | null {
  const keys: KeyReference[] = [];
  for (const spec of specs) {
    if (spec.flags.includes('NOT_KEY') && !options.includeNotKeys) continue;
    const found = followSpec(spec, argv);
    if (found === 'keyword-missing') continue;
    if (found !== null) {
      for (const index of found) keys.push({ index, flags: spec.flags });
      if (!spec.flags.includes('INCOMPLETE')) continue;
    }
    if (!options.partial) return null;
  }
  return keys;
}

/**
 * Redis's getKeysFromCommandWithSpecs: the key specs when they are reliable (at least one real key
 * spec, none with VARIABLE_FLAGS) and can be followed, otherwise the command's getKeys function,
 * otherwise no keys.
 */
export function commandKeys(
  command: KeyedCommand,
  argv: readonly string[],
  options: KeySearchOptions = {},
): KeyReference[] {
  const specs = command.keySpecs ?? [];
  const hasRealSpec = specs.some((s) => !s.flags.includes('NOT_KEY'));
  const hasVariableFlags = specs.some((s) => s.flags.includes('VARIABLE_FLAGS'));
  if (hasRealSpec && !hasVariableFlags) {
    const keys = keysFromSpecs(specs, argv, options);
    if (keys !== null) return keys;
  }
  return command.getKeys?.([...argv]) ?? [];
}

/** Redis's doesCommandHaveKeys: whether COMMAND GETKEYS may find keys in this command at all. */
export function commandHasKeys(command: KeyedCommand): boolean {
  return (
    command.getKeys !== undefined ||
    (command.keySpecs ?? []).some((s) => !s.flags.includes('NOT_KEY'))
  );
}

/** Argument indexes one spec designates, 'keyword-missing' to skip it, or null if it fails. */
function followSpec(spec: KeySpec, argv: readonly string[]): number[] | 'keyword-missing' | null {
  const argc = argv.length;
  let first: number;
  if ('index' in spec.begin) first = spec.begin.index;
  else if ('keyword' in spec.begin) {
    const found = findKeyword(argv, spec.begin.keyword, spec.begin.startFrom);
    if (found === 0) return 'keyword-missing';
    first = found + 1;
  } else return null;

  let last: number;
  let step: number;
  if ('range' in spec.find) {
    const { lastKey, keyStep, limit } = spec.find.range;
    step = keyStep;
    if (lastKey >= 0) last = first + lastKey;
    else if (limit === 0) last = argc + lastKey;
    // A negative last key with a limit: only 1/limit of the remaining arguments are keys.
    else last = first + (Math.trunc((argc - first) / limit) + lastKey);
  } else if ('keyNum' in spec.find) {
    const { keyNumIdx, firstKey, keyStep } = spec.find.keyNum;
    step = keyStep;
    if (first + keyNumIdx >= argc) return null;
    const count = parseInt64(argv[first + keyNumIdx]);
    if (count === null || count < 0n) return null;
    first += firstKey;
    last = first + Number(count) - 1;
  } else return null;

  if (last >= argc || last < first || first >= argc) return null;
  const indexes: number[] = [];
  for (let i = first; i <= last; i += step) indexes.push(i);
  return indexes;
}

/**
 * The index of `keyword` (case-insensitive) searching from `startFrom` (negative: from the end,
 * backwards), or 0 when absent. Like Redis, the search stops before the last argument (forwards)
 * or before argv[1] (backwards), where a keyword could not be followed by a key anyway.
 */
function findKeyword(argv: readonly string[], keyword: string, startFrom: number): number {
  const argc = argv.length;
  const start = startFrom > 0 ? startFrom : argc + startFrom;
  const end = startFrom > 0 ? argc - 1 : 1;
  const direction = start <= end ? 1 : -1;
  const wanted = keyword.toLowerCase();
  for (let i = start; i !== end; i += direction) {
    if (i >= argc || i < 1) break;
    if (asciiLower(argv[i]) === wanted) return i;
  }
  return 0;
}

/** ASCII-only lower case (strcasecmp), so that non-ASCII bytes never match a keyword. */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/**
 * A getKeys function for commands shaped like ZUNIONSTORE or EVAL (Redis's genericGetKeys): an
 * optional destination key, a key count, then that many keys. Like Redis, the count is read
 * leniently (atoi), a count below 1 or beyond the arguments gives no keys, and the keys carry no
 * flags.
 */
export function countedKeys(options: {
  /** Index of the destination key, if any. */
  storeIndex?: number;
  countIndex: number;
  firstKeyIndex: number;
  keyStep?: number;
}): (argv: string[]) => KeyReference[] {
  const step = options.keyStep ?? 1;
  return (argv) => {
    const count = atoi(argv[options.countIndex] ?? '');
    if (count < 1 || count > Math.trunc((argv.length - options.firstKeyIndex) / step)) return [];
    const keys: KeyReference[] = [];
    for (let i = 0; i < count; i++) {
      keys.push({ index: options.firstKeyIndex + i * step, flags: [] });
    }
    if (options.storeIndex !== undefined) keys.push({ index: options.storeIndex, flags: [] });
    return keys;
  };
}

/**
 * glibc's atoi: leading white space, an optional sign, then digits as far as they go (0 if none),
 * read as a long (saturating at 64 bits) and then cut to a 32-bit int.
 */
export function atoi(s: string): number {
  const match = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  if (match === null) return 0;
  const value = BigInt(match[1]);
  const long = value > INT64_MAX ? INT64_MAX : value < INT64_MIN ? INT64_MIN : value;
  return Number(BigInt.asIntN(32, long));
}
