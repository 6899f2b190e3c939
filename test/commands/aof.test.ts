import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import type { ListValue } from '../../src/datatypes/list.js';
import { KvikServer, startServer, type RunningServer } from '../../src/index.js';
import { StartupLoadError } from '../../src/persistence/startup-load.js';
import { describeKeyspace, differences, everyTypeCommands } from '../helpers/dataset.js';
import { RawClient } from '../helpers/raw-client.js';
import { freePort, startReference } from '../helpers/servers.js';

const root = mkdtempSync(join(tmpdir(), 'kvik-aof-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const newDir = () => mkdtempSync(join(root, `d${dirs++}-`));
const aofDir = (dir: string) => join(dir, 'appendonlydir');
const manifest = (dir: string) =>
  readFileSync(join(aofDir(dir), 'appendonly.aof.manifest'), 'latin1');

const running: { server: RunningServer; client: RawClient }[] = [];
afterEach(async () => {
  for (const { server, client } of running.splice(0)) {
    client.close();
    await server.close();
  }
});

async function open(dir: string, config: Record<string, string> = {}) {
  const server = await startServer({
    config: { dir, appendonly: 'yes', 'enable-debug-command': 'yes', ...config },
  });
  const client = await RawClient.connect(server.port);
  running.push({ server, client });
  return { server, client, call: (...a: (string | number)[]) => client.call(...a) };
}

/** Closes a server opened by open() (its AOF flushed and closed), as a restart needs. */
async function close(server: RunningServer): Promise<void> {
  const i = running.findIndex((r) => r.server === server);
  const [entry] = running.splice(i, 1);
  entry.client.close();
  await server.close();
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

const info = async (call: (...a: string[]) => Promise<string>, name: string) =>
  new RegExp(`${name}:([^\r]*)`).exec(await call('INFO', 'persistence'))![1];

/** A server loading `dir` without listening: the dataset, or the StartupLoadError. */
function loadOnly(dir: string, config: Record<string, string> = {}): KvikServer {
  const server = new KvikServer();
  for (const [name, value] of Object.entries({ dir, appendonly: 'yes', ...config })) {
    server.config.load(name, value);
  }
  server.persistence.loadAtStartup();
  server.persistence.aof.stop();
  return server;
}

describe('the append-only file', () => {
  it('starts as Redis 7 does: an RDB base, an incr file, the manifest naming them', async () => {
    const dir = newDir();
    const a = await open(dir);
    await a.call('SET', 'k', 'v', 'EX', 100);
    await a.call('MULTI');
    await a.call('INCR', 'n');
    await a.call('SELECT', 2);
    await a.call('RPUSH', 'l', 'x');
    await a.call('EXEC');
    assert.equal(
      manifest(dir),
      'file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n',
    );
    const incr = readFileSync(join(aofDir(dir), 'appendonly.aof.1.incr.aof'), 'latin1');
    const lines = incr.split('\r\n').filter((l) => !/^[*$]/.test(l));
    // SET EX is logged with an absolute time; the transaction as one MULTI ... EXEC unit.
    assert.deepEqual(lines.slice(0, 6), ['SELECT', '0', 'SET', 'k', 'v', 'PXAT']);
    assert.deepEqual(lines.slice(7), [
      'MULTI',
      'INCR',
      'n',
      'SELECT',
      '2',
      'RPUSH',
      'l',
      'x',
      'EXEC',
      '',
    ]);
    execFileSync('redis-check-aof', [join(aofDir(dir), 'appendonly.aof.manifest')]);
  });

  it('every type and encoding comes back after a restart, key by key', async () => {
    const dir = newDir();
    const a = await open(dir);
    for (const command of everyTypeCommands(Date.now() + 3_600_000)) await a.call(...command);
    await a.call(
      'FUNCTION',
      'LOAD',
      "#!lua name=lib\nredis.register_function('f', function() return 1 end)",
    );
    const before = describeKeyspace(a.server.server.keyspace, false);
    await close(a.server);
    const b = await open(dir);
    assert.deepEqual(differences(before, describeKeyspace(b.server.server.keyspace, false)), []);
    assert.equal(await b.call('FCALL', 'f', 0), ':1\r\n');
  });

  it('redis-server 7.0 starts from a Kvik appendonlydir, and Kvik from a redis-server one', async () => {
    const ours = newDir();
    const a = await open(ours);
    for (const command of everyTypeCommands(Date.now() + 3_600_000)) await a.call(...command);
    await a.call('BGREWRITEAOF');
    await until(async () => (await info(a.call, 'aof_rewrite_in_progress')) === '0', 'rewrite');
    await a.call('SET', 'after-rewrite', 'incr');
    const expected = await a.call('DBSIZE');
    await close(a.server);
    const theirs = newDir();
    const reference = await startReference(['--dir', ours, '--appendonly', 'yes']);
    try {
      const client = await RawClient.connect(reference.port);
      assert.equal(await client.call('DBSIZE'), expected);
      assert.equal(await client.call('GET', 'after-rewrite'), '$4\r\nincr\r\n');
      await client.call('SET', 'written-by-redis', 'yes');
      await client.call('CONFIG', 'SET', 'dir', theirs);
      client.close();
    } finally {
      await reference.close();
    }
    // Redis's files, copied where Kvik starts.
    // always: everysec may postpone a write past the reply, and the reference dies by SIGKILL.
    const reference2 = await startReference([
      ...['--dir', theirs, '--appendonly', 'yes', '--appendfsync', 'always'],
    ]);
    try {
      const client = await RawClient.connect(reference2.port);
      await client.call('RPUSH', 'from-redis', 'a', 'b');
      await client.call('HSET', 'h', 'f', 'v');
      client.close();
    } finally {
      await reference2.close();
    }
    const b = await open(theirs);
    assert.equal(await b.call('LRANGE', 'from-redis', 0, -1), '*2\r\n$1\r\na\r\n$1\r\nb\r\n');
    assert.equal(await b.call('HGET', 'h', 'f'), '$1\r\nv\r\n');
  });

  it('BGREWRITEAOF under writes: a new base and incr, history deleted, nothing lost', async () => {
    const dir = newDir();
    const a = await open(dir);
    await a.call('DEBUG', 'POPULATE', 20000, 'k', 10);
    const writes: (string | number)[][] = [['BGREWRITEAOF']];
    for (let i = 0; i < 300; i++) {
      writes.push(['APPEND', `k:${i}`, '+'], ['DEL', `k:${i + 5000}`], ['RPUSH', 'l', i]);
    }
    a.client.sendRaw(writes.map(resp).join(''));
    for (let i = 0; i < writes.length; i++) await a.client.readReply();
    await until(async () => (await info(a.call, 'aof_rewrite_in_progress')) === '0', 'rewrite');
    assert.equal(await info(a.call, 'aof_last_bgrewrite_status'), 'ok');
    assert.equal(
      manifest(dir),
      'file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n',
    );
    assert.deepEqual(readdirSync(aofDir(dir)).sort(), [
      'appendonly.aof.2.base.rdb',
      'appendonly.aof.2.incr.aof',
      'appendonly.aof.manifest',
    ]);
    const before = describeKeyspace(a.server.server.keyspace);
    await close(a.server);
    const b = await open(dir);
    assert.deepEqual(differences(before, describeKeyspace(b.server.server.keyspace)), []);
  });

  it('DEBUG LOADAOF empties the dataset and loads it back from the AOF, without appending it again', async () => {
    const dir = newDir();
    const a = await open(dir);
    for (const command of everyTypeCommands(Date.now() + 3_600_000)) await a.call(...command);
    await a.call('SET', 'counter', '1');
    await a.call('INCR', 'counter');
    const before = describeKeyspace(a.server.server.keyspace, false);
    const digest = await a.call('DEBUG', 'DIGEST');
    const incr = join(aofDir(dir), 'appendonly.aof.1.incr.aof');
    const size = statSync(incr).size;
    assert.equal(await a.call('DEBUG', 'LOADAOF'), '+OK\r\n');
    assert.deepEqual(differences(before, describeKeyspace(a.server.server.keyspace, false)), []);
    assert.equal(await a.call('DEBUG', 'DIGEST'), digest);
    // The replayed writes were not fed to the AOF a second time; new writes still are.
    await a.call('PING');
    assert.equal(statSync(incr).size, size);
    await a.call('INCR', 'counter');
    assert.equal(await a.call('DEBUG', 'LOADAOF'), '+OK\r\n');
    assert.equal(await a.call('GET', 'counter'), '$1\r\n3\r\n');
  });

  it('an XADD or XTRIM trimmed with ~ and LIMIT loads back to the same stream', async () => {
    const dir = newDir();
    const a = await open(dir, { 'stream-node-max-entries': '10' });
    for (let i = 0; i < 100; i++) await a.call('XADD', 's', '*', 'f', 'v');
    await a.call('XADD', 's', 'MAXLEN', '~', '55', 'LIMIT', '30', '*', 'f', 'v');
    for (let i = 1; i <= 100; i++) await a.call('XADD', 'm', `${i}-0`, 'f', 'v');
    await a.call('XTRIM', 'm', 'MINID', '~', '60', 'LIMIT', '30');
    assert.equal(await a.call('XLEN', 's'), ':71\r\n');
    const before = describeKeyspace(a.server.server.keyspace, false);
    await close(a.server);
    const b = await open(dir, { 'stream-node-max-entries': '10' });
    assert.deepEqual(differences(before, describeKeyspace(b.server.server.keyspace, false)), []);
  });

  it('DEBUG LOADAOF without an AOF on disk replies an error and keeps the dataset', async () => {
    const dir = newDir();
    const a = await open(dir, { appendonly: 'no' });
    await a.call('SET', 'k', 'v');
    assert.equal(
      await a.call('DEBUG', 'LOADAOF'),
      '-ERR Error trying to load the append only file\r\n',
    );
    assert.equal(await a.call('GET', 'k'), '$1\r\nv\r\n');
  });

  it('CONFIG SET appendonly yes makes the first base with a rewrite; the AOF base may be commands', async () => {
    const dir = newDir();
    const a = await open(dir, { appendonly: 'no', 'aof-use-rdb-preamble': 'no' });
    for (const command of everyTypeCommands(Date.now() + 3_600_000)) await a.call(...command);
    assert.equal(await a.call('CONFIG', 'SET', 'appendonly', 'yes'), '+OK\r\n');
    await until(async () => (await info(a.call, 'aof_rewrite_in_progress')) === '0', 'rewrite');
    await a.call('SET', 'later', 'x');
    assert.match(manifest(dir), /^file appendonly\.aof\.1\.base\.aof seq 1 type b\n/);
    execFileSync('redis-check-aof', [join(aofDir(dir), 'appendonly.aof.manifest')]);
    const before = describeKeyspace(a.server.server.keyspace);
    await close(a.server);
    const b = await open(dir, { 'aof-use-rdb-preamble': 'no' });
    assert.deepEqual(differences(before, describeKeyspace(b.server.server.keyspace)), []);
  });

  it('auto-aof-rewrite-percentage and -min-size rewrite the AOF once it has grown enough', async () => {
    const dir = newDir();
    const a = await open(dir, {
      'auto-aof-rewrite-percentage': '100',
      'auto-aof-rewrite-min-size': '4096',
    });
    await a.call('SET', 'k', 'x'.repeat(2000));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await info(a.call, 'aof_rewrites'), '0', 'below the minimum size');
    for (let i = 0; i < 5; i++) await a.call('SET', 'k', 'x'.repeat(2000));
    await until(async () => (await info(a.call, 'aof_rewrites')) === '1', 'the automatic rewrite');
    assert.match(manifest(dir), /appendonly\.aof\.2\.base\.rdb/);
    assert.equal(await a.call('STRLEN', 'k'), ':2000\r\n');
  });

  it('appendonly yes during a BGSAVE waits for it, and no write counts twice', async () => {
    const dir = newDir();
    const a = await open(dir, { appendonly: 'no' });
    await a.call('DEBUG', 'POPULATE', 100000);
    await a.call('BGSAVE');
    await a.call('CONFIG', 'SET', 'appendonly', 'yes');
    assert.equal(await info(a.call, 'aof_rewrite_scheduled'), '1');
    for (let i = 0; i < 50; i++) await a.call('INCR', 'counter');
    await until(async () => (await info(a.call, 'aof_rewrites')) === '1', 'the rewrite');
    for (let i = 0; i < 50; i++) await a.call('INCR', 'counter');
    await close(a.server);
    const b = await open(dir);
    assert.equal(await b.call('GET', 'counter'), '$3\r\n100\r\n');
    assert.equal(await b.call('DBSIZE'), ':100001\r\n');
  });

  it('a single-file AOF of Redis 6 becomes the base of a multi-part AOF and loads', async () => {
    const dir = newDir();
    const commands = [
      ['SELECT', 0],
      ['SET', 'old', 'style'],
      ['RPUSH', 'l', 1, 2],
    ];
    writeFileSync(join(dir, 'appendonly.aof'), commands.map(resp).join(''));
    const a = await open(dir);
    assert.equal(await a.call('GET', 'old'), '$5\r\nstyle\r\n');
    assert.equal(await a.call('LLEN', 'l'), ':2\r\n');
    assert.equal(
      manifest(dir),
      'file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n',
    );
    assert.deepEqual(readdirSync(dir).sort(), ['appendonlydir']);
    execFileSync('redis-check-aof', [join(aofDir(dir), 'appendonly.aof.manifest')]);
  });

  it('aof-timestamp-enabled annotates the file with #TS lines, which loading skips', async () => {
    const dir = newDir();
    const a = await open(dir, { 'aof-timestamp-enabled': 'yes' });
    await a.call('SET', 'a', 1);
    await close(a.server);
    const incr = readFileSync(join(aofDir(dir), 'appendonly.aof.1.incr.aof'), 'latin1');
    assert.match(incr, /^#TS:\d+\r\n\*2\r\n\$6\r\nSELECT/);
    execFileSync('redis-check-aof', [join(aofDir(dir), 'appendonly.aof.manifest')]);
    const b = await open(dir);
    assert.equal(await b.call('GET', 'a'), '$1\r\n1\r\n');
  });

  it('a tail cut at any byte of the last record: aof-load-truncated yes trims it, no refuses', async () => {
    const dir = newDir();
    const a = await open(dir);
    await a.call('SET', 'first', '1');
    await a.call('SET', 'last', 'the last record');
    await close(a.server);
    const incrPath = join(aofDir(dir), 'appendonly.aof.1.incr.aof');
    const whole = readFileSync(incrPath);
    const lastRecord = resp(['SET', 'last', 'the last record']).length;
    const start = whole.length - lastRecord;
    for (let cut = start + 1; cut < whole.length; cut++) {
      writeFileSync(incrPath, whole.subarray(0, cut));
      assert.throws(
        () => loadOnly(dir, { 'aof-load-truncated': 'no' }),
        (err: unknown) =>
          err instanceof StartupLoadError &&
          /Unexpected end of file reading the append only file appendonly\.aof\.1\.incr\.aof at offset \d+/.test(
            err.message,
          ),
        `cut at ${cut}`,
      );
      const server = loadOnly(dir);
      const db = server.keyspace.dbs[0];
      assert.equal(db.dict.get('first'), '1', `cut at ${cut}`);
      assert.equal(db.dict.has('last'), false, `cut at ${cut}`);
      assert.equal(statSync(incrPath).size, start, 'the file is trimmed to its last whole record');
    }
    // Damage that is not a cut tail refuses to start, naming the file and the offset.
    writeFileSync(incrPath, Buffer.concat([whole, Buffer.from('garbage\r\n')]));
    assert.throws(
      () => loadOnly(dir),
      /Bad file format reading the append only file appendonly\.aof\.1\.incr\.aof at offset \d+/,
    );
  });

  it('an unfinished MULTI at the end is reverted, as Redis does', () => {
    const dir = newDir();
    const server = loadOnly(dir);
    server.persistence.aof.openOnStart();
    server.persistence.aof.stop();
    const incrPath = join(aofDir(dir), 'appendonly.aof.1.incr.aof');
    appendFileSync(incrPath, resp(['SELECT', 0]) + resp(['SET', 'a', 1]));
    appendFileSync(incrPath, resp(['MULTI']) + resp(['SET', 'b', 2]));
    const loaded = loadOnly(dir);
    assert.equal(loaded.keyspace.dbs[0].dict.has('a'), true);
    assert.equal(loaded.keyspace.dbs[0].dict.has('b'), false);
  });
});

describe('crash safety of kvik server', () => {
  const kvik = (dir: string, port: number, fsync: string) => {
    const args = ['--import', 'tsx', 'src/main.ts', 'server', '--dir', dir, '--port', String(port)];
    args.push('--appendonly', 'yes', '--appendfsync', fsync, '--save', '');
    const child = spawn(process.execPath, args, {
      cwd: new URL('../..', import.meta.url).pathname,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return { child, exited, output: () => output };
  };

  async function ready(r: ReturnType<typeof kvik>): Promise<void> {
    for (let i = 0; i < 600 && !/ready to accept/.test(r.output()); i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.match(r.output(), /ready to accept/);
  }

  /**
   * Writes INCRs and RPUSHes from several clients until killed; returns what was acknowledged,
   * with the time of each acknowledgement.
   */
  async function writeUntilKilled(r: ReturnType<typeof kvik>, port: number, ms: number) {
    const acked: { key: string; value: number; at: number }[] = [];
    const clients = await Promise.all([0, 1, 2].map(() => RawClient.connect(port)));
    let dead = false;
    const loops = clients.map(async (client, c) => {
      for (let i = 1; !dead; i++) {
        try {
          const reply = await client.call('RPUSH', `list${c}`, i);
          if (reply.startsWith(':')) acked.push({ key: `list${c}`, value: i, at: Date.now() });
        } catch {
          return;
        }
      }
    });
    await new Promise((resolve) => setTimeout(resolve, ms));
    r.child.kill('SIGKILL');
    await r.exited;
    dead = true;
    for (const client of clients) client.close();
    await Promise.allSettled(loops);
    return acked;
  }

  /** The acknowledged RPUSHes all found in the AOF, loaded as a restart loads it. */
  function assertDurable(
    dir: string,
    acked: { key: string; value: number; at: number }[],
    before = Infinity,
  ) {
    const db = loadOnly(dir).keyspace.dbs[0];
    for (const { key, value, at } of acked) {
      if (at >= before) continue;
      const list = db.dict.get(key) as ListValue | undefined;
      assert.ok(
        (list?.length ?? 0) >= value,
        `${key}: ${list?.length ?? 0} < ${value} acknowledged`,
      );
    }
  }

  // Each cycle starts a process (seconds); KVIK_CRASH_CYCLES=50 for the long run.
  const cycles = Number(process.env.KVIK_CRASH_CYCLES ?? 6);

  it(`appendfsync always: nothing acknowledged is lost over ${cycles} kill -9 cycles`, async () => {
    const dir = newDir();
    const port = await freePort();
    for (let cycle = 0; cycle < cycles; cycle++) {
      const r = kvik(dir, port, 'always');
      await ready(r);
      assertDurable(dir, await writeUntilKilled(r, port, 300));
    }
  });

  it('appendfsync everysec: at most about a second of acknowledged writes is lost', async () => {
    const dir = newDir();
    const port = await freePort();
    const r = kvik(dir, port, 'everysec');
    await ready(r);
    const acked = await writeUntilKilled(r, port, 1500);
    assertDurable(dir, acked, Date.now() - 1100);
  });
});

function resp(argv: (string | number)[]): string {
  return `*${argv.length}\r\n${argv.map((a) => `$${Buffer.byteLength(String(a), 'latin1')}\r\n${a}\r\n`).join('')}`;
}
