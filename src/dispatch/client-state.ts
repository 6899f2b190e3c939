/**
 * What the server knows about one connection, without the socket: identity, selected database,
 * protocol, flags, transaction state. Handlers read and change it through the context.
 */
import type { BlockRequest, TrackingOptions } from './services.js';
import type { Command } from './table.js';

/** CLIENT REPLY modes. SKIP silences the next command's reply only. */
export type ReplyMode = 'on' | 'off' | 'skip' | 'skip-next';

export interface QueuedCommand {
  command: Command;
  argv: string[];
}

/** The ACL user a client runs as, as the gate sees it (src/acl/user.ts is the real one). */
export interface ClientUser {
  readonly name: string;
  /** Every command, key and channel allowed: the gate skips the ACL check. */
  readonly unrestricted: boolean;
}

/** Until a connection gets its user: clients inside the server (scripts) run unrestricted. */
const INTERNAL_USER: ClientUser = { name: 'default', unrestricted: true };

export class ClientState {
  name = '';
  libName = '';
  libVer = '';
  db = 0;
  authenticated = false;
  aclUser: ClientUser = INTERNAL_USER;
  replyMode: ReplyMode = 'on';
  /** CLIENT NO-EVICT and CLIENT NO-TOUCH. */
  noEvict = false;
  noTouch = false;
  /** Set by QUIT or a protocol error: close once the pending replies are written. */
  closeAfterReply = false;
  /** The client scripts run their commands as (Redis's CLIENT_SCRIPT flag). */
  isScript = false;
  /**
   * The client replays writes accepted before (the AOF being loaded): Redis's mustObeyClient,
   * for the few checks that must not refuse what the propagation stream wrote.
   */
  replaying = false;
  /** A MULTI in progress: the queued commands, and whether EXEC must fail (EXECABORT). */
  multi: QueuedCommand[] | null = null;
  multiError = false;
  /** Keys watched with WATCH, by `${db}\0${key}`; watchDirty once one of them changed. */
  readonly watched = new Map<string, WatchedKey>();
  watchDirty = false;
  /** Pub/Sub subscriptions; null while the client has none (it is not in Pub/Sub mode). */
  subscriptions: ClientSubscriptions | null = null;
  /** CLIENT TRACKING: null while it is off. */
  tracking: ClientTracking | null = null;
  /** The blocking command (BLPOP ...) this client waits in, or null. */
  blockedOn: BlockRequest | null = null;
  lastCommand = 'NULL';
  readonly createdAt: number;
  lastInteraction: number;
  /** Commands run in this connection, for CLIENT INFO's `tot-cmds`-like stats. */
  commandsProcessed = 0;

  /** The name of the user the client is authenticated as (CLIENT LIST's user=). */
  get user(): string {
    return this.aclUser.name;
  }

  constructor(
    readonly id: number,
    /** "ip:port" of the peer, and of our end. */
    readonly addr: string,
    readonly laddr: string,
    now: number,
    /** Connections over a Unix socket, for CLIENT LIST's flags and enable-debug-command local. */
    readonly local: boolean,
  ) {
    this.createdAt = now;
    this.lastInteraction = now;
  }
}

/** What one client listens to, each kind in the order it subscribed. */
export class ClientSubscriptions {
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shardChannels = new Set<string>();

  /** Every subscription of every kind: the client leaves Pub/Sub mode when this is 0. */
  get total(): number {
    return this.channels.size + this.patterns.size + this.shardChannels.size;
  }
}

/** A client's CLIENT TRACKING mode. */
export interface ClientTracking {
  readonly options: TrackingOptions;
  /** CLIENT CACHING YES|NO was given for the next command (OPTIN / OPTOUT modes). */
  caching: boolean;
  /** The client invalidations are redirected to has gone (CLIENT LIST flag R). */
  brokenRedirect: boolean;
}

/** A key a client watches (WATCH). */
export class WatchedKey {
  constructor(
    readonly client: ClientState,
    readonly dbId: number,
    readonly key: string,
    /** Expired but not yet deleted when watched: its deletion then changes nothing. */
    public expired: boolean,
  ) {}
}
