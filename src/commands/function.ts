/** Redis 7 functions: FUNCTION (libraries), FCALL and FCALL_RO. */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { globMatch } from '../keyspace/glob.js';
import { dumpLibraries, parseDump } from '../scripting/function-dump.js';
import type { RestorePolicy } from '../scripting/function-libraries.js';
import { replyHelp } from './help.js';
import {
  RO_NOTES,
  RW_NOTES,
  scriptGetKeys,
  scriptKeySpec,
  scriptKill,
  validFlushMode,
} from './scripting.js';

const FCALL_FLAGS = ['noscript', 'stale', 'skip_monitor', 'no_mandatory_keys'] as const;

function fcallCommand(name: string, readOnly: boolean): CommandSpec {
  return defineCommand({
    name,
    arity: -3,
    flags: readOnly ? ['readonly', ...FCALL_FLAGS] : [...FCALL_FLAGS],
    acl: ['scripting'],
    keySpecs: readOnly
      ? scriptKeySpec(['RO', 'ACCESS'], RO_NOTES)
      : scriptKeySpec(['RW', 'ACCESS', 'UPDATE'], RW_NOTES),
    getKeys: scriptGetKeys,
    handler: (ctx, argv) => ctx.server.scripting.fcall(ctx, argv, readOnly),
  });
}

const FUNCTION_HELP = [
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
];

const ALL_SHARDS = ['request_policy:all_shards', 'response_policy:all_succeeded'];

function functionSub(spec: Omit<CommandSpec, 'acl'>): CommandSpec {
  return defineCommand({ ...spec, acl: ['scripting'] });
}

function functionLoad(ctx: CommandContext, argv: string[]): void {
  let replace = false;
  let at = 2;
  for (; at < argv.length - 1; at++) {
    if (argv[at].toLowerCase() !== 'replace') {
      return ctx.reply.error(`ERR Unknown option given: ${argv[at].split('\0')[0]}`);
    }
    replace = true;
  }
  const loaded = ctx.server.scripting.functions.load(argv[at], replace);
  if (typeof loaded !== 'string') return ctx.reply.error(loaded.error);
  ctx.server.keyspace.dirty++;
  ctx.reply.bulk(loaded);
}

function functionList(ctx: CommandContext, argv: string[]): void {
  let withCode = false;
  let pattern: string | null = null;
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i].toLowerCase();
    if (!withCode && arg === 'withcode') {
      withCode = true;
    } else if (pattern === null && arg === 'libraryname') {
      if (i >= argv.length - 1) return ctx.reply.error(Err.libraryNameMissing);
      pattern = argv[++i];
    } else {
      return ctx.reply.error(Err.functionListArgument(argv[i]));
    }
  }
  const libraries = [...ctx.server.scripting.functions.all()].filter(
    (l) => pattern === null || globMatch(pattern, l.name, true),
  );
  const reply = ctx.reply;
  reply.array(libraries.length);
  for (const library of libraries) {
    reply.map(withCode ? 4 : 3);
    reply.bulk('library_name');
    reply.bulk(library.name);
    reply.bulk('engine');
    reply.bulk('LUA');
    reply.bulk('functions');
    reply.array(library.functions.size);
    for (const fn of library.functions.values()) {
      reply.map(3);
      reply.bulk('name');
      reply.bulk(fn.name);
      reply.bulk('description');
      if (fn.description === null) reply.nullBulk();
      else reply.bulk(fn.description);
      reply.bulk('flags');
      const flags = [...fn.flags];
      reply.set(flags.length);
      for (const flag of flags) reply.status(flag);
    }
    if (withCode) {
      reply.bulk('library_code');
      reply.bulk(library.code);
    }
  }
}

