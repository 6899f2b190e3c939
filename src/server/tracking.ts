/**
 * Client-side caching (Redis's tracking.c). A tracking client is told when keys it may have
 * cached change:
 * - by default, the keys its read-only commands read are remembered (one table for every
 *   database, as in Redis) and each is invalidated once, at its next change;
 * - in BCAST mode, every change of a key under one of its prefixes is announced, batched once
 *   per event-loop turn (Redis does it before sleeping);
 * - OPTIN / OPTOUT make remembering depend on CLIENT CACHING YES / NO given just before.
 * Invalidations arrive as RESP3 push frames, or, redirected to a RESP2 client in Pub/Sub mode, as
 * messages of the `__redis__:invalidate` channel. Those for the client running the command are
 * held until its reply is written (after a whole EXEC).
 */
import type { ClientState } from '../dispatch/client-state.js';
import type { Command } from '../dispatch/table.js';
import type { TrackingOptions, TrackingService } from '../dispatch/services.js';
import { commandKeys } from '../dispatch/keys.js';
import type { Subscriber } from './pubsub.js';

const INVALIDATE_CHANNEL = '__redis__:invalidate';

/** What tracking needs from its server. */
export interface TrackingHost {
  connection(clientId: number): Subscriber | undefined;
  connections(): Iterable<Subscriber>;
  /** tracking-table-max-keys: the most keys remembered; 0 for no limit. */
  maxKeys(): number;
}

/** A BCAST prefix: the clients that follow it and the keys under it changed since the last batch. */
interface BroadcastPrefix {
  readonly clients: Set<ClientState>;
  /** Each changed key, with the client that changed it last (for NOLOOP), or null. */
  changed: Map<string, ClientState | null>;
}

export class Tracking implements TrackingService {
  /** The ids of the clients that may have cached each key. */
  private readonly table = new Map<string, Set<number>>();
  private totalItems = 0;
  private readonly prefixes = new Map<string, BroadcastPrefix>();
  private broadcastScheduled = false;
  private trackingClients = 0;
  /** The client whose command is running, and its own invalidations (null: a flush). */
  private current: ClientState | null = null;
  private readonly pending: (string | null)[] = [];

  constructor(private readonly host: TrackingHost) {}

  get clients(): number {
    return this.trackingClients;
  }

  get totalKeys(): number {
    return this.table.size;
  }

  get totalRememberedItems(): number {
    return this.totalItems;
  }

  get totalPrefixes(): number {
    return this.prefixes.size;
  }

  enable(client: ClientState, options: TrackingOptions): void {
    const previous = client.tracking;
    // Prefixes add up over CLIENT TRACKING ON calls; BCAST without one follows every key.
    const prefixes = options.bcast ? [...(previous?.options.prefixes ?? [])] : [];
    if (options.bcast) {
      for (const prefix of options.prefixes.length === 0 ? [''] : options.prefixes) {
        if (!prefixes.includes(prefix)) prefixes.push(prefix);
      }
      prefixes.sort(byteOrder);
    }
    if (previous === null) this.trackingClients++;
    client.tracking = {
      options: { ...options, prefixes },
      caching: previous?.caching ?? false,
      brokenRedirect: false,
    };
    for (const prefix of prefixes) {
      let entry = this.prefixes.get(prefix);
      if (entry === undefined) {
        entry = { clients: new Set(), changed: new Map() };
        this.prefixes.set(prefix, entry);
      }
      entry.clients.add(client);
    }
  }

  disable(client: ClientState): void {
    const tracking = client.tracking;
    if (tracking === null) return;
    for (const prefix of tracking.options.prefixes) {
      const entry = this.prefixes.get(prefix)!;
      entry.clients.delete(client);
      if (entry.clients.size === 0) this.prefixes.delete(prefix);
    }
    client.tracking = null;
    this.trackingClients--;
  }

  /** A top-level command starts in this client. */
  commandStarted(client: ClientState): void {
    this.current = client;
  }

  /** It ended: the invalidations it caused for its own client follow its reply. */
  commandEnded(): void {
    const client = this.current;
    this.current = null;
    if (this.pending.length === 0) return;
    const keys = this.pending.splice(0);
    if (client === null || client.tracking === null) return;
    for (const key of keys) this.send(client, key === null ? null : [key]);
  }

  /** After a read-only command of a tracking client: the keys it read may now be cached. */
  rememberKeys(client: ClientState, command: Command, argv: string[]): void {
    const tracking = client.tracking!;
    const { bcast, optin, optout } = tracking.options;
    if (bcast || (optin && !tracking.caching) || (optout && tracking.caching)) return;
    // Shard channels are keys only for routing; no one caches them.
    if (command.flags.has('pubsub')) return;
    for (const { index } of commandKeys(command, argv)) {
      const key = argv[index];
      let ids = this.table.get(key);
      if (ids === undefined) this.table.set(key, (ids = new Set()));
      if (ids.has(client.id)) continue;
      ids.add(client.id);
      this.totalItems++;
    }
    this.enforceLimit();
  }

