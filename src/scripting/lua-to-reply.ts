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

/** Where a script's result goes. */
export interface LuaReply {
  readonly reply: ReplyWriter;
  /** The script's protocol (redis.setresp), which decides how booleans convert. */
  readonly resp: 2 | 3;
  /** Errors sent without counting them in the statistics (a command's, counted already). */
  uncountedErrors: number;
}

/** Writes the value on top of S as the reply, and pops it. */
export function writeLuaValue(lua: LuaRuntime, S: LuaPtr, out: LuaReply): void {
  const reply = out.reply;
  const api = lua.api;
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
      writeTable(lua, S, out);
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

function writeTable(lua: LuaRuntime, S: LuaPtr, out: LuaReply): void {
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
    return;
  }
  api.lua_settop(S, -2);
  if (rawField(lua, S, 'ok') === 4) {
    reply.status(lua.toString(S, -1).replace(/[\r\n]/g, ' '));
    api.lua_settop(S, -2);
    return;
  }
  api.lua_settop(S, -2);
  if (rawField(lua, S, 'double') === 3) {
    reply.doubleText(formatDouble(api.lua_tonumberx(S, -1, 0)));
    api.lua_settop(S, -2);
    return;
  }
  api.lua_settop(S, -2);
  if (rawField(lua, S, 'big_number') === 4) {
    reply.bigNumber(lua.toString(S, -1).replace(/[\r\n]/g, ' '));
    api.lua_settop(S, -2);
    return;
  }
  api.lua_settop(S, -2);
  if (rawField(lua, S, 'verbatim_string') === 5) {
    const format = rawField(lua, S, 'format') === 4 ? lua.toString(S, -1) : null;
    api.lua_settop(S, -2);
    const text = rawField(lua, S, 'string') === 4 ? lua.toString(S, -1) : null;
    api.lua_settop(S, -3);
    if (format !== null && text !== null) {
      reply.verbatim(text, format);
      return;
    }
  } else {
    api.lua_settop(S, -2);
  }
  for (const kind of ['map', 'set'] as const) {
    if (rawField(lua, S, kind) === 5) {
      writeCollection(lua, S, out, kind);
      api.lua_settop(S, -2);
      return;
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
  for (let i = 1; i <= count; i++) {
    lua.rawGetIndex(S, -1, i);
    writeLuaValue(lua, S, out);
  }
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