function functionStats(ctx: CommandContext): void {
  const scripting = ctx.server.scripting;
  const reply = ctx.reply;
  reply.map(2);
  reply.bulk('running_script');
  const run = scripting.busyRun;
  if (run === null) {
    reply.nullBulk();
  } else {
    reply.map(3);
    reply.bulk('name');
    reply.bulk(run.options.name);
    reply.bulk('command');
    reply.bulkArray(run.callerArgv);
    reply.bulk('duration_ms');
    reply.integer(run.durationMs);
  }
  reply.bulk('engines');
  reply.map(1);
  reply.bulk('LUA');
  reply.map(2);
  reply.bulk('libraries_count');
  reply.integer(scripting.functions.libraryCount);
  reply.bulk('functions_count');
  reply.integer(scripting.functions.functionCount);
}

function functionRestore(ctx: CommandContext, argv: string[]): void {
  if (argv.length > 4) return ctx.reply.error(Err.subcommandSyntax(argv[1], 'function'));
  let policy: RestorePolicy = 'append';
  if (argv.length === 4) {
    const given = argv[3].toLowerCase();
    if (given !== 'append' && given !== 'replace' && given !== 'flush') {
      return ctx.reply.error(Err.restorePolicy);
    }
    policy = given;
  }
  const codes = parseDump(argv[2], !ctx.server.debug.skipChecksumValidation);
  if (codes === null) return ctx.reply.error(Err.badDumpPayload);
  const error = ctx.server.scripting.functions.restore(codes, policy);
  if (error !== null) return ctx.reply.error(error);
  ctx.server.keyspace.dirty++;
  ctx.reply.ok();
}

export const functionCommand = defineCommand({
  name: 'function',
  arity: -2,
  flags: [],
  subcommands: [
    functionSub({
      name: 'list',
      arity: -2,
      flags: ['noscript'],
      tips: ['nondeterministic_output_order'],
      handler: functionList,
    }),
    functionSub({
      name: 'delete',
      arity: 3,
      flags: ['write', 'noscript'],
      tips: ALL_SHARDS,
      handler: (ctx, argv) => {
        if (!ctx.server.scripting.functions.delete(argv[2]))
          return ctx.reply.error(Err.libraryNotFound);
        ctx.server.keyspace.dirty++;
        ctx.reply.ok();
      },
    }),
    functionSub({
      name: 'flush',
      arity: -2,
      flags: ['write', 'noscript'],
      tips: ALL_SHARDS,
      handler: (ctx, argv) => {
        // Unlike SCRIPT FLUSH, a third argument is a wrong number of arguments.
        if (argv.length > 3) return ctx.reply.error(Err.subcommandSyntax(argv[1], 'function'));
        if (!validFlushMode(argv)) return ctx.reply.error(Err.functionFlushOption);
        ctx.server.scripting.functions.flush();
        ctx.server.keyspace.dirty++;
        ctx.reply.ok();
      },
    }),
    functionSub({
      name: 'help',
      arity: 2,
      flags: ['loading', 'stale'],
      handler: (ctx, argv) => replyHelp(ctx, argv[0], FUNCTION_HELP),
    }),
    functionSub({
      name: 'kill',
      arity: 2,
      flags: ['noscript', 'allow_busy'],
      tips: ['request_policy:all_shards', 'response_policy:one_succeeded'],
      handler: (ctx) => scriptKill(ctx, false),
    }),
    functionSub({
      name: 'load',
      arity: -3,
      flags: ['write', 'denyoom', 'noscript'],
      tips: ALL_SHARDS,
      handler: functionLoad,
    }),
    functionSub({
      name: 'dump',
      arity: 2,
      flags: ['noscript'],
      handler: (ctx) => {
        const codes = [...ctx.server.scripting.functions.all()].map((l) => l.code);
        ctx.reply.bulk(dumpLibraries(codes, ctx.server.config.boolValue('rdbcompression')));
      },
    }),
    functionSub({
      name: 'restore',
      arity: -3,
      flags: ['write', 'denyoom', 'noscript'],
      tips: ALL_SHARDS,
      handler: functionRestore,
    }),
    functionSub({
      name: 'stats',
      arity: 2,
      flags: ['noscript', 'allow_busy'],
      tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
      handler: functionStats,
    }),
  ],
});

export const functionCommands: CommandSpec[] = [
  functionCommand,
  fcallCommand('fcall', false),
  fcallCommand('fcall_ro', true),
];
