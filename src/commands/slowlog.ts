/** SLOWLOG GET / LEN / RESET / HELP: the commands that took longer than slowlog-log-slower-than. */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import { ReplyError, type CommandContext } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { parseInteger } from '../dispatch/numbers.js';
import { replyHelp } from './help.js';

/** Entries SLOWLOG GET returns without a count. */
const DEFAULT_COUNT = 10;

const HELP_LINES = [
  'GET [<count>]',
  '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
  '    Entries are made of:',
  '    id, timestamp, time in microseconds, arguments array, client IP and port,',
  '    client name',
  'LEN',
  '    Return the length of the slowlog.',
  'RESET',
  '    Reset the slowlog.',
];

const ADMIN = { flags: ['admin', 'loading', 'stale'] } satisfies Partial<CommandSpec>;

function get(ctx: CommandContext, argv: string[]): void {
  if (argv.length > 3) throw new ReplyError(Err.subcommandSyntax(argv[1], 'slowlog'));
  let count = DEFAULT_COUNT;
  if (argv.length === 3) {
    const parsed = parseInteger(argv[2]);
    if (parsed === null || parsed < -1) throw new ReplyError(Err.slowlogCount);
    count = parsed;
  }
  const entries = ctx.server.slowlog.newest(count);
  const reply = ctx.reply;
  reply.array(entries.length);
  for (const entry of entries) {
    reply.array(6);
    reply.integer(entry.id);
    reply.integer(entry.time);
    reply.integer(entry.micros);
    reply.bulkArray(entry.argv);
    reply.bulk(entry.peer);
    reply.bulk(entry.clientName);
  }
}

export const slowlog = defineCommand({
  name: 'slowlog',
  arity: -2,
  flags: [],
  subcommands: [
    {
      name: 'help',
      arity: 2,
      flags: ['loading', 'stale'],
      handler: (ctx, argv) => replyHelp(ctx, argv[0], HELP_LINES),
    },
    {
      name: 'reset',
      arity: 2,
      ...ADMIN,
      tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
      handler: (ctx) => {
        ctx.server.slowlog.reset();
        ctx.reply.ok();
      },
    },
    {
      name: 'len',
      arity: 2,
      ...ADMIN,
      tips: ['request_policy:all_nodes', 'response_policy:agg_sum', 'nondeterministic_output'],
      handler: (ctx) => ctx.reply.integer(ctx.server.slowlog.length),
    },
    {
      name: 'get',
      arity: -2,
      ...ADMIN,
      tips: ['request_policy:all_nodes', 'nondeterministic_output'],
      handler: get,
    },
  ],
});

export const slowlogCommands: CommandSpec[] = [slowlog];
