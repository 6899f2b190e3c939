/**
 * CLIENT PAUSE WRITE holds what redis-server 7.0 holds: writes, and the commands that may write
 * (EVAL, EVALSHA and FCALL unless their script declares no-writes, PUBLISH, SPUBLISH, PFCOUNT).
 * Applications rely on it for failovers: a paused primary must not run a script that writes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RawClient } from '../helpers/raw-client.js';
import { startReference, type ReferenceServer } from '../helpers/servers.js';
import { startServer, type RunningServer } from '../../src/index.js';

let kvik: RunningServer;
let reference: ReferenceServer;

before(async () => {
  [kvik, reference] = await Promise.all([startServer({ port: 0 }), startReference()]);
});

after(async () => {
  await Promise.all([kvik.close(), reference.close()]);
});

const LIBRARY = `#!lua name=pauselib
redis.register_function{function_name='reads', callback=function() return 1 end, flags={'no-writes'}}
redis.register_function('writes', function() return 2 end)`;

const CASES: string[][] = [
  ['EVAL', 'return 1', '0'],
  ['EVAL', '#!lua\nreturn 1', '0'],
  ['EVAL', '#!lua flags=no-writes\nreturn 1', '0'],
  ['EVAL_RO', 'return 1', '0'],
  ['EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0'],
  ['EVALSHA', 'ffffffffffffffffffffffffffffffffffffffff', '0'],
  ['EVALSHA_RO', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0'],
  ['FCALL', 'writes', '0'],
  ['FCALL', 'reads', '0'],
  ['FCALL', 'nosuch', '0'],
  ['FCALL_RO', 'reads', '0'],
  ['PUBLISH', 'channel', 'message'],
  ['SPUBLISH', 'channel', 'message'],
  ['PFCOUNT', 'hll'],
  ['SET', 'key', 'value'],
  ['GET', 'key'],
  ['SCRIPT', 'LOAD', 'return 2'],
];

/** Each case's verdict on the server at `port`: "held" or "ran" during a 300 ms pause. */
async function verdicts(port: number): Promise<string[]> {
  const admin = await RawClient.connect(port);
  await admin.call('FUNCTION', 'LOAD', 'REPLACE', LIBRARY);
  await admin.call('SCRIPT', 'LOAD', 'return 1');
  const clients = await Promise.all(CASES.map(() => RawClient.connect(port)));
  await admin.call('CLIENT', 'PAUSE', '5000', 'WRITE');
  const started = Date.now();
  const answeredAfter = CASES.map((args, i) => clients[i]!.call(...args).then(() => Date.now()));
  await new Promise((r) => setTimeout(r, 300));
  const unpausedAt = Date.now();
  await admin.call('CLIENT', 'UNPAUSE');
  const times = await Promise.all(answeredAfter);
  for (const client of [admin, ...clients]) client.close();
  assert.ok(unpausedAt - started >= 300);
  return CASES.map((args, i) => `${args.join(' ')}: ${times[i]! >= unpausedAt ? 'held' : 'ran'}`);
}

describe('CLIENT PAUSE WRITE', () => {
  it('holds the same commands as redis-server, scripts by their no-writes flag', async () => {
    const expected = await verdicts(reference.port);
    assert.deepEqual(await verdicts(kvik.port), expected);
    assert.ok(expected.includes('EVAL return 1 0: held'));
    assert.ok(expected.includes('FCALL reads 0: ran'));
  });
});
