import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { KvikServer } from '../../src/index.js';
import { RawClient } from '../helpers/raw-client.js';
import { freePort } from '../helpers/servers.js';

let dir = '';
const file = (name: string) => join(dir, name);

/** A CA, a server certificate for 127.0.0.1 signed by it, a client one, and a self-signed one. */
function makeCertificates(): void {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const newKey = ['-newkey', 'rsa:2048', '-nodes'];
  run(
    'req',
    '-x509',
    ...newKey,
    '-days',
    '2',
    '-subj',
    '/CN=Kvik CA',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
  );
  writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  writeFileSync(file('client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const name of ['server', 'client']) {
    run('req', ...newKey, '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    run(
      ...['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key'],
      ...['-CAcreateserial', '-days', '2', '-out', `${name}.crt`, '-extfile', `${name}.ext`],
    );
  }
  run(
    'req',
    '-x509',
    ...newKey,
    '-days',
    '2',
    '-subj',
    '/CN=rogue',
    '-keyout',
    'rogue.key',
    '-out',
    'rogue.crt',
  );
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kvik-tls-'));
  makeCertificates();
});
after(() => rmSync(dir, { recursive: true, force: true }));

const servers: KvikServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function tlsServer(
  config: Record<string, string>,
): Promise<{ server: KvikServer; tlsPort: number }> {
  const server = new KvikServer();
  const tlsPort = await freePort();
  const settings = {
    bind: '127.0.0.1',
    port: String(await freePort()),
    save: '',
    'tls-port': String(tlsPort),
    'tls-cert-file': file('server.crt'),
    'tls-key-file': file('server.key'),
    'tls-ca-cert-file': file('ca.crt'),
    ...config,
  };
  for (const [name, value] of Object.entries(settings)) server.config.load(name, value);
  await server.start();
  servers.push(server);
  return { server, tlsPort };
}

/** redis-cli over TLS; resolves with its output (stdout and stderr). */
function redisCli(port: number, certificate: string | null, ...command: string[]): Promise<string> {
  const args = ['--tls', '--cacert', file('ca.crt'), '-h', '127.0.0.1', '-p', String(port)];
  if (certificate !== null) {
    args.push('--cert', file(`${certificate}.crt`), '--key', file(`${certificate}.key`));
  }
  return new Promise((resolve) => {
    execFile('redis-cli', [...args, ...command], { timeout: 5000 }, (_err, stdout, stderr) =>
      resolve((stdout + stderr).trim()),
    );
  });
}

