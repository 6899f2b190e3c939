/**
 * TLS with node:tls, from Redis's tls-* parameters: the server's certificate and key (with its
 * passphrase), the CA that client certificates are checked against (a file or a directory),
 * tls-auth-clients yes / optional / no, protocol versions, cipher lists and session caching.
 * tls-replication and tls-cluster are accepted for when replication and cluster links exist.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';
import type { Config } from './config.js';

/** Redis's tls-protocols names, and the versions Node knows them as. */
const PROTOCOLS: ReadonlyMap<string, tls.SecureVersion> = new Map([
  ['tlsv1', 'TLSv1'],
  ['tlsv1.1', 'TLSv1.1'],
  ['tlsv1.2', 'TLSv1.2'],
  ['tlsv1.3', 'TLSv1.3'],
]);
const ORDER: readonly tls.SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

export class TlsConfigError extends Error {}

/** The options of the TLS listener, read from the config; throws TlsConfigError when unusable. */
export function tlsServerOptions(config: Config): tls.TlsOptions {
  const certFile = config.get('tls-cert-file') ?? '';
  const keyFile = config.get('tls-key-file') ?? '';
  if (certFile === '' || keyFile === '') {
    throw new TlsConfigError('tls-cert-file and tls-key-file are required');
  }
  const auth = config.get('tls-auth-clients');
  const options: tls.TlsOptions = {
    cert: read(certFile),
    key: read(keyFile),
    passphrase: config.get('tls-key-file-pass') || undefined,
    ca: certificateAuthorities(config),
    // optional: a client may come without a certificate, but one it presents must be valid.
    requestCert: auth !== 'no',
    rejectUnauthorized: auth === 'yes',
    honorCipherOrder: config.boolValue('tls-prefer-server-ciphers'),
    sessionTimeout: config.boolValue('tls-session-caching')
      ? config.numberValue('tls-session-cache-timeout')
      : 0,
    ...protocolRange(config.get('tls-protocols') ?? ''),
  };
  const ciphers = [config.get('tls-ciphersuites'), config.get('tls-ciphers')].filter(Boolean);
  if (ciphers.length > 0) options.ciphers = ciphers.join(':');
  try {
    tls.createSecureContext(options);
  } catch (err) {
    throw new TlsConfigError((err as Error).message);
  }
  return options;
}

/**
 * Whether an accepted TLS client may stay: with tls-auth-clients optional, a certificate it
 * presented must have been verified.
 */
export function clientCertificateAccepted(socket: tls.TLSSocket): boolean {
  if (socket.authorized) return true;
  const peer = socket.getPeerCertificate();
  return peer === null || Object.keys(peer).length === 0;
}

function read(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new TlsConfigError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

/** tls-ca-cert-file and every certificate file of tls-ca-cert-dir. */
function certificateAuthorities(config: Config): Buffer[] | undefined {
  const authorities: Buffer[] = [];
  const file = config.get('tls-ca-cert-file') ?? '';
  if (file !== '') authorities.push(read(file));
  const dir = config.get('tls-ca-cert-dir') ?? '';
  if (dir !== '') {
    for (const name of readdirSync(dir)) {
      if (/\.(pem|crt|cer|[0-9])$/.test(name)) authorities.push(read(join(dir, name)));
    }
  }
  return authorities.length > 0 ? authorities : undefined;
}

/** tls-protocols ("TLSv1.2 TLSv1.3") as Node's version range; Redis's default is both. */
function protocolRange(text: string): {
  minVersion: tls.SecureVersion;
  maxVersion: tls.SecureVersion;
} {
  const names =
    text.trim() === '' ? ['tlsv1.2', 'tlsv1.3'] : text.trim().toLowerCase().split(/\s+/);
  const versions = names.map((name) => {
    const version = PROTOCOLS.get(name);
    if (version === undefined) throw new TlsConfigError(`invalid tls-protocols ${name}`);
    return ORDER.indexOf(version);
  });
  return { minVersion: ORDER[Math.min(...versions)], maxVersion: ORDER[Math.max(...versions)] };
}
