/**
 * One client connection: socket bytes in, parsed commands through the gate, replies out. Replies
 * are flushed with one write per event-loop turn. A client that stops reading its replies stops
 * being read from (TCP backpressure), so its pending output stays bounded.
 */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { ProtocolError, RespParser, type ParserLimits } from '../resp/parser.js';
import { ReplyWriter, type RespVersion } from '../resp/reply.js';
import { ClientState } from '../dispatch/client-state.js';
import { CommandContext } from '../dispatch/context.js';
import { GateResult } from '../dispatch/gate.js';
import type { ClientView } from '../dispatch/services.js';
import type { LimitedClient } from './client-limits.js';
import type { OutputBufferClass } from './config-special.js';
import type { MonitorClient } from './monitor.js';
import type { KvikServer } from './server.js';
import { readSocketInto } from './socket-reader.js';
import { SocketWriter } from './socket-writer.js';

/** Stop reading from a client while this much output waits in its socket. */
const OUTPUT_HIGH_WATER = 4 * 1024 * 1024;

export class Connection implements ClientView, MonitorClient, LimitedClient {
  readonly state: ClientState;
  readonly ctx: CommandContext;
  readonly reply: ReplyWriter;
  readonly fd: number;
  private readonly parser = new RespParser();
  private readonly limits: ParserLimits = { maxBulkLen: 0, authRequired: false };
  /** A command held back by CLIENT PAUSE, run again when the pause ends. */
  private pausedArgv: string[] | null = null;
  private closed = false;
  private readPaused = false;
  /** client-output-buffer-limit: when the soft limit was first reached (Unix seconds), or 0. */
  softLimitSince = 0;
  /** In the server's set of connections to flush at the end of this event-loop turn. */
  flushQueued = false;
  private droppedForOutput = false;
  private readonly socket: Socket;
  /** Writes replies to the socket's handle; null where they go through socket.write(). */
  private readonly writer: SocketWriter | null;

