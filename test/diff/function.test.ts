import { describe, it } from 'node:test';
import { useDiffServers, type DiffPair } from '../helpers/diff.js';

const env = useDiffServers();

const LIB = `#!lua name=mylib
redis.register_function('echo', function(keys, args) return args[1] end)
redis.register_function{function_name='getkey', callback=function(keys, args) return redis.call('GET', keys[1]) end, flags={'no-writes'}, description='reads a key'}
redis.register_function('setkey', function(keys, args) return redis.call('SET', keys[1], args[1]) end)
redis.register_function('fail', function(keys, args) error('bad') end)`;

async function resp3(pair: DiffPair): Promise<void> {
  await pair.both('HELLO', '3');
}

describe('Redis functions against redis-server', () => {
  it('FUNCTION LOAD registers a library whose functions FCALL runs', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['FUNCTION', 'FLUSH'],
      ['FUNCTION', 'LOAD', LIB],
      ['FCALL', 'echo', '0', 'hello'],
      ['FCALL', 'setkey', '1', 'k', 'v'],
      ['FCALL', 'getkey', '1', 'k'],
      ['FCALL_RO', 'getkey', '1', 'k'],
      ['FCALL_RO', 'setkey', '1', 'k', 'v'],
      ['FCALL', 'fail', '0'],
      ['FCALL', 'nosuch', '0'],
      ['FCALL', 'echo', 'x'],
      ['FCALL', 'echo', '-1'],
      ['FCALL', 'echo', '3', 'a'],
      ['FCALL', 'ECHO', '0', 'case'],
      ['FCALL'],
      ['FUNCTION', 'LOAD', LIB],
      ['FUNCTION', 'LOAD', 'REPLACE', LIB],
      ['FUNCTION', 'LOAD', 'REPLACE', 'REPLACE', LIB],
      ['FUNCTION', 'LOAD', 'BAD', LIB],
      ['FUNCTION', 'DELETE', 'mylib'],
      ['FUNCTION', 'DELETE', 'mylib'],
      ['FCALL', 'echo', '0', 'gone'],
      // The engine's name is matched without regard to case.
      [
        'FUNCTION',
        'LOAD',
        "#!LUA name=upper\nredis.register_function('up', function() return 2 end)",
      ],
      ['FCALL', 'up', '0'],
      ['FUNCTION', 'DELETE', 'upper'],
      [
        'FUNCTION',
        'LOAD',
        '#!lua name="quoted"\nredis.register_function(\'q\', function() return 3 end)',
      ],
      ['FCALL', 'q', '0'],
      [
        'FUNCTION',
        'LOAD',
        "#!lua NAME=upper_name\nredis.register_function('u', function() return 4 end)",
      ],
      ['FCALL', 'u', '0'],
      ['FUNCTION', 'FLUSH', 'bad_arg'],
      ['FUNCTION', 'FLUSH', 'SYNC', 'extra_arg'],
      ['SCRIPT', 'FLUSH', 'SYNC', 'extra_arg'],
    ]);
  });

  it('FUNCTION LOAD refuses bad libraries with Redis 7.0 errors', async () => {
    const pair = await env.pair();
    const bad = [
      'return 1',
      '#!lua\nreturn 1',
      '#!lua name=l1\nreturn 1',
      '#!lua name=l3\nredis.register_function()',
      '#!lua name=l3\nredis.call("ping")',
      '#!lua name=l3\nerror("boom")',
      '#!lua name=l3 foo=bar\n',
      '#!lua name=l3 name=l4\n',
      '#!js name=l3\n',
      '#!lua name=l3\nreturn +',
      '#!lua name=l-3\nreturn 1',
      '#!lua name=l3\nlocal x = string',
      '#!lua name=l3\nlocal x = redis.setresp',
      '#!lua name=l3\nx = 1',
      '#!lua name=l6\nredis.register_function{function_name="h2", callback=function() end, flags={"bad-flag"}}',
      '#!lua name=l6\nredis.register_function("h 2", function() end)',
      '#!lua name=l6\nredis.register_function("h", 1)',
      "#!lua name=l6\nredis.register_function('f1')",
      '#!lua name=l6',
      '#!lua name="unterminated\nreturn 1',
      "#!lua NAME=l6 'x'y\nreturn 1",
      '#!lua name=l6\nredis.register_function()',
      '#!lua name=l6\nredis.register_function(1, function() end)',
      '#!lua name=l6\nredis.register_function{callback=function() end}',
      '#!lua name=l6\nredis.register_function{function_name="x"}',
      '#!lua name=l6\nredis.register_function{function_name="x", callback=function() end, other=1}',
      '#!lua name=l6\nredis.register_function{function_name=1, callback=function() end}',
      '#!lua name=l6\nredis.register_function{function_name="x", callback=1}',
      '#!lua name=l6\nredis.register_function{function_name="x", callback=function() end, flags=1}',
      '#!lua name=l6\nredis.register_function{function_name="x", callback=function() end, description=1}',
      '#!lua name=l6\nredis.register_function("a", function() end)\nredis.register_function("a", function() end)',
      '#!lua name=l6\nredis.register_function("a", function() end, 3)',
      '#!lua name=l7\nwhile true do end',
    ];
    await pair.same('FUNCTION', 'FLUSH');
    for (const code of bad) await pair.same('FUNCTION', 'LOAD', code);
    await pair.sameAll([
      ['FUNCTION', 'LOAD', '#!lua name=one\nredis.register_function("f", function() return 1 end)'],
      ['FUNCTION', 'LOAD', '#!lua name=two\nredis.register_function("f", function() return 2 end)'],
      [
        'FUNCTION',
        'LOAD',
        '#!lua name=two\nredis.register_function("g", function() return redis.setresp end)',
      ],
      ['FCALL', 'g', '0'],
      ['FCALL', 'f', '0'],
    ]);
  });

  it('FUNCTION LIST describes libraries in RESP2 and RESP3', async () => {
    const pair = await env.pair();
    const commands: string[][] = [
      ['FUNCTION', 'FLUSH'],
      ['FUNCTION', 'LIST'],
      ['FUNCTION', 'LOAD', LIB.replace(/\n.*fail.*$/, '')],
      ['FUNCTION', 'LIST', 'WITHCODE'],
      ['FUNCTION', 'LIST', 'LIBRARYNAME', 'my*'],
      ['FUNCTION', 'LIST', 'LIBRARYNAME', 'MY*'],
      ['FUNCTION', 'LIST', 'LIBRARYNAME', 'other'],
      ['FUNCTION', 'LIST', 'LIBRARYNAME'],
      ['FUNCTION', 'LIST', 'x'],
      ['FUNCTION', 'LIST', 'WITHCODE', 'WITHCODE'],
    ];
    const single = [
      ['FUNCTION', 'FLUSH'],
      [
        'FUNCTION',
        'LOAD',
        '#!lua name=solo\nredis.register_function{function_name="f", callback=function() end, flags={"no-writes"}, description="d"}',
      ],
      ['FUNCTION', 'LIST'],
    ];
    await pair.sameAll(single);
    await pair.same('FUNCTION', 'FLUSH');
    for (const command of commands.slice(0, 2)) await pair.same(...command);
    await resp3(pair);
    await pair.sameAll(single);
    await pair.sameAll(commands.slice(7));
  });

  it('FUNCTION DUMP and RESTORE move libraries with every policy, both ways', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['FUNCTION', 'FLUSH'],
      ['FUNCTION', 'DUMP'],
      ['FUNCTION', 'LOAD', LIB],
    ]);
    // LZF output may differ by a byte or two (liblzf's hash table starts uninitialised), so the
    // payloads are compared by what they restore, each server's on the other too.
    const dumps = await pair.both('FUNCTION', 'DUMP');
    const payloadOf = (reply: string): Buffer =>
      Buffer.from(reply.slice(reply.indexOf('\r\n') + 2, -2), 'latin1');
    for (const payload of [payloadOf(dumps.redis), payloadOf(dumps.kvik)]) {
      await pair.sameAll([
        ['FUNCTION', 'RESTORE', payload],
        ['FUNCTION', 'RESTORE', payload, 'APPEND'],
        ['FUNCTION', 'RESTORE', payload, 'REPLACE'],
        ['FUNCTION', 'RESTORE', payload, 'FLUSH'],
        ['FUNCTION', 'RESTORE', payload, 'BAD'],
        ['FUNCTION', 'RESTORE', payload, 'FLUSH', 'x'],
        ['FCALL', 'echo', '0', 'restored'],
        ['FUNCTION', 'FLUSH'],
        ['FUNCTION', 'RESTORE', payload],
        ['FCALL', 'echo', '0', 'again'],
        ['FCALL', 'getkey', '1', 'missing'],
      ]);
    }
    await pair.sameAll([
      ['FUNCTION', 'RESTORE', 'garbage'],
      ['FUNCTION', 'RESTORE', Buffer.concat([payloadOf(dumps.redis), Buffer.from('x')])],
      [
        'FUNCTION',
        'LOAD',
        '#!lua name=other\nredis.register_function("echo", function() return 1 end)',
      ],
    ]);
  });

  it('FUNCTION STATS, KILL, FLUSH and HELP answer as Redis does', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['FUNCTION', 'FLUSH', 'ASYNC'],
      ['FUNCTION', 'FLUSH', 'SYNC'],
      ['FUNCTION', 'FLUSH', 'x'],
      ['FUNCTION', 'STATS'],
      ['FUNCTION', 'LOAD', LIB],
      ['FUNCTION', 'STATS'],
      ['FUNCTION', 'KILL'],
      ['FUNCTION', 'HELP'],
      ['FUNCTION', 'NOPE'],
      ['FUNCTION'],
      ['FUNCTION', 'DELETE'],
      ['FUNCTION', 'STATS', 'x'],
    ]);
    await resp3(pair);
    await pair.same('FUNCTION', 'STATS');
  });
});
