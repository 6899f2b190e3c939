/**
 * What the server knows about one connection, without the socket: identity, selected database,
 * protocol, flags, transaction state. Handlers read and change it through the context.
 */
import type { BlockRequest } from './services.js';
import type { Command } from './table.js';

/** CLIENT REPLY modes. SKIP silences the next command's reply only. */
export type ReplyMode = 'on' | 'off' | 'skip' | 'skip-next';

export interface QueuedCommand {
  command: Command;
  argv: string[];
}

export class ClientState {
  name = '';
  libName = '';
  libVer = '';
  db = 0;
  authenticated = false;
  user = 'default';
  replyMode: ReplyMode = 'on';
  /** CLIENT NO-EVICT and CLIENT NO-TOUCH. */
  noEvict = false;
  noTouch = false;
  /** Set by QUIT or a protocol error: close once the pending replies are written. */
  closeAfterReply = false;
  /** A MULTI in progress: the queued commands, and whether EXEC must fail (EXECABORT). */
  multi: QueuedCommand[] | null = null;
  multiError = false;
  /** Keys watched with WATCH, as `${db}\0${key}`; dirty once any of them changed. */
  readonly watched = new Set<string>();
  watchDirty = false;
  /** The blocking command (BLPOP ...) this client waits in, or null. */
  blockedOn: BlockRequest | null = null;
  lastCommand = 'NULL';
  readonly createdAt: number;
  lastInteraction: number;
  /** Commands run in this connection, for CLIENT INFO's `tot-cmds`-like stats. */
  commandsProcessed = 0;

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
