/**
 * CLIENT LIST and CLIENT INFO lines: Redis 7.0's fields in Redis's order, filled from the client's
 * live state. Fields about buffers Kvik does not have (Redis's fixed reply buffer: rbs, rbp; its
 * reply list: oll) are 0.
 */
import type { CommandContext } from '../dispatch/context.js';
import type { ClientState } from '../dispatch/client-state.js';
import type { ClientView } from '../dispatch/services.js';
import { trackingFlags, trackingRedirect } from './client-tracking.js';
import { optionName } from './string-common.js';

export type ClientType = 'normal' | 'master' | 'replica' | 'pubsub';

/** Redis's getClientTypeByName ('slave' is 'replica'), or null for an unknown name. */
export function clientTypeByName(name: string): ClientType | null {
  const type = optionName(name);
  if (type === 'slave') return 'replica';
  return type === 'normal' || type === 'master' || type === 'replica' || type === 'pubsub'
    ? type
    : null;
}

/** Redis's getClientType. */
export function clientType(view: ClientView): ClientType {
  if (view.isMaster) return 'master';
  if (view.isReplica) return 'replica';
  if (view.isPubSub) return 'pubsub';
  return 'normal';
}

/** One line of CLIENT LIST, without its newline. `argv` is the running command's. */
export function clientInfoLine(ctx: CommandContext, view: ClientView, argv: string[]): string {
  const state = view.state;
  const now = ctx.now;
  // Only the client running this command has parsed arguments in hand (Redis's argv-mem).
  const running = state === ctx.client;
  const argvMem = running ? argvBytes(argv) : 0;
  // Redis trims a client's query buffer after its batch of commands: while one of them runs, the
  // bytes already parsed are still counted.
  const qbuf = running ? view.queryBufferHeld : view.queryBufferBytes;
  const qbufFree = Math.max(0, view.queryBufferFree + view.queryBufferBytes - qbuf);
  const multiMem = transactionBytes(state);
  const obl = view.replyBufferBytes;
  const omem = view.outputBytes - obl;
  const totalMem = qbuf + qbufFree + argvMem + multiMem + obl + omem;
  return (
    `id=${state.id} addr=${state.addr} laddr=${state.laddr} fd=${view.fd} name=${state.name}` +
    ` age=${clientAge(state, now)}` +
    ` idle=${seconds(now) - seconds(state.lastInteraction)} flags=${clientFlags(view)}` +
    ` db=${state.db} sub=${view.subscriptions} psub=${view.patternSubscriptions}` +
    ` ssub=${view.shardSubscriptions} multi=${state.multi === null ? -1 : state.multi.length}` +
    ` qbuf=${qbuf} qbuf-free=${qbufFree} argv-mem=${argvMem}` +
    ` multi-mem=${multiMem} rbs=0 rbp=0 obl=${obl} oll=0 omem=${omem} tot-mem=${totalMem}` +
    ` events=${view.events} cmd=${state.lastCommand} user=${state.user}` +
    ` redir=${trackingRedirect(state)}` +
    ` resp=${view.resp}`
  );
}

/** The flag letters, in Redis's order; N when none applies. */
function clientFlags(view: ClientView): string {
  const state = view.state;
  let flags = '';
  if (view.isReplica) flags += 'S';
  if (view.isMonitor) flags += 'O';
  if (view.isMaster) flags += 'M';
  if (view.isPubSub) flags += 'P';
  if (state.multi !== null) flags += 'x';
  if (view.blocked) flags += 'b';
  flags += trackingFlags(state);
  if (state.watchDirty) flags += 'd';
  if (state.closeAfterReply) flags += 'c';
  if (state.local) flags += 'U';
  if (state.noEvict) flags += 'e';
  if (state.noTouch) flags += 'T';
  return flags === '' ? 'N' : flags;
}

/** Seconds since the client connected, counted in whole clock seconds as Redis does. */
export function clientAge(state: ClientState, now: number): number {
  return seconds(now) - seconds(state.createdAt);
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

function argvBytes(argv: readonly string[]): number {
  let bytes = 0;
  for (const arg of argv) bytes += arg.length;
  return bytes;
}

/** Redis's multi-mem: the queued arguments plus one pointer (8 bytes) per argument. */
function transactionBytes(state: ClientState): number {
  if (state.multi === null) return 0;
  let bytes = 0;
  for (const queued of state.multi) bytes += argvBytes(queued.argv) + 8 * queued.argv.length;
  return bytes;
}
