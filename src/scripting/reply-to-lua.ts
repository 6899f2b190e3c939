/**
 * A command's reply, as the script's reply writer produced it (RESP text), turned into the Lua
 * value redis.call returns, with Redis's rules (redisProtocolToLuaType):
 *   integer -> number; bulk -> string; nil bulk or nil array -> false; status -> {ok=...};
 *   error -> {err=...}; array -> table (a RESP3 null inside leaves a hole).
 * After redis.setresp(3) the RESP3 types come through too: map -> {map={...}}, set ->
 * {set={k=true}}, null -> nil, boolean -> boolean, double -> {double=n}, big number ->
 * {big_number=s}, verbatim -> {verbatim_string={format=, string=}}; attributes are skipped.
 */
import type { LuaPtr, LuaRuntime } from './lua-engine.js';

/** Pushes {err=message} (Redis's luaPushError: the message already carries its code). */
export function pushError(lua: LuaRuntime, S: LuaPtr, message: string): void {
  pushField(lua, S, 'err', message);
}

/**
 * Pushes the error table of a command that failed for the script: its error is already counted
 * in the error statistics, so the script's own error reply, if it ends on it, is not counted again
 * (Redis's ignore_error_stats_update).
 */
export function pushCommandError(lua: LuaRuntime, S: LuaPtr, message: string): void {
  pushError(lua, S, message);
  lua.pushString(S, IGNORE_STATS);
  lua.api.lua_pushboolean(S, 1);
  lua.api.lua_rawset(S, -3);
}

export const IGNORE_STATS = 'ignore_error_stats_update';

/** Pushes a one-field table {name=value} with a string value. */
function pushField(lua: LuaRuntime, S: LuaPtr, name: string, value: string): void {
  const api = lua.api;
  api.lua_createtable(S, 0, 1);
  lua.pushString(S, name);
  lua.pushString(S, value);
  api.lua_rawset(S, -3);
}

/** Pushes the value of the one reply in `text`. */
export function pushReply(lua: LuaRuntime, S: LuaPtr, text: string): void {
  // The most common reply (INCR, DEL, EXISTS ...) without a reader.
  if (text.charCodeAt(0) === 58 /* : */) lua.pushIntegerDigits(S, text, 1, text.length - 2);
  else new ReplyReader(lua, S, text).push();
}

class ReplyReader {
  private pos = 0;

  constructor(
    private readonly lua: LuaRuntime,
    private readonly S: LuaPtr,
    private readonly text: string,
  ) {}

  /** Pushes the next value. */
  push(): void {
    const { lua, S, text } = this;
    const api = lua.api;
    const type = text.charCodeAt(this.pos);
    const line = this.line();
    switch (type) {
      case 58 /* : */:
        lua.pushIntegerDigits(S, line);
        return;
      case 36 /* $ */: {
        const length = Number(line);
        if (length < 0) {
          api.lua_pushboolean(S, 0);
          return;
        }
        lua.pushString(S, text.substr(this.pos, length));
        this.pos += length + 2;
        return;
      }
      case 43 /* + */:
        pushField(lua, S, 'ok', line);
        return;
      case 45 /* - */:
        pushCommandError(lua, S, line);
        return;
      case 42 /* * */:
      case 62 /* > */: {
        const count = Number(line);
        if (count < 0) {
          api.lua_pushboolean(S, 0);
          return;
        }
        this.pushArray(count);
        return;
      }
      case 37 /* % */:
      case 126 /* ~ */: {
        api.lua_createtable(S, 0, 1);
        lua.pushString(S, type === 37 ? 'map' : 'set');
        api.lua_createtable(S, 0, Number(line));
        for (let i = Number(line); i > 0; i--) {
          this.push();
          if (type === 37) this.push();
          else api.lua_pushboolean(S, 1);
          api.lua_rawset(S, -3);
        }
        api.lua_rawset(S, -3);
        return;
      }
      case 95 /* _ */:
        api.lua_pushnil(S);
        return;
      case 35 /* # */:
        api.lua_pushboolean(S, line === 't' ? 1 : 0);
        return;
      case 44 /* , */:
        api.lua_createtable(S, 0, 1);
        lua.pushString(S, 'double');
        api.lua_pushnumber(S, parseDouble(line));
        api.lua_rawset(S, -3);
        return;
      case 40 /* ( */:
        pushField(lua, S, 'big_number', line);
        return;
      case 61 /* = */: {
        const length = Number(line);
        const body = text.substr(this.pos, length);
        this.pos += length + 2;
        api.lua_createtable(S, 0, 1);
        lua.pushString(S, 'verbatim_string');
        api.lua_createtable(S, 0, 2);
        lua.pushString(S, 'format');
        lua.pushString(S, body.slice(0, 3));
        api.lua_rawset(S, -3);
        lua.pushString(S, 'string');
        lua.pushString(S, body.slice(4));
        api.lua_rawset(S, -3);
        api.lua_rawset(S, -3);
        return;
      }
      case 124 /* | */: {
        // An attribute: read and dropped, the value it annotates follows.
        for (let i = Number(line) * 2; i > 0; i--) {
          this.push();
          api.lua_settop(S, -2);
        }
        this.push();
        return;
      }
      default:
        api.lua_pushnil(S);
    }
  }

  private pushArray(count: number): void {
    const api = this.lua.api;
    const S = this.S;
    api.lua_createtable(S, count, 0);
    for (let i = 1; i <= count; i++) {
      // The key first, then lua_rawset: lua_rawseti's 64-bit index is slow to pass.
      api.lua_pushnumber(S, i);
      this.push();
      if (api.lua_type(S, -1) === 0 /* nil */) api.lua_settop(S, -3);
      else api.lua_rawset(S, -3);
    }
  }

  /** The rest of the current line after its type byte; moves past its CRLF. */
  private line(): string {
    const end = this.text.indexOf('\r\n', this.pos);
    const line = this.text.slice(this.pos + 1, end);
    this.pos = end + 2;
    return line;
  }
}

function parseDouble(text: string): number {
  if (text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  if (text === 'nan' || text === '-nan') return NaN;
  return Number(text);
}
