/** The arguments of redis.register_function, read and checked as Redis 7.0 does. */
import type { LuaPtr, LuaRuntime } from './lua-engine.js';
import { SCRIPT_FLAGS } from './shebang.js';

export interface RegisterArgs {
  name: string;
  /** The stack slot of the callback. */
  callbackIndex: number;
  flags: string[];
  description: string | null;
}

/** redis.register_function's two forms: (name, callback) or {function_name=, callback=, flags=, description=}. */
export function readRegisterArgs(lua: LuaRuntime, S: LuaPtr): RegisterArgs | string {
  const api = lua.api;
  const argc = api.lua_gettop(S);
  if (argc === 2) {
    if (api.lua_isstring(S, 1) === 0)
      return 'first argument to redis.register_function must be a string';
    if (api.lua_type(S, 2) !== 6)
      return 'second argument to redis.register_function must be a function';
    return { name: lua.toString(S, 1), callbackIndex: 2, flags: [], description: null };
  }
  if (argc !== 1) return 'wrong number of arguments to redis.register_function';
  if (api.lua_type(S, 1) !== 5) {
    return 'calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).';
  }
  let name: string | null = null;
  let callbackIndex = 0;
  let description: string | null = null;
  const flags: string[] = [];
  // The callback goes to stack slot 2 first, so the walk below leaves it where it is.
  lua.pushString(S, 'callback');
  api.lua_rawget(S, 1);
  api.lua_pushnil(S);
  while (api.lua_next(S, 1) !== 0) {
    // Stack: table, key, value.
    const key = api.lua_type(S, -2) === 4 ? lua.toString(S, -2) : null;
    const type = api.lua_type(S, -1);
    if (key === 'function_name') {
      if (type !== 4)
        return 'function_name argument given to redis.register_function must be a string';
      name = lua.toString(S, -1);
    } else if (key === 'description') {
      if (type !== 4)
        return 'description argument given to redis.register_function must be a string';
      description = lua.toString(S, -1);
    } else if (key === 'callback') {
      if (type !== 6)
        return 'callback argument given to redis.register_function must be a function';
      callbackIndex = 2;
    } else if (key === 'flags') {
      if (type !== 5)
        return 'flags argument to redis.register_function must be a table representing function flags';
      const flagsIndex = api.lua_gettop(S);
      for (let i = 1n; ; i++) {
        if (api.lua_rawgeti(S, flagsIndex, i) === 0) {
          api.lua_settop(S, -2);
          break;
        }
        if (api.lua_type(S, -1) !== 4) return 'unknown flag given';
        const flag = lua.toString(S, -1);
        if (!SCRIPT_FLAGS.has(flag)) return 'unknown flag given';
        flags.push(flag);
        api.lua_settop(S, -2);
      }
    } else {
      return 'unknown argument given to redis.register_function';
    }
    api.lua_settop(S, -2);
  }
  if (name === null) return 'redis.register_function must get a function name argument';
  if (callbackIndex === 0) return 'redis.register_function must get a callback argument';
  return { name, callbackIndex, flags, description };
}
