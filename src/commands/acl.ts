/**
 * ACL and its subcommands: SETUSER, GETUSER, DELUSER, LIST, USERS, WHOAMI, CAT, GENPASS, LOG,
 * DRYRUN, LOAD, SAVE, HELP. The users and the checks live in src/acl/.
 */
import { randomBytes } from 'node:crypto';
import { loadAclFile, saveAclFile } from '../acl/acl-file.js';
import { categoryBit, type IndexedCommand } from '../acl/command-index.js';
import {
  describeChannels,
  describeCommandRules,
  describeKeys,
  describeUser,
  userFlags,
} from '../acl/describe.js';
import type { Selector } from '../acl/selector.js';
import { hasSpaces } from '../acl/selector.js';
import { ACL_CATEGORIES, defineCommand, type CommandSpec } from '../dispatch/command.js';
import { ReplyError, type CommandContext } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { parseInt64 } from '../dispatch/numbers.js';
import { replyHelp } from './help.js';

const ADMIN = ['admin', 'noscript', 'loading', 'stale'] as const;
const GENPASS_MAX_BITS = 4096;

const HELP = [
  'CAT [<category>]',
  '    List all commands that belong to <category>, or all command categories',
  '    when no category is specified.',
  'DELUSER <username> [<username> ...]',
  '    Delete a list of users.',
  'DRYRUN <username> <command> [<arg> ...]',
  '    Returns whether the user can execute the given command without executing the command.',
  'GETUSER <username>',
  "    Get the user's details.",
  'GENPASS [<bits>]',
  '    Generate a secure 256-bit user password. The optional `bits` argument can',
  '    be used to specify a different size.',
  'LIST',
  '    Show users details in config file format.',
  'LOAD',
  '    Reload users from the ACL file.',
  'LOG [<count> | RESET]',
  '    Show the ACL log entries.',
  'SAVE',
  '    Save the current config to the ACL file.',
  'SETUSER <username> <attribute> [<attribute> ...]',
  '    Create or modify a user with the specified attributes.',
  'USERS',
  '    List all the registered usernames.',
  'WHOAMI',
  '    Return the current connection username.',
];

export const acl = defineCommand({
  name: 'acl',
  arity: -2,
  flags: [],
  subcommands: [
    { name: 'setuser', arity: -3, flags: [...ADMIN], handler: setUser },
    { name: 'getuser', arity: 3, flags: [...ADMIN], handler: getUser },
    { name: 'deluser', arity: -3, flags: [...ADMIN], handler: deleteUsers },
    { name: 'list', arity: 2, flags: [...ADMIN], handler: (ctx) => listUsers(ctx, false) },
    { name: 'users', arity: 2, flags: [...ADMIN], handler: (ctx) => listUsers(ctx, true) },
    {
      name: 'whoami',
      arity: 2,
      flags: ['noscript', 'loading', 'stale'],
      handler: (ctx) => ctx.reply.bulk(ctx.client.user),
    },
    { name: 'cat', arity: -2, flags: ['noscript', 'loading', 'stale'], handler: category },
    { name: 'genpass', arity: -2, flags: ['noscript', 'loading', 'stale'], handler: genpass },
    { name: 'log', arity: -2, flags: [...ADMIN], handler: showLog },
    { name: 'dryrun', arity: -4, flags: [...ADMIN], handler: dryrun },
    { name: 'load', arity: 2, flags: [...ADMIN], handler: load },
    { name: 'save', arity: 2, flags: [...ADMIN], handler: save },
    {
      name: 'help',
      arity: 2,
      flags: ['loading', 'stale'],
      handler: (ctx, argv) => replyHelp(ctx, argv[0], HELP),
    },
  ],
});

function setUser(ctx: CommandContext, argv: string[]): void {
  if (hasSpaces(argv[2])) throw new ReplyError(Err.aclUsernameSpaces);
  const error = ctx.server.acl.setUser(argv[2], argv.slice(3), ctx.client);
  if (error !== null) throw new ReplyError(error);
  ctx.reply.ok();
}

function getUser(ctx: CommandContext, argv: string[]): void {
  const user = ctx.server.acl.get(argv[2]);
  if (user === undefined) return ctx.reply.nullBulk();
  const reply = ctx.reply;
  reply.map(6);
  reply.bulk('flags');
  const flags = userFlags(user);
  reply.set(flags.length);
  for (const flag of flags) reply.bulk(flag);
  reply.bulk('passwords');
  reply.array(user.passwords.length);
  for (const hash of user.passwords) reply.bulk(hash);
  replySelector(ctx, user.root);
  reply.bulk('selectors');
  reply.array(user.selectors.length - 1);
  for (const selector of user.selectors.slice(1)) {
    reply.map(3);
    replySelector(ctx, selector);
  }
}

/** A selector's commands, keys and channels fields. */
function replySelector(ctx: CommandContext, selector: Selector): void {
  ctx.reply.bulk('commands');
  ctx.reply.bulk(describeCommandRules(selector));
  ctx.reply.bulk('keys');
  ctx.reply.bulk(describeKeys(selector));
  ctx.reply.bulk('channels');
  ctx.reply.bulk(describeChannels(selector));
}

function deleteUsers(ctx: CommandContext, argv: string[]): void {
  const names = argv.slice(2);
  if (names.includes('default')) throw new ReplyError(Err.aclDefaultUserUndeletable);
  let deleted = 0;
  for (const name of names) if (ctx.server.acl.deleteUser(name, ctx.client)) deleted++;
  ctx.reply.integer(deleted);
}

