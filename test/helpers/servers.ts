/**
 * Servers for tests: the reference redis-server 7.0 (started on a free port; a missing binary is a
 * failure, never a skip) and Kvik in-process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer, type StartServerOptions } from '../../src/index.js';
import { RawClient } from './raw-client.js';

export interface ReferenceServer {
  port: number;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/** Starts redis-server (REDIS_SERVER_BIN or `redis-server`) with extra `--name value` args. */
export async function startReference(extraArgs: string[] = []): Promise<ReferenceServer> {
  const bin = process.env.REDIS_SERVER_BIN ?? 'redis-server';
  const dir = mkdtempSync(join(tmpdir(), 'kvik-ref-'));
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn(
      bin,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--enable-debug-command',
        'yes',
        ...extraArgs,
      ],
      // SORT ALPHA compares with strcoll in the server's locale; Kvik compares bytes, as C does.
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } },
    );
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += d));
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    const ready = await Promise.race([waitForPing(port), spawnError]);
    if (ready === true) {
      return {
        port,
        close: async () => {
          child.kill('SIGKILL');
          await new Promise((r) => child.once('exit', r));
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    child.kill('SIGKILL');
    if (ready instanceof Error || attempt >= 3) {
      throw new Error(
        `cannot start the reference redis-server (${bin}); install the Debian package redis-server: ${ready instanceof Error ? ready.message : stderr}`,
      );
    }
  }
}

async function waitForPing(port: number): Promise<true | Error> {
  for (let i = 0; i < 100; i++) {
    try {
      const client = await RawClient.connect(port);
      const reply = await client.call('PING');
      client.close();
      // A server started with --requirepass answers NOAUTH: it is up all the same.
      if (reply === '+PONG\r\n' || reply.startsWith('-NOAUTH')) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return new Error(`redis-server did not answer PING on port ${port}`);
}

export async function startKvik(options: StartServerOptions = {}): Promise<RunningServer> {
  return startServer({
    port: 0,
    ...options,
    config: { 'enable-debug-command': 'yes', ...options.config },
  });
}
