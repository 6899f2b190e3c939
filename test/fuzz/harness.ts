/**
 * The fuzz harness: an in-process Kvik takes batches of random command lines (every command of
 * the table), damaged RESP input and blocking commands cut short; after each batch it must still
 * answer PING on a fresh connection, show a second client what a first one wrote, keep its data
 * structures consistent, and its heap must not grow without bound. Replies are scanned for the
 * gate's "internal error" (a thrown exception in a handler), which is a finding unless
 * redis-server answers the same command line with an error too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { KvikServer } from '../../src/index.js';
import { startReference, type ReferenceServer } from '../helpers/servers.js';
import { ArgumentGenerator, fuzzableCommands, KEYS, mayBlock, POPULATE } from './arguments.js';
import { encode, FrameGenerator } from './frames.js';
import { Random } from './random.js';

export interface FuzzOptions {
  seed: number;
  seconds: number;
  /** Command lines per command batch. */
  batchSize?: number;
  log?: (line: string) => void;
  /** Called with the server before the run (the harness's own test plants a bug with it). */
  prepare?: (server: KvikServer) => void;
}

export interface Finding {
  kind: 'internal error' | 'health' | 'inconsistent data' | 'heap growth';
  detail: string;
  /** The command line that reproduces it alone, when one does. */
  argv?: string[];
}

export interface FuzzReport {
  seed: number;
  batches: number;
  commands: number;
  frames: number;
  findings: Finding[];
  heapGrowthBytes: number;
}

/** The most the heap may have grown by the end, all data flushed. */
const HEAP_GROWTH_LIMIT = 64 * 1024 * 1024;
const INTERNAL_ERROR = /-ERR internal error in '([^']*)': ([^\r]*)\r\n/g;

