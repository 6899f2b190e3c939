/**
 * Pub/Sub commands: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH and PUBSUB. The hub that
 * routes messages is the server's (src/server/pubsub.ts).
 */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import { ReplyError, type CommandContext } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import type { SubscriptionKind } from '../dispatch/services.js';
import { replyHelp } from './help.js';
import { keysAt } from './key-specs.js';

/** The words each kind of subscription uses in its confirmations. */
const WORDS: Record<SubscriptionKind, { subscribe: string; unsubscribe: string }> = {
  channel: { subscribe: 'subscribe', unsubscribe: 'unsubscribe' },
  pattern: { subscribe: 'psubscribe', unsubscribe: 'punsubscribe' },
  shard: { subscribe: 'ssubscribe', unsubscribe: 'sunsubscribe' },
};

/** SSUBSCRIBE and friends name their shard channels like keys, for cluster routing. */
const SHARD_CHANNELS = [keysAt(1, ['NOT_KEY'], -1)];

/**
 * The count each confirmation carries: channels and patterns together, shard channels apart
 * (Redis's clientSubscriptionsCount and clientShardSubscriptionsCount).
 */
function subscriptionCount(ctx: CommandContext, kind: SubscriptionKind): number {
  const subscriptions = ctx.client.subscriptions;
  if (subscriptions === null) return 0;
  if (kind === 'shard') return subscriptions.shardChannels.size;
  return subscriptions.channels.size + subscriptions.patterns.size;
}

/**
 * [subscribe|unsubscribe..., channel (or nil), count]: a push frame in RESP3, sent even under
 * CLIENT REPLY OFF, as Redis does.
 */
function confirm(ctx: CommandContext, word: string, name: string | null, kind: SubscriptionKind) {
  const reply = ctx.reply;
  reply.pushing(() => {
    reply.push(3);
    reply.bulk(word);
    if (name === null) reply.nullBulk();
    else reply.bulk(name);
    reply.integer(subscriptionCount(ctx, kind));
  });
}

function subscribeGeneric(ctx: CommandContext, argv: string[], kind: SubscriptionKind): void {
  const pubsub = ctx.server.pubsub;
  for (let i = 1; i < argv.length; i++) {
    pubsub.subscribe(ctx.client, kind, argv[i]);
    confirm(ctx, WORDS[kind].subscribe, argv[i], kind);
  }
}

/** Without arguments, every subscription of the kind ends; with none, one nil confirmation. */
function unsubscribeGeneric(ctx: CommandContext, argv: string[], kind: SubscriptionKind): void {
  const pubsub = ctx.server.pubsub;
  const word = WORDS[kind].unsubscribe;
  const names = argv.length > 1 ? argv.slice(1) : subscribedNames(ctx, kind);
  if (names.length === 0) return confirm(ctx, word, null, kind);
  for (const name of names) {
    pubsub.unsubscribe(ctx.client, kind, name);
    confirm(ctx, word, name, kind);
  }
}

function subscribedNames(ctx: CommandContext, kind: SubscriptionKind): string[] {
  const subscriptions = ctx.client.subscriptions;
  if (subscriptions === null) return [];
  if (kind === 'channel') return [...subscriptions.channels];
  return [...(kind === 'pattern' ? subscriptions.patterns : subscriptions.shardChannels)];
}

const SUBSCRIBE_FLAGS = [
  'pubsub' as const,
  'noscript' as const,
  'loading' as const,
  'stale' as const,
];

export const subscribe = defineCommand({
  name: 'subscribe',
  arity: -2,
  flags: SUBSCRIBE_FLAGS,
  handler: (ctx, argv) => subscribeGeneric(ctx, argv, 'channel'),
});

export const unsubscribe = defineCommand({
  name: 'unsubscribe',
  arity: -1,
  flags: SUBSCRIBE_FLAGS,
  handler: (ctx, argv) => unsubscribeGeneric(ctx, argv, 'channel'),
});

export const psubscribe = defineCommand({
  name: 'psubscribe',
  arity: -2,
  flags: SUBSCRIBE_FLAGS,
  handler: (ctx, argv) => subscribeGeneric(ctx, argv, 'pattern'),
});

