import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RawClient } from '../helpers/raw-client.js';
import { freePort, startReference, type ReferenceServer } from '../helpers/servers.js';
import { assertSame, KVIK_CLI } from './harness.js';
import { PtySession } from './pty.js';

let reference: ReferenceServer;
let port: number;
let home: string;

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'kvik-cli-home-'));
  reference = await startReference();
  port = reference.port;
});

after(async () => {
  await reference?.close();
  rmSync(home, { recursive: true, force: true });
});

const CLIS = {
  redis: ['redis-cli'],
  kvik: KVIK_CLI,
};

/** A terminal session of one CLI; history and preferences live in a test directory. */
function session(cli: keyof typeof CLIS, args: string[], env: Record<string, string> = {}) {
  return PtySession.start([...CLIS[cli], '-p', String(port), ...args], {
    HOME: home,
    REDISCLI_HISTFILE: join(home, `${cli}-history`),
    REDISCLI_RCFILE: join(home, 'no-rcfile'),
    TERM: 'xterm',
    ...env,
  });
}

/**
 * Types the same lines into both CLIs on a dumb terminal (printed prompt, the terminal echoes
 * what is typed) and asserts the two screens are identical.
 */
async function sameTranscript(lines: string[], args: string[] = []): Promise<string> {
  const screens: string[] = [];
  for (const cli of ['redis', 'kvik'] as const) {
    const pty = session(cli, args, { TERM: 'dumb' });
    try {
      await pty.waitForText(/> $/);
      for (const line of lines) await pty.line(line);
      pty.type('quit\r');
      assert.equal(await pty.exitCode(), 0);
      screens.push(pty.transcript);
    } finally {
      pty.close();
    }
  }
  assert.equal(screens[1], screens[0]);
  return screens[1];
}

