/**
 * One client connection to a server over TCP, TLS or a Unix socket: commands out as RESP
 * multibulks, replies in as Reply trees. Failures carry the messages hiredis gives, because
 * redis-cli prints them ("Could not connect to Redis at 127.0.0.1:1: Connection refused").
 */
import { readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import { ProtocolError, ReplyParser, type Reply } from './reply.js';

export type Endpoint = { socket: string } | { host: string; port: number };

export interface TlsOptions {
  cacert?: string;
  cacertdir?: string;
  cert?: string;
  key?: string;
  sni?: string;
  insecure: boolean;
}

/**
 * What happens to RESP3 push messages that arrive while a reply is awaited: hiredis discards
 * them by default, redis-cli prints them through a callback on terminals, and returns them as
 * ordinary replies while it reads a subscription.
 */
export type PushHandling = 'discard' | 'inline' | ((push: Reply) => void);

/** Why a connection stopped: `eof` and `io` allow a reconnect, `protocol` does not. */
export class ConnectionError extends Error {
  constructor(
    readonly kind: 'eof' | 'io' | 'protocol',
    message: string,
  ) {
    super(message);
  }
}

const KEEPALIVE_MS = 15_000;

/** The C library's texts (strerror, gai_strerror) for the errors the CLI commonly meets. */
const SYSTEM_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  EPIPE: 'Broken pipe',
  ETIMEDOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EISDIR: 'Is a directory',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  ENOTFOUND: 'Name or service not known',
  EAI_AGAIN: 'Temporary failure in name resolution',
};

export function systemErrorText(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return (code !== undefined && SYSTEM_ERRORS[code]) || error.message;
}

/** Certificate checks that fail in OpenSSL's SSL_connect as "certificate verify failed". */
const CERTIFICATE_ERRORS = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
]);

function connectErrorText(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && CERTIFICATE_ERRORS.has(code)) {
    return 'SSL_connect failed: certificate verify failed';
  }
  return systemErrorText(error);
}

