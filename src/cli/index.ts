/**
 * `kvik cli`: a redis-cli work-alike. Parses the options, then runs one of the modes: a single
 * command, the REPL, --eval, --pipe, --scan, --bigkeys/--memkeys/--hotkeys, --latency*, --stat,
 * --rdb or --replica.
 */
import { readFileSync } from 'node:fs';
import { systemErrorText } from './connection.js';
import { CliExit, processIo, type CliIo } from './io.js';
import { latencyDistMode, intrinsicLatencyMode, latencyMode } from './latency.js';
import { findBigKeys, findHotKeys } from './keyspace-stats.js';
import { OptionsExit, parseOptions, type CliOptions } from './options.js';
import { pipeMode } from './pipe.js';
import { repl } from './repl.js';
import { scanMode } from './scan.js';
import { Session } from './session.js';
import { statMode } from './stat.js';
import { fetchRdb, replicaMode } from './sync.js';
import { splitInlineArgs } from '../resp/inline.js';
import { KVIK_VERSION } from '../package-version.js';

/** Runs the CLI with the arguments after `kvik cli`; resolves to the exit status. */
export async function runCli(
  argv: string[],
  io: CliIo = processIo(),
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const parsed = parseOptions(argv, env, io.stdoutIsTty, KVIK_VERSION);
  if (parsed instanceof OptionsExit) {
    io.out(parsed.stdout);
    io.err(parsed.stderr);
    return parsed.code;
  }
  io.err(parsed.warning);
  const session = new Session(parsed.options, io);
  try {
    return await run(session);
  } catch (error) {
    if (error instanceof CliExit) return error.code;
    throw error;
  } finally {
    session.conn?.close();
  }
}

async function run(session: Session): Promise<number> {
  const options = session.options;
  if (options.mode === 'intrinsic-latency') return intrinsicLatencyMode(session);
  if (options.mode !== 'command') {
    if (!(await session.connect())) return 1;
    return MODES[options.mode](session);
  }
  if (options.evalFile !== undefined) {
    if (!(await session.connect())) return 1;
    return evalMode(session, options.evalFile);
  }
  if (options.args.length === 0) {
    // The REPL starts even without a server: every command tries to connect again.
    await session.connect();
    return repl(session);
  }
  await session.connect({ quiet: true });
  return noninteractive(session);
}

const MODES: Record<
  Exclude<CliOptions['mode'], 'command' | 'intrinsic-latency'>,
  (session: Session) => Promise<number>
> = {
  scan: scanMode,
  bigkeys: (session) => findBigKeys(session, false),
  memkeys: (session) => findBigKeys(session, true),
  hotkeys: findHotKeys,
  latency: latencyMode,
  'latency-history': latencyMode,
  'latency-dist': latencyDistMode,
  stat: statMode,
  pipe: pipeMode,
  rdb: fetchRdb,
  'functions-rdb': fetchRdb,
  replica: replicaMode,
};

/** One command from the command line (plus -x/-X input), then exit. */
async function noninteractive(session: Session): Promise<number> {
  const { options, io } = session;
  let args = options.args;
  if (options.quotedInput) {
    const unquoted = args.map((arg) => splitInlineArgs(arg));
    if (unquoted.some((words) => words === null || words.length !== 1)) {
      io.out('Invalid quoted string\n');
      return 1;
    }
    args = unquoted.map((words) => words![0]);
  }
  if (options.stdinLastArg) {
    args = [...args, (await io.readStdin()).toString('latin1')];
  } else if (options.stdinTag !== undefined) {
    const index = args.indexOf(options.stdinTag);
    if (index < 0) {
      io.err('Using -X option but stdin tag not match.\n');
      return 1;
    }
    args = [...args];
    args[index] = (await io.readStdin()).toString('latin1');
  }
  return (await session.issueCommand(args)) ? 0 : 1;
}

/** --eval file key1 key2 , arg1 arg2: EVAL with the script's text, keys before the comma. */
async function evalMode(session: Session, file: string): Promise<number> {
  let script: string;
  try {
    script = readFileSync(file).toString('latin1');
  } catch (error) {
    session.io.err(`Can't open file '${file}': ${systemErrorText(error as Error)}\n`);
    return 1;
  }
  const args = session.options.args;
  const comma = args.indexOf(',');
  const keys = comma < 0 ? args : args.slice(0, comma);
  const argv = comma < 0 ? [] : args.slice(comma + 1);
  const ok = await session.issueCommand(['EVAL', script, String(keys.length), ...keys, ...argv]);
  return ok ? 0 : 1;
}