  constructor(
    private readonly server: KvikServer,
    accepted: Socket,
    id: number,
  ) {
    const local = accepted.remoteAddress === undefined;
    const addr = local
      ? '/unixsocket:0'
      : `${stripV4Mapped(accepted.remoteAddress)}:${accepted.remotePort}`;
    const laddr = local
      ? '/unixsocket:0'
      : `${stripV4Mapped(accepted.localAddress)}:${accepted.localPort}`;
    this.state = new ClientState(id, addr, laddr, server.keyspace.clock.now(), local);
    this.state.aclUser = server.acl.defaultUser;
    this.state.authenticated = server.defaultUserNoPass();
    this.reply = new ReplyWriter(server);
    this.ctx = new CommandContext(this.state, this.reply, server);
    this.fd = (accepted as unknown as { _handle?: { fd?: number } })._handle?.fd ?? -1;
    const socket = readSocketInto(accepted, server.readBuffer, (bytes, length) =>
      this.onRead(bytes, length),
    );
    this.socket = socket;
    // Only a socket read through its handle is written through it (not TLS: see socket-reader).
    const adopted = socket !== accepted;
    this.writer = adopted
      ? SocketWriter.forSocket(socket, {
          drained: () => this.onDrain(),
          failed: () => socket.destroy(),
        })
      : null;
    socket.setNoDelay(true);
    const keepAlive = server.config.numberValue('tcp-keepalive');
    if (keepAlive > 0) socket.setKeepAlive(true, keepAlive * 1000);
    socket.on('drain', () => this.onDrain());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.onClose());
  }

  get queryBufferBytes(): number {
    return this.parser.pendingBytes;
  }

  get queryBufferHeld(): number {
    return this.parser.heldBytes;
  }

  get queryBufferFree(): number {
    return Math.max(0, this.parser.bufferedCapacity - this.parser.pendingBytes);
  }

  get outputBytes(): number {
    return this.reply.out.length + this.socketQueuedBytes;
  }

  /** Reply bytes written to the socket that the kernel has not taken yet. */
  private get socketQueuedBytes(): number {
    return this.writer?.queuedBytes ?? this.socket.writableLength;
  }

  get replyBufferBytes(): number {
    return this.reply.out.length;
  }

  get resp(): RespVersion {
    return this.reply.resp;
  }

  get events(): string {
    return (this.readPaused ? '' : 'r') + (this.socketQueuedBytes > 0 ? 'w' : '');
  }

  /** Blocked on keys (BLPOP ...), or with a command CLIENT PAUSE holds, as Redis counts it. */
  get blocked(): boolean {
    return this.state.blockedOn !== null || this.pausedArgv !== null;
  }

  get isPubSub(): boolean {
    return this.state.subscriptions !== null;
  }

  readonly isReplica = false;
  readonly isMaster = false;

  get isMonitor(): boolean {
    return this.server.observability.monitors.has(this);
  }

  /** MONITOR's feed: one status line, flushed after this event-loop turn. */
  sendMonitorLine(line: string): void {
    this.reply.status(line);
    this.outputPending();
  }

  get subscriptions(): number {
    return this.state.subscriptions?.channels.size ?? 0;
  }

  get patternSubscriptions(): number {
    return this.state.subscriptions?.patterns.size ?? 0;
  }

  get shardSubscriptions(): number {
    return this.state.subscriptions?.shardChannels.size ?? 0;
  }

  /**
   * Another client's command wrote to this one (a Pub/Sub message, an invalidation): the output
   * is flushed after this event-loop turn, once however many messages arrive meanwhile.
   */
  outputPending(): void {
    if (!this.overOutputLimit()) this.server.outputPending(this);
  }

  /** client-output-buffer-limit's class: replicas, subscribers, and normal for the rest. */
  get outputBufferClass(): OutputBufferClass {
    if (this.isReplica) return 'replica';
    return this.isPubSub ? 'pubsub' : 'normal';
  }

  /**
   * Past client-output-buffer-limit the client is dropped with what it had pending, once the
   * command running is over (Redis's freeClientAsync).
   */
  private overOutputLimit(): boolean {
    if (this.droppedForOutput) return true;
    const clock = this.server.keyspace.clock;
    if (!this.server.outputLimits.reached(this, this.outputBytes, clock)) return false;
    this.droppedForOutput = true;
    this.reply.out = '';
    this.server.log(
      'warning',
      `Client id=${this.state.id} addr=${this.state.addr} scheduled to be closed ASAP for overcoming of output buffer limits.`,
    );
    queueMicrotask(() => this.close(false));
    return true;
  }

  /** Flushes output added by others, unless the connection is closing or gone. */
  flushPending(): void {
    if (!this.closed && !this.socket.writableEnded) this.flush();
  }

  close(afterReply: boolean): void {
    if (afterReply) {
      this.state.closeAfterReply = true;
      this.flush();
    } else {
      this.socket.destroy();
      // Gone from the client list at once, as Redis's freeClient, not when the socket says so.
      this.onClose();
    }
  }

  private onRead(bytes: Buffer, length: number): void {
    const stats = this.server.stats;
    stats.totalNetInputBytes += length;
    stats.totalReadsProcessed++;
    const readAt = performance.now();
    this.state.lastInteraction = this.server.keyspace.clock.now(readAt);
    this.parser.feed(bytes, length);
    this.processInput(readAt);
  }

  /**
   * Runs every complete command in the query buffer, then has the replies flushed. `readAt`:
   * the performance.now() reading taken when the input arrived, if any.
   */
  processInput(readAt = -1): void {
    const server = this.server;
    server.gate.beginBatch(readAt);
    try {
      this.runCommands();
    } finally {
      server.gate.endBatch();
    }
    if (this.parser.pendingBytes > server.config.numberValue('client-query-buffer-limit')) {
      // Redis closes such a client without a reply.
      this.socket.destroy();
      return;
    }
    this.parser.shrinkIfIdle();
    // The replies leave once every socket ready in this event-loop turn has been read, as Redis
    // writes them before it sleeps (handleClientsWithPendingWrites): a reader that is sent many
    // replies at once wakes up once for them, which costs both sides far less than a wake-up per
    // reply.
    if (this.reply.out.length > 0 || this.state.closeAfterReply) this.server.outputPending(this);
  }

  private runCommands(): void {
    const server = this.server;
    const limits = this.limits;
    limits.maxBulkLen = server.config.numberValue('proto-max-bulk-len');
    // A client blocked on keys reads nothing more until its wait ends.
    while (
      !this.closed &&
      !this.readPaused &&
      !this.state.closeAfterReply &&
      this.state.blockedOn === null
    ) {
      let argv = this.pausedArgv;
      if (argv === null) {
        limits.authRequired = server.authRequired(this.ctx);
        try {
          argv = this.parser.next(limits);
        } catch (err) {
          if (!(err instanceof ProtocolError)) throw err;
          const before = this.reply.out.length;
          this.reply.error(`ERR Protocol error: ${err.message}`);
          this.applyReplyMode(before);
          this.state.closeAfterReply = true;
          break;
        }
        if (argv === null) break;
        if (argv.length === 0) continue;
      }
      this.pausedArgv = null;
      const before = this.reply.out.length;
      if (server.gate.execute(this.ctx, argv) === GateResult.Paused) {
        this.pausedArgv = argv;
        server.waitForUnpause(this);
        break;
      }
      // The reply of a command that blocked comes when its wait ends.
      if (this.state.blockedOn !== null) break;
      if (this.state.tracking !== null) server.tracking.commandDone(this.state);
      this.applyReplyMode(before);
      // A client that pipelines without reading its replies: past the high-water mark the rest
      // of its input waits until its socket drains, so its replies cannot pile up without bound.
      if (this.reply.out.length > OUTPUT_HIGH_WATER) this.flush();
    }
  }

  /** CLIENT REPLY OFF / SKIP: drop what the command just wrote, but for what it pushed. */
  private applyReplyMode(before: number): void {
    const state = this.state;
    const reply = this.reply;
    const pushed = reply.pushedRanges;
    if (pushed !== null) reply.pushedRanges = null;
    if (state.replyMode === 'on') return;
    if (state.replyMode === 'off' || state.replyMode === 'skip') {
      let kept = '';
      if (pushed !== null) {
        for (let i = 0; i < pushed.length; i += 2) {
          if (pushed[i] >= before) kept += reply.out.slice(pushed[i], pushed[i + 1]);
        }
      }
      reply.out = reply.out.slice(0, before) + kept;
      if (state.replyMode === 'skip') state.replyMode = 'on';
    } else {
      state.replyMode = 'skip';
    }
  }

  flush(): void {
    // Held until the AOF has these writes (flushed at the end of this event-loop turn).
    if (this.server.aofHoldsReplies) return this.server.outputPending(this);
    const out = this.reply.take();
    if (out.length > 0 && !this.socket.destroyed) {
      this.server.stats.totalNetOutputBytes += out.length;
      this.server.stats.totalWritesProcessed++;
      if (this.writer === null) this.socket.write(out, 'latin1');
      else if (!this.writer.write(out)) return void this.socket.destroy();
      if (this.socketQueuedBytes > OUTPUT_HIGH_WATER && !this.readPaused) {
        this.readPaused = true;
        this.socket.pause();
      }
    }
    if (this.overOutputLimit()) return;
    if (this.state.closeAfterReply) this.socket.end(() => this.socket.destroy());
  }

  private onDrain(): void {
    if (!this.readPaused) return;
    this.readPaused = false;
    this.socket.resume();
    this.processInput();
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.server.removeConnection(this);
  }
}

function stripV4Mapped(address: string | undefined): string {
  if (address === undefined) return '?';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