export class CliConnection {
  private readonly parser = new ReplyParser();
  private failure: ConnectionError | null = null;
  private wake: (() => void) | null = null;
  /** Raw chunks, once rawMode() took the byte stream away from the parser. */
  private rawChunks: Buffer[] | null = null;
  pushHandling: PushHandling = 'discard';

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.setKeepAlive(true, KEEPALIVE_MS);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    const closed = () => this.fail(new ConnectionError('eof', 'Server closed the connection'));
    // The server's FIN comes first: a write after it would fail as a broken pipe instead.
    socket.on('end', closed);
    socket.on('error', (error) => this.fail(new ConnectionError('io', systemErrorText(error))));
    socket.on('close', closed);
  }

  /** Connects, or rejects with the system's text for the failure. */
  static open(endpoint: Endpoint, tlsOptions?: TlsOptions): Promise<CliConnection> {
    return new Promise((resolve, reject) => {
      const socket = tlsOptions
        ? tls.connect({ ...tcpOrUnix(endpoint), ...secureContext(endpoint, tlsOptions) })
        : net.connect(tcpOrUnix(endpoint));
      const ready = tlsOptions ? 'secureConnect' : 'connect';
      const onError = (error: Error) => reject(new Error(connectErrorText(error)));
      socket.once('error', onError);
      socket.once(ready, () => {
        socket.off('error', onError);
        resolve(new CliConnection(socket));
      });
    });
  }

  /**
   * A read met the end of the connection. Like hiredis, which learns that a server went away
   * only when it reads, a connection closed while idle is not known broken before it is used.
   */
  failureSeen = false;

  /** Sends one command. */
  send(args: readonly string[]): void {
    this.sendRaw(encodeCommand(args));
  }

  /** Sends bytes as they are; false when the socket's buffer is full (wait for drained()). */
  sendRaw(data: Buffer): boolean {
    if (this.failure) return true;
    return this.socket.write(data);
  }

  drained(): Promise<void> {
    if (!this.socket.writableNeedDrain || this.failure) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  /** Sends a command and reads its reply. */
  async call(...args: string[]): Promise<Reply> {
    this.send(args);
    return this.readReply();
  }

  /** The next reply, with push messages routed by pushHandling. */
  async readReply(): Promise<Reply> {
    for (;;) {
      const reply = this.takeReply();
      if (reply !== undefined) return reply;
      if (this.failure) {
        this.failureSeen = true;
        throw this.failure;
      }
      await this.waitForData();
    }
  }

  /** A reply already received, if any (push messages routed as readReply does). */
  takeReply(): Reply | undefined {
    for (;;) {
      const reply = this.parser.next();
      if (reply === undefined || reply.type !== 'push' || this.pushHandling === 'inline') {
        return reply;
      }
      if (typeof this.pushHandling === 'function') this.pushHandling(reply);
    }
  }

  /** Resolves when bytes arrive or the connection ends. */
  waitForData(): Promise<void> {
    if (this.failure || this.parser.hasReply) return Promise.resolve();
    return new Promise((resolve) => (this.wake = resolve));
  }

  /** Why the connection ended, once it has. */
  get error(): ConnectionError | null {
    return this.failure;
  }

  /**
   * Stops parsing: from now on readRaw() returns the bytes as they come (the payload of a SYNC),
   * starting with any already received.
   */
  rawMode(): void {
    const pending = this.parser.takePending();
    this.rawChunks = pending.length > 0 ? [pending] : [];
  }

  /** Switches back from rawMode(), parsing `rest` (bytes read beyond the raw payload) first. */
  parseMode(rest: Buffer): void {
    const chunks = this.rawChunks ?? [];
    this.rawChunks = null;
    if (rest.length > 0) this.receive(rest);
    for (const chunk of chunks) this.receive(chunk);
  }

  /** The next raw chunk, or null once the connection has ended. */
  async readRaw(): Promise<Buffer | null> {
    for (;;) {
      const chunk = this.rawChunks?.shift();
      if (chunk !== undefined) return chunk;
      if (this.failure) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Closes the connection; pending reads fail as if the server had closed it. */
  close(): void {
    this.socket.destroy();
    this.fail(new ConnectionError('eof', 'Server closed the connection'));
  }

  private receive(chunk: Buffer): void {
    if (this.rawChunks) {
      this.rawChunks.push(chunk);
    } else {
      try {
        this.parser.feed(chunk);
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw error;
        this.socket.destroy();
        this.fail(new ConnectionError('protocol', error.message));
      }
    }
    this.notify();
  }

  private fail(error: ConnectionError): void {
    this.failure ??= error;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

/** A command as a RESP multibulk; arguments are latin1 strings. */
export function encodeCommand(args: readonly string[]): Buffer {
  let out = `*${args.length}\r\n`;
  for (const arg of args) out += `$${arg.length}\r\n${arg}\r\n`;
  return Buffer.from(out, 'latin1');
}

function tcpOrUnix(endpoint: Endpoint): net.NetConnectOpts {
  return 'socket' in endpoint ? { path: endpoint.socket } : endpoint;
}

function secureContext(endpoint: Endpoint, options: TlsOptions): tls.ConnectionOptions {
  const ca: Buffer[] = [];
  if (options.cacert) ca.push(readFileSync(options.cacert));
  if (options.cacertdir) {
    // The directory's certificates (OpenSSL finds them by hashed names; any name does here).
    for (const entry of readdirSync(options.cacertdir, { withFileTypes: true })) {
      if (!entry.isFile() && !entry.isSymbolicLink()) continue;
      const content = readFileSync(join(options.cacertdir, entry.name));
      if (content.includes('-----BEGIN CERTIFICATE-----')) ca.push(content);
    }
  }
  const host = 'host' in endpoint ? endpoint.host : undefined;
  return {
    ca: ca.length > 0 ? ca : undefined,
    cert: options.cert ? readFileSync(options.cert) : undefined,
    key: options.key ? readFileSync(options.key) : undefined,
    servername: options.sni ?? (host && net.isIP(host) === 0 ? host : undefined),
    rejectUnauthorized: !options.insecure,
    // Like redis-cli (hiredis), the certificate chain is verified, not the name it is issued to.
    checkServerIdentity: () => undefined,
  };
}