function listUsers(ctx: CommandContext, namesOnly: boolean): void {
  const users = ctx.server.acl.all();
  ctx.reply.array(users.length);
  for (const user of users) {
    ctx.reply.bulk(namesOnly ? user.name : `user ${user.name} ${describeUser(user)}`);
  }
}

/** ACL CAT: the categories, or the commands and subcommands of one. */
function category(ctx: CommandContext, argv: string[]): void {
  if (argv.length > 3) throw new ReplyError(Err.subcommandSyntax(argv[1], 'acl'));
  if (argv.length === 2) {
    ctx.reply.array(ACL_CATEGORIES.length);
    for (const name of ACL_CATEGORIES) ctx.reply.bulk(name);
    return;
  }
  const bit = categoryBit(argv[2]);
  if (bit === 0) throw new ReplyError(Err.aclUnknownCategory(argv[2]));
  const names: string[] = [];
  const collect = (level: readonly IndexedCommand[]): void => {
    for (const entry of level) {
      if (entry.categories & bit) names.push(entry.command.fullName);
      collect(entry.subcommands);
    }
  };
  collect(ctx.server.acl.index.topLevel);
  ctx.reply.array(names.length);
  for (const name of names) ctx.reply.bulk(name);
}

/** ACL GENPASS [bits]: hex digits of a cryptographically random password. */
function genpass(ctx: CommandContext, argv: string[]): void {
  if (argv.length > 3) throw new ReplyError(Err.subcommandSyntax(argv[1], 'acl'));
  let bits = 256;
  if (argv.length === 3) {
    const parsed = parseInt64(argv[2]);
    if (parsed === null) throw new ReplyError(Err.notInteger);
    if (parsed <= 0n || parsed > BigInt(GENPASS_MAX_BITS)) throw new ReplyError(Err.aclGenpassBits);
    bits = Number(parsed);
  }
  const chars = Math.floor((bits + 3) / 4);
  // Passwords need a cryptographic source, not the server's (seedable) random().
  ctx.reply.bulk(
    randomBytes(Math.ceil(chars / 2))
      .toString('hex')
      .slice(0, chars),
  );
}

/** ACL LOG [count | RESET]. */
function showLog(ctx: CommandContext, argv: string[]): void {
  if (argv.length > 3) throw new ReplyError(Err.subcommandSyntax(argv[1], 'acl'));
  const log = ctx.server.acl.log;
  let count = 10;
  if (argv.length === 3) {
    if (argv[2].toLowerCase() === 'reset') {
      log.reset();
      return ctx.reply.ok();
    }
    const parsed = parseInt64(argv[2]);
    if (parsed === null) throw new ReplyError(Err.notInteger);
    count = parsed < 0n ? 0 : Number(parsed > 1_000_000n ? 1_000_000n : parsed);
  }
  const entries = log.entries.slice(0, count);
  const reply = ctx.reply;
  const now = ctx.keyspace.clock.now();
  reply.array(entries.length);
  for (const entry of entries) {
    reply.map(7);
    reply.bulk('count');
    reply.integer(entry.count);
    reply.bulk('reason');
    reply.bulk(entry.reason);
    reply.bulk('context');
    reply.bulk(entry.context);
    reply.bulk('object');
    reply.bulk(entry.object);
    reply.bulk('username');
    reply.bulk(entry.username);
    reply.bulk('age-seconds');
    reply.double((now - entry.time) / 1000);
    reply.bulk('client-info');
    reply.bulk(entry.clientInfo);
  }
}

/** ACL DRYRUN user command [arg ...]: OK, or why the user could not run it (a bulk string). */
function dryrun(ctx: CommandContext, argv: string[]): void {
  const acl = ctx.server.acl;
  const user = acl.get(argv[2]);
  if (user === undefined) throw new ReplyError(Err.aclDryrunNoUser(argv[2]));
  const commandArgv = argv.slice(3);
  const command = ctx.server.commands.lookup(commandArgv);
  if (command === undefined) throw new ReplyError(Err.aclDryrunNoCommand(argv[3]));
  const arity = command.arity;
  if ((arity > 0 && commandArgv.length !== arity) || commandArgv.length < -arity) {
    throw new ReplyError(Err.wrongArity(command.fullName));
  }
  const denial = acl.check(user, command, commandArgv);
  if (denial === null) return ctx.reply.ok();
  const object = commandArgv[denial.index];
  ctx.reply.bulk(
    denial.reason === 'command'
      ? `This user has no permissions to run the '${command.fullName}' command`
      : `This user has no permissions to access the '${object}' ${denial.reason}`,
  );
}

function load(ctx: CommandContext): void {
  const path = ctx.server.config.get('aclfile')!;
  if (path === '') throw new ReplyError(Err.aclNoFile);
  const error = loadAclFile(ctx.server.acl, path, ctx.client);
  if (error !== null) throw new ReplyError(`ERR ${error}`);
  ctx.reply.ok();
}

function save(ctx: CommandContext): void {
  const path = ctx.server.config.get('aclfile')!;
  if (path === '') throw new ReplyError(Err.aclNoFile);
  if (!saveAclFile(ctx.server.acl, path, ctx.keyspace.clock.now())) {
    throw new ReplyError(Err.aclSaveFailed);
  }
  ctx.reply.ok();
}

export const aclCommands: CommandSpec[] = [acl];
