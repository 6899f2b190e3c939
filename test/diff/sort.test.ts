import { describe, it } from 'node:test';
import fc from 'fast-check';
import { useDiffServers, type Command, type DiffPair } from '../helpers/diff.js';

const env = useDiffServers();

/**
 * A pair holding a list, sets and sorted sets of the same numbers, weights for them as strings
 * (w_<n>) and hash fields (h_<n> -> weight, name), and a few keys of other types.
 *
 * Redis iterates a hash table set or sorted set in an order of its own when it sorts one, so the
 * tests here avoid ties between elements of those (a list keeps its order, and ties keep it).
 */
async function numbers(): Promise<DiffPair> {
  const pair = await env.pair();
  const values = ['3', '10', '-2', '7', '0', '25', '-11', '4', '1', '8'];
  await pair.sameAll([
    ['RPUSH', 'list', ...values],
    ['SADD', 'intset', ...values],
    ['SADD', 'set', ...values, 'x'],
    ['SREM', 'set', 'x'],
    ['ZADD', 'zset', ...values.flatMap((v, i) => [String(9 - i), v])],
    ['ZADD', 'bigzset', ...values.flatMap((v, i) => [String(i), v])],
    ['CONFIG', 'SET', 'zset-max-listpack-entries', '4'],
    ['ZADD', 'bigzset', '100', 'extra'],
    ['ZREM', 'bigzset', 'extra'],
    ['CONFIG', 'SET', 'zset-max-listpack-entries', '128'],
    ['SET', 'string', 'x'],
    ['HSET', 'hash', 'f', 'v'],
  ]);
  for (const [i, v] of values.entries()) {
    await pair.same('SET', `w_${v}`, String((i * 7) % 10));
    await pair.same('HSET', `h_${v}`, 'weight', String((i * 3) % 10), 'name', `name-${v}`);
  }
  return pair;
}

const SOURCES = ['list', 'intset', 'set', 'zset', 'bigzset'];

