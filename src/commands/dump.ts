/**
 * DUMP, RESTORE and RESTORE-ASKING: values moved as Redis's DUMP payloads (an RDB value, the RDB
 * version and a CRC64, see src/persistence/rdb-dump.ts), so a payload from redis-server restores
 * here and the other way round. MIGRATE is in migrate.ts.
 */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import { ReplyError, type CommandContext } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { parseInt64 } from '../dispatch/numbers.js';
import { accessStamp, encodingLimits } from '../persistence/rdb-load.js';
import { createDumpPayload, readDumpPayload, verifyDumpPayload } from '../persistence/rdb-dump.js';
import { listNodeLimits } from '../persistence/rdb-write.js';
import type { StoredValue } from '../keyspace/values.js';
import { keysAt } from './key-specs.js';

/** A value's DUMP payload with the server's rdbcompression and list settings. */
export function dumpValue(ctx: CommandContext, value: StoredValue): string {
  const { config, debug } = ctx.server;
  return createDumpPayload(
    value,
    config.boolValue('rdbcompression'),
    listNodeLimits(config, debug),
  );
}

export const dump = defineCommand({
  name: 'dump',
  arity: 2,
  flags: ['readonly'],
  acl: ['keyspace'],
  tips: ['nondeterministic_output'],
  keySpecs: [keysAt(1, ['RO', 'ACCESS'])],
  handler: (ctx, argv) => {
    const value = ctx.read(argv[1]);
    if (value === undefined) return ctx.reply.nullBulk();
    ctx.reply.bulk(dumpValue(ctx, value));
  },
});

interface RestoreOptions {
  replace: boolean;
  absttl: boolean;
  idle: number;
  freq: number;
}

/** REPLACE, ABSTTL, IDLETIME seconds, FREQ frequency (IDLETIME and FREQ exclude each other). */
function parseRestoreOptions(argv: string[]): RestoreOptions {
  const options = { replace: false, absttl: false, idle: -1, freq: -1 };
  for (let i = 4; i < argv.length; i++) {
    const option = argv[i].toLowerCase();
    const hasValue = i + 1 < argv.length;
    if (option === 'replace') options.replace = true;
    else if (option === 'absttl') options.absttl = true;
    else if (option === 'idletime' && hasValue && options.freq === -1) {
      options.idle = integerArgument(argv[++i]);
      if (options.idle < 0) throw new ReplyError(Err.invalidIdletime);
    } else if (option === 'freq' && hasValue && options.idle === -1) {
      options.freq = integerArgument(argv[++i]);
      if (options.freq < 0 || options.freq > 255) throw new ReplyError(Err.invalidFreq);
    } else throw new ReplyError(Err.syntax);
  }
  return options;
}

function integerArgument(arg: string): number {
  const n = parseInt64(arg);
  if (n === null) throw new ReplyError(Err.notInteger);
  return Number(n);
}

/**
 * Redis's restoreCommand. A relative TTL is propagated as an absolute one with ABSTTL; a TTL
 * already past creates nothing (and deletes a replaced key, propagated as DEL).
 */
function restore(ctx: CommandContext, argv: string[]): void {
  const [, key, ttlArg, payload] = argv;
  const options = parseRestoreOptions(argv);
  const { keyspace, db } = ctx;
  if (!options.replace && keyspace.lookupWrite(db, key) !== undefined) {
    throw new ReplyError(Err.busyKey);
  }
  const ttlValue = parseInt64(ttlArg);
  if (ttlValue === null) throw new ReplyError(Err.notInteger);
  if (ttlValue < 0n) throw new ReplyError(Err.invalidTtl);
  const bytes = Buffer.from(payload, 'latin1');
  if (!verifyDumpPayload(bytes, !ctx.server.debug.skipChecksumValidation))
    throw new ReplyError(Err.badDumpPayload);
  const value = readDumpPayload(bytes, encodingLimits(ctx.server.config));
  if (value === null) throw new ReplyError(Err.badDataFormat);
  const deleted = options.replace && keyspace.delete(db, key);
  // A relative TTL is made absolute in int64 arithmetic: one that overflows is in the past.
  const when =
    ttlValue !== 0n && !options.absttl ? BigInt.asIntN(64, ttlValue + BigInt(ctx.now)) : ttlValue;
  if (when !== 0n && when <= BigInt(ctx.now) && keyspace.expireDeletes) {
    if (deleted) {
      const lazy = ctx.server.config.boolValue('lazyfree-lazy-server-del');
      ctx.propagateAs = [lazy ? 'UNLINK' : 'DEL', key];
      ctx.keyChanged(key, 'g', 'del');
    }
    return ctx.reply.ok();
  }
  keyspace.setKey(db, key, value);
  db.dict.setMetaAt(db.dict.slotOf(key), accessStamp(keyspace, options.idle, options.freq));
  if (when !== 0n) {
    keyspace.setExpire(db, key, Number(when));
    if (!options.absttl) ctx.propagateAs = [argv[0], key, String(when), ...argv.slice(3), 'ABSTTL'];
  }
  ctx.keyChanged(key, 'g', 'restore');
  ctx.reply.ok();
}

const RESTORE_SPEC = {
  arity: -4,
  acl: ['keyspace', 'dangerous'],
  keySpecs: [keysAt(1, ['OW', 'UPDATE'])],
  handler: restore,
} satisfies Partial<CommandSpec>;

export const restoreCommand = defineCommand({
  name: 'restore',
  flags: ['write', 'denyoom'],
  ...RESTORE_SPEC,
});

export const restoreAsking = defineCommand({
  name: 'restore-asking',
  flags: ['write', 'denyoom', 'asking'],
  ...RESTORE_SPEC,
});

export const dumpCommands: CommandSpec[] = [dump, restoreCommand, restoreAsking];
