import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { useDiffServers, type DiffPair } from '../helpers/diff.js';

const env = useDiffServers();

/** Whole seconds since the epoch, a little ahead, so that EXPIREAT lands in the future. */
function futureSeconds(ahead: number): string {
  return String(Math.floor(Date.now() / 1000) + ahead);
}

/**
 * Sends a command whose integer reply may legitimately differ by the time between the two calls
 * (PTTL, EXPIRETIME of a relative TTL ...) and checks the two are within `tolerance`.
 */
async function closeEnough(pair: DiffPair, tolerance: number, ...command: string[]) {
  const { redis, kvik } = await pair.both(...command);
  const parse = (reply: string) => {
    assert.match(reply, /^:-?\d+\r\n$/, `${command.join(' ')} replies an integer`);
    return Number(reply.slice(1, -2));
  };
  const [expected, actual] = [parse(redis), parse(kvik)];
  if (expected < 0 || actual < 0) assert.equal(actual, expected, command.join(' '));
  else
    assert.ok(
      Math.abs(actual - expected) <= tolerance,
      `${command.join(' ')}: ${actual} vs ${expected}`,
    );
}

describe('EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT against redis-server', () => {
  it('set a TTL on an existing key only', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['EXPIRE', 'missing', '100'],
      ['SET', 'k', 'v'],
      ['EXPIRE', 'k', '100'],
      ['TTL', 'k'],
      ['PEXPIRE', 'k', '200000'],
      ['TTL', 'k'],
      ['EXPIREAT', 'k', futureSeconds(300)],
      ['TTL', 'k'],
      ['PEXPIREAT', 'k', String(Number(futureSeconds(400)) * 1000)],
      ['TTL', 'k'],
      ['SET', 'k', 'v'],
      ['TTL', 'k'],
      ['EXPIRE', Buffer.from([0, 255]), '10'],
    ]);
  });

  it('delete the key when the time is now or past', async () => {
    const pair = await env.pair();
    for (const command of [
      ['EXPIRE', 'k', '0'],
      ['EXPIRE', 'k', '-1'],
      ['PEXPIRE', 'k', '-100'],
      ['EXPIREAT', 'k', '1'],
      ['PEXPIREAT', 'k', '0'],
      ['EXPIREAT', 'k', '-9223372036854775'],
      ['EXPIRE', 'k', '-9223372036854775'],
      ['PEXPIRE', 'k', '-9223372036854775808'],
    ]) {
      await pair.same('SET', 'k', 'v');
      await pair.same(...command);
      await pair.same('EXISTS', 'k');
    }
  });

  it('refuse bad numbers and times that overflow, naming the command', async () => {
    const pair = await env.pair();
    await pair.same('SET', 'k', 'v');
    await pair.sameAll([
      ['EXPIRE', 'k', 'x'],
      ['EXPIRE', 'k', '1.5'],
      ['EXPIRE', 'k', ''],
      ['EXPIRE', 'k', ' 1'],
      ['EXPIRE', 'k', '9223372036854775808'],
      ['EXPIRE', 'k', '9223372036854776'],
      ['EXPIRE', 'k', '-9223372036854776'],
      ['EXPIRE', 'k', '9223372036854775'],
      ['PEXPIRE', 'k', '9223372036854775807'],
      ['EXPIREAT', 'k', '9223372036854776'],
      ['expireat', 'k', '-9223372036854776'],
      ['PEXPIREAT', 'k', '9223372036854775808'],
      ['EXPIRE', 'missing', '9223372036854776'],
      ['EXPIRE', 'k'],
      ['PEXPIRE', 'k'],
      ['EXPIREAT'],
      ['PEXPIREAT', 'k'],
    ]);
  });

  it('accept absolute times up to the largest that fits', async () => {
    const pair = await env.pair();
    for (const command of [
      ['EXPIREAT', 'k', '9223372036854775'],
      ['PEXPIREAT', 'k', '9223372036854775807'],
      ['PEXPIREAT', 'k', '4102444800000'],
    ]) {
      await pair.same('SET', 'k', 'v');
      await pair.same(...command);
      await pair.same('EXISTS', 'k');
    }
    await pair.same('EXPIRETIME', 'k');
    await pair.same('PEXPIRETIME', 'k');
  });

  it('check NX, XX, GT and LT, in any case, with or without a current TTL', async () => {
    const pair = await env.pair();
    const options = [['NX'], ['XX'], ['GT'], ['LT'], ['xx', 'gt'], ['XX', 'LT'], ['nx']];
    // Absolute times, so that "the same time" is exactly the same on both servers.
    const current = Number(futureSeconds(500));
    const times = [current - 100, current, current + 100, 1].map(String);
    for (const option of options) {
      for (const withTtl of [false, true]) {
        for (const at of times) {
          await pair.same('SET', 'k', 'v');
          if (withTtl) await pair.same('EXPIREAT', 'k', String(current));
          await pair.same('EXPIREAT', 'k', at, ...option);
          await pair.same('EXPIRETIME', 'k');
        }
      }
    }
  });

  it('reject unknown and conflicting options before anything else', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SET', 'k', 'v'],
      ['EXPIRE', 'k', '10', 'foo'],
      ['EXPIRE', 'k', 'x', 'foo'],
      ['EXPIRE', 'missing', '10', 'NX', 'bar'],
      ['EXPIRE', 'k', '10', 'NX', 'XX'],
      ['EXPIRE', 'k', '10', 'NX', 'GT'],
      ['EXPIRE', 'k', '10', 'LT', 'NX'],
      ['EXPIRE', 'k', '10', 'GT', 'LT'],
      ['EXPIRE', 'k', '10', 'XX', 'GT', 'LT'],
      ['EXPIRE', 'k', '10', 'NX', 'GT', 'LT'],
      ['EXPIRE', 'k', 'x', 'NX', 'XX'],
      ['PEXPIRE', 'k', '10', 'NX', 'NX'],
      ['TTL', 'k'],
      ['EXPIRE', 'k', '10', Buffer.from('ab\x00cd', 'latin1')],
      ['PEXPIREAT', 'k', '10', 'x\ny'],
    ]);
  });
});

