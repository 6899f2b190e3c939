/**
 * Sorted set algebra: ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD (Redis's
 * zunionInterDiffGenericCommand). Plain sets count as sorted sets whose scores are all 1. The
 * inputs are taken smallest first for union and intersection, as Redis sorts them, so sums of
 * floating-point scores add up in Redis's order.
 */
import { defineCommand, type CommandSpec, type KeySpec } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { countedKeys } from '../dispatch/keys.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { INT64_MAX, parseDouble, parseInt64 } from '../dispatch/numbers.js';
import { SetValue } from '../datatypes/set.js';
import { ZSetValue } from '../datatypes/zset.js';
import { keysAt } from './key-specs.js';
import { integerArgument } from './list-ops.js';
import { optionName } from './string-common.js';
import { replyEntriesHeader, replyEntry, storeZSet, zsetLimits } from './zset-common.js';

type Operation = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

/** What to do with the result: reply with it, store it, or count it up to a limit. */
type Output = { kind: 'reply' } | { kind: 'store'; destination: string } | { kind: 'count' };

/** One input: a sorted set or a set (null for a missing key), and its weight. */
interface Source {
  value: ZSetValue | SetValue | null;
  weight: number;
}

function sourceSize(source: Source): number {
  return source.value === null ? 0 : source.value.size;
}

/** The score of a member in a source, or undefined; members of plain sets score 1. */
function scoreIn(source: Source, member: string): number | undefined {
  const value = source.value;
  if (value === null) return undefined;
  if (value instanceof SetValue) return value.has(member) ? 1 : undefined;
  return value.score(member);
}

/** Every member of a source with its score, in the source's order. */
function forEachIn(source: Source, visit: (member: string, score: number) => void): void {
  const value = source.value;
  if (value === null) return;
  if (value instanceof ZSetValue) return value.forEach(visit);
  for (let i = 0; i < value.size; i++) visit(value.memberAt(i), 1);
}

/** Redis's zunionInterAggregate: a sum of +inf and -inf is 0, not NaN. */
function aggregate(how: Aggregate, target: number, value: number): number {
  if (how === 'sum') {
    const sum = target + value;
    return Number.isNaN(sum) ? 0 : sum;
  }
  if (how === 'min') return value < target ? value : target;
  return value > target ? value : target;
}

/** A weighted score; NaN (0 times infinity) counts as 0. */
function weighted(score: number, weight: number): number {
  const value = score * weight;
  return Number.isNaN(value) ? 0 : value;
}

/** The inputs from numkeys on, looked up before the options are read (as Redis does). */
function readSources(ctx: CommandContext, argv: string[], numkeysIndex: number): Source[] {
  const numkeys = integerArgument(argv[numkeysIndex]);
  const name = (ctx.command?.fullName ?? argv[0]).toLowerCase();
  if (numkeys < 1) throw new ReplyError(Err.atLeastOneKey(name));
  if (numkeys > argv.length - numkeysIndex - 1) throw new ReplyError(Err.syntax);
  const sources: Source[] = [];
  for (let i = 0; i < numkeys; i++) {
    const value = ctx.read(argv[numkeysIndex + 1 + i]);
    if (value !== undefined && !(value instanceof ZSetValue) && !(value instanceof SetValue)) {
      throw new ReplyError(Err.wrongType);
    }
    sources.push({ value: value ?? null, weight: 1 });
  }
  return sources;
}

interface Options {
  aggregate: Aggregate;
  withScores: boolean;
  limit: number;
}

/** WEIGHTS and AGGREGATE (not for ZDIFF nor ZINTERCARD), WITHSCORES (replies), LIMIT (counts). */
function readOptions(
  argv: string[],
  start: number,
  sources: Source[],
  op: Operation,
  output: Output,
): Options {
  const options: Options = { aggregate: 'sum', withScores: false, limit: 0 };
  const weighable = op !== 'diff' && output.kind !== 'count';
  for (let j = start; j < argv.length;) {
    const remaining = argv.length - j;
    const option = optionName(argv[j]);
    if (weighable && remaining >= sources.length + 1 && option === 'weights') {
      for (let i = 0; i < sources.length; i++) {
        const weight = parseDouble(argv[j + 1 + i]);
        if (weight === null) throw new ReplyError(Err.weightNotFloat);
        sources[i].weight = weight;
      }
      j += sources.length + 1;
    } else if (weighable && remaining >= 2 && option === 'aggregate') {
      const how = optionName(argv[j + 1]);
      if (how !== 'sum' && how !== 'min' && how !== 'max') throw new ReplyError(Err.syntax);
      options.aggregate = how;
      j += 2;
    } else if (output.kind === 'reply' && option === 'withscores') {
      options.withScores = true;
      j += 1;
    } else if (output.kind === 'count' && remaining >= 2 && option === 'limit') {
      const limit = parseInt64(argv[j + 1]);
      if (limit === null || limit < 0n || limit > INT64_MAX) {
        throw new ReplyError(Err.cardinalityLimitNegative);
      }
      options.limit = Number(limit);
      j += 2;
    } else {
      throw new ReplyError(Err.syntax);
    }
  }
  return options;
}

