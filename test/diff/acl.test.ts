import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { useDiffServers, type Command, type DiffPair } from '../helpers/diff.js';
import { itemsOf, parseReply, textOf } from '../meta/reply-tree.js';

const env = useDiffServers();
/** Servers that let clients load modules (Kvik has none to load). */
const modules = useDiffServers({
  kvik: { config: { 'enable-module-command': 'yes' } },
  redisArgs: ['--enable-module-command', 'yes'],
});

/** ACL LOG replies with what must differ masked: the age and the client's CLIENT INFO line. */
function maskLog(reply: string): string {
  return reply
    .replace(
      /(age-seconds\r\n)(\$\d+\r\n[^\r]*|,[^\r]*)\r\n/g,
      (_m, field: string) => `${field}AGE\r\n`,
    )
    .replace(/(client-info\r\n)\$\d+\r\n[^\r]*\r\n/g, (_m, field: string) => `${field}INFO\r\n`);
}

async function sameLog(pair: DiffPair, ...args: Command): Promise<string> {
  const { redis, kvik } = await pair.both('ACL', 'LOG', ...args);
  assert.equal(maskLog(kvik), maskLog(redis));
  return kvik;
}

/**
 * A reply with each command-rule list's single commands sorted: Redis emits them in the order of
 * its command hash table, which is random per process. The categories before them keep their
 * order.
 */
function sortSingleCommands(reply: string): string {
  return reply.replace(
    /(-@all|\+@all)((?: [-+][^\s()]+)*)/g,
    (_all, start: string, rest: string) => {
      const rules = rest.split(' ').filter((r) => r !== '');
      const categories = rules.filter((r) => r[1] === '@');
      const singles = rules.filter((r) => r[1] !== '@').sort();
      return [start, ...categories, ...singles].join(' ');
    },
  );
}

/** Sends to both; the replies must be equal once their single-command rules are sorted. */
async function sameRules(pair: DiffPair, ...args: Command): Promise<void> {
  const { redis, kvik } = await pair.both(...args);
  assert.equal(sortSingleCommands(kvik), sortSingleCommands(redis), args.join(' '));
}

/** A pair authenticated as `user` (password `pw`) on both servers. */
async function pairAs(user: string): Promise<DiffPair> {
  const pair = await env.pair();
  await pair.same('AUTH', user, 'pw');
  return pair;
}

