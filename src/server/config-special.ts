/**
 * The parameters Redis 7.0 gives a type of their own (SPECIAL_CONFIG): dir, save,
 * client-output-buffer-limit, oom-score-adj-values, notify-keyspace-events, bind, replicaof and
 * latency-tracking-info-percentiles, with Redis's parsing, CONFIG GET text and CONFIG REWRITE lines.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDouble } from '../dispatch/numbers.js';
import {
  formatMemoryForRewrite,
  parseMemory,
  quoteRepr,
  singleLine,
  strerror,
  strtoll,
  type ParamType,
  type RewriteLines,
} from './config-values.js';

/**
 * dir: the working directory. Redis chdir()s; Kvik hosts many servers in one process, so each
 * keeps its own absolute path instead, resolved the way chdir would resolve it.
 */
export const dirType: ParamType<string> = {
  multiArg: false,
  parse([text], { current }) {
    const path = resolve(current, text);
    try {
      if (text === '') throw Object.assign(new Error(), { code: 'ENOENT' });
      if (!statSync(path).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
      accessSync(path, constants.X_OK);
    } catch (err) {
      return { error: strerror(err) };
    }
    return { value: path };
  },
  format: (value) => value,
  // Redis always writes the directory, as an absolute path.
  rewrite: (name, value) => [{ text: `${name} ${quoteRepr(value)}`, force: true }],
  equals: (a, b) => a === b,
};

/** save: snapshot points, each "after `seconds` if at least `changes` writes". */
export interface SavePoint {
  seconds: number;
  changes: number;
}

export const saveType: ParamType<SavePoint[]> = {
  multiArg: true,
  parse(args, { current, loading, seenInFile }) {
    // A single "" means no snapshots at all.
    const reset = args.length === 1 && args[0] === '';
    const words = reset ? [] : args;
    if (words.length % 2 !== 0) return { error: 'Invalid save parameters' };
    const points: SavePoint[] = [];
    for (let j = 0; j < words.length; j += 2) {
      const seconds = strtoll(words[j]);
      const changes = strtoll(words[j + 1]);
      if (!seconds.complete || !changes.complete || seconds.value < 1n || changes.value < 0n) {
        return { error: 'Invalid save parameters' };
      }
      points.push({
        seconds: Number(seconds.value),
        changes: Number(BigInt.asIntN(32, changes.value)),
      });
    }
    // In redis.conf, successive save lines add up; CONFIG SET replaces.
    const keep = loading && seenInFile && !reset;
    return { value: keep ? [...current, ...points] : points };
  },
  format: (value) => value.map((p) => `${p.seconds} ${p.changes}`).join(' '),
  rewrite(name, value) {
    if (value.length === 0) return [{ text: `${name} ""`, force: true }];
    return value.map((p) => ({ text: `${name} ${p.seconds} ${p.changes}`, force: true }));
  },
  equals: (a, b) =>
    a.length === b.length &&
    a.every((p, i) => p.seconds === b[i].seconds && p.changes === b[i].changes),
};

/** client-output-buffer-limit: per client class, hard and soft limits in bytes, soft seconds. */
export interface OutputBufferLimit {
  hard: bigint;
  soft: bigint;
  seconds: number;
}
export type OutputBufferClass = 'normal' | 'replica' | 'pubsub';
export type OutputBufferLimits = Record<OutputBufferClass, OutputBufferLimit>;

const OUTPUT_BUFFER_CLASSES: readonly OutputBufferClass[] = ['normal', 'replica', 'pubsub'];

function outputBufferClass(name: string): OutputBufferClass | 'master' | null {
  switch (name.toLowerCase()) {
    case 'normal':
      return 'normal';
    case 'slave':
    case 'replica':
      return 'replica';
    case 'pubsub':
      return 'pubsub';
    case 'master':
      return 'master';
    default:
      return null;
  }
}

export const outputBufferLimitsType: ParamType<OutputBufferLimits> = {
  multiArg: true,
  parse(args, { current }) {
    if (args.length % 4 !== 0) {
      return { error: 'Wrong number of arguments in buffer limit configuration.' };
    }
    const value = { ...current };
    for (let j = 0; j < args.length; j += 4) {
      const cls = outputBufferClass(args[j]);
      if (cls === null || cls === 'master') {
        return { error: 'Invalid client class specified in buffer limit configuration.' };
      }
      const hard = parseMemory(args[j + 1]);
      const soft = parseMemory(args[j + 2]);
      const seconds = strtoll(args[j + 3]);
      const secondsInt = Number(BigInt.asIntN(32, seconds.value));
      if (hard === null || soft === null || !seconds.complete || secondsInt < 0) {
        return {
          error: 'Error in hard, soft or soft_seconds setting in buffer limit configuration.',
        };
      }
      value[cls] = { hard, soft, seconds: secondsInt };
    }
    return { value };
  },
  format: (value) =>
    OUTPUT_BUFFER_CLASSES.map((cls) => {
      const limit = value[cls];
      return `${cls === 'replica' ? 'slave' : cls} ${limit.hard} ${limit.soft} ${limit.seconds}`;
    }).join(' '),
  rewrite: (name, value, defaultValue) =>
    OUTPUT_BUFFER_CLASSES.map((cls) => {
      const limit = value[cls];
      const hard = formatMemoryForRewrite(limit.hard);
      const soft = formatMemoryForRewrite(limit.soft);
      return {
        text: `${name} ${cls} ${hard} ${soft} ${limit.seconds}`,
        force: !sameLimit(limit, defaultValue[cls]),
      };
    }),
  equals: (a, b) => OUTPUT_BUFFER_CLASSES.every((cls) => sameLimit(a[cls], b[cls])),
};

function sameLimit(a: OutputBufferLimit, b: OutputBufferLimit): boolean {
  return a.hard === b.hard && a.soft === b.soft && a.seconds === b.seconds;
}

/** oom-score-adj-values: the OOM score for a primary, a replica and a background child. */
export const oomScoreValuesType: ParamType<readonly number[]> = {
  multiArg: true,
  parse(args) {
    if (args.length !== 3) return { error: 'wrong number of arguments' };
    const values: number[] = [];
    for (const arg of args) {
      const { value, complete } = strtoll(arg);
      if (!complete || value < -2000n || value > 2000n) {
        return { error: 'Invalid oom-score-adj-values, elements must be between -2000 and 2000.' };
      }
      values.push(Number(value));
    }
    return { value: values };
  },
  format: (value) => value.join(' '),
  rewrite: (name, value, defaultValue) =>
    singleLine(
      name,
      value.join(' '),
      value.every((v, i) => v === defaultValue[i]),
    ),
  equals: (a, b) => a.every((v, i) => v === b[i]),
};

/** notify-keyspace-events bits, as Redis numbers them (NOTIFY_*). */
export const NOTIFY = {
  keyspace: 1 << 0,
  keyevent: 1 << 1,
  generic: 1 << 2,
  string: 1 << 3,
  list: 1 << 4,
  set: 1 << 5,
  hash: 1 << 6,
  zset: 1 << 7,
  expired: 1 << 8,
  evicted: 1 << 9,
  stream: 1 << 10,
  keyMiss: 1 << 11,
  module: 1 << 13,
  new: 1 << 14,
} as const;

/** The class letters in the order Redis prints them; 'A' stands for all of these but m and n. */
const NOTIFY_CLASS_LETTERS: readonly [string, number][] = [
  ['g', NOTIFY.generic],
  ['$', NOTIFY.string],
  ['l', NOTIFY.list],
  ['s', NOTIFY.set],
  ['h', NOTIFY.hash],
  ['z', NOTIFY.zset],
  ['x', NOTIFY.expired],
  ['e', NOTIFY.evicted],
  ['t', NOTIFY.stream],
  ['d', NOTIFY.module],
  ['n', NOTIFY.new],
];
export const NOTIFY_ALL =
  NOTIFY.generic |
  NOTIFY.string |
  NOTIFY.list |
  NOTIFY.set |
  NOTIFY.hash |
  NOTIFY.zset |
  NOTIFY.expired |
  NOTIFY.evicted |
  NOTIFY.stream |
  NOTIFY.module;

const NOTIFY_BY_LETTER = new Map<string, number>([
  ...NOTIFY_CLASS_LETTERS,
  ['A', NOTIFY_ALL],
  ['K', NOTIFY.keyspace],
  ['E', NOTIFY.keyevent],
  ['m', NOTIFY.keyMiss],
]);

/** keyspaceEventsFlagsToString. */
export function notifyFlagsToString(flags: number): string {
  let out = '';
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) {
    out += 'A';
    // Like Redis, 'A' hides the letters after it in the class list ('n' included).
  } else {
    for (const [letter, bit] of NOTIFY_CLASS_LETTERS) if (flags & bit) out += letter;
  }
  if (flags & NOTIFY.keyspace) out += 'K';
  if (flags & NOTIFY.keyevent) out += 'E';
  if (flags & NOTIFY.keyMiss) out += 'm';
  return out;
}

