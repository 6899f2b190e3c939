import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { RawClient } from '../helpers/raw-client.js';
import { freePort } from '../helpers/servers.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const dir = realpathSync(mkdtempSync(join(tmpdir(), 'kvik-process-')));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function run(command: string, args: string[]): Run {
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** `kvik server ...` as the package runs it. */
function kvik(...args: string[]): Run {
  return run(process.execPath, ['--import', 'tsx', 'src/main.ts', 'server', ...args]);
}

async function waitForOutput(r: Run, pattern: RegExp): Promise<void> {
  for (let i = 0; i < 200 && !pattern.test(r.stdout()); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.match(r.stdout(), pattern, `stderr: ${r.stderr()}`);
}

describe('kvik server', () => {
  it('reads redis.conf, then the command line, and exits with 0 after SHUTDOWN', async () => {
    const port = await freePort();
    const conf = join(dir, 'redis.conf');
    const pidfile = join(dir, 'kvik.pid');
    writeFileSync(
      conf,
      `port 1\nbind 127.0.0.1\nhz 20\nmaxmemory 1mb\npidfile ${pidfile}\nsave 900 1\n`,
    );
    // Its own dir: with save rules, SHUTDOWN writes dump.rdb there (and a start loads it).
    const r = kvik(
      conf,
      '--port',
      String(port),
      '--maxmemory',
      '2mb',
      '--save',
      '60',
      '5',
      '--dir',
      dir,
    );
    await waitForOutput(r, /ready to accept connections on port \d+/);
    assert.ok(existsSync(pidfile));
    const client = await RawClient.connect(port);
    assert.equal(await client.call('CONFIG', 'GET', 'hz'), '*2\r\n$2\r\nhz\r\n$2\r\n20\r\n');
    assert.equal(
      await client.call('CONFIG', 'GET', 'maxmemory'),
      '*2\r\n$9\r\nmaxmemory\r\n$7\r\n2097152\r\n',
    );
    assert.equal(
      await client.call('CONFIG', 'GET', 'save'),
      '*2\r\n$4\r\nsave\r\n$10\r\n900 1 60 5\r\n',
    );
    assert.match(await client.call('INFO', 'server'), new RegExp(`config_file:${conf}\r\n`));
    client.sendRaw('*1\r\n$8\r\nSHUTDOWN\r\n');
    assert.equal(await r.exited, 0);
    assert.ok(!existsSync(pidfile));
  });

  it('stops with 0 on SIGTERM', async () => {
    const port = await freePort();
    const r = kvik('--port', String(port), '--bind', '127.0.0.1', '--dir', dir);
    await waitForOutput(r, /ready to accept connections/);
    r.child.kill('SIGTERM');
    assert.equal(await r.exited, 0);
  });

  it('says so when the port is taken, and how to pick another', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const r = kvik('--port', String(port), '--bind', '127.0.0.1');
      assert.equal(await r.exited, 1);
      assert.match(r.stderr(), new RegExp(`port ${port} is already in use`));
      assert.match(r.stderr(), /--port 6380/);
    } finally {
      blocker.close();
    }
  });

  it('prints configuration errors as redis-server does, and exits with 1', async () => {
    const conf = join(dir, 'bad.conf');
    writeFileSync(conf, 'port 7401\n# comment\nsave 900\n');
    const redis = run(process.env.REDIS_SERVER_BIN ?? 'redis-server', [conf]);
    const ours = kvik(conf);
    assert.equal(await ours.exited, 1);
    assert.equal(await redis.exited, 1);
    assert.equal(ours.stderr(), redis.stderr());
  });
});
