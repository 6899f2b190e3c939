/**
 * COMMAND and its subcommands: the server describing its own command table. INFO, COUNT, LIST and
 * GETKEYS answer from the declarations (arity, flags, ACL categories, key specs, tips); DOCS from
 * Redis's documentation (docs.ts). Replies are shaped as Redis 7.0's (server.c).
 */
import {
  defineCommand,
  ACL_CATEGORIES,
  type CommandSpec,
  type KeySpec,
  type KeySpecFlag,
} from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { commandHasKeys, commandKeys } from '../dispatch/keys.js';
import type { Command } from '../dispatch/table.js';
import { globMatch } from '../keyspace/glob.js';
import type { ReplyWriter } from '../resp/reply.js';
import { commandDocs, writeDocs, type CommandDocs } from './docs.js';
import { replyHelp } from './help.js';

/** Key spec flags in the order Redis prints them, with their printed names. */
const KEY_FLAG_NAMES: readonly (readonly [KeySpecFlag, string])[] = [
  ['RO', 'RO'],
  ['RW', 'RW'],
  ['OW', 'OW'],
  ['RM', 'RM'],
  ['ACCESS', 'access'],
  ['UPDATE', 'update'],
  ['INSERT', 'insert'],
  ['DELETE', 'delete'],
  ['NOT_KEY', 'not_key'],
  ['INCOMPLETE', 'incomplete'],
  ['VARIABLE_FLAGS', 'variable_flags'],
];

/** Redis's addReplyCommandFlags: a set of simple strings. */
function writeFlagSet(reply: ReplyWriter, names: readonly string[]): void {
  reply.set(names.length);
  for (const name of names) reply.status(name);
}

function writeKeyFlags(reply: ReplyWriter, flags: readonly KeySpecFlag[]): void {
  writeFlagSet(
    reply,
    KEY_FLAG_NAMES.filter(([flag]) => flags.includes(flag)).map(([, name]) => name),
  );
}

/** A map of `type` and `spec`, the shape of begin_search and find_keys. */
function writeSearchStep(
  reply: ReplyWriter,
  type: string,
  fields: readonly (readonly [string, string | number])[],
): void {
  reply.map(2);
  reply.bulk('type');
  reply.bulk(type);
  reply.bulk('spec');
  reply.map(fields.length);
  for (const [name, value] of fields) {
    reply.bulk(name);
    if (typeof value === 'number') reply.integer(value);
    else reply.bulk(value);
  }
}

function writeKeySpec(reply: ReplyWriter, spec: KeySpec): void {
  reply.map(spec.notes === undefined ? 3 : 4);
  if (spec.notes !== undefined) {
    reply.bulk('notes');
    reply.bulk(spec.notes);
  }
  reply.bulk('flags');
  writeKeyFlags(reply, spec.flags);
  reply.bulk('begin_search');
  const begin = spec.begin;
  if ('index' in begin) writeSearchStep(reply, 'index', [['index', begin.index]]);
  else if ('keyword' in begin) {
    writeSearchStep(reply, 'keyword', [
      ['keyword', begin.keyword],
      ['startfrom', begin.startFrom],
    ]);
  } else writeSearchStep(reply, 'unknown', []);
  reply.bulk('find_keys');
  const find = spec.find;
  if ('range' in find) {
    const { lastKey, keyStep, limit } = find.range;
    writeSearchStep(reply, 'range', [
      ['lastkey', lastKey],
      ['keystep', keyStep],
      ['limit', limit],
    ]);
  } else if ('keyNum' in find) {
    const { keyNumIdx, firstKey, keyStep } = find.keyNum;
    writeSearchStep(reply, 'keynum', [
      ['keynumidx', keyNumIdx],
      ['firstkey', firstKey],
      ['keystep', keyStep],
    ]);
  } else writeSearchStep(reply, 'unknown', []);
}

/** Redis's addReplyCommandInfo: the 10-element description of a command, or nil. */
function writeInfo(reply: ReplyWriter, command: Command | undefined): void {
  if (command === undefined) return reply.nullBulk();
  reply.array(10);
  reply.bulk(command.fullName);
  reply.integer(command.arity);
  writeFlagSet(reply, command.infoFlags());
  reply.integer(command.firstKey);
  reply.integer(command.lastKey);
  reply.integer(command.keyStep);
  const categories = command.aclCategories.map((category) => '@' + category);
  writeFlagSet(reply, categories);
  reply.set(command.tips.length);
  for (const tip of command.tips) reply.bulk(tip);
  reply.set(command.keySpecs.length);
  for (const spec of command.keySpecs) writeKeySpec(reply, spec);
  if (command.subcommands === null) return reply.set(0);
  reply.array(command.subcommands.size);
  for (const sub of command.subcommands.values()) writeInfo(reply, sub);
}

function replyAllInfo(ctx: CommandContext): void {
  const commands = ctx.server.commands;
  ctx.reply.array(commands.size);
  for (const command of commands.all()) writeInfo(ctx.reply, command);
}

/** What COMMAND DOCS tells of one command: Redis's docs, with those of the subcommands it has. */
interface DocsEntry {
  fullName: string;
  docs: CommandDocs;
  subcommands: [string, CommandDocs][] | null;
}