export const notifyEventsType: ParamType<number> = {
  multiArg: false,
  parse([text]) {
    let flags = 0;
    for (const ch of text) {
      const bit = NOTIFY_BY_LETTER.get(ch);
      if (bit === undefined)
        return { error: "Invalid event class character. Use 'Ag$lshzxeKEtmdn'." };
      flags |= bit;
    }
    return { value: flags };
  },
  format: notifyFlagsToString,
  rewrite: (name, value) => singleLine(name, quoteRepr(notifyFlagsToString(value)), value === 0),
  equals: (a, b) => a === b,
};

/** bind: the addresses to listen on; "-" before one makes it optional. */
const BIND_MAX = 16;
const DEFAULT_BIND = ['*', '-::*'];

export const bindType: ParamType<readonly string[]> = {
  multiArg: true,
  parse(args) {
    if (args.length > BIND_MAX) return { error: 'Too many bind addresses specified.' };
    return { value: args.length === 1 && args[0] === '' ? [] : [...args] };
  },
  format: (value) => value.join(' '),
  rewrite(name, value): RewriteLines {
    if (value.length === DEFAULT_BIND.length && value.every((a, i) => a === DEFAULT_BIND[i]))
      return [];
    return [{ text: `${name} ${value.length > 0 ? value.join(' ') : '""'}`, force: true }];
  },
  equals: (a, b) => a.length === b.length && a.every((v, i) => v === b[i]),
};