describe('SORT against redis-server', () => {
  it('sorts lists, sets and sorted sets by their elements as numbers', async () => {
    const pair = await numbers();
    for (const source of SOURCES) {
      await pair.sameAll([
        ['SORT', source],
        ['SORT', source, 'DESC'],
        ['SORT', source, 'ASC', 'DESC', 'ASC'],
        ['SORT_RO', source, 'desc'],
        ['SORT', source, 'ALPHA'],
        ['SORT', source, 'ALPHA', 'DESC'],
      ]);
    }
    await pair.sameAll([
      ['SORT', 'none'],
      ['SORT_RO', 'none', 'ALPHA', 'DESC', 'LIMIT', '0', '1'],
      ['SORT', 'string'],
      ['SORT', 'hash'],
      ['SORT_RO', 'string', 'BY', 'nosort'],
    ]);
  });

  it('reads numbers as strtod does, breaking ties by the elements bytes', async () => {
    const pair = await env.pair();
    const odd = [
      '',
      ' 3',
      '\t4',
      '0x10',
      '0x.8',
      '+5',
      '5.',
      '.5',
      '-0',
      '0',
      '1e2',
      'inf',
      '-inf',
    ];
    odd.push('INFINITY', '2.5', '02.5', '2.50', '1\u0000junk', '0e-400', '0x1p-1074');
    await pair.sameAll([
      ['RPUSH', 'l', ...odd],
      ['SORT', 'l'],
      ['SORT', 'l', 'DESC'],
      ['SORT', 'l', 'LIMIT', '3', '5'],
    ]);
  });

  it('answers an error for a weight that is not a number, after the whole sort', async () => {
    // Redis reads errno without clearing it, so a failed conversion can spill over to the next
    // SORT of non-integer strings on the same connection: each case has a fresh connection.
    const cases = [
      'abc',
      '1x',
      ' ',
      'nan',
      '-nan',
      '0x',
      '1e',
      '1e400',
      '-1e400',
      '1e-310',
      '0x1p5000',
    ];
    for (const bad of cases) {
      const pair = await env.pair();
      await pair.sameAll([
        ['RPUSH', 'l', '1', bad, '2'],
        ['SET', 'w_2', bad],
        ['SORT', 'l', 'STORE', 'dst'],
        ['EXISTS', 'dst'],
        ['SORT', 'l', 'BY', 'w_*', 'GET', 'w_*'],
        ['SORT', 'l', 'ALPHA'],
        ['SORT', 'l', 'BY', 'nosort'],
      ]);
    }
  });

  it('sorts as strings with ALPHA: bytes up to a NUL without STORE, every byte with STORE', async () => {
    const pair = await env.pair();
    const strings = [
      'b',
      'B',
      'a',
      'b\u0000z',
      'b\u0000a',
      'ab',
      '',
      '\u00ff',
      '\u0080',
      '\u007f',
      'é',
    ];
    await pair.sameAll([
      ['RPUSH', 'l', ...strings],
      ['SORT', 'l', 'ALPHA'],
      ['SORT', 'l', 'ALPHA', 'DESC'],
      ['SORT', 'l', 'ALPHA', 'STORE', 'dst'],
      ['LRANGE', 'dst', '0', '-1'],
      ['SORT', 'l', 'ALPHA', 'DESC', 'STORE', 'dst'],
      ['LRANGE', 'dst', '0', '-1'],
      ['SORT', 'l', 'ALPHA', 'LIMIT', '2', '3'],
    ]);
  });

  it('sorts by the values of other keys and of hash fields with BY', async () => {
    const pair = await numbers();
    for (const source of SOURCES) {
      await pair.sameAll([
        ['SORT', source, 'BY', 'w_*'],
        ['SORT', source, 'BY', 'w_*', 'DESC'],
        ['SORT', source, 'BY', 'h_*->weight'],
        ['SORT', source, 'BY', 'h_*->weight', 'DESC', 'LIMIT', '2', '4'],
        ['SORT', source, 'BY', 'missing_*'],
        ['SORT', source, 'BY', 'h_*->missing', 'LIMIT', '1', '3'],
        ['SORT', source, 'BY', 'w_*->weight'],
        ['SORT', source, 'BY', 'h_*'],
        ['SORT', source, 'BY', 'h_*->name', 'ALPHA'],
        ['SORT', source, 'BY', 'h_*->name', 'ALPHA', 'DESC', 'LIMIT', '0', '3'],
      ]);
    }
  });

  it('keeps the order of lists and sorted sets with BY nosort, and cuts it with LIMIT', async () => {
    const pair = await numbers();
    for (const source of ['list', 'zset', 'bigzset', 'intset', 'none']) {
      await pair.sameAll([
        ['SORT', source, 'BY', 'nosort'],
        ['SORT', source, 'BY', 'nosort', 'DESC'],
        ['SORT', source, 'BY', 'nosort', 'LIMIT', '2', '3'],
        ['SORT', source, 'BY', 'nosort', 'DESC', 'LIMIT', '2', '3'],
        ['SORT', source, 'BY', 'nosort', 'LIMIT', '8', '10'],
        ['SORT', source, 'BY', 'nosort', 'DESC', 'LIMIT', '-5', '2', 'GET', '#', 'GET', 'w_*'],
        ['SORT', source, 'BY', 'constant', 'ALPHA'],
        ['SORT', source, 'BY', 'nosort', 'BY', 'w_*'],
        ['SORT', source, 'BY', 'w_\u0000*'],
        ['SORT_RO', source, 'BY', 'nosort', 'DESC'],
      ]);
    }
  });

  it('selects ranks with LIMIT, whatever the offset and count', async () => {
    const pair = await numbers();
    const limits = [
      ['0', '0'],
      ['0', '3'],
      ['3', '0'],
      ['-5', '3'],
      ['2', '-1'],
      ['9', '5'],
      ['10', '1'],
      ['100', '-100'],
      ['5', '9223372036854775807'],
      ['9223372036854775807', '9223372036854775807'],
      ['-9223372036854775808', '2'],
    ];
    for (const [offset, count] of limits) {
      await pair.sameAll([
        ['SORT', 'list', 'LIMIT', offset, count],
        ['SORT', 'zset', 'LIMIT', offset, count, 'DESC'],
        ['SORT', 'list', 'BY', 'w_*', 'LIMIT', offset, count],
        ['SORT', 'list', 'BY', 'nosort', 'LIMIT', offset, count],
        ['SORT', 'list', 'BY', 'h_*->name', 'ALPHA', 'LIMIT', offset, count],
      ]);
    }
  });

  it('outputs other keys and hash fields with GET, # for the element itself', async () => {
    const pair = await numbers();
    await pair.sameAll([
      ['SORT', 'list', 'GET', '#'],
      ['SORT', 'list', 'GET', 'w_*'],
      ['SORT', 'list', 'GET', 'h_*->name', 'GET', '#', 'GET', 'h_*->weight'],
      ['SORT', 'list', 'GET', 'missing_*', 'GET', 'h_*->missing', 'GET', 'w_*->name'],
      ['SORT', 'list', 'GET', 'constant', 'GET', '#\u0000x', 'GET', 'h_*->', 'GET', '*'],
      ['SORT', 'list', 'BY', 'h_*->weight', 'DESC', 'LIMIT', '1', '4', 'GET', 'h_*->name'],
      ['SORT', 'list', 'BY', 'nosort', 'GET', 'w_*', 'GET', 'w_*'],
      ['SORT_RO', 'zset', 'GET', 'h_*->name', 'ALPHA'],
      ['SORT', 'none', 'GET', '#'],
    ]);
    await pair.both('HELLO', '3');
    await pair.sameAll([
      ['SORT', 'list', 'GET', '#', 'GET', 'missing_*'],
      ['SORT', 'list', 'LIMIT', '0', '2'],
    ]);
  });

  it('stores the result as a list with STORE, and deletes the destination for an empty one', async () => {
    const pair = await numbers();
    await pair.sameAll([
      ['SORT', 'list', 'STORE', 'dst'],
      ['LRANGE', 'dst', '0', '-1'],
      ['TYPE', 'dst'],
      ['OBJECT', 'ENCODING', 'dst'],
      ['SORT', 'list', 'GET', 'missing_*', 'GET', '#', 'STORE', 'dst'],
      ['LRANGE', 'dst', '0', '-1'],
      ['EXPIRE', 'dst', '100'],
      ['SORT', 'zset', 'BY', 'nosort', 'DESC', 'STORE', 'dst', 'LIMIT', '0', '3'],
      ['LRANGE', 'dst', '0', '-1'],
      ['TTL', 'dst'],
      ['SORT', 'list', 'STORE', 'string'],
      ['TYPE', 'string'],
      ['SORT', 'list', 'STORE', 'a', 'STORE', 'b'],
      ['EXISTS', 'a'],
      ['LRANGE', 'b', '0', '-1'],
      ['SORT', 'list', 'LIMIT', '0', '0', 'STORE', 'b'],
      ['EXISTS', 'b'],
      ['SORT', 'none', 'STORE', 'dst'],
      ['EXISTS', 'dst'],
      ['SORT', 'list', 'STORE', 'list'],
      ['LRANGE', 'list', '0', '-1'],
    ]);
  });

  it('sorts a set as strings when it stores it BY nosort, or a script reads it so, as replicas must see the same', async () => {
    const pair = await numbers();
    await pair.sameAll([
      ['SADD', 'words', 'pear', 'apple', 'fig', '10', '9', 'b\u0000a', 'b\u0000'],
      ['SORT', 'words', 'BY', 'nosort', 'STORE', 'dst'],
      ['LRANGE', 'dst', '0', '-1'],
      ['SORT', 'set', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '5', 'GET', 'w_*', 'STORE', 'dst'],
      ['LRANGE', 'dst', '0', '-1'],
      ['SORT', 'intset', 'BY', 'nosort', 'STORE', 'dst'],
      ['LRANGE', 'dst', '0', '-1'],
      // Without STORE the strings compare up to a NUL: keep them out of a set a script reads.
      ['SADD', 'fruits', 'pear', 'apple', 'fig', '10', '9', '\u00e9'],
      ['EVAL', "return redis.call('SORT', KEYS[1], 'BY', 'nosort')", '1', 'fruits'],
      ['EVAL', "return redis.call('SORT_RO', KEYS[1], 'BY', 'nosort', 'DESC')", '1', 'set'],
    ]);
  });

  it('converts a sorted set it reads to the skiplist encoding', async () => {
    const pair = await numbers();
    await pair.sameAll([
      ['OBJECT', 'ENCODING', 'zset'],
      ['SORT_RO', 'zset', 'LIMIT', '0', '1'],
      ['OBJECT', 'ENCODING', 'zset'],
      ['ZADD', 'small', '1', 'a'],
      ['SORT', 'small', 'BY', 'nosort'],
      ['OBJECT', 'ENCODING', 'small'],
    ]);
  });

  it('orders equal weights as Redis does: a stable full sort, a partial quicksort with LIMIT', async () => {
    const pair = await env.pair();
    const elements = Array.from({ length: 120 }, (_, i) => `e${i}`);
    await pair.same('RPUSH', 'l', ...elements);
    for (const [i, element] of elements.entries()) {
      if (i % 5 !== 0) await pair.same('SET', `w_${element}`, String.fromCharCode(97 + (i % 3)));
    }
    for (const limit of [[], ['0', '119'], ['0', '10'], ['5', '50'], ['100', '20'], ['41', '1']]) {
      const cut = limit.length === 0 ? [] : ['LIMIT', ...limit];
      await pair.same('SORT', 'l', 'BY', 'w_*', 'ALPHA', ...cut);
      await pair.same('SORT', 'l', 'BY', 'w_*', 'ALPHA', 'DESC', ...cut);
      await pair.same('SORT', 'l', 'BY', 'w_*', 'ALPHA', 'STORE', 'dst', ...cut);
      await pair.same('LRANGE', 'dst', '0', '-1');
      await pair.same('SORT', 'l', 'BY', 'w_*', ...cut);
    }
  });

  it('refuses bad arguments with redis-server errors', async () => {
    const pair = await numbers();
    await pair.sameAll([
      ['SORT', 'list', 'LIMIT'],
      ['SORT', 'list', 'LIMIT', '1'],
      ['SORT', 'list', 'LIMIT', 'a', '1'],
      ['SORT', 'list', 'LIMIT', '1', '1.5'],
      ['SORT', 'list', 'LIMIT', '1', '99999999999999999999'],
      ['SORT', 'list', 'BY'],
      ['SORT', 'list', 'GET'],
      ['SORT', 'list', 'STORE'],
      ['SORT', 'list', 'WITHSCORES'],
      ['SORT', 'list', 'ASC', 'garbage'],
      ['SORT_RO', 'list', 'STORE', 'dst'],
      ['SORT', 'string', 'LIMIT', 'x', '1'],
      ['SORT', 'string', 'STORE', 'dst'],
      ['SORT', 'hash', 'BY', 'nosort'],
      ['EXISTS', 'dst'],
      ['SORT', 'set', 'ALPHA', 'ALPHA', 'STORE', 'dst', 'GET'],
    ]);
  });
});

