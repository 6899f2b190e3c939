/**
 * Interactive mode, as redis-cli's repl(): a "host:port[db]> " prompt, command lines split with
 * redis-cli's quoting rules, an optional repeat count ("3 INCR k"), `help`, `:set hints`,
 * `connect host port`, `clear`, `quit`, a history file and, on terminals, line editing with
 * completion of command names and argument hints.
 *
 * Lines are read three ways, like linenoise: an editor (Node's readline) on capable terminals;
 * printed prompt and the terminal's own line editing on dumb ones; plain lines, no prompt, when
 * stdin is not a terminal.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import readline from 'node:readline';
import type { CommandHelp } from './help.js';
import { CliExit } from './io.js';
import { fixed } from './numbers.js';
import { atoi } from './options.js';
import type { Session } from './session.js';
import { splitInlineArgs } from '../resp/inline.js';

const HISTORY_MAX = 100;
/** Terminals linenoise does not drive; they get a printed prompt and no editing. */
const DUMB_TERMINALS = ['dumb', 'cons25', 'emacs'];

interface ReplState {
  session: Session;
  help: CommandHelp;
  hints: boolean;
  /** Oldest first, as the history file stores it; null without a terminal. */
  history: string[] | null;
  historyFile: string | null;
}

export async function repl(session: Session): Promise<number> {
  const { io } = session;
  session.interactive = true;
  const state: ReplState = {
    session,
    help: await session.commandHelp(),
    hints: true,
    history: null,
    historyFile: null,
  };
  if (io.stdinIsTty) {
    state.history = [];
    state.historyFile = dotfilePath('REDISCLI_HISTFILE', '.rediscli_history');
    if (state.historyFile !== null) state.history.push(...loadHistory(state.historyFile));
    loadPreferences(state);
  }
  const interrupted = new Interruption(session);
  try {
    const editor =
      io.stdinIsTty && io.stdoutIsTty && !DUMB_TERMINALS.includes(process.env.TERM ?? '');
    if (editor) await editorLoop(state, interrupted);
    else await lineLoop(state, interrupted);
  } finally {
    interrupted.dispose();
  }
  return 0;
}

/**
 * Ctrl-C that reaches the CLI as a signal (while a command runs, or at a prompt the terminal
 * edits): it ends MONITOR and SUBSCRIBE (back to the prompt); anything else ends the CLI with
 * status 1, as redis-cli's SIGINT handler does.
 */
class Interruption {
  private readonly interrupted: Promise<never>;
  private fire: (error: Error) => void = () => undefined;
  private readonly onSigint = () => {
    if (this.session.monitorMode || this.session.pubsubMode) this.session.abortBlocking();
    else this.fire(new CliExit(1));
  };

  constructor(private readonly session: Session) {
    this.interrupted = new Promise<never>((_, reject) => (this.fire = reject));
    this.interrupted.catch(() => undefined);
    process.on('SIGINT', this.onSigint);
  }

  /** Waits for `work`, or fails with the CLI's exit once Ctrl-C asked for it. */
  guard<T>(work: Promise<T>): Promise<T> {
    return Promise.race([work, this.interrupted]);
  }

  dispose(): void {
    process.off('SIGINT', this.onSigint);
  }
}

/** A terminal: readline edits the line, completes command names and shows hints. */
async function editorLoop(state: ReplState, interrupted: Interruption): Promise<void> {
  const { session } = state;
  const input = process.stdin;
  const output = process.stdout;
  const rl = readline.createInterface({
    input,
    output,
    terminal: true,
    history: [...(state.history ?? [])].reverse(),
    historySize: HISTORY_MAX,
    completer: (line: string) => [state.help.complete(toBytes(line)), line],
  });
  const hints = new HintPainter(state, rl, output);
  const lines = readLines(rl);
  try {
    for (;;) {
      rl.setPrompt(promptOf(session));
      rl.prompt();
      hints.paint();
      const line = await lines.next();
      if (line.done) {
        // Ctrl-C or Ctrl-D: linenoise ends the line it was editing.
        output.write('\n');
        return;
      }
      rl.pause();
      input.setRawMode(false);
      const result = await interrupted.guard(runLine(state, toBytes(line.value)));
      // readline records every line; redis-cli keeps AUTH and ACL SETUSER out of its history.
      const history = (rl as readline.Interface & { history: string[] }).history;
      if (!result.remembered && history[0] === line.value) history.shift();
      input.setRawMode(true);
      rl.resume();
      if (result.exit) return;
    }
  } finally {
    hints.dispose();
    rl.close();
  }
}

