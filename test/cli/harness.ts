/**
 * Runs redis-cli and `kvik cli` the same way and captures what they print, so their output can be
 * compared byte for byte. Kvik's CLI runs in this process (fast, many cases) or as
 * `node --import tsx src/main.ts cli` (end to end). "tty" runs a process under util-linux
 * `script`, which gives it a pseudo-terminal; the in-process CLI is told its stdout is a terminal
 * and its newlines get the terminal's "\r\n".
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/index.js';
import { CliExit, type CliIo } from '../../src/cli/io.js';

export interface CliRun {
  /** latin1; in tty mode stdout and stderr as the terminal showed them, interleaved. */
  stdout: string;
  stderr: string;
  code: number | null;
}

export interface RunOptions {
  /** stdout is a terminal. */
  tty?: boolean;
  stdin?: string | Buffer;
  env?: Record<string, string>;
  /** Stop the in-process CLI (status 0) once it printed this many lines, for endless modes. */
  maxLines?: number;
  /** Stop the in-process CLI (status 0) once its stdout matches. */
  stopWhen?: RegExp;
}

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const KVIK_CLI = [process.execPath, '--import', 'tsx', 'src/main.ts', 'cli'];

export function redisCli(port: number, args: string[], options: RunOptions = {}): Promise<CliRun> {
  return spawnCli(['redis-cli', '-p', String(port), ...args], options);
}

export function kvikCliProcess(
  port: number,
  args: string[],
  options: RunOptions = {},
): Promise<CliRun> {
  return spawnCli([...KVIK_CLI, '-p', String(port), ...args], options);
}

/** Kvik's CLI in this process, with the streams captured. */
export async function kvikCli(
  port: number,
  args: string[],
  options: RunOptions = {},
): Promise<CliRun> {
  const tty = options.tty ?? false;
  let stdout = '';
  let stderr = '';
  let lines = 0;
  const stdin = bytes(options.stdin ?? '');
  const io: CliIo = {
    out: (text) => {
      stdout += tty ? text.replaceAll('\n', '\r\n') : text;
      lines += text.split('\n').length - 1;
      if (options.maxLines !== undefined && lines >= options.maxLines) throw new CliExit(0);
      if (options.stopWhen?.test(stdout)) throw new CliExit(0);
    },
    err: (text) => {
      if (tty) stdout += text.replaceAll('\n', '\r\n');
      else stderr += text;
    },
    stdoutIsTty: tty,
    stdinIsTty: false,
    stdinChunks: async function* () {
      if (stdin.length > 0) yield stdin;
    },
    readStdin: async () => stdin,
  };
  const code = await runCli(['-p', String(port), ...args], io, { ...cleanEnv(), ...options.env });
  return { stdout, stderr, code };
}

/** Runs a command line, under `script` for a terminal. */
export function spawnCli(argv: string[], options: RunOptions = {}): Promise<CliRun> {
  const command = options.tty
    ? ['script', '-qec', argv.map(shellQuote).join(' '), '/dev/null']
    : argv;
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), {
      cwd: ROOT,
      env: { ...cleanEnv(), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        stdout: Buffer.concat(out).toString('latin1'),
        stderr: Buffer.concat(err).toString('latin1'),
        code,
      }),
    );
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin === undefined ? undefined : bytes(options.stdin));
  });
}

/** Asserts redis-cli and Kvik's in-process CLI print the same bytes and exit the same way. */
export async function assertSame(
  port: number,
  args: string[],
  options: RunOptions = {},
): Promise<CliRun> {
  const expected = await redisCli(port, args, options);
  const actual = await kvikCli(port, args, options);
  assert.deepEqual(actual, expected, `${options.tty ? 'tty' : 'raw'}: ${JSON.stringify(args)}`);
  return actual;
}

/** assertSame with stdout a pipe, then a terminal. */
export async function assertSameBothWays(
  port: number,
  args: string[],
  options: RunOptions = {},
): Promise<void> {
  await assertSame(port, args, { ...options, tty: false });
  await assertSame(port, args, { ...options, tty: true });
}

function bytes(data: string | Buffer): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
}

export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** The environment without the variables that change how the CLIs behave. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(REDISCLI_|FAKETTY$)/.test(key)) env[key] = value;
  }
  return env;
}

/** Runs redis-cli until it printed `lines` lines (or `until` matched), then stops it. */
export function redisCliUntil(
  port: number,
  args: string[],
  stop: { lines?: number; until?: RegExp },
  options: RunOptions = {},
): Promise<CliRun> {
  const command = ['redis-cli', '-p', String(port), ...args];
  // stdbuf: redis-cli's stdout is line buffered even when it is a pipe.
  const argv = options.tty
    ? ['script', '-qfec', command.map(shellQuote).join(' '), '/dev/null']
    : ['stdbuf', '-oL', ...command];
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), {
      cwd: ROOT,
      env: { ...cleanEnv(), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const check = () => {
      const enough =
        (stop.lines !== undefined && stdout.split('\n').length - 1 >= stop.lines) ||
        (stop.until !== undefined && stop.until.test(stdout));
      if (enough) child.kill('SIGKILL');
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('latin1');
      check();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('latin1')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code }));
  });
}
