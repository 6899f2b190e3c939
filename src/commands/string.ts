/**
 * String commands that read and write whole values: GET, SET and its variants, GETEX, GETDEL,
 * GETSET, MGET, MSET, MSETNX. The rest of the group lives in string-range.ts (APPEND, SETRANGE,
 * GETRANGE ...), string-counter.ts (INCR ... INCRBYFLOAT) and string-lcs.ts (LCS).
 */
import { defineCommand, type CommandSpec, type KeyReference } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { INT64_MAX, parseInt64 } from '../dispatch/numbers.js';
import { isString, stringBytes } from '../keyspace/values.js';
import { counterCommands } from './string-counter.js';
import { lcsCommands } from './string-lcs.js';
import { rangeCommands } from './string-range.js';
import { keysFromFirst, optionName } from './string-common.js';

type ExpireUnit = 'ex' | 'px' | 'exat' | 'pxat';

/** The options of SET and GETEX, as Redis's parseExtendedStringArgumentsOrReply reads them. */
interface StringOptions {
  nx: boolean;
  xx: boolean;
  get: boolean;
  keepTtl: boolean;
  persist: boolean;
  expire: { unit: ExpireUnit; value: string } | null;
}

/** Options with nothing set but `chosen`. */
function stringOptions(chosen: Partial<StringOptions> = {}): StringOptions {
  return {
    nx: false,
    xx: false,
    get: false,
    keepTtl: false,
    persist: false,
    expire: null,
    ...chosen,
  };
}

/** The options of a SET or GETEX given none, and of SETNX: shared, so never modified. */
const NO_OPTIONS: Readonly<StringOptions> = stringOptions();
const ONLY_NX: Readonly<StringOptions> = stringOptions({ nx: true });

function isExpireUnit(option: string): option is ExpireUnit {
  return option === 'ex' || option === 'px' || option === 'exat' || option === 'pxat';
}

/**
 * Reads the options from argv[first] on. Like Redis, a repeated option is fine (EX 1 EX 2 keeps the
 * last), but conflicting ones (NX with XX, two kinds of expiry, KEEPTTL with an expiry) and
 * options the command does not take are a syntax error.
 */
function parseStringOptions(
  argv: string[],
  first: number,
  command: 'set' | 'getex',
): Readonly<StringOptions> {
  if (first === argv.length) return NO_OPTIONS;
  const options = stringOptions();
  const isSet = command === 'set';
  for (let j = first; j < argv.length; j++) {
    const option = optionName(argv[j]);
    const expireSet = options.expire !== null;
    if (option === 'nx' && isSet && !options.xx) options.nx = true;
    else if (option === 'xx' && isSet && !options.nx) options.xx = true;
    else if (option === 'get' && isSet) options.get = true;
    else if (option === 'keepttl' && isSet && !expireSet) options.keepTtl = true;
    else if (option === 'persist' && !isSet && !expireSet) options.persist = true;
    else if (
      isExpireUnit(option) &&
      j + 1 < argv.length &&
      !options.keepTtl &&
      !options.persist &&
      (options.expire === null || options.expire.unit === option)
    ) {
      options.expire = { unit: option, value: argv[++j] };
    } else {
      throw new ReplyError(Err.syntax);
    }
  }
  return options;
}

/**
 * The absolute expire time in ms for an EX/PX/EXAT/PXAT argument, checked as Redis's
 * getExpireMillisecondsOrReply does: positive, and no overflow converting to ms or adding now.
 */
function expireAt(ctx: CommandContext, unit: ExpireUnit, text: string, command: string): bigint {
  const amount = parseInt64(text);
  if (amount === null) throw new ReplyError(Err.notInteger);
  const inSeconds = unit === 'ex' || unit === 'exat';
  if (amount <= 0n || (inSeconds && amount > INT64_MAX / 1000n)) {
    throw new ReplyError(Err.invalidExpire(command));
  }
  let when = inSeconds ? amount * 1000n : amount;
  if (unit === 'ex' || unit === 'px') when += BigInt(ctx.now);
  // Redis's signed addition wraps around to a negative time on overflow.
  if (when > INT64_MAX) throw new ReplyError(Err.invalidExpire(command));
  return when;
}

/** Replies with a string key's value, or nil; WRONGTYPE aborts (Redis's getGenericCommand). */
function replyValue(ctx: CommandContext, key: string): void {
  const value = ctx.readString(key);
  if (value === undefined) ctx.reply.nullBulk();
  else ctx.reply.bulk(stringBytes(value));
}

/** What differs between SET, SETNX, SETEX and PSETEX: the name errors show, and the replies. */
interface SetVariant {
  name: string;
  done(ctx: CommandContext): void;
  /** Not set because of NX or XX. */
  skipped(ctx: CommandContext): void;
}