function docsEntry(command: Command | undefined): DocsEntry[] {
  const docs = command && commandDocs(command.fullName);
  if (command === undefined || docs === undefined) return [];
  const subcommands =
    command.subcommands &&
    [...command.subcommands.values()].flatMap((sub): [string, CommandDocs][] => {
      const subDocs = commandDocs(sub.fullName);
      return subDocs === undefined ? [] : [[sub.fullName, subDocs]];
    });
  return [{ fullName: command.fullName, docs, subcommands }];
}

/** A map of name -> docs for the commands found (unknown names are left out, as in Redis). */
function replyDocs(ctx: CommandContext, commands: Iterable<Command | undefined>): void {
  const entries = [...commands].flatMap(docsEntry);
  ctx.reply.map(entries.length);
  for (const { fullName, docs, subcommands } of entries) {
    ctx.reply.bulk(fullName);
    writeDocs(ctx.reply, docs, subcommands);
  }
}

/**
 * COMMAND LIST's filter: none, or FILTERBY MODULE|ACLCAT|PATTERN with its argument (Redis accepts
 * exactly one FILTERBY, at the end).
 */
function listFilter(argv: string[]): ((command: Command) => boolean) | null {
  if (argv.length === 2) return null;
  if (argv.length !== 5 || argv[2].toLowerCase() !== 'filterby') throw new ReplyError(Err.syntax);
  const value = argv[4];
  switch (argv[3].toLowerCase()) {
    case 'module':
      // Kvik loads no modules.
      return () => false;
    case 'aclcat': {
      const category = ACL_CATEGORIES.find((c) => c === value.toLowerCase());
      return (command) => category !== undefined && command.aclCategories.includes(category);
    }
    case 'pattern':
      return (command) => globMatch(value, command.fullName, true);
    default:
      throw new ReplyError(Err.syntax);
  }
}

/** Every command then its subcommands, as Redis walks its table for COMMAND LIST. */
function* withSubcommands(commands: Iterable<Command>): Generator<Command> {
  for (const command of commands) {
    yield command;
    if (command.subcommands !== null) yield* command.subcommands.values();
  }
}

/** COMMAND GETKEYS and GETKEYSANDFLAGS: the keys of the command in argv[2..]. */
function replyKeys(ctx: CommandContext, argv: string[], withFlags: boolean): void {
  const target = argv.slice(2);
  const command = ctx.server.commands.lookup(target);
  if (command === undefined) throw new ReplyError(Err.invalidCommandSpecified);
  if (!commandHasKeys(command)) throw new ReplyError(Err.noKeyArguments);
  const arity = command.arity;
  if ((arity > 0 && target.length !== arity) || target.length < -arity) {
    throw new ReplyError(Err.invalidCommandArgCount);
  }
  const keys = commandKeys(command, target);
  if (keys.length === 0 && !command.flags.has('no_mandatory_keys')) {
    throw new ReplyError(Err.invalidCommandArgs);
  }
  ctx.reply.array(keys.length);
  for (const key of keys) {
    if (!withFlags) {
      ctx.reply.bulk(target[key.index]);
      continue;
    }
    ctx.reply.array(2);
    ctx.reply.bulk(target[key.index]);
    writeKeyFlags(ctx.reply, key.flags);
  }
}

const HELP = [
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
];

const ORDER_TIP = ['nondeterministic_output_order'];

function subcommand(spec: Omit<CommandSpec, 'flags' | 'acl'>): CommandSpec {
  return defineCommand({ flags: ['loading', 'stale'], acl: ['connection'], ...spec });
}

export const command = defineCommand({
  name: 'command',
  arity: -1,
  flags: ['loading', 'stale'],
  acl: ['connection'],
  tips: ORDER_TIP,
  handler: replyAllInfo,
  subcommands: [
    subcommand({
      name: 'count',
      arity: 2,
      handler: (ctx) => ctx.reply.integer(ctx.server.commands.size),
    }),
    subcommand({
      name: 'docs',
      arity: -2,
      tips: ORDER_TIP,
      handler: (ctx, argv) => {
        const table = ctx.server.commands;
        if (argv.length === 2) replyDocs(ctx, table.all());
        else
          replyDocs(
            ctx,
            argv.slice(2).map((name) => table.lookupFullName(name)),
          );
      },
    }),
    subcommand({
      name: 'getkeys',
      arity: -4,
      handler: (ctx, argv) => replyKeys(ctx, argv, false),
    }),
    subcommand({
      name: 'getkeysandflags',
      arity: -4,
      handler: (ctx, argv) => replyKeys(ctx, argv, true),
    }),
    subcommand({
      name: 'help',
      arity: 2,
      handler: (ctx, argv) => replyHelp(ctx, argv[0], HELP),
    }),
    subcommand({
      name: 'info',
      arity: -2,
      tips: ORDER_TIP,
      handler: (ctx, argv) => {
        if (argv.length === 2) return replyAllInfo(ctx);
        ctx.reply.array(argv.length - 2);
        for (const name of argv.slice(2)) {
          writeInfo(ctx.reply, ctx.server.commands.lookupFullName(name));
        }
      },
    }),
    subcommand({
      name: 'list',
      arity: -2,
      tips: ORDER_TIP,
      handler: (ctx, argv) => {
        const filter = listFilter(argv);
        const names: string[] = [];
        for (const command of withSubcommands(ctx.server.commands.all())) {
          if (filter === null || filter(command)) names.push(command.fullName);
        }
        ctx.reply.bulkArray(names);
      },
    }),
  ],
});

export const commandCommands: CommandSpec[] = [command];
