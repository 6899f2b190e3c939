import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RawClient } from '../helpers/raw-client.js';
import { freePort, startReference, type ReferenceServer } from '../helpers/servers.js';
import {
  assertSame,
  assertSameBothWays,
  kvikCli,
  kvikCliProcess,
  redisCli,
  type RunOptions,
} from './harness.js';

let reference: ReferenceServer;
let port: number;
let dir: string;
let tlsPort: number;
const socketPath = () => join(dir, 'redis.sock');

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kvik-cli-options-'));
  makeCertificates(dir);
  tlsPort = await freePort();
  reference = await startReference([
    '--unixsocket',
    socketPath(),
    '--tls-port',
    String(tlsPort),
    '--tls-cert-file',
    join(dir, 'server.crt'),
    '--tls-key-file',
    join(dir, 'server.key'),
    '--tls-ca-cert-file',
    join(dir, 'ca.crt'),
    '--tls-auth-clients',
    'no',
  ]);
  port = reference.port;
  const client = await RawClient.connect(port);
  await client.call('ACL', 'SETUSER', 'alice', 'on', '>wonder land', '~*', '+@all');
  await client.call('SELECT', '3');
  await client.call('SET', 'in3', 'db three');
  client.close();
});

after(async () => {
  await reference?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A self-signed CA and a server certificate it signed, for 127.0.0.1. */
function makeCertificates(into: string): void {
  const openssl = (...args: string[]) =>
    execFileSync('openssl', args, { cwd: into, stdio: 'ignore' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=kvik test CA',
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=localhost',
  );
  writeFileSync(join(into, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  mkdirSync(join(into, 'capath'));
  copyFileSync(join(into, 'ca.crt'), join(into, 'capath', 'ca.pem'));
  openssl('rehash', 'capath');
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '2',
    '-extfile',
    'san.ext',
  );
}

/** A server answering every command with the same error line (a cluster redirection). */
async function redirectingServer(reply: string): Promise<{ port: number; close(): void }> {
  const server = net.createServer((socket) => {
    socket.on('data', () => socket.write(reply));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
}

describe('kvik cli options behave as redis-cli 7.0 options', () => {
  it('-n selects the database before the command runs', async () => {
    await assertSameBothWays(port, ['-n', '3', 'GET', 'in3']);
    await assertSameBothWays(port, ['-n', '99', 'PING']);
  });

  it('-u takes host, port, user, password and database from a redis:// URI', async () => {
    const base = `127.0.0.1:${port}`;
    for (const uri of [
      `redis://${base}/3`,
      `redis://${base}`,
      `redis://alice:wonder%20land@${base}/3`,
      `redis://alice:wrong@${base}/3`,
      `REDIS://${base}/3`,
      `http://${base}`,
      `redis://alice:bad%zzencoding@${base}`,
    ]) {
      await assertSame(port, ['-u', uri, 'GET', 'in3']);
    }
  });

  it('-a, --user and --pass authenticate, and a failed AUTH still runs the command', async () => {
    for (const args of [
      ['--user', 'alice', '--pass', 'wonder land', 'ACL', 'WHOAMI'],
      ['--user', 'alice', '-a', 'nope', 'ACL', 'WHOAMI'],
      ['-a', 'nopassword', 'PING'],
      ['--no-auth-warning', '--user', 'alice', '-a', 'wonder land', 'ACL', 'WHOAMI'],
    ]) {
      await assertSameBothWays(port, args);
    }
  });

  it('REDISCLI_AUTH gives the password without the command line warning', async () => {
    const env = { REDISCLI_AUTH: 'wonder land' };
    await assertSame(port, ['--user', 'alice', 'ACL', 'WHOAMI'], { env });
    await assertSame(port, ['--user', 'alice', '-a', 'nope', 'ACL', 'WHOAMI'], { env });
  });

  it('-x reads the last argument from stdin, -X the argument named by a tag', async () => {
    const stdin = 'line one\nline two\n\x00\xff';
    await assertSame(port, ['-x', 'SET', 'from-stdin'], { stdin });
    await assertSame(port, ['GET', 'from-stdin'], { tty: true });
    await assertSame(port, ['-X', '<tag>', 'SET', '<tag>', 'value'], { stdin: 'key-from-stdin' });
    await assertSame(port, ['GET', 'key-from-stdin']);
    await assertSame(port, ['-X', '<tag>', 'SET', 'k', 'v'], { stdin: 'x' });
  });

  it('-e exits with status 1 and prints the error on stderr', async () => {
    await assertSameBothWays(port, ['-e', 'NOSUCHCOMMAND']);
    await assertSameBothWays(port, ['-e', 'PING']);
    await assertSameBothWays(port, ['NOSUCHCOMMAND']);
  });

  it('-r repeats the command, -i waits between runs', async () => {
    await assertSameBothWays(port, ['-r', '3', 'ECHO', 'again']);
    await assertSameBothWays(port, ['-r', '2', '-i', '0.05', 'LRANGE', 'nosuchkey', '0', '-1']);
    await assertSame(port, ['-r', '0', 'PING']);
  });

  it('--quoted-input unquotes every argument with the REPL rules', async () => {
    await assertSame(port, ['--quoted-input', 'SET', '"quoted\\x00key"', "'it''s'"]);
    await assertSame(port, ['--quoted-input', 'SET', '"quoted\\x00key"', '"a\\tb\\\\c\\x41"']);
    await assertSameBothWays(port, ['--quoted-input', 'GET', '"quoted\\x00key"']);
    await assertSame(port, ['--quoted-input', 'GET', '"unbalanced']);
    await assertSame(port, ['--quoted-input', 'GET', 'two words']);
  });

  it('--eval sends the file as a script, keys before the comma and arguments after it', async () => {
    const script = join(dir, 'script.lua');
    writeFileSync(script, 'return {KEYS[1], KEYS[2], ARGV[1], #KEYS, #ARGV}');
    await assertSameBothWays(port, ['--eval', script, 'k1', 'k2', ',', 'a1', 'a2']);
    await assertSameBothWays(port, ['--eval', script, 'k1']);
    await assertSame(port, ['--eval', join(dir, 'missing.lua')]);
  });

  it('unknown options and options missing their value are refused', async () => {
    await assertSame(port, ['--no-such-option', 'PING']);
    await assertSame(port, ['-n']);
    await assertSame(port, ['PING', '--raw']);
  });

  it('a server that cannot be reached is reported with the system error', async () => {
    const closed = await freePort();
    await assertSameBothWays(port, ['-p', String(closed), 'PING']);
    await assertSame(port, ['-s', join(dir, 'missing.sock'), 'PING']);
    await assertSame(port, ['-p', String(closed), '--scan']);
  });

  it('-s connects through a Unix socket', async () => {
    await assertSameBothWays(port, ['-s', socketPath(), '-n', '3', 'GET', 'in3']);
  });

  it('-c follows MOVED and ASK redirections to the node they name', async () => {
    for (const kind of ['MOVED', 'ASK']) {
      const redirecting = await redirectingServer(`-${kind} 3999 127.0.0.1:${port}\r\n`);
      try {
        await assertSame(port, ['-p', String(redirecting.port), '-c', '-n', '3', 'GET', 'in3']);
        await assertSame(port, ['-p', String(redirecting.port), 'GET', 'in3']);
      } finally {
        redirecting.close();
      }
    }
  });

  it('--tls connects with TLS, verifying the server against --cacert', async () => {
    const ca = join(dir, 'ca.crt');
    await assertSameBothWays(port, ['-p', String(tlsPort), '--tls', '--cacert', ca, 'PING']);
    await assertSame(port, ['-p', String(tlsPort), '--tls', '--insecure', 'PING']);
    await assertSame(port, ['-u', `rediss://127.0.0.1:${tlsPort}/3`, '--cacert', ca, 'GET', 'in3']);
    await assertSame(port, [
      '-p',
      String(tlsPort),
      '--tls',
      '--cacertdir',
      join(dir, 'capath'),
      'PING',
    ]);
  });

  it('--tls refuses a server its CA did not sign', async () => {
    await assertSameBothWays(port, ['-p', String(tlsPort), '--tls', 'PING']);
  });

  it('arguments go to the server as the UTF-8 bytes of the command line', async () => {
    await assertSameBothWays(port, ['ECHO', 'héllo wörld ✓']);
    await assertSameBothWays(port, ['-a', 'pässword', 'PING']);
    await assertSame(port, ['--scan', '--pattern', 'ü*']);
  });

  it('as a process, raw in a pipe and formatted on a terminal, exiting as redis-cli does', async () => {
    const cases: [string[], RunOptions][] = [
      [['-3', 'DEBUG', 'PROTOCOL', 'map'], { tty: true }],
      [['LRANGE', 'nosuchkey', '0', '-1'], { tty: true }],
      [['-n', '3', 'GET', 'in3'], {}],
      [['-e', 'NOSUCHCOMMAND'], {}],
      [['-x', 'ECHO'], { stdin: 'from\nstdin\xff' }],
      [['-3', 'DEBUG', 'PROTOCOL', 'bignum'], { tty: true }],
    ];
    await Promise.all(
      cases.map(async ([args, options]) => {
        const expected = await redisCli(port, args, options);
        const actual = await kvikCliProcess(port, args, options);
        assert.deepEqual(actual, expected, JSON.stringify(args));
      }),
    );
  });

  it('--help and --version answer without connecting', async () => {
    const help = await kvikCli(port, ['--help']);
    assert.equal(help.code, 0);
    assert.match(
      help.stdout,
      /^kvik cli .*\n\nUsage: kvik cli \[OPTIONS\] \[cmd \[arg \[arg \.\.\.\]\]\]\n/,
    );
    const version = await kvikCli(port, ['--version']);
    assert.match(version.stdout, /^kvik cli \d+\.\d+\.\d+\n$/);
  });
});
