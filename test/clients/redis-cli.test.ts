import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { useDiffServers } from '../helpers/diff.js';

const env = useDiffServers();

interface CliResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

/** Runs the real redis-cli against a port (stdout is a pipe, so it prints raw unless told). */
function redisCli(port: number, args: string[], input?: string | Buffer): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.REDIS_CLI_BIN ?? 'redis-cli', ['-p', String(port), ...args]);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        stdout: Buffer.concat(out).toString('latin1'),
        stderr: Buffer.concat(err).toString('latin1'),
        code,
      }),
    );
    // A one-shot redis-cli may exit before reading its input: the EPIPE that follows is no error.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/** Runs the same redis-cli invocation against redis-server and Kvik; the outputs must match. */
async function sameCli(
  args: string[],
  input?: string | Buffer,
  sortLines = false,
): Promise<string> {
  const [redis, kvik] = await Promise.all([
    redisCli(env.reference.port, args, input),
    redisCli(env.kvik.port, args, input),
  ]);
  const normalize = (text: string) => (sortLines ? text.split('\n').sort().join('\n') : text);
  const shown = `redis-cli ${args.join(' ')}`;
  assert.equal(normalize(kvik.stdout), normalize(redis.stdout), `${shown}: stdout`);
  assert.equal(kvik.stderr, redis.stderr, `${shown}: stderr`);
  assert.equal(kvik.code, redis.code, `${shown}: exit code`);
  return kvik.stdout;
}

describe('redis-cli against Kvik and redis-server', () => {
  it('one-shot commands print the same, raw and formatted', async () => {
    await env.pair();
    for (const mode of [[], ['--no-raw']]) {
      await sameCli([...mode, 'SET', 'greeting', 'hello world']);
      await sameCli([...mode, 'GET', 'greeting']);
      await sameCli([...mode, 'GET', 'missing']);
      await sameCli([...mode, 'INCR', 'greeting']);
      await sameCli([...mode, 'APPEND', 'greeting', '!']);
      await sameCli([...mode, 'MSET', 'a', '1', 'b', '2']);
      await sameCli([...mode, 'MGET', 'a', 'missing', 'b']);
      await sameCli([...mode, 'NOSUCHCOMMAND', 'x']);
      await sameCli([...mode, 'GET']);
    }
  });

  it('binary values are escaped the same way', async () => {
    await env.pair();
    await sameCli(['-x', 'SET', 'bin'], Buffer.from([0, 1, 13, 10, 34, 92, 127, 200, 255]));
    await sameCli(['--no-raw', 'GET', 'bin']);
    await sameCli(['GET', 'bin']);
    await sameCli(['--no-raw', 'STRLEN', 'bin']);
  });

  it('RESP3 replies print the same with -3', async () => {
    await env.pair();
    await sameCli(['-3', '--no-raw', 'CONFIG', 'GET', 'maxmemory-policy']);
    await sameCli(['-3', '--no-raw', 'GET', 'missing']);
    await sameCli(['-3', 'CONFIG', 'GET', 'maxmemory-policy']);
  });

  it('CSV output, repeated commands and database selection agree', async () => {
    await env.pair();
    await sameCli(['MSET', 'x', '1', 'y', 'two words']);
    await sameCli(['--csv', 'MGET', 'x', 'y', 'missing']);
    await sameCli(['-r', '3', 'INCR', 'x']);
    await sameCli(['-n', '3', 'SET', 'in3', 'yes']);
    await sameCli(['-n', '3', 'GET', 'in3']);
    await sameCli(['GET', 'in3']);
  });

  it('commands read from standard input run in order', async () => {
    await env.pair();
    await sameCli([], 'SET s 1\nINCRBY s 41\nGET s\nECHO "quoted arg"\n');
  });

  it('--scan lists the same keys', async () => {
    await env.pair();
    const keys = Array.from({ length: 200 }, (_, i) => `scan:${i}`);
    await sameCli(['MSET', ...keys.flatMap((k) => [k, 'v']), 'other', 'v']);
    const out = await sameCli(['--scan', '--pattern', 'scan:*'], undefined, true);
    assert.equal(out.trim().split('\n').length, 200);
  });

  it('--pipe mass insertion reports the same counts', async () => {
    await env.pair();
    let protocol = '';
    for (let i = 0; i < 2000; i++)
      protocol += `*3\r\n$3\r\nSET\r\n$${`p:${i}`.length}\r\np:${i}\r\n$1\r\nv\r\n`;
    protocol += '*2\r\n$4\r\nINCR\r\n$3\r\np:1\r\n';
    const out = await sameCli(['--pipe'], protocol);
    assert.match(out, /errors: 1, replies: 2001/);
    await sameCli(['DBSIZE']);
  });
});
