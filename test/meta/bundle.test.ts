/**
 * The one-file build of the `kvik` command (scripts/bundle.mjs), which `npm start`, the npm bin
 * and the benchmarks run: built afresh here and started as a server. It has to find what the
 * module-per-file build finds relative to its own files: package.json (the version) and the npm
 * packages it leaves external (wasmoon, for scripting).
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { freePort } from '../helpers/servers.js';
import { RawClient } from '../helpers/raw-client.js';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
};

describe('the bundled kvik command', () => {
  it('builds, serves commands and scripts, and reports the package version', async () => {
    // Inside the project, as dist/bin is: package.json and node_modules are found upwards.
    const out = mkdtempSync(join(root, 'node_modules', '.cache-kvik-bundle-'));
    const bundle = join(out, 'kvik.js');
    await run(process.execPath, ['scripts/bundle.mjs', bundle], { cwd: root });

    const { stdout } = await run(process.execPath, [bundle, 'cli', '--version']);
    assert.equal(stdout.trim(), `kvik cli ${version}`);

    const port = await freePort();
    const args = [bundle, 'server', '--port', String(port), '--save', '', '--dir', out];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    try {
      for (let i = 0; i < 400 && !/ready to accept/.test(output); i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      assert.match(output, new RegExp(`Kvik ${version.replace(/\./g, '\\.')} .*ready to accept`));
      const client = await RawClient.connect(port);
      assert.equal(await client.call('PING'), '+PONG\r\n');
      assert.equal(
        await client.call('EVAL', "return redis.call('SET', KEYS[1], 'v')", 1, 'k'),
        '+OK\r\n',
      );
      assert.equal(await client.call('GET', 'k'), '$1\r\nv\r\n');
      assert.match(await client.call('INFO', 'server'), new RegExp(`kvik_version:${version}\r\n`));
      await client.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
      assert.equal(await exited, 0);
    } finally {
      child.kill('SIGKILL');
      rmSync(out, { recursive: true, force: true });
    }
  });
});
