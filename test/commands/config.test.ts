import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { KvikServer } from '../../src/index.js';
import { loadConfiguration, parseCommandLine } from '../../src/server/config-file.js';
import { useHarness } from '../helpers/in-process.js';
import { RawClient } from '../helpers/raw-client.js';
import { freePort } from '../helpers/servers.js';

const harness = useHarness();
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'kvik-config-')));
  dirs.push(dir);
  return dir;
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function refused(port: number): Promise<boolean> {
  try {
    (await RawClient.connect(port)).close();
    return false;
  } catch {
    return true;
  }
}

describe('CONFIG SET takes effect at once', () => {
  it('hz changes the frequency of the cron, capped into 1..500', async () => {
    const h = await harness();
    assert.equal(h.server.hz, 10);
    await h.call('CONFIG', 'SET', 'hz', '50');
    assert.equal(h.server.hz, 50);
    await h.call('CONFIG', 'SET', 'hz', '100000');
    assert.equal(h.server.hz, 500);
    assert.equal(await h.call('CONFIG', 'GET', 'hz'), '*2\r\n$2\r\nhz\r\n$3\r\n500\r\n');
  });

  it('dynamic-hz raises the frequency while there are many clients per tick', async () => {
    const h = await harness();
    const clients = await Promise.all(
      Array.from({ length: 210 }, () => RawClient.connect(h.server.port)),
    );
    while (h.server.connectedClients < 211) await tick(10);
    await h.call('CONFIG', 'SET', 'hz', '1');
    assert.equal(h.server.hz, 2);
    await h.call('CONFIG', 'SET', 'dynamic-hz', 'no');
    assert.equal(h.server.hz, 1);
    for (const client of clients) client.close();
  });

  it('port moves the listener to the new port', async () => {
    const h = await harness();
    const oldPort = h.server.port;
    const newPort = await freePort();
    assert.equal(await h.call('CONFIG', 'SET', 'port', String(newPort)), '+OK\r\n');
    await tick(100);
    const client = await RawClient.connect(newPort);
    assert.equal(await client.call('PING'), '+PONG\r\n');
    client.close();
    assert.ok(await refused(oldPort));
  });

  it('bind to an address that cannot be used keeps the listeners and puts the value back', async () => {
    const h = await harness();
    assert.equal(await h.call('CONFIG', 'SET', 'bind', '192.0.2.1'), '+OK\r\n');
    await tick(100);
    assert.equal(await h.call('CONFIG', 'GET', 'bind'), '*2\r\n$4\r\nbind\r\n$9\r\n127.0.0.1\r\n');
    const client = await RawClient.connect(h.server.port);
    assert.equal(await client.call('PING'), '+PONG\r\n');
    client.close();
  });

  it('port already in use keeps the listeners and puts the value back', async () => {
    const h = await harness();
    const oldPort = h.server.port;
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const usedPort = (taken.address() as net.AddressInfo).port;
    try {
      assert.equal(await h.call('CONFIG', 'SET', 'port', String(usedPort)), '+OK\r\n');
      await tick(100);
      const port = String(oldPort);
      assert.equal(
        await h.call('CONFIG', 'GET', 'port'),
        `*2\r\n$4\r\nport\r\n$${port.length}\r\n${port}\r\n`,
      );
      const client = await RawClient.connect(oldPort);
      assert.equal(await client.call('PING'), '+PONG\r\n');
      client.close();
    } finally {
      taken.close();
    }
  });

  it('timeout closes clients idle for longer', async () => {
    const h = await harness();
    const idle = await RawClient.connect(h.server.port);
    await idle.call('PING');
    await h.call('CONFIG', 'SET', 'timeout', '1');
    h.clock.advance(2000);
    await h.call('PING');
    const closed = await idle.readUntilClosed(1000);
    assert.equal(closed, '');
    assert.ok(idle.isClosed);
  });

  it('maxclients refuses connections beyond the limit', async () => {
    const h = await harness();
    await h.call('CONFIG', 'SET', 'maxclients', '1');
    const extra = await RawClient.connect(h.server.port);
    assert.equal(await extra.readUntilClosed(1000), '-ERR max number of clients reached\r\n');
  });

  it('requirepass makes new clients authenticate', async () => {
    const h = await harness();
    await h.call('CONFIG', 'SET', 'requirepass', 'secret');
    const client = await RawClient.connect(h.server.port);
    assert.equal(await client.call('PING'), '-NOAUTH Authentication required.\r\n');
    assert.equal(await client.call('AUTH', 'secret'), '+OK\r\n');
    client.close();
    assert.equal(await h.call('PING'), '+PONG\r\n');
  });

  it('proto-max-bulk-len limits the bulk strings a client may send', async () => {
    const h = await harness();
    await h.call('CONFIG', 'SET', 'proto-max-bulk-len', '1mb');
    const client = await RawClient.connect(h.server.port);
    client.sendRaw(`*2\r\n$4\r\nECHO\r\n$${2 * 1024 * 1024}\r\n`);
    assert.equal(
      await client.readUntilClosed(1000),
      '-ERR Protocol error: invalid bulk length\r\n',
    );
  });

  it('protected parameters need enable-protected-configs; dir resolves as chdir would', async () => {
    const dir = tempDir();
    const h = await harness({ config: { 'enable-protected-configs': 'local', dir } });
    assert.equal(await h.call('CONFIG', 'SET', 'dir', '..'), '+OK\r\n');
    const parent = join(dir, '..');
    assert.equal(h.server.config.get('dir'), parent);
    assert.equal(
      await h.call('CONFIG', 'SET', 'dir', '/nonexistent-kvik'),
      "-ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory\r\n",
    );
    assert.equal(h.server.config.get('dir'), parent);
    assert.equal(
      await h.call('CONFIG', 'SET', 'dbfilename', 'a/b'),
      "-ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a path, just a filename\r\n",
    );
  });

  it('RESETSTAT clears counters, command statistics and latency histograms', async () => {
    const h = await harness();
    await h.call('SET', 'k', 'v');
    await h.call('GET', 'k');
    await h.call('NOSUCH');
    await h.call('CONFIG', 'RESETSTAT');
    const info = await h.call('INFO', 'commandstats', 'latencystats', 'errorstats');
    assert.doesNotMatch(info, /cmdstat_get|latency_percentiles_usec_get|errorstat_ERR/);
    assert.equal(h.server.stats.totalErrorReplies, 0);
  });
});

