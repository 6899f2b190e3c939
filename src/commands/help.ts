/** The reply of a container's HELP subcommand (OBJECT HELP, CONFIG HELP ...), as addReplyHelp. */
import type { CommandContext } from '../dispatch/context.js';

/**
 * Replies with Redis's help layout: a header naming the command as the client typed it (upper
 * case), the given lines, and the HELP entry every container has. All lines are status replies.
 */
export function replyHelp(
  ctx: CommandContext,
  commandName: string,
  lines: readonly string[],
): void {
  const reply = ctx.reply;
  reply.array(lines.length + 3);
  reply.status(
    `${upperAscii(commandName)} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`,
  );
  for (const line of lines) reply.status(line);
  reply.status('HELP');
  reply.status('    Prints this help.');
}

/** C's toupper in the C locale: only a-z change. */
function upperAscii(s: string): string {
  return s.replace(/[a-z]+/g, (m) => m.toUpperCase());
}
