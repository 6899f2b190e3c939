import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { useDiffServers, type Command, type DiffPair } from '../helpers/diff.js';

const env = useDiffServers();

/** Switches both connections to RESP3 (HELLO's reply has the connection id, which differs). */
async function resp3(pair: DiffPair): Promise<void> {
  await pair.both('HELLO', '3');
}

/** EVAL of each script with no keys, on both servers. */
/** The raw bytes a server replies to `command`, up to and including `end`. */
function rawReply(port: number, command: string, end: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      data += chunk;
      if (data.endsWith(end)) {
        socket.destroy();
        resolve(data);
      }
    });
    socket.on('error', reject);
    socket.write(command, 'latin1');
  });
}

async function sameScripts(pair: DiffPair, scripts: readonly string[]): Promise<void> {
  for (const script of scripts) await pair.same('EVAL', script, '0');
}

/** Values of every Lua type and shape, as scripts return them. */
const CONVERSIONS = [
  'return 1',
  'return -7',
  'return 3.99',
  'return -3.99',
  'return 1e20',
  'return 0/0',
  "return 'text'",
  "return ''",
  'return true',
  'return false',
  'return nil',
  'return {}',
  "return {1, 2, 'three', {4, {5}}}",
  'return {1, nil, 3}',
  "return {1, false, 'x'}",
  "return {ok='fine'}",
  "return {ok='a\\r\\nb'}",
  "return {err='CUSTOM failure'}",
  "return {err='plain'}",
  "return {err='ERR with\\nnewline'}",
  'return {ok=1}',
  "return {err=1, ok='x'}",
  'return {double=3.5}',
  'return {double=1/0}',
  "return {double='x'}",
  "return {big_number='123456789012345678901234567890'}",
  "return {map={key='value'}}",
  'return {set={member=true}}',
  "return {verbatim_string={format='txt', string='hello'}}",
  "return {verbatim_string={format='txt'}}",
  "return {{ok='nested'}, {err='nested error'}}",
  'return redis.status_reply("DONE")',
  'return redis.error_reply("MYERR failed")',
  'return redis.error_reply("no code")',
  'return redis.error_reply("-ERR dashed")',
  'return function() end',
  'return coroutine.create(function() end)',
  'return cjson.null',
  'return {1, 2, cjson.null, 4}',
  'redis.setresp(3); return true',
  'redis.setresp(3); return false',
  'redis.setresp(3); return nil',
  "return {1, {err='inner'}, 3}",
  "return {map={[1]='one', [true]='t'}}",
  'return {set={}}',
  'return {map={}}',
  'return {double=0/0}',
  'return {double=-0.0}',
  'return {double=1e300}',
  'return {double=0.1}',
  "return {big_number='12\\r\\n34'}",
  "return {ok='OK', err=3}",
  'return {1, 2, n=3}',
  'return {n=3}',
  'return 9007199254740993',
  'return -0.0',
  'return {true, false, true}',
  'redis.setresp(3); return {true, false, nil, true}',
  'redis.setresp(3); return {map={a=true}}',
  "return string.rep('x', 100000)",
];

