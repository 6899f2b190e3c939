/** MONITOR: the client sees every command the server runs from now on (see src/server/monitor.ts). */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';

export const monitor = defineCommand({
  name: 'monitor',
  arity: 1,
  flags: ['admin', 'noscript', 'loading', 'stale'],
  handler: (ctx) => {
    // Inside EXEC a client expects one reply per command (Redis's CLIENT_DENY_BLOCKING).
    if (!ctx.server.blocking.mayBlock()) throw new ReplyError(Err.monitorDenyBlocking);
    // A client already monitoring gets no reply at all, as in Redis.
    if (ctx.server.startMonitoring(ctx.client)) ctx.reply.ok();
  },
});

export const monitorCommands: CommandSpec[] = [monitor];