/**
 * Elements and weights: numbers, floats, ties and odd strings, none out of a double's range (an
 * out-of-range one leaves errno set in Redis, failing the next SORT of non-integer strings).
 */
const text = fc.oneof(
  fc.integer({ min: -20, max: 20 }).map(String),
  fc.double({ min: -50, max: 50, noNaN: true }).map((x) => x.toFixed(2)),
  fc.constantFrom('a', 'b', 'B', 'ab', '', ' 3', '\u00ff', 'inf', '0x1f', '1e3', 'z\u0000z'),
);

const sortCommand = fc
  .record({
    by: fc.option(fc.constantFrom('w_*', 'h_*->f', 'nosort', 'missing_*', 'h_*->', 'w_*\u0000x'), {
      nil: null,
    }),
    limit: fc.option(fc.tuple(fc.integer({ min: -3, max: 15 }), fc.integer({ min: -3, max: 15 })), {
      nil: null,
    }),
    get: fc.array(fc.constantFrom('#', 'w_*', 'h_*->g', 'h_*->f', 'nokey', 'h_*->nofield'), {
      maxLength: 2,
    }),
    order: fc.constantFrom([], ['ASC'], ['DESC']),
    alpha: fc.boolean(),
    store: fc.boolean(),
  })
  .map((o): Command => {
    const command: Command = ['SORT', 'src'];
    if (o.by !== null) command.push('BY', o.by);
    if (o.limit !== null) command.push('LIMIT', String(o.limit[0]), String(o.limit[1]));
    for (const pattern of o.get) command.push('GET', pattern);
    command.push(...o.order);
    if (o.alpha) command.push('ALPHA');
    if (o.store) command.push('STORE', 'dst');
    return command;
  });

