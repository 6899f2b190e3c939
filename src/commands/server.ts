/** Server commands: INFO, TIME, SHUTDOWN, LOLWUT. */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { parseInteger } from '../dispatch/numbers.js';
import type { ShutdownMode } from '../dispatch/services.js';
import { REDIS_VERSION } from '../server/info.js';
import { schotter, skyline } from './lolwut.js';

export const info = defineCommand({
  name: 'info',
  arity: -1,
  flags: ['loading', 'stale'],
  acl: ['dangerous'],
  tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
  handler: (ctx, argv) => ctx.reply.verbatim(ctx.server.info(argv.slice(1))),
});

export const time = defineCommand({
  name: 'time',
  arity: 1,
  flags: ['loading', 'stale', 'fast'],
  tips: ['nondeterministic_output'],
  handler: (ctx) => {
    // From the server clock (injectable for tests), which counts milliseconds.
    const now = ctx.keyspace.clock.now();
    ctx.reply.array(2);
    ctx.reply.bulk(String(Math.floor(now / 1000)));
    ctx.reply.bulk(String(Math.floor((now % 1000) * 1000)));
  },
});

export const shutdown = defineCommand({
  name: 'shutdown',
  arity: -1,
  flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'],
  handler: (ctx, argv) => {
    const mode: ShutdownMode = {};
    for (const arg of argv.slice(1)) {
      const option = arg.toLowerCase();
      if (option === 'nosave') mode.noSave = true;
      else if (option === 'save') mode.save = true;
      else if (option === 'now') mode.now = true;
      else if (option === 'force') mode.force = true;
      else if (option === 'abort') mode.abort = true;
      else return ctx.reply.error(Err.syntax);
    }
    const flagged = mode.noSave || mode.save || mode.now || mode.force;
    if ((mode.abort && flagged) || (mode.noSave && mode.save)) return ctx.reply.error(Err.syntax);
    // On success there is no reply: the connection closes with the server.
    const error = ctx.server.shutdown(mode);
    if (error !== null) ctx.reply.error(error);
    else if (mode.abort) ctx.reply.ok();
  },
});

/** LOLWUT [VERSION v] [arguments of that version's art]. */
export const lolwut = defineCommand({
  name: 'lolwut',
  arity: -1,
  flags: ['readonly', 'fast'],
  handler: (ctx, argv) => {
    let version = Number(REDIS_VERSION.split('.')[0]);
    let args = argv.slice(1);
    if (argv.length >= 3 && argv[1].toLowerCase() === 'version') {
      const v = parseInteger(argv[2]);
      if (v === null) return ctx.reply.error(Err.notInteger);
      // Redis prints the version as an unsigned int.
      version = v >>> 0;
      args = argv.slice(3);
    }
    if (version === 5) lolwutArt(ctx, args, [66, 8, 12], [1000, 200, 200], schotter);
    else if (version === 6) lolwutArt(ctx, args, [80, 20], [1000, 1000], skyline);
    else ctx.reply.verbatim(`Redis ver. ${REDIS_VERSION}\n`);
  },
});

/** Parses a version's numeric arguments (defaults, clamped into 1..max), then draws. */
function lolwutArt(
  ctx: CommandContext,
  args: string[],
  defaults: number[],
  limits: number[],
  draw: (random: () => number, ...sizes: number[]) => string,
): void {
  const sizes = [...defaults];
  for (let i = 0; i < sizes.length && i < args.length; i++) {
    const n = parseInteger(args[i]);
    if (n === null) return ctx.reply.error(Err.notInteger);
    sizes[i] = Math.min(limits[i], Math.max(1, n));
  }
  ctx.reply.verbatim(draw(() => ctx.server.random(), ...sizes));
}

export const serverCommands: CommandSpec[] = [info, time, shutdown, lolwut];