function setVariant(name: string): SetVariant {
  return { name, done: (ctx) => ctx.reply.ok(), skipped: (ctx) => ctx.reply.nullBulk() };
}

const SETNX: SetVariant = {
  name: 'setnx',
  done: (ctx) => ctx.reply.integer(1),
  skipped: (ctx) => ctx.reply.integer(0),
};
const SET = setVariant('set');
const SETEX = setVariant('setex');
const PSETEX = setVariant('psetex');

/**
 * SET, SETNX, SETEX and PSETEX (Redis's setGenericCommand). A write with an expiry propagates as
 * SET key value PXAT <absolute ms>; SET ... GET propagates without its GET.
 */
function setGeneric(
  ctx: CommandContext,
  argv: string[],
  value: string,
  options: Readonly<StringOptions>,
  variant: SetVariant,
): void {
  const key = argv[1];
  const expire = options.expire;
  const when = expire && expireAt(ctx, expire.unit, expire.value, variant.name);
  if (options.get) replyValue(ctx, key);
  const found = ctx.write(key) !== undefined;
  if ((options.nx && found) || (options.xx && !found)) {
    if (!options.get) variant.skipped(ctx);
    return;
  }
  ctx.keyspace.setKey(ctx.db, key, value, options.keepTtl);
  ctx.keyChanged(key, '$', 'set');
  if (when !== null) {
    ctx.keyspace.setExpire(ctx.db, key, Number(when));
    ctx.keyspace.notify(ctx.db, key, 'g', 'expire');
    ctx.propagateAs = ['SET', key, value, 'PXAT', String(when)];
  } else if (options.get) {
    ctx.propagateAs = argv.filter((arg, i) => i < 3 || optionName(arg) !== 'get');
  }
  if (!options.get) variant.done(ctx);
}

/** Redis's setGetKeys: with GET the key is also read, otherwise only overwritten. */
function setKeys(argv: string[]): KeyReference[] {
  for (let i = 3; i < argv.length; i++) {
    if (optionName(argv[i]) === 'get') return [{ index: 1, flags: ['RW', 'ACCESS', 'UPDATE'] }];
  }
  return [{ index: 1, flags: ['OW', 'UPDATE'] }];
}

export const get = defineCommand({
  name: 'get',
  arity: 2,
  flags: ['readonly', 'fast'],
  acl: ['string'],
  keySpecs: keysFromFirst(['RO', 'ACCESS']),
  handler: (ctx, argv) => replyValue(ctx, argv[1]),
});

export const set = defineCommand({
  name: 'set',
  arity: -3,
  flags: ['write', 'denyoom'],
  acl: ['string'],
  keySpecs: keysFromFirst(['RW', 'ACCESS', 'UPDATE', 'VARIABLE_FLAGS'], {
    notes: 'RW and ACCESS due to the optional `GET` argument',
  }),
  getKeys: setKeys,
  handler: (ctx, argv) => setGeneric(ctx, argv, argv[2], parseStringOptions(argv, 3, 'set'), SET),
});

export const setnx = defineCommand({
  name: 'setnx',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  acl: ['string'],
  keySpecs: keysFromFirst(['OW', 'INSERT']),
  handler: (ctx, argv) => setGeneric(ctx, argv, argv[2], ONLY_NX, SETNX),
});

export const setex = defineCommand({
  name: 'setex',
  arity: 4,
  flags: ['write', 'denyoom'],
  acl: ['string'],
  keySpecs: keysFromFirst(['OW', 'UPDATE']),
  handler: (ctx, argv) =>
    setGeneric(
      ctx,
      argv,
      argv[3],
      stringOptions({ expire: { unit: 'ex', value: argv[2] } }),
      SETEX,
    ),
});

export const psetex = defineCommand({
  name: 'psetex',
  arity: 4,
  flags: ['write', 'denyoom'],
  acl: ['string'],
  keySpecs: keysFromFirst(['OW', 'UPDATE']),
  handler: (ctx, argv) =>
    setGeneric(
      ctx,
      argv,
      argv[3],
      stringOptions({ expire: { unit: 'px', value: argv[2] } }),
      PSETEX,
    ),
});

