import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { ReplyWriter } from '../../src/resp/reply.js';
import { LuaRuntime } from '../../src/scripting/lua-engine.js';
import { writeLuaValue } from '../../src/scripting/lua-to-reply.js';
import {
  RunStatus,
  ScriptError,
  ScriptVM,
  type ScriptHost,
} from '../../src/scripting/script-vm.js';

let runtime: LuaRuntime;
let vm: ScriptVM;

before(async () => {
  runtime = await LuaRuntime.load();
  vm = new ScriptVM(runtime);
});

after(() => {
  vm.dispose();
  runtime.dispose();
});

/** A host whose redis.call answers from a table of canned RESP replies. */
function hostWith(replies: Record<string, string>): ScriptHost {
  return {
    call: (argv) =>
      replies[argv.join(' ')] ?? new ScriptError('ERR Unknown Redis command called from script'),
    setResp: () => undefined,
    commandExists: () => true,
    checkpoint: () => null,
  };
}

/** Runs a script with KEYS/ARGV and returns its reply as RESP text (RESP2 client). */
function run(code: string, args: string[] = [], host: ScriptHost = hostWith({})): string {
  const ref = vm.compile(code, '@user_script');
  if (typeof ref === 'string') return `compile: ${ref}`;
  vm.host = host;
  // EVAL's argv layout: no keys, then the arguments.
  const status = vm.start('script', ref, ['eval', '', '0', ...args], 0);
  const reply = new ReplyWriter({ onErrorReply: () => undefined });
  if (status === RunStatus.Done)
    writeLuaValue(runtime, vm.resultState, { reply, resp: 2, uncountedErrors: 0 });
  else reply.raw(status === RunStatus.Failed ? '-failed\r\n' : '-suspended\r\n');
  vm.finish();
  vm.host = null;
  vm.release(ref);
  return reply.take();
}