describe('TLS', () => {
  it('serves a plain port and a TLS port at once; redis-cli --tls with a client certificate', async () => {
    const { server, tlsPort } = await tlsServer({});
    assert.equal(await redisCli(tlsPort, 'client', 'SET', 'k', 'over tls'), 'OK');
    const plain = await RawClient.connect(server.port);
    assert.equal(await plain.call('GET', 'k'), '$8\r\nover tls\r\n');
    plain.close();
  });

  it('tls-auth-clients yes refuses a client without a certificate or with an unknown one', async () => {
    const { tlsPort } = await tlsServer({ 'tls-auth-clients': 'yes' });
    assert.notEqual(await redisCli(tlsPort, null, 'PING'), 'PONG');
    assert.notEqual(await redisCli(tlsPort, 'rogue', 'PING'), 'PONG');
    assert.equal(await redisCli(tlsPort, 'client', 'PING'), 'PONG');
  });

  it('tls-auth-clients optional accepts no certificate but refuses an unknown one', async () => {
    const { tlsPort } = await tlsServer({ 'tls-auth-clients': 'optional' });
    assert.equal(await redisCli(tlsPort, null, 'PING'), 'PONG');
    assert.notEqual(await redisCli(tlsPort, 'rogue', 'PING'), 'PONG');
    assert.equal(await redisCli(tlsPort, 'client', 'PING'), 'PONG');
  });

  it('tls-auth-clients no needs no certificate; port 0 beside tls-port opens no plain port', async () => {
    const { server, tlsPort } = await tlsServer({ 'tls-auth-clients': 'no', port: '0' });
    assert.equal(await redisCli(tlsPort, null, 'PING'), 'PONG');
    assert.equal(server.port, 0);
  });

  it('takes its CAs from tls-ca-cert-dir, an encrypted key with tls-key-file-pass, and tls-protocols', async () => {
    mkdirSync(file('cas'), { recursive: true });
    copyFileSync(file('ca.crt'), file('cas/ca.pem'));
    execFileSync('openssl', [
      ...['rsa', '-aes256', '-in', file('server.key'), '-out', file('server.enc.key')],
      ...['-passout', 'pass:s3cret'],
    ]);
    const { tlsPort } = await tlsServer({
      'tls-ca-cert-file': '',
      'tls-ca-cert-dir': file('cas'),
      'tls-key-file': file('server.enc.key'),
      'tls-key-file-pass': 's3cret',
      'tls-protocols': 'TLSv1.3',
    });
    assert.equal(await redisCli(tlsPort, 'client', 'PING'), 'PONG');
    assert.notEqual(await redisCli(tlsPort, 'rogue', 'PING'), 'PONG');
    const tls12 = await new Promise<string>((resolve) => {
      const socket = tlsConnect({
        host: '127.0.0.1',
        port: tlsPort,
        ca: readFileSync(file('ca.crt')),
        maxVersion: 'TLSv1.2',
      });
      socket.on('secureConnect', () => resolve('connected'));
      socket.on('error', () => resolve('refused'));
    });
    assert.equal(tls12, 'refused');
  });

  it('CONFIG SET tls-port moves the TLS listener, CONFIG SET port the plain one only', async () => {
    const { server, tlsPort } = await tlsServer({});
    const plain = await RawClient.connect(server.port);
    const newTlsPort = await freePort();
    assert.equal(await plain.call('CONFIG', 'SET', 'tls-port', String(newTlsPort)), '+OK\r\n');
    const newPort = await freePort();
    assert.equal(await plain.call('CONFIG', 'SET', 'port', String(newPort)), '+OK\r\n');
    plain.close();
    for (let i = 0; i < 50 && (await redisCli(newTlsPort, 'client', 'PING')) !== 'PONG'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(await redisCli(newTlsPort, 'client', 'PING'), 'PONG');
    assert.notEqual(await redisCli(tlsPort, 'client', 'PING'), 'PONG');
    const moved = await RawClient.connect(newPort);
    assert.equal(await moved.call('PING'), '+PONG\r\n');
    moved.close();
  });

  it('ioredis connects over TLS with its tls options', async () => {
    const { tlsPort } = await tlsServer({});
    const client = new Redis({
      host: '127.0.0.1',
      port: tlsPort,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      tls: {
        ca: readFileSync(file('ca.crt')),
        cert: readFileSync(file('client.crt')),
        key: readFileSync(file('client.key')),
      },
    });
    await client.connect();
    await client.set('greeting', 'hello');
    assert.equal(await client.get('greeting'), 'hello');
    client.disconnect();
  });

  it('CONFIG SET of tls-* reloads the context, and a bad file is refused with Redis error', async () => {
    const { tlsPort } = await tlsServer({ 'tls-auth-clients': 'yes' });
    assert.notEqual(await redisCli(tlsPort, null, 'PING'), 'PONG');
    assert.equal(
      await redisCli(tlsPort, 'client', 'CONFIG', 'SET', 'tls-auth-clients', 'no'),
      'OK',
    );
    assert.equal(await redisCli(tlsPort, null, 'PING'), 'PONG');
    assert.equal(
      await redisCli(tlsPort, null, 'CONFIG', 'SET', 'tls-cert-file', file('missing.crt')),
      "ERR CONFIG SET failed (possibly related to argument 'tls-cert-file') - Unable to update TLS configuration. Check server logs.",
    );
    assert.equal(
      await redisCli(tlsPort, null, 'CONFIG', 'GET', 'tls-cert-file'),
      `tls-cert-file\n${file('server.crt')}`,
    );
  });
});
