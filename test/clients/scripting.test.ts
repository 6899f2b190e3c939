import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createClient, defineScript, type CommandParser } from 'redis';
import { startServer, type RunningServer } from '../../src/index.js';

let kvik: RunningServer;
const closers: (() => void)[] = [];

before(async () => {
  kvik = await startServer({ port: 0 });
});

after(async () => {
  for (const close of closers) close();
  await kvik.close();
});

async function ioredis(): Promise<Redis> {
  const client = new Redis({ port: kvik.port, host: '127.0.0.1' });
  closers.push(() => client.disconnect());
  await client.ping();
  return client;
}

/** A rate limiter of the kind applications define: a counter with a window. */
const LIMITER = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
if count > tonumber(ARGV[2]) then return {count, 0} end
return {count, 1}`;

describe('scripts through ioredis and node-redis', () => {
  it("ioredis's defineCommand runs by EVALSHA, falling back to EVAL after SCRIPT FLUSH", async () => {
    const client = await ioredis();
    client.defineCommand('limit', { numberOfKeys: 1, lua: LIMITER });
    const limited = client as Redis & {
      limit(key: string, window: number, max: number): Promise<[number, number]>;
    };
    assert.deepEqual(await limited.limit('rate:a', 1000, 2), [1, 1]);
    assert.deepEqual(await limited.limit('rate:a', 1000, 2), [2, 1]);
    await client.script('FLUSH');
    assert.deepEqual(await limited.limit('rate:a', 1000, 2), [3, 0]);
    assert.ok((await client.pttl('rate:a')) > 0);
  });

  it('ioredis runs EVAL, EVALSHA, SCRIPT and FUNCTION commands and sees script errors', async () => {
    const client = await ioredis();
    assert.equal(await client.eval('return ARGV[1]', 0, 'hello'), 'hello');
    const sha = (await client.script('LOAD', 'return KEYS[1]')) as string;
    assert.equal(await client.evalsha(sha, 1, 'key'), 'key');
    assert.deepEqual(await client.script('EXISTS', sha), [1]);
    await assert.rejects(
      client.eval("return redis.call('nosuch')", 0),
      /Unknown Redis command called from script/,
    );
    await client.function(
      'LOAD',
      'REPLACE',
      "#!lua name=io\nredis.register_function('twice', function(k, a) return a[1] * 2 end)",
    );
    assert.equal(await client.fcall('twice', 0, 21), 42);
  });

  it("node-redis's scripts run by EVALSHA and fall back to EVAL on NOSCRIPT", async () => {
    const limit = defineScript({
      SCRIPT: LIMITER,
      NUMBER_OF_KEYS: 1,
      parseCommand(parser: CommandParser, key: string, window: number, max: number) {
        parser.pushKey(key);
        parser.push(String(window), String(max));
      },
      transformReply: undefined as unknown as () => [number, number],
    });
    const client = createClient({
      socket: { port: kvik.port, host: '127.0.0.1' },
      scripts: { limit },
    });
    client.on('error', () => undefined);
    closers.push(() => client.isOpen && client.destroy());
    await client.connect();
    assert.deepEqual(await client.limit('rate:b', 1000, 5), [1, 1]);
    await client.scriptFlush();
    assert.deepEqual(await client.limit('rate:b', 1000, 5), [2, 1]);
    assert.equal(await client.eval('return 1 + 1'), 2);
    await client.functionLoad(
      "#!lua name=nr\nredis.register_function('triple', function(k, a) return a[1] * 3 end)",
      { REPLACE: true },
    );
    assert.equal(await client.fCall('triple', { arguments: ['5'] }), 15);
  });
});
