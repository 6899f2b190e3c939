/**
 * A CLI session: the connection and the state redis-cli keeps around it (selected database,
 * MULTI, MONITOR and SUBSCRIBE modes, cluster redirections), sending commands and printing their
 * replies the way redis-cli's cliSendCommand and cliReadReply do.
 */
import { CliConnection, ConnectionError, encodeCommand, type Endpoint } from './connection.js';
import { FormatError, formatReply } from './format.js';
import { CommandHelp, GENERIC_HELP } from './help.js';
import { CliExit, sleep, type CliIo } from './io.js';
import { atoi, type CliOptions } from './options.js';
import { cString } from './quote.js';
import type { Reply, ReplyType } from './reply.js';
import { streamReplication } from './sync.js';
import { KVIK_VERSION } from '../package-version.js';

export class Session {
  conn: CliConnection | null = null;
  /** The database selected on the server (redis-cli's config.dbnum). */
  dbnum: number;
  host: string;
  port: number;
  /** True in the REPL: lost connections are re-established instead of ending the CLI. */
  interactive = false;
  monitorMode = false;
  pubsubMode = false;
  private inMulti = false;
  private preMultiDbnum = 0;
  /** Ctrl-C ended MONITOR or SUBSCRIBE: the next read failure reconnects instead of failing. */
  private blockingAborted = false;
  private shutdown = false;
  private clusterReissue = false;
  private clusterAsking = false;
  lastReplyType: ReplyType | null = null;
  private help: CommandHelp | null = null;

  constructor(
    readonly options: CliOptions,
    readonly io: CliIo,
  ) {
    this.dbnum = options.dbnum;
    this.host = options.host;
    this.port = options.port;
  }

  /** The REPL prompt: "host:port[db](TX)> ". */
  get prompt(): string {
    let prompt = this.options.socket !== undefined ? `redis ${this.options.socket}` : this.address;
    if (this.dbnum !== 0) prompt += `[${this.dbnum}]`;
    if (this.inMulti) prompt += '(TX)';
    return prompt + '> ';
  }

