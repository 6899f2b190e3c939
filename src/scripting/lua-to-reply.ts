/**
 * A script's result turned into the reply, with Redis's rules (luaReplyToRedisReply):
 *   string -> bulk; number -> integer, truncated; boolean -> 1 / nil in RESP2 scripts, a RESP3
 *   boolean after redis.setresp(3); table with err -> error; with ok -> status; with double ->
 *   double; big_number, verbatim_string, map, set -> those types; other tables -> array up to the
 *   first nil; anything else -> nil.
 * The reply writer follows the client's protocol, as Redis's addReply* do.
 */
import type { ReplyWriter } from '../resp/reply.js';
import { formatDouble17g } from '../resp/format.js';
import type { LuaPtr, LuaRuntime } from './lua-engine.js';
import { IGNORE_STATS } from './reply-to-lua.js';

const INT64_MIN = -9223372036854775808n;

/**
 * Redis checks for room for 4 more stack slots before it converts each value, within Lua 5.1's
 * limit of 8000 (LUAI_MAXCSTACK), and replies "reached lua stack limit" past it: a table nested
 * in itself ends there. Redis's frame holds one slot more than Kvik's (its error handler).
 */
const STACK_LIMIT = 8000 - 1;
const STACK_LIMIT_ERROR = 'ERR reached lua stack limit';

/** Where a script's result goes. */
export interface LuaReply {
  readonly reply: ReplyWriter;
  /** The script's protocol (redis.setresp), which decides how booleans convert. */
  readonly resp: 2 | 3;
  /** Errors sent without counting them in the statistics (a command's, counted already). */
  uncountedErrors: number;
}

/**
 * Writes the value on top of S as the reply, and pops it. Arrays are walked with a stack of
 * their own rather than by recursion, so that arrays nested thousands deep (as deep as Redis
 * goes, up to its stack limit) do not exhaust JavaScript's call stack.
 */
export function writeLuaValue(lua: LuaRuntime, S: LuaPtr, out: LuaReply): void {
  // For each array being written, whose table stays on S: its length and next index.
  const arrays: number[] = [];
  writeOne(lua, S, out, arrays);
  while (arrays.length > 0) {
    const top = arrays.length;
    const next = arrays[top - 1];
    if (next > arrays[top - 2]) {
      arrays.length = top - 2;
      lua.api.lua_settop(S, -2);
      continue;
    }
    arrays[top - 1] = next + 1;
    lua.rawGetIndex(S, -1, next);
    writeOne(lua, S, out, arrays);
  }
}

/**
 * Writes the value on top of S and pops it, except a non-empty array: its header is written
 * and its table left on S, with its length and first index pushed onto `arrays`.
 */
function writeOne(lua: LuaRuntime, S: LuaPtr, out: LuaReply, arrays: number[]): void {
  const reply = out.reply;
  const api = lua.api;
  if (api.lua_gettop(S) + 4 > STACK_LIMIT) {
    reply.error(STACK_LIMIT_ERROR);
    api.lua_settop(S, -2);
    return;
  }
  switch (api.lua_type(S, -1)) {
    case 4 /* string */:
      reply.bulk(lua.toString(S, -1));
      break;
    case 3 /* number */:
      reply.integer(luaInteger(lua, S));
      break;
    case 1 /* boolean */: {
      const b = api.lua_toboolean(S, -1) !== 0;
      if (out.resp === 3) reply.boolean(b);
      else if (b) reply.integer(1);
      else reply.nullBulk();
      break;
    }
    case 5 /* table */:
      // A table's conversion pushes its fields: the stack must have room for them.
      if (api.lua_checkstack(S, 4) === 0) {
        reply.error(STACK_LIMIT_ERROR);
      } else {
        const length = writeTable(lua, S, out);
        if (length > 0) {
          arrays.push(length, 1);
          return;
        }
      }
      break;
    default:
      reply.nullBulk();
  }
  api.lua_settop(S, -2);
}

/**
 * The number on top as C's (long long) cast of a double: truncated, INT64_MIN when out of range.
 * A Lua 5.4 integer goes through a double too, as every number is one in Lua 5.1.
 */
