/**
 * MIGRATE (cluster.c's migrateCommand): sends keys to another server as RESTORE commands carrying
 * DUMP payloads (after AUTH and SELECT), then deletes the keys the target acknowledged unless
 * COPY, propagated as one DEL. The exchange with the target runs in a short-lived child process,
 * so that it can be waited for synchronously where Redis's semantics need it (MULTI, scripts:
 * Node has no blocking sockets) and asynchronously elsewhere. No connection is cached between
 * calls, so every MIGRATE sends SELECT.
 */
import { execFileSync, spawn } from 'node:child_process';
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

const CONNECT_FAILED: Exchange = { lines: [], failed: 'connecting' };

function exchangeArguments(args: MigrateArgs, expected: number): string[] {
  return ['-e', EXCHANGE, args.host, args.port, String(expected), String(args.timeout)];
}

/** The exchange, the server waiting for it (inside MULTI or a script, as Redis always waits). */
function exchangeNow(args: MigrateArgs, request: Buffer, expected: number): Exchange {
  try {
    const out = execFileSync(process.execPath, exchangeArguments(args, expected), {
      input: request,
      timeout: args.timeout * 3 + 5000,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    return JSON.parse(out.toString('latin1')) as Exchange;
  } catch {
    return CONNECT_FAILED;
  }
}

/** The exchange while the server goes on serving other clients. */
function exchangeLater(args: MigrateArgs, request: Buffer, expected: number): Promise<Exchange> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, exchangeArguments(args, expected), {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.on('error', () => resolve(CONNECT_FAILED));
    child.on('close', () => {
      try {
        resolve(JSON.parse(Buffer.concat(out).toString('latin1')) as Exchange);
      } catch {
        resolve(CONNECT_FAILED);
      }
    });
    child.stdin.on('error', () => {});
    child.stdin.end(request);
  });
}

/** The keys to send that exist, with their values. */
interface Batch {
  keys: string[];
  values: StoredValue[];
}

/** AUTH, SELECT and one RESTORE per key, as one buffer of commands. */
function buildRequest(ctx: CommandContext, args: MigrateArgs, batch: Batch): Buffer {
  const parts: Buffer[] = [];
  if (args.auth !== null) parts.push(encodeCommand(['AUTH', ...args.auth]));
  parts.push(encodeCommand(['SELECT', String(args.dbId)]));
  for (let i = 0; i < batch.keys.length; i++) {
    const key = batch.keys[i];
    const expireAt = ctx.keyspace.getExpire(ctx.db, key);
    const ttl = expireAt === undefined ? 0 : Math.max(1, expireAt - ctx.now);
    const restore = ['RESTORE', key, String(ttl), dumpValue(ctx, batch.values[i])];
    if (args.replace) restore.push('REPLACE');
    parts.push(encodeCommand(restore));
  }
  return Buffer.concat(parts);
}

/**
 * MIGRATE at the top level waits for the target as a blocked client does (other clients are
 * served meanwhile, and a target in this same process can answer); inside MULTI or a script it
 * waits with the whole server, as Redis's MIGRATE always does.
 */
function migrate(ctx: CommandContext, argv: string[]): void {
  const args = parseMigrate(argv);
  const batch: Batch = { keys: [], values: [] };
  for (const key of args.keys) {
    const value = ctx.read(key);
    if (value === undefined) continue;
    batch.keys.push(key);
    batch.values.push(value);
  }
  if (batch.keys.length === 0) return ctx.reply.status('NOKEY');
  const request = buildRequest(ctx, args, batch);
  const expected = (args.auth !== null ? 2 : 1) + batch.keys.length;
  const blocking = ctx.server.blocking;
  if (!blocking.mayBlock()) {
    finish(ctx, args, batch, exchangeNow(args, request, expected), false);
    return;
  }
  let result: Exchange | null = null;
  blocking.block(ctx, {
    keys: [],
    deadline: 0,
    serve: () => false,
    // Called when the exchange is over, or by CLIENT UNBLOCK before (the target may have the
    // keys then, the source keeps them).
    timedOut: (client) =>
      finish(client, args, batch, result ?? { lines: [], failed: 'reading' }, true),
  });
  void exchangeLater(args, request, expected).then((done) => {
    result = done;
    blocking.unblock(ctx.client.id, false);
  });
}

/**
 * Deletes the keys the target acknowledged (unless COPY) and replies. After a wait, a key is
 * deleted only if it still holds the value sent, and the DEL is propagated here, outside a
 * command.
 */
function finish(
  ctx: CommandContext,
  args: MigrateArgs,
  batch: Batch,
  result: Exchange,
  waited: boolean,
): void {
  if (result.failed === 'connecting' && result.lines.length === 0) {
    return ctx.reply.error(Err.migrateConnect);
  }
  const preamble = args.auth !== null ? 2 : 1;
  let targetError = result.lines.slice(0, preamble).find((line) => line.startsWith('-'));
  const deleted: string[] = [];
  for (let i = 0; i < batch.keys.length && preamble + i < result.lines.length; i++) {
    const line = result.lines[preamble + i];
    if (targetError !== undefined || line.startsWith('-')) {
      targetError ??= line;
      continue;
    }
    const key = batch.keys[i];
    if (args.copy || (waited && ctx.db.dict.get(key) !== batch.values[i])) continue;
    ctx.keyspace.delete(ctx.db, key);
    ctx.keyChanged(key, 'g', 'del');
    deleted.push(key);
  }
  if (deleted.length > 0) {
    if (waited) ctx.server.propagate(ctx.db.id, ['DEL', ...deleted]);
    else ctx.propagateAs = ['DEL', ...deleted];
  }
  if (targetError !== undefined) return ctx.reply.error(Err.migrateTarget(targetError.slice(1)));
  if (result.failed !== null) {
    return ctx.reply.error(Err.migrateIo(result.failed === 'writing' ? 'writing' : 'reading'));
  }
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
