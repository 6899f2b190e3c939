/**
 * The sockets a server listens on: every `bind` address with `port`, and `tls-port` beside it;
 * reopened on CONFIG SET port/bind/tls-port, with the TLS context reloaded on CONFIG SET of a
 * tls-* parameter, as Redis does.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Config } from './config.js';
import type { LogLevel } from '../persistence/save.js';
import { TlsConfigError, clientCertificateAccepted, tlsServerOptions } from './tls.js';

/** Which listeners to open or reopen: the plain ones, the TLS ones. */
interface ListenerKinds {
  plain: boolean;
  tls: boolean;
}
const BOTH_KINDS: ListenerKinds = { plain: true, tls: true };

/** The tls-* parameters that make the TLS context (tls-port rebinds instead). */
const TLS_CONTEXT_PARAMS = new Set([
  'tls-cert-file',
  'tls-key-file',
  'tls-key-file-pass',
  'tls-ca-cert-file',
  'tls-ca-cert-dir',
  'tls-auth-clients',
  'tls-protocols',
  'tls-ciphers',
  'tls-ciphersuites',
  'tls-prefer-server-ciphers',
  'tls-session-caching',
  'tls-session-cache-timeout',
]);

export class Listeners {
  private readonly listeners: net.Server[] = [];
  /** The port and bind addresses the listeners serve (what a failed rebind goes back to). */
  private boundPort = 0;
  private boundTlsPort = 0;
  private boundBind = '';

  constructor(
    private readonly config: Config,
    /** A connection was accepted (a TLS one once its client certificate passed). */
    private readonly accept: (socket: net.Socket) => void,
    private readonly log: (level: LogLevel, message: string) => void,
  ) {}

  /**
   * Listens on every configured address ("-" marks an optional one); port 0 picks a free port,
   * which is recorded back into the config. Nothing is kept open if one address fails.
   */
  async open(which: ListenerKinds = BOTH_KINDS): Promise<void> {
    const port = this.config.numberValue('port');
    const tlsPort = this.config.numberValue('tls-port');
    const tlsOptions = tlsPort > 0 && which.tls ? tlsServerOptions(this.config) : null;
    // As in Redis, port 0 beside a TLS port means no plain listener (alone it picks a free port).
    const plain = which.plain && (port !== 0 || tlsPort === 0);
    const opened: net.Server[] = [];
    let boundPort = port;
    try {
      for (const raw of this.config.value<readonly string[]>('bind')) {
        const optional = raw.startsWith('-');
        const spec = optional ? raw.slice(1) : raw;
        const host = spec === '*' ? '0.0.0.0' : spec === '::*' ? '::' : spec;
        try {
          if (plain) {
            const listener = await this.listen(host, boundPort, null);
            opened.push(listener);
            boundPort = (listener.address() as net.AddressInfo).port;
          }
          if (tlsOptions !== null) opened.push(await this.listen(host, tlsPort, tlsOptions));
        } catch (err) {
          if (!optional || (err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw err;
        }
      }
    } catch (err) {
      for (const listener of opened) listener.close();
      throw err;
    }
    this.listeners.push(...opened);
    if (boundPort !== port) this.config.load('port', String(boundPort));
    if (which.plain) this.boundPort = boundPort;
    if (which.tls) this.boundTlsPort = tlsPort;
    this.boundBind = this.config.get('bind')!;
  }

  /**
   * A parameter changed by CONFIG SET: the listeners follow port, bind and tls-port, the TLS
   * context the tls-* parameters. Returns an error text to undo the change.
   */
  configChanged(name: string): string | void {
    if (TLS_CONTEXT_PARAMS.has(name)) return this.reloadTls();
    if ((name === 'port' || name === 'bind' || name === 'tls-port') && this.listeners.length > 0) {
      void this.rebind({ plain: name !== 'tls-port', tls: name !== 'port' });
    }
  }

  async close(): Promise<void> {
    await Promise.all(
      this.listeners.map((l) => new Promise<void>((resolve) => l.close(() => resolve()))),
    );
    this.listeners.length = 0;
  }

  private listen(
    host: string,
    port: number,
    tlsOptions: tls.TlsOptions | null,
  ): Promise<net.Server> {
    return new Promise((resolve, reject) => {
      let listener: net.Server;
      if (tlsOptions === null) {
        listener = net.createServer((socket) => this.accept(socket));
      } else {
        listener = tls.createServer(tlsOptions, (socket) => {
          if (clientCertificateAccepted(socket)) this.accept(socket);
          else socket.destroy();
        });
        // A failed handshake concerns that client only.
        listener.on('tlsClientError', () => undefined);
      }
      listener.once('error', reject);
      listener.listen({ host, port, ipv6Only: host.includes(':') }, () => {
        listener.off('error', reject);
        resolve(listener);
      });
    });
  }

  /** CONFIG SET of a tls-* parameter: the TLS listeners take the new context, as Redis's do. */
  private reloadTls(): string | void {
    const tlsListeners = this.listeners.filter((l): l is tls.Server => l instanceof tls.Server);
    if (tlsListeners.length === 0) return;
    try {
      const options = tlsServerOptions(this.config);
      for (const listener of tlsListeners) {
        listener.setSecureContext(options);
        // Node reads these two per connection from the server, but sets them only when created.
        Object.assign(listener, {
          requestCert: options.requestCert,
          rejectUnauthorized: options.rejectUnauthorized,
        });
      }
    } catch (err) {
      if (!(err instanceof TlsConfigError)) throw err;
      this.log('warning', `Failed to configure TLS: ${err.message}`);
      return 'Unable to update TLS configuration. Check server logs.';
    }
  }

  /**
   * Listens on the configured port and addresses, then closes the old listeners. Binding is
   * asynchronous in Node, so CONFIG SET port/bind has already answered: on failure the old
   * listeners stay and the parameters are put back to what they serve.
   */
  private async rebind(which: ListenerKinds): Promise<void> {
    const previous = this.listeners.filter((l) =>
      l instanceof tls.Server ? which.tls : which.plain,
    );
    for (const listener of previous) this.listeners.splice(this.listeners.indexOf(listener), 1);
    const [oldPort, oldTlsPort, oldBind] = [this.boundPort, this.boundTlsPort, this.boundBind];
    try {
      await this.open(which);
    } catch (err) {
      this.log(
        'warning',
        `Unable to listen on the new port or address (${(err as Error).message}): ` +
          'port, tls-port and bind keep the values the server listens with',
      );
      this.listeners.push(...previous);
      this.config.load('port', String(oldPort));
      this.config.load('tls-port', String(oldTlsPort));
      this.config.load('bind', oldBind);
      return;
    }
    for (const listener of previous) listener.close();
  }
}
