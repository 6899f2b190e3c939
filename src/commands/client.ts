/**
 * CLIENT and its subcommands, as Redis 7.0 (plus SETINFO and NO-TOUCH from 7.2). Listing and
 * formatting are in client-list.ts, KILL's filters in client-kill.ts.
 */
import {
  defineCommand,
  type CommandFlag,
  type CommandSpec,
  type Handler,
} from '../dispatch/command.js';
import { ReplyError, type CommandContext } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { parseInt64 } from '../dispatch/numbers.js';
import type { ClientView, PauseState, ServerServices } from '../dispatch/services.js';
import { clientKill } from './client-kill.js';
import { clientTrackingCommands } from './client-tracking.js';
import { clientInfoLine, clientType, clientTypeByName } from './client-list.js';
import { replyHelp } from './help.js';
import { optionName } from './string-common.js';

const HELP = [
  'CACHING (YES|NO)',
  '    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.',
  'GETREDIR',
  '    Return the client ID we are redirecting to when tracking is enabled.',
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'UNPAUSE',
  '    Stop the current client pause, resuming traffic.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Suspend all, or just write, clients for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]',
  '         [OPTIN] [OPTOUT] [NOLOOP]',
  '    Control server assisted client side caching.',
  'TRACKINGINFO',
  '    Report tracking status for the current connection.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
];

interface SubOptions {
  /** Flags beyond those every CLIENT subcommand has ('admin' ...). */
  flags?: CommandFlag[];
  tips?: string[];
}

/** A CLIENT subcommand: they all share the noscript, loading and stale flags. */
function sub(name: string, arity: number, handler: Handler, options: SubOptions = {}): CommandSpec {
  return defineCommand({
    name,
    arity,
    flags: [...(options.flags ?? []), 'noscript', 'loading', 'stale'],
    acl: ['connection'],
    tips: options.tips,
    handler,
  });
}

/**
 * Sets the client's name ('' removes it). Refuses anything but printable ASCII without spaces,
 * which would break CLIENT LIST's format.
 */
export function setClientName(ctx: CommandContext, name: string): void {
  if (!isListSafe(name)) throw new ReplyError(Err.clientNameChars);
  ctx.client.name = name;
}

/** Bytes '!' to '~' only: what a CLIENT LIST field value may hold. */
function isListSafe(value: string): boolean {
  return /^[!-~]*$/.test(value);
}

/** ON or OFF, as CLIENT NO-EVICT and NO-TOUCH take it. */
function parseOnOff(arg: string): boolean {
  const value = optionName(arg);
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new ReplyError(Err.syntax);
}

function clientList(ctx: CommandContext, argv: string[]): void {
  let views: ClientView[];
  if (argv.length === 4 && optionName(argv[2]) === 'type') {
    const type = clientTypeByName(argv[3]);
    if (type === null) throw new ReplyError(Err.unknownClientType(argv[3]));
    views = [...ctx.server.clients()].filter((view) => clientType(view) === type);
  } else if (argv.length > 3 && optionName(argv[2]) === 'id') {
    const ids = argv.slice(3).map((arg) => {
      const id = parseInt64(arg);
      if (id === null) throw new ReplyError(Err.invalidClientId);
      return Number(id);
    });
    views = ids.flatMap((id) => ctx.server.clientById(id) ?? []);
  } else if (argv.length === 2) {
    views = [...ctx.server.clients()];
  } else {
    throw new ReplyError(Err.syntax);
  }
  ctx.reply.verbatim(views.map((view) => clientInfoLine(ctx, view, argv) + '\n').join(''));
}

function clientInfo(ctx: CommandContext, argv: string[]): void {
  const self = ctx.server.clientById(ctx.client.id);
  ctx.reply.verbatim(self === undefined ? '' : clientInfoLine(ctx, self, argv) + '\n');
}

/** CLIENT REPLY: OFF silences every reply, SKIP the next command's; ON replies again. */
function clientReply(ctx: CommandContext, argv: string[]): void {
  const client = ctx.client;
  const mode = optionName(argv[2]);
  if (mode === 'on') {
    client.replyMode = 'on';
    ctx.reply.ok();
  } else if (mode === 'off') {
    client.replyMode = 'off';
  } else if (mode === 'skip') {
    if (client.replyMode !== 'off') client.replyMode = 'skip-next';
  } else {
    throw new ReplyError(Err.syntax);
  }
}

