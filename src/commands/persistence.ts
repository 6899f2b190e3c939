/** Persistence commands: SAVE, BGSAVE, LASTSAVE, BGREWRITEAOF (the work is in persistence/). */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import { Err } from '../dispatch/errors.js';

export const save = defineCommand({
  name: 'save',
  arity: 1,
  flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'],
  handler: (ctx) => {
    if (ctx.server.persistence.save()) ctx.reply.ok();
    else ctx.reply.error(Err.generic);
  },
});

export const bgsave = defineCommand({
  name: 'bgsave',
  arity: -1,
  flags: ['admin', 'noscript', 'no_async_loading'],
  handler: (ctx, argv) => {
    let schedule = false;
    if (argv.length > 1) {
      if (argv.length !== 2 || argv[1].toLowerCase() !== 'schedule') {
        return ctx.reply.error(Err.syntax);
      }
      schedule = true;
    }
    ctx.reply.status(ctx.server.persistence.bgsave(schedule));
  },
});

export const lastsave = defineCommand({
  name: 'lastsave',
  arity: 1,
  flags: ['loading', 'stale', 'fast'],
  acl: ['admin', 'dangerous'],
  tips: ['nondeterministic_output'],
  handler: (ctx) => ctx.reply.integer(Math.floor(ctx.server.persistence.lastSaveTime / 1000)),
});

export const bgrewriteaof = defineCommand({
  name: 'bgrewriteaof',
  arity: 1,
  flags: ['admin', 'noscript', 'no_async_loading'],
  handler: (ctx) => ctx.reply.status(ctx.server.persistence.bgrewriteaof()),
});

export const persistenceCommands: CommandSpec[] = [save, bgsave, lastsave, bgrewriteaof];
