import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { DiffPair, useDiffServers, type Command } from '../helpers/diff.js';

const env = useDiffServers();
const extra: DiffPair[] = [];
after(() => extra.forEach((pair) => pair.close()));

async function connect(): Promise<DiffPair> {
  const pair = await DiffPair.connect(env.reference.port, env.kvik.port);
  extra.push(pair);
  return pair;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CLIENT LIST fields of one client, seen from another connection. */
async function sameClientFields(observer: DiffPair, observed: DiffPair, names: string[]) {
  const ids = await Promise.all([
    observed.redis.call('CLIENT', 'ID'),
    observed.kvik.call('CLIENT', 'ID'),
  ]);
  const [redis, kvik] = await Promise.all([
    observer.redis.call('CLIENT', 'LIST', 'ID', ids[0].slice(1, -2)),
    observer.kvik.call('CLIENT', 'LIST', 'ID', ids[1].slice(1, -2)),
  ]);
  for (const name of names) {
    const pick = (line: string) => new RegExp(` ${name}=(\\S*)`).exec(line)?.[1];
    assert.equal(pick(kvik), pick(redis), name);
  }
}

describe('MULTI, EXEC and DISCARD against redis-server', () => {
  it('EXEC runs the queued commands in order and replies with their replies', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['MULTI'],
      ['SET', 'k', '1'],
      ['INCR', 'k'],
      ['GET', 'k'],
      ['LPUSH', 'l', 'a', 'b'],
      ['LRANGE', 'l', '0', '-1'],
      ['PING'],
      ['EXEC'],
      ['MULTI'],
      ['EXEC'],
    ]);
    await pair.redis.call('HELLO', '3');
    await pair.kvik.call('HELLO', '3');
    await pair.sameAll([
      ['MULTI'],
      ['HSET', 'h', 'f', 'v'],
      ['HGETALL', 'h'],
      ['GET', 'missing'],
      ['EXEC'],
    ]);
  });

  it('errors while a command runs do not stop the others', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SET', 's', 'string'],
      ['MULTI'],
      ['LPUSH', 's', 'x'],
      ['INCR', 's'],
      ['SET', 'k', 'v', 'BADOPTION'],
      ['SET', 'k', 'v'],
      ['EXPIRE', 'k', 'notanumber'],
      ['GET', 'k'],
      ['EXEC'],
    ]);
  });

  it('a command refused while queueing aborts EXEC with EXECABORT', async () => {
    const pair = await env.pair();
    for (const refused of [['NOSUCHCOMMAND', 'x'], ['GET'], ['SET', 'k'], ['CONFIG', 'NOSUCH']]) {
      await pair.sameAll([
        ['MULTI'],
        ['SET', 'k', 'queued'],
        refused,
        ['SET', 'k2', 'after'],
        ['EXEC'],
        ['GET', 'k'],
        ['GET', 'k2'],
      ]);
    }
  });

  it('MULTI, EXEC, DISCARD and WATCH out of place are refused without aborting', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['EXEC'],
      ['DISCARD'],
      ['MULTI', 'x'],
      ['EXEC', 'x'],
      ['MULTI'],
      ['MULTI'],
      ['WATCH', 'k'],
      ['SET', 'k', 'v'],
      ['EXEC'],
      ['MULTI'],
      ['SET', 'k', 'discarded'],
      ['DISCARD'],
      ['GET', 'k'],
      ['DISCARD'],
      ['MULTI'],
      ['SHUTDOWN'],
      ['EXEC'],
      ['UNWATCH', 'x'],
      ['WATCH'],
      // EXEC refused by the gate ends the transaction, saying why.
      ['MULTI'],
      ['SET', 'k', 'never'],
      ['EXEC', 'x'],
      ['GET', 'k'],
      ['EXEC'],
    ]);
  });

  it('clients blocked on keys are served after the whole EXEC, with what it left', async () => {
    const pair = await env.pair();
    const waiter = await connect();
    const served = Promise.all([
      waiter.redis.call('BLPOP', 'queue', '0'),
      waiter.kvik.call('BLPOP', 'queue', '0'),
    ]);
    await sleep(30);
    await pair.sameAll([
      ['MULTI'],
      ['RPUSH', 'queue', 'first', 'second'],
      ['LPOP', 'queue'],
      ['EXEC'],
    ]);
    const [redis, kvik] = await served;
    assert.equal(kvik, redis);
  });

  it('a blocking command inside a transaction answers at once', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['MULTI'],
      ['BLPOP', 'empty', '0'],
      ['BRPOPLPUSH', 'empty', 'dst', '0'],
      ['RPUSH', 'l', 'a'],
      ['BLPOP', 'l', '0'],
      ['EXEC'],
    ]);
  });

  it('CLIENT LIST shows the transaction: flag x, queued count, and d once a watch fails', async () => {
    const pair = await env.pair();
    const observer = await connect();
    await pair.sameAll([['WATCH', 'k'], ['MULTI'], ['SET', 'a', '1'], ['GET', 'a']]);
    await sameClientFields(observer, pair, ['flags', 'multi']);
    await observer.same('SET', 'k', 'changed');
    await sameClientFields(observer, pair, ['flags', 'multi']);
    await pair.same('GET', 'after-dirty');
    await sameClientFields(observer, pair, ['flags', 'multi']);
    await pair.same('EXEC');
    await sameClientFields(observer, pair, ['flags', 'multi']);
  });

  it('random transactions give the same replies', async () => {
    const pair = await env.pair();
    const command = fc.constantFrom<Command>(
      ['SET', 'a', '1'],
      ['INCR', 'a'],
      ['APPEND', 'a', 'x'],
      ['LPUSH', 'a', 'v'],
      ['DEL', 'a'],
      ['GET', 'a'],
      ['RPUSH', 'b', 'v'],
      ['LPOP', 'b'],
      ['HSET', 'c', 'f', '1'],
      ['HINCRBY', 'c', 'f', '2'],
      ['EXPIRE', 'a', '100'],
      ['TTL', 'a'],
      ['GET'],
      ['NOSUCH'],
      ['MULTI'],
      ['WATCH', 'a'],
    );
    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 8 }), async (queued) => {
        await pair.sameAll([['MULTI'], ...queued, ['EXEC'], ['GET', 'a'], ['FLUSHALL']]);
      }),
      { numRuns: 60 },
    );
  });
});