/** A redis.conf with comments, aliases, multi-line save, include and rename-command. */
function writeConfig(dir: string, port: number): string {
  writeFileSync(join(dir, 'included.conf'), 'hz 20\n');
  const file = join(dir, 'redis.conf');
  writeFileSync(
    file,
    [
      '# my config',
      `port ${port}`,
      'bind 127.0.0.1',
      'save 900 1',
      'save 300 10',
      'hash-max-ziplist-entries 100',
      'rename-command FLUSHDB ""',
      '',
      'maxmemory 100mb',
      `include ${join(dir, 'included.conf')}`,
      'loglevel notice',
      '',
      '',
      'timeout 0',
      `dir ${dir}`,
      '',
    ].join('\n'),
  );
  return file;
}

/** The non-comment lines of a rewritten file, with what differs by nature (ports) masked. */
function rewrittenLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/^port \d+$/, 'port PORT'))
    .sort();
}

describe('CONFIG REWRITE', () => {
  it('rewrites redis.conf the way redis-server 7.0 rewrites the same file', async () => {
    const redisDir = tempDir();
    const kvikDir = tempDir();
    const redisPort = await freePort();
    const redisConf = writeConfig(redisDir, redisPort);
    const kvikConf = writeConfig(kvikDir, 0);
    const child = spawn(process.env.REDIS_SERVER_BIN ?? 'redis-server', [redisConf], {
      stdio: 'ignore',
    });
    const server = new KvikServer();
    loadConfiguration(server, parseCommandLine([kvikConf]));
    await server.start();
    try {
      let redis: RawClient | undefined;
      for (let i = 0; i < 100 && redis === undefined; i++) {
        redis = await RawClient.connect(redisPort).catch(() => undefined);
        if (redis === undefined) await tick(50);
      }
      const kvik = await RawClient.connect(server.port);
      for (const client of [redis!, kvik]) {
        for (const command of [
          ['CONFIG', 'SET', 'loglevel', 'warning'],
          ['CONFIG', 'SET', 'timeout', '5'],
          ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'],
          ['CONFIG', 'SET', 'notify-keyspace-events', 'KEA'],
          ['CONFIG', 'SET', 'client-output-buffer-limit', 'pubsub 1mb 2mb 3'],
          ['CONFIG', 'SET', 'save', ''],
          ['CONFIG', 'SET', 'requirepass', 'secret'],
          ['CONFIG', 'SET', 'maxmemory', '0'],
        ]) {
          assert.equal(await client.call(...command), '+OK\r\n', command.join(' '));
        }
        assert.equal(await client.call('CONFIG', 'REWRITE'), '+OK\r\n');
      }
      const redisText = readFileSync(redisConf, 'latin1').replaceAll(redisDir, 'DIR');
      const kvikText = readFileSync(kvikConf, 'latin1').replaceAll(kvikDir, 'DIR');
      assert.deepEqual(rewrittenLines(kvikText), rewrittenLines(redisText));
      // Comments and unknown-to-the-table directives stay in place, at the top.
      assert.deepEqual(kvikText.split('\n').slice(0, 3), [
        '# my config',
        `port ${server.port}`,
        'bind 127.0.0.1',
      ]);
      redis!.close();
      kvik.close();
    } finally {
      child.kill('SIGKILL');
      await server.close();
    }
  });

  it('a rewritten file loads back to the same configuration', async () => {
    const dir = tempDir();
    const file = writeConfig(dir, 0);
    const first = new KvikServer();
    loadConfiguration(first, parseCommandLine([file]));
    assert.equal(
      first.config.setMany(
        [
          ['maxmemory-policy', 'allkeys-lfu'],
          ['hz', '30'],
          ['save', '60 5'],
        ],
        { localClient: true },
      ),
      null,
    );
    assert.equal(first.config.rewrite(), null);
    const second = new KvikServer();
    loadConfiguration(second, parseCommandLine([file]));
    for (const name of [
      'maxmemory-policy',
      'hz',
      'save',
      'maxmemory',
      'hash-max-listpack-entries',
      'port',
    ]) {
      assert.equal(second.config.get(name), first.config.get(name), name);
    }
    assert.equal(second.commands.get('flushdb'), undefined);
  });

  it('refuses without a config file', async () => {
    const h = await harness();
    assert.equal(
      await h.call('CONFIG', 'REWRITE'),
      '-ERR The server is running without a config file\r\n',
    );
  });
});

