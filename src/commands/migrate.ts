/**
 * MIGRATE (cluster.c's migrateCommand): sends keys to another server as RESTORE commands carrying
 * DUMP payloads (after AUTH and SELECT), then deletes the keys the target acknowledged unless
 * COPY, propagated as one DEL. Like Redis, MIGRATE blocks the server while it talks to the
 * target: the exchange runs in a short-lived child process waited for synchronously (Node has no
 * blocking sockets), so the command stays atomic, in MULTI and scripts too. No connection is
 * cached between calls, so every MIGRATE sends SELECT.
 */
import { execFileSync } from 'node:child_process';
import { defineCommand, type CommandSpec, type KeyReference } from '../dispatch/command.js';
import { ReplyError, type CommandContext } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { parseInt64 } from '../dispatch/numbers.js';
import type { StoredValue } from '../keyspace/values.js';
import { dumpValue } from './dump.js';
import { keysAt } from './key-specs.js';

interface MigrateArgs {
  host: string;
  port: string;
  dbId: number;
  timeout: number;
  copy: boolean;
  replace: boolean;
  /** AUTH password, or AUTH2 username password. */
  auth: string[] | null;
  keys: string[];
}

function parseMigrate(argv: string[]): MigrateArgs {
  const args: MigrateArgs = {
    host: argv[1],
    port: argv[2],
    dbId: 0,
    timeout: 0,
    copy: false,
    replace: false,
    auth: null,
    keys: [argv[3]],
  };
  for (let i = 6; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const option = argv[i].toLowerCase();
    if (option === 'copy') args.copy = true;
    else if (option === 'replace') args.replace = true;
    else if (option === 'auth' && more >= 1) args.auth = [argv[++i]];
    else if (option === 'auth2' && more >= 2) args.auth = [argv[++i], argv[++i]];
    else if (option === 'keys') {
      if (argv[3] !== '') throw new ReplyError(Err.migrateKeysNeedEmptyKey);
      args.keys = argv.slice(i + 1);
      break;
    } else throw new ReplyError(Err.syntax);
  }
  args.timeout = integerArgument(argv[5]);
  args.dbId = integerArgument(argv[4]);
  if (args.timeout <= 0) args.timeout = 1000;
  return args;
}

function integerArgument(arg: string): number {
  const n = parseInt64(arg);
  if (n === null) throw new ReplyError(Err.notInteger);
  return Number(n);
}

/**
 * The child process's program: connects, writes stdin to the target, reads `expected` reply
 * lines, and prints { lines, failed } as JSON; `failed` names the stage an error or timeout hit,
 * as Redis reports it.
 */
const EXCHANGE = `
const net = require('node:net');
const [host, port, expected, timeout] = process.argv.slice(1);
const input = [];
const lines = [];
let stage = 'connecting';
const done = (failed) => { process.stdout.write(JSON.stringify({ lines, failed })); process.exit(0); };
process.stdin.on('data', (chunk) => input.push(chunk));
process.stdin.on('end', () => {
  const socket = net.connect({ host, port: Number(port) || 0 });
  socket.setTimeout(Number(timeout), () => done(stage));
  // A refused connection shows in Redis as a failed first write (its connect is non-blocking).
  socket.on('error', (err) => done(stage === 'connecting' && err.code === 'ECONNREFUSED' ? 'writing' : stage));
  socket.on('close', () => done(stage));
  socket.on('connect', () => {
    stage = 'writing';
    socket.write(Buffer.concat(input), () => { stage = 'reading'; });
  });
  let buffer = '';
  socket.on('data', (data) => {
    buffer += data.toString('latin1');
    for (let end; (end = buffer.indexOf('\\r\\n')) >= 0; buffer = buffer.slice(end + 2)) {
      lines.push(buffer.slice(0, end));
      if (lines.length === Number(expected)) done(null);
    }
  });
});
`;

/** A command as a RESP multibulk (arguments are latin1 strings). */
function encodeCommand(argv: readonly string[]): Buffer {
  let text = `*${argv.length}\r\n`;
  for (const arg of argv) text += `$${arg.length}\r\n${arg}\r\n`;
  return Buffer.from(text, 'latin1');
}

interface Exchange {
  lines: string[];
  failed: 'connecting' | 'writing' | 'reading' | null;
}