describe('kvik cli interactive mode, driven through a terminal', () => {
  it('shows the same prompt, replies and errors as redis-cli for a session of commands', async () => {
    const screen = await sameTranscript([
      'set greeting "hello world"',
      'get greeting',
      'GET nosuchkey',
      'rpush list a b c',
      'lrange list 0 -1',
      'nosuchcommand arg',
      'incr greeting',
      '',
      '   ',
      'del greeting list',
    ]);
    assert.match(
      screen,
      new RegExp(`^127\\.0\\.0\\.1:${port}> set greeting "hello world"\r\nOK\r\n`),
    );
  });

  it('prompts show the selected database and an open transaction', async () => {
    await sameTranscript([
      'select 5',
      'set k v',
      'multi',
      'get k',
      'exec',
      'multi',
      'select 6',
      'discard',
      'select 0',
    ]);
    await sameTranscript(['get k', 'select 0'], ['-n', '5']);
  });

  it('applies redis-cli quoting rules and repeat counts to typed lines', async () => {
    await sameTranscript([
      `set "a key" 'it\\'s "quoted"'`,
      'get "a key"',
      'set bin "\\x00\\xff\\n\\t"',
      'get bin',
      'echo "unbalanced',
      "echo 'also unbalanced",
      'echo "closing quote"glued',
      '3 echo thrice',
      '0 echo never',
      '-2 echo never',
      '1',
    ]);
  });

  it('answers help for commands, subcommands and groups', async () => {
    await sameTranscript([
      'help set',
      'help CONFIG get',
      'help config',
      'help @hyperloglog',
      'help nosuch',
      '? get',
    ]);
  });

  it('reads :set preferences, connect and clear like redis-cli', async () => {
    await sameTranscript([
      ':set nohints',
      ':set hints',
      ':set bogus',
      ':bogus',
      'restart',
      `connect 127.0.0.1 ${port}`,
      'ping',
    ]);
  });

  it('says "not connected" and reconnects when the server comes back', async () => {
    const spare = await freePort();
    let server = await startRedis(spare);
    try {
      const screens: string[] = [];
      for (const cli of ['redis', 'kvik'] as const) {
        const pty = PtySession.start([...CLIS[cli], '-p', String(spare)], {
          HOME: home,
          TERM: 'dumb',
        });
        try {
          await pty.waitForText(/> $/);
          await pty.line('ping');
          await stopRedis(server);
          await pty.line('ping');
          await pty.line('ping');
          server = await startRedis(spare);
          await pty.line('ping');
          await pty.line('ping');
          screens.push(pty.output);
        } finally {
          pty.close();
        }
      }
      assert.equal(screens[1], screens[0]);
      assert.match(
        screens[1],
        /Error: Server closed the connection\r\nnot connected> ping\r\nCould not connect/,
      );
    } finally {
      await stopRedis(server);
    }
  });

  it('Ctrl-C ends SUBSCRIBE and goes back to the prompt', async () => {
    const screens: string[] = [];
    for (const cli of ['redis', 'kvik'] as const) {
      const pty = session(cli, [], { TERM: 'dumb' });
      try {
        await pty.waitForText(/> $/);
        const from = pty.output.length;
        pty.type('subscribe news\r');
        await pty.waitForText('(integer) 1\r\n', from);
        await publish('news', 'extra extra');
        await pty.waitForText('"extra extra"\r\n', from);
        pty.type('\x03');
        await pty.waitForText(/> $/, from + 10);
        await pty.line('ping');
        pty.type('quit\r');
        assert.equal(await pty.exitCode(), 0);
        screens.push(pty.transcript);
      } finally {
        pty.close();
      }
    }
    assert.equal(screens[1], screens[0]);
  });

  it('MONITOR streams the commands the server runs until Ctrl-C', async () => {
    const pty = session('kvik', []);
    try {
      await pty.waitForText(`${port}> `);
      const from = pty.output.length;
      pty.type('monitor\r');
      await pty.waitForText('OK\r\n', from);
      await publish('channel', 'seen by monitor');
      await pty.waitForText('"seen by monitor"\r\n', from);
      assert.match(
        pty.output.slice(from),
        /\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] "PUBLISH" "channel" "seen by monitor"\r\n/,
      );
      pty.type('\x03');
      const back = pty.output.length;
      await pty.waitForText(`${port}> `, back);
      pty.type('echo back\r');
      await pty.waitForText('"back"', back);
    } finally {
      pty.close();
    }
  });

  it('Ctrl-C during a blocking command ends the CLI with status 1', async () => {
    for (const cli of ['redis', 'kvik'] as const) {
      const pty = session(cli, [], { TERM: 'dumb' });
      try {
        await pty.waitForText(/> $/);
        pty.type('blpop nosuchlist 0\r');
        await pty.waitForText('blpop nosuchlist 0\r\n');
        await new Promise((resolve) => setTimeout(resolve, 200));
        pty.type('\x03');
        assert.equal(await pty.exitCode(), 1, cli);
      } finally {
        pty.close();
      }
    }
  });

  it('Ctrl-C and Ctrl-D at the prompt leave with status 0, Ctrl-C on a dumb terminal with 1', async () => {
    const cases: [string, string, number][] = [
      ['xterm', '\x03', 0],
      ['xterm', '\x04', 0],
      ['dumb', '\x03', 1],
    ];
    for (const cli of ['redis', 'kvik'] as const) {
      for (const [term, key, status] of cases) {
        const pty = session(cli, [], { TERM: term });
        try {
          await pty.waitForText(`${port}> `);
          pty.type(key);
          assert.equal(await pty.exitCode(), status, `${cli} on ${term}, ${JSON.stringify(key)}`);
        } finally {
          pty.close();
        }
      }
    }
  });

  it('shows the arguments still to type as a hint after the cursor', async () => {
    const pty = session('kvik', []);
    try {
      await pty.waitForText(`${port}> `);
      let from = pty.output.length;
      pty.type('set');
      await pty.waitForText('\x1b[0;90;49m key value [NX|XX] [GET]', from);
      from = pty.output.length;
      pty.type(' k v ');
      await pty.waitForText('\x1b[0;90;49m[NX|XX] [GET] [EX seconds', from);
      from = pty.output.length;
      pty.type('\x15config get ');
      await pty.waitForText('\x1b[0;90;49mparameter [parameter ...]', from);
      pty.type('\x15');
      await pty.command(':set nohints', '\n', `${port}> `);
      from = pty.output.length;
      pty.type('set ');
      await pty.waitForText('set ', from);
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.doesNotMatch(pty.output.slice(from), /key value/);
    } finally {
      pty.close();
    }
  });

  it('completes command names and help topics with Tab', async () => {
    const pty = session('kvik', []);
    try {
      await pty.waitForText(`${port}> `);
      // Keys typed one at a time: readline completes only what is typed, not what is pasted.
      let from = pty.output.length;
      pty.type('lastsa');
      await pty.waitForText('lastsa', from);
      pty.type('\t');
      await pty.waitForText('LASTSAVE', from);
      pty.type('\r');
      await pty.waitForText('(integer) ', from);
      from = pty.output.length;
      pty.type('help @hyperlog');
      await pty.waitForText('@hyperlog', from);
      pty.type('\t');
      await pty.waitForText('@hyperloglog', from);
      pty.type('\r');
      await pty.waitForText('PFADD', from);
    } finally {
      pty.close();
    }
  });

  it('keeps a history file like redis-cli, without AUTH lines, and recalls lines with Up', async () => {
    // Each line with a part of its reply, to wait for before typing the next one.
    const lines = [
      ['echo first', '"first"'],
      ['auth secret', 'ERR'],
      ['AUTH user secret', 'WRONGPASS'],
      ['acl setuser x', 'OK'],
      ['2 auth again', 'ERR'],
      ['echo "second"', '"second"'],
      ['echo "second"', '"second"'],
      ['"unbalanced', 'Invalid argument(s)'],
    ];
    const files: string[] = [];
    for (const cli of ['redis', 'kvik'] as const) {
      rmSync(join(home, `${cli}-history`), { force: true });
      const pty = session(cli, []);
      try {
        await pty.waitForText(`${port}> `);
        for (const [line, reply] of lines) await pty.command(line, reply, `${port}> `);
        pty.type('quit\r');
        assert.equal(await pty.exitCode(), 0);
        files.push(readFileSync(join(home, `${cli}-history`), 'latin1'));
      } finally {
        pty.close();
      }
    }
    assert.equal(files[1], files[0]);
    assert.equal(files[1], 'echo first\necho "second"\n"unbalanced\nquit\n');

    const pty = session('kvik', []);
    try {
      await pty.waitForText(`${port}> `);
      const from = pty.output.length;
      pty.type('\x1b[A\x1b[A\r');
      await pty.waitForText('"unbalanced', from);
      await pty.waitForText('Invalid argument(s)', from);
    } finally {
      pty.close();
    }
  });

  it('reads commands from stdin without prompts when it is not a terminal', async () => {
    const stdin =
      'set piped "a b"\nget piped\n\nnosuchcommand\n"bad\n2 echo twice\nquit\nget piped\n';
    await assertSame(port, [], { stdin });
    await assertSame(port, [], { stdin: 'lrange nokey 0 -1\nping' });
    await assertSame(port, ['--csv'], { stdin: 'echo a\nget piped\n' });
  });
});

async function publish(channel: string, message: string): Promise<void> {
  const client = await RawClient.connect(port);
  await client.call('PUBLISH', channel, message);
  client.close();
}

interface Redis {
  child: ChildProcess;
  port: number;
}

/** A redis-server on a given port, to stop and start again under a connected CLI. */
async function startRedis(onPort: number): Promise<Redis> {
  const child = spawn(
    'redis-server',
    ['--port', String(onPort), '--bind', '127.0.0.1', '--save', ''],
    {
      stdio: 'ignore',
    },
  );
  for (let i = 0; i < 100; i++) {
    try {
      const client = await RawClient.connect(onPort);
      client.close();
      return { child, port: onPort };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not start on port ${onPort}`);
}

async function stopRedis(redis: Redis): Promise<void> {
  if (redis.child.exitCode !== null) return;
  const exited = new Promise((resolve) => redis.child.once('exit', resolve));
  redis.child.kill('SIGKILL');
  await exited;
}
