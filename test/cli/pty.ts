/**
 * Drives a CLI through a pseudo-terminal: util-linux `script` gives it one, we type into it and
 * read the screen output back. The terminal is 200 columns wide, so line editors need not ask
 * the terminal for its size.
 *
 * `script` runs the command with `$SHELL -c`. Ctrl-C signals the whole foreground group, shell
 * included, and a shell that dies of it never prints the exit status: the wrapper traps SIGINT
 * (a trap, unlike an ignored signal, is reset to the default in the CLI it starts) and SHELL is
 * pinned so the behaviour does not depend on the machine's login shell.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT, shellQuote } from './harness.js';

const EXIT_MARK = /\[exit=(\d+)\]/;

export class PtySession {
  output = '';
  private readonly child: ChildProcess;
  private listeners: (() => void)[] = [];

  private constructor(argv: string[], env: Record<string, string>) {
    const command = `trap : INT; stty cols 200 rows 50; ${argv.map(shellQuote).join(' ')}; echo "[exit=$?]"`;
    this.child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: ROOT,
      env: { ...process.env, ...env, SHELL: '/bin/sh' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.output += chunk.toString('latin1');
      for (const listener of this.listeners) listener();
    });
    this.child.stdin!.on('error', () => undefined);
  }

  static start(argv: string[], env: Record<string, string> = {}): PtySession {
    return new PtySession(argv, env);
  }

  /** Types text (use "\r" for Enter, "\x03" for Ctrl-C). */
  type(text: string): void {
    this.child.stdin!.write(Buffer.from(text, 'latin1'));
  }

  /** Waits until the output after `from` satisfies `done`. */
  waitFor(
    done: (output: string) => boolean,
    what: string,
    from = 0,
    timeoutMs = 20_000,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!done(this.output.slice(from))) return false;
        this.listeners = this.listeners.filter((l) => l !== listener);
        clearTimeout(timer);
        resolve();
        return true;
      };
      const listener = () => void check();
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== listener);
        reject(new Error(`timed out waiting for ${what}; output: ${JSON.stringify(this.output)}`));
      }, timeoutMs);
      if (!check()) this.listeners.push(listener);
    });
  }

  /** Waits for the text (or pattern) to appear after `from`. */
  waitForText(text: string | RegExp, from = 0): Promise<void> {
    const found = (output: string) =>
      typeof text === 'string' ? output.includes(text) : text.test(output);
    return this.waitFor(found, String(text), from);
  }

  /**
   * Types a line and waits for `reply`, then for `prompt` to be drawn again after it. The reply
   * is looked for after the line ends on screen ("\r\n"): the line editor's redraws of the typed
   * text may contain it too, and typing on before the command ran would race redis-cli, whose
   * line editor discards type-ahead when it next enters raw mode.
   */
  async command(line: string, reply: string, prompt: string): Promise<void> {
    const from = this.output.length;
    this.type(`${line}\r`);
    await this.waitFor(
      (output) => {
        const submitted = output.indexOf('\r\n');
        if (submitted < 0) return false;
        const at = output.indexOf(reply, submitted);
        return at >= 0 && output.indexOf(prompt, at) >= 0;
      },
      `${JSON.stringify(reply)} then the prompt after ${JSON.stringify(line)}`,
      from,
    );
  }

  /** Types a line and waits for the next prompt ("> " at the end of the output). */
  async line(text: string): Promise<void> {
    const from = this.output.length;
    this.type(`${text}\r`);
    await this.waitFor(
      (output) => output.length > text.length + 2 && /> $/.test(output),
      `the prompt after ${JSON.stringify(text)}`,
      from,
    );
  }

  /** Waits for the CLI to end and returns its exit status; the terminal is then closed. */
  async exitCode(): Promise<number> {
    await this.waitForText(EXIT_MARK);
    this.close();
    return Number(EXIT_MARK.exec(this.output)![1]);
  }

  /** The output without the exit status line. */
  get transcript(): string {
    return this.output.replace(/\[exit=\d+\]\r\n$/, '');
  }

  close(): void {
    this.child.kill('SIGKILL');
  }
}
