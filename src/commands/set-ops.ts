/**
 * Set algebra: SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE, and
 * SMEMBERS (Redis 7.0 serves it as SINTER of one key). The algorithms are Redis's
 * (sinterGenericCommand, sunionDiffGenericCommand), including the order in which a result set is
 * filled: a result starts as an intset and converts like any set, so its encoding, and the order
 * of an intset reply, come out as Redis's.
 */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { countedKeys } from '../dispatch/keys.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { INT64_MAX, parseInt64 } from '../dispatch/numbers.js';
import { SetValue } from '../datatypes/set.js';
import { keysAt } from './key-specs.js';
import { accessKey, accessKeys, maxIntsetEntries, readSet } from './set-common.js';
import { optionName } from './string-common.js';

/** The sets at keys, null for missing ones; WRONGTYPE if any key holds another type. */
function lookupSets(ctx: CommandContext, keys: readonly string[]): (SetValue | null)[] {
  return keys.map((key) => readSet(ctx, key) ?? null);
}

/** Stores a result set at `destination`, or deletes it when the result is empty. */
function storeResult(
  ctx: CommandContext,
  destination: string,
  result: SetValue,
  event: string,
): void {
  if (result.size > 0) {
    ctx.keyspace.setKey(ctx.db, destination, result);
    ctx.keyChanged(destination, 's', event);
  } else if (ctx.keyspace.delete(ctx.db, destination)) {
    ctx.keyChanged(destination, 'g', 'del');
  }
  ctx.reply.integer(result.size);
}

function replySet(ctx: CommandContext, set: SetValue): void {
  ctx.reply.set(set.size);
  for (let i = 0; i < set.size; i++) ctx.reply.bulk(set.memberAt(i));
}

/** What to do with an intersection: reply with it, store it, or count it up to a limit. */
type InterOutput =
  { kind: 'reply' } | { kind: 'store'; destination: string } | { kind: 'count'; limit: number };

/**
 * The members common to every set, up to `limit` of them (0: all). The smallest set (the first of
 * equal ones, as Redis's sort leaves them) is walked in its own order, so an intset answers in
 * ascending order as in Redis.
 */
function intersect(sets: SetValue[], limit: number): string[] {
  const [smallest, ...others] = [...sets].sort((a, b) => a.size - b.size);
  const members: string[] = [];
  for (let i = 0; i < smallest.size; i++) {
    const member = smallest.memberAt(i);
    if (!others.every((set) => set === smallest || set.has(member))) continue;
    members.push(member);
    if (limit > 0 && members.length >= limit) break;
  }
  return members;
}

/** SINTER, SINTERSTORE, SINTERCARD and SMEMBERS. A missing key makes the result empty. */
function interGeneric(ctx: CommandContext, keys: readonly string[], output: InterOutput): void {
  const sets = lookupSets(ctx, keys);
  const limit = output.kind === 'count' ? output.limit : 0;
  const members = sets.includes(null) ? [] : intersect(sets as SetValue[], limit);
  if (output.kind === 'count') return ctx.reply.integer(members.length);
  if (output.kind === 'reply') {
    ctx.reply.set(members.length);
    for (const member of members) ctx.reply.bulk(member);
    return;
  }
  const result = new SetValue();
  const max = maxIntsetEntries(ctx);
  for (const member of members) result.add(member, max);
  storeResult(ctx, output.destination, result, 'sinterstore');
}

/**
 * SUNION, SDIFF and their STORE forms. SDIFF picks Redis's algorithm by the same cost estimate:
 * testing each member of the first set against the others (those sorted largest first), or
 * copying the first set and removing the others' members from the copy.
 */
function unionDiffGeneric(
  ctx: CommandContext,
  keys: readonly string[],
  op: 'union' | 'diff',
  destination: string | null,
): void {
  const sets = lookupSets(ctx, keys);
  const result = new SetValue();
  const max = maxIntsetEntries(ctx);
  if (op === 'union') {
    for (const set of sets) {
      if (set !== null) for (let i = 0; i < set.size; i++) result.add(set.memberAt(i), max);
    }
  } else {
    diffInto(result, sets, max);
  }
  if (destination === null) return replySet(ctx, result);
  storeResult(ctx, destination, result, op === 'union' ? 'sunionstore' : 'sdiffstore');
}

