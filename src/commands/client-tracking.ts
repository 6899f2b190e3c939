/**
 * CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO: client-side caching as Redis 7.0 controls
 * it. What tracking does with the options is the server's Tracking (src/server/tracking.ts).
 */
import { defineCommand, type CommandSpec, type Handler } from '../dispatch/command.js';
import { ReplyError, type CommandContext } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { parseInt64 } from '../dispatch/numbers.js';
import type { TrackingOptions } from '../dispatch/services.js';
import type { ClientState } from '../dispatch/client-state.js';
import { optionName } from './string-common.js';

function sub(name: string, arity: number, handler: Handler): CommandSpec {
  return defineCommand({
    name,
    arity,
    flags: ['noscript', 'loading', 'stale'],
    acl: ['connection'],
    handler,
  });
}

/** The options after ON|OFF, checked one by one as Redis does (a bad REDIRECT fails at once). */
function parseTrackingOptions(ctx: CommandContext, argv: string[]): TrackingOptions {
  const options: TrackingOptions = {
    redirect: 0,
    bcast: false,
    optin: false,
    optout: false,
    noloop: false,
    prefixes: [],
  };
  for (let i = 3; i < argv.length; i++) {
    const option = optionName(argv[i]);
    const more = i < argv.length - 1;
    if (option === 'redirect' && more) {
      if (options.redirect !== 0) throw new ReplyError(Err.trackingRedirectTwice);
      const id = parseInt64(argv[++i]);
      if (id === null) throw new ReplyError(Err.notInteger);
      // The target must exist now, though it may go away later.
      if (ctx.server.clientById(Number(id)) === undefined) {
        throw new ReplyError(Err.trackingRedirectMissing);
      }
      options.redirect = Number(id);
    } else if (option === 'bcast') {
      options.bcast = true;
    } else if (option === 'optin') {
      options.optin = true;
    } else if (option === 'optout') {
      options.optout = true;
    } else if (option === 'noloop') {
      options.noloop = true;
    } else if (option === 'prefix' && more) {
      options.prefixes.push(argv[++i]);
    } else {
      throw new ReplyError(Err.syntax);
    }
  }
  return options;
}

/** Whether the options can apply to the client as it is; throws Redis's refusal. */
function checkTrackingOptions(client: ClientState, options: TrackingOptions): void {
  if (!options.bcast && options.prefixes.length > 0) {
    throw new ReplyError(Err.trackingPrefixWithoutBcast);
  }
  const current = client.tracking?.options;
  if (current !== undefined && current.bcast !== options.bcast) {
    throw new ReplyError(Err.trackingBcastSwitch);
  }
  if (options.bcast && (options.optin || options.optout)) {
    throw new ReplyError(Err.trackingOptInBcast);
  }
  if (options.optin && options.optout) throw new ReplyError(Err.trackingOptInOptOut);
  if ((options.optin && current?.optout) || (options.optout && current?.optin)) {
    throw new ReplyError(Err.trackingOptSwitch);
  }
}

/**
 * Redis's checkPrefixCollisionsOrReply: a new prefix may not be a prefix of one the client has,
 * or of another new one, nor the other way round. Returns the error and whether Redis goes on
 * regardless: it does, after the error, when the clash is between two new prefixes and the first
 * of them is not the first given (it returns the clash's position as its success flag).
 */
function prefixCollision(
  existing: readonly string[],
  added: readonly string[],
): { error: string; fatal: boolean } | null {
  for (let i = 0; i < added.length; i++) {
    for (const old of existing) {
      if (overlaps(old, added[i])) {
        return { error: Err.trackingPrefixOverlap(cString(added[i]), cString(old)), fatal: true };
      }
    }
    for (let j = i + 1; j < added.length; j++) {
      if (overlaps(added[i], added[j])) {
        const error = Err.trackingPrefixOverlapsProvided(cString(added[i]), cString(added[j]));
        return { error, fatal: i === 0 };
      }
    }
  }
  return null;
}

