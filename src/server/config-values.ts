/**
 * Configuration value types, as Redis 7.0's config.c defines them: how each type parses the words
 * of a CONFIG SET or a redis.conf line, how CONFIG GET prints it, and which line CONFIG REWRITE
 * writes for it. The parameters themselves are declared in config-params.ts; the types whose
 * parsing is unique to one parameter (save, bind, client-output-buffer-limit ...) live in
 * config-special.ts.
 */
import { parseInt64 } from '../dispatch/numbers.js';

export type Parsed<T> = { value: T } | { error: string };

export interface ParseContext<T> {
  /** The value before this change (`dir` resolves relative paths against it). */
  current: T;
  /** True while reading redis.conf and the command line, false for CONFIG SET. */
  loading: boolean;
  /** True when this parameter already appeared earlier in the same redis.conf (`save` appends). */
  seenInFile: boolean;
}

/**
 * What CONFIG REWRITE writes for a parameter: its lines, each replacing an old line of the same
 * parameter, or appended when there is none left and `force` is set (the value is not the
 * default). Old lines of the parameter left over are removed, so an empty list removes them all.
 */
export type RewriteLines = { text: string; force: boolean }[];

export interface ParamType<T> {
  /**
   * Redis's MULTI_ARG_CONFIG: the value is several words (`save 900 1 300 10`). CONFIG SET splits
   * its one argument on spaces; redis.conf passes the words of the line.
   */
  readonly multiArg: boolean;
  parse(args: readonly string[], context: ParseContext<T>): Parsed<T>;
  /** The text CONFIG GET prints. */
  format(value: T): string;
  rewrite(name: string, value: T, defaultValue: T): RewriteLines;
  equals(a: T, b: T): boolean;
}

/** Redis's memtoull: digits and an optional b/k/kb/m/mb/g/gb unit, unsigned 64-bit arithmetic. */
export function parseMemory(text: string): bigint | null {
  if (text.startsWith('-')) return null;
  let end = 0;
  while (end < text.length && isDigit(text.charCodeAt(end))) end++;
  const unit = MEMORY_UNITS[text.slice(end).toLowerCase()];
  if (unit === undefined || end >= 128) return null;
  // strtoull: no digits reads as 0, overflow saturates; the multiplication wraps as in C.
  const digits = text.slice(0, end);
  const value = digits === '' ? 0n : BigInt(digits);
  return BigInt.asUintN(64, (value > U64_MAX ? U64_MAX : value) * unit);
}

const MEMORY_UNITS: Record<string, bigint> = {
  '': 1n,
  b: 1n,
  k: 1000n,
  kb: 1024n,
  m: 1000n * 1000n,
  mb: 1024n * 1024n,
  g: 1000n * 1000n * 1000n,
  gb: 1024n * 1024n * 1024n,
};

export const INT_MIN = -(2n ** 31n);
export const INT_MAX = 2n ** 31n - 1n;
export const UINT_MAX = 2n ** 32n - 1n;
export const LLONG_MIN = -(2n ** 63n);
export const LLONG_MAX = 2n ** 63n - 1n;
export const U64_MAX = 2n ** 64n - 1n;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isCSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/**
 * C's strtoll: leading spaces, a sign, digits in `base`; the value saturates on overflow. `complete`
 * says whether the whole text was consumed (Redis's `*endptr == '\0'` checks). With no digits at
 * all, nothing is consumed, so only the empty string is complete.
 */
export function strtoll(text: string, base = 10): { value: bigint; complete: boolean } {
  let i = 0;
  while (i < text.length && isCSpace(text.charCodeAt(i))) i++;
  let negative = false;
  if (text[i] === '+' || text[i] === '-') negative = text[i++] === '-';
  const start = i;
  let value = 0n;
  for (; i < text.length; i++) {
    const digit = parseInt(text[i], base);
    if (Number.isNaN(digit)) break;
    value = value * BigInt(base) + BigInt(digit);
  }
  if (i === start) return { value: 0n, complete: text.length === 0 };
  if (negative) value = -value;
  if (value > LLONG_MAX) value = LLONG_MAX;
  if (value < LLONG_MIN) value = LLONG_MIN;
  return { value, complete: i === text.length };
}

/** Redis's sdscatrepr: a double-quoted string with C escapes, as CONFIG REWRITE writes strings. */
export function quoteRepr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i];
    if (ch === '\\' || ch === '"') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c >= 32 && c < 127) out += ch;
    else out += '\\x' + c.toString(16).padStart(2, '0');
  }
  return out + '"';
}

