/**
 * Set commands, as Redis 7.0's t_set.c. The algebra (SINTER, SUNION, SDIFF, their STORE forms,
 * SINTERCARD, and SMEMBERS, which Redis serves as SINTER of one key) is in set-ops.ts, the random
 * ones (SPOP, SRANDMEMBER) in set-random.ts; lookups and helpers in set-common.ts.
 */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { SetValue } from '../datatypes/set.js';
import { keysAt } from './key-specs.js';
import { matchesScanPattern, parseScanCursor, parseScanOptions } from './scan-options.js';
import {
  accessKey,
  deleteIfEmpty,
  maxIntsetEntries,
  readKey,
  readSet,
  writeSet,
} from './set-common.js';
import { setOperationCommands } from './set-ops.js';
import { setRandomCommands } from './set-random.js';

function sadd(ctx: CommandContext, argv: string[]): void {
  const key = argv[1];
  let set = writeSet(ctx, key);
  if (set === undefined) {
    set = new SetValue();
    ctx.keyspace.setKey(ctx.db, key, set);
  }
  const max = maxIntsetEntries(ctx);
  let added = 0;
  for (let i = 2; i < argv.length; i++) if (set.add(argv[i], max)) added++;
  if (added > 0) ctx.keyspace.keyChanged(ctx.db, key, 's', 'sadd', added);
  ctx.reply.integer(added);
}

function srem(ctx: CommandContext, argv: string[]): void {
  const key = argv[1];
  const set = writeSet(ctx, key);
  if (set === undefined) return ctx.reply.integer(0);
  let removed = 0;
  for (let i = 2; i < argv.length && set.size > 0; i++) if (set.remove(argv[i])) removed++;
  if (removed > 0) {
    const emptied = set.size === 0;
    if (emptied) ctx.keyspace.delete(ctx.db, key);
    ctx.keyspace.keyChanged(ctx.db, key, 's', 'srem', removed);
    if (emptied) ctx.keyspace.notify(ctx.db, key, 'g', 'del');
  }
  ctx.reply.integer(removed);
}

function sismember(ctx: CommandContext, argv: string[]): void {
  const set = readSet(ctx, argv[1]);
  ctx.reply.integer(set !== undefined && set.has(argv[2]) ? 1 : 0);
}

function smismember(ctx: CommandContext, argv: string[]): void {
  const set = readSet(ctx, argv[1]);
  ctx.reply.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    ctx.reply.integer(set !== undefined && set.has(argv[i]) ? 1 : 0);
  }
}

function scard(ctx: CommandContext, argv: string[]): void {
  ctx.reply.integer(readSet(ctx, argv[1])?.size ?? 0);
}

/**
 * SMOVE source destination member. A missing source answers 0 before any type check of the
 * destination, and moving within one set only tells whether the member is there (Redis 7.0).
 */
function smove(ctx: CommandContext, argv: string[]): void {
  const [, source, destination, member] = argv;
  const from = ctx.write(source);
  const to = ctx.write(destination);
  if (from === undefined) return ctx.reply.integer(0);
  const fromSet = asSetOrThrow(from);
  const toSet = to === undefined ? undefined : asSetOrThrow(to);
  if (fromSet === toSet) return ctx.reply.integer(fromSet.has(member) ? 1 : 0);
  if (!fromSet.remove(member)) return ctx.reply.integer(0);
  ctx.keyChanged(source, 's', 'srem');
  deleteIfEmpty(ctx, source, fromSet);
  let target = toSet;
  if (target === undefined) {
    target = new SetValue();
    ctx.keyspace.setKey(ctx.db, destination, target);
  }
  if (target.add(member, maxIntsetEntries(ctx))) ctx.keyChanged(destination, 's', 'sadd');
  ctx.reply.integer(1);
}

function asSetOrThrow(value: unknown): SetValue {
  if (value instanceof SetValue) return value;
  throw new ReplyError(Err.wrongType);
}

/** SSCAN key cursor [MATCH pattern] [COUNT count]: options are checked only on an existing set. */
function sscan(ctx: CommandContext, argv: string[]): void {
  const cursor = parseScanCursor(argv[2]);
  const set = readSet(ctx, argv[1]);
  const found: string[] = [];
  let next = 0;
  if (set !== undefined) {
    const options = parseScanOptions(argv, 3, false);
    next = set.scan(cursor, options.count, (member) => {
      if (matchesScanPattern(options, member)) found.push(member);
    });
  }
  ctx.reply.array(2);
  ctx.reply.bulk(String(next));
  ctx.reply.bulkArray(found);
}

export const setCommands: CommandSpec[] = [
  defineCommand({
    name: 'sadd',
    arity: -3,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['set'],
    keySpecs: [keysAt(1, ['RW', 'INSERT'])],
    handler: sadd,
  }),
  defineCommand({
    name: 'srem',
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['set'],
    keySpecs: [keysAt(1, ['RW', 'DELETE'])],
    handler: srem,
  }),
  defineCommand({
    name: 'sismember',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['set'],
    keySpecs: readKey,
    handler: sismember,
  }),
  defineCommand({
    name: 'smismember',
    arity: -3,
    flags: ['readonly', 'fast'],
    acl: ['set'],
    keySpecs: accessKey,
    handler: smismember,
  }),
  defineCommand({
    name: 'scard',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['set'],
    keySpecs: readKey,
    handler: scard,
  }),
  defineCommand({
    name: 'smove',
    arity: 4,
    flags: ['write', 'fast'],
    acl: ['set'],
    keySpecs: [keysAt(1, ['RW', 'ACCESS', 'DELETE']), keysAt(2, ['RW', 'INSERT'])],
    handler: smove,
  }),
  defineCommand({
    name: 'sscan',
    arity: -3,
    flags: ['readonly'],
    acl: ['set'],
    tips: ['nondeterministic_output'],
    keySpecs: accessKey,
    handler: sscan,
  }),
  ...setOperationCommands,
  ...setRandomCommands,
];