describe('TTL, PTTL, EXPIRETIME, PEXPIRETIME and PERSIST against redis-server', () => {
  it('answer -2 for a missing key and -1 for a key without TTL', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['TTL', 'missing'],
      ['PTTL', 'missing'],
      ['EXPIRETIME', 'missing'],
      ['PEXPIRETIME', 'missing'],
      ['SET', 'k', 'v'],
      ['TTL', 'k'],
      ['PTTL', 'k'],
      ['EXPIRETIME', 'k'],
      ['PEXPIRETIME', 'k'],
      ['TTL'],
      ['PTTL', 'a', 'b'],
      ['EXPIRETIME'],
      ['PEXPIRETIME', 'a', 'b'],
    ]);
  });

  it('report the time left or the absolute expiry time', async () => {
    const pair = await env.pair();
    const at = futureSeconds(1000);
    await pair.sameAll([
      ['SET', 'k', 'v'],
      ['EXPIREAT', 'k', at],
      ['EXPIRETIME', 'k'],
      ['PEXPIRETIME', 'k'],
      ['PEXPIREAT', 'k', `${at}123`],
      ['EXPIRETIME', 'k'],
      ['PEXPIRETIME', 'k'],
      ['PEXPIREAT', 'k', `${at}499`],
      ['EXPIRETIME', 'k'],
      ['PEXPIREAT', 'k', `${at}500`],
      ['EXPIRETIME', 'k'],
      ['EXPIRE', 'k', '100'],
      ['TTL', 'k'],
    ]);
    await closeEnough(pair, 50, 'PTTL', 'k');
    await closeEnough(pair, 50, 'PEXPIRETIME', 'k');
    await closeEnough(pair, 1, 'EXPIRETIME', 'k');
  });

  it('PERSIST removes a TTL and says whether there was one', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['PERSIST', 'missing'],
      ['SET', 'k', 'v'],
      ['PERSIST', 'k'],
      ['EXPIRE', 'k', '100'],
      ['PERSIST', 'k'],
      ['TTL', 'k'],
      ['PERSIST', 'k'],
      ['PERSIST'],
      ['PERSIST', 'a', 'b'],
    ]);
  });

  it('a key past its time is gone for every command', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SET', 'k', 'v', 'PX', '1'],
      ['SET', 'j', 'v', 'PX', '1'],
      ['SET', 'stays', 'v'],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await pair.sameAll([
      ['GET', 'k'],
      ['TTL', 'k'],
      ['PTTL', 'k'],
      ['EXISTS', 'k'],
      ['TYPE', 'j'],
      ['PERSIST', 'j'],
      ['EXPIRE', 'j', '100'],
      ['KEYS', '*'],
      ['SCAN', '0'],
      ['RANDOMKEY'],
      ['RENAME', 'k', 'x'],
      ['DBSIZE'],
    ]);
  });
});

const key = fc.constantFrom('a', 'b');
const option = fc.subarray(['NX', 'XX', 'GT', 'LT'], { maxLength: 2 });
/**
 * GT and LT between two relative TTLs of the same length depend on whether a millisecond passed
 * between the commands, on each server: relative times only get NX and XX.
 */
const relativeOption = fc.subarray(['NX', 'XX', 'nx'], { maxLength: 2 });
/** Relative times far from now, so that a few ms between the servers never change a reply. */
const relative = fc.constantFrom('-1', '0', '100', '1000', '5000', 'x', '9223372036854775807');
/** Absolute times: 0, the past, and far in the future (far enough for exact ms to not matter). */
const absolute = fc.constantFrom('0', '1', '1000000000', '4102444800', '4102444900');

const expireCommand: fc.Arbitrary<readonly string[]> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constant('SET'), key, fc.constant('v')) },
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.constantFrom('EXPIRE', 'PEXPIRE'), key, relative, relativeOption)
      .map(([command, k, time, options]) => [
        command,
        k,
        command === 'PEXPIRE' && /^\d+$/.test(time) && time.length < 10 ? `${time}000` : time,
        ...options,
      ]),
  },
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.constantFrom('EXPIREAT', 'PEXPIREAT'), key, absolute, option)
      .map(([command, k, time, options]) => [
        command,
        k,
        command === 'PEXPIREAT' ? `${time}000` : time,
        ...options,
      ]),
  },
  { weight: 2, arbitrary: fc.tuple(fc.constant('PERSIST'), key) },
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom('TTL', 'EXISTS'), key) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('EXPIRETIME', 'PEXPIRETIME'), key) },
  { weight: 2, arbitrary: fc.tuple(fc.constant('RENAME'), key, key) },
);

describe('random expiry command sequences against redis-server', () => {
  it('leave both servers answering the same', async () => {
    const pair = await env.pair();
    await fc.assert(
      fc.asyncProperty(
        fc.array(expireCommand, { minLength: 1, maxLength: 30 }),
        async (commands) => {
          await pair.same('FLUSHALL');
          for (const command of commands) {
            // The absolute expiry of a relative TTL depends on each server's clock at that moment.
            if (command[0] === 'PEXPIRETIME' || command[0] === 'EXPIRETIME') {
              await closeEnough(pair, command[0] === 'PEXPIRETIME' ? 50 : 1, ...command);
            } else {
              await pair.same(...command);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
