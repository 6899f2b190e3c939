/** Connection commands: PING, ECHO, QUIT, SELECT, AUTH, HELLO, RESET. (CLIENT is in client.ts.) */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import { ReplyError, type CommandContext } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { parseInt64, parseInteger } from '../dispatch/numbers.js';
import { REDIS_VERSION } from '../server/info.js';
import { setClientName } from './client.js';
import { clientInfoLine } from './client-list.js';
import { optionName } from './string-common.js';

export const ping = defineCommand({
  name: 'ping',
  arity: -1,
  flags: ['fast', 'sentinel'],
  acl: ['connection'],
  tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
  handler: (ctx, argv) => {
    if (argv.length > 2) return ctx.reply.error(Err.wrongArity('ping'));
    if (ctx.client.subscriptions !== null && ctx.reply.resp === 2) {
      // A subscribed RESP2 client reads messages: the pong comes as one, ["pong", argument].
      ctx.reply.array(2);
      ctx.reply.bulk('pong');
      ctx.reply.bulk(argv.length === 2 ? argv[1] : '');
    } else if (argv.length === 2) {
      ctx.reply.bulk(argv[1]);
    } else {
      ctx.reply.status('PONG');
    }
  },
});

export const echo = defineCommand({
  name: 'echo',
  arity: 2,
  flags: ['loading', 'stale', 'fast'],
  acl: ['connection'],
  handler: (ctx, argv) => ctx.reply.bulk(argv[1]),
});

export const quit = defineCommand({
  name: 'quit',
  arity: -1,
  flags: ['allow_busy', 'noscript', 'loading', 'stale', 'fast', 'no_auth'],
  acl: ['connection'],
  handler: (ctx) => {
    ctx.reply.ok();
    ctx.client.closeAfterReply = true;
  },
});

export const select = defineCommand({
  name: 'select',
  arity: 2,
  flags: ['loading', 'stale', 'fast'],
  acl: ['connection'],
  handler: (ctx, argv) => {
    const index = parseInteger(argv[1]);
    if (index === null) throw new ReplyError(Err.notInteger);
    if (index > 2147483647 || index < -2147483648) {
      throw new ReplyError(Err.valueOutOfRange(-2147483648, 2147483647));
    }
    if (index < 0 || index >= ctx.keyspace.dbs.length) throw new ReplyError(Err.invalidDbIndex);
    ctx.selectDb(index);
    ctx.reply.ok();
  },
});

export const auth = defineCommand({
  name: 'auth',
  arity: -2,
  flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'sentinel', 'allow_busy'],
  acl: ['connection'],
  handler: (ctx, argv) => {
    if (argv.length > 3) throw new ReplyError(Err.syntax);
    // The one-argument form is the password of `default`, and an error when it has none.
    if (argv.length === 2 && ctx.server.acl.defaultUser.nopass) {
      throw new ReplyError(Err.authNotConfigured);
    }
    const [username, password] = argv.length === 2 ? ['default', argv[1]] : [argv[1], argv[2]];
    if (!authenticate(ctx, argv, username, password)) throw new ReplyError(Err.wrongPass);
    ctx.reply.ok();
  },
});

export const hello = defineCommand({
  name: 'hello',
  arity: -1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'sentinel', 'allow_busy'],
  acl: ['connection'],
  handler: (ctx, argv) => {
    let protocol: 2 | 3 | null = null;
    if (argv.length >= 2) {
      const version = parseInt64(argv[1]);
      if (version === null) throw new ReplyError(Err.protocolVersion);
      if (version !== 2n && version !== 3n) throw new ReplyError(Err.noProto);
      protocol = version === 2n ? 2 : 3;
    }
    // Redis applies AUTH and SETNAME as it meets them: an error in a later option leaves the
    // earlier ones done. Only the protocol switch waits for the whole command to succeed.
    for (let i = 2; i < argv.length; i++) {
      const more = argv.length - 1 - i;
      const option = optionName(argv[i]);
      if (option === 'auth' && more >= 2) {
        if (!authenticate(ctx, argv, argv[i + 1], argv[i + 2])) {
          throw new ReplyError(Err.wrongPass);
        }
        i += 2;
      } else if (option === 'setname' && more >= 1) {
        setClientName(ctx, argv[++i]);
      } else {
        throw new ReplyError(Err.helloOption(argv[i]));
      }
    }
    if (!ctx.client.authenticated) throw new ReplyError(Err.helloNoAuth);
    if (protocol !== null) ctx.reply.resp = protocol;
    replyServerHello(ctx);
  },
});

export const reset = defineCommand({
  name: 'reset',
  arity: 1,
  flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'],
  acl: ['connection'],
  handler: (ctx) => {
    resetConnection(ctx);
    ctx.reply.status('RESET');
  },
});

/**
 * Makes the client that user when the password is right (Redis's ACLAuthenticateUser); a failure
 * goes to ACL LOG.
 */
function authenticate(
  ctx: CommandContext,
  argv: string[],
  username: string,
  password: string,
): boolean {
  const acl = ctx.server.acl;
  const user = acl.authenticate(username, password);
  if (user === null) {
    const info = clientInfoLine(ctx, ctx.server.clientById(ctx.client.id)!, argv);
    const context = ctx.client.multi !== null ? 'multi' : 'toplevel';
    const time = ctx.keyspace.clock.now();
    acl.log.add({ reason: 'auth', context, object: argv[0], username, time, clientInfo: info });
    return false;
  }
  ctx.client.authenticated = true;
  ctx.client.aclUser = user;
  return true;
}

/** HELLO's map: who we are, the protocol now in use, this client's id. */
function replyServerHello(ctx: CommandContext): void {
  const reply = ctx.reply;
  reply.map(7);
  reply.bulk('server');
  reply.bulk('redis');
  reply.bulk('version');
  reply.bulk(REDIS_VERSION);
  reply.bulk('proto');
  reply.integer(reply.resp);
  reply.bulk('id');
  reply.integer(ctx.client.id);
  reply.bulk('mode');
  reply.bulk('standalone');
  reply.bulk('role');
  reply.bulk('master');
  reply.bulk('modules');
  reply.array(0);
}

/**
 * RESET, as Redis 7.0's clearClientConnectionState: database 0, RESP2, the default user (and
 * unauthenticated if it has a password), no name, no transaction or watched keys, no tracking, no
 * subscriptions, replies on.
 * CLIENT NO-EVICT stays, as in 7.0; NO-TOUCH (a 7.2 flag) is cleared, as in 7.2.
 */
function resetConnection(ctx: CommandContext): void {
  const client = ctx.client;
  ctx.server.tracking.disable(client);
  ctx.selectDb(0);
  ctx.reply.resp = 2;
  client.aclUser = ctx.server.acl.defaultUser;
  client.authenticated = ctx.server.defaultUserNoPass();
  client.multi = null;
  client.multiError = false;
  ctx.server.watches.unwatchAll(client);
  client.watchDirty = false;
  ctx.server.pubsub.unsubscribeAll(client);
  ctx.server.stopMonitoring(client);
  client.name = '';
  client.noTouch = false;
  // A CLIENT REPLY SKIP given just before still silences this very reply.
  if (client.replyMode !== 'skip') client.replyMode = 'on';
}

export const connectionCommands: CommandSpec[] = [ping, echo, quit, select, auth, hello, reset];