describe('random SORT commands against redis-server', () => {
  it('sort lists the same way, whatever the elements, weights and options', async () => {
    const pair = await env.pair();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(text, text, text), { minLength: 0, maxLength: 50 }),
        fc.array(sortCommand, { minLength: 1, maxLength: 10 }),
        async (elements, commands) => {
          await pair.same('FLUSHALL');
          if (elements.length > 0) await pair.same('RPUSH', 'src', ...elements.map(([e]) => e));
          for (const [element, weight, field] of elements) {
            await pair.same('SET', `w_${element}`, weight);
            await pair.same('HSET', `h_${element}`, 'f', field, 'g', `g-${element}`);
          }
          for (const command of commands) {
            await pair.same(...command);
            await pair.same('LRANGE', 'dst', '0', '-1');
          }
        },
      ),
      { numRuns: 80 },
    );
  });
});

/**
 * SORT commands whose result does not depend on the order Redis walks a hash table in: numeric
 * sorts (equal weights are ordered by the elements), ALPHA by the elements themselves, and BY
 * nosort only on sorted sets or with STORE (which sorts a set as strings).
 */
function deterministicSort(sortedSet: boolean): fc.Arbitrary<Command> {
  return fc
    .record({
      numericBy: fc.option(fc.constantFrom('w_*', 'h_*->f', 'missing_*'), { nil: null }),
      nosort: fc.boolean(),
      limit: fc.option(
        fc.tuple(fc.integer({ min: -3, max: 15 }), fc.integer({ min: -3, max: 15 })),
        {
          nil: null,
        },
      ),
      get: fc.array(fc.constantFrom('#', 'w_*', 'h_*->g'), { maxLength: 2 }),
      order: fc.constantFrom([], ['ASC'], ['DESC']),
      alpha: fc.boolean(),
      store: fc.boolean(),
    })
    .map((o): Command => {
      const command: Command = ['SORT', 'src'];
      if (o.nosort && (sortedSet || o.store)) command.push('BY', 'nosort');
      else if (o.numericBy !== null && !o.alpha) command.push('BY', o.numericBy);
      if (o.limit !== null) command.push('LIMIT', String(o.limit[0]), String(o.limit[1]));
      for (const pattern of o.get) command.push('GET', pattern);
      command.push(...o.order);
      if (o.alpha) command.push('ALPHA');
      if (o.store) command.push('STORE', 'dst');
      return command;
    });
}

