/**
 * Lua scripting: EVAL, EVALSHA, their read-only forms, and SCRIPT. The interpreter, the script
 * cache and the rules of running live in src/scripting.
 */
import {
  defineCommand,
  type CommandSpec,
  type KeySpec,
  type KeySpecFlag,
} from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { countedKeys } from '../dispatch/keys.js';
import { replyHelp } from './help.js';

const EVAL_FLAGS = ['noscript', 'stale', 'skip_monitor', 'no_mandatory_keys'] as const;

/** The key spec of EVAL-like commands: numkeys at argv[2], then the keys. */
export function scriptKeySpec(flags: KeySpecFlag[], notes?: string): KeySpec[] {
  const spec: KeySpec = {
    flags,
    begin: { index: 2 },
    find: { keyNum: { keyNumIdx: 0, firstKey: 1, keyStep: 1 } },
  };
  return [notes === undefined ? spec : { ...spec, notes }];
}

export const RW_NOTES =
  'We cannot tell how the keys will be used so we assume the worst, RW and UPDATE';
export const RO_NOTES =
  'We cannot tell how the keys will be used so we assume the worst, RO and ACCESS';

/** Redis's evalGetKeys: numkeys at argv[2], the keys after it. */
export const scriptGetKeys = countedKeys({ countIndex: 2, firstKeyIndex: 3 });

function evalCommand(name: string, bySha: boolean, readOnly: boolean): CommandSpec {
  return defineCommand({
    name,
    arity: -3,
    flags: readOnly ? ['readonly', ...EVAL_FLAGS] : [...EVAL_FLAGS],
    acl: ['scripting'],
    keySpecs: readOnly
      ? scriptKeySpec(['RO', 'ACCESS'], bySha ? undefined : RO_NOTES)
      : scriptKeySpec(['RW', 'ACCESS', 'UPDATE'], bySha ? undefined : RW_NOTES),
    getKeys: scriptGetKeys,
    handler: (ctx, argv) => ctx.server.scripting.eval(ctx, argv, bySha, readOnly),
  });
}

const SCRIPT_HELP = [
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
];

/** The optional ASYNC|SYNC of SCRIPT FLUSH and FUNCTION FLUSH: true when valid. */
export function validFlushMode(argv: readonly string[]): boolean {
  if (argv.length === 2) return true;
  if (argv.length > 3) return false;
  const mode = argv[2].toLowerCase();
  return mode === 'async' || mode === 'sync';
}

function scriptSub(spec: Omit<CommandSpec, 'acl'>): CommandSpec {
  return defineCommand({ ...spec, acl: ['scripting'] });
}

function scriptKill(ctx: CommandContext, isEval: boolean): void {
  const error = ctx.server.scripting.kill(isEval);
  if (error === null) ctx.reply.ok();
  else ctx.reply.error(error);
}

export const script = defineCommand({
  name: 'script',
  arity: -2,
  flags: [],
  subcommands: [
    scriptSub({
      name: 'debug',
      arity: 3,
      flags: ['noscript'],
      handler: (ctx, argv) => {
        const mode = argv[2].toLowerCase();
        if (mode === 'no') ctx.reply.ok();
        else if (mode === 'yes' || mode === 'sync') ctx.reply.error(Err.scriptDebugUnsupported);
        else ctx.reply.error(Err.scriptDebugOption);
      },
    }),
    scriptSub({
      name: 'exists',
      arity: -3,
      flags: ['noscript'],
      tips: ['request_policy:all_shards', 'response_policy:agg_logical_and'],
      handler: (ctx, argv) => {
        ctx.reply.array(argv.length - 2);
        for (let i = 2; i < argv.length; i++) {
          ctx.reply.integer(ctx.server.scripting.exists(argv[i]) ? 1 : 0);
        }
      },
    }),
    scriptSub({
      name: 'flush',
      arity: -2,
      flags: ['noscript'],
      tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
      handler: (ctx, argv) => {
        if (!validFlushMode(argv)) return ctx.reply.error(Err.scriptFlushOption);
        ctx.server.scripting.flush();
        ctx.reply.ok();
      },
    }),
    scriptSub({
      name: 'help',
      arity: 2,
      flags: ['loading', 'stale'],
      handler: (ctx, argv) => replyHelp(ctx, argv[0], SCRIPT_HELP),
    }),
    scriptSub({
      name: 'kill',
      arity: 2,
      flags: ['noscript', 'allow_busy'],
      tips: ['request_policy:all_shards', 'response_policy:one_succeeded'],
      handler: (ctx) => scriptKill(ctx, true),
    }),
    scriptSub({
      name: 'load',
      arity: 3,
      flags: ['noscript', 'stale'],
      tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
      handler: (ctx, argv) => {
        const loaded = ctx.server.scripting.load(argv[2]);
        if (typeof loaded === 'string') ctx.reply.error(loaded);
        else ctx.reply.bulk(loaded.sha);
      },
    }),
  ],
});

export { scriptKill };

export const scriptingCommands: CommandSpec[] = [
  evalCommand('eval', false, false),
  evalCommand('evalsha', true, false),
  evalCommand('eval_ro', false, true),
  evalCommand('evalsha_ro', true, true),
  script,
];