describe('ACL users against redis-server', () => {
  it('SETUSER builds a user that GETUSER and LIST describe in Redis order', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['ACL', 'SETUSER', 'alice', 'on', '>pw', '~k*', '%R~r*', '%W~w*', '&ch', '+@hash', '-hset'],
      ['ACL', 'GETUSER', 'alice'],
      ['ACL', 'LIST'],
      ['ACL', 'USERS'],
      ['ACL', 'SETUSER', 'alice', '%RW~both', '%R~k*', 'resetchannels', '&a', '&b', '&a'],
      ['ACL', 'GETUSER', 'alice'],
      ['ACL', 'SETUSER', 'alice', 'allkeys', 'allchannels', 'nopass'],
      ['ACL', 'GETUSER', 'alice'],
      ['ACL', 'SETUSER', 'alice', 'reset'],
      ['ACL', 'GETUSER', 'alice'],
      ['ACL', 'LIST'],
      ['ACL', 'DELUSER', 'alice', 'nobody'],
    ]);
  });

  it('command rules come out as the categories that best describe them', async () => {
    const pair = await env.pair();
    const rules: string[][] = [
      ['+@all'],
      ['+@all', '-@dangerous'],
      ['+@all', '-@dangerous', '-@keyspace', '+del'],
      ['-@all', '+@read', '-@hash'],
      ['-@all', '+@string', '+@list', '-@write'],
      ['allcommands', '-config|set'],
      ['nocommands', '+client|list'],
      ['-@all', '+select|0', '+select|1'],
      ['+select|0', '-@all', '+@connection'],
      ['-@all', '+config', '-config|get'],
    ];
    for (const rule of rules) {
      await pair.same('ACL', 'SETUSER', 'bob', 'reset', ...rule);
      await sameRules(pair, 'ACL', 'GETUSER', 'bob');
      await sameRules(pair, 'ACL', 'LIST');
    }
    await pair.same('ACL', 'DELUSER', 'bob');
  });

  it('selectors in parentheses, split over several arguments or not, and clearselectors', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['ACL', 'SETUSER', 'sel', 'on', '(~a* +get)', '(', '%R~b', '&c', '+set', ')', '()'],
      ['ACL', 'GETUSER', 'sel'],
      ['ACL', 'LIST'],
      ['ACL', 'SETUSER', 'sel', 'clearselectors', '(+@read ~x)'],
      ['ACL', 'GETUSER', 'sel'],
      ['ACL', 'SETUSER', 'sel', '(~a', '+get'],
      ['ACL', 'SETUSER', 'sel', '(~a +nosuch)'],
      ['ACL', 'SETUSER', 'sel', '(~* ~a)'],
      ['ACL', 'GETUSER', 'sel'],
      ['ACL', 'DELUSER', 'sel'],
    ]);
  });

  it('refuses bad rules with Redis error texts and changes nothing', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['ACL', 'SETUSER', 'bad', 'on', '~a'],
      ['ACL', 'SETUSER', 'bad', 'off', 'bogus'],
      ['ACL', 'SETUSER', 'bad', '+nosuch'],
      ['ACL', 'SETUSER', 'bad', '-nosuch'],
      ['ACL', 'SETUSER', 'bad', '+@nosuch'],
      ['ACL', 'SETUSER', 'bad', '+config|nosuch'],
      ['ACL', 'SETUSER', 'bad', '+config|get|x'],
      ['ACL', 'SETUSER', 'bad', '+select|'],
      ['ACL', 'SETUSER', 'bad', '-select|0'],
      ['ACL', 'SETUSER', 'bad', '%X~a'],
      ['ACL', 'SETUSER', 'bad', '%~a'],
      ['ACL', 'SETUSER', 'bad', '~a b'],
      ['ACL', 'SETUSER', 'bad', '&a\tb'],
      ['ACL', 'SETUSER', 'bad', 'allkeys', '~b'],
      ['ACL', 'SETUSER', 'bad', 'allchannels', '&b'],
      ['ACL', 'SETUSER', 'bad', '#abc'],
      ['ACL', 'SETUSER', 'bad', '#' + 'A'.repeat(64)],
      ['ACL', 'SETUSER', 'bad', '!' + 'a'.repeat(64)],
      ['ACL', 'SETUSER', 'bad', '<notthere'],
      ['ACL', 'SETUSER', 'bad user'],
      ['ACL', 'SETUSER', 'bad\0user'],
      ['ACL', 'GETUSER', 'bad'],
      ['ACL', 'GETUSER', 'nobody'],
      ['ACL', 'DELUSER', 'default'],
      ['ACL', 'DELUSER', 'bad', 'default'],
      ['ACL', 'GETUSER', 'bad'],
      ['ACL', 'DELUSER', 'bad'],
      ['ACL', 'SETUSER'],
      ['ACL', 'GETUSER', 'a', 'b'],
      ['ACL', 'NOSUCH'],
    ]);
  });

  it('acl-pubsub-default allchannels gives new users and selectors every channel', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['CONFIG', 'SET', 'acl-pubsub-default', 'allchannels'],
      ['ACL', 'SETUSER', 'pub', 'on', '(+get)'],
      ['ACL', 'GETUSER', 'pub'],
      ['ACL', 'SETUSER', 'pub', 'reset'],
      ['ACL', 'LIST'],
      ['CONFIG', 'SET', 'acl-pubsub-default', 'resetchannels'],
      ['ACL', 'SETUSER', 'pub', 'reset', '(+set)'],
      ['ACL', 'LIST'],
      ['ACL', 'DELUSER', 'pub'],
    ]);
  });

  it('passwords are kept as SHA-256 hashes, added and removed by text or hash', async () => {
    const pair = await env.pair();
    const hash = '5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8';
    await pair.sameAll([
      ['ACL', 'SETUSER', 'pw', '>password', '>other', '>password', `#${hash}`],
      ['ACL', 'GETUSER', 'pw'],
      ['ACL', 'SETUSER', 'pw', '<other', `!${hash}`],
      ['ACL', 'GETUSER', 'pw'],
      ['ACL', 'SETUSER', 'pw', Buffer.from([62, 0, 255, 10])],
      ['ACL', 'LIST'],
      ['ACL', 'SETUSER', 'pw', 'resetpass'],
      ['ACL', 'LIST'],
      ['ACL', 'DELUSER', 'pw'],
    ]);
  });

  it('CONFIG SET requirepass gives the default user that password, and back to nopass', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['CONFIG', 'SET', 'requirepass', 'secret'],
      ['ACL', 'LIST'],
      ['AUTH', 'wrong'],
      ['AUTH', 'secret'],
      ['AUTH', 'default', 'secret'],
      ['CONFIG', 'SET', 'requirepass', ''],
      ['ACL', 'LIST'],
      ['AUTH', 'anything'],
      ['ACL', 'WHOAMI'],
    ]);
  });

  it('WHOAMI, USERS, GENPASS and HELP', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['ACL', 'WHOAMI'],
      ['ACL', 'USERS'],
      ['ACL', 'GENPASS', '0'],
      ['ACL', 'GENPASS', '4097'],
      ['ACL', 'GENPASS', 'x'],
      ['ACL', 'GENPASS', '1', '2'],
      ['ACL', 'HELP'],
      ['ACL', 'LOAD'],
      ['ACL', 'SAVE'],
      ['ACL', 'CAT', 'nosuch'],
      ['ACL', 'CAT'],
    ]);
    for (const bits of ['1', '4', '5', '255', '256', '4096']) {
      const { redis, kvik } = await pair.both('ACL', 'GENPASS', bits);
      assert.equal(kvik.length, redis.length);
      assert.match(kvik, /^\$\d+\r\n[0-9a-f]*\r\n$/);
    }
  });

  it('ACL CAT lists only commands that redis-server puts in the same category', async () => {
    const pair = await env.pair();
    const categories = (itemsOf(parseReply(await pair.same('ACL', 'CAT'))) ?? []).map(textOf);
    assert.equal(categories.length, 21);
    const listed = async (client: 'redis' | 'kvik', category: string) =>
      (itemsOf(parseReply(await pair[client].call('ACL', 'CAT', category))) ?? []).map(textOf);
    const redisLists = new Map<string, Set<string | undefined>>();
    for (const category of categories) {
      redisLists.set(category!, new Set(await listed('redis', category!)));
    }
    // Commands Redis 7.0 does not have (7.2's CLIENT SETINFO ...) have no category to compare.
    const known = new Set([...redisLists.values()].flatMap((names) => [...names]));
    for (const category of categories) {
      const ours = (await listed('kvik', category!)).filter((name) => known.has(name));
      assert.ok(ours.length > 0, category);
      const extra = ours.filter((name) => !redisLists.get(category!)!.has(name));
      assert.deepEqual(extra, [], `not in @${category} in Redis`);
    }
  });
});

