/** Generic key commands: DEL, EXISTS, TYPE, RENAME, KEYS, SCAN, OBJECT ... */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';

/** FLUSHDB / FLUSHALL take an optional ASYNC or SYNC; both empty the data at once here. */
function flushOption(ctx: CommandContext, argv: string[]): boolean {
  if (argv.length === 1) return true;
  const option = argv[1].toLowerCase();
  if (argv.length === 2 && (option === 'async' || option === 'sync')) return true;
  ctx.reply.error(Err.syntax);
  return false;
}

export const flushdb = defineCommand({
  name: 'flushdb',
  arity: -1,
  flags: ['write'],
  acl: ['keyspace', 'dangerous'],
  tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
  handler: (ctx, argv) => {
    if (!flushOption(ctx, argv)) return;
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
    if (!flushOption(ctx, argv)) return;
    let removed = 0;
    for (const db of ctx.keyspace.dbs) removed += ctx.keyspace.flushDb(db);
    ctx.keyspace.dirty += removed + 1;
    ctx.reply.ok();
  },
});

export const keysCommands: CommandSpec[] = [flushdb, flushall];
