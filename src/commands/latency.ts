/**
 * LATENCY LATEST / HISTORY / RESET / GRAPH / DOCTOR / HISTOGRAM / HELP: the latency monitor's
 * events (latency-monitor-threshold) and the per-command latency histograms (latency-tracking).
 */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import { ReplyError, type CommandContext } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import type { Command } from '../dispatch/table.js';
import { replyHelp } from './help.js';
import { latencyDoctor, latencyGraph } from './latency-report.js';

const HELP_LINES = [
  'DOCTOR',
  '    Return a human readable latency analysis report.',
  'GRAPH <event>',
  '    Return an ASCII latency graph for the <event> class.',
  'HISTORY <event>',
  '    Return time-latency samples for the <event> class.',
  'LATEST',
  '    Return the latest latency samples for all events.',
  'RESET [<event> ...]',
  '    Reset latency data of one or more <event> classes.',
  '    (default: reset all data for all event classes)',
  'HISTOGRAM [COMMAND ...]',
  '    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.',
  '    If no commands are specified then all histograms are replied.',
];

const ADMIN = {
  flags: ['admin', 'noscript', 'loading', 'stale'],
  tips: ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'],
} satisfies Partial<CommandSpec>;

function nowSeconds(ctx: CommandContext): number {
  return Math.floor(ctx.now / 1000);
}

function latest(ctx: CommandContext): void {
  const reply = ctx.reply;
  const events = [...ctx.server.latencyMonitor.entries()];
  reply.array(events.length);
  for (const [event, series] of events) {
    const sample = series.latest;
    reply.array(4);
    reply.bulk(event);
    reply.integer(sample.time);
    reply.integer(sample.latency);
    reply.integer(series.max);
  }
}

function history(ctx: CommandContext, argv: string[]): void {
  const samples = ctx.server.latencyMonitor.series(argv[2])?.history() ?? [];
  ctx.reply.array(samples.length);
  for (const sample of samples) {
    ctx.reply.array(2);
    ctx.reply.integer(sample.time);
    ctx.reply.integer(sample.latency);
  }
}

function graph(ctx: CommandContext, argv: string[]): void {
  const series = ctx.server.latencyMonitor.series(argv[2]);
  if (series === undefined) throw new ReplyError(Err.latencyNoSamples(argv[2]));
  ctx.reply.verbatim(latencyGraph(argv[2], series, nowSeconds(ctx)));
}

function doctor(ctx: CommandContext): void {
  const config = ctx.server.config;
  const settings = {
    threshold: config.numberValue('latency-monitor-threshold'),
    slowlogSlowerThan: config.numberValue('slowlog-log-slower-than'),
    hz: config.numberValue('hz'),
  };
  ctx.reply.verbatim(latencyDoctor(ctx.server.latencyMonitor, settings, nowSeconds(ctx)));
}

/** The histograms of the named commands (all commands run when none is named), as a map. */
function histogram(ctx: CommandContext, argv: string[]): void {
  const latencies = ctx.server.latency;
  const commands: Command[] = [];
  const addWithSubcommands = (command: Command): void => {
    if (latencies.histogram(command) !== undefined) commands.push(command);
    if (command.subcommands)
      for (const sub of command.subcommands.values()) addWithSubcommands(sub);
  };
  if (argv.length === 2) {
    for (const command of ctx.server.commands.all()) addWithSubcommands(command);
  } else {
    for (const name of argv.slice(2)) {
      const command = ctx.server.commands.lookupFullName(name);
      if (command !== undefined) addWithSubcommands(command);
    }
  }
  const reply = ctx.reply;
  reply.map(commands.length);
  for (const command of commands) {
    const data = latencies.histogram(command)!;
    reply.bulk(command.fullName);
    reply.map(2);
    reply.bulk('calls');
    reply.integer(data.count);
    reply.bulk('histogram_usec');
    const buckets = data.logBuckets();
    reply.map(buckets.length);
    for (const [micros, cumulative] of buckets) {
      reply.integer(micros);
      reply.integer(cumulative);
    }
  }
}

export const latency = defineCommand({
  name: 'latency',
  arity: -2,
  flags: [],
  subcommands: [
    { name: 'doctor', arity: 2, ...ADMIN, handler: doctor },
    {
      name: 'reset',
      arity: -2,
      flags: ['admin', 'noscript', 'loading', 'stale'],
      tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
      handler: (ctx, argv) => ctx.reply.integer(ctx.server.latencyMonitor.reset(argv.slice(2))),
    },
    { name: 'graph', arity: 3, ...ADMIN, handler: graph },
    { name: 'latest', arity: 2, ...ADMIN, handler: latest },
    {
      name: 'help',
      arity: 2,
      flags: ['loading', 'stale'],
      handler: (ctx, argv) => replyHelp(ctx, argv[0], HELP_LINES),
    },
    { name: 'histogram', arity: -2, ...ADMIN, handler: histogram },
    { name: 'history', arity: 3, ...ADMIN, handler: history },
  ],
});

export const latencyCommands: CommandSpec[] = [latency];