describe('random ACL rules against redis-server', () => {
  /**
   * Rules of every kind, valid and not, applied in random order. Not +client: how GETUSER
   * describes a container's worth of subcommands depends on the whole command table, and Kvik's
   * has 7.2's CLIENT SETINFO and NO-TOUCH but not yet the cluster commands of @connection.
   */
  const RULES = [
    'on',
    'off',
    'nopass',
    'resetpass',
    '>p1',
    '>p2',
    '<p1',
    '#' + 'a'.repeat(64),
    'allkeys',
    'resetkeys',
    '~k*',
    '%R~r*',
    '%W~w*',
    '%RW~b',
    'allchannels',
    'resetchannels',
    '&c*',
    '&d',
    '+@all',
    '-@all',
    '+@read',
    '-@write',
    '+@string',
    '-@dangerous',
    '+@hash',
    '-@keyspace',
    '+get',
    '-get',
    '+set',
    '+config|get',
    '-config|set',
    '+client|id',
    '+select|0',
    'allcommands',
    'nocommands',
    'reset',
    'clearselectors',
    '(~s* +get)',
    '(+@list %W~l*)',
    'sanitize-payload',
    'skip-sanitize-payload',
    '+nosuch',
    '~a b',
  ];
  /** Commands whose permission DRYRUN asks about after each change. */
  const PROBES: string[][] = [
    ['get', 'k1'],
    ['get', 'r1'],
    ['set', 'w1', 'v'],
    ['set', 'k1', 'v'],
    ['hset', 'k', 'f', 'v'],
    ['config', 'get', 'x'],
    ['config', 'set', 'x', 'y'],
    ['select', '0'],
    ['select', '1'],
    ['publish', 'c1', 'm'],
    ['subscribe', 'd'],
    ['psubscribe', 'c*'],
    ['lpush', 'l1', 'x'],
    ['flushall'],
    ['client', 'id'],
  ];

  it('random SETUSER sequences give the same users and permissions', async () => {
    const pair = await env.pair();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.constantFrom(...RULES), { minLength: 1, maxLength: 5 }), {
          minLength: 1,
          maxLength: 6,
        }),
        async (steps) => {
          await pair.same('ACL', 'DELUSER', 'rnd');
          for (const rules of steps) {
            await pair.same('ACL', 'SETUSER', 'rnd', ...rules);
            await sameRules(pair, 'ACL', 'GETUSER', 'rnd');
            await sameRules(pair, 'ACL', 'LIST');
          }
          for (const probe of PROBES) await pair.same('ACL', 'DRYRUN', 'rnd', ...probe);
        },
      ),
      { numRuns: 40 },
    );
    await pair.same('ACL', 'DELUSER', 'rnd');
  });
});