/** A raw connection that keeps everything the server sends. */
class Session {
  received = '';
  closed = false;
  private lastData = Date.now();
  private readonly socket: net.Socket;
  /** Wakes settle() when something arrives or the connection closes. */
  private wake: (() => void) | null = null;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.received += chunk;
      this.lastData = Date.now();
      this.wake?.();
    });
    const closed = () => {
      this.closed = true;
      this.wake?.();
    };
    socket.on('close', closed);
    socket.on('error', closed);
  }

  static open(port: number): Promise<Session> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new Session(socket)));
      socket.once('error', reject);
    });
  }

  send(data: string): void {
    if (!this.closed) this.socket.write(data, 'latin1');
  }

  /** Waits until `done` holds, the server closed, or nothing came for `quietMs` (or `maxMs`). */
  async settle(done: () => boolean, quietMs: number, maxMs: number): Promise<void> {
    const started = Date.now();
    this.lastData = started;
    while (!done() && !this.closed) {
      const now = Date.now();
      const wait = Math.min(this.lastData + quietMs, started + maxMs) - now;
      if (wait <= 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  /** Sends one command and returns its raw reply (a simple one-reply read, for checks). */
  async call(argv: readonly string[], timeoutMs = 3_000): Promise<string> {
    const from = this.received.length;
    this.send(encode(argv));
    await this.settle(() => completeReply(this.received.slice(from)), 1e9, timeoutMs);
    const reply = this.received.slice(from);
    if (!completeReply(reply)) throw new Error(`no reply to ${argv.join(' ')} in ${timeoutMs} ms`);
    return reply;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Whether `text` holds at least one whole RESP2 reply (enough for the checks' replies). */
function completeReply(text: string): boolean {
  return replyEnd(text, 0) >= 0;
}

function replyEnd(text: string, at: number): number {
  const line = text.indexOf('\r\n', at);
  if (line < 0) return -1;
  const type = text[at];
  if (type === '$') {
    const length = Number(text.slice(at + 1, line));
    if (length < 0) return line + 2;
    return text.length >= line + 2 + length + 2 ? line + 2 + length + 2 : -1;
  }
  if (type === '*') {
    let next = line + 2;
    for (let i = Number(text.slice(at + 1, line)); i > 0; i--) {
      next = replyEnd(text, next);
      if (next < 0) return -1;
    }
    return next;
  }
  return line + 2;
}

function arrayOfBulks(reply: string): string[] {
  const out: string[] = [];
  let at = reply.indexOf('\r\n') + 2;
  while (at < reply.length && reply[at] === '$') {
    const line = reply.indexOf('\r\n', at);
    const length = Number(reply.slice(at + 1, line));
    out.push(reply.slice(line + 2, line + 2 + length));
    at = line + 2 + length + 2;
  }
  return out;
}

function integer(reply: string): number {
  if (reply[0] !== ':') throw new Error(`not an integer reply: ${JSON.stringify(reply)}`);
  return Number(reply.slice(1, reply.indexOf('\r\n')));
}

const collectGarbage = (() => {
  v8.setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const random = new Random(options.seed);
  const serverRandom = new Random(options.seed ^ 0x5eed);
  const log = options.log ?? (() => undefined);
  const batchSize = options.batchSize ?? 100;
  const dir = mkdtempSync(join(tmpdir(), 'kvik-fuzz-'));
  const server = new KvikServer({ random: () => serverRandom.next() });
  server.config.load('dir', dir);
  server.config.load('save', '');
  server.config.load('bind', '127.0.0.1');
  server.config.load('port', '0');
  await server.start();
  options.prepare?.(server);
  const port = server.port;
  let reference: ReferenceServer | null = null;
  const report: FuzzReport = {
    seed: options.seed,
    batches: 0,
    commands: 0,
    frames: 0,
    findings: [],
    heapGrowthBytes: 0,
  };

  const commands = fuzzableCommands(server.commands.all());
  const plain = commands.filter((c) => !mayBlock(c));
  const blocking = commands.filter(mayBlock);
  const dumps: string[] = [];
  const argsFor = new ArgumentGenerator(random, plain, { dumps });
  const blockingArgs = new ArgumentGenerator(random, blocking, { dumps });
  const frames = new FrameGenerator(random, () => argsFor.any());

  async function populate(port: number): Promise<Session> {
    const admin = await Session.open(port);
    for (const argv of [['FLUSHALL'], ...POPULATE]) await admin.call(argv);
    return admin;
  }

  /**
   * What argv does alone on a freshly populated Kvik: an internal error where redis-server answers
   * no error (a finding), one where it errs too (Redis's own refusal, left alone), or nothing.
   */
  async function confirm(argv: string[]): Promise<'finding' | 'reference errs too' | 'not alone'> {
    (await populate(port)).close();
    const session = await Session.open(port);
    const reply = await session.call(argv, 5_000).catch((err: Error) => err.message);
    session.close();
    if (!reply.startsWith("-ERR internal error in '")) return 'not alone';
    reference ??= await startReference();
    const admin = await populate(reference.port);
    const expected = await admin.call(argv, 5_000).catch(() => '-');
    admin.close();
    return expected.startsWith('-') ? 'reference errs too' : 'finding';
  }

  /**
   * Every internal error in `output`, with the command line of `sent` that reproduces it alone
   * when one does; one that only the batch's state brings about is a finding too.
   */
  async function internalErrors(output: string, sent: string[][]): Promise<void> {
    for (const [, name, message] of output.matchAll(INTERNAL_ERROR)) {
      const [command, sub] = name!.split('|');
      const candidates = sent.filter(
        (argv) =>
          argv.some((arg) => arg.toLowerCase() === command) &&
          (sub === undefined || argv.some((arg) => arg.toLowerCase() === sub)),
      );
      let verdict: Awaited<ReturnType<typeof confirm>> = 'not alone';
      let culprit: string[] | undefined;
      for (const argv of candidates.slice(0, 20)) {
        verdict = await confirm(argv);
        if (verdict !== 'not alone') {
          culprit = argv;
          break;
        }
      }
      const detail = `'${name}': ${message}`;
      if (verdict === 'reference errs too') {
        log(`# internal error ${detail}; redis-server refuses ${JSON.stringify(culprit)} too`);
        continue;
      }
      if (!report.findings.some((f) => f.detail === detail)) {
        report.findings.push({ kind: 'internal error', detail, argv: culprit });
        const how = culprit ? `from ${JSON.stringify(culprit)}` : 'not reproduced alone';
        log(`! internal error ${detail} ${how}`);
      }
    }
  }

  async function commandBatch(): Promise<void> {
    const session = await Session.open(port);
    const sent: string[][] = [];
    const marker = `fuzz-batch-${report.batches}`;
    // A third of the batches speak RESP3, whose replies (maps, doubles, pushes) differ.
    let input = random.chance(0.33) ? encode(['HELLO', '3']) : '';
    for (let i = 0; i < batchSize; i++) {
      const argv = argsFor.any();
      sent.push(argv);
      input += encode(argv);
    }
    input += encode(['ECHO', marker]);
    // Sent in a few pieces, so the parser sees frames split at random points.
    while (input.length > 0) {
      const cut = random.between(1, input.length);
      session.send(input.slice(0, cut));
      input = input.slice(cut);
    }
    await session.settle(() => session.received.includes(marker), 50, 10_000);
    session.close();
    report.commands += sent.length;
    await internalErrors(session.received, sent);
  }

  async function blockingBatch(): Promise<void> {
    const sent = Array.from({ length: 5 }, () => blockingArgs.any());
    const sessions = await Promise.all(sent.map(() => Session.open(port)));
    sent.forEach((argv, i) => sessions[i]!.send(encode(argv)));
    await new Promise((r) => setTimeout(r, random.between(1, 40)));
    for (const session of sessions) session.close();
    report.commands += sent.length;
    await internalErrors(sessions.map((s) => s.received).join(''), sent);
  }

  async function frameBatch(): Promise<void> {
    const session = await Session.open(port);
    const count = random.between(1, 8);
    for (let i = 0; i < count && !session.closed; i++) session.send(frames.frame());
    await session.settle(() => false, 30, 2_000);
    session.close();
    report.frames += count;
    await internalErrors(session.received, []);
  }

  /** The server answers a fresh client, and a second client reads what a first one wrote. */
  async function healthy(): Promise<Finding | null> {
    try {
      const ping = await Session.open(port);
      const pong = await ping.call(['PING']);
      ping.close();
      if (pong !== '+PONG\r\n') return { kind: 'health', detail: `PING answered ${pong}` };
      const [writer, reader] = await Promise.all([Session.open(port), Session.open(port)]);
      const value = `v${random.next()}`;
      await writer.call(['SET', 'fz:sentinel', value]);
      const read = await reader.call(['GET', 'fz:sentinel']);
      writer.close();
      reader.close();
      if (read !== `$${value.length}\r\n${value}\r\n`) {
        return { kind: 'inconsistent data', detail: `GET after SET gave ${read}` };
      }
      return null;
    } catch (err) {
      return { kind: 'health', detail: (err as Error).message };
    }
  }

  /** Every key's lengths agree with its contents (a container's two views of one structure). */
  async function consistent(): Promise<Finding | null> {
    const session = await Session.open(port);
    try {
      const keys = arrayOfBulks(
        (await session.call(['KEYS', '*'])).replace(/^\*\d+\r\n/, '*0\r\n'),
      );
      for (const key of keys) {
        const type = (await session.call(['TYPE', key])).slice(1, -2);
        const views: Record<string, [string[], string[], number]> = {
          list: [['LLEN', key], ['LRANGE', key, '0', '-1'], 1],
          hash: [['HLEN', key], ['HGETALL', key], 2],
          set: [['SCARD', key], ['SMEMBERS', key], 1],
          zset: [['ZCARD', key], ['ZRANGE', key, '0', '-1', 'WITHSCORES'], 2],
        };
        const view = views[type];
        if (view === undefined) continue;
        const count = integer(await session.call(view[0]));
        const listed = await session.call(view[1]);
        const items = Number(listed.slice(1, listed.indexOf('\r\n')));
        if (items !== count * view[2]) {
          return {
            kind: 'inconsistent data',
            detail: `${type} ${JSON.stringify(key)}: ${view[0][0]} ${count}, ${view[1][0]} ${items} items`,
          };
        }
      }
      return null;
    } finally {
      session.close();
    }
  }

  function heapUsed(): number {
    collectGarbage();
    return process.memoryUsage().heapUsed;
  }

  try {
    const admin = await populate(port);
    for (const key of Object.values(KEYS)) {
      const dump = await admin.call(['DUMP', key]);
      if (dump.startsWith('$') && !dump.startsWith('$-1'))
        dumps.push(arrayOfBulks(`*1\r\n${dump}`)[0]!);
    }
    dumps.push(arrayOfBulks(`*1\r\n${await admin.call(['FUNCTION', 'DUMP'])}`)[0] ?? '');
    admin.close();
    const heapBefore = heapUsed();
    const deadline = Date.now() + options.seconds * 1000;
    while (Date.now() < deadline && report.findings.length === 0) {
      const roll = random.int(10);
      if (roll < 6) await commandBatch();
      else if (roll < 7) await blockingBatch();
      else await frameBatch();
      report.batches++;
      const problem = (await healthy()) ?? (report.batches % 10 === 0 ? await consistent() : null);
      if (problem !== null) {
        report.findings.push(problem);
        log(`! ${problem.kind}: ${problem.detail}`);
        break;
      }
      (await populate(port)).close();
      if (report.batches % 50 === 0) {
        log(`# ${report.batches} batches, ${report.commands} commands, ${report.frames} frames`);
      }
    }
    const cleanup = await Session.open(port);
    for (const argv of [['FLUSHALL'], ['SCRIPT', 'FLUSH'], ['FUNCTION', 'FLUSH']]) {
      await cleanup.call(argv);
    }
    cleanup.close();
    report.heapGrowthBytes = heapUsed() - heapBefore;
    if (report.heapGrowthBytes > HEAP_GROWTH_LIMIT) {
      report.findings.push({
        kind: 'heap growth',
        detail: `the heap grew by ${(report.heapGrowthBytes / 2 ** 20).toFixed(1)} MB with no data left`,
      });
    }
    return report;
  } finally {
    await server.close();
    await (reference as ReferenceServer | null)?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