export const punsubscribe = defineCommand({
  name: 'punsubscribe',
  arity: -1,
  flags: SUBSCRIBE_FLAGS,
  handler: (ctx, argv) => unsubscribeGeneric(ctx, argv, 'pattern'),
});

export const ssubscribe = defineCommand({
  name: 'ssubscribe',
  arity: -2,
  flags: SUBSCRIBE_FLAGS,
  keySpecs: SHARD_CHANNELS,
  handler: (ctx, argv) => {
    // Inside EXEC (Redis's DENY_BLOCKING client) a shard subscription is refused; SUBSCRIBE
    // stays allowed there for backward compatibility.
    if (!ctx.server.blocking.mayBlock()) throw new ReplyError(Err.denyBlocking('SSUBSCRIBE'));
    subscribeGeneric(ctx, argv, 'shard');
  },
});

export const sunsubscribe = defineCommand({
  name: 'sunsubscribe',
  arity: -1,
  flags: SUBSCRIBE_FLAGS,
  keySpecs: SHARD_CHANNELS,
  handler: (ctx, argv) => unsubscribeGeneric(ctx, argv, 'shard'),
});

export const publish = defineCommand({
  name: 'publish',
  arity: 3,
  flags: ['pubsub', 'loading', 'stale', 'fast'],
  handler: (ctx, argv) => ctx.reply.integer(ctx.server.pubsub.publish(argv[1], argv[2])),
});

export const spublish = defineCommand({
  name: 'spublish',
  arity: 3,
  flags: ['pubsub', 'loading', 'stale', 'fast'],
  keySpecs: [keysAt(1, ['NOT_KEY'])],
  handler: (ctx, argv) => ctx.reply.integer(ctx.server.pubsub.publishShard(argv[1], argv[2])),
});

const HELP = [
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
];

/** PUBSUB CHANNELS / SHARDCHANNELS [pattern]. */
function activeChannels(ctx: CommandContext, argv: string[], kind: 'channel' | 'shard'): void {
  if (argv.length > 3) throw new ReplyError(Err.subcommandSyntax(argv[1], argv[0]));
  ctx.reply.bulkArray(ctx.server.pubsub.activeChannels(kind, argv.length === 3 ? argv[2] : null));
}

/** PUBSUB NUMSUB / SHARDNUMSUB channel...: each channel and its subscriber count, flat. */
function subscriberCounts(ctx: CommandContext, argv: string[], kind: 'channel' | 'shard'): void {
  const pubsub = ctx.server.pubsub;
  ctx.reply.array((argv.length - 2) * 2);
  for (let i = 2; i < argv.length; i++) {
    ctx.reply.bulk(argv[i]);
    ctx.reply.integer(pubsub.subscriberCount(kind, argv[i]));
  }
}

function pubsubSub(
  name: string,
  arity: number,
  handler: (ctx: CommandContext, argv: string[]) => void,
): CommandSpec {
  return defineCommand({ name, arity, flags: ['pubsub', 'loading', 'stale'], handler });
}

export const pubsub = defineCommand({
  name: 'pubsub',
  arity: -2,
  flags: [],
  subcommands: [
    pubsubSub('channels', -2, (ctx, argv) => activeChannels(ctx, argv, 'channel')),
    pubsubSub('numsub', -2, (ctx, argv) => subscriberCounts(ctx, argv, 'channel')),
    pubsubSub('numpat', 2, (ctx) => ctx.reply.integer(ctx.server.pubsub.patternCount)),
    pubsubSub('shardchannels', -2, (ctx, argv) => activeChannels(ctx, argv, 'shard')),
    pubsubSub('shardnumsub', -2, (ctx, argv) => subscriberCounts(ctx, argv, 'shard')),
    defineCommand({
      name: 'help',
      arity: 2,
      flags: ['loading', 'stale'],
      handler: (ctx, argv) => replyHelp(ctx, argv[0], HELP),
    }),
  ],
});

export const pubsubCommands: CommandSpec[] = [
  subscribe,
  unsubscribe,
  psubscribe,
  punsubscribe,
  ssubscribe,
  sunsubscribe,
  publish,
  spublish,
  pubsub,
];