/** rewriteConfigFormatMemory: 1073741824 -> "1gb", 1048576 -> "1mb", 1024 -> "1kb". */
export function formatMemoryForRewrite(bytes: bigint): string {
  const signed = BigInt.asIntN(64, bytes);
  for (const [unit, size] of [
    ['gb', 1024n ** 3n],
    ['mb', 1024n ** 2n],
    ['kb', 1024n],
  ] as const) {
    if (signed !== 0n && signed % size === 0n) return `${signed / size}${unit}`;
  }
  return String(signed);
}

/** The usual rewrite: one `name value` line, written even when absent if not the default. */
export function singleLine(name: string, text: string, isDefault: boolean): RewriteLines {
  return [{ text: `${name} ${text}`, force: !isDefault }];
}

// ---------------------------------------------------------------------------------------------
// Booleans
// ---------------------------------------------------------------------------------------------

export const boolType: ParamType<boolean> = {
  multiArg: false,
  parse([text]) {
    const lower = text.toLowerCase();
    if (lower === 'yes') return { value: true };
    if (lower === 'no') return { value: false };
    return { error: "argument must be 'yes' or 'no'" };
  },
  format: (value) => (value ? 'yes' : 'no'),
  rewrite: (name, value, defaultValue) =>
    singleLine(name, value ? 'yes' : 'no', value === defaultValue),
  equals: (a, b) => a === b,
};

// ---------------------------------------------------------------------------------------------
// Strings
// ---------------------------------------------------------------------------------------------

export interface StringOptions {
  /** Redis's EMPTY_STRING_IS_NULL: an empty value is "unset", and CONFIG REWRITE drops the line. */
  emptyIsNull?: boolean;
  /** Returns an error text for an unacceptable value. */
  validate?: (value: string) => string | null;
}

/** String parameters; null is Redis's NULL (unset), printed as "" by CONFIG GET. */
export function stringType(options: StringOptions = {}): ParamType<string | null> {
  return {
    multiArg: false,
    parse([text]) {
      const error = options.validate?.(text);
      if (error) return { error };
      return { value: options.emptyIsNull && text === '' ? null : text };
    },
    format: (value) => value ?? '',
    rewrite(name, value, defaultValue) {
      if (value === null) return [];
      return singleLine(name, quoteRepr(value), value === defaultValue);
    },
    equals: (a, b) => a === b,
  };
}

// ---------------------------------------------------------------------------------------------
// Enumerations
// ---------------------------------------------------------------------------------------------

/**
 * An enumeration: names in Redis's order, each with the value it stands for. Several names may
 * share a value (oom-score-adj: yes and relative); CONFIG GET prints the first name of a value,
 * which is what the parameter stores.
 */
export function enumType(choices: readonly (readonly [string, number])[]): ParamType<string> {
  const names = choices.map(([name]) => name);
  const canonical = new Map<string, string>();
  for (const [name, value] of choices) {
    canonical.set(name, choices.find(([, v]) => v === value)![0]);
  }
  return {
    multiArg: false,
    parse([text]) {
      const value = canonical.get(text.toLowerCase());
      if (value !== undefined) return { value };
      return { error: `argument(s) must be one of the following: ${names.join(', ')}` };
    },
    format: (value) => value,
    rewrite: (name, value, defaultValue) => singleLine(name, value, value === defaultValue),
    equals: (a, b) => a === b,
  };
}

/**
 * A set of flags named by an enumeration (Redis's multi-argument enum, shutdown-on-sigint): the
 * words are OR-ed together; CONFIG GET prints the name of an exact value, or the flag names in
 * the enumeration's order. `validate` may refuse a combination.
 */
export function flagsEnumType(
  choices: readonly (readonly [string, number])[],
  validate: (flags: number) => string | null,
): ParamType<number> {
  const names = choices.map(([name]) => name);
  const format = (flags: number): string => {
    const exact = choices.find(([, value]) => value === flags);
    if (exact) return exact[0];
    const set = choices.filter(([, value]) => value !== 0 && (flags & value) === value);
    return set.map(([name]) => name).join(' ');
  };
  return {
    multiArg: true,
    parse(args) {
      let flags = 0;
      for (const arg of args) {
        const choice = choices.find(([name]) => name === arg.toLowerCase());
        if (!choice)
          return { error: `argument(s) must be one of the following: ${names.join(', ')}` };
        flags |= choice[1];
      }
      if (args.length === 0)
        return { error: `argument(s) must be one of the following: ${names.join(', ')}` };
      const error = validate(flags);
      return error ? { error } : { value: flags };
    },
    format,
    rewrite: (name, value, defaultValue) => singleLine(name, format(value), value === defaultValue),
    equals: (a, b) => a === b,
  };
}