/** A dumb terminal, or stdin from a file or a pipe: lines end with "\n", no editing. */
async function lineLoop(state: ReplState, interrupted: Interruption): Promise<void> {
  const { session } = state;
  const io = session.io;
  const prompt = io.stdinIsTty;
  let pending = '';
  const chunks = io.stdinChunks()[Symbol.asyncIterator]();
  for (;;) {
    if (prompt) io.out(promptOf(session));
    let newline = pending.indexOf('\n');
    while (newline < 0) {
      const chunk = await interrupted.guard(chunks.next());
      if (chunk.done) {
        if (pending === '') return;
        newline = pending.length;
        pending += '\n';
        break;
      }
      pending += chunk.value.toString('latin1');
      newline = pending.indexOf('\n');
    }
    const line = pending.slice(0, newline);
    pending = pending.slice(newline + 1);
    const result = await interrupted.guard(runLine(state, line));
    if (result.exit) return;
  }
}

interface LineResult {
  /** quit or exit was typed. */
  exit: boolean;
  /** The line went into the history (AUTH and ACL SETUSER lines do not). */
  remembered: boolean;
}

/** Runs one typed line (latin1). */
async function runLine(state: ReplState, line: string): Promise<LineResult> {
  const { session } = state;
  const io = session.io;
  if (line === '') return { exit: false, remembered: false };
  const argv = splitInlineArgs(line);
  let repeat = 1;
  let skip = 0;
  if (argv !== null && argv.length > 1 && /^\s*[-+]?\d+$/.test(argv[0])) {
    repeat = Number(argv[0]);
    if (repeat <= 0 || !Number.isSafeInteger(repeat)) {
      io.out('Invalid redis-cli repeat command option value.\n');
      return { exit: false, remembered: false };
    }
    skip = 1;
  }
  const remembered = !(argv !== null && argv.length > 0 && isSensitive(argv.slice(skip)));
  if (remembered) remember(state, line);
  if (argv === null) {
    io.out('Invalid argument(s)\n');
    return { exit: false, remembered };
  }
  if (argv.length === 0) return { exit: false, remembered };
  const name = argv[0].toLowerCase();
  if (name === 'quit' || name === 'exit') return { exit: true, remembered };
  if (argv[0].startsWith(':')) {
    setPreference(state, argv, true);
  } else if (name === 'restart') {
    io.out("Use 'restart' only in Lua debugging mode.\n");
  } else if (name === 'connect' && argv.length === 3) {
    session.host = argv[1];
    session.port = atoi(argv[2]);
    await session.connect({ force: true });
  } else if (name === 'clear' && argv.length === 1) {
    io.out('\x1b[H\x1b[2J');
  } else {
    const start = Date.now();
    await session.issueCommand(argv.slice(skip), repeat);
    const elapsed = Date.now() - start;
    if (elapsed >= 500 && session.options.output === 'standard') {
      io.out(`(${fixed(elapsed / 1000, 2)}s)\n`);
    }
  }
  // Started without a server: the help arrives with the first connection.
  if (state.help.isEmpty && session.conn !== null) state.help = await session.commandHelp();
  return { exit: false, remembered };
}

/** Lines holding passwords stay out of the history. */
function isSensitive(argv: string[]): boolean {
  const name = (argv[0] ?? '').toLowerCase();
  return name === 'auth' || (name === 'acl' && (argv[1] ?? '').toLowerCase() === 'setuser');
}

function remember(state: ReplState, line: string): void {
  const history = state.history;
  if (history === null) return;
  if (history[history.length - 1] !== line) history.push(line);
  if (history.length > HISTORY_MAX) history.shift();
  if (state.historyFile !== null) saveHistory(state.historyFile, history);
}

function promptOf(session: Session): string {
  return session.conn === null ? 'not connected> ' : session.prompt;
}

