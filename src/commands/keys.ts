/**
 * Generic key commands: DEL, UNLINK, EXISTS, TYPE, TOUCH, RENAME, RENAMENX, MOVE, COPY, KEYS,
 * SCAN, RANDOMKEY, DBSIZE, FLUSHDB, FLUSHALL, SWAPDB. (TTLs are in expire.ts, OBJECT in object.ts.)
 */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import { ReplyError, type CommandContext } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { parseInteger } from '../dispatch/numbers.js';
import { GlobPattern } from '../keyspace/glob.js';
import type { Database } from '../keyspace/keyspace.js';
import { cloneValue, typeOf } from '../keyspace/values.js';
import { keysAt } from './key-specs.js';
import { matchesScanPattern, parseScanCursor, parseScanOptions } from './scan-options.js';

const MULTI_KEY_TIPS = ['request_policy:multi_shard', 'response_policy:agg_sum'];

/** DEL and UNLINK (values are freed by the garbage collector either way). */
function deleteKeys(ctx: CommandContext, argv: string[]): void {
  const { keyspace, db } = ctx;
  let deleted = 0;
  for (let i = 1; i < argv.length; i++) {
    const key = argv[i];
    // A key whose time has come goes as expired (its own event and DEL), and is not counted.
    keyspace.expireIfNeeded(db, key);
    if (keyspace.delete(db, key)) {
      ctx.keyChanged(key, 'g', 'del');
      deleted++;
    }
  }
  ctx.reply.integer(deleted);
}

export const del = defineCommand({
  name: 'del',
  arity: -2,
  flags: ['write'],
  acl: ['keyspace'],
  tips: MULTI_KEY_TIPS,
  keySpecs: [keysAt(1, ['RM', 'DELETE'], -1)],
  handler: deleteKeys,
});

export const unlink = defineCommand({
  name: 'unlink',
  arity: -2,
  flags: ['write', 'fast'],
  acl: ['keyspace'],
  tips: MULTI_KEY_TIPS,
  keySpecs: [keysAt(1, ['RM', 'DELETE'], -1)],
  handler: deleteKeys,
});

/** EXISTS and TOUCH: how many of the keys exist (a key named twice counts twice). */
function countExisting(ctx: CommandContext, argv: string[], touch: boolean): void {
  let found = 0;
  for (let i = 1; i < argv.length; i++) {
    if (ctx.keyspace.lookupRead(ctx.db, argv[i], touch) !== undefined) found++;
  }
  ctx.reply.integer(found);
}

export const exists = defineCommand({
  name: 'exists',
  arity: -2,
  flags: ['readonly', 'fast'],
  acl: ['keyspace'],
  tips: MULTI_KEY_TIPS,
  keySpecs: [keysAt(1, ['RO'], -1)],
  handler: (ctx, argv) => countExisting(ctx, argv, false),
});

export const touch = defineCommand({
  name: 'touch',
  arity: -2,
  flags: ['readonly', 'fast'],
  acl: ['keyspace'],
  tips: MULTI_KEY_TIPS,
  keySpecs: [keysAt(1, ['RO'], -1)],
  // TOUCH updates the access time even for a CLIENT NO-TOUCH client: that is what it is for.
  handler: (ctx, argv) => countExisting(ctx, argv, true),
});

export const type = defineCommand({
  name: 'type',
  arity: 2,
  flags: ['readonly', 'fast'],
  acl: ['keyspace'],
  keySpecs: [keysAt(1, ['RO'])],
  handler: (ctx, argv) => {
    const value = ctx.keyspace.lookupRead(ctx.db, argv[1], false);
    ctx.reply.status(value === undefined ? 'none' : typeOf(value));
  },
});

/** RENAME and RENAMENX: the value, its TTL and its access data move to the new name. */
function renameKey(ctx: CommandContext, argv: string[], nx: boolean): void {
  const [, from, to] = argv;
  const { keyspace, db } = ctx;
  if (ctx.write(from) === undefined) throw new ReplyError(Err.noSuchKey);
  if (from === to) return nx ? ctx.reply.integer(0) : ctx.reply.ok();
  if (ctx.write(to) !== undefined && nx) return ctx.reply.integer(0);
  keyspace.moveKey(db, from, db, to);
  ctx.keyChanged(from, 'g', 'rename_from');
  // Both keys changed, but Redis counts the rename as one write.
  keyspace.keyChanged(db, to, 'g', 'rename_to', 0);
  if (nx) ctx.reply.integer(1);
  else ctx.reply.ok();
}