function diffInto(result: SetValue, sets: readonly (SetValue | null)[], max: number): void {
  const [first, ...rest] = sets;
  // The first set given again further on empties the difference.
  if (first === null || rest.includes(first)) return;
  let algorithmOneWork = 0;
  let algorithmTwoWork = 0;
  for (const set of sets) {
    if (set === null) continue;
    algorithmOneWork += first.size;
    algorithmTwoWork += set.size;
  }
  const others = rest.filter((set): set is SetValue => set !== null);
  if (Math.floor(algorithmOneWork / 2) <= algorithmTwoWork) {
    others.sort((a, b) => b.size - a.size);
    for (let i = 0; i < first.size; i++) {
      const member = first.memberAt(i);
      if (!others.some((set) => set.has(member))) result.add(member, max);
    }
    return;
  }
  for (let i = 0; i < first.size; i++) result.add(first.memberAt(i), max);
  for (const set of others) {
    for (let i = 0; i < set.size && result.size > 0; i++) result.remove(set.memberAt(i));
    if (result.size === 0) return;
  }
}

/** SINTERCARD numkeys key [key ...] [LIMIT limit]. */
function sintercard(ctx: CommandContext, argv: string[]): void {
  const numkeys = parseInt64(argv[1]);
  if (numkeys === null || numkeys < 1n || numkeys > INT64_MAX) {
    throw new ReplyError(Err.numkeysNotPositive);
  }
  if (numkeys > BigInt(argv.length - 2)) throw new ReplyError(Err.keysExceedArgs);
  const keysEnd = 2 + Number(numkeys);
  let limit = 0;
  for (let i = keysEnd; i < argv.length; i++) {
    if (optionName(argv[i]) === 'limit' && i + 1 < argv.length) {
      const value = parseInt64(argv[++i]);
      if (value === null || value < 0n) throw new ReplyError(Err.cardinalityLimitNegative);
      limit = Number(value);
    } else {
      throw new ReplyError(Err.syntax);
    }
  }
  interGeneric(ctx, argv.slice(2, keysEnd), { kind: 'count', limit });
}

const storeKeys = (destinationFlags: ['RW' | 'OW', 'UPDATE']) => [
  keysAt(1, destinationFlags),
  keysAt(2, ['RO', 'ACCESS'], -1),
];

const readMany = {
  arity: -2,
  flags: ['readonly'],
  acl: ['set'],
  tips: ['nondeterministic_output_order'],
  keySpecs: accessKeys,
} satisfies Partial<CommandSpec>;

const storeMany = {
  arity: -3,
  flags: ['write', 'denyoom'],
  acl: ['set'],
} satisfies Partial<CommandSpec>;

export const setOperationCommands: CommandSpec[] = [
  defineCommand({
    name: 'smembers',
    arity: 2,
    flags: ['readonly'],
    acl: ['set'],
    tips: ['nondeterministic_output_order'],
    keySpecs: accessKey,
    handler: (ctx, argv) => interGeneric(ctx, [argv[1]], { kind: 'reply' }),
  }),
  defineCommand({
    name: 'sinter',
    ...readMany,
    handler: (ctx, argv) => interGeneric(ctx, argv.slice(1), { kind: 'reply' }),
  }),
  defineCommand({
    name: 'sintercard',
    arity: -3,
    flags: ['readonly'],
    acl: ['set'],
    keySpecs: [
      {
        flags: ['RO', 'ACCESS'],
        begin: { index: 1 },
        find: { keyNum: { keyNumIdx: 0, firstKey: 1, keyStep: 1 } },
      },
    ],
    getKeys: countedKeys({ countIndex: 1, firstKeyIndex: 2 }),
    handler: sintercard,
  }),
  defineCommand({
    name: 'sinterstore',
    ...storeMany,
    keySpecs: storeKeys(['RW', 'UPDATE']),
    handler: (ctx, argv) =>
      interGeneric(ctx, argv.slice(2), { kind: 'store', destination: argv[1] }),
  }),
  defineCommand({
    name: 'sunion',
    ...readMany,
    handler: (ctx, argv) => unionDiffGeneric(ctx, argv.slice(1), 'union', null),
  }),
  defineCommand({
    name: 'sunionstore',
    ...storeMany,
    keySpecs: storeKeys(['OW', 'UPDATE']),
    handler: (ctx, argv) => unionDiffGeneric(ctx, argv.slice(2), 'union', argv[1]),
  }),
  defineCommand({
    name: 'sdiff',
    ...readMany,
    handler: (ctx, argv) => unionDiffGeneric(ctx, argv.slice(1), 'diff', null),
  }),
  defineCommand({
    name: 'sdiffstore',
    ...storeMany,
    keySpecs: storeKeys(['OW', 'UPDATE']),
    handler: (ctx, argv) => unionDiffGeneric(ctx, argv.slice(2), 'diff', argv[1]),
  }),
];