describe('authentication against redis-server', () => {
  it('AUTH and HELLO AUTH as ACL users, disabled users and missing users', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['ACL', 'SETUSER', 'carol', 'on', '>pw', '+@all', '~*'],
      ['ACL', 'SETUSER', 'dave', 'off', '>pw', '+@all'],
      ['ACL', 'SETUSER', 'erin', 'on', 'nopass', '+acl|whoami'],
      ['AUTH', 'pw'],
      ['AUTH', 'carol', 'bad'],
      ['AUTH', 'carol', 'pw'],
      ['ACL', 'WHOAMI'],
      ['AUTH', 'dave', 'pw'],
      ['AUTH', 'nobody', 'pw'],
      ['AUTH', 'erin', 'anything'],
      ['ACL', 'WHOAMI'],
      ['PING'],
      ['AUTH', 'a', 'b', 'c'],
      ['HELLO', '2', 'AUTH', 'carol', 'wrong'],
      ['ACL', 'WHOAMI'],
      ['AUTH', 'default', 'x'],
      ['ACL', 'DELUSER', 'carol', 'dave', 'erin'],
    ]);
  });

  it('RESET goes back to the default user, and CLIENT KILL USER closes the clients of a user', async () => {
    const admin = await env.pair();
    await admin.same('ACL', 'SETUSER', 'rs', 'on', '>pw', '+@all', '~*');
    const pair = await pairAs('rs');
    await pair.sameAll([['ACL', 'WHOAMI'], ['RESET'], ['ACL', 'WHOAMI']]);
    await pair.same('AUTH', 'rs', 'pw');
    await admin.sameAll([
      ['CLIENT', 'KILL', 'USER', 'nobody'],
      ['CLIENT', 'KILL', 'USER', 'rs'],
      ['ACL', 'DELUSER', 'rs'],
    ]);
  });

  it('a disabled default user refuses new connections, and AUTH <password> still says it has none', async () => {
    const admin = await env.pair();
    await admin.same('ACL', 'SETUSER', 'default', 'off');
    const pair = await env.pair();
    await pair.sameAll([['PING'], ['AUTH', 'x'], ['AUTH', 'default', 'x']]);
    await admin.same('ACL', 'SETUSER', 'default', 'on');
    await pair.same('PING');
  });

  it('a client logged in as a user that gets deleted is disconnected', async () => {
    const admin = await env.pair();
    await admin.same('ACL', 'SETUSER', 'gone', 'on', '>pw', '+@all', '~*');
    const victim = await pairAs('gone');
    await admin.same('ACL', 'DELUSER', 'gone');
    const [redis, kvik] = await Promise.all([
      victim.redis.readUntilClosed(2000),
      victim.kvik.readUntilClosed(2000),
    ]);
    assert.equal(kvik, redis);
    assert.equal(victim.kvik.isClosed, true);
  });

  it('deleting the user of the connection itself answers, then closes it', async () => {
    const admin = await env.pair();
    await admin.same('ACL', 'SETUSER', 'self', 'on', '>pw', '+@all', '~*');
    const pair = await pairAs('self');
    await pair.same('ACL', 'DELUSER', 'self');
    const [redis, kvik] = await Promise.all([
      pair.redis.readUntilClosed(2000),
      pair.kvik.readUntilClosed(2000),
    ]);
    assert.equal(kvik, redis);
    assert.equal(pair.kvik.isClosed, true);
  });
});

