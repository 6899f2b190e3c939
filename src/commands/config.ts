/** CONFIG and its subcommands: GET, SET, RESETSTAT, REWRITE, HELP. */
import type { ClientState } from '../dispatch/client-state.js';
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import { Err } from '../dispatch/errors.js';
import { replyHelp } from './help.js';

const ADMIN = ['admin', 'noscript', 'loading', 'stale'] as const;

const HELP = [
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
];

/** Redis's islocalClient: a Unix socket or a loopback peer (protected configs, DEBUG "local"). */
export function isLocalClient(client: ClientState): boolean {
  return client.local || client.addr.startsWith('127.0.0.1:') || client.addr.startsWith('::1:');
}

export const config = defineCommand({
  name: 'config',
  arity: -2,
  flags: [],
  subcommands: [
    {
      name: 'get',
      arity: -3,
      flags: [...ADMIN],
      handler: (ctx, argv) => {
        const found = ctx.server.config.match(argv.slice(2));
        ctx.reply.map(found.length);
        for (const [name, value] of found) {
          ctx.reply.bulk(name);
          ctx.reply.bulk(value);
        }
      },
    },
    {
      name: 'set',
      arity: -4,
      flags: [...ADMIN],
      tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
      handler: (ctx, argv) => {
        if (argv.length % 2 !== 0) return ctx.reply.error(Err.syntax);
        const pairs: [string, string][] = [];
        for (let i = 2; i < argv.length; i += 2) pairs.push([argv[i], argv[i + 1]]);
        const error = ctx.server.config.setMany(pairs, { localClient: isLocalClient(ctx.client) });
        if (error) ctx.reply.error(error);
        else ctx.reply.ok();
      },
    },
    {
      name: 'resetstat',
      arity: 2,
      flags: [...ADMIN],
      handler: (ctx) => {
        ctx.server.resetStats();
        ctx.reply.ok();
      },
    },
    {
      name: 'rewrite',
      arity: 2,
      flags: [...ADMIN],
      handler: (ctx) => {
        const error = ctx.server.config.rewrite();
        if (error) ctx.reply.error(error);
        else ctx.reply.ok();
      },
    },
    {
      name: 'help',
      arity: 2,
      flags: ['loading', 'stale'],
      handler: (ctx, argv) => replyHelp(ctx, argv[0], HELP),
    },
  ],
});

export const configCommands: CommandSpec[] = [config];
