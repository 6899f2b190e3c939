import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { DiffPair, useDiffServers, type Command } from '../helpers/diff.js';
import { RawClient, encodeCommand } from '../helpers/raw-client.js';
import { parseReply, type ReplyNode } from '../meta/reply-tree.js';

const env = useDiffServers();

const EVERY_BYTE = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

async function withLimits(pair: DiffPair, entries: number, value = 64): Promise<void> {
  await pair.same('CONFIG', 'SET', 'zset-max-listpack-entries', String(entries));
  await pair.same('CONFIG', 'SET', 'zset-max-listpack-value', String(value));
}

/** A pair of flushed servers with the default listpack limits. */
async function freshPair(): Promise<DiffPair> {
  const pair = await env.pair();
  await withLimits(pair, 128, 64);
  return pair;
}

/** Runs `body` once with each encoding: the default limits, then limits that force skiplists. */
async function inBothEncodings(body: (pair: DiffPair) => Promise<void>): Promise<void> {
  for (const entries of [128, 0]) {
    const pair = await freshPair();
    await withLimits(pair, entries);
    await body(pair);
  }
}

/** The members of a flat array reply (member, score, member, score ...) or of one without scores. */
function items(reply: string): ReplyNode[] {
  const node = parseReply(reply);
  assert.ok(node.kind === 'array', `not an array: ${node.kind}`);
  return node.items;
}

function text(node: ReplyNode): string {
  assert.ok(node.kind === 'bulk' || node.kind === 'double', `not a string: ${node.kind}`);
  return node.text;
}

