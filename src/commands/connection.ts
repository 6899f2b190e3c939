/** Connection commands: PING, ECHO, QUIT, SELECT. */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import { Err } from '../dispatch/errors.js';
import { parseInteger } from '../dispatch/numbers.js';

export const ping = defineCommand({
  name: 'ping',
  arity: -1,
  flags: ['fast', 'sentinel'],
  acl: ['connection'],
  tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
  handler: (ctx, argv) => {
    if (argv.length > 2) return ctx.reply.error(Err.wrongArity('ping'));
    if (argv.length === 2) ctx.reply.bulk(argv[1]);
    else ctx.reply.status('PONG');
  },
});

export const echo = defineCommand({
  name: 'echo',
  arity: 2,
  flags: ['fast'],
  acl: ['connection'],
  handler: (ctx, argv) => ctx.reply.bulk(argv[1]),
});

export const quit = defineCommand({
  name: 'quit',
  arity: -1,
  flags: ['allow_busy', 'noscript', 'loading', 'stale', 'fast', 'no_auth'],
  acl: ['connection'],
  handler: (ctx) => {
    ctx.reply.ok();
    ctx.client.closeAfterReply = true;
  },
});

export const select = defineCommand({
  name: 'select',
  arity: 2,
  flags: ['loading', 'stale', 'fast'],
  acl: ['connection'],
  handler: (ctx, argv) => {
    const index = parseInteger(argv[1]);
    if (index === null || index > 2147483647 || index < -2147483648) return ctx.reply.error(Err.notInteger);
    if (index < 0 || index >= ctx.keyspace.dbs.length) return ctx.reply.error(Err.invalidDbIndex);
    ctx.selectDb(index);
    ctx.reply.ok();
  },
});

export const connectionCommands: CommandSpec[] = [ping, echo, quit, select];