/** CLIENT PAUSE timeout [WRITE|ALL]: a pause already running keeps its later end and ALL mode. */
function clientPause(ctx: CommandContext, argv: string[]): void {
  if (argv.length > 4) throw new ReplyError(Err.subcommandSyntax(argv[1], argv[0]));
  let mode: PauseState['mode'] = 'all';
  if (argv.length === 4) {
    const option = optionName(argv[3]);
    if (option !== 'write' && option !== 'all') throw new ReplyError(Err.pauseMode);
    mode = option;
  }
  const timeout = parseInt64(argv[2]);
  if (timeout === null) throw new ReplyError(Err.timeoutNotInteger);
  if (timeout < 0n) throw new ReplyError(Err.timeoutNegative);
  // Redis adds the time to the timeout in 64 bits: a huge timeout wraps to an end in the past.
  const until = timeout === 0n ? 0 : Number(BigInt.asIntN(64, timeout + BigInt(ctx.now)));
  pauseClients(ctx.server, mode, until, ctx.now);
  ctx.reply.ok();
}

function pauseClients(
  server: ServerServices,
  mode: PauseState['mode'],
  until: number,
  now: number,
): void {
  const running = server.pause !== null && server.pause.until > now ? server.pause : null;
  server.pause = {
    mode: running?.mode === 'all' ? 'all' : mode,
    until: Math.max(running?.until ?? until, until),
  };
}

function clientUnpause(ctx: CommandContext): void {
  ctx.server.unpause();
  ctx.reply.ok();
}

/** CLIENT UNBLOCK id [TIMEOUT|ERROR]: ends the wait of a client blocked on keys; 1 if it was. */
function clientUnblock(ctx: CommandContext, argv: string[]): void {
  if (argv.length > 4) throw new ReplyError(Err.subcommandSyntax(argv[1], argv[0]));
  let withError = false;
  if (argv.length === 4) {
    const reason = optionName(argv[3]);
    if (reason !== 'timeout' && reason !== 'error') throw new ReplyError(Err.unblockReason);
    withError = reason === 'error';
  }
  const id = parseInt64(argv[2]);
  if (id === null) throw new ReplyError(Err.notInteger);
  ctx.reply.integer(ctx.server.blocking.unblock(Number(id), withError) ? 1 : 0);
}

/** CLIENT NO-EVICT ON|OFF: exempts this client from client eviction (maxmemory-clients). */
function clientNoEvict(ctx: CommandContext, argv: string[]): void {
  ctx.client.noEvict = parseOnOff(argv[2]);
  ctx.reply.ok();
}

/** CLIENT NO-TOUCH ON|OFF (Redis 7.2): this client's reads leave the keys' LRU/LFU alone. */
function clientNoTouch(ctx: CommandContext, argv: string[]): void {
  ctx.client.noTouch = parseOnOff(argv[2]);
  ctx.reply.ok();
}

/** CLIENT SETINFO LIB-NAME|LIB-VER value (Redis 7.2); an empty value clears it. */
function clientSetInfo(ctx: CommandContext, argv: string[]): void {
  const attribute = optionName(argv[2]);
  if (attribute !== 'lib-name' && attribute !== 'lib-ver') {
    throw new ReplyError(Err.unrecognizedOption(argv[2]));
  }
  const value = argv[3];
  if (!isListSafe(value)) throw new ReplyError(Err.clientAttrChars(argv[2]));
  if (attribute === 'lib-name') ctx.client.libName = value;
  else ctx.client.libVer = value;
  ctx.reply.ok();
}

export const client = defineCommand({
  name: 'client',
  arity: -2,
  flags: [],
  subcommands: [
    sub('id', 2, (ctx) => ctx.reply.integer(ctx.client.id)),
    sub('info', 2, clientInfo, { tips: ['nondeterministic_output'] }),
    sub('list', -2, clientList, { flags: ['admin'], tips: ['nondeterministic_output'] }),
    sub('kill', -3, clientKill, { flags: ['admin'] }),
    sub('setname', 3, (ctx, argv) => {
      setClientName(ctx, argv[2]);
      ctx.reply.ok();
    }),
    sub('getname', 2, (ctx) => {
      if (ctx.client.name === '') ctx.reply.nullBulk();
      else ctx.reply.bulk(ctx.client.name);
    }),
    sub('setinfo', 4, clientSetInfo, { flags: ['sentinel'] }),
    sub('reply', 3, clientReply),
    sub('pause', -3, clientPause, { flags: ['admin'] }),
    sub('unpause', 2, clientUnpause, { flags: ['admin'] }),
    sub('no-evict', 3, clientNoEvict, { flags: ['admin'] }),
    sub('no-touch', 3, clientNoTouch),
    ...clientTrackingCommands,
    sub('unblock', -3, clientUnblock, { flags: ['admin'] }),
    defineCommand({
      name: 'help',
      arity: 2,
      flags: ['loading', 'stale'],
      acl: ['connection'],
      handler: (ctx, argv) => replyHelp(ctx, argv[0], HELP),
    }),
  ],
});

export const clientCommands: CommandSpec[] = [client];