/** Distinct elements without NUL bytes (which would make ALPHA ties without STORE). */
const member = fc.oneof(
  fc.integer({ min: -30, max: 30 }).map(String),
  fc.double({ min: -50, max: 50, noNaN: true }).map((x) => x.toFixed(3)),
  fc.constantFrom('a', 'b', 'B', 'ab', '', ' 3', '\u00ff', 'inf', '0x1f', '1e3'),
);

describe('random SORT commands on sets and sorted sets against redis-server', () => {
  for (const kind of ['set', 'sorted set'] as const) {
    it(`sort a ${kind} the same way, with every option whose result Redis makes deterministic`, async () => {
      const pair = await env.pair();
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.tuple(member, text, text, fc.integer({ min: -3, max: 3 })), {
            selector: ([element]) => element,
            maxLength: 40,
          }),
          fc.array(deterministicSort(kind === 'sorted set'), { minLength: 1, maxLength: 10 }),
          async (elements, commands) => {
            await pair.same('FLUSHALL');
            if (elements.length > 0 && kind === 'set') {
              await pair.same('SADD', 'src', ...elements.map(([e]) => e));
            } else if (elements.length > 0) {
              await pair.same('ZADD', 'src', ...elements.flatMap(([e, , , s]) => [String(s), e]));
            }
            for (const [element, weight, field] of elements) {
              await pair.same('SET', `w_${element}`, weight);
              await pair.same('HSET', `h_${element}`, 'f', field, 'g', `g-${element}`);
            }
            for (const command of commands) {
              await pair.same(...command);
              await pair.same('LRANGE', 'dst', '0', '-1');
            }
          },
        ),
        { numRuns: 50 },
      );
    });
  }
});
