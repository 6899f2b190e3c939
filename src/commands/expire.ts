/**
 * Expiry commands: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (NX|XX|GT|LT), TTL, PTTL, EXPIRETIME,
 * PEXPIRETIME, PERSIST. Keys with a TTL are in db.expires; the keyspace expires them lazily and
 * src/keyspace/active-expire.ts actively.
 */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import { ReplyError, type CommandContext } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { INT64_MAX, INT64_MIN, parseInt64 } from '../dispatch/numbers.js';
import { keysAt } from './key-specs.js';

interface ExpireConditions {
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
}

/** The NX/XX/GT/LT options from argv[3] on (parseExtendedExpireArgumentsOrReply). */
function parseConditions(argv: string[]): ExpireConditions {
  const conditions = { nx: false, xx: false, gt: false, lt: false };
  for (let i = 3; i < argv.length; i++) {
    const option = argv[i].toLowerCase();
    if (option === 'nx' || option === 'xx' || option === 'gt' || option === 'lt') {
      conditions[option] = true;
    } else {
      throw new ReplyError(Err.unsupportedOption(argv[i]));
    }
  }
  const { nx, xx, gt, lt } = conditions;
  if (nx && (xx || gt || lt)) throw new ReplyError(Err.expireOptions);
  if (gt && lt) throw new ReplyError(Err.gtLtOptions);
  return conditions;
}

/** Whether the conditions allow replacing `current` (undefined: no TTL, an infinite one) by `when`. */
function conditionsAllow(c: ExpireConditions, current: number | undefined, when: number): boolean {
  if (c.nx && current !== undefined) return false;
  if (c.xx && current === undefined) return false;
  if (c.gt && (current === undefined || when <= current)) return false;
  if (c.lt && current !== undefined && when >= current) return false;
  return true;
}

/**
 * The absolute expiry time in ms that argv[2] names: relative to now unless `absolute`, in seconds
 * unless `millis`. Errors as Redis's expireGenericCommand, including its overflow checks.
 */
function parseExpireTime(ctx: CommandContext, text: string, absolute: boolean, millis: boolean) {
  let when = parseInt64(text);
  if (when === null) throw new ReplyError(Err.notInteger);
  const invalid = () => new ReplyError(Err.invalidExpire(ctx.command!.fullName));
  if (!millis) {
    // C's LLONG_MAX / 1000, truncated toward zero both ways.
    if (when > INT64_MAX / 1000n || when < INT64_MIN / 1000n) throw invalid();
    when *= 1000n;
  }
  const base = absolute ? 0n : BigInt(ctx.now);
  if (when > INT64_MAX - base) throw invalid();
  return when + base;
}

/**
 * The EXPIRE family. A time in the past deletes the key (propagated as DEL, or UNLINK with
 * lazyfree-lazy-expire); otherwise the TTL is set and propagated as PEXPIREAT with the absolute
 * time, the options kept, as Redis 7.0 does.
 */
function expireGeneric(ctx: CommandContext, argv: string[], absolute: boolean, millis: boolean) {
  const key = argv[1];
  const conditions = parseConditions(argv);
  const when = parseExpireTime(ctx, argv[2], absolute, millis);
  const { keyspace, db } = ctx;
  if (ctx.write(key) === undefined) return ctx.reply.integer(0);
  if (!conditionsAllow(conditions, keyspace.getExpire(db, key), Number(when))) {
    return ctx.reply.integer(0);
  }
  if (when <= BigInt(ctx.now) && keyspace.expireDeletes) {
    keyspace.delete(db, key);
    ctx.propagateAs = [keyspace.lazyfreeLazyExpire ? 'UNLINK' : 'DEL', key];
    ctx.keyChanged(key, 'g', 'del');
  } else {
    keyspace.setExpire(db, key, Number(when));
    // PEXPIREAT itself is propagated as it came.
    if (!absolute || !millis) ctx.propagateAs = ['PEXPIREAT', key, String(when), ...argv.slice(3)];
    ctx.keyChanged(key, 'g', 'expire');
  }
  ctx.reply.integer(1);
}

const EXPIRE_FLAGS = {
  arity: -3,
  flags: ['write', 'fast'],
  acl: ['keyspace'],
  keySpecs: [keysAt(1, ['RW', 'UPDATE'])],
} satisfies Partial<CommandSpec>;

export const expire = defineCommand({
  name: 'expire',
  ...EXPIRE_FLAGS,
  handler: (ctx, argv) => expireGeneric(ctx, argv, false, false),
});

export const pexpire = defineCommand({
  name: 'pexpire',
  ...EXPIRE_FLAGS,
  handler: (ctx, argv) => expireGeneric(ctx, argv, false, true),
});

export const expireat = defineCommand({
  name: 'expireat',
  ...EXPIRE_FLAGS,
  handler: (ctx, argv) => expireGeneric(ctx, argv, true, false),
});

export const pexpireat = defineCommand({
  name: 'pexpireat',
  ...EXPIRE_FLAGS,
  handler: (ctx, argv) => expireGeneric(ctx, argv, true, true),
});

/**
 * TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 for a missing key, -1 without a TTL, else the time left
 * (or the absolute time), in seconds rounded to the nearest or in ms.
 */
function replyTtl(ctx: CommandContext, key: string, absolute: boolean, millis: boolean): void {
  const { keyspace, db } = ctx;
  if (keyspace.lookupRead(db, key, false) === undefined) return ctx.reply.integer(-2);
  const expire = keyspace.getExpire(db, key);
  if (expire === undefined) return ctx.reply.integer(-1);
  const ttl = Math.max(0, absolute ? expire : expire - ctx.now);
  ctx.reply.integer(millis ? ttl : Math.floor((ttl + 500) / 1000));
}

const TTL_FLAGS = {
  arity: 2,
  flags: ['readonly', 'fast'],
  acl: ['keyspace'],
  keySpecs: [keysAt(1, ['RO', 'ACCESS'])],
} satisfies Partial<CommandSpec>;

export const ttl = defineCommand({
  name: 'ttl',
  ...TTL_FLAGS,
  tips: ['nondeterministic_output'],
  handler: (ctx, argv) => replyTtl(ctx, argv[1], false, false),
});

export const pttl = defineCommand({
  name: 'pttl',
  ...TTL_FLAGS,
  tips: ['nondeterministic_output'],
  handler: (ctx, argv) => replyTtl(ctx, argv[1], false, true),
});

export const expiretime = defineCommand({
  name: 'expiretime',
  ...TTL_FLAGS,
  handler: (ctx, argv) => replyTtl(ctx, argv[1], true, false),
});

export const pexpiretime = defineCommand({
  name: 'pexpiretime',
  ...TTL_FLAGS,
  handler: (ctx, argv) => replyTtl(ctx, argv[1], true, true),
});

export const persist = defineCommand({
  name: 'persist',
  arity: 2,
  flags: ['write', 'fast'],
  acl: ['keyspace'],
  keySpecs: [keysAt(1, ['RW', 'UPDATE'])],
  handler: (ctx, argv) => {
    const key = argv[1];
    if (ctx.write(key) === undefined || !ctx.keyspace.removeExpire(ctx.db, key)) {
      return ctx.reply.integer(0);
    }
    ctx.keyChanged(key, 'g', 'persist');
    ctx.reply.integer(1);
  },
});

export const expireCommands: CommandSpec[] = [
  expire,
  pexpire,
  expireat,
  pexpireat,
  ttl,
  pttl,
  expiretime,
  pexpiretime,
  persist,
];