/** What redis.call returns, seen from the script, for replies of every kind. */
const CALL_REPLIES = [
  "redis.call('SET', 'str', 'v'); return redis.call('GET', 'str')",
  "return redis.call('GET', 'missing')",
  "return type(redis.call('GET', 'missing'))",
  "return redis.call('SET', 'str', 'v')",
  "local r = redis.call('SET', 'str', 'v') return type(r) .. ':' .. r.ok",
  "return redis.call('INCR', 'counter')",
  "redis.call('RPUSH', 'list', 'a', 'b', 'c'); return redis.call('LRANGE', 'list', 0, -1)",
  "return redis.call('LRANGE', 'nolist', 0, -1)",
  "return redis.call('BLPOP', 'nolist', 0)",
  "redis.call('HSET', 'h', 'f', 'v'); return redis.call('HGETALL', 'h')",
  "redis.setresp(3); redis.call('HSET', 'h', 'f', 'v'); return redis.call('HGETALL', 'h')",
  "redis.setresp(3); local m = redis.call('HGETALL', 'h') return type(m.map)",
  "redis.setresp(3); return redis.call('GET', 'missing')",
  "redis.setresp(3); return type(redis.call('GET', 'missing'))",
  "redis.setresp(3); redis.call('SADD', 's', 'x'); return redis.call('SMEMBERS', 's')",
  "redis.setresp(3); redis.call('ZADD', 'z', 1.5, 'm'); return redis.call('ZSCORE', 'z', 'm')",
  "redis.setresp(3); return redis.call('ZSCORE', 'z', 'm').double",
  "redis.call('ZADD', 'z', 1.5, 'm'); return redis.call('ZSCORE', 'z', 'm')",
  "redis.setresp(3); return redis.call('EXISTS', 'z')",
  "return redis.call('PING')",
  "return redis.call('ECHO', 12)",
  "return redis.call('ECHO', 12.5)",
  "return redis.call('ECHO', 10/2)",
  "return redis.call('ECHO', -0.5)",
  "return redis.call('ECHO', 1e15)",
  "return redis.call('ECHO', 2^53)",
  "return redis.call('ECHO', 0.1)",
  "return redis.call('ECHO', 1/0)",
  "return redis.call('ECHO', -0.0)",
  "return redis.call('ECHO', 123456789012)",
  "return redis.call('ECHO', 1e300)",
  "return redis.call('ECHO', true)",
  "return redis.call('ECHO', nil)",
  "redis.setresp(3); return redis.call('HELLO')",
  "redis.setresp(3); return redis.call('CONFIG', 'GET', 'maxmemory')",
  "redis.setresp(3); redis.call('SET', 'x', 1); return redis.call('OBJECT', 'ENCODING', 'x')",
  "redis.setresp(3); local r = redis.call('ZADD', 'z2', 'INCR', 1.5, 'm'); return {type(r), r.double}",
  "return redis.call('ECHO', '\\0binary\\255')",
  "redis.call('SELECT', 1); redis.call('SET', 'in1', 'x'); return redis.call('DBSIZE')",
  "return redis.call('DBSIZE')",
];

const ERRORS = [
  'return y',
  'x = 1',
  "error('boom')",
  'error()',
  'error(nil)',
  'error(12)',
  'error(true)',
  "error({err='MY custom'})",
  "error({err='custom'})",
  "error('no position', 0)",
  'local t = {} t.x.y = 1',
  'local x; return x.y',
  'return nil + 1',
  'return #nil',
  'return {} < {}',
  "return 'a' < 1",
  "local a = {} return a .. 'x'",
  'local a; a()',
  "return ('x'):bad()",
  "return redis.call('nosuch')",
  "return redis.call('get')",
  "return redis.call('config')",
  'return redis.call()',
  'return redis.call({})',
  "return redis.call('get', {})",
  "return redis.call('subscribe', 'x')",
  "return redis.call('eval', 'return 1', 0)",
  "return redis.call('multi')",
  "redis.call('set', 's', 'abc'); return redis.call('incr', 's')",
  "redis.call('set', 's', 'abc'); return redis.call('lpush', 's', 1)",
  'redis.call = nil',
  'string.x = 1',
  'rawset(_G, "x", 1)',
  'setmetatable(_G, nil)',
  'redis = nil',
  'KEYS = {}',
  'function f() end',
  'return print',
  'return os',
  'return io',
  'return require',
  'return loadfile',
  'return dofile',
  'return debug',
  "loadstring('x = 1')()",
  'return 1 +',
  'return (',
  "return 'unfinished",
  'redis.setresp(4)',
  'redis.setresp()',
  'redis.log(redis.LOG_WARNING)',
  "redis.log('x', 'y')",
  "redis.log(99, 'y')",
  'return redis.sha1hex()',
  'redis.set_repl(99)',
  'redis.set_repl()',
  'return tostring()',
  'return string.rep()',
  "return ('x'):rep('y')",
  "return math.floor('a')",
  'return setmetatable(1, {})',
  "return string.format('%d', 'x')",
  'return table.concat({{}})',
  "return redis.acl_check_cmd('nosuch')",
];

