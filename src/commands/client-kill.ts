/**
 * CLIENT KILL: the old form `CLIENT KILL addr:port` (+OK or "No such client", and it may kill the
 * caller) and the filter form (ID, TYPE, USER, ADDR, LADDR, SKIPME, and MAXAGE from Redis 7.4),
 * which replies with the number of clients killed. Every filter given must match.
 */
import { ReplyError, type CommandContext } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { parseInt64 } from '../dispatch/numbers.js';
import type { ClientView } from '../dispatch/services.js';
import { clientAge, clientType, clientTypeByName, type ClientType } from './client-list.js';
import { optionName } from './string-common.js';

interface KillFilter {
  addr: string | null;
  laddr: string | null;
  type: ClientType | null;
  id: number | null;
  user: string | null;
  /** Only clients at least this many seconds old. */
  maxAge: number | null;
  skipMe: boolean;
}

export function clientKill(ctx: CommandContext, argv: string[]): void {
  const oldForm = argv.length === 3;
  // The old form names one address, and may kill the caller.
  const filter = oldForm
    ? { ...emptyFilter(false), addr: untilNul(argv[2]) }
    : parseFilter(ctx, argv);
  let killed = 0;
  let killSelf = false;
  for (const view of [...ctx.server.clients()]) {
    if (!matches(ctx, view, filter)) continue;
    if (view.state === ctx.client) killSelf = true;
    else view.close(false);
    killed++;
  }
  if (!oldForm) ctx.reply.integer(killed);
  else if (killed === 0) throw new ReplyError(Err.noSuchClient);
  else ctx.reply.ok();
  // The caller goes last, once its reply is written.
  if (killSelf) ctx.client.closeAfterReply = true;
}

function emptyFilter(skipMe: boolean): KillFilter {
  return { addr: null, laddr: null, type: null, id: null, user: null, maxAge: null, skipMe };
}

function parseFilter(ctx: CommandContext, argv: string[]): KillFilter {
  const filter = emptyFilter(true);
  for (let i = 2; i < argv.length; i += 2) {
    if (i + 1 >= argv.length) throw new ReplyError(Err.syntax);
    const value = argv[i + 1];
    switch (optionName(argv[i])) {
      case 'id': {
        const id = parseInt64(value);
        if (id === null || id < 1n) throw new ReplyError(Err.clientIdNotPositive);
        filter.id = Number(id);
        break;
      }
      case 'maxage': {
        const age = parseInt64(value);
        if (age === null) throw new ReplyError(Err.maxAgeNotInteger);
        if (age <= 0n) throw new ReplyError(Err.maxAgeNotPositive);
        filter.maxAge = Number(age);
        break;
      }
      case 'type':
        filter.type = clientTypeByName(value);
        if (filter.type === null) throw new ReplyError(Err.unknownClientType(value));
        break;
      case 'addr':
        filter.addr = untilNul(value);
        break;
      case 'laddr':
        filter.laddr = untilNul(value);
        break;
      case 'user':
        if (!ctx.server.userExists(value)) throw new ReplyError(Err.noSuchUser(value));
        filter.user = value;
        break;
      case 'skipme': {
        const skip = optionName(value);
        if (skip !== 'yes' && skip !== 'no') throw new ReplyError(Err.syntax);
        filter.skipMe = skip === 'yes';
        break;
      }
      default:
        throw new ReplyError(Err.syntax);
    }
  }
  return filter;
}

function matches(ctx: CommandContext, view: ClientView, filter: KillFilter): boolean {
  const state = view.state;
  if (filter.addr !== null && state.addr !== filter.addr) return false;
  if (filter.laddr !== null && state.laddr !== filter.laddr) return false;
  if (filter.type !== null && clientType(view) !== filter.type) return false;
  if (filter.id !== null && state.id !== filter.id) return false;
  if (filter.user !== null && state.user !== filter.user) return false;
  if (filter.maxAge !== null && clientAge(state, ctx.now) < filter.maxAge) return false;
  return !(filter.skipMe && state === ctx.client);
}

/** Redis compares addresses with strcmp, which stops at a NUL byte. */
function untilNul(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}