function overlaps(a: string, b: string): boolean {
  return a.length <= b.length ? b.startsWith(a) : a.startsWith(b);
}

/** What C's %s prints of a string: up to its first NUL byte. */
function cString(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

/** CLIENT TRACKING ON|OFF [REDIRECT id] [BCAST] [PREFIX p ...] [OPTIN] [OPTOUT] [NOLOOP]. */
function clientTracking(ctx: CommandContext, argv: string[]): void {
  const options = parseTrackingOptions(ctx, argv);
  const client = ctx.client;
  const mode = optionName(argv[2]);
  if (mode === 'off') {
    ctx.server.tracking.disable(client);
    return ctx.reply.ok();
  }
  if (mode !== 'on') throw new ReplyError(Err.syntax);
  checkTrackingOptions(client, options);
  if (options.bcast) {
    const collision = prefixCollision(client.tracking?.options.prefixes ?? [], options.prefixes);
    if (collision !== null) {
      if (collision.fatal) throw new ReplyError(collision.error);
      ctx.reply.error(collision.error);
    }
  }
  ctx.server.tracking.enable(client, options);
  ctx.reply.ok();
}

/** CLIENT CACHING YES|NO: whether the next command's reads are remembered (OPTIN / OPTOUT). */
function clientCaching(ctx: CommandContext, argv: string[]): void {
  const tracking = ctx.client.tracking;
  if (tracking === null) throw new ReplyError(Err.cachingWithoutOptMode);
  const answer = optionName(argv[2]);
  if (answer === 'yes') {
    if (!tracking.options.optin) throw new ReplyError(Err.cachingYesWithoutOptIn);
  } else if (answer === 'no') {
    if (!tracking.options.optout) throw new ReplyError(Err.cachingNoWithoutOptOut);
  } else {
    throw new ReplyError(Err.syntax);
  }
  tracking.caching = true;
  ctx.reply.ok();
}

/** The client invalidations go to: 0 for itself, -1 when tracking is off. */
export function trackingRedirect(client: ClientState): number {
  return client.tracking === null ? -1 : client.tracking.options.redirect;
}

/** CLIENT LIST's tracking flags, in Redis's order: t, R (broken redirect), B (BCAST). */
export function trackingFlags(client: ClientState): string {
  const tracking = client.tracking;
  if (tracking === null) return '';
  return 't' + (tracking.brokenRedirect ? 'R' : '') + (tracking.options.bcast ? 'B' : '');
}

/** CLIENT TRACKINGINFO: flags (a set), redirect, prefixes. */
function clientTrackingInfo(ctx: CommandContext): void {
  const tracking = ctx.client.tracking;
  const flags = [tracking === null ? 'off' : 'on'];
  if (tracking !== null) {
    const { bcast, optin, optout, noloop } = tracking.options;
    if (bcast) flags.push('bcast');
    if (optin) flags.push(...(tracking.caching ? ['optin', 'caching-yes'] : ['optin']));
    if (optout) flags.push(...(tracking.caching ? ['optout', 'caching-no'] : ['optout']));
    if (noloop) flags.push('noloop');
    if (tracking.brokenRedirect) flags.push('broken_redirect');
  }
  const reply = ctx.reply;
  reply.map(3);
  reply.bulk('flags');
  reply.set(flags.length);
  for (const flag of flags) reply.bulk(flag);
  reply.bulk('redirect');
  reply.integer(trackingRedirect(ctx.client));
  reply.bulk('prefixes');
  reply.bulkArray(tracking?.options.prefixes ?? []);
}

export const clientTrackingCommands: CommandSpec[] = [
  sub('tracking', -3, clientTracking),
  sub('caching', 3, clientCaching),
  sub('getredir', 2, (ctx) => ctx.reply.integer(trackingRedirect(ctx.client))),
  sub('trackinginfo', 2, clientTrackingInfo),
];