const PCALL = [
  "return pcall(function() error('x') end)",
  "local ok, e = pcall(function() error('x') end) return e",
  'local ok, e = pcall(function() local t = nil; return t.x end) return e',
  "local ok, e = pcall(function() error({err='E'}) end) return e",
  "local ok, e = pcall(redis.call, 'nosuch') return e",
  "redis.call('set', 's', 'abc'); local ok, e = pcall(redis.call, 'incr', 's') return e",
  "redis.call('set', 's', 'abc'); return redis.pcall('incr', 's')",
  "return redis.pcall('nosuch')",
  'return redis.pcall()',
  "return redis.pcall('get')",
  "local r = redis.pcall('nosuch') return r.err",
  "return {xpcall(function() error('deep') end, function(e) return 'handled: ' .. e end)}",
  "return select('#', pcall(error))",
];

const LIBRARIES = [
  'return cjson.encode({1, 2, 3})',
  'return cjson.encode({})',
  'return cjson.encode({a={}})',
  "return cjson.encode('quote\"slash/back\\\\\\n\\t\\1')",
  'return cjson.encode({1.5, -0.25, 1e100, 3})',
  'return cjson.encode(10/3)',
  'return cjson.encode(true)',
  'return cjson.encode(nil)',
  'return cjson.encode(cjson.null)',
  'return cjson.encode({[1]=1, [2]=2, [4]=4})',
  'return cjson.encode({[1]=1, [20]=2})',
  'return cjson.encode({[1.5]=1})',
  'return cjson.encode({[true]=1})',
  'return cjson.encode(function() end)',
  'return cjson.encode(0/0)',
  'return cjson.encode()',
  "return cjson.decode('[1,2,3]')",
  'return cjson.decode(\'{"a":[1,{"b":2}]}\').a[2].b',
  'return cjson.decode(\'"\\\\u00e9\\\\ud83d\\\\ude00"\')',
  "return cjson.decode('12.5e1')",
  "return cjson.decode('1.5')",
  "return tostring(cjson.decode('2'))",
  "return cjson.decode('null') == cjson.null",
  "return type(cjson.decode('{}'))",
  "return cjson.decode('')",
  "return cjson.decode('[1,2')",
  "return cjson.decode('{1:2}')",
  'return cjson.decode(\'{"a" 2}\')',
  "return cjson.decode('[1 2]')",
  "return cjson.decode('[1] x')",
  "return cjson.decode('tru')",
  "return cjson.decode('\"abc')",
  "return cjson.decode('-')",
  "return cjson.decode(cjson.encode({x={1,2,{y='z'}}})).x[3].y",
  'return cmsgpack.pack(1, -1, 127, 128, 255, 256, 65535, 65536, -32, -33, -128, -129, -32768, -32769, 2^31, -2^31 - 1, 2^40)',
  'return cmsgpack.pack(1.5, 0.1, -2.25, 1e300)',
  "return cmsgpack.pack('', 'short', string.rep('x', 40), string.rep('y', 300), string.rep('z', 70000))",
  'return cmsgpack.pack(true, false, nil)',
  'return cmsgpack.pack({}, {1, 2, 3}, {a=1})',
  'return cmsgpack.pack({1, 2, nil, 4})',
  "return cmsgpack.pack(string.rep('a', 20))",
  "return {cmsgpack.unpack(cmsgpack.pack(1, 'two', {3, 4}, true))}",
  "return cmsgpack.unpack(cmsgpack.pack({a={b={c='deep'}}})).a.b.c",
  'return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3))}',
  'return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 1)}',
  'return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)}',
  'return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 5, 2)}',
  "return cmsgpack.unpack('\\145')",
  "return cmsgpack.unpack('\\193')",
  "return cmsgpack.unpack_one('abc', 10)",
  'return cmsgpack.pack()',
  'return {bit.tobit(0xffffffff), bit.tobit(2^32 + 5), bit.tobit(1.5), bit.tobit(2.5), bit.tobit(-1)}',
  'return {bit.bnot(5), bit.band(0xff, 0x3c, 0xf), bit.bor(1, 2, 4), bit.bxor(0xff, 0x0f)}',
  'return {bit.lshift(1, 4), bit.lshift(1, 32), bit.rshift(-1, 28), bit.arshift(-256, 4), bit.rol(0x80000001, 1), bit.ror(1, 1)}',
  'return {bit.tohex(255), bit.tohex(-1), bit.tohex(255, 2), bit.tohex(255, -4), bit.bswap(0x12345678)}',
  "return bit.band('x')",
  'return bit.tohex()',
  "return struct.pack('>I2 <i4 b B h H', 258, -2, -1, 255, -300, 65535)",
  "return struct.pack('l L T', -1, 1, 2)",
  "return struct.pack('d f', 1.5, 0.25)",
  "return struct.pack('c5 s c0', 'abcdefg', 'zero', 'all')",
  "return struct.pack('!4 b i', 1, 2)",
  "return struct.pack('i3', 3.9)",
  "return {struct.unpack('>I2 <i4', struct.pack('>I2 <i4', 258, -2))}",
  "return {struct.unpack('s b', struct.pack('s b', 'str', 7))}",
  "return {struct.unpack('b c0', struct.pack('b', 3) .. 'xyz')}",
  "return {struct.unpack('d', struct.pack('d', 1.5))}",
  "return {struct.unpack('B', 'abc', 2)}",
  "return struct.size('>I2 i4 d')",
  "return struct.size('!8 b d')",
  "return struct.unpack('I4', 'ab')",
  "return struct.pack('q', 1)",
  "return struct.size('s')",
];

