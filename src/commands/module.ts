/**
 * MODULE: Kvik loads no Redis modules, so LIST is empty and LOAD/LOADEX/UNLOAD fail as Redis's
 * do for a library it cannot load. LOAD, LOADEX and UNLOAD are 'protected': the gate refuses
 * them unless enable-module-command allows the client, as Redis does.
 */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { replyHelp } from './help.js';

const HELP = [
  'LIST',
  '    Return a list of loaded modules.',
  'LOAD <path> [<arg> ...]',
  '    Load a module library from <path>, passing to it any optional arguments.',
  'LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]',
  '    Load a module library from <path>, while passing it module configurations and optional arguments.',
  'UNLOAD <name>',
  '    Unload a module.',
];

const LOADING = ['admin', 'noscript', 'no_async_loading', 'protected'] as const;

export const module = defineCommand({
  name: 'module',
  arity: -2,
  flags: [],
  subcommands: [
    {
      name: 'list',
      arity: 2,
      flags: ['admin', 'noscript'],
      tips: ['nondeterministic_output_order'],
      handler: (ctx) => ctx.reply.array(0),
    },
    {
      name: 'load',
      arity: -3,
      flags: [...LOADING],
      handler: () => {
        throw new ReplyError(Err.moduleLoadFailed);
      },
    },
    {
      name: 'loadex',
      arity: -3,
      flags: [...LOADING],
      handler: () => {
        throw new ReplyError(Err.moduleLoadFailed);
      },
    },
    {
      name: 'unload',
      arity: 3,
      flags: [...LOADING],
      handler: () => {
        throw new ReplyError(Err.moduleUnloadNoSuchModule);
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

export const moduleCommands: CommandSpec[] = [module];