describe('the Lua VM', () => {
  it('passes binary strings both ways unchanged', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const s = Buffer.from(bytes).latin1Slice(0, bytes.length);
        assert.equal(run('return ARGV[1]', [s]), `$${s.length}\r\n${s}\r\n`);
      }),
      { numRuns: 200 },
    );
  });

  it('turns redis.call replies into Lua values and back', () => {
    const host = hostWith({
      'GET a': '$3\r\nabc\r\n',
      'GET none': '$-1\r\n',
      'INCR n': ':42\r\n',
      'SET a b': '+OK\r\n',
      'LRANGE l': '*3\r\n$1\r\nx\r\n:2\r\n*1\r\n$1\r\ny\r\n',
    });
    assert.equal(run("return redis.call('GET', 'a')", [], host), '$3\r\nabc\r\n');
    assert.equal(run("return tostring(redis.call('GET', 'none'))", [], host), '$5\r\nfalse\r\n');
    assert.equal(run("return redis.call('INCR', 'n') + 1", [], host), ':43\r\n');
    assert.equal(run("return redis.call('SET', 'a', 'b').ok", [], host), '$2\r\nOK\r\n');
    assert.equal(run("return redis.call('LRANGE', 'l')[3][1]", [], host), '$1\r\ny\r\n');
  });

  it('truncates numbers toward zero as C casts a double to long long', () => {
    assert.equal(run('return 2.9'), ':2\r\n');
    assert.equal(run('return -2.9'), ':-2\r\n');
    assert.equal(run('return 2^62'), ':4611686018427387904\r\n');
    assert.equal(run('return 1e300'), ':-9223372036854775808\r\n');
  });

  it('prints numbers the Lua 5.1 way in tostring, string.format and table.concat', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), (n) => {
        assert.equal(run(`return tostring(${n} / 1)`), `$${String(n).length}\r\n${n}\r\n`);
        assert.equal(
          run(`return string.format('%s', ${n} / 1)`),
          `$${String(n).length}\r\n${n}\r\n`,
        );
        assert.equal(run(`return table.concat({${n} / 1})`), `$${String(n).length}\r\n${n}\r\n`);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps globals read-only and unknown globals an error', () => {
    assert.equal(run('x = 1'), '-failed\r\n');
    assert.equal(run('return y'), '-failed\r\n');
    assert.equal(run('return type(redis.call)'), '$8\r\nfunction\r\n');
    assert.equal(run('return type(os)'), '-failed\r\n');
  });

  it('round-trips JSON values through cjson', () => {
    const json = fc.jsonValue({ maxDepth: 3 }).filter((v) => !hasEmptyOrSparse(v));
    fc.assert(
      fc.property(json, (value) => {
        const text = JSON.stringify(value);
        const again = run('return cjson.encode(cjson.decode(ARGV[1]))', [text]);
        const body = again.slice(again.indexOf('\r\n') + 2, -2);
        assert.deepEqual(normalize(JSON.parse(body.replace(/\\\//g, '/'))), normalize(value));
      }),
      { numRuns: 150 },
    );
  });

  it('round-trips values through cmsgpack', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer(), fc.string(), fc.boolean()), { maxLength: 10 }),
        (items) => {
          const args = items.map((v) =>
            typeof v === 'string' ? `s${v}` : typeof v === 'number' ? `n${v}` : `b${v}`,
          );
          const script = `
          local values = {}
          for i, a in ipairs(ARGV) do
            local kind, v = a:sub(1, 1), a:sub(2)
            if kind == 'n' then v = tonumber(v) elseif kind == 'b' then v = v == 'true' end
            values[i] = v
          end
          local back = cmsgpack.unpack(cmsgpack.pack(values))
          for i, v in ipairs(values) do if back[i] ~= v then return 'mismatch at ' .. i end end
          return #back`;
          assert.equal(run(script, args), `:${items.length}\r\n`);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('packs and unpacks integers of every size through struct', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2147483648, max: 2147483647 }), (n) => {
        assert.equal(run(`return struct.unpack('>i4', struct.pack('>i4', ${n}))`), `:${n}\r\n`);
        assert.equal(run(`return struct.unpack('<i8', struct.pack('<i8', ${n}))`), `:${n}\r\n`);
      }),
      { numRuns: 100 },
    );
  });

  it('computes bit operations on 32-bit signed values', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -2147483648, max: 2147483647 }),
        fc.integer({ min: -2147483648, max: 2147483647 }),
        (a, b) => {
          assert.equal(run(`return bit.band(${a}, ${b})`), `:${a & b}\r\n`);
          assert.equal(run(`return bit.bxor(${a}, ${b})`), `:${a ^ b}\r\n`);
          assert.equal(run(`return bit.lshift(${a}, ${b & 31})`), `:${a << (b & 31)}\r\n`);
          assert.equal(run(`return bit.arshift(${a}, ${b & 31})`), `:${a >> (b & 31)}\r\n`);
          assert.equal(run(`return bit.rshift(${a}, ${b & 31})`), `:${(a >>> (b & 31)) | 0}\r\n`);
        },
      ),
      { numRuns: 100 },
    );
  });
});

/** cjson encodes empty tables as {} and refuses sparse arrays: such values do not round-trip. */
function hasEmptyOrSparse(value: unknown): boolean {
  if (Array.isArray(value))
    return value.length === 0 || value.some(hasEmptyOrSparse) || value.includes(null);
  if (value !== null && typeof value === 'object') {
    const entries = Object.values(value);
    return entries.length === 0 || entries.some(hasEmptyOrSparse) || entries.includes(null);
  }
  return typeof value === 'number' && !Number.isSafeInteger(value) && Math.abs(value) > 1e14;
}

/** Numbers as cjson prints them (%.14g), -0 as 0. */
function normalize(value: unknown): unknown {
  if (typeof value === 'number') return Object.is(value, -0) ? 0 : Number(value.toPrecision(14));
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v)]));
  }
  return value;
}