/** Lua 5.1 behaviour Redis scripts rely on. */
const LUA51 = [
  'return tostring(10/2)',
  'return tostring(1e15)',
  'return tostring(2^53)',
  'return tostring(0.1)',
  'return tostring(-0.0)',
  'return tostring(1/0)',
  "return tostring(tonumber('1700000000000') + 1)",
  'return tostring(2147483647 + 1)',
  'return tostring(math.floor(1.7e9) * 1000)',
  "return string.format('%d', 3.7)",
  "return string.format('%5.2f|%s|%x|%g', 3.14159, 5/1, 255, 1e20)",
  "return string.format('%q', 'a\\nb\"')",
  'return tostring(#{1, 2, 3})',
  "return select('#', unpack({1, 2, 3}))",
  'return table.getn({1, 2, 3})',
  'return table.maxn({1, 2, nil, 4})',
  "return loadstring('return 1 + 1')()",
  'return math.mod(7, 3)',
  'return math.pow(2, 10)',
  'return tostring(math.fmod(-7, 3))',
  "return table.concat({1, 2.5, 10/2}, ',')",
  'return _VERSION',
  'return type(unpack)',
  "return (string.gsub('hello world', 'o', '0'))",
  "return tostring(tonumber('0x10'))",
  "return tostring(tonumber('z', 36))",
  "return tostring(tonumber(''))",
  "return string.rep('a', 3)",
  'return tostring(math.huge)',
  'return tostring(7 / 2)',
  'return {math.random(100), math.random(5, 10), math.random()}',
  'math.randomseed(7); return {math.random(1000000), math.random(1, 5)}',
  'return redis.REDIS_VERSION',
  'return redis.REDIS_VERSION_NUM',
  'return {redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING}',
  'return {redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL}',
  'return redis.replicate_commands()',
  "return redis.sha1hex('hello')",
  'return redis.sha1hex(12)',
  'return redis.breakpoint()',
  "return redis.debug('x')",
  'return redis.set_repl(redis.REPL_ALL)',
  "return redis.log(redis.LOG_WARNING, 'logged', 1)",
  "return redis.acl_check_cmd('get', 'k')",
  'return {cjson._NAME, cjson._VERSION, cmsgpack._NAME, cmsgpack._VERSION}',
  'return gcinfo() > 0',
];