/** The result as parallel arrays of members and scores, in no particular order. */
interface Entries {
  members: string[];
  scores: number[];
}

function intersect(sources: Source[], options: Options, counting: boolean): Entries {
  const result: Entries = { members: [], scores: [] };
  const [smallest, ...others] = sources;
  if (sourceSize(smallest) === 0) return result;
  const limit = counting ? options.limit : 0;
  let done = false;
  forEachIn(smallest, (member, memberScore) => {
    if (done) return;
    let score = weighted(memberScore, smallest.weight);
    for (const source of others) {
      const found = source.value === smallest.value ? memberScore : scoreIn(source, member);
      if (found === undefined) return;
      score = aggregate(options.aggregate, score, found * source.weight);
    }
    result.members.push(member);
    result.scores.push(score);
    if (limit > 0 && result.members.length >= limit) done = true;
  });
  return result;
}

function unite(sources: Source[], options: Options): Entries {
  const accumulated = new Map<string, number>();
  for (const source of sources) {
    forEachIn(source, (member, memberScore) => {
      const score = weighted(memberScore, source.weight);
      const previous = accumulated.get(member);
      accumulated.set(
        member,
        previous === undefined ? score : aggregate(options.aggregate, previous, score),
      );
    });
  }
  return { members: [...accumulated.keys()], scores: [...accumulated.values()] };
}

function subtract(sources: Source[]): Entries {
  const result: Entries = { members: [], scores: [] };
  const [first, ...others] = sources;
  forEachIn(first, (member, score) => {
    if (others.some((source) => scoreIn(source, member) !== undefined)) return;
    result.members.push(member);
    result.scores.push(score);
  });
  return result;
}

function zsetOperationGeneric(
  ctx: CommandContext,
  argv: string[],
  op: Operation,
  output: Output,
): void {
  const numkeysIndex = output.kind === 'store' ? 2 : 1;
  const sources = readSources(ctx, argv, numkeysIndex);
  const options = readOptions(argv, numkeysIndex + 1 + sources.length, sources, op, output);
  // Smallest first (a stable sort, like the merge sort behind Redis's qsort), but ZDIFF keeps
  // its first key first.
  if (op !== 'diff') sources.sort((a, b) => sourceSize(a) - sourceSize(b));
  const entries =
    op === 'inter'
      ? intersect(sources, options, output.kind === 'count')
      : op === 'union'
        ? unite(sources, options)
        : subtract(sources);
  if (output.kind === 'count') return ctx.reply.integer(entries.members.length);
  const result = ZSetValue.fromEntries(entries.members, entries.scores, zsetLimits(ctx));
  if (output.kind === 'store') {
    return storeZSet(ctx, output.destination, result, `z${op}store`);
  }
  replyEntriesHeader(ctx, result.size, options.withScores);
  result.forEach((member, score) => replyEntry(ctx, member, score, options.withScores));
}

const numberedKeys: KeySpec = {
  flags: ['RO', 'ACCESS'],
  begin: { index: 1 },
  find: { keyNum: { keyNumIdx: 0, firstKey: 1, keyStep: 1 } },
};

/** Redis's getkeys_proc, for when numkeys cannot be followed (zunionInterDiffGetKeys ...). */
const numberedKeysOnly = countedKeys({ countIndex: 1, firstKeyIndex: 2 });

const storedKeys: KeySpec[] = [
  keysAt(1, ['OW', 'UPDATE']),
  { ...numberedKeys, begin: { index: 2 } },
];

function readCommand(name: string, op: Operation): CommandSpec {
  return defineCommand({
    name,
    arity: -3,
    flags: ['readonly'],
    acl: ['sortedset'],
    keySpecs: [numberedKeys],
    getKeys: numberedKeysOnly,
    handler: (ctx, argv) => zsetOperationGeneric(ctx, argv, op, { kind: 'reply' }),
  });
}

function storeCommand(name: string, op: Operation): CommandSpec {
  return defineCommand({
    name,
    arity: -4,
    flags: ['write', 'denyoom'],
    acl: ['sortedset'],
    keySpecs: storedKeys,
    getKeys: countedKeys({ storeIndex: 1, countIndex: 2, firstKeyIndex: 3 }),
    handler: (ctx, argv) =>
      zsetOperationGeneric(ctx, argv, op, { kind: 'store', destination: argv[1] }),
  });
}

export const zsetStoreCommands: CommandSpec[] = [
  readCommand('zunion', 'union'),
  readCommand('zinter', 'inter'),
  readCommand('zdiff', 'diff'),
  storeCommand('zunionstore', 'union'),
  storeCommand('zinterstore', 'inter'),
  storeCommand('zdiffstore', 'diff'),
  defineCommand({
    name: 'zintercard',
    arity: -3,
    flags: ['readonly'],
    acl: ['sortedset'],
    keySpecs: [numberedKeys],
    getKeys: numberedKeysOnly,
    handler: (ctx, argv) => zsetOperationGeneric(ctx, argv, 'inter', { kind: 'count' }),
  }),
];