describe('ZADD and ZINCRBY against redis-server', () => {
  it('add members, update scores and answer with the counts of the options', async () => {
    await inBothEncodings(async (pair) => {
      await pair.sameAll([
        ['ZADD', 'z', '1', 'a'],
        ['ZADD', 'z', '2', 'b', '3', 'c', '1', 'a'],
        ['ZADD', 'z', 'CH', '5', 'a', '2', 'b', '9', 'd'],
        ['ZADD', 'z', 'NX', '100', 'a', '4', 'e'],
        ['ZADD', 'z', 'XX', '100', 'a', '4', 'f'],
        ['ZADD', 'z', 'XX', 'CH', '100', 'a', '4', 'f'],
        ['ZADD', 'z', 'GT', 'CH', '50', 'a', '60', 'b', '7', 'g'],
        ['ZADD', 'z', 'LT', 'CH', '50', 'a', '1', 'b'],
        ['ZADD', 'z', 'XX', 'GT', 'CH', '1', 'a', '200', 'a'],
        ['ZADD', 'z', 'gt', 'xx', 'ch', '300', 'a'],
        ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
        ['ZADD', 'z', 'INCR', '5', 'a'],
        ['ZADD', 'z', 'INCR', 'NX', '5', 'a'],
        ['ZADD', 'z', 'INCR', 'XX', '5', 'nosuch'],
        ['ZADD', 'z', 'INCR', 'GT', '-1', 'a'],
        ['ZADD', 'z', 'INCR', 'LT', '-1', 'a'],
        ['ZADD', 'z', 'INCR', 'GT', '0', 'a'],
        ['ZADD', 'z', 'INCR', 'CH', '0', 'a'],
        ['ZADD', 'z', 'INCR', '1.5', 'new'],
        ['ZADD', 'none', 'XX', '1', 'a'],
        ['ZADD', 'none', 'XX', 'INCR', '1', 'a'],
        ['EXISTS', 'none'],
        ['ZADD', 'z', '-0', 'zero', '0', 'a'],
        ['ZSCORE', 'z', 'zero'],
        ['ZADD', 'z', '0', 'zero'],
        ['ZSCORE', 'z', 'zero'],
        ['ZCARD', 'z'],
        ['ZCARD', 'none'],
      ]);
    });
  });

  it('refuses conflicting options, odd arguments and bad scores before writing', async () => {
    const pair = await freshPair();
    await pair.sameAll([
      ['ZADD', 'z', 'NX', 'XX', '1', 'a'],
      ['ZADD', 'z', 'GT', 'LT', '1', 'a'],
      ['ZADD', 'z', 'NX', 'GT', '1', 'a'],
      ['ZADD', 'z', 'NX', 'LT', '1', 'a'],
      ['ZADD', 'z', 'INCR', '1', 'a', '2', 'b'],
      ['ZADD', 'z', '1', 'a', '2'],
      ['ZADD', 'z', 'NX', 'a'],
      ['ZADD', 'z', '1'],
      ['ZADD', 'z', 'CH', 'XX'],
      ['ZADD', 'z', 'x', 'a'],
      ['ZADD', 'z', '1', 'a', 'nan', 'b'],
      ['ZADD', 'z', ' 1', 'a'],
      ['ZADD', 'z', '1 ', 'a'],
      ['ZADD', 'z', '', 'a'],
      ['ZADD', 'z', '1e400', 'a'],
      ['ZADD', 'z', '1e-400', 'a'],
      ['EXISTS', 'z'],
      ['ZADD', 'z', 'inf', 'a', '-inf', 'b', '+inf', 'c', 'Infinity', 'd', '0x10', 'e', '1e3', 'f'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZINCRBY', 'z', '-inf', 'a'],
      ['ZADD', 'z', 'INCR', '+inf', 'b'],
      ['ZINCRBY', 'z', 'x', 'a'],
      ['ZINCRBY', 'z', 'nx', 'a'],
      ['ZINCRBY', 'z', 'incr', 'a'],
      ['ZSCORE', 'z', 'a'],
      ['SET', 'str', 'v'],
      ['ZADD', 'str', '1', 'a'],
      ['ZADD', 'str', 'x', 'a'],
      ['ZINCRBY', 'str', '1', 'a'],
    ]);
  });

  it('ZINCRBY creates, increments and prints scores with 17 significant digits', async () => {
    const pair = await freshPair();
    await pair.sameAll([
      ['ZINCRBY', 'z', '1', 'a'],
      ['ZINCRBY', 'z', '0.1', 'a'],
      ['ZINCRBY', 'z', '0.2', 'a'],
      ['ZINCRBY', 'z', '1e20', 'b'],
      ['ZINCRBY', 'z', '-1.5e-7', 'c'],
      ['ZINCRBY', 'z', '123456789012345678', 'd'],
      ['ZINCRBY', 'z', '-0', 'e'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZSCAN', 'z', '0'],
    ]);
    await pair.both('HELLO', '3');
    await pair.sameAll([
      ['ZINCRBY', 'z', '0.1', 'a'],
      ['ZSCORE', 'z', 'b'],
      ['ZADD', 'z', 'INCR', '1', 'c'],
      ['ZADD', 'z', 'XX', 'INCR', '1', 'nosuch'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZSCAN', 'z', '0'],
    ]);
  });

  it('accepts binary members and orders equal scores by their bytes', async () => {
    await inBothEncodings(async (pair) => {
      await pair.sameAll([
        [
          'ZADD',
          'z',
          '0',
          EVERY_BYTE,
          '0',
          '',
          '0',
          'a',
          '0',
          'A',
          '0',
          Buffer.from([0xff]),
          '0',
          'a\x00',
        ],
        ['ZRANGE', 'z', '0', '-1'],
        ['ZRANK', 'z', EVERY_BYTE],
        ['ZRANK', 'z', ''],
        ['ZSCORE', 'z', Buffer.from([0xff])],
      ]);
    });
  });
});

describe('single-member reads and removals against redis-server', () => {
  it('ZSCORE, ZMSCORE, ZRANK and ZREVRANK', async () => {
    await inBothEncodings(async (pair) => {
      await pair.sameAll([
        ['ZADD', 'z', '1', 'a', '2', 'b', '2', 'c', '-inf', 'd'],
        ['ZSCORE', 'z', 'a'],
        ['ZSCORE', 'z', 'd'],
        ['ZSCORE', 'z', 'x'],
        ['ZSCORE', 'none', 'a'],
        ['ZMSCORE', 'z', 'a', 'x', 'd'],
        ['ZMSCORE', 'none', 'a', 'b'],
        ['ZRANK', 'z', 'a'],
        ['ZRANK', 'z', 'c'],
        ['ZRANK', 'z', 'x'],
        ['ZRANK', 'none', 'x'],
        ['ZREVRANK', 'z', 'a'],
        ['ZREVRANK', 'z', 'd'],
        ['ZREVRANK', 'z', 'x'],
        ['ZRANK', 'z', 'a', 'WITHSCORE'],
      ]);
      await pair.both('HELLO', '3');
      await pair.sameAll([
        ['ZSCORE', 'z', 'a'],
        ['ZSCORE', 'z', 'x'],
        ['ZMSCORE', 'z', 'a', 'x'],
        ['ZRANK', 'z', 'x'],
      ]);
    });
  });

  it('ZREM removes members and deletes the emptied key', async () => {
    await inBothEncodings(async (pair) => {
      await pair.sameAll([
        ['ZREM', 'none', 'a'],
        ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
        ['ZREM', 'z', 'x'],
        ['ZREM', 'z', 'a', 'a', 'x'],
        ['ZRANGE', 'z', '0', '-1'],
        ['ZREM', 'z', 'b', 'c', 'x'],
        ['EXISTS', 'z'],
      ]);
    });
  });

  it('every sorted set command refuses a key of another type', async () => {
    const pair = await freshPair();
    await pair.same('SET', 'str', 'v');
    await pair.same('ZADD', 'z', '1', 'a');
    await pair.sameAll([
      ['ZREM', 'str', 'a'],
      ['ZCARD', 'str'],
      ['ZSCORE', 'str', 'a'],
      ['ZMSCORE', 'str', 'a'],
      ['ZRANK', 'str', 'a'],
      ['ZREVRANK', 'str', 'a'],
      ['ZCOUNT', 'str', '0', '1'],
      ['ZCOUNT', 'str', 'x', '1'],
      ['ZLEXCOUNT', 'str', '-', '+'],
      ['ZRANGE', 'str', '0', '1'],
      ['ZRANGE', 'str', 'x', '1'],
      ['ZRANGESTORE', 'd', 'str', '0', '1'],
      ['ZRANGESTORE', 'str', 'z', '0', '1'],
      ['TYPE', 'str'],
      ['SET', 'str', 'v'],
      ['ZREVRANGE', 'str', '0', '1'],
      ['ZRANGEBYSCORE', 'str', '0', '1'],
      ['ZREVRANGEBYSCORE', 'str', '0', '1'],
      ['ZRANGEBYLEX', 'str', '-', '+'],
      ['ZREVRANGEBYLEX', 'str', '+', '-'],
      ['ZREMRANGEBYRANK', 'str', '0', '1'],
      ['ZREMRANGEBYSCORE', 'str', '0', '1'],
      ['ZREMRANGEBYLEX', 'str', '-', '+'],
      ['ZPOPMIN', 'str'],
      ['ZPOPMAX', 'str', '0'],
      ['ZMPOP', '2', 'none', 'str', 'MIN'],
      ['ZMPOP', '2', 'z', 'str', 'MIN'],
      ['BZPOPMIN', 'str', '0'],
      ['BZPOPMAX', 'none', 'str', '0'],
      ['BZMPOP', '0', '1', 'str', 'MAX'],
      ['ZUNION', '2', 'z', 'str'],
      ['ZINTER', '2', 'z', 'str', 'WEIGHTS', 'x'],
      ['ZDIFF', '1', 'str'],
      ['ZUNIONSTORE', 'd', '1', 'str'],
      ['ZINTERSTORE', 'd', '1', 'str'],
      ['ZDIFFSTORE', 'd', '1', 'str'],
      ['ZINTERCARD', '1', 'str'],
      ['ZRANDMEMBER', 'str'],
      ['ZRANDMEMBER', 'str', '0'],
      ['ZSCAN', 'str', '0'],
      ['ZADD', 'z', '1', 'a'],
      ['EXISTS', 'd'],
    ]);
  });
});

describe('score and lex ranges against redis-server', () => {
  it('ZCOUNT reads score bounds as strtod does, with ( for exclusive ends', async () => {
    await inBothEncodings(async (pair) => {
      await pair.same(
        'ZADD',
        'z',
        '-inf',
        'ninf',
        '0',
        'zero',
        '1',
        'one',
        '1.5',
        'x',
        '2',
        'two',
        'inf',
        'pinf',
      );
      const bounds = [
        '-inf',
        '+inf',
        'inf',
        '(inf',
        '(-inf',
        '0',
        '(0',
        '1',
        '(1',
        '1.5',
        '(1.5',
        '2',
        '(2',
        '',
        '(',
        ' 1',
        '\t2',
        '1 ',
        '1e999',
        '-1e999',
        '1e-999',
        '0x1',
        '0x1.8p0',
        '(0x2',
        '+1',
        '.5',
        '5.',
        'nan',
        '(nan',
        'x',
        '((1',
        '1e',
        '0x',
        'infinity',
        '-Infinity',
        'infinit',
      ];
      for (const min of bounds) {
        for (const max of ['(2', 'inf', '1', 'x', '']) await pair.same('ZCOUNT', 'z', min, max);
      }
      await pair.sameAll([
        ['ZCOUNT', 'z', Buffer.from('1\x00junk'), '2'],
        ['ZCOUNT', 'z', Buffer.from('\x00'), '2'],
        ['ZCOUNT', 'none', '0', '1'],
        ['ZCOUNT', 'none', 'x', '1'],
      ]);
    });
  });

  it('ZLEXCOUNT reads - + [ and ( bounds', async () => {
    await inBothEncodings(async (pair) => {
      await pair.same('ZADD', 'z', '0', 'a', '0', 'b', '0', 'bb', '0', 'c', '0', '', '0', 'd\x00');
      const bounds = [
        '-',
        '+',
        '[a',
        '(a',
        '[b',
        '(b',
        '[bb',
        '(c',
        '[',
        '(',
        '[d',
        '(d',
        '[d\x00',
        'a',
        '',
        '+a',
        '--',
      ];
      for (const min of bounds) {
        for (const max of ['+', '-', '[b', '(bb', '[d', 'x'])
          await pair.same('ZLEXCOUNT', 'z', min, max);
      }
      await pair.sameAll([
        ['ZLEXCOUNT', 'z', Buffer.from('+\x00x'), '+'],
        ['ZLEXCOUNT', 'z', '-', Buffer.from('-\x00')],
        ['ZLEXCOUNT', 'none', '-', '+'],
        ['ZLEXCOUNT', 'none', 'x', '+'],
      ]);
    });
  });

  it('lex ranges over members of different scores walk the listpack as Redis does', async () => {
    const pair = await freshPair();
    await pair.sameAll([
      ['ZADD', 'z', '1', 'c', '2', 'a', '3', 'd', '4', 'b'],
      ['ZRANGEBYLEX', 'z', '[b', '+'],
      ['ZRANGEBYLEX', 'z', '-', '[b'],
      ['ZREVRANGEBYLEX', 'z', '[c', '-'],
      ['ZREVRANGEBYLEX', 'z', '+', '[b'],
      ['ZLEXCOUNT', 'z', '[b', '+'],
      ['ZLEXCOUNT', 'z', '[a', '[c'],
      ['ZRANGE', 'z', '[c', '[a', 'BYLEX', 'REV'],
      ['ZREMRANGEBYLEX', 'z', '[b', '[c'],
      ['ZRANGE', 'z', '0', '-1'],
    ]);
  });
});

describe('ZRANGE and its older forms against redis-server', () => {
  it('by rank, with negative and out-of-range indexes, forwards and in reverse', async () => {
    await inBothEncodings(async (pair) => {
      await pair.same('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e');
      const indexes = [
        '0',
        '1',
        '-1',
        '-2',
        '4',
        '5',
        '100',
        '-100',
        '-6',
        '9223372036854775807',
        '-9223372036854775808',
      ];
      for (const start of indexes) {
        for (const end of indexes) {
          await pair.same('ZRANGE', 'z', start, end);
          await pair.same('ZREVRANGE', 'z', start, end, 'WITHSCORES');
        }
      }
      await pair.sameAll([
        ['ZRANGE', 'z', '0', '-1', 'REV', 'WITHSCORES'],
        ['ZRANGE', 'z', 'x', '1'],
        ['ZRANGE', 'z', '0', '9223372036854775808'],
        ['ZRANGE', 'z', '1.5', '2'],
        ['ZRANGE', 'none', '0', '-1'],
        ['ZREVRANGE', 'z', '0', '-1', 'REV'],
        ['ZREVRANGE', 'z', '0', '-1', 'LIMIT', '0', '1'],
        ['ZREVRANGE', 'z', '0', '-1', 'BYSCORE'],
      ]);
    });
  });

  it('BYSCORE and BYLEX with REV and LIMIT', async () => {
    await inBothEncodings(async (pair) => {
      await pair.sameAll([
        ['ZADD', 'z', '1', 'a', '2', 'b', '2', 'c', '3', 'd', '4', 'e', '5', 'f'],
        ['ZADD', 'l', '0', 'a', '0', 'b', '0', 'c', '0', 'd', '0', 'e', '0', 'f'],
      ]);
      const limits = [
        [],
        ['LIMIT', '0', '2'],
        ['LIMIT', '1', '-1'],
        ['LIMIT', '2', '0'],
        ['LIMIT', '-1', '2'],
        ['LIMIT', '5', '10'],
        ['LIMIT', '100', '1'],
        ['limit', '1', '1'],
      ];
      for (const limit of limits) {
        await pair.sameAll([
          ['ZRANGE', 'z', '2', '4', 'BYSCORE', ...limit],
          ['ZRANGE', 'z', '(2', '+inf', 'BYSCORE', 'WITHSCORES', ...limit],
          ['ZRANGE', 'z', '4', '(2', 'BYSCORE', 'REV', ...limit],
          ['ZRANGE', 'z', '2', '4', 'BYSCORE', 'REV', ...limit],
          ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'WITHSCORES', ...limit],
          ['ZREVRANGEBYSCORE', 'z', '+inf', '-inf', ...limit],
          ['ZREVRANGEBYSCORE', 'z', '3', '2', 'WITHSCORES', ...limit],
          ['ZRANGE', 'l', '[b', '(e', 'BYLEX', ...limit],
          ['ZRANGE', 'l', '(e', '[b', 'BYLEX', 'REV', ...limit],
          ['ZRANGEBYLEX', 'l', '-', '+', ...limit],
          ['ZREVRANGEBYLEX', 'l', '+', '-', ...limit],
          ['ZREVRANGEBYLEX', 'l', '[d', '(a', ...limit],
        ]);
      }
      await pair.sameAll([
        ['ZRANGE', 'z', '0', '-1', 'LIMIT', '0', '1'],
        ['ZRANGE', 'z', '0', '-1', 'REV', 'WITHSCORES', 'LIMIT', '0', '1'],
        ['ZRANGE', 'l', '-', '+', 'BYLEX', 'WITHSCORES'],
        ['ZRANGEBYLEX', 'l', '-', '+', 'WITHSCORES'],
        ['ZRANGE', 'z', 'x', '1', 'BYSCORE'],
        ['ZRANGE', 'z', '0', '1', 'BYLEX'],
        ['ZRANGE', 'z', '0', '1', 'BYSCORE', 'BYLEX'],
        ['ZRANGE', 'z', '0', '1', 'BYSCORE', 'BYSCORE'],
        ['ZRANGE', 'z', '0', '1', 'REV', 'REV'],
        ['ZRANGE', 'z', '0', '1', 'BYSCORE', 'LIMIT', '0'],
        ['ZRANGE', 'z', '0', '1', 'BYSCORE', 'LIMIT', 'x', '1'],
        ['ZRANGE', 'z', '0', '1', 'BYSCORE', 'LIMIT', '0', '1.5'],
        ['ZRANGE', 'z', '0', '1', 'FOO'],
        ['ZRANGEBYSCORE', 'z', '0', '1', 'REV'],
        ['ZRANGEBYSCORE', 'z', '0', '1', 'BYSCORE'],
        ['ZRANGEBYSCORE', 'z', '1', '2', 'WITHSCORES', 'WITHSCORES'],
        ['ZRANGEBYLEX', 'l', 'a', '+'],
        ['ZRANGEBYSCORE', 'none', '0', '1'],
        ['ZRANGE', 'z', '(3', '(3', 'BYSCORE'],
        ['ZRANGE', 'z', '3', '3', 'BYSCORE'],
        ['ZRANGE', 'z', '4', '3', 'BYSCORE'],
        ['ZRANGE', 'l', '[b', '[b', 'BYLEX'],
        ['ZRANGE', 'l', '(b', '[b', 'BYLEX'],
        ['ZRANGE', 'l', '[c', '[b', 'BYLEX'],
      ]);
    });
  });

  it('replies pairs of member and score in RESP3', async () => {
    const pair = await freshPair();
    await pair.both('HELLO', '3');
    await pair.sameAll([
      ['ZADD', 'z', '1', 'a', '2.5', 'b', 'inf', 'c'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZRANGE', 'z', '0', '-1'],
      ['ZREVRANGEBYSCORE', 'z', '+inf', '-inf', 'WITHSCORES', 'LIMIT', '1', '5'],
      ['ZRANGE', 'none', '0', '-1', 'WITHSCORES'],
    ]);
  });

  it('ZRANGESTORE stores the range, and deletes the destination for an empty one', async () => {
    const pair = await freshPair();
    await withLimits(pair, 3, 64);
    await pair.sameAll([
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'],
      ['OBJECT', 'ENCODING', 'z'],
      ['ZRANGESTORE', 'd', 'z', '0', '2'],
      ['OBJECT', 'ENCODING', 'd'],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['ZRANGESTORE', 'd', 'z', '0', '3'],
      ['OBJECT', 'ENCODING', 'd'],
      ['ZRANGESTORE', 'd', 'z', '(1', '4', 'BYSCORE', 'REV'],
      ['ZRANGESTORE', 'd', 'z', '4', '(1', 'BYSCORE', 'REV', 'LIMIT', '1', '2'],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['ZRANGESTORE', 'd', 'z', '[b', '[d', 'BYLEX'],
      ['ZRANGESTORE', 'd', 'z', '0', '-1', 'WITHSCORES'],
      ['ZRANGESTORE', 'd', 'z', '0', '-1', 'LIMIT', '0', '1'],
      ['SET', 'd', 'string'],
      ['EXPIRE', 'd', '100'],
      ['ZRANGESTORE', 'd', 'z', '0', '0'],
      ['TTL', 'd'],
      ['ZRANGESTORE', 'd', 'z', '10', '20'],
      ['EXISTS', 'd'],
      ['SET', 'd', 'string'],
      ['ZRANGESTORE', 'd', 'none', '0', '-1'],
      ['EXISTS', 'd'],
      ['ZRANGESTORE', 'z', 'z', '1', '1'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZRANGESTORE', 'd', 'z'],
    ]);
  });
});

describe('range removals against redis-server', () => {
  it('ZREMRANGEBYRANK, ZREMRANGEBYSCORE and ZREMRANGEBYLEX remove runs and empty keys', async () => {
    await inBothEncodings(async (pair) => {
      const fill = ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'];
      const removals: Command[] = [
        ['ZREMRANGEBYRANK', 'z', '1', '2'],
        ['ZREMRANGEBYRANK', 'z', '-2', '-1'],
        ['ZREMRANGEBYRANK', 'z', '3', '1'],
        ['ZREMRANGEBYRANK', 'z', '10', '20'],
        ['ZREMRANGEBYRANK', 'z', '-100', '100'],
        ['ZREMRANGEBYRANK', 'z', 'x', '1'],
        ['ZREMRANGEBYSCORE', 'z', '(1', '3'],
        ['ZREMRANGEBYSCORE', 'z', '-inf', '+inf'],
        ['ZREMRANGEBYSCORE', 'z', '5', '1'],
        ['ZREMRANGEBYSCORE', 'z', 'x', '1'],
        ['ZREMRANGEBYLEX', 'z', '[b', '(d'],
        ['ZREMRANGEBYLEX', 'z', '-', '+'],
        ['ZREMRANGEBYLEX', 'z', 'b', '+'],
      ];
      for (const removal of removals) {
        await pair.sameAll([
          ['DEL', 'z'],
          fill,
          removal,
          ['ZRANGE', 'z', '0', '-1'],
          ['EXISTS', 'z'],
        ]);
      }
      await pair.sameAll([
        ['ZREMRANGEBYRANK', 'none', '0', '-1'],
        ['ZREMRANGEBYSCORE', 'none', '0', '1'],
        ['ZREMRANGEBYSCORE', 'none', 'x', '1'],
        ['ZREMRANGEBYLEX', 'none', '-', '+'],
      ]);
    });
  });

  it('a long run removed from a big sorted set leaves the rest in order', async () => {
    const pair = await freshPair();
    const args = Array.from({ length: 3000 }, (_, i) => [String(i % 97), `m${i}`]).flat();
    await pair.same('ZADD', 'big', ...args);
    await pair.sameAll([
      ['ZREMRANGEBYRANK', 'big', '100', '2500'],
      ['ZCARD', 'big'],
      ['ZRANGE', 'big', '90', '110', 'WITHSCORES'],
      ['ZREMRANGEBYSCORE', 'big', '10', '(90'],
      ['ZRANGE', 'big', '0', '-1'],
      ['ZRANK', 'big', 'm2999'],
    ]);
  });
});

describe('ZPOPMIN, ZPOPMAX and ZMPOP against redis-server', () => {
  it('pop from either end, with and without a count', async () => {
    await inBothEncodings(async (pair) => {
      await pair.sameAll([
        ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'],
        ['ZPOPMIN', 'z'],
        ['ZPOPMAX', 'z'],
        ['ZPOPMIN', 'z', '2'],
        ['ZPOPMIN', 'z', '0'],
        ['ZPOPMAX', 'z', '10'],
        ['EXISTS', 'z'],
        ['ZPOPMIN', 'none'],
        ['ZPOPMIN', 'none', '0'],
        ['ZPOPMIN', 'none', '-1'],
        ['ZPOPMIN', 'none', 'x'],
        ['ZPOPMIN', 'none', '1', '2'],
        ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
        ['ZPOPMAX', 'z', '9223372036854775807'],
      ]);
      await pair.both('HELLO', '3');
      await pair.sameAll([
        ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
        ['ZPOPMIN', 'z'],
        ['ZPOPMIN', 'z', '1'],
        ['ZPOPMAX', 'z', '5'],
        ['ZPOPMIN', 'none'],
      ]);
    });
  });

  it('ZMPOP pops from the first key holding a sorted set', async () => {
    const pair = await freshPair();
    await pair.sameAll([
      ['ZADD', 'b', '1', 'x', '2', 'y', '3', 'z'],
      ['ZMPOP', '2', 'a', 'b', 'MIN'],
      ['ZMPOP', '2', 'a', 'b', 'max', 'COUNT', '5'],
      ['ZMPOP', '2', 'a', 'b', 'MIN'],
      ['ZMPOP', '0', 'a', 'MIN'],
      ['ZMPOP', '-1', 'a', 'MIN'],
      ['ZMPOP', 'x', 'a', 'MIN'],
      ['ZMPOP', '3', 'a', 'MIN'],
      ['ZMPOP', '1', 'a', 'LEFT'],
      ['ZMPOP', '1', 'a', 'MIN', 'COUNT'],
      ['ZMPOP', '1', 'a', 'MIN', 'COUNT', '0'],
      ['ZMPOP', '1', 'a', 'MIN', 'COUNT', '-1'],
      ['ZMPOP', '1', 'a', 'MIN', 'COUNT', 'x'],
      ['ZMPOP', '1', 'a', 'MIN', 'COUNT', '1', 'COUNT', '2'],
      ['ZMPOP', '1', 'a', 'MIN', 'FOO'],
    ]);
    await pair.both('HELLO', '3');
    await pair.sameAll([
      ['ZADD', 'b', '1', 'x', '2', 'y'],
      ['ZMPOP', '1', 'b', 'MIN', 'COUNT', '2'],
      ['ZMPOP', '1', 'b', 'MIN'],
    ]);
  });
});

describe('ZUNION, ZINTER, ZDIFF and their STORE forms against redis-server', () => {
  it('combine with WEIGHTS and AGGREGATE, sets counting as scores of 1', async () => {
    await inBothEncodings(async (pair) => {
      await pair.sameAll([
        ['ZADD', 'a', '1', 'x', '2', 'y', '3', 'z', 'inf', 'i'],
        ['ZADD', 'b', '10', 'y', '20', 'z', '30', 'w', '-inf', 'i'],
        ['SADD', 's', 'x', 'y', 'q'],
      ]);
      const options = [
        [],
        ['WEIGHTS', '2', '0.5'],
        ['WEIGHTS', '0', '1'],
        ['WEIGHTS', '-1', 'inf'],
        ['AGGREGATE', 'MIN'],
        ['AGGREGATE', 'max', 'WEIGHTS', '1', '-1'],
        ['aggregate', 'sum'],
      ];
      for (const option of options) {
        for (const op of ['ZUNION', 'ZINTER']) {
          await pair.same(op, '2', 'a', 'b', ...option, 'WITHSCORES');
          await pair.same(`${op}STORE`, 'd', '2', 'a', 'b', ...option);
          await pair.same('ZRANGE', 'd', '0', '-1', 'WITHSCORES');
          await pair.same(op, '2', 'a', 's', ...option, 'WITHSCORES');
          await pair.same(op, '2', 's', 'none', ...option);
        }
      }
      await pair.sameAll([
        ['ZUNION', '3', 'a', 'b', 's', 'WITHSCORES'],
        ['ZINTER', '3', 'a', 'b', 's', 'WITHSCORES'],
        ['ZINTER', '2', 'a', 'a', 'WITHSCORES'],
        ['ZINTER', '2', 'a', 'a', 'WEIGHTS', '1', '2', 'WITHSCORES'],
        ['ZDIFF', '2', 'a', 'b', 'WITHSCORES'],
        ['ZDIFF', '2', 'a', 's'],
        ['ZDIFF', '1', 's', 'WITHSCORES'],
        ['ZDIFF', '2', 'none', 'a'],
        ['ZDIFF', '2', 'a', 'a'],
        ['ZDIFFSTORE', 'd', '2', 'a', 'b'],
        ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
        ['ZINTERCARD', '2', 'a', 'b'],
        ['ZINTERCARD', '2', 'a', 'b', 'LIMIT', '1'],
        ['ZINTERCARD', '3', 'a', 'b', 's', 'LIMIT', '0'],
        ['ZINTERCARD', '2', 'a', 'none'],
        ['ZUNION', '1', 'none'],
        ['ZUNIONSTORE', 'a', '2', 'a', 'b'],
        ['ZRANGE', 'a', '0', '-1', 'WITHSCORES'],
      ]);
      await pair.both('HELLO', '3');
      await pair.sameAll([
        ['ZUNION', '2', 'a', 'b', 'WITHSCORES'],
        ['ZINTER', '2', 'a', 'b'],
        ['ZDIFF', '2', 'b', 'a', 'WITHSCORES'],
      ]);
    });
  });

  it('sum floating-point scores in the order Redis does', async () => {
    const pair = await freshPair();
    await pair.sameAll([
      ['ZADD', 'big', '0.1', 'm', '1', 'n', '2', 'o', '3', 'p'],
      ['ZADD', 'mid', '0.2', 'm', '1', 'n'],
      ['ZADD', 'small', '0.3', 'm'],
      ['ZUNION', '3', 'big', 'mid', 'small', 'WITHSCORES'],
      ['ZUNION', '3', 'small', 'big', 'mid', 'WITHSCORES'],
      ['ZINTER', '3', 'big', 'small', 'mid', 'WITHSCORES'],
      ['ZADD', 'tie', '0.7', 'm'],
      ['ZUNION', '2', 'tie', 'small', 'WITHSCORES'],
      ['ZUNION', '2', 'small', 'tie', 'WITHSCORES'],
    ]);
  });

  it('refuse bad numkeys, weights and options as Redis', async () => {
    const pair = await freshPair();
    await pair.same('ZADD', 'a', '1', 'x');
    await pair.sameAll([
      ['ZUNION', '0', 'a'],
      ['ZUNION', '-1', 'a'],
      ['ZUNION', 'x', 'a'],
      ['ZUNION', '2', 'a'],
      ['ZUNIONSTORE', 'd', '0', 'a'],
      ['ZINTERSTORE', 'd', '2', 'a'],
      ['ZDIFFSTORE', 'd', '0', 'a'],
      ['ZINTERCARD', '0', 'a'],
      ['ZINTERCARD', '2', 'a'],
      ['ZINTERCARD', '1', 'a', 'LIMIT', '-1'],
      ['ZINTERCARD', '1', 'a', 'LIMIT', 'x'],
      ['ZINTERCARD', '1', 'a', 'LIMIT'],
      ['ZINTERCARD', '1', 'a', 'WITHSCORES'],
      ['ZINTERCARD', '1', 'a', 'WEIGHTS', '1'],
      ['ZUNION', '1', 'a', 'WEIGHTS'],
      ['ZUNION', '1', 'a', 'WEIGHTS', 'x'],
      ['ZUNION', '1', 'a', 'WEIGHTS', 'nan'],
      ['ZUNION', '1', 'a', 'WEIGHTS', '1', '2'],
      ['ZUNION', '1', 'a', 'AGGREGATE'],
      ['ZUNION', '1', 'a', 'AGGREGATE', 'avg'],
      ['ZUNION', '1', 'a', 'LIMIT', '1'],
      ['ZUNION', '1', 'a', 'WITHSCORES', 'WITHSCORES'],
      ['ZUNIONSTORE', 'd', '1', 'a', 'WITHSCORES'],
      ['ZDIFF', '1', 'a', 'WEIGHTS', '1'],
      ['ZDIFF', '1', 'a', 'AGGREGATE', 'MIN'],
      ['ZINTER', '1', 'a', 'FOO'],
      ['EXISTS', 'd'],
    ]);
  });

  it('store results empty (deleting the destination), small (listpack) or large (skiplist)', async () => {
    const pair = await freshPair();
    await withLimits(pair, 3, 5);
    await pair.sameAll([
      ['ZADD', 'a', '1', 'x', '2', 'y', '3', 'z', '4', 'w'],
      ['ZADD', 'b', '1', 'x', '2', 'y'],
      ['ZADD', 'long', '1', 'longmember'],
      ['OBJECT', 'ENCODING', 'a'],
      ['ZINTERSTORE', 'd', '2', 'a', 'b'],
      ['OBJECT', 'ENCODING', 'd'],
      ['ZUNIONSTORE', 'd', '2', 'a', 'b'],
      ['OBJECT', 'ENCODING', 'd'],
      ['ZUNIONSTORE', 'd', '1', 'long'],
      ['OBJECT', 'ENCODING', 'd'],
      ['ZDIFFSTORE', 'd', '2', 'a', 'b'],
      ['OBJECT', 'ENCODING', 'd'],
      ['SET', 'd', 'v'],
      ['EXPIRE', 'd', '100'],
      ['ZINTERSTORE', 'd', '2', 'a', 'none'],
      ['EXISTS', 'd'],
      ['ZUNIONSTORE', 'd', '1', 'b'],
      ['TTL', 'd'],
    ]);
  });
});

describe('ZRANDMEMBER against redis-server', () => {
  it('answers errors, nil, empty arrays and whole sets as Redis', async () => {
    await inBothEncodings(async (pair) => {
      await pair.same('SET', 'str', 'v');
      await pair.sameAll([
        ['ZRANDMEMBER', 'none'],
        ['ZRANDMEMBER', 'none', '5'],
        ['ZRANDMEMBER', 'none', '-5', 'WITHSCORES'],
        ['ZRANDMEMBER', 'none', '0'],
        ['ZRANDMEMBER', 'none', 'x'],
        ['ZRANDMEMBER', 'none', '1', 'FOO'],
        ['ZRANDMEMBER', 'none', '1', 'WITHSCORES', 'x'],
        ['ZRANDMEMBER', 'none', '-9223372036854775808'],
        ['ZRANDMEMBER', 'none', '9223372036854775808'],
        ['ZRANDMEMBER', 'none', '4611686018427387904', 'WITHSCORES'],
        ['ZRANDMEMBER', 'none', '-4611686018427387904', 'WITHSCORES'],
        ['ZRANDMEMBER', 'none', '4611686018427387903', 'WITHSCORES'],
        ['ZRANDMEMBER', 'str', '0'],
        ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
        ['ZRANDMEMBER', 'z', '0'],
        ['ZRANDMEMBER', 'z', '0', 'WITHSCORES'],
        ['ZRANDMEMBER', 'z', '3'],
        ['ZRANDMEMBER', 'z', '10', 'WITHSCORES'],
        ['ZRANDMEMBER', 'z', '9223372036854775807'],
      ]);
      await pair.both('HELLO', '3');
      await pair.sameAll([
        ['ZRANDMEMBER', 'z', '10', 'WITHSCORES'],
        ['ZRANDMEMBER', 'none', '3', 'WITHSCORES'],
        ['ZRANDMEMBER', 'none'],
      ]);
    });
  });

  it('picks members of the set, distinct ones for a positive count', async () => {
    for (const size of [5, 300]) {
      const pair = await freshPair();
      const members = Array.from({ length: size }, (_, i) => `m${i}`);
      await pair.same('ZADD', 'z', ...members.flatMap((m, i) => [String(i), m]));
      for (const count of [1, 2, 4, size - 1, 150]) {
        const picked = items(await pair.kvik.call('ZRANDMEMBER', 'z', count, 'WITHSCORES'));
        assert.equal(picked.length, Math.min(count, size) * 2);
        const names = picked.filter((_, i) => i % 2 === 0).map(text);
        assert.equal(new Set(names).size, names.length, 'distinct members');
        for (let i = 0; i < picked.length; i += 2) {
          assert.equal(text(picked[i + 1]), String(members.indexOf(text(picked[i]))));
        }
      }
      const repeated = items(await pair.kvik.call('ZRANDMEMBER', 'z', -40)).map(text);
      assert.equal(repeated.length, 40);
      for (const member of repeated) assert.ok(members.includes(member));
      const single = parseReply(await pair.kvik.call('ZRANDMEMBER', 'z'));
      assert.ok(single.kind === 'bulk' && members.includes(single.text));
    }
  });
});

describe('ZSCAN against redis-server', () => {
  it('returns a listpack whole with its scores as text, filtered by MATCH', async () => {
    const pair = await freshPair();
    await pair.sameAll([
      ['ZADD', 'z', '1', 'a', '2.5', 'b', '-inf', 'c', '0.1', 'ab', '1e30', 'big'],
      ['ZSCAN', 'z', '0'],
      ['ZADD', 'i', '123456789012345678', 'a', '4611686018427387904', 'b', '1e19', 'c', '-0', 'd'],
      ['ZADD', 'i', '-4611686018427387904', 'e', '9007199254740993', 'f', '-1e18', 'g'],
      ['ZSCAN', 'i', '0'],
      ['ZSCAN', 'z', '0', 'MATCH', 'a*'],
      ['ZSCAN', 'z', '0', 'COUNT', '1'],
      ['ZSCAN', 'z', '0', 'COUNT', '0'],
      ['ZSCAN', 'z', 'x'],
      ['ZSCAN', 'none', '0'],
      ['ZSCAN', 'none', '0', 'BADOPTION'],
    ]);
    await pair.both('HELLO', '3');
    await pair.same('ZSCAN', 'z', '0');
  });

  it('walks a skiplist to the end, returning every member with its score', async () => {
    const pair = await freshPair();
    const members = Array.from({ length: 300 }, (_, i) => `m${i}`);
    await pair.same('ZADD', 'z', ...members.flatMap((m, i) => [String(i / 4), m]));
    const seen = new Map<string, string>();
    let cursor = '0';
    do {
      const [next, found] = items(await pair.kvik.call('ZSCAN', 'z', cursor, 'COUNT', 9));
      cursor = text(next);
      assert.ok(found.kind === 'array');
      for (let i = 0; i < found.items.length; i += 2)
        seen.set(text(found.items[i]), text(found.items[i + 1]));
    } while (cursor !== '0');
    assert.equal(seen.size, members.length);
    members.forEach((m, i) => assert.equal(seen.get(m), String(i / 4)));
  });
});

describe('sorted set encodings against redis-server', () => {
  it('a listpack becomes a skiplist past the entries or value limit, and never goes back', async () => {
    const pair = await freshPair();
    await withLimits(pair, 3, 5);
    await pair.sameAll([
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
      ['OBJECT', 'ENCODING', 'z'],
      ['ZADD', 'z', '5', 'a'],
      ['OBJECT', 'ENCODING', 'z'],
      ['ZADD', 'z', '4', 'd'],
      ['OBJECT', 'ENCODING', 'z'],
      ['ZREM', 'z', 'a', 'b', 'c'],
      ['OBJECT', 'ENCODING', 'z'],
      ['ZADD', 'long', '1', 'abcde'],
      ['OBJECT', 'ENCODING', 'long'],
      ['ZADD', 'long', '1', 'abcdef'],
      ['OBJECT', 'ENCODING', 'long'],
      ['ZADD', 'first', '1', 'abcdef'],
      ['OBJECT', 'ENCODING', 'first'],
      ['ZADD', 'dups', '1', 'a', '2', 'a', '3', 'a', '4', 'a', '5', 'a'],
      ['OBJECT', 'ENCODING', 'dups'],
      ['ZINCRBY', 'incr', '1', 'abcdefgh'],
      ['OBJECT', 'ENCODING', 'incr'],
    ]);
    await withLimits(pair, 0, 64);
    await pair.sameAll([
      ['ZADD', 'zero', '1', 'a'],
      ['OBJECT', 'ENCODING', 'zero'],
    ]);
  });

  it('COPY keeps the value and its encoding', async () => {
    const pair = await freshPair();
    await withLimits(pair, 2, 64);
    await pair.sameAll([
      ['ZADD', 'small', '1', 'a', '2', 'b'],
      ['ZADD', 'large', '1', 'a', '2', 'b', '3', 'c'],
      ['SADD', 'ints', '1', '2'],
      ['SADD', 'strs', 'a', 'b'],
    ]);
    for (const key of ['small', 'large', 'ints', 'strs']) {
      await pair.sameAll([
        ['COPY', key, `${key}-copy`],
        ['OBJECT', 'ENCODING', `${key}-copy`],
        ['TYPE', `${key}-copy`],
      ]);
    }
    await pair.sameAll([
      ['ZADD', 'large-copy', '9', 'z'],
      ['ZRANGE', 'large', '0', '-1', 'WITHSCORES'],
      ['ZRANGE', 'large-copy', '0', '-1', 'WITHSCORES'],
      ['SADD', 'ints-copy', '3'],
      ['SMEMBERS', 'ints'],
      ['SMEMBERS', 'ints-copy'],
    ]);
  });
});

describe('random sorted set command sequences against redis-server', () => {
  const key = fc.constantFrom('a', 'b');
  const member = fc.constantFrom('x', 'y', 'z', 'w', 'v', 'long-member-name', '');
  const score = fc.constantFrom('0', '1', '-1', '2.5', '1e3', 'inf', '-inf', '(1', 'x', '0.1');
  const index = fc.constantFrom('0', '1', '-1', '2', '-3', '10');
  const lex = fc.constantFrom('-', '+', '[x', '(x', '[v', '(z', '[', 'x');
  const command: fc.Arbitrary<Command> = fc.oneof(
    {
      weight: 5,
      arbitrary: fc
        .tuple(
          key,
          fc.subarray(['NX', 'XX', 'GT', 'LT', 'CH', 'INCR']),
          fc.array(fc.tuple(score, member), { minLength: 1, maxLength: 3 }),
        )
        .map(([k, o, pairs]): Command => ['ZADD', k, ...o, ...pairs.flat()]),
    },
    fc.tuple(key, score, member).map(([k, s, m]): Command => ['ZINCRBY', k, s, m]),
    fc
      .tuple(key, fc.array(member, { minLength: 1, maxLength: 3 }))
      .map(([k, m]): Command => ['ZREM', k, ...m]),
    fc
      .tuple(fc.constantFrom('ZSCORE', 'ZRANK', 'ZREVRANK'), key, member)
      .map(([c, k, m]): Command => [c, k, m]),
    fc.tuple(key, member, member).map(([k, m, n]): Command => ['ZMSCORE', k, m, n]),
    fc.tuple(fc.constantFrom('ZCARD', 'TYPE', 'EXISTS'), key).map(([c, k]): Command => [c, k]),
    fc
      .tuple(
        fc.constantFrom('ZCOUNT', 'ZRANGEBYSCORE', 'ZREVRANGEBYSCORE', 'ZREMRANGEBYSCORE'),
        key,
        score,
        score,
      )
      .map(([c, k, a, b]): Command => [c, k, a, b]),
    fc
      .tuple(fc.constantFrom('ZRANGE', 'ZREVRANGE', 'ZREMRANGEBYRANK'), key, index, index)
      .map(([c, k, a, b]): Command => [c, k, a, b]),
    fc
      .tuple(
        key,
        score,
        score,
        fc.subarray(['BYSCORE', 'REV', 'WITHSCORES']),
        fc.option(fc.tuple(index, index)),
      )
      .map(([k, a, b, o, l]): Command => [
        'ZRANGE',
        k,
        a,
        b,
        ...o,
        ...(l === null ? [] : ['LIMIT', ...l]),
      ]),
    // Lex ranges go to 'l', whose members all score 0: over a skiplist of different scores
    // Redis's answer depends on the random levels of its nodes.
    fc.tuple(member).map(([m]): Command => ['ZADD', 'l', '0', m]),
    fc.tuple(member).map(([m]): Command => ['ZREM', 'l', m]),
    fc
      .tuple(
        fc.constantFrom('ZLEXCOUNT', 'ZRANGEBYLEX', 'ZREVRANGEBYLEX', 'ZREMRANGEBYLEX'),
        lex,
        lex,
      )
      .map(([c, a, b]): Command => [c, 'l', a, b]),
    fc
      .tuple(lex, lex, fc.option(fc.tuple(index, index)))
      .map(([a, b, l]): Command => [
        'ZRANGE',
        'l',
        a,
        b,
        'BYLEX',
        ...(l === null ? [] : ['LIMIT', ...l]),
      ]),
    fc
      .tuple(fc.constantFrom('ZPOPMIN', 'ZPOPMAX'), key, fc.constantFrom('1', '2', '0'))
      .map(([c, k, n]): Command => [c, k, n]),
    fc
      .tuple(key, key, fc.constantFrom('MIN', 'MAX'))
      .map(([k, l, e]): Command => ['ZMPOP', '2', k, l, e, 'COUNT', '2']),
    fc
      .tuple(fc.constantFrom('ZUNION', 'ZINTER', 'ZDIFF'), key, key)
      .map(([c, k, l]): Command => [c, '2', k, l, 'WITHSCORES']),
    fc
      .tuple(fc.constantFrom('ZUNIONSTORE', 'ZINTERSTORE', 'ZDIFFSTORE'), key, key, key)
      .map(([c, d, k, l]): Command => [c, d, '2', k, l]),
    fc.tuple(key, key, index, index).map(([d, k, a, b]): Command => ['ZRANGESTORE', d, k, a, b]),
    fc.tuple(key).map(([k]): Command => ['OBJECT', 'ENCODING', k]),
    fc.tuple(key).map(([k]): Command => ['ZRANDMEMBER', k, '100', 'WITHSCORES']),
    fc.tuple(key).map(([k]): Command => ['SADD', k, 'x']),
  );

  for (const limits of [
    [128, 64],
    [3, 10],
  ]) {
    it(`agree with Redis byte for byte (listpack limits ${limits.join(', ')})`, async () => {
      const pair = await freshPair();
      await withLimits(pair, limits[0], limits[1]);
      await fc.assert(
        fc.asyncProperty(
          fc.array(command, { minLength: 1, maxLength: 40, size: 'max' }),
          async (commands) => {
            await pair.both('FLUSHALL');
            for (const c of commands) await pair.same(...c);
            for (const k of ['a', 'b', 'l']) await pair.same('ZRANGE', k, '0', '-1', 'WITHSCORES');
          },
        ),
        { numRuns: 60 },
      );
    });
  }
});

/**
 * Several clients on each server, playing the same script: a blocking command is sent without
 * waiting for its reply, and every reply read is compared between the servers.
 */
class Clients {
  private constructor(
    private readonly redis: RawClient[],
    private readonly kvik: RawClient[],
  ) {}

  static async open(count: number): Promise<Clients> {
    const connect = (port: number) =>
      Promise.all(Array.from({ length: count }, () => RawClient.connect(port)));
    return new Clients(await connect(env.reference.port), await connect(env.kvik.port));
  }

  send(i: number, ...args: Command): void {
    this.redis[i].sendRaw(encodeCommand(args));
    this.kvik[i].sendRaw(encodeCommand(args));
  }

  /** Reads client i's next reply on both servers; they must be equal. */
  async expect(i: number, expected?: string): Promise<void> {
    const [redis, kvik] = await Promise.all([this.redis[i].readReply(), this.kvik[i].readReply()]);
    assert.equal(kvik, redis, `reply to client ${i}`);
    if (expected !== undefined) assert.equal(kvik, expected);
  }

  async same(i: number, ...args: Command): Promise<void> {
    this.send(i, ...args);
    await this.expect(i);
  }

  /** Reads and drops client i's next reply on both servers (replies that differ, as HELLO's). */
  async discard(i: number): Promise<void> {
    await Promise.all([this.redis[i].readReply(), this.kvik[i].readReply()]);
  }

  /** Waits until both servers count `count` blocked clients (so the order of arrival is known). */
  async blocked(count: number): Promise<void> {
    for (const control of [this.redis[0], this.kvik[0]]) {
      for (let tries = 0; ; tries++) {
        const info = await control.call('INFO', 'clients');
        if (info.includes(`blocked_clients:${count}\r\n`)) break;
        assert.ok(tries < 200, `never ${count} blocked clients: ${info}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  }

  /** Asserts client i has no reply pending for a while, on either server. */
  async silent(i: number, ms = 50): Promise<void> {
    for (const client of [this.redis[i], this.kvik[i]]) {
      await assert.rejects(client.readReply(ms), /timed out/, `client ${i} got a reply`);
    }
  }

  close(): void {
    for (const client of [...this.redis, ...this.kvik]) client.close();
  }
}

const opened: Clients[] = [];
after(() => opened.forEach((c) => c.close()));

/** Fresh clients on flushed servers; client 0 is the one that writes. */
async function clients(count: number): Promise<Clients> {
  for (const previous of opened.splice(0)) previous.close();
  (await freshPair()).close();
  const c = await Clients.open(count);
  opened.push(c);
  await c.blocked(0);
  return c;
}

describe('BZPOPMIN, BZPOPMAX and BZMPOP against redis-server', () => {
  it('serve at once from the first key holding a sorted set', async () => {
    const pair = await freshPair();
    await pair.sameAll([
      ['ZADD', 'b', '1', 'x', '2', 'y', '3', 'z'],
      ['BZPOPMIN', 'a', 'b', '0'],
      ['BZPOPMAX', 'a', 'b', '0.5'],
      ['BZMPOP', '0', '2', 'a', 'b', 'MIN', 'COUNT', '5'],
      ['EXISTS', 'b'],
      ['BZPOPMIN', 'a', '-1'],
      ['BZPOPMIN', 'a', 'x'],
      ['BZMPOP', 'x', '1', 'a', 'MIN'],
      ['BZMPOP', '-1', '1', 'a', 'MIN'],
      ['BZMPOP', '0', '0', 'a', 'MIN'],
      ['BZMPOP', '0', '1', 'a', 'FOO'],
      ['BZMPOP', '0', '1', 'a', 'MIN', 'COUNT', '0'],
      ['BZPOPMIN', 'a', '0.01'],
      ['BZMPOP', '0.01', '1', 'a', 'MAX'],
    ]);
    await pair.both('HELLO', '3');
    await pair.sameAll([
      ['ZADD', 'b', '1', 'x', '2', 'y'],
      ['BZPOPMIN', 'b', '0'],
      ['BZMPOP', '0', '1', 'b', 'MAX'],
      ['BZPOPMIN', 'a', '0.01'],
    ]);
  });

  it('answer nil at once inside MULTI', async () => {
    const pair = await freshPair();
    await pair.sameAll([
      ['MULTI'],
      ['BZPOPMIN', 'a', '0'],
      ['BZMPOP', '0', '1', 'a', 'MIN'],
      ['ZADD', 'a', '1', 'x'],
      ['BZPOPMAX', 'a', '0'],
      ['EXEC'],
    ]);
  });

  it('blocked clients are served first come, first served, one entry each', async () => {
    const c = await clients(4);
    c.send(1, 'BZPOPMIN', 'k', '0');
    await c.blocked(1);
    c.send(2, 'BZPOPMAX', 'other', 'k', '0');
    await c.blocked(2);
    c.send(3, 'BZMPOP', '0', '1', 'k', 'MIN', 'COUNT', '10');
    await c.blocked(3);
    await c.same(0, 'ZADD', 'k', '1', 'a', '2', 'b');
    await c.expect(1, '*3\r\n$1\r\nk\r\n$1\r\na\r\n$1\r\n1\r\n');
    await c.expect(2);
    await c.silent(3);
    await c.same(0, 'ZADD', 'k', '5', 'e', '4', 'd', '3', 'c');
    await c.expect(3);
    await c.same(0, 'EXISTS', 'k');
  });

  it('a blocked client waits through other types and is served once a sorted set arrives', async () => {
    const c = await clients(2);
    c.send(1, 'BZPOPMAX', 'k', '0');
    await c.blocked(1);
    await c.same(0, 'SET', 'k', 'string');
    await c.same(0, 'DEL', 'k');
    await c.same(0, 'SADD', 'k', 'member');
    await c.silent(1);
    await c.same(0, 'DEL', 'k');
    await c.same(0, 'ZADD', 'src', '7', 'm');
    await c.same(0, 'RENAME', 'src', 'k');
    await c.expect(1);
    await c.same(0, 'EXISTS', 'k');
  });

  it('a push inside MULTI serves the blocked clients when EXEC ends', async () => {
    const c = await clients(2);
    c.send(1, 'BZPOPMIN', 'k', '0');
    await c.blocked(1);
    await c.same(0, 'MULTI');
    await c.same(0, 'ZADD', 'k', '1', 'a');
    await c.same(0, 'ZADD', 'k', '0', 'b');
    await c.silent(1);
    await c.same(0, 'EXEC');
    await c.expect(1);
    await c.same(0, 'ZRANGE', 'k', '0', '-1');
  });

  it('time out with a nil array', async () => {
    const c = await clients(3);
    c.send(1, 'BZPOPMIN', 'k', '0.05');
    c.send(2, 'BZMPOP', '0.05', '2', 'k', 'j', 'MAX');
    await c.expect(1, '*-1\r\n');
    await c.expect(2, '*-1\r\n');
    c.send(1, 'HELLO', '3');
    await c.discard(1);
    c.send(1, 'BZPOPMAX', 'k', '0.05');
    await c.expect(1, '_\r\n');
  });
});

describe('sorted set keyspace notifications against redis-server', () => {
  const MARKER = 'zset-notifications-marker';

  /** Reads pushed messages up to the marker one; returns them, without the marker. */
  async function messagesUntilMarker(client: RawClient): Promise<string[]> {
    const messages: string[] = [];
    for (;;) {
      const frame = await client.readReply();
      if (frame.includes(MARKER)) return messages;
      messages.push(frame);
    }
  }

  it('every sorted set write raises the events Redis raises, in its order', async () => {
    const writer = await freshPair();
    const subscriber = await DiffPair.connect(env.reference.port, env.kvik.port);
    try {
      await writer.same('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
      await subscriber.same('PSUBSCRIBE', '__key*__:*');
      await subscriber.same('SUBSCRIBE', MARKER);
      const commands: Command[] = [
        ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'],
        ['ZADD', 'z', '1', 'a'],
        ['ZADD', 'z', 'NX', '9', 'a'],
        ['ZADD', 'z', 'CH', '9', 'a'],
        ['ZADD', 'z', 'INCR', '1', 'a'],
        ['ZADD', 'z', 'XX', 'INCR', '1', 'none'],
        ['ZINCRBY', 'z', '0', 'a'],
        ['ZINCRBY', 'z', '1', 'new'],
        ['ZREM', 'z', 'new', 'zz'],
        ['ZREM', 'z', 'zz'],
        ['ZREMRANGEBYRANK', 'z', '0', '0'],
        ['ZREMRANGEBYSCORE', 'z', '3', '3'],
        ['ZREMRANGEBYSCORE', 'z', '100', '200'],
        ['ZREMRANGEBYLEX', 'z', '[d', '[d'],
        ['ZPOPMIN', 'z'],
        ['ZPOPMAX', 'z', '0'],
        ['ZADD', 'y', '1', 'a', '2', 'b'],
        ['ZMPOP', '1', 'y', 'MAX'],
        ['BZPOPMIN', 'y', '0'],
        ['ZADD', 'y', '1', 'a', '2', 'b'],
        ['BZMPOP', '0', '1', 'y', 'MIN', 'COUNT', '5'],
        ['ZADD', 'x', '1', 'a', '2', 'b'],
        ['ZUNIONSTORE', 'd', '1', 'x'],
        ['ZINTERSTORE', 'd', '2', 'x', 'x'],
        ['ZDIFFSTORE', 'd', '2', 'x', 'x'],
        ['ZDIFFSTORE', 'd', '2', 'x', 'x'],
        ['ZRANGESTORE', 'd', 'x', '0', '0'],
        ['ZRANGESTORE', 'd', 'x', '5', '6'],
        ['ZRANGE', 'x', '0', '-1'],
        ['ZREMRANGEBYRANK', 'x', '0', '-1'],
      ];
      for (const command of commands) {
        await writer.same(...command);
        await writer.same('PUBLISH', MARKER, 'end');
        const [redis, kvik] = await Promise.all([
          messagesUntilMarker(subscriber.redis),
          messagesUntilMarker(subscriber.kvik),
        ]);
        assert.deepEqual(kvik, redis, `notifications of ${command.join(' ')}`);
      }
    } finally {
      subscriber.close();
      await writer.same('CONFIG', 'SET', 'notify-keyspace-events', '');
    }
  });
});

describe('sorted set writes count changes as Redis does', () => {
  async function changes(pair: DiffPair): Promise<{ redis: number; kvik: number }> {
    const { redis, kvik } = await pair.both('INFO', 'persistence');
    const field = (info: string) => Number(/rdb_changes_since_last_save:(\d+)/.exec(info)![1]);
    return { redis: field(redis), kvik: field(kvik) };
  }

  it('each write adds to rdb_changes_since_last_save what it adds in Redis', async () => {
    const pair = await freshPair();
    const commands: Command[] = [
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e', '6', 'f'],
      ['ZADD', 'z', 'CH', '1', 'a', '9', 'b', '7', 'g'],
      ['ZADD', 'z', 'NX', '1', 'a'],
      ['ZINCRBY', 'z', '1', 'a'],
      ['ZINCRBY', 'z', '0', 'a'],
      ['ZREM', 'z', 'a', 'b', 'zz'],
      ['ZREMRANGEBYRANK', 'z', '0', '1'],
      ['ZREMRANGEBYSCORE', 'z', '5', '6'],
      ['ZREMRANGEBYLEX', 'z', '-', '+'],
      ['ZADD', 'y', '1', 'a', '2', 'b', '3', 'c', '4', 'd'],
      ['ZPOPMIN', 'y'],
      ['ZPOPMAX', 'y', '2'],
      ['ZMPOP', '1', 'y', 'MIN', 'COUNT', '5'],
      ['ZADD', 'y', '1', 'a', '2', 'b'],
      ['BZPOPMIN', 'y', '0'],
      ['BZMPOP', '0', '1', 'y', 'MAX', 'COUNT', '3'],
      ['ZADD', 'x', '1', 'a', '2', 'b'],
      ['ZUNIONSTORE', 'd', '2', 'x', 'x'],
      ['ZINTERSTORE', 'd', '2', 'x', 'none'],
      ['ZDIFFSTORE', 'd', '2', 'x', 'x'],
      ['ZRANGESTORE', 'd', 'x', '0', '-1'],
      ['ZRANGESTORE', 'd', 'x', '5', '6'],
      ['ZSCORE', 'x', 'a'],
    ];
    for (const command of commands) {
      const before = await changes(pair);
      await pair.same(...command);
      const after = await changes(pair);
      assert.equal(after.kvik - before.kvik, after.redis - before.redis, command.join(' '));
    }
  });
});