describe('Lua scripting against redis-server', () => {
  it('script results convert to RESP2 replies as Redis converts them', async () => {
    const pair = await env.pair();
    await sameScripts(pair, CONVERSIONS);
  });

  it('script results convert to RESP3 replies as Redis converts them', async () => {
    const pair = await env.pair();
    await resp3(pair);
    await sameScripts(pair, CONVERSIONS);
  });

  it('redis.call returns Redis replies as the Lua values Redis gives', async () => {
    const pair = await env.pair();
    await sameScripts(pair, CALL_REPLIES);
    await resp3(pair);
    await sameScripts(pair, CALL_REPLIES);
  });

  it('errors inside scripts are replied in Redis 7.0 words, with the script and line', async () => {
    const pair = await env.pair();
    await sameScripts(pair, ERRORS);
  });

  it('pcall and redis.pcall trap errors as Redis does', async () => {
    const pair = await env.pair();
    await sameScripts(pair, PCALL);
  });

  it('cjson, cmsgpack, bit and struct behave as the libraries in Redis', async () => {
    const pair = await env.pair();
    await sameScripts(pair, LIBRARIES);
  });

  it("cjson's settings change its encoding until SCRIPT FLUSH, as in Redis", async () => {
    const pair = await env.pair();
    const nested = '{a={b={c=1}}}';
    await sameScripts(pair, [
      'return {cjson.encode_max_depth(), cjson.decode_max_depth(), cjson.encode_number_precision()}',
      'return {cjson.encode_sparse_array()}',
      `return cjson.encode_max_depth(2)`,
      `return cjson.encode(${nested})`,
      `return cjson.encode({a={}})`,
      'return cjson.decode_max_depth(1)',
      'return cjson.decode(\'{"a":[1]}\')',
      "return cjson.decode('[1]')",
      'return cjson.encode_number_precision(3)',
      'return cjson.encode({3.14159, 100000})',
      'return {cjson.encode_sparse_array(true)}',
      'return cjson.encode({[1]=1, [20]=2})',
      "return {cjson.encode_sparse_array('off', 0)}",
      'return cjson.encode({[1]=1, [20]=2})',
      "return cjson.encode_invalid_numbers('null')",
      'return cjson.encode({0/0, 1/0})',
      'return tostring(cjson.encode_keep_buffer(false))',
      'return cjson.encode_max_depth(0)',
      "return cjson.encode_max_depth('x')",
      'return cjson.encode_max_depth(1, 2)',
      'return cjson.encode_number_precision(15)',
      "return cjson.encode_keep_buffer('maybe')",
      'return cjson.encode_keep_buffer({})',
    ]);
    await pair.same('SCRIPT', 'FLUSH');
    await sameScripts(pair, [
      'return {cjson.encode_max_depth(), cjson.encode_number_precision()}',
      `return cjson.encode(${nested})`,
    ]);
  });

  it('a table nested in itself is written down to the stack limit of Redis, then an error', async () => {
    const cases = [
      ['local a = {}; local b = {a}; a[1] = b; return a', '-ERR reached lua stack limit\r\n'],
      ['local t = {} for i = 1, 7990 do t = {t} end return t', '*0\r\n'],
    ];
    for (const [script, end] of cases) {
      const command = `*3\r\n$4\r\nEVAL\r\n$${script.length}\r\n${script}\r\n$1\r\n0\r\n`;
      const [redis, kvik] = await Promise.all([
        rawReply(env.reference.port, command, end),
        rawReply(env.kvik.port, command, end),
      ]);
      assert.ok(kvik === redis, `reply to ${script} (${kvik.length} bytes, Redis ${redis.length})`);
    }
    const pair = await env.pair();
    await pair.same('PING');
  });

  it('scripts see the Lua 5.1 behaviour and the redis API they rely on', async () => {
    const pair = await env.pair();
    await sameScripts(pair, LUA51);
  });

  it('KEYS and ARGV hold the arguments, byte for byte', async () => {
    const pair = await env.pair();
    const commands: Command[] = [
      ['EVAL', 'return {KEYS, ARGV}', '2', 'k1', 'k2', 'a1', 'a2'],
      ['EVAL', 'return {#KEYS, #ARGV}', '0'],
      ['EVAL', 'return ARGV[1]', '0', Buffer.from([0, 255, 13, 10])],
      ['EVAL', "return redis.call('SET', KEYS[1], ARGV[1])", '1', 'key', 'value'],
      ['EVAL', "return redis.call('GET', KEYS[1])", '1', 'key'],
      ['EVAL', 'return 1', 'x'],
      ['EVAL', 'return 1', '-1'],
      ['EVAL', 'return 1', '2', 'a'],
      ['EVAL', 'return 1', '01'],
      ['EVAL', 'return 1'],
      ['EVAL', 'return ARGV[1] .. ARGV[2]', '0', 'x'.repeat(5000), 'y'],
    ];
    await pair.sameAll(commands);
  });

  it('shebang flags are read and unknown ones refused as Redis refuses them', async () => {
    const pair = await env.pair();
    await sameScripts(pair, [
      '#!js\nreturn 1',
      '#!lua foo=bar\nreturn 1',
      '#!lua flags=bad\nreturn 1',
      '#!lua flags=no-writes,allow-oom\nreturn redis.call("set", "a", "b")',
      '#!lua flags=no-writes\nreturn redis.call("get", "a")',
      '#!lua\nreturn 1',
      '#!lua name=x\nreturn 1',
      '#!lua flags=no-writes\nerror("x")',
      '#!luax\nreturn 1',
      '#!lua',
      '#!lua flags=allow-stale,no-cluster,allow-cross-slot-keys\nreturn 2',
      '#!lua flags=\nreturn 3',
    ]);
    await pair.sameAll([
      ['EVAL_RO', '#!lua\nreturn 1', '0'],
      ['EVAL_RO', '#!lua flags=no-writes\nreturn 1', '0'],
      ['EVAL_RO', "return redis.call('set', 'x', 1)", '0'],
      ['EVAL_RO', "return redis.call('get', 'x')", '0'],
      ['EVAL_RO', "return redis.call('publish', 'ch', 'msg')", '0'],
      ['EVAL_RO', "return redis.call('pfcount', 'hll')", '0'],
      ['EVAL', "#!lua flags=no-writes\nreturn redis.call('publish', 'ch', 'msg')", '0'],
    ]);
  });

  it('SCRIPT LOAD, EXISTS, FLUSH and EVALSHA manage the script cache', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SCRIPT', 'FLUSH'],
      ['SCRIPT', 'LOAD', 'return ARGV[1]'],
      [
        'SCRIPT',
        'EXISTS',
        '4e6d8fc8bb01276962cce5371fa795a7763657ae',
        'ffffffffffffffffffffffffffffffffffffffff',
      ],
      ['SCRIPT', 'EXISTS', '4E6D8FC8BB01276962CCE5371FA795A7763657AE'],
      ['EVALSHA', '4e6d8fc8bb01276962cce5371fa795a7763657ae', '0', 'hi'],
      ['EVALSHA', '4E6D8FC8BB01276962CCE5371FA795A7763657AE', '0', 'upper'],
      ['EVALSHA_RO', '4e6d8fc8bb01276962cce5371fa795a7763657ae', '0', 'ro'],
      ['EVALSHA', 'abc', '0'],
      ['EVALSHA', '0000000000000000000000000000000000000000', '0'],
      ['SCRIPT', 'LOAD', 'return +'],
      ['SCRIPT', 'LOAD', '#!lua flags=bad\nreturn 1'],
      ['SCRIPT', 'FLUSH', 'ASYNC'],
      ['SCRIPT', 'FLUSH', 'SYNC'],
      ['SCRIPT', 'FLUSH', 'x'],
      ['SCRIPT', 'FLUSH', 'SYNC', 'x'],
      ['SCRIPT', 'EXISTS', '4e6d8fc8bb01276962cce5371fa795a7763657ae'],
      ['SCRIPT', 'KILL'],
      ['SCRIPT', 'DEBUG', 'NO'],
      ['SCRIPT', 'DEBUG', 'x'],
      ['SCRIPT', 'HELP'],
      ['SCRIPT', 'NOPE'],
      ['SCRIPT'],
      ['SCRIPT', 'LOAD'],
      ['SCRIPT', 'EXISTS'],
    ]);
  });

  it('errors of scripts and of their commands count once in INFO errorstats', async () => {
    const pair = await env.pair();
    await pair.sameAll([
      ['SET', 's', 'abc'],
      ['CONFIG', 'RESETSTAT'],
    ]);
    await sameScripts(pair, [
      "return redis.call('INCR', 's')",
      "return redis.pcall('INCR', 's')",
      "return redis.call('nosuch')",
      "return redis.pcall('nosuch')",
      "error('x')",
      "return {err='OWN failure'}",
      'return redis.call()',
      "local ok, e = pcall(redis.call, 'INCR', 's') return 1",
    ]);
    const stats = await pair.both('INFO', 'errorstats');
    assert.equal(stats.kvik, stats.redis);
    const commands = await pair.both('INFO', 'commandstats');
    const line = (text: string, name: string) =>
      text
        .split('\r\n')
        .find((l) => l.startsWith(`cmdstat_${name}:`))
        ?.replace(/usec=\d+,usec_per_call=[\d.]+,/, '');
    assert.equal(line(commands.kvik, 'eval'), line(commands.redis, 'eval'));
    assert.equal(line(commands.kvik, 'incr'), line(commands.redis, 'incr'));
  });
});