/** replicaof: the primary to follow, or null for a primary. */
export interface PrimaryAddress {
  host: string;
  port: number;
}

export const replicaOfType: ParamType<PrimaryAddress | null> = {
  multiArg: true,
  parse(args) {
    if (args.length !== 2) return { error: 'wrong number of arguments' };
    if (args[0].toLowerCase() === 'no' && args[1].toLowerCase() === 'one') return { value: null };
    const port = strtoll(args[1]);
    if (!port.complete || port.value < 0n || port.value > 65535n)
      return { error: 'Invalid master port' };
    return { value: { host: args[0], port: Number(port.value) } };
  },
  format: (value) => (value === null ? '' : `${value.host} ${value.port}`),
  rewrite: (name, value) =>
    value === null ? [] : [{ text: `${name} ${value.host} ${value.port}`, force: true }],
  equals: (a, b) => a?.host === b?.host && a?.port === b?.port,
};

/** latency-tracking-info-percentiles: the percentiles INFO latencystats reports. */
export const percentilesType: ParamType<readonly number[]> = {
  multiArg: true,
  parse(args) {
    if (args.length === 1 && args[0] === '') return { value: [] };
    const values: number[] = [];
    for (const arg of args) {
      const p = parseDouble(arg);
      if (p === null) return { error: 'Invalid latency-tracking-info-percentiles parameters' };
      if (p > 100 || p < 0) {
        return {
          error: 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]',
        };
      }
      values.push(p);
    }
    return { value: values };
  },
  format: (value) => value.map(formatPercentile).join(' '),
  // Always written, even at its default, as Redis does.
  rewrite: (name, value) => [
    {
      text: `${name} ${value.length > 0 ? value.map(formatPercentile).join(' ') : '""'}`,
      force: true,
    },
  ],
  equals: (a, b) => a.length === b.length && a.every((v, i) => v === b[i]),
};

/** printf("%f") with trailing zeros trimmed (Redis's trimDoubleString): 99.9, 50, 99.99. */
export function formatPercentile(p: number): string {
  const fixed = p.toFixed(6);
  return fixed.replace(/\.?0+$/, '');
}
