import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { useDiffServers, type DiffPair } from '../helpers/diff.js';

// Kvik saves into a directory of its own, as the reference server does.
const dir = mkdtempSync(join(tmpdir(), 'kvik-diff-persistence-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const env = useDiffServers({ kvik: { config: { dir } } });

/** Waits until neither server has a background save or rewrite running. */
async function idle(pair: DiffPair): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const { redis, kvik } = await pair.both('INFO', 'persistence');
    if (![redis, kvik].some((text) => /(bgsave|rewrite)_in_progress:1/.test(text))) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail('a background save never ended');
}

describe('persistence commands', () => {
  it('SAVE, BGSAVE, BGREWRITEAOF and LASTSAVE answer as redis-server', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SET', 'k', 'v'],
      ['RPUSH', 'l', 'a', 'b'],
      ['SAVE'],
      ['BGSAVE', 'NOW'],
      ['BGSAVE', 'SCHEDULE', 'extra'],
      ['SAVE', 'extra'],
      ['LASTSAVE', 'extra'],
      ['BGREWRITEAOF', 'extra'],
    ]);
    const { redis, kvik } = await pair.both('LASTSAVE');
    assert.match(redis, /^:\d+\r\n$/);
    assert.match(kvik, /^:\d+\r\n$/);
    await pair.same('BGSAVE');
    await idle(pair);
    await pair.same('BGSAVE', 'SCHEDULE');
    await idle(pair);
    await pair.same('BGREWRITEAOF');
    await idle(pair);
    const status = await pair.both('INFO', 'persistence');
    for (const text of [status.redis, status.kvik]) {
      assert.match(text, /rdb_last_bgsave_status:ok/);
      assert.match(text, /aof_last_bgrewrite_status:ok/);
      assert.match(text, /rdb_changes_since_last_save:0/);
    }
  });

  it('DEBUG RELOAD keeps the data and refuses unknown options as redis-server', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SET', 'k', 'v', 'PXAT', Date.now() + 100_000],
      ['HSET', 'h', 'f', 'v'],
      ['ZADD', 'z', 1, 'a'],
      ['DEBUG', 'RELOAD'],
      ['GET', 'k'],
      ['HGETALL', 'h'],
      ['ZRANGE', 'z', 0, -1, 'WITHSCORES'],
      ['DEBUG', 'RELOAD', 'NOSAVE'],
      ['DBSIZE'],
      ['DEBUG', 'RELOAD', 'BOGUS'],
      ['SHUTDOWN', 'ABORT'],
    ]);
  });

  it('DEBUG RELOAD NOFLUSH fails on what is already there, and MERGE replaces it, as redis-server', async () => {
    const library = (name: string) =>
      `#!lua name=${name}\nredis.register_function('${name}', function() return '${name}' end)`;
    const pair = await env.pair();
    await pair.sameAll([
      ['FUNCTION', 'FLUSH'],
      ['SET', 'x', '1'],
      ['FUNCTION', 'LOAD', library('one')],
      ['SAVE'],
      // The library and the key of the file are both already there.
      ['DEBUG', 'RELOAD', 'NOSAVE', 'NOFLUSH'],
      ['SET', 'x', 'changed'],
      ['SET', 'only-in-memory', 'v'],
      ['FUNCTION', 'LOAD', library('two')],
      ['DEBUG', 'RELOAD', 'NOSAVE', 'NOFLUSH', 'MERGE'],
      ['GET', 'x'],
      ['GET', 'only-in-memory'],
      ['FCALL', 'one', '0'],
      ['FCALL', 'two', '0'],
      ['DBSIZE'],
      ['FUNCTION', 'FLUSH'],
    ]);
  });
});