describe('permission checks against redis-server', () => {
  it('NOPERM for commands, subcommands, first arguments, keys and channels', async () => {
    const admin = await env.pair();
    await admin.same(
      'ACL',
      'SETUSER',
      'lim',
      'on',
      '>pw',
      '~k*',
      '%R~r*',
      '%W~w*',
      '&ch*',
      '+get',
      '+set',
      '+copy',
      '+lpush',
      '+publish',
      '+subscribe',
      '+psubscribe',
      '+ssubscribe',
      '+client|id',
      '+select|0',
      '+multi',
      '+exec',
      '+discard',
      '+acl|whoami',
    );
    const pair = await pairAs('lim');
    await pair.sameAll([
      ['GET', 'k1'],
      ['GET', 'other'],
      ['GET', 'r1'],
      ['SET', 'r1', 'v'],
      ['SET', 'w1', 'v'],
      ['GET', 'w1'],
      ['COPY', 'r1', 'w1'],
      ['COPY', 'w1', 'r1'],
      ['DEL', 'k1'],
      ['CLIENT', 'INFO'],
      ['CLIENT', 'NOSUCH'],
      ['SELECT', '0'],
      ['SELECT', '1'],
      ['PUBLISH', 'ch1', 'm'],
      ['PUBLISH', 'other', 'm'],
      ['ACL', 'WHOAMI'],
      ['ACL', 'LIST'],
      ['MULTI'],
      ['GET', 'other'],
      ['DEL', 'k1'],
      ['EXEC'],
    ]);
    await pair.sameAll([['SUBSCRIBE', 'ch1', 'nope']]);
    await pair.sameAll([
      ['PSUBSCRIBE', 'ch*'],
      ['PSUBSCRIBE', 'ch1*'],
    ]);
    await pair.same('RESET');
    await admin.same('ACL', 'DELUSER', 'lim');
  });

  it('a command allowed by one selector and refused by the others names the most relevant refusal', async () => {
    const admin = await env.pair();
    await admin.same(
      'ACL',
      'SETUSER',
      'multi',
      'on',
      '>pw',
      '~a*',
      '+get',
      '(~b* +set)',
      '(&x +publish)',
    );
    const pair = await pairAs('multi');
    await pair.sameAll([
      ['GET', 'a1'],
      ['GET', 'b1'],
      ['SET', 'b1', 'v'],
      ['SET', 'a1', 'v'],
      ['PUBLISH', 'x', 'm'],
      ['PUBLISH', 'y', 'm'],
      ['DEL', 'a1'],
    ]);
    await admin.sameAll([
      ['ACL', 'DRYRUN', 'multi', 'get', 'a1'],
      ['ACL', 'DRYRUN', 'multi', 'get', 'b1'],
      ['ACL', 'DRYRUN', 'multi', 'set', 'a1', 'v'],
      ['ACL', 'DRYRUN', 'multi', 'publish', 'y', 'm'],
      ['ACL', 'DRYRUN', 'multi', 'del', 'a'],
      ['ACL', 'DRYRUN', 'multi', 'nosuch'],
      ['ACL', 'DRYRUN', 'nobody', 'get', 'a'],
      ['ACL', 'DRYRUN', 'multi', 'config', 'get', 'x'],
      ['ACL', 'DRYRUN', 'default', 'config', 'get', 'x'],
      ['ACL', 'DRYRUN', 'default', 'get'],
      ['ACL', 'DRYRUN', 'default', 'get', 'a', 'b'],
      ['ACL', 'DRYRUN', 'default', 'config'],
      ['ACL', 'DRYRUN', 'default', 'config', 'nosuch'],
      ['ACL', 'DRYRUN', 'multi', 'CONFIG', 'SET', 'x', 'y'],
      ['ACL', 'DELUSER', 'multi'],
    ]);
  });

  it('keys are found as the command finds them: counts, STORE, GET, KEYS', async () => {
    const admin = await env.pair();
    await admin.same(
      'ACL',
      'SETUSER',
      'ev',
      'on',
      'nopass',
      '~a*',
      '+eval',
      '+zunionstore',
      '+sort',
      '+set',
      '+migrate',
    );
    await admin.sameAll([
      ['ACL', 'DRYRUN', 'ev', 'eval', 'return 1', '5', 'a'],
      ['ACL', 'DRYRUN', 'ev', 'eval', 'return 1', 'x', 'a'],
      ['ACL', 'DRYRUN', 'ev', 'eval', 'return 1', '1', 'b'],
      ['ACL', 'DRYRUN', 'ev', 'zunionstore', 'a1', '2', 'a2', 'b'],
      ['ACL', 'DRYRUN', 'ev', 'sort', 'a1', 'store', 'b'],
      ['ACL', 'DRYRUN', 'ev', 'set', 'a1', 'v', 'get'],
      ['ACL', 'DRYRUN', 'ev', 'migrate', 'h', '1', '', '0', '5', 'keys', 'a', 'b'],
      ['ACL', 'DELUSER', 'ev'],
    ]);
  });

  it('ACL LOG records refusals, groups repeats and resets', async () => {
    const admin = await env.pair();
    await admin.sameAll([
      ['ACL', 'LOG', 'RESET'],
      ['ACL', 'SETUSER', 'logged', 'on', '>pw', '~k*', '&c', '+get', '+publish', '+multi'],
    ]);
    const pair = await pairAs('logged');
    await pair.sameAll([
      ['GET', 'x'],
      ['GET', 'x'],
      ['SET', 'k', 'v'],
      ['PUBLISH', 'd', 'm'],
      ['MULTI'],
      ['GET', 'y'],
      ['AUTH', 'logged', 'wrong'],
      ['auth', 'nobody', 'wrong'],
    ]);
    await sameLog(admin);
    await sameLog(admin, '2');
    await sameLog(admin, '0');
    await sameLog(admin, '-1');
    await admin.sameAll([
      ['ACL', 'LOG', 'x'],
      ['ACL', 'LOG', '1', '2'],
      ['ACL', 'LOG', 'RESET'],
    ]);
    await sameLog(admin);
    await admin.same('ACL', 'DELUSER', 'logged');
  });

  it('EXEC checks queued commands again against rules changed since they were queued', async () => {
    const admin = await env.pair();
    await admin.sameAll([
      ['ACL', 'LOG', 'RESET'],
      [
        'ACL',
        'SETUSER',
        'tx',
        'on',
        '>pw',
        '~*',
        '&*',
        '+multi',
        '+exec',
        '+set',
        '+get',
        '+publish',
      ],
    ]);
    const pair = await pairAs('tx');
    await pair.sameAll([['MULTI'], ['SET', 'a', '1'], ['GET', 'a'], ['PUBLISH', 'c', 'm']]);
    await admin.same('ACL', 'SETUSER', 'tx', '-set', 'resetkeys', '~b', 'resetchannels');
    await pair.same('EXEC');
    await sameLog(admin);
    await admin.same('ACL', 'DELUSER', 'tx');
  });

  it('scripts run their commands with the permissions of the calling user', async () => {
    const admin = await env.pair();
    await admin.sameAll([
      ['ACL', 'LOG', 'RESET'],
      ['ACL', 'SETUSER', 'lua', 'on', '>pw', '~a*', '&x', '+eval', '+get', '+publish'],
    ]);
    const pair = await pairAs('lua');
    await pair.sameAll([
      ['EVAL', "return redis.call('get','a1')", '0'],
      ['EVAL', "return redis.call('get','b1')", '0'],
      ['EVAL', "return redis.call('set','a1','x')", '0'],
      ['EVAL', "return redis.call('publish','y','x')", '0'],
      ['EVAL', "return redis.pcall('get','b1')", '0'],
    ]);
    await sameLog(admin);
    await admin.same('ACL', 'DELUSER', 'lua');
  });

  it('GETUSER replies as RESP3 maps and sets after HELLO 3', async () => {
    const pair = await env.pair();
    await pair.both('HELLO', '3');
    await pair.sameAll([
      ['ACL', 'LOG', 'RESET'],
      ['ACL', 'SETUSER', 'three', 'on', '>pw', '~a', '(+get ~b)'],
      ['ACL', 'GETUSER', 'three'],
      ['AUTH', 'three', 'wrong'],
    ]);
    await sameLog(pair);
    await pair.same('ACL', 'DELUSER', 'three');
  });
});

describe('protected commands against redis-server', () => {
  it('MODULE LOAD, LOADEX and UNLOAD are refused while enable-module-command is no', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['MODULE', 'LIST'],
      ['MODULE', 'HELP'],
      ['MODULE', 'LOAD', '/nonexistent.so'],
      ['MODULE', 'LOADEX', '/nonexistent.so'],
      ['MODULE', 'UNLOAD', 'x'],
      ['MODULE', 'NOSUCH'],
      ['MODULE'],
      ['DEBUG', 'SLEEP', '0'],
    ]);
  });

  it('with enable-module-command yes, MODULE fails as Redis does for a library it cannot load', async () => {
    const pair = await modules.pair();
    await pair.sameAll([
      ['MODULE', 'LOAD', '/nonexistent.so', 'a', 'b'],
      ['MODULE', 'LOADEX', '/nonexistent.so', 'CONFIG', 'a', 'b', 'ARGS', 'x'],
      ['MODULE', 'UNLOAD', 'x'],
      ['MODULE', 'UNLOAD'],
      ['MODULE', 'LIST'],
    ]);
  });
});