export const getex = defineCommand({
  name: 'getex',
  arity: -2,
  flags: ['write', 'fast'],
  acl: ['string'],
  keySpecs: keysFromFirst(['RW', 'ACCESS', 'UPDATE'], {
    notes: 'RW and UPDATE because it changes the TTL',
  }),
  handler: (ctx, argv) => {
    const options = parseStringOptions(argv, 2, 'getex');
    const key = argv[1];
    const value = ctx.readString(key);
    if (value === undefined) return ctx.reply.nullBulk();
    const expire = options.expire;
    const when = expire && expireAt(ctx, expire.unit, expire.value, 'getex');
    ctx.reply.bulk(stringBytes(value));
    const absolute = expire?.unit === 'exat' || expire?.unit === 'pxat';
    if (when !== null && absolute && when <= BigInt(ctx.now) && ctx.keyspace.expireDeletes) {
      // A time already past deletes the key at once (Redis's checkAlreadyExpired).
      deleteKey(ctx, key, 'lazyfree-lazy-expire');
    } else if (when !== null) {
      ctx.keyspace.setExpire(ctx.db, key, Number(when));
      ctx.keyChanged(key, 'g', 'expire');
      ctx.propagateAs = ['PEXPIREAT', key, String(when)];
    } else if (options.persist && ctx.keyspace.removeExpire(ctx.db, key)) {
      ctx.keyChanged(key, 'g', 'persist');
      ctx.propagateAs = ['PERSIST', key];
    }
  },
});

/** Deletes a key as a write of its own, propagated as DEL, or UNLINK when `lazyConfig` is yes. */
function deleteKey(ctx: CommandContext, key: string, lazyConfig: string): void {
  ctx.keyspace.delete(ctx.db, key);
  ctx.keyChanged(key, 'g', 'del');
  ctx.propagateAs = [ctx.server.config.boolValue(lazyConfig) ? 'UNLINK' : 'DEL', key];
}

export const getdel = defineCommand({
  name: 'getdel',
  arity: 2,
  flags: ['write', 'fast'],
  acl: ['string'],
  keySpecs: keysFromFirst(['RW', 'ACCESS', 'DELETE']),
  handler: (ctx, argv) => {
    const key = argv[1];
    const value = ctx.readString(key);
    if (value === undefined) return ctx.reply.nullBulk();
    ctx.reply.bulk(stringBytes(value));
    deleteKey(ctx, key, 'lazyfree-lazy-user-del');
  },
});

export const getset = defineCommand({
  name: 'getset',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  acl: ['string'],
  keySpecs: keysFromFirst(['RW', 'ACCESS', 'UPDATE']),
  handler: (ctx, argv) => {
    const key = argv[1];
    replyValue(ctx, key);
    ctx.keyspace.setKey(ctx.db, key, argv[2]);
    ctx.keyChanged(key, '$', 'set');
    ctx.propagateAs = ['SET', key, argv[2]];
  },
});

export const mget = defineCommand({
  name: 'mget',
  arity: -2,
  flags: ['readonly', 'fast'],
  acl: ['string'],
  tips: ['request_policy:multi_shard'],
  keySpecs: keysFromFirst(['RO', 'ACCESS'], { lastKey: -1 }),
  handler: (ctx, argv) => {
    ctx.reply.array(argv.length - 1);
    for (let i = 1; i < argv.length; i++) {
      // Keys of other types read as nil here, not as an error.
      const value = ctx.read(argv[i]);
      if (value === undefined || !isString(value)) ctx.reply.nullBulk();
      else ctx.reply.bulk(stringBytes(value));
    }
  },
});

/** MSET and MSETNX (Redis's msetGenericCommand); MSETNX sets nothing if any key exists. */
function msetGeneric(ctx: CommandContext, argv: string[], onlyNew: boolean): void {
  if (argv.length % 2 === 0) throw new ReplyError(Err.wrongArity(onlyNew ? 'msetnx' : 'mset'));
  if (onlyNew) {
    for (let i = 1; i < argv.length; i += 2) {
      if (ctx.write(argv[i]) !== undefined) return ctx.reply.integer(0);
    }
  }
  for (let i = 1; i < argv.length; i += 2) {
    ctx.keyspace.setKey(ctx.db, argv[i], argv[i + 1]);
    ctx.keyChanged(argv[i], '$', 'set');
  }
  if (onlyNew) ctx.reply.integer(1);
  else ctx.reply.ok();
}

export const mset = defineCommand({
  name: 'mset',
  arity: -3,
  flags: ['write', 'denyoom'],
  acl: ['string'],
  tips: ['request_policy:multi_shard', 'response_policy:all_succeeded'],
  keySpecs: keysFromFirst(['OW', 'UPDATE'], { lastKey: -1, keyStep: 2 }),
  handler: (ctx, argv) => msetGeneric(ctx, argv, false),
});

export const msetnx = defineCommand({
  name: 'msetnx',
  arity: -3,
  flags: ['write', 'denyoom'],
  acl: ['string'],
  tips: ['request_policy:multi_shard', 'response_policy:agg_min'],
  keySpecs: keysFromFirst(['OW', 'INSERT'], { lastKey: -1, keyStep: 2 }),
  handler: (ctx, argv) => msetGeneric(ctx, argv, true),
});

export const stringCommands: CommandSpec[] = [
  get,
  set,
  setnx,
  setex,
  psetex,
  getex,
  getdel,
  getset,
  mget,
  mset,
  msetnx,
  ...rangeCommands,
  ...counterCommands,
  ...lcsCommands,
];