function luaInteger(lua: LuaRuntime, S: LuaPtr): number | bigint {
  const n = Math.trunc(lua.api.lua_tonumberx(S, -1, 0));
  if (Number.isSafeInteger(n)) return n;
  if (!(n >= -9223372036854775808 && n < 9223372036854775808)) return INT64_MIN;
  return BigInt(n);
}

/**
 * printf's %.17g, with the sign of a NaN: Lua's 0/0 is a negative NaN, which C prints "-nan".
 */
export function formatDouble(x: number): string {
  if (Number.isNaN(x)) {
    const view = new DataView(new Float64Array([x]).buffer);
    return view.getUint8(7) & 0x80 ? '-nan' : 'nan';
  }
  return formatDouble17g(x);
}

/** Pushes t[name] (raw) and returns its type; the table is on top before the call. */
function rawField(lua: LuaRuntime, S: LuaPtr, name: string): number {
  lua.pushString(S, name);
  return lua.api.lua_rawget(S, -2);
}

/**
 * Writes the table on top, but for an array's elements: returns the array's length (its
 * header is written), or 0 when the table is written whole.
 */
function writeTable(lua: LuaRuntime, S: LuaPtr, out: LuaReply): number {
  const api = lua.api;
  const reply = out.reply;
  if (rawField(lua, S, 'err') === 4) {
    // Redis sends it with "-%s": the message as it is, its code included (or not).
    const message = lua.toString(S, -1);
    api.lua_settop(S, -2);
    const counted = rawField(lua, S, IGNORE_STATS) !== 1;
    api.lua_settop(S, -2);
    reply.error(message, { counted });
    if (!counted) out.uncountedErrors++;
    return 0;
  }
  api.lua_settop(S, -2);
  if (rawField(lua, S, 'ok') === 4) {
    reply.status(lua.toString(S, -1).replace(/[\r\n]/g, ' '));
    api.lua_settop(S, -2);
    return 0;
  }
  api.lua_settop(S, -2);
  if (rawField(lua, S, 'double') === 3) {
    reply.doubleText(formatDouble(api.lua_tonumberx(S, -1, 0)));
    api.lua_settop(S, -2);
    return 0;
  }
  api.lua_settop(S, -2);
  if (rawField(lua, S, 'big_number') === 4) {
    reply.bigNumber(lua.toString(S, -1).replace(/[\r\n]/g, ' '));
    api.lua_settop(S, -2);
    return 0;
  }
  api.lua_settop(S, -2);
  if (rawField(lua, S, 'verbatim_string') === 5) {
    const format = rawField(lua, S, 'format') === 4 ? lua.toString(S, -1) : null;
    api.lua_settop(S, -2);
    const text = rawField(lua, S, 'string') === 4 ? lua.toString(S, -1) : null;
    api.lua_settop(S, -3);
    if (format !== null && text !== null) {
      reply.verbatim(text, format);
      return 0;
    }
  } else {
    api.lua_settop(S, -2);
  }
  for (const kind of ['map', 'set'] as const) {
    if (rawField(lua, S, kind) === 5) {
      writeCollection(lua, S, out, kind);
      api.lua_settop(S, -2);
      return 0;
    }
    api.lua_settop(S, -2);
  }
  // An array: elements 1, 2 ... up to the first nil. Its length is known only at the end.
  let count = 0;
  while (lua.rawGetIndex(S, -1, count + 1) !== 0) {
    api.lua_settop(S, -2);
    count++;
  }
  api.lua_settop(S, -2);
  reply.array(count);
  return count;
}

/** The map or set table on top: pairs, or keys, in the table's order. */
function writeCollection(lua: LuaRuntime, S: LuaPtr, out: LuaReply, kind: 'map' | 'set'): void {
  const api = lua.api;
  const reply = out.reply;
  let count = 0;
  api.lua_pushnil(S);
  while (api.lua_next(S, -2) !== 0) {
    api.lua_settop(S, -2);
    count++;
  }
  if (kind === 'map') reply.map(count);
  else reply.set(count);
  api.lua_pushnil(S);
  while (api.lua_next(S, -2) !== 0) {
    // Stack: table, key, value.
    if (kind === 'map') {
      api.lua_pushvalue(S, -2);
      writeLuaValue(lua, S, out);
      writeLuaValue(lua, S, out);
    } else {
      api.lua_settop(S, -2);
      api.lua_pushvalue(S, -1);
      writeLuaValue(lua, S, out);
    }
  }
}