export const rename = defineCommand({
  name: 'rename',
  arity: 3,
  flags: ['write'],
  acl: ['keyspace'],
  keySpecs: [keysAt(1, ['RW', 'ACCESS', 'DELETE']), keysAt(2, ['OW', 'UPDATE'])],
  handler: (ctx, argv) => renameKey(ctx, argv, false),
});

export const renamenx = defineCommand({
  name: 'renamenx',
  arity: 3,
  flags: ['write', 'fast'],
  acl: ['keyspace'],
  keySpecs: [keysAt(1, ['RW', 'ACCESS', 'DELETE']), keysAt(2, ['OW', 'INSERT'])],
  handler: (ctx, argv) => renameKey(ctx, argv, true),
});

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/**
 * A database number argument, as getIntFromObjectOrReply reads it: an int64, then an int32. Both
 * failures give `error` when there is one, else Redis's two distinct errors.
 */
function parseDbNumber(text: string, error?: string): number {
  const index = parseInteger(text);
  if (index === null) throw new ReplyError(error ?? Err.notInteger);
  if (index < INT_MIN || index > INT_MAX) {
    throw new ReplyError(error ?? Err.valueOutOfRange(INT_MIN, INT_MAX));
  }
  return index;
}

function databaseAt(ctx: CommandContext, index: number): Database {
  if (index < 0 || index >= ctx.keyspace.dbs.length) throw new ReplyError(Err.invalidDbIndex);
  return ctx.keyspace.dbs[index];
}

export const move = defineCommand({
  name: 'move',
  arity: 3,
  flags: ['write', 'fast'],
  acl: ['keyspace'],
  keySpecs: [keysAt(1, ['RW', 'ACCESS', 'UPDATE'])],
  handler: (ctx, argv) => {
    const key = argv[1];
    const { keyspace, db } = ctx;
    const target = databaseAt(ctx, parseDbNumber(argv[2]));
    if (target === db) throw new ReplyError(Err.sameObject);
    if (ctx.write(key) === undefined || keyspace.lookupWrite(target, key) !== undefined) {
      return ctx.reply.integer(0);
    }
    keyspace.moveKey(db, key, target, key);
    ctx.keyChanged(key, 'g', 'move_from');
    keyspace.keyChanged(target, key, 'g', 'move_to', 0);
    ctx.reply.integer(1);
  },
});

export const copy = defineCommand({
  name: 'copy',
  arity: -3,
  flags: ['write', 'denyoom'],
  acl: ['keyspace'],
  keySpecs: [keysAt(1, ['RO', 'ACCESS']), keysAt(2, ['OW', 'UPDATE'])],
  handler: (ctx, argv) => {
    const [, from, to] = argv;
    const keyspace = ctx.keyspace;
    let target = ctx.db;
    let replace = false;
    for (let i = 3; i < argv.length; i++) {
      const option = argv[i].toLowerCase();
      if (option === 'replace') replace = true;
      else if (option === 'db' && i + 1 < argv.length) {
        target = databaseAt(ctx, parseDbNumber(argv[++i]));
      } else throw new ReplyError(Err.syntax);
    }
    if (target === ctx.db && from === to) throw new ReplyError(Err.sameObject);
    const value = ctx.read(from);
    if (value === undefined) return ctx.reply.integer(0);
    if (keyspace.lookupWrite(target, to) !== undefined) {
      if (!replace) return ctx.reply.integer(0);
      // Replaced, not overwritten: the copy starts with fresh access data.
      keyspace.delete(target, to);
    }
    const expire = keyspace.getExpire(ctx.db, from);
    keyspace.setKey(target, to, cloneValue(value));
    if (expire !== undefined) keyspace.setExpire(target, to, expire);
    keyspace.keyChanged(target, to, 'g', 'copy_to');
    ctx.reply.integer(1);
  },
});

export const keys = defineCommand({
  name: 'keys',
  arity: 2,
  flags: ['readonly'],
  acl: ['keyspace', 'dangerous'],
  tips: ['request_policy:all_shards', 'nondeterministic_output_order'],
  handler: (ctx, argv) => {
    const everything = argv[1] === '*';
    const pattern = new GlobPattern(argv[1]);
    const { db, now } = ctx;
    const found: string[] = [];
    for (const key of db.dict.keys()) {
      if (!everything && !pattern.matches(key)) continue;
      // Like Redis, KEYS skips expired keys but leaves deleting them to others.
      const when = db.expires.size === 0 ? undefined : db.expires.get(key);
      if (when === undefined || when > now) found.push(key);
    }
    ctx.reply.bulkArray(found);
  },
});

