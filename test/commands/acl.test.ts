import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { KvikServer } from '../../src/index.js';
import { loadConfigText } from '../../src/server/config-file.js';
import { ConfigFileError } from '../../src/server/config-file.js';
import { RawClient } from '../helpers/raw-client.js';
import { strings, useHarness } from '../helpers/in-process.js';
import { parseReply } from '../meta/reply-tree.js';

const harness = useHarness();
const dir = mkdtempSync(join(tmpdir(), 'kvik-acl-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A server started from config text (redis.conf lines), listening on loopback. */
async function serverFromConfig(text: string): Promise<KvikServer> {
  const server = new KvikServer();
  loadConfigText(server, `${text}\nbind 127.0.0.1\nport 0`);
  await server.start();
  return server;
}

describe('ACL files and config users', () => {
  it('ACL SAVE writes every user, and ACL LOAD reads them back', async () => {
    const file = join(dir, 'roundtrip.acl');
    writeFileSync(file, '');
    const h = await harness({ config: { aclfile: file } });
    await h.call('ACL', 'SETUSER', 'ann', 'on', '>pw', '~k*', '&c', '+@read', '(+set ~s*)');
    await h.call('ACL', 'SETUSER', 'ben', 'off', 'nopass');
    assert.equal(await h.call('ACL', 'SAVE'), '+OK\r\n');
    const saved = readFileSync(file, 'latin1');
    const listed = strings(await h.value('ACL', 'LIST'));
    assert.equal(saved, listed.map((line) => `${line}\n`).join(''));
    await h.call('ACL', 'DELUSER', 'ann', 'ben');
    assert.equal(await h.call('ACL', 'LOAD'), '+OK\r\n');
    assert.deepEqual(strings(await h.value('ACL', 'LIST')), listed);
  });

  it('ACL LOAD of a file with an error keeps the users as they were and says why', async () => {
    const file = join(dir, 'broken.acl');
    writeFileSync(file, '');
    const h = await harness({ config: { aclfile: file } });
    writeFileSync(file, 'user ok on nopass +@all\nuser bad on +nosuch\nnot a user line\n');
    const before = await h.call('ACL', 'LIST');
    assert.equal(
      await h.call('ACL', 'LOAD'),
      `-ERR ${file}:2: Unknown command or category name in ACL. ${file}:3 should start with user` +
        ' keyword followed by the username. WARNING: ACL errors detected, no change to the' +
        ' previously active ACL rules was performed\r\n',
    );
    assert.equal(await h.call('ACL', 'LIST'), before);
  });

  it('ACL LOAD disconnects the clients of the users it replaces', async () => {
    const file = join(dir, 'replace.acl');
    writeFileSync(file, 'user default on nopass ~* &* +@all\nuser cat on >pw +@all ~*\n');
    const h = await harness({ config: { aclfile: file } });
    await h.call('ACL', 'LOAD');
    const other = await RawClient.connect(h.server.port);
    assert.equal(await other.call('AUTH', 'cat', 'pw'), '+OK\r\n');
    assert.equal(await h.call('ACL', 'LOAD'), '+OK\r\n');
    await other.readUntilClosed(2000);
    assert.equal(other.isClosed, true);
    assert.equal(await h.call('PING'), '+PONG\r\n');
  });

  it('LOAD and SAVE without an aclfile refuse', async () => {
    const h = await harness();
    assert.match(await h.call('ACL', 'SAVE'), /^-ERR This Redis instance is not configured/);
    assert.match(await h.call('ACL', 'LOAD'), /^-ERR This Redis instance is not configured/);
  });

  it('user lines of the config file create users at startup, default included', async () => {
    const server = await serverFromConfig(
      'user default on >secret ~* &* +@all\nuser dee on >pw ~d* +get (+set ~x)\n',
    );
    try {
      const client = await RawClient.connect(server.port);
      assert.equal(await client.call('GET', 'a'), '-NOAUTH Authentication required.\r\n');
      assert.equal(await client.call('AUTH', 'dee', 'pw'), '+OK\r\n');
      assert.equal(await client.call('GET', 'd1'), '$-1\r\n');
      assert.equal(
        await client.call('GET', 'a'),
        '-NOPERM this user has no permissions to access one of the keys used as arguments\r\n',
      );
      assert.equal(await client.call('SET', 'x', '1'), '+OK\r\n');
      client.close();
    } finally {
      await server.close();
    }
  });

  it('rename-command renames or removes commands; ACL rules keep naming the original', async () => {
    const server = await serverFromConfig(
      'rename-command get fetch\nrename-command flushall ""\nuser nia on >pw ~* +get\n',
    );
    try {
      const client = await RawClient.connect(server.port);
      assert.equal(await client.call('AUTH', 'nia', 'pw'), '+OK\r\n');
      assert.equal(await client.call('FETCH', 'k'), '$-1\r\n');
      assert.match(await client.call('GET', 'k'), /^-ERR unknown command 'GET'/);
      assert.match(await client.call('FLUSHALL'), /^-ERR unknown command 'FLUSHALL'/);
      assert.equal(
        await client.call('SET', 'k', 'v'),
        "-NOPERM this user has no permissions to run the 'set' command\r\n",
      );
      assert.equal(await client.call('AUTH', 'default', 'x'), '+OK\r\n');
      assert.equal(
        await client.call('ACL', 'SETUSER', 'nia', '+fetch'),
        "-ERR Error in ACL SETUSER modifier '+fetch': Unknown command or category name in ACL\r\n",
      );
      client.close();
    } finally {
      await server.close();
    }
  });

  it('a bad user line is a config error in Redis words; users and an aclfile together are refused', async () => {
    const server = new KvikServer();
    assert.throws(
      () => loadConfigText(server, 'user eve on bogus'),
      (err: Error) =>
        err instanceof ConfigFileError &&
        err.message.includes("Error in user declaration 'eve': Syntax error"),
    );
    assert.throws(
      () => loadConfigText(new KvikServer(), 'user eve on\nuser eve off'),
      /Error in user declaration 'eve': Duplicate user found/,
    );
    const both = new KvikServer();
    loadConfigText(both, `user eve on\naclfile ${join(dir, 'x.acl')}\nport 0\nbind 127.0.0.1`);
    await assert.rejects(
      both.start(),
      /users defined in redis.conf and at the same setting an ACL file/,
    );
  });

  it('CONFIG REWRITE writes the users as user lines', async () => {
    const file = join(dir, 'rewrite.conf');
    writeFileSync(file, 'port 0\n');
    const h = await harness();
    h.server.config.file = file;
    await h.call('ACL', 'SETUSER', 'fay', 'on', '>pw', '~f*', '+get');
    assert.equal(await h.call('CONFIG', 'REWRITE'), '+OK\r\n');
    const text = readFileSync(file, 'latin1');
    assert.match(text, /^user default on nopass ~\* &\* \+@all$/m);
    assert.match(text, /^user fay on #[0-9a-f]{64} ~f\* resetchannels -@all \+get$/m);
  });
});

describe('ACL changes and connected clients', () => {
  it('a subscriber whose channel is revoked is disconnected; one still allowed stays', async () => {
    const h = await harness();
    await h.call('ACL', 'SETUSER', 'sub', 'on', '>pw', '+@all', '&news*', '&other');
    const revoked = await RawClient.connect(h.server.port);
    const kept = await RawClient.connect(h.server.port);
    for (const client of [revoked, kept]) await client.call('AUTH', 'sub', 'pw');
    await revoked.call('SUBSCRIBE', 'news1');
    await kept.call('SUBSCRIBE', 'other');
    assert.equal(await h.call('ACL', 'SETUSER', 'sub', 'resetchannels', '&other'), '+OK\r\n');
    await revoked.readUntilClosed(2000);
    assert.equal(revoked.isClosed, true);
    assert.equal(kept.isClosed, false);
    assert.equal(await kept.call('PING'), '*2\r\n$4\r\npong\r\n$0\r\n\r\n');
    kept.close();
  });

  it('a pattern subscriber is checked literally against the new channel patterns', async () => {
    const h = await harness();
    await h.call('ACL', 'SETUSER', 'psub', 'on', '>pw', '+@all', '&a*', '&b*');
    const client = await RawClient.connect(h.server.port);
    await client.call('AUTH', 'psub', 'pw');
    await client.call('PSUBSCRIBE', 'a*');
    await h.call('ACL', 'SETUSER', 'psub', 'resetchannels', '&a*');
    assert.equal(client.isClosed, false);
    await h.call('ACL', 'SETUSER', 'psub', 'resetchannels', '&a1');
    await client.readUntilClosed(2000);
    assert.equal(client.isClosed, true);
  });

  it('HELLO AUTH authenticates as an ACL user before switching protocol', async () => {
    const h = await harness({ config: { requirepass: 'x' } });
    const client = await RawClient.connect(h.server.port);
    assert.equal(await client.call('AUTH', 'x'), '+OK\r\n');
    await client.call('ACL', 'SETUSER', 'liz', 'on', '>pw', '+@all', '~*');
    const fresh = await RawClient.connect(h.server.port);
    assert.equal(await fresh.call('PING'), '-NOAUTH Authentication required.\r\n');
    assert.match(await fresh.call('HELLO', '3', 'AUTH', 'liz', 'pw'), /^%7\r\n/);
    assert.equal(await fresh.call('ACL', 'WHOAMI'), '$3\r\nliz\r\n');
    assert.equal(await fresh.call('RESET'), '+RESET\r\n');
    assert.equal(await fresh.call('PING'), '-NOAUTH Authentication required.\r\n');
    client.close();
    fresh.close();
  });

  it('a user turned off keeps its connections, but cannot authenticate again', async () => {
    const h = await harness();
    await h.call('ACL', 'SETUSER', 'gus', 'on', '>pw', '+@all', '~*');
    const client = await RawClient.connect(h.server.port);
    await client.call('AUTH', 'gus', 'pw');
    await h.call('ACL', 'SETUSER', 'gus', 'off');
    assert.equal(await client.call('ACL', 'WHOAMI'), '$3\r\ngus\r\n');
    assert.equal(
      await client.call('AUTH', 'gus', 'pw'),
      '-WRONGPASS invalid username-password pair or user is disabled.\r\n',
    );
    client.close();
  });

  it('narrowed permissions apply to connections already authenticated', async () => {
    const h = await harness();
    await h.call('ACL', 'SETUSER', 'hal', 'on', '>pw', '+@all', '~*');
    const client = await RawClient.connect(h.server.port);
    await client.call('AUTH', 'hal', 'pw');
    assert.equal(await client.call('SET', 'k', 'v'), '+OK\r\n');
    await h.call('ACL', 'SETUSER', 'hal', '-set');
    assert.equal(
      await client.call('SET', 'k', 'v'),
      "-NOPERM this user has no permissions to run the 'set' command\r\n",
    );
    client.close();
  });

  it('ACL LOG ages come from the server clock and equal refusals group within a minute', async () => {
    const h = await harness();
    await h.call('ACL', 'SETUSER', 'ivy', 'on', '>pw', '+get', '~a');
    const client = await RawClient.connect(h.server.port);
    await client.call('AUTH', 'ivy', 'pw');
    await client.call('GET', 'b');
    h.clock.advance(30_000);
    await client.call('GET', 'b');
    h.clock.advance(61_000);
    await client.call('GET', 'b');
    h.clock.advance(1_500);
    const log = parseReply(await h.call('ACL', 'LOG'));
    assert.equal(log.kind, 'array');
    const entries = log.kind === 'array' ? log.items : [];
    assert.equal(entries.length, 2);
    const fields = (entry: (typeof entries)[number]) =>
      entry.kind === 'array' ? entry.items.map((i) => ('text' in i ? i.text : '')) : [];
    assert.deepEqual(fields(entries[0]).slice(0, 12), [
      'count',
      '1',
      'reason',
      'key',
      'context',
      'toplevel',
      'object',
      'b',
      'username',
      'ivy',
      'age-seconds',
      '1.5',
    ]);
    assert.equal(fields(entries[1])[1], '2');
    assert.match(fields(entries[0])[13], /^id=\d+ addr=127\.0\.0\.1:\d+ .* cmd=get user=ivy /);
    client.close();
  });
});

describe('protected-mode', () => {
  const outside = Object.values(networkInterfaces())
    .flat()
    .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address;

  it('refuses clients from outside while the default user has no password', async () => {
    // Needs an address of this machine that is not loopback; the unit test covers the decision.
    assert.ok(outside, 'this machine has a non-loopback IPv4 address');
    const server = new KvikServer();
    server.config.load('bind', '0.0.0.0');
    server.config.load('port', '0');
    await server.start();
    try {
      const remote = await RawClient.connect(server.port, outside);
      remote.sendRaw('PING\r\n');
      assert.match(
        await remote.readUntilClosed(2000),
        /^-DENIED Redis is running in protected mode/,
      );
      const local = await RawClient.connect(server.port);
      assert.equal(await local.call('PING'), '+PONG\r\n');
      assert.equal(await local.call('CONFIG', 'SET', 'requirepass', 'pw'), '+OK\r\n');
      const withPassword = await RawClient.connect(server.port, outside);
      assert.equal(await withPassword.call('AUTH', 'pw'), '+OK\r\n');
      withPassword.close();
      local.close();
    } finally {
      await server.close();
    }
  });
});

describe('clients authenticating as ACL users', () => {
  it('ioredis connects with a username and password and meets NOPERM', async () => {
    const h = await harness();
    await h.call('ACL', 'SETUSER', 'jo', 'on', '>pw', '+@all', '-flushall', '~app:*');
    const redis = new Redis({
      port: h.server.port,
      username: 'jo',
      password: 'pw',
      lazyConnect: true,
    });
    try {
      await redis.connect();
      assert.equal(await redis.set('app:1', 'v'), 'OK');
      assert.equal(await redis.call('ACL', 'WHOAMI'), 'jo');
      await assert.rejects(redis.get('other'), /NOPERM this user has no permissions to access one/);
      await assert.rejects(
        redis.flushall(),
        /NOPERM this user has no permissions to run the 'flushall'/,
      );
    } finally {
      redis.disconnect();
    }
  });

  it('redis-cli authenticates with --user and --pass', async () => {
    const h = await harness();
    await h.call('ACL', 'SETUSER', 'kim', 'on', '>pw', '+@all', '~*');
    const output = await new Promise<string>((resolve, reject) => {
      const args = [
        '-p',
        String(h.server.port),
        '--user',
        'kim',
        '--pass',
        'pw',
        '--no-auth-warning',
      ];
      const child = spawn('redis-cli', [...args, 'ACL', 'WHOAMI']);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('close', () => resolve(out));
    });
    assert.equal(output, 'kim\n');
  });
});
