/**
 * The Pub/Sub hub of one server (Redis's pubsub.c): which clients listen to which channel, pattern
 * and shard channel, and the delivery of published messages into the subscribers' output.
 *
 * Messages are written straight into each subscriber's reply writer, as a push frame in RESP3 and
 * an array in RESP2, and the subscriber is told that output is waiting, so that it is flushed
 * after the publishing command batch (the publisher's own replies are flushed by its connection).
 */
import { ClientSubscriptions, type ClientState } from '../dispatch/client-state.js';
import type { PubSubService, SubscriptionKind } from '../dispatch/services.js';
import { GlobPattern } from '../keyspace/glob.js';
import { ReplyWriter, type RespVersion } from '../resp/reply.js';

/** A client that can receive messages: a connection. */
export interface Subscriber {
  readonly state: ClientState;
  readonly reply: ReplyWriter;
  /** Output was added to this client by another's command: it must be flushed soon. */
  outputPending(): void;
}

interface PatternSubscribers {
  readonly glob: GlobPattern;
  readonly subscribers: Set<Subscriber>;
}

export class PubSubHub implements PubSubService {
  private readonly channels = new Map<string, Set<Subscriber>>();
  private readonly shardChannels = new Map<string, Set<Subscriber>>();
  private readonly patterns = new Map<string, PatternSubscribers>();
  /** Encodes each published message once per protocol, however many receive it. */
  private readonly encoder = new ReplyWriter({ onErrorReply: () => undefined });

  /** `subscriberOf` finds the connection of a client (null for one without a connection). */
  constructor(private readonly subscriberOf: (client: ClientState) => Subscriber | undefined) {}

  subscribe(client: ClientState, kind: SubscriptionKind, name: string): boolean {
    const own = ownSet((client.subscriptions ??= new ClientSubscriptions()), kind);
    if (own.has(name)) return false;
    own.add(name);
    const subscriber = this.subscriberOf(client);
    if (subscriber === undefined) return true;
    if (kind === 'pattern') {
      let entry = this.patterns.get(name);
      if (entry === undefined) {
        entry = { glob: new GlobPattern(name), subscribers: new Set() };
        this.patterns.set(name, entry);
      }
      entry.subscribers.add(subscriber);
    } else {
      const registry = kind === 'channel' ? this.channels : this.shardChannels;
      let subscribers = registry.get(name);
      if (subscribers === undefined) registry.set(name, (subscribers = new Set()));
      subscribers.add(subscriber);
    }
    return true;
  }

  unsubscribe(client: ClientState, kind: SubscriptionKind, name: string): boolean {
    const subscriptions = client.subscriptions;
    if (subscriptions === null || !ownSet(subscriptions, kind).delete(name)) return false;
    // Out of Pub/Sub mode once the last subscription of any kind is gone.
    if (subscriptions.total === 0) client.subscriptions = null;
    const subscriber = this.subscriberOf(client);
    if (subscriber === undefined) return true;
    if (kind === 'pattern') {
      const entry = this.patterns.get(name);
      if (entry !== undefined && entry.subscribers.delete(subscriber)) {
        if (entry.subscribers.size === 0) this.patterns.delete(name);
      }
    } else {
      const registry = kind === 'channel' ? this.channels : this.shardChannels;
      const subscribers = registry.get(name);
      if (subscribers !== undefined && subscribers.delete(subscriber)) {
        if (subscribers.size === 0) registry.delete(name);
      }
    }
    return true;
  }

  /** Drops every subscription of a client, without replies (RESET, disconnection). */
  unsubscribeAll(client: ClientState): void {
    const subscriptions = client.subscriptions;
    if (subscriptions === null) return;
    for (const kind of KINDS) {
      for (const name of [...ownSet(subscriptions, kind)]) this.unsubscribe(client, kind, name);
    }
  }

  publish(channel: string, message: string): number {
    let receivers = 0;
    const subscribers = this.channels.get(channel);
    if (subscribers !== undefined) {
      deliver(subscribers, new MessageFrames(this.encoder, ['message', channel, message]));
      receivers += subscribers.size;
    }
    if (this.patterns.size === 0) return receivers;
    for (const [pattern, entry] of this.patterns) {
      if (!entry.glob.matches(channel)) continue;
      const frames = new MessageFrames(this.encoder, ['pmessage', pattern, channel, message]);
      deliver(entry.subscribers, frames);
      receivers += entry.subscribers.size;
    }
    return receivers;
  }

  publishShard(channel: string, message: string): number {
    const subscribers = this.shardChannels.get(channel);
    if (subscribers === undefined) return 0;
    deliver(subscribers, new MessageFrames(this.encoder, ['smessage', channel, message]));
    return subscribers.size;
  }

  activeChannels(kind: 'channel' | 'shard', pattern: string | null): string[] {
    const registry = kind === 'channel' ? this.channels : this.shardChannels;
    if (pattern === null) return [...registry.keys()];
    const glob = new GlobPattern(pattern);
    return [...registry.keys()].filter((channel) => glob.matches(channel));
  }

  subscriberCount(kind: 'channel' | 'shard', channel: string): number {
    return (kind === 'channel' ? this.channels : this.shardChannels).get(channel)?.size ?? 0;
  }

  get channelCount(): number {
    return this.channels.size;
  }

  get shardChannelCount(): number {
    return this.shardChannels.size;
  }

  get patternCount(): number {
    return this.patterns.size;
  }
}

const KINDS: readonly SubscriptionKind[] = ['channel', 'pattern', 'shard'];

function ownSet(subscriptions: ClientSubscriptions, kind: SubscriptionKind): Set<string> {
  if (kind === 'channel') return subscriptions.channels;
  return kind === 'pattern' ? subscriptions.patterns : subscriptions.shardChannels;
}

/**
 * A message, [type, (pattern,) channel, message]: a push frame in RESP3, an array in RESP2,
 * encoded the first time a subscriber of that protocol needs it.
 */
class MessageFrames {
  private resp2: string | null = null;
  private resp3: string | null = null;

  constructor(
    private readonly encoder: ReplyWriter,
    private readonly parts: readonly string[],
  ) {}

  frame(resp: RespVersion): string {
    if (resp === 2) return (this.resp2 ??= this.encode(2));
    return (this.resp3 ??= this.encode(3));
  }

  private encode(resp: RespVersion): string {
    const encoder = this.encoder;
    encoder.resp = resp;
    encoder.pushOfBulks(this.parts);
    return encoder.take();
  }
}

/** Writes a message into the output of each subscriber. */
function deliver(subscribers: Iterable<Subscriber>, frames: MessageFrames): void {
  for (const subscriber of subscribers) {
    subscriber.reply.raw(frames.frame(subscriber.reply.resp));
    subscriber.outputPending();
  }
}