  /**
   * After each command of a tracking client: CLIENT CACHING applies to the next command, or
   * transaction, only; CLIENT commands in between keep it.
   */
  commandDone(client: ClientState): void {
    const tracking = client.tracking;
    if (tracking === null || !tracking.caching || client.multi !== null) return;
    const command = client.lastCommand;
    if (command !== 'client' && !command.startsWith('client|')) tracking.caching = false;
  }

  /**
   * A key changed (Redis's trackingInvalidateKey): those who may have cached it are told, and
   * BCAST clients following a prefix of it unless `broadcast` is false.
   */
  keyModified(key: string, broadcast = true): void {
    if (broadcast && this.prefixes.size > 0) this.rememberForBroadcast(key);
    if (this.table.size === 0) return;
    const ids = this.table.get(key);
    if (ids === undefined) return;
    this.table.delete(key);
    this.totalItems -= ids.size;
    for (const id of ids) {
      const target = this.host.connection(id)?.state;
      const tracking = target?.tracking;
      // Gone, no longer tracking, or switched to BCAST since: nothing to say.
      if (target === undefined || tracking == null || tracking.options.bcast) continue;
      if (target === this.current) {
        if (!tracking.options.noloop) this.pending.push(key);
      } else {
        this.send(target, [key]);
      }
    }
  }

  /** FLUSHDB / FLUSHALL: every tracking client drops its whole cache. */
  flushed(): void {
    if (this.trackingClients > 0) {
      for (const connection of this.host.connections()) {
        const client = connection.state;
        if (client.tracking === null) continue;
        if (client === this.current) this.pending.push(null);
        else this.send(client, null);
      }
    }
    this.table.clear();
    this.totalItems = 0;
  }

  private rememberForBroadcast(key: string): void {
    let remembered = false;
    for (const [prefix, entry] of this.prefixes) {
      if (!key.startsWith(prefix)) continue;
      entry.changed.set(key, this.current);
      remembered = true;
    }
    if (remembered && !this.broadcastScheduled) {
      this.broadcastScheduled = true;
      setImmediate(() => this.broadcast());
    }
  }

  /** Sends each prefix's changed keys, in byte order, to the clients that follow the prefix. */
  private broadcast(): void {
    this.broadcastScheduled = false;
    const sorted = [...this.prefixes].sort(([a], [b]) => byteOrder(a, b));
    for (const [, entry] of sorted) {
      if (entry.changed.size === 0) continue;
      const changed = [...entry.changed].sort(([a], [b]) => byteOrder(a, b));
      entry.changed = new Map();
      const all = changed.map(([key]) => key);
      for (const client of entry.clients) {
        if (!client.tracking!.options.noloop) {
          this.send(client, all);
          continue;
        }
        const others = changed.filter(([, by]) => by !== client).map(([key]) => key);
        if (others.length > 0) this.send(client, others);
      }
    }
  }

  /**
   * Redis's sendTrackingMessage: `keys` (null for a flush) to the client, or to the client it
   * redirects to. A redirect to a client that has gone is reported to RESP3 clients.
   */
  private send(client: ClientState, keys: string[] | null): void {
    const tracking = client.tracking!;
    const own = this.host.connection(client.id);
    if (own === undefined) return;
    // A flush is a null in the protocol of the tracking client, whoever receives it.
    const nullReply = own.reply.resp === 2 ? '$-1\r\n' : '_\r\n';
    let target = own;
    const redirect = tracking.options.redirect;
    if (redirect !== 0) {
      const redirected = this.host.connection(redirect);
      if (redirected === undefined) {
        tracking.brokenRedirect = true;
        if (own.reply.resp === 3) {
          own.reply.push(2);
          own.reply.bulk('tracking-redir-broken');
          own.reply.integer(redirect);
          own.outputPending();
        }
        return;
      }
      target = redirected;
    }
    const reply = target.reply;
    if (reply.resp === 3) {
      reply.push(2);
      reply.bulk('invalidate');
    } else if (redirect !== 0 && target.state.subscriptions !== null) {
      reply.push(3);
      reply.bulk('message');
      reply.bulk(INVALIDATE_CHANNEL);
    } else {
      // RESP2 without a redirect has no way to carry it.
      return;
    }
    if (keys === null) reply.raw(nullReply);
    else reply.bulkArray(keys);
    target.outputPending();
  }

  /**
   * Over tracking-table-max-keys: the oldest remembered keys are invalidated (their clients drop
   * them) until the table is back under the limit. Redis picks them at random.
   */
  private enforceLimit(): void {
    const max = this.host.maxKeys();
    if (max === 0 || this.table.size <= max) return;
    for (const key of this.table.keys()) {
      this.keyModified(key, false);
      if (this.table.size <= max) return;
    }
  }
}

/** C's memcmp order of two latin1 strings. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