  private get address(): string {
    return this.host.includes(':') ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`;
  }

  /**
   * Connects (again when `force`), then authenticates, selects the database and switches
   * protocol. False when any step failed; the connection may still be open after a failed AUTH,
   * as with redis-cli.
   */
  async connect({ force = false, quiet = false } = {}): Promise<boolean> {
    if (this.conn !== null && !force) return true;
    this.conn?.close();
    this.conn = null;
    const useSocket =
      this.options.socket !== undefined && !(this.options.cluster && this.clusterReissue);
    const endpoint: Endpoint = useSocket
      ? { socket: this.options.socket! }
      : { host: this.host, port: this.port };
    try {
      this.conn = await CliConnection.open(endpoint, this.options.tls);
    } catch (error) {
      if (!quiet) {
        const where = useSocket ? this.options.socket : `${this.host}:${this.port}`;
        this.io.err(`Could not connect to Redis at ${where}: ${(error as Error).message}\n`);
      }
      return false;
    }
    this.restorePushHandling();
    return (await this.authenticate()) && (await this.selectDb()) && (await this.switchProtocol());
  }

  /** Sends a command for the CLI's own use and returns its reply, or null on I/O failure. */
  async command(...args: string[]): Promise<Reply | null> {
    if (this.conn === null) return null;
    try {
      return await this.conn.call(...args);
    } catch (error) {
      if (error instanceof ConnectionError) return null;
      throw error;
    }
  }

  /** Like command(), but a lost connection ends the CLI with "I/O error". */
  async mustCommand(...args: string[]): Promise<Reply> {
    const reply = await this.command(...args);
    if (reply === null) {
      this.io.err('\nI/O error\n');
      throw new CliExit(1);
    }
    return reply;
  }

  /**
   * A command for the monitoring modes (--stat, --latency): while the server is unreachable it
   * shows "Reconnecting... N" and tries again every second.
   */
  async reconnectingCommand(...args: string[]): Promise<Reply> {
    let tries = 0;
    for (;;) {
      const reply = await this.command(...args);
      if (reply !== null) {
        if (tries > 0) this.io.out('\r\x1b[0K');
        return reply;
      }
      this.io.out(`\r\x1b[0KReconnecting... ${++tries}\r`);
      await this.connect({ force: true, quiet: true });
      await sleep(1000);
    }
  }

  private async authenticate(): Promise<boolean> {
    const { auth, user } = this.options;
    if (auth === undefined) return true;
    const reply = await this.command(
      ...(user === undefined ? ['AUTH', auth] : ['AUTH', user, auth]),
    );
    return this.checkSetup(reply, (message) => `AUTH failed: ${message}`);
  }

  private async selectDb(): Promise<boolean> {
    if (this.dbnum === 0) return true;
    const reply = await this.command('SELECT', String(this.dbnum));
    return this.checkSetup(reply, (message) => `SELECT ${this.dbnum} failed: ${message}`);
  }

  private async switchProtocol(): Promise<boolean> {
    if (this.options.resp !== 3) return true;
    const reply = await this.command('HELLO', '3');
    return this.checkSetup(reply, (message) => `HELLO 3 failed: ${message}`);
  }

  private checkSetup(reply: Reply | null, describe: (message: string) => string): boolean {
    if (reply === null) {
      this.io.err('\nI/O error\n');
      return false;
    }
    if (reply.type === 'error') {
      this.io.err(`${describe(cString(reply.value))}\n`);
      return false;
    }
    return true;
  }

  /** Where RESP3 push messages go outside subscriptions: printed on terminals, else dropped. */
  private restorePushHandling(): void {
    if (this.conn === null) return;
    this.conn.pushHandling = this.options.showPushes ? (push) => this.printPush(push) : 'discard';
  }

  private printPush(push: Reply): void {
    if (this.options.output === 'standard' && isInvalidation(push)) {
      const keys = (
        push.type === 'push' && push.items[1].type === 'array' ? push.items[1].items : []
      )
        .map((key) => `'${key.type === 'bulk' ? cString(key.value) : ''}'`)
        .join(', ');
      this.io.out(`-> invalidate: ${keys}\n`);
    } else {
      this.print(push, false);
    }
  }

  /** Prints a reply in the output mode, failing like redis-cli on types it cannot print. */
  print(reply: Reply, verbatim: boolean, output = this.options.output): void {
    let text: string;
    try {
      text = formatReply(reply, { ...this.options, output }, verbatim);
    } catch (error) {
      if (!(error instanceof FormatError)) throw error;
      this.io.err(`${error.message}\n`);
      throw new CliExit(1);
    }
    this.io.out(text);
  }

  /** Ends MONITOR or SUBSCRIBE (Ctrl-C in the REPL): closes the connection to reopen it. */
  abortBlocking(): void {
    this.blockingAborted = true;
    this.conn?.close();
  }

  /**
   * Runs a typed or command line command (`repeat` times; negative for ever) and prints its
   * replies, as redis-cli's issueCommandRepeat: `help` is answered locally; a missing or broken
   * connection is opened again first; a redirection (-c) sends the command again elsewhere.
   * False when the command could not be run; the connection is then dropped.
   */
  async issueCommand(argv: string[], repeat = this.options.repeat): Promise<boolean> {
    const name = argv[0].toLowerCase();
    if (name === 'help' || name === '?') {
      await this.outputHelp(argv.slice(1));
      return true;
    }
    for (;;) {
      if (this.clusterReissue || this.conn === null || this.conn.failureSeen) {
        if (!(await this.connect({ force: true }))) {
          this.printContextError();
          this.clusterReissue = false;
          return false;
        }
      }
      this.clusterReissue = false;
      if (this.clusterAsking && !(await this.sendAsking())) {
        this.printContextError();
        return false;
      }
      if (!(await this.sendCommand(argv, repeat))) {
        this.printContextError();
        this.conn?.close();
        this.conn = null;
        return false;
      }
      if (!(this.options.cluster && this.clusterReissue)) return true;
    }
  }

  /** "Error: <why the connection failed>", empty when it did not. */
  private printContextError(): void {
    if (this.conn !== null) this.io.err(`Error: ${this.conn.error?.message ?? ''}\n`);
  }

  private async sendCommand(argv: string[], repeat: number): Promise<boolean> {
    const name = argv[0].toLowerCase();
    if (this.conn === null) return false;
    const verbatim = printsVerbatim(argv);
    if (name === 'shutdown') this.shutdown = true;
    if (name === 'monitor') this.monitorMode = true;
    if (name === 'subscribe' || name === 'psubscribe' || name === 'ssubscribe') {
      this.pubsubMode = true;
    }
    if (name === 'sync' || name === 'psync') {
      this.io.out('Entering replica output mode...  (press Ctrl-C to quit)\n');
      await streamReplication(this, encodeCommand(argv));
      return false;
    }
    while (repeat < 0 || repeat-- > 0) {
      this.conn!.send(argv);
      if (this.monitorMode) {
        await this.streamMonitor(verbatim);
        return true;
      }
      if (this.pubsubMode) {
        await this.streamMessages(verbatim);
        continue;
      }
      if (!(await this.readReply(verbatim))) return false;
      await this.trackState(name, argv);
      if (this.clusterReissue) break;
      if (this.options.intervalMicros > 0) await sleep(this.options.intervalMicros / 1000);
    }
    return true;
  }

  /** Prints what MONITOR sends until the connection ends or Ctrl-C. */
  private async streamMonitor(verbatim: boolean): Promise<void> {
    do {
      await this.mustReadReply(verbatim);
      if (this.lastReplyType === 'error') this.monitorMode = false;
    } while (this.monitorMode);
  }

  /** Prints subscription messages (arrays in RESP2, push messages in RESP3) until Ctrl-C. */
  private async streamMessages(verbatim: boolean): Promise<void> {
    if (this.options.output !== 'raw') this.io.out('Reading messages... (press Ctrl-C to quit)\n');
    this.conn!.pushHandling = 'inline';
    while (this.pubsubMode) {
      await this.mustReadReply(verbatim);
      if (!this.pubsubMode || this.lastReplyType === 'error') {
        this.restorePushHandling();
        this.pubsubMode = false;
      }
    }
  }

  private async mustReadReply(verbatim: boolean): Promise<void> {
    if (!(await this.readReply(verbatim))) {
      this.printContextError();
      throw new CliExit(1);
    }
  }

  /** What redis-cli remembers from a reply: the selected database, an open transaction. */
  private async trackState(name: string, argv: string[]): Promise<void> {
    const failed = this.lastReplyType === 'error';
    if (name === 'select' && argv.length === 2 && !failed) {
      this.dbnum = atoi(argv[1]);
    } else if (name === 'auth' && (argv.length === 2 || argv.length === 3)) {
      await this.selectDb();
    } else if (name === 'multi' && argv.length === 1 && !failed) {
      this.inMulti = true;
      this.preMultiDbnum = this.dbnum;
    } else if (name === 'exec' && argv.length === 1 && this.inMulti) {
      this.inMulti = false;
      if (failed || this.lastReplyType === 'null') this.dbnum = this.preMultiDbnum;
    } else if (name === 'discard' && argv.length === 1 && !failed) {
      this.inMulti = false;
      this.dbnum = this.preMultiDbnum;
    } else if (name === 'reset' && argv.length === 1 && !failed) {
      this.inMulti = false;
      this.dbnum = 0;
    }
  }

  /**
   * Reads and prints one reply. False when the connection was lost in the REPL (the next
   * command connects again); other failures end the CLI.
   */
  async readReply(verbatim: boolean): Promise<boolean> {
    let reply: Reply;
    try {
      reply = await this.conn!.readReply();
    } catch (error) {
      if (!(error instanceof ConnectionError)) throw error;
      return this.readFailed(error);
    }
    if (containsAttribute(reply)) {
      // redis-cli 7.0's hiredis refuses RESP3 attributes as a protocol error.
      this.io.err('Error: Protocol error, got "|" as reply type byte\n');
      throw new CliExit(1);
    }
    this.lastReplyType = reply.type;
    if (this.options.cluster && reply.type === 'error' && this.redirect(reply.value)) return true;
    if (!this.interactive && this.options.exitOnError && reply.type === 'error') {
      this.io.err(`${cString(reply.value)}\n`);
      throw new CliExit(1);
    }
    this.print(reply, verbatim);
    return true;
  }

  private async readFailed(error: ConnectionError): Promise<boolean> {
    if (this.blockingAborted) {
      this.blockingAborted = false;
      this.monitorMode = false;
      this.pubsubMode = false;
      return this.connect({ force: true });
    }
    if (this.shutdown) {
      this.conn = null;
      return true;
    }
    if (this.interactive && error.kind !== 'protocol') return false;
    this.io.err(`Error: ${error.message}\n`);
    throw new CliExit(1);
  }

  /** Follows "MOVED <slot> <host>:<port>" and "ASK ..." (-c): the command is sent again there. */
  private redirect(message: string): boolean {
    const match = /^(MOVED|ASK) (\d+) (.*):(\d+)$/.exec(message);
    if (match === null) return false;
    const [, kind, slot, host, port] = match;
    if (host !== '') this.host = host;
    this.port = Number(port);
    if (this.interactive) {
      this.io.out(`-> Redirected to slot [${slot}] located at ${this.host}:${this.port}\n`);
    }
    this.clusterReissue = true;
    this.clusterAsking = kind === 'ASK';
    return true;
  }

  private async sendAsking(): Promise<boolean> {
    this.clusterAsking = false;
    const reply = await this.command('ASKING');
    if (reply === null) {
      this.io.err('\nI/O error\n');
      return false;
    }
    if (reply.type === 'error') {
      this.io.err(`ASKING failed: ${cString(reply.value)}\n`);
      return false;
    }
    return true;
  }

  /** `help ...`: the generic text, or the help of commands and groups from COMMAND DOCS. */
  private async outputHelp(args: string[]): Promise<void> {
    if (args.length === 0) {
      this.io.out(genericHelp());
      return;
    }
    this.io.out((await this.commandHelp()).output(args));
  }

  /** Help built from the server's COMMAND DOCS, asked until a server answered. */
  async commandHelp(): Promise<CommandHelp> {
    if (this.help === null || this.help.isEmpty) {
      await this.connect({ quiet: true });
      const docs = await this.command('COMMAND', 'DOCS');
      this.help =
        docs !== null && docs.type !== 'error' ? CommandHelp.fromDocs(docs) : CommandHelp.empty();
    }
    return this.help;
  }
}

/** Commands whose text reply redis-cli prints as is, even on terminals. */
function printsVerbatim(argv: string[]): boolean {
  const [name, sub] = [argv[0].toLowerCase(), (argv[1] ?? '').toLowerCase()];
  const n = argv.length;
  switch (name) {
    case 'info':
    case 'lolwut':
      return true;
    case 'debug':
      return n >= 2 && ['htstats', 'htstats-key', 'client-eviction'].includes(sub);
    case 'memory':
      return n >= 2 && (sub === 'malloc-stats' || sub === 'doctor');
    case 'cluster':
      return n === 2 && (sub === 'nodes' || sub === 'info');
    case 'client':
      return n >= 2 && (sub === 'list' || sub === 'info');
    case 'latency':
      return (n === 3 && sub === 'graph') || (n === 2 && sub === 'doctor');
    case 'proxy':
      return n >= 2 && sub === 'info';
    default:
      return false;
  }
}

function isInvalidation(push: Reply): boolean {
  return (
    push.type === 'push' &&
    push.items.length === 2 &&
    push.items[0].type === 'bulk' &&
    push.items[0].value.startsWith('invalidate') &&
    push.items[1].type === 'array'
  );
}

function containsAttribute(reply: Reply): boolean {
  switch (reply.type) {
    case 'attribute':
      return true;
    case 'array':
    case 'set':
    case 'push':
      return reply.items.some(containsAttribute);
    case 'map':
      return reply.entries.some(
        ([key, value]) => containsAttribute(key) || containsAttribute(value),
      );
    default:
      return false;
  }
}

/** The text of a bare `help`. */
function genericHelp(): string {
  return `kvik cli ${KVIK_VERSION}\n${GENERIC_HELP}`;
}