/** The no/yes/local enumeration of enable-debug-command and enable-protected-configs. */
export const PROTECTED_ACTION = [
  ['no', 0],
  ['yes', 1],
  ['local', 2],
] as const;

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

export interface NumericOptions {
  min: bigint;
  max: bigint;
  /**
   * C's unsigned types (unsigned int, unsigned long long, size_t): Redis checks their bounds on
   * the value reinterpreted as unsigned, so negative input reads as a huge number.
   */
  unsigned?: boolean;
  /** MEMORY_CONFIG: accepts units (1gb) and prints bytes. */
  memory?: boolean;
  /** PERCENT_CONFIG: also accepts "N%", stored as -N. */
  percent?: boolean;
  /** OCTAL_CONFIG: parsed and printed in base 8 (unixsocketperm). */
  octal?: boolean;
}

/**
 * Numeric parameters, kept as bigint with C's semantics: a signed 64-bit value, or for unsigned
 * types the unsigned 64-bit value.
 */
export function numericType(options: NumericOptions): ParamType<bigint> {
  return {
    multiArg: false,
    parse([text]) {
      const parsed = parseNumber(options, text);
      if (typeof parsed !== 'bigint') return parsed;
      const error = boundsError(options, parsed);
      if (error) return { error };
      return { value: options.unsigned ? BigInt.asUintN(64, parsed) : parsed };
    },
    format(value) {
      if (options.percent && value < 0n) return `${-value}%`;
      if (options.memory) return String(BigInt.asUintN(64, value));
      if (options.octal) return value.toString(8);
      return String(value);
    },
    rewrite(name, value, defaultValue) {
      let text: string;
      if (options.percent && value < 0n) text = `${-value}%`;
      else if (options.memory) text = formatMemoryForRewrite(value);
      else if (options.octal) text = value.toString(8);
      else text = String(value);
      // Redis compares a percentage's magnitude with the default (a quirk kept for parity).
      const compared = options.percent && value < 0n ? -value : value;
      return singleLine(name, text, compared === defaultValue);
    },
    equals: (a, b) => a === b,
  };
}

/** numericParseString: memory, then percent, then octal, then a plain integer. */
function parseNumber(options: NumericOptions, text: string): bigint | { error: string } {
  if (options.memory) {
    const bytes = parseMemory(text);
    if (bytes !== null) return BigInt.asIntN(64, bytes);
  }
  if (options.percent && text.length > 1 && text.endsWith('%')) {
    const n = parseInt64(text.slice(0, -1));
    if (n !== null && n >= 0n) return -n;
  }
  if (options.octal) {
    const { value, complete } = strtoll(text, 8);
    if (complete) return value;
  }
  if (!options.memory && !options.percent && !options.octal) {
    const n = parseInt64(text);
    if (n !== null) return n;
  }
  if (options.memory && options.percent)
    return { error: 'argument must be a memory or percent value' };
  if (options.memory) return { error: 'argument must be a memory value' };
  if (options.octal) return { error: "argument couldn't be parsed as an octal number" };
  return { error: "argument couldn't be parsed into an integer" };
}

/** numericBoundaryCheck, with Redis's texts. */
function boundsError(options: NumericOptions, n: bigint): string | null {
  if (options.unsigned) {
    const u = BigInt.asUintN(64, n);
    if (u >= options.min && u <= options.max) return null;
    const [lo, hi] = options.octal
      ? [options.min.toString(8), options.max.toString(8)]
      : [options.min, options.max];
    return `argument must be between ${lo} and ${hi} inclusive`;
  }
  if (options.percent && n < 0n) {
    return n < options.min ? `percentage argument must be less or equal to ${-options.min}` : null;
  }
  if (n >= options.min && n <= options.max) return null;
  return `argument must be between ${options.min} and ${options.max} inclusive`;
}

/** The strerror() text Redis shows for a failed system call, from Node's error code. */
export function strerror(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'No such file or directory';
    case 'ENOTDIR':
      return 'Not a directory';
    case 'EACCES':
      return 'Permission denied';
    case 'EROFS':
      return 'Read-only file system';
    case 'ENOSPC':
      return 'No space left on device';
    case 'EISDIR':
      return 'Is a directory';
    default:
      return (err as Error).message;
  }
}
