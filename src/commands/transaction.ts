/**
 * Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH (Redis's multi.c). The gate queues the
 * commands of a client in MULTI and flags the transaction when one is refused; EXEC runs the queue
 * through the gate, with nothing else running in between. Which keys are watched, and who is
 * dirty, is the server's WatchedKeys (src/server/watched-keys.ts).
 */
import { defineCommand, type CommandFlag, type CommandSpec } from '../dispatch/command.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { discardTransaction } from '../dispatch/gate.js';
import { keysAt } from './key-specs.js';

const FLAGS: CommandFlag[] = ['noscript', 'loading', 'stale', 'fast', 'allow_busy'];

export const multi = defineCommand({
  name: 'multi',
  arity: 1,
  flags: FLAGS,
  acl: ['transaction'],
  handler: (ctx) => {
    if (ctx.client.multi !== null) throw new ReplyError(Err.multiNested);
    ctx.client.multi = [];
    ctx.reply.ok();
  },
});

/**
 * Runs the queued commands and replies with their replies. A command refused while queueing
 * aborts it (EXECABORT); so does a change of a watched key, or its expiry, with a nil reply.
 * Errors of the commands as they run are just their replies.
 */
export const exec = defineCommand({
  name: 'exec',
  arity: 1,
  flags: ['noscript', 'loading', 'stale', 'skip_slowlog'],
  acl: ['transaction'],
  handler: (ctx) => {
    const client = ctx.client;
    const queue = client.multi;
    if (queue === null) throw new ReplyError(Err.execWithoutMulti);
    const watches = ctx.server.watches;
    if (client.multiError || client.watchDirty || watches.watchedKeyExpired(client)) {
      if (client.multiError) ctx.reply.error(Err.execAbort);
      else ctx.reply.nullArray();
      return discardTransaction(ctx);
    }
    // Watching is over: changes made by the transaction itself must not count.
    watches.unwatchAll(client);
    ctx.reply.array(queue.length);
    for (const { command, argv } of queue) {
      // Permissions are checked again: they may have changed since the command was queued.
      const denial = client.aclUser.unrestricted
        ? null
        : ctx.server.aclDenied(ctx, command, argv, 'multi');
      if (denial === null) ctx.server.call(ctx, command, argv);
      else ctx.reply.error(Err.nopermAtExec(denial.reason));
    }
    discardTransaction(ctx);
  },
});

export const discard = defineCommand({
  name: 'discard',
  arity: 1,
  flags: FLAGS,
  acl: ['transaction'],
  handler: (ctx) => {
    if (ctx.client.multi === null) throw new ReplyError(Err.discardWithoutMulti);
    discardTransaction(ctx);
    ctx.reply.ok();
  },
});

export const watch = defineCommand({
  name: 'watch',
  arity: -2,
  flags: FLAGS,
  acl: ['transaction'],
  keySpecs: [keysAt(1, ['RO'], -1)],
  handler: (ctx, argv) => {
    const client = ctx.client;
    if (client.multi !== null) throw new ReplyError(Err.watchInsideMulti);
    // A dirty client's EXEC fails whatever happens: no point in watching more.
    if (!client.watchDirty) {
      for (let i = 1; i < argv.length; i++) ctx.server.watches.watch(client, ctx.db.id, argv[i]);
    }
    ctx.reply.ok();
  },
});

export const unwatch = defineCommand({
  name: 'unwatch',
  arity: 1,
  flags: FLAGS,
  acl: ['transaction'],
  handler: (ctx) => {
    ctx.server.watches.unwatchAll(ctx.client);
    ctx.client.watchDirty = false;
    ctx.reply.ok();
  },
});

export const transactionCommands: CommandSpec[] = [multi, exec, discard, watch, unwatch];
