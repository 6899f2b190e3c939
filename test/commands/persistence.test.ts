import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { ManualClock, startServer, type RunningServer } from '../../src/index.js';
import { describeKeyspace, differences, everyTypeCommands } from '../helpers/dataset.js';
import { RawClient } from '../helpers/raw-client.js';
import { freePort, startReference } from '../helpers/servers.js';

const root = mkdtempSync(join(tmpdir(), 'kvik-persistence-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const newDir = () => mkdtempSync(join(root, `d${dirs++}-`));

const running: { server: RunningServer; client: RawClient }[] = [];
afterEach(async () => {
  for (const { server, client } of running.splice(0)) {
    client.close();
    await server.close();
  }
});

async function open(dir: string, config: Record<string, string> = {}, clock?: ManualClock) {
  const server = await startServer({
    clock,
    config: { dir, 'enable-debug-command': 'yes', ...config },
  });
  const client = await RawClient.connect(server.port);
  running.push({ server, client });
  return { server, client, call: (...a: (string | number)[]) => client.call(...a) };
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

const infoField = async (call: (...a: string[]) => Promise<string>, name: string) =>
  new RegExp(`${name}:([^\r]*)`).exec(await call('INFO', 'persistence'))![1];

describe('SAVE, BGSAVE and loading at start', () => {
  it('a dataset of every type and encoding survives SAVE and a restart key by key', async () => {
    const dir = newDir();
    const a = await open(dir);
    for (const command of everyTypeCommands(Date.now() + 3_600_000)) await a.call(...command);
    assert.equal(await a.call('SAVE'), '+OK\r\n');
    const before = describeKeyspace(a.server.server.keyspace);
    const b = await open(dir);
    assert.deepEqual(differences(before, describeKeyspace(b.server.server.keyspace)), []);
    assert.equal(await infoField(b.call, 'rdb_last_load_keys_loaded'), String(before.size));
  });

  it('redis-check-rdb accepts the file and redis-server loads the same keys', async () => {
    const dir = newDir();
    const a = await open(dir);
    for (const command of everyTypeCommands(Date.now() + 3_600_000)) await a.call(...command);
    await a.call('BGSAVE');
    await until(async () => (await infoField(a.call, 'rdb_bgsave_in_progress')) === '0', 'BGSAVE');
    execFileSync('redis-check-rdb', [join(dir, 'dump.rdb')]);
    const reference = await startReference(['--dir', dir, '--dbfilename', 'dump.rdb']);
    try {
      const client = await RawClient.connect(reference.port);
      assert.equal(await client.call('DBSIZE'), await a.call('DBSIZE'));
      // Encodings whose layout does not depend on hash order: the payloads are identical.
      for (const key of ['str', 'bin', 'list', 'biglist', 'zset', 'bigzset', 'hash']) {
        assert.ok((await client.call('DUMP', key)) === (await a.call('DUMP', key)), key);
      }
      assert.equal(await client.call('HLEN', 'bighash'), ':300\r\n');
      for (const command of [
        ['XRANGE', 'stream', '-', '+'],
        ['XPENDING', 'stream', 'group'],
      ]) {
        assert.equal(await client.call(...command), await a.call(...command));
      }
      client.close();
    } finally {
      await reference.close();
    }
  });

  it('BGSAVE holds the dataset of its start instant, whatever clients write meanwhile', async () => {
    const dir = newDir();
    const a = await open(dir);
    await a.call('DEBUG', 'POPULATE', 30000, 'k', 20);
    for (let i = 0; i < 200; i++) {
      await a.call('RPUSH', `list${i}`, 'a', 'b', 'c');
      await a.call('HSET', `hash${i}`, 'f', String(i));
      await a.call('SET', `ttl${i}`, 'v', 'PX', 1_000_000 + i);
    }
    for (let i = 0; i < 50; i++) {
      for (const id of ['1-1', '2-1', '3-1']) await a.call('XADD', `s${i}`, id, 'f', 'v');
      await a.call('XGROUP', 'CREATE', `s${i}`, 'g', '0');
      await a.call('XREADGROUP', 'GROUP', 'g', 'c1', 'COUNT', 2, 'STREAMS', `s${i}`, '>');
    }
    const atStart = describeKeyspace(a.server.server.keyspace);
    // BGSAVE and the writes after it arrive in one batch: the writes run as the walk begins.
    const writes: (string | number)[][] = [['BGSAVE']];
    for (let i = 0; i < 200; i++) {
      writes.push(['LPUSH', `list${i}`, 'new'], ['HSET', `hash${i}`, 'f', 'changed']);
      writes.push(['DEL', `k:${i * 7}`], ['SET', `fresh${i}`, 'v'], ['APPEND', `k:${i * 11}`, '+']);
      writes.push(i % 2 ? ['PERSIST', `ttl${i}`] : ['PEXPIRE', `ttl${i}`, 5]);
    }
    for (let i = 0; i < 50; i++) {
      writes.push(['XACK', `s${i}`, 'g', '1-1'], ['XCLAIM', `s${i}`, 'g', 'c2', 0, '2-1']);
      writes.push(['XREADGROUP', 'GROUP', 'g', 'c3', 'STREAMS', `s${i}`, '>']);
    }
    writes.push(['SWAPDB', 0, 1], ['FLUSHDB']);
    a.client.sendRaw(writes.map(resp).join(''));
    for (let i = 0; i < writes.length; i++) await a.client.readReply();
    assert.equal(await infoField(a.call, 'rdb_bgsave_in_progress'), '1');
    await until(async () => (await infoField(a.call, 'rdb_bgsave_in_progress')) === '0', 'BGSAVE');
    assert.equal(await infoField(a.call, 'rdb_last_bgsave_status'), 'ok');
    const b = await open(dir);
    assert.deepEqual(differences(atStart, describeKeyspace(b.server.server.keyspace)), []);
  });

  it('answers as redis-server: BGSAVE while one runs, BGSAVE SCHEDULE, syntax, LASTSAVE', async () => {
    const a = await open(newDir());
    await a.call('DEBUG', 'POPULATE', 200000);
    assert.equal(await a.call('BGSAVE'), '+Background saving started\r\n');
    assert.equal(await a.call('BGSAVE'), '-ERR Background save already in progress\r\n');
    assert.equal(
      await a.call('BGSAVE', 'SCHEDULE'),
      '-ERR Background save already in progress\r\n',
    );
    assert.equal(await a.call('SAVE'), '-ERR Background save already in progress\r\n');
    assert.equal(
      await a.call('BGREWRITEAOF'),
      '+Background append only file rewriting scheduled\r\n',
    );
    assert.equal(await a.call('BGSAVE', 'FOO'), '-ERR syntax error\r\n');
    await until(async () => (await infoField(a.call, 'aof_rewrites')) === '1', 'the rewrite');
    assert.match(await a.call('LASTSAVE'), /^:\d+\r\n$/);
    // And the other way round: a BGSAVE while the AOF is rewritten.
    assert.equal(
      await a.call('BGREWRITEAOF'),
      '+Background append only file rewriting started\r\n',
    );
    assert.equal(
      await a.call('BGSAVE'),
      "-ERR An AOF log rewriting in progress: can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.\r\n",
    );
    assert.equal(await a.call('BGSAVE', 'SCHEDULE'), '+Background saving scheduled\r\n');
    assert.equal(await infoField(a.call, 'rdb_bgsave_in_progress'), '0');
    await until(async () => (await infoField(a.call, 'rdb_saves')) === '2', 'the scheduled save');
  });

  it('INFO persistence has redis-server fields, in its order', async () => {
    const a = await open(newDir());
    const reference = await startReference();
    try {
      const client = await RawClient.connect(reference.port);
      const names = (text: string) => [...text.matchAll(/^([a-z_]+):/gm)].map((m) => m[1]);
      assert.deepEqual(
        names(await a.call('INFO', 'persistence')),
        names(await client.call('INFO', 'persistence')),
      );
      client.close();
    } finally {
      await reference.close();
    }
  });

  it('the save rules start a BGSAVE when enough changes are old enough (manual clock)', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const a = await open(newDir(), { save: '10 3' }, clock);
    await a.call('SET', 'a', 1);
    await a.call('SET', 'b', 2);
    clock.advance(11_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await infoField(a.call, 'rdb_saves'), '0', 'two changes are not enough');
    await a.call('SET', 'c', 3);
    await until(async () => (await infoField(a.call, 'rdb_saves')) === '1', 'the rule');
    assert.equal(await infoField(a.call, 'rdb_changes_since_last_save'), '0');
    assert.equal(await a.call('LASTSAVE'), `:${(1_700_000_000_000 + 11_000) / 1000}\r\n`);
  });

  it('FLUSHALL with save rules saves the empty dataset but keeps counting the changes', async () => {
    const dir = newDir();
    const a = await open(dir, { save: '3600 1' });
    await a.call('SET', 'a', 1);
    await a.call('SAVE');
    await a.call('SET', 'b', 2);
    await a.call('FLUSHALL');
    assert.equal(await infoField(a.call, 'rdb_changes_since_last_save'), '4');
    const b = await open(dir);
    assert.equal(await b.call('DBSIZE'), ':0\r\n');
  });

  it('after a failed BGSAVE, writes and PING get MISCONF until stop-writes-on-bgsave-error no', async () => {
    const dir = newDir();
    const a = await open(dir, { save: '3600 1' });
    await a.call('SET', 'a', 1);
    rmSync(dir, { recursive: true });
    assert.equal(await a.call('BGSAVE'), '+Background saving started\r\n');
    await until(
      async () => (await infoField(a.call, 'rdb_last_bgsave_status')) === 'err',
      'failure',
    );
    const misconf =
      "-MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.\r\n";
    await until(async () => (await a.call('SET', 'b', 2)) === misconf, 'MISCONF');
    assert.equal(await a.call('PING'), misconf);
    assert.equal(await a.call('GET', 'a'), '$1\r\n1\r\n');
    await a.call('CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'no');
    await until(async () => (await a.call('SET', 'b', 2)) === '+OK\r\n', 'writes again');
  });

  it('SHUTDOWN refuses to stop when its save fails, unless FORCE or NOSAVE', async () => {
    const dir = newDir();
    const a = await open(dir, { save: '3600 1' });
    rmSync(dir, { recursive: true });
    assert.equal(await a.call('SHUTDOWN'), '-ERR Errors trying to SHUTDOWN. Check logs.\r\n');
    assert.equal(await a.call('SHUTDOWN', 'SAVE', 'NOSAVE'), '-ERR syntax error\r\n');
    assert.equal(await a.call('PING'), '+PONG\r\n');
    a.client.sendRaw(resp(['SHUTDOWN', 'FORCE']));
    await a.server.server.closed;
    assert.equal(existsSync(dir), false);
  });

  it('DEBUG RELOAD saves, empties and loads back the same data', async () => {
    const a = await open(newDir());
    for (const command of everyTypeCommands(Date.now() + 3_600_000)) await a.call(...command);
    const before = describeKeyspace(a.server.server.keyspace);
    assert.equal(await a.call('DEBUG', 'RELOAD'), '+OK\r\n');
    assert.deepEqual(differences(before, describeKeyspace(a.server.server.keyspace)), []);
    assert.equal(
      await a.call('DEBUG', 'RELOAD', 'FOO'),
      '-ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.\r\n',
    );
  });
});

describe('kvik server persistence', () => {
  const kvik = (dir: string, ...args: string[]) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/main.ts', 'server', '--dir', dir, ...args],
      { cwd: new URL('../..', import.meta.url).pathname, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    return { child, exited, output: () => output };
  };
  const ready = async (r: ReturnType<typeof kvik>) => {
    for (let i = 0; i < 300 && !/ready to accept/.test(r.output()); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.match(r.output(), /ready to accept/);
  };

  it('SHUTDOWN SAVE writes the dataset and the next start loads it; SIGTERM saves with rules', async () => {
    const dir = newDir();
    const port = String(await freePort());
    const first = kvik(dir, '--port', port, '--save', '');
    await ready(first);
    let client = await RawClient.connect(Number(port));
    await client.call('SET', 'kept', 'yes');
    client.sendRaw(resp(['SHUTDOWN', 'SAVE']));
    assert.equal(await first.exited, 0);
    assert.ok(existsSync(join(dir, 'dump.rdb')));

    const second = kvik(dir, '--port', port, '--save', '3600', '1');
    await ready(second);
    client = await RawClient.connect(Number(port));
    assert.equal(await client.call('GET', 'kept'), '$3\r\nyes\r\n');
    await client.call('SET', 'also', 'saved');
    client.close();
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0);
    assert.match(second.output(), /Saving the final RDB snapshot before exiting/);

    // A damaged file: the server refuses to start, naming the file and the offset.
    const bytes = readFileSync(join(dir, 'dump.rdb'));
    writeFileSync(join(dir, 'dump.rdb'), bytes.subarray(0, bytes.length - 20));
    const third = kvik(dir, '--port', port);
    assert.equal(await third.exited, 1);
    assert.match(third.output(), /dump\.rdb: .* at offset \d+/);
  });
});

function resp(argv: (string | number)[]): string {
  return `*${argv.length}\r\n${argv.map((a) => `$${Buffer.byteLength(String(a), 'latin1')}\r\n${a}\r\n`).join('')}`;
}