describe('WATCH against redis-server', () => {
  it('a change of a watched key by another client makes EXEC fail with nil', async () => {
    const pair = await env.pair();
    const other = await connect();
    await pair.sameAll([
      ['SET', 'k', '1'],
      ['WATCH', 'k', 'unrelated'],
    ]);
    await other.same('SET', 'k', '2');
    await pair.sameAll([['MULTI'], ['SET', 'k', '3'], ['EXEC'], ['GET', 'k']]);
    // After EXEC nothing is watched any more.
    await pair.sameAll([['MULTI'], ['SET', 'k', '4'], ['EXEC']]);
  });

  it('unchanged watched keys, UNWATCH and the transaction own writes let EXEC run', async () => {
    const pair = await env.pair();
    const other = await connect();
    await pair.sameAll([['WATCH', 'a', 'b'], ['MULTI'], ['SET', 'a', '1'], ['EXEC']]);
    await pair.same('WATCH', 'a');
    await other.same('GET', 'a');
    await pair.sameAll([['MULTI'], ['INCR', 'a'], ['EXEC']]);
    await pair.same('WATCH', 'a');
    await other.same('SET', 'a', 'x');
    await pair.sameAll([['UNWATCH'], ['MULTI'], ['GET', 'a'], ['EXEC']]);
    await pair.same('WATCH', 'a');
    await other.same('SET', 'a', 'y');
    await pair.sameAll([['MULTI'], ['DISCARD'], ['MULTI'], ['GET', 'a'], ['EXEC']]);
  });

  it('a write that changes nothing is no change; creating a watched missing key is', async () => {
    const pair = await env.pair();
    const other = await connect();
    await pair.same('WATCH', 'missing');
    await other.sameAll([
      ['DEL', 'missing'],
      ['LPOP', 'missing'],
      ['EXPIRE', 'missing', '10'],
    ]);
    await pair.sameAll([['MULTI'], ['PING'], ['EXEC']]);
    await pair.same('WATCH', 'missing');
    await other.same('LPUSH', 'missing', 'x');
    await pair.sameAll([['MULTI'], ['PING'], ['EXEC']]);
  });

  it('the client own change before MULTI counts, and keys are watched per database', async () => {
    const pair = await env.pair();
    const other = await connect();
    await pair.sameAll([['WATCH', 'k'], ['SET', 'k', 'mine'], ['MULTI'], ['PING'], ['EXEC']]);
    await pair.sameAll([
      ['SELECT', '2'],
      ['WATCH', 'k'],
      ['SELECT', '0'],
    ]);
    await other.same('SET', 'k', 'db0');
    await pair.sameAll([['MULTI'], ['PING'], ['EXEC']]);
    await pair.sameAll([
      ['SELECT', '2'],
      ['WATCH', 'k'],
      ['SELECT', '0'],
    ]);
    await other.sameAll([
      ['SELECT', '2'],
      ['SET', 'k', 'db2'],
      ['SELECT', '0'],
    ]);
    await pair.sameAll([['MULTI'], ['PING'], ['EXEC']]);
  });

  it('FLUSHDB, FLUSHALL and SWAPDB touch the watched keys that exist', async () => {
    const pair = await env.pair();
    const other = await connect();
    const scenarios: Command[][] = [
      [['FLUSHALL']],
      [['FLUSHDB']],
      [['SELECT', '1'], ['FLUSHDB'], ['SELECT', '0']],
      [['SWAPDB', '0', '1']],
      [['SWAPDB', '1', '2']],
    ];
    for (const change of scenarios) {
      for (const exists of [true, false]) {
        await other.same('FLUSHALL');
        if (exists) await other.same('SET', 'k', 'v');
        await pair.same('WATCH', 'k');
        await other.sameAll(change);
        await pair.sameAll([['MULTI'], ['PING'], ['EXEC']]);
      }
    }
    // SWAPDB bringing the key from the other database counts too.
    await other.sameAll([['FLUSHALL'], ['SELECT', '1'], ['SET', 'k', 'v'], ['SELECT', '0']]);
    await pair.same('WATCH', 'k');
    await other.same('SWAPDB', '0', '1');
    await pair.sameAll([['MULTI'], ['PING'], ['EXEC']]);
  });

  it('RENAME and MOVE of a watched key touch it', async () => {
    const pair = await env.pair();
    const other = await connect();
    for (const change of [
      ['RENAME', 'k', 'z'],
      ['RENAME', 'z', 'k'],
      ['MOVE', 'k', '1'],
    ] as Command[]) {
      await other.sameAll([['FLUSHALL'], ['SET', 'k', 'v'], ['SET', 'z', 'w']]);
      await pair.same('WATCH', 'k');
      await other.same(...change);
      await pair.sameAll([['MULTI'], ['PING'], ['EXEC']]);
    }
  });

  it('a watched key that expires before EXEC aborts it, one already expired does not', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SET', 'k', 'v', 'PX', '200'],
      ['WATCH', 'k'],
    ]);
    await sleep(300);
    await pair.sameAll([['MULTI'], ['PING'], ['EXEC']]);
    await pair.same('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await pair.same('SET', 'k', 'v', 'PX', '20');
    await sleep(40);
    // Expired but not yet deleted when watched: its deletion is no change.
    await pair.sameAll([['WATCH', 'k'], ['GET', 'k'], ['MULTI'], ['PING'], ['EXEC']]);
    await pair.sameAll([['SET', 'k', 'v', 'PX', '20']]);
    await sleep(40);
    await pair.sameAll([['WATCH', 'k'], ['SET', 'k', 'recreated'], ['MULTI'], ['PING'], ['EXEC']]);
    await pair.same('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
  });
});
