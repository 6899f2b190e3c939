/**
 * Hash commands, as Redis 7.0's t_hash.c. The counters (HINCRBY, HINCRBYFLOAT) and the random
 * and scanning reads (HRANDFIELD, HSCAN) are in hash-counter.ts and hash-random.ts; lookups and
 * the listpack limits in hash-ops.ts.
 */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { keysAt } from './key-specs.js';
import { hashCounterCommands } from './hash-counter.js';
import { asHash, hashLimits, writeHash } from './hash-ops.js';
import { hashRandomCommands } from './hash-random.js';

const updateKey = [keysAt(1, ['RW', 'UPDATE'])];
const accessKey = [keysAt(1, ['RO', 'ACCESS'])];
const lookupKey = [keysAt(1, ['RO'])];

/** HSET and HMSET: field/value pairs, counted as one write each; HSET answers how many are new. */
function hsetGeneric(ctx: CommandContext, argv: string[], name: 'hset' | 'hmset'): void {
  if (argv.length % 2 === 1) throw new ReplyError(Err.wrongArity(name));
  const key = argv[1];
  const hash = writeHash(ctx, key);
  const limits = hashLimits(ctx);
  hash.convertForArguments(argv, 2, limits);
  const created = hash.setPairs(argv, 2, limits);
  ctx.keyspace.keyChanged(ctx.db, key, 'h', 'hset', (argv.length - 2) / 2);
  if (name === 'hset') ctx.reply.integer(created);
  else ctx.reply.ok();
}

function hsetnx(ctx: CommandContext, argv: string[]): void {
  const [, key, field, value] = argv;
  const hash = writeHash(ctx, key);
  if (hash.has(field)) return ctx.reply.integer(0);
  const limits = hashLimits(ctx);
  hash.convertForArguments(argv, 2, limits);
  hash.set(field, value, limits);
  ctx.keyChanged(key, 'h', 'hset');
  ctx.reply.integer(1);
}

function hdel(ctx: CommandContext, argv: string[]): void {
  const key = argv[1];
  const hash = asHash(ctx.write(key));
  if (hash === undefined) return ctx.reply.integer(0);
  let deleted = 0;
  for (let i = 2; i < argv.length && !hash.isEmpty; i++) {
    if (hash.delete(argv[i])) deleted++;
  }
  if (deleted > 0) {
    if (hash.isEmpty) ctx.keyspace.delete(ctx.db, key);
    ctx.keyspace.keyChanged(ctx.db, key, 'h', 'hdel', deleted);
    if (hash.isEmpty) ctx.keyspace.notify(ctx.db, key, 'g', 'del');
  }
  ctx.reply.integer(deleted);
}

function hmget(ctx: CommandContext, argv: string[]): void {
  const hash = asHash(ctx.read(argv[1]));
  ctx.reply.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const value = hash?.get(argv[i]);
    if (value === undefined) ctx.reply.nullBulk();
    else ctx.reply.bulk(value);
  }
}

/** HKEYS, HVALS and HGETALL (a map in RESP3; an empty one for a missing key). */
function hgetallGeneric(ctx: CommandContext, key: string, fields: boolean, values: boolean) {
  const hash = asHash(ctx.read(key));
  const reply = ctx.reply;
  const size = hash?.size ?? 0;
  if (fields && values) reply.map(size);
  else reply.array(size);
  hash?.forEach((field, value) => {
    if (fields) reply.bulk(field);
    if (values) reply.bulk(value);
  });
}

export const hashCommands: CommandSpec[] = [
  defineCommand({
    name: 'hset',
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['hash'],
    keySpecs: updateKey,
    handler: (ctx, argv) => hsetGeneric(ctx, argv, 'hset'),
  }),
  defineCommand({
    name: 'hmset',
    arity: -4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['hash'],
    keySpecs: updateKey,
    handler: (ctx, argv) => hsetGeneric(ctx, argv, 'hmset'),
  }),
  defineCommand({
    name: 'hsetnx',
    arity: 4,
    flags: ['write', 'denyoom', 'fast'],
    acl: ['hash'],
    keySpecs: [keysAt(1, ['RW', 'INSERT'])],
    handler: hsetnx,
  }),
  defineCommand({
    name: 'hget',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['hash'],
    keySpecs: accessKey,
    handler: (ctx, argv) => {
      const value = asHash(ctx.read(argv[1]))?.get(argv[2]);
      if (value === undefined) ctx.reply.nullBulk();
      else ctx.reply.bulk(value);
    },
  }),
  defineCommand({
    name: 'hmget',
    arity: -3,
    flags: ['readonly', 'fast'],
    acl: ['hash'],
    keySpecs: accessKey,
    handler: hmget,
  }),
  defineCommand({
    name: 'hdel',
    arity: -3,
    flags: ['write', 'fast'],
    acl: ['hash'],
    keySpecs: [keysAt(1, ['RW', 'DELETE'])],
    handler: hdel,
  }),
  defineCommand({
    name: 'hexists',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['hash'],
    keySpecs: lookupKey,
    handler: (ctx, argv) => ctx.reply.integer(asHash(ctx.read(argv[1]))?.has(argv[2]) ? 1 : 0),
  }),
  defineCommand({
    name: 'hlen',
    arity: 2,
    flags: ['readonly', 'fast'],
    acl: ['hash'],
    keySpecs: lookupKey,
    handler: (ctx, argv) => ctx.reply.integer(asHash(ctx.read(argv[1]))?.size ?? 0),
  }),
  defineCommand({
    name: 'hstrlen',
    arity: 3,
    flags: ['readonly', 'fast'],
    acl: ['hash'],
    keySpecs: lookupKey,
    handler: (ctx, argv) => ctx.reply.integer(asHash(ctx.read(argv[1]))?.get(argv[2])?.length ?? 0),
  }),
  defineCommand({
    name: 'hkeys',
    arity: 2,
    flags: ['readonly'],
    acl: ['hash'],
    tips: ['nondeterministic_output_order'],
    keySpecs: accessKey,
    handler: (ctx, argv) => hgetallGeneric(ctx, argv[1], true, false),
  }),
  defineCommand({
    name: 'hvals',
    arity: 2,
    flags: ['readonly'],
    acl: ['hash'],
    tips: ['nondeterministic_output_order'],
    keySpecs: accessKey,
    handler: (ctx, argv) => hgetallGeneric(ctx, argv[1], false, true),
  }),
  defineCommand({
    name: 'hgetall',
    arity: 2,
    flags: ['readonly'],
    acl: ['hash'],
    tips: ['nondeterministic_output_order'],
    keySpecs: accessKey,
    handler: (ctx, argv) => hgetallGeneric(ctx, argv[1], true, true),
  }),
  ...hashCounterCommands,
  ...hashRandomCommands,
];