/** `:set hints` and `:set nohints`, typed or read from ~/.redisclirc. */
function setPreference(state: ReplState, argv: string[], typed: boolean): void {
  const origin = typed ? '' : '.redisclirc: ';
  if (argv[0].toLowerCase() === ':set' && argv.length >= 2) {
    const value = argv[1].toLowerCase();
    if (value === 'hints') state.hints = true;
    else if (value === 'nohints') state.hints = false;
    else state.session.io.out(`${origin}unknown redis-cli preference '${argv[1]}'\n`);
  } else {
    state.session.io.out(`${origin}unknown redis-cli internal command '${argv[0]}'\n`);
  }
}

function loadPreferences(state: ReplState): void {
  const file = dotfilePath('REDISCLI_RCFILE', '.redisclirc');
  if (file === null) return;
  let text: string;
  try {
    text = readFileSync(file, 'latin1');
  } catch {
    return;
  }
  for (const line of text.split('\n')) {
    const argv = splitInlineArgs(line);
    if (argv !== null && argv.length > 0) setPreference(state, argv, false);
  }
}

/** $HOME/<name>, or the path in `variable`; null for /dev/null or without a home. */
function dotfilePath(variable: string, name: string): string | null {
  const override = process.env[variable];
  if (override) return override === '/dev/null' ? null : override;
  const home = process.env.HOME;
  return home ? `${home}/${name}` : null;
}

function loadHistory(file: string): string[] {
  try {
    const lines = readFileSync(file, 'utf8').split('\n');
    return lines
      .filter((line) => line !== '')
      .map((line) => line.replace(/\r$/, ''))
      .slice(-HISTORY_MAX);
  } catch {
    return [];
  }
}

function saveHistory(file: string, history: string[]): void {
  try {
    writeFileSync(file, history.map((line) => `${line}\n`).join(''), {
      encoding: 'latin1',
      mode: 0o600,
    });
    chmodSync(file, 0o600);
  } catch {
    // Like linenoise: a history that cannot be saved is not an error.
  }
}

/** Lines from readline as an iterator that ends on Ctrl-C or Ctrl-D (readline's close). */
function readLines(rl: readline.Interface): AsyncIterator<string> {
  const queued: string[] = [];
  let waiting: ((result: IteratorResult<string>) => void) | null = null;
  let closed = false;
  const settle = () => {
    if (waiting === null) return;
    const resolve = waiting;
    if (queued.length > 0) {
      waiting = null;
      resolve({ done: false, value: queued.shift()! });
    } else if (closed) {
      waiting = null;
      resolve({ done: true, value: undefined });
    }
  };
  rl.on('line', (line) => {
    queued.push(line);
    settle();
  });
  // Ctrl-C at the prompt ends redis-cli (linenoise returns no line).
  rl.on('SIGINT', () => rl.close());
  rl.on('close', () => {
    closed = true;
    settle();
  });
  return {
    next: () =>
      new Promise((resolve) => {
        waiting = resolve;
        settle();
      }),
  };
}

/**
 * Draws the argument hint after the cursor, in grey, while the cursor is at the end of the line
 * (linenoise's hints callback), and wipes it before the line is entered.
 */
class HintPainter {
  private readonly afterKey = () => this.paint();
  private readonly beforeKey = (_: string, key: readline.Key | undefined) => {
    if (key?.name === 'return' || key?.name === 'enter') this.output.write('\x1b[0K');
  };

  constructor(
    private readonly state: ReplState,
    private readonly rl: readline.Interface,
    private readonly output: NodeJS.WriteStream,
  ) {
    process.stdin.prependListener('keypress', this.beforeKey);
    process.stdin.on('keypress', this.afterKey);
  }

  paint(): void {
    if (!this.state.hints || this.rl.cursor !== this.rl.line.length) return;
    const hint = this.state.help.hint(toBytes(this.rl.line));
    if (!hint) return;
    const used = this.rl.getPrompt().length + this.rl.line.length;
    const shown = hint.slice(0, Math.max(0, (this.output.columns ?? 80) - used - 1));
    if (shown === '') return;
    this.output.write(`\x1b[0K\x1b[0;90;49m${shown}\x1b[0m\x1b[${shown.length}D`);
  }

  dispose(): void {
    process.stdin.off('keypress', this.beforeKey);
    process.stdin.off('keypress', this.afterKey);
  }
}

/** A line typed on the terminal (UTF-8) as the bytes it stands for, one char per byte. */
function toBytes(line: string): string {
  return Buffer.from(line, 'utf8').toString('latin1');
}