describe('the redis.conf loader', () => {
  it('applies the command line after the file, include and rename-command included', async () => {
    const dir = tempDir();
    const file = writeConfig(dir, 6390);
    const server = new KvikServer();
    loadConfiguration(
      server,
      parseCommandLine([
        file,
        '--port',
        '6391',
        '--save',
        '--maxmemory',
        '1gb',
        '--rename-command',
        'GET',
        'FETCH',
      ]),
    );
    assert.equal(server.config.get('port'), '6391');
    assert.equal(server.config.get('save'), '');
    assert.equal(server.config.get('maxmemory'), '1073741824');
    assert.equal(server.config.get('hz'), '20');
    assert.equal(server.config.get('hash-max-listpack-entries'), '100');
    assert.equal(server.config.file, file);
    assert.equal(server.commands.get('get'), undefined);
    assert.ok(server.commands.get('fetch'));
  });

  it('reports configuration errors in Redis words, with the line', () => {
    const dir = tempDir();
    const file = join(dir, 'bad.conf');
    writeFileSync(file, 'port 7401\n# comment\nfoo bar\n');
    const load = (args: string[]) => () =>
      loadConfiguration(new KvikServer(), parseCommandLine(args));
    assert.throws(load([file]), {
      message:
        "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 3\n>>> 'foo bar'\nBad directive or wrong number of arguments",
    });
    assert.throws(load(['--port', '7402', '--hz', 'abc']), {
      message: /at line 3\n>>> 'hz "abc"'\nargument couldn't be parsed into an integer$/,
    });
    assert.throws(load(['--rename-command', 'nosuch', 'x']), {
      message: /No such command in rename-command$/,
    });
    assert.throws(load(['--rename-command', 'get', 'set']), {
      message: /Target command name already exists$/,
    });
    assert.throws(load([join(dir, 'missing.conf')]), {
      message: /^Fatal error, can't open config file '.*missing.conf': No such file or directory$/,
    });
  });

  it('splits the command line as redis-server does', () => {
    assert.deepEqual(
      parseCommandLine(['--port', '7000', '--save', '--loglevel', 'verbose']).options,
      'port "7000" \nsave ""\nloglevel "verbose" ',
    );
    assert.deepEqual(
      parseCommandLine(['--port 7000', '--save', '900', '1']).options,
      'port 7000 \nsave "900" "1" ',
    );
    assert.equal(parseCommandLine(['-']).stdin, true);
  });

  it('keeps a free port check honest: port 0 picks one and records it', async () => {
    const server = new KvikServer();
    loadConfiguration(server, parseCommandLine(['--port', '0', '--bind', '127.0.0.1']));
    await server.start();
    try {
      assert.notEqual(server.port, 0);
      const probe = net.connect(server.port, '127.0.0.1');
      await new Promise((resolve) => probe.once('connect', resolve));
      probe.destroy();
    } finally {
      await server.close();
    }
  });
});
