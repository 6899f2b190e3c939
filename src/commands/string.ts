/** String commands. */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import { stringBytes } from '../keyspace/values.js';

export const get = defineCommand({
  name: 'get',
  arity: 2,
  flags: ['readonly', 'fast'],
  acl: ['string'],
  keySpecs: [
    {
      flags: ['RO', 'ACCESS'],
      begin: { index: 1 },
      find: { range: { lastKey: 0, keyStep: 1, limit: 0 } },
    },
  ],
  handler: (ctx, argv) => {
    const value = ctx.readString(argv[1]);
    if (value === undefined) ctx.reply.nullBulk();
    else ctx.reply.bulk(stringBytes(value));
  },
});

export const set = defineCommand({
  name: 'set',
  arity: -3,
  flags: ['write', 'denyoom'],
  acl: ['string'],
  keySpecs: [
    {
      flags: ['RW', 'ACCESS', 'UPDATE', 'VARIABLE_FLAGS'],
      begin: { index: 1 },
      find: { range: { lastKey: 0, keyStep: 1, limit: 0 } },
    },
  ],
  handler: (ctx, argv) => {
    ctx.keyspace.setKey(ctx.db, argv[1], argv[2]);
    ctx.keyChanged(argv[1], '$', 'set');
    ctx.reply.ok();
  },
});

export const stringCommands: CommandSpec[] = [get, set];