function exchange(args: MigrateArgs, request: Buffer, expected: number): Exchange {
  try {
    const out = execFileSync(
      process.execPath,
      ['-e', EXCHANGE, args.host, args.port, String(expected), String(args.timeout)],
      { input: request, timeout: args.timeout * 3 + 5000, stdio: ['pipe', 'pipe', 'ignore'] },
    );
    return JSON.parse(out.toString('latin1')) as Exchange;
  } catch {
    return { lines: [], failed: 'connecting' };
  }
}

function migrate(ctx: CommandContext, argv: string[]): void {
  const args = parseMigrate(argv);
  const keys: string[] = [];
  const values: StoredValue[] = [];
  for (const key of args.keys) {
    const value = ctx.read(key);
    if (value === undefined) continue;
    keys.push(key);
    values.push(value);
  }
  if (keys.length === 0) return ctx.reply.status('NOKEY');
  const parts: Buffer[] = [];
  if (args.auth !== null) parts.push(encodeCommand(['AUTH', ...args.auth]));
  parts.push(encodeCommand(['SELECT', String(args.dbId)]));
  for (let i = 0; i < keys.length; i++) {
    const expireAt = ctx.keyspace.getExpire(ctx.db, keys[i]);
    const ttl = expireAt === undefined ? 0 : Math.max(1, expireAt - ctx.now);
    const restore = ['RESTORE', keys[i], String(ttl), dumpValue(ctx, values[i])];
    if (args.replace) restore.push('REPLACE');
    parts.push(encodeCommand(restore));
  }
  const preamble = args.auth !== null ? 2 : 1;
  const result = exchange(args, Buffer.concat(parts), preamble + keys.length);
  if (result.failed === 'connecting' && result.lines.length === 0) {
    throw new ReplyError(Err.migrateConnect);
  }
  const targetError = result.lines.slice(0, preamble).find((line) => line.startsWith('-'));
  const deleted: string[] = [];
  let firstError = targetError;
  for (let i = 0; i < keys.length && preamble + i < result.lines.length; i++) {
    const line = result.lines[preamble + i];
    if (targetError !== undefined || line.startsWith('-')) {
      firstError ??= line;
      continue;
    }
    if (args.copy) continue;
    ctx.keyspace.delete(ctx.db, keys[i]);
    ctx.keyChanged(keys[i], 'g', 'del');
    deleted.push(keys[i]);
  }
  ctx.propagateAs = deleted.length > 0 ? ['DEL', ...deleted] : null;
  if (firstError !== undefined) throw new ReplyError(Err.migrateTarget(firstError.slice(1)));
  if (result.failed !== null)
    throw new ReplyError(Err.migrateIo(result.failed === 'writing' ? 'writing' : 'reading'));
  ctx.reply.ok();
}

/** Arguments each option takes, skipped while looking for KEYS (migrateGetKeys). */
const OPTION_ARGUMENTS = new Map([
  ['copy', 0],
  ['replace', 0],
  ['auth', 1],
  ['auth2', 2],
]);

/**
 * Redis's migrateGetKeys: the key argument, or every argument after KEYS (none when the key
 * argument is not empty then).
 */
function migrateKeys(argv: string[]): KeyReference[] {
  const flags = ['RW', 'ACCESS', 'DELETE'] as const;
  for (let i = 6; i < argv.length; i++) {
    const option = argv[i].toLowerCase();
    if (option === 'keys') {
      if (argv[3] !== '') return [];
      return argv.slice(i + 1).map((_, k) => ({ index: i + 1 + k, flags: [...flags] }));
    }
    i += OPTION_ARGUMENTS.get(option) ?? 0;
  }
  return [{ index: 3, flags: [...flags] }];
}

export const migrateCommand = defineCommand({
  name: 'migrate',
  arity: -6,
  flags: ['write'],
  acl: ['keyspace', 'dangerous'],
  tips: ['nondeterministic_output'],
  keySpecs: [
    keysAt(3, ['RW', 'ACCESS', 'DELETE']),
    {
      flags: ['RW', 'ACCESS', 'DELETE', 'INCOMPLETE'],
      begin: { keyword: 'KEYS', startFrom: -2 },
      find: { range: { lastKey: -1, keyStep: 1, limit: 0 } },
    },
  ],
  getKeys: migrateKeys,
  handler: migrate,
});

export const migrateCommands: CommandSpec[] = [migrateCommand];