export const scan = defineCommand({
  name: 'scan',
  arity: -2,
  flags: ['readonly'],
  acl: ['keyspace'],
  tips: ['nondeterministic_output', 'request_policy:special'],
  handler: (ctx, argv) => {
    const cursor = parseScanCursor(argv[1]);
    const options = parseScanOptions(argv, 2, true);
    const { keyspace, db } = ctx;
    // Collect first, filter after: filtering may delete expired keys, which moves entries.
    const visited: string[] = [];
    const next = db.dict.scan(cursor, options.count, (key) => visited.push(key));
    const wantedType = options.type?.toLowerCase();
    const keys = visited.filter((key) => {
      if (!matchesScanPattern(options, key)) return false;
      if (wantedType !== undefined) {
        const value = keyspace.lookupRead(db, key, false);
        if ((value === undefined ? 'none' : typeOf(value)) !== wantedType) return false;
      }
      return !keyspace.expireIfNeeded(db, key);
    });
    ctx.reply.array(2);
    ctx.reply.bulk(String(next));
    ctx.reply.bulkArray(keys);
  },
});

export const randomkey = defineCommand({
  name: 'randomkey',
  arity: 1,
  flags: ['readonly'],
  acl: ['keyspace'],
  tips: ['request_policy:all_shards', 'nondeterministic_output'],
  handler: (ctx) => {
    const key = ctx.keyspace.randomKey(ctx.db, () => ctx.server.random());
    if (key === undefined) ctx.reply.nullBulk();
    else ctx.reply.bulk(key);
  },
});

export const dbsize = defineCommand({
  name: 'dbsize',
  arity: 1,
  flags: ['readonly', 'fast'],
  acl: ['keyspace'],
  tips: ['request_policy:all_shards', 'response_policy:agg_sum'],
  // Like Redis, this counts expired keys not reclaimed yet.
  handler: (ctx) => ctx.reply.integer(ctx.db.size),
});

/** FLUSHDB and FLUSHALL take an optional ASYNC or SYNC; memory is the collector's job either way. */
function checkFlushOption(argv: string[]): void {
  if (argv.length === 1) return;
  const option = argv[1].toLowerCase();
  if (argv.length > 2 || (option !== 'async' && option !== 'sync')) {
    throw new ReplyError(Err.syntax);
  }
}

export const flushdb = defineCommand({
  name: 'flushdb',
  arity: -1,
  flags: ['write'],
  acl: ['keyspace', 'dangerous'],
  tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
  handler: (ctx, argv) => {
    checkFlushOption(argv);
    // One more than the keys removed, so that even an empty database's flush is propagated.
    ctx.keyspace.dirty += ctx.keyspace.flushDb(ctx.db) + 1;
    ctx.reply.ok();
  },
});

export const flushall = defineCommand({
  name: 'flushall',
  arity: -1,
  flags: ['write'],
  acl: ['keyspace', 'dangerous'],
  tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
  handler: (ctx, argv) => {
    checkFlushOption(argv);
    ctx.keyspace.dirty += ctx.keyspace.flushAll() + 1;
    ctx.server.persistence.flushedAll();
    ctx.reply.ok();
  },
});

export const swapdb = defineCommand({
  name: 'swapdb',
  arity: 3,
  flags: ['write', 'fast'],
  acl: ['keyspace', 'dangerous'],
  handler: (ctx, argv) => {
    const first = parseDbNumber(argv[1], Err.invalidFirstDbIndex);
    const second = parseDbNumber(argv[2], Err.invalidSecondDbIndex);
    databaseAt(ctx, first);
    databaseAt(ctx, second);
    if (first !== second) ctx.keyspace.swapDbs(first, second);
    ctx.keyspace.dirty++;
    ctx.reply.ok();
  },
});

export const keysCommands: CommandSpec[] = [
  del,
  unlink,
  exists,
  touch,
  type,
  rename,
  renamenx,
  move,
  copy,
  keys,
  scan,
  randomkey,
  dbsize,
  flushdb,
  flushall,
  swapdb,
];
