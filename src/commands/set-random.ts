/**
 * SPOP and SRANDMEMBER, as Redis 7.0's spopWithCountCommand and srandmemberWithCountCommand: the
 * same cases (the whole set, many, few, repetitions allowed) with the same reply shapes, the
 * randomness from the server's random source.
 */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { SetValue } from '../datatypes/set.js';
import { keysAt } from './key-specs.js';
import { nonNegativeArgument } from './list-ops.js';
import {
  deleteIfEmpty,
  maxIntsetEntries,
  randomCountArgument,
  readSet,
  sampleIndexes,
  writeSet,
} from './set-common.js';

/**
 * When fewer than one member in SPOP_MOVE_STRATEGY_MUL + 1 survives, SPOP builds a new set from
 * the survivors instead of popping one by one.
 */
const SPOP_MOVE_STRATEGY_MUL = 5;

/** SPOP key: one random member, propagated as SREM key member. */
function spopOne(ctx: CommandContext, key: string): void {
  const set = writeSet(ctx, key);
  if (set === undefined) return ctx.reply.nullBulk();
  const member = set.pop(() => ctx.server.random());
  ctx.keyChanged(key, 's', 'spop');
  deleteIfEmpty(ctx, key, set);
  ctx.propagateAs = ['SREM', key, member];
  ctx.reply.bulk(member);
}

/**
 * SPOP key count. Popping the whole set deletes the key (propagated as DEL, or UNLINK under
 * lazyfree-lazy-server-del). Popping nearly all of it keeps size - count random survivors in a
 * new set and replies the rest in the set's order; otherwise members are picked one by one.
 * Either way the members go to replicas as SREMs.
 */
function spopCount(ctx: CommandContext, key: string, countText: string): void {
  const count = nonNegativeArgument(countText);
  const set = writeSet(ctx, key);
  if (set === undefined || count === 0) return ctx.reply.set(0);
  const random = () => ctx.server.random();
  const size = set.size;
  if (count >= size) {
    // Redis answers with SUNION of the key: a new set filled from this one, in its order.
    const all = new SetValue();
    const max = maxIntsetEntries(ctx);
    for (let i = 0; i < size; i++) all.add(set.memberAt(i), max);
    ctx.reply.set(size);
    for (let i = 0; i < size; i++) ctx.reply.bulk(all.memberAt(i));
    ctx.keyspace.delete(ctx.db, key);
    ctx.keyspace.keyChanged(ctx.db, key, 's', 'spop', size);
    ctx.keyspace.notify(ctx.db, key, 'g', 'del');
    const lazy = ctx.server.config.boolValue('lazyfree-lazy-server-del');
    ctx.propagateAs = [lazy ? 'UNLINK' : 'DEL', key];
    return;
  }
  let popped: string[];
  if ((size - count) * SPOP_MOVE_STRATEGY_MUL <= count) {
    // A new set, filled like any: survivors that are all integers make an intset again.
    const survivors = new SetValue();
    const max = maxIntsetEntries(ctx);
    for (let left = size - count; left > 0; left--) survivors.add(set.pop(random), max);
    popped = set.members();
    ctx.keyspace.overwrite(ctx.db, key, survivors);
  } else {
    popped = [];
    for (let i = 0; i < count; i++) popped.push(set.pop(random));
  }
  ctx.keyspace.keyChanged(ctx.db, key, 's', 'spop', count);
  propagateRemovals(ctx, key, popped);
  ctx.reply.set(popped.length);
  for (const member of popped) ctx.reply.bulk(member);
}

/** Redis replicates SPOP's members as SREMs of up to this many members each. */
const SREM_BATCH = 1024;

/**
 * SPOP with a count goes to replicas as SREM key member ..., in batches (several of them in one
 * MULTI/EXEC), instead of the command itself.
 */
function propagateRemovals(ctx: CommandContext, key: string, members: readonly string[]): void {
  for (let i = 0; i < members.length; i += SREM_BATCH) {
    ctx.server.propagate(ctx.db.id, ['SREM', key, ...members.slice(i, i + SREM_BATCH)]);
  }
  ctx.propagateAs = [];
}

/** SRANDMEMBER key count: a negative count allows repetitions. */
function srandmemberCount(ctx: CommandContext, key: string, countText: string): void {
  const requested = randomCountArgument(countText);
  const set = readSet(ctx, key);
  if (set === undefined || requested === 0) return ctx.reply.array(0);
  const random = () => ctx.server.random();
  const count = Math.abs(requested);
  if (requested < 0 || count === 1) {
    ctx.reply.array(count);
    for (let i = 0; i < count; i++) ctx.reply.bulk(set.random(random));
    return;
  }
  if (count >= set.size) {
    ctx.reply.array(set.size);
    for (let i = 0; i < set.size; i++) ctx.reply.bulk(set.memberAt(i));
    return;
  }
  const picked = sampleIndexes(set.size, count, random);
  ctx.reply.array(count);
  for (const index of picked) ctx.reply.bulk(set.memberAt(index));
}

export const setRandomCommands: CommandSpec[] = [
  defineCommand({
    name: 'spop',
    arity: -2,
    flags: ['write', 'fast'],
    acl: ['set'],
    tips: ['nondeterministic_output'],
    keySpecs: [keysAt(1, ['RW', 'ACCESS', 'DELETE'])],
    handler: (ctx, argv) => {
      if (argv.length > 3) throw new ReplyError(Err.syntax);
      if (argv.length === 3) spopCount(ctx, argv[1], argv[2]);
      else spopOne(ctx, argv[1]);
    },
  }),
  defineCommand({
    name: 'srandmember',
    arity: -2,
    flags: ['readonly'],
    acl: ['set'],
    tips: ['nondeterministic_output'],
    keySpecs: [keysAt(1, ['RO', 'ACCESS'])],
    handler: (ctx, argv) => {
      if (argv.length > 3) throw new ReplyError(Err.syntax);
      if (argv.length === 3) return srandmemberCount(ctx, argv[1], argv[2]);
      const set = readSet(ctx, argv[1]);
      if (set === undefined) ctx.reply.nullBulk();
      else ctx.reply.bulk(set.random(() => ctx.server.random()));
    },
  }),
];
