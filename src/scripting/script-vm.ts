/**
 * One Lua state with Redis's sandbox: the libraries and the prelude loaded, the `redis.*` bridge
 * wired to the host, and the coroutine every script runs in. EVAL scripts and function libraries
 * each have their own ScriptVM, as Redis has a Lua state for each.
 *
 * A script runs as a coroutine so that past busy-reply-threshold it can yield to the event loop
 * (the count hook yields): the server then answers other clients BUSY and can take SCRIPT KILL.
 */
import { createHash } from 'node:crypto';
import {
  LUA_FIRST_UPVALUE,
  LUA_MASKCOUNT,
  LUA_OK,
  LUA_REGISTRYINDEX,
  LUA_YIELD,
  type LuaPtr,
  type LuaRuntime,
} from './lua-engine.js';
import { PRELUDE } from './lua/prelude.js';
import { BIT_LIBRARY, STRUCT_LIBRARY } from './lua/bit-struct.js';
import { CJSON_LIBRARY, CMSGPACK_LIBRARY } from './lua/cjson-cmsgpack.js';
import { pushCommandError, pushError, pushReply } from './reply-to-lua.js';
import { readRegisterArgs } from './register-function.js';
import { formatDouble } from './lua-to-reply.js';
import { REDIS_VERSION } from '../server/info.js';

/** Instructions between two calls of the count hook (as Redis's 100000). */
const HOOK_INSTRUCTIONS = 100000;

/** What the `redis.*` bridge asks of the host while a script runs. */
export interface ScriptHost {
  /** Runs a command for the script: its RESP reply, or an error message for the script. */
  call(argv: string[]): string | ScriptError;
  /** redis.setresp(): the protocol of the script's commands' replies. */
  setResp(resp: 2 | 3): void;
  /** redis.acl_check_cmd(): whether the command exists (ACLs are not there yet). */
  commandExists(argv: string[]): boolean;
  /**
   * The count hook: 'yield' to suspend, an error to abort the script with (raised again at every
   * later hook, so that a pcall in the script cannot keep it running), or null to go on.
   */
  checkpoint(yieldable: boolean): 'yield' | ScriptError | null;
  /** redis.register_function() while a library loads; an error message, or null. */
  registerFunction?(
    name: string,
    fnRef: number,
    flags: string[],
    description: string | null,
  ): string | null;
}

/** An error raised for the script, as Redis's luaPushError: "ERR <message>" unless it has a code. */
export class ScriptError {
  constructor(readonly message: string) {}
}

/** lua_resume's status of an error raised by a script (not a memory error). */
const LUA_ERRRUN = 2;

export const enum RunStatus {
  Done,
  Failed,
  Suspended,
}

/** redis.REDIS_VERSION_NUM: 0x00MMmmpp. */
const VERSION_NUM = REDIS_VERSION.split('.').reduce((n, part) => n * 256 + Number(part), 0);

export class ScriptVM {
  readonly L: LuaPtr;
  /** The coroutine scripts run in (a registry reference keeps it from the collector). */
  private thread: LuaPtr = 0;
  private threadRef = 0;
  /**
   * The hook stopped the run with an error (SCRIPT KILL, a timeout). Lua 5.4 leaves hooks
   * disabled in a coroutine whose hook raised an error (lua_resume restores no 'allowhook', as
   * a protected call does), so that coroutine is replaced before the next run: with the old one,
   * the next endless script could never be interrupted.
   */
  private hookRaised = false;
  private readonly entry: {
    memory: number;
    compile: number;
    runScript: number;
    runFunction: number;
    loadLibrary: number;
    errorOf: number;
  };
  /** A library's load returns (ok, value), as it catches its own errors; scripts return values. */
  private loadingLibrary = false;
  private readonly nres: number;
  host: ScriptHost | null = null;

  constructor(readonly lua: LuaRuntime) {
    const api = lua.api;
    this.L = api.luaL_newstate();
    api.luaL_openlibs(this.L);
    this.nres = api.malloc(4);
    const L = this.L;
    // The libraries first: they keep what they need of string/table/math before the prelude trims them.
    for (const source of [BIT_LIBRARY, STRUCT_LIBRARY, CJSON_LIBRARY, CMSGPACK_LIBRARY]) {
      this.mustLoad(source, '=kvik_library');
      api.lua_pushlightuserdata(L, 0);
      this.mustCall(1, 0);
    }
    this.mustLoad(PRELUDE, '=kvik');
    this.pushBridge();
    this.mustCall(1, 1);
    this.entry = {
      memory: this.field(-1, 'memory'),
      compile: this.field(-1, 'compile'),
      runScript: this.field(-1, 'run_script'),
      runFunction: this.field(-1, 'run_function'),
      loadLibrary: this.field(-1, 'load_library'),
      errorOf: this.field(-1, 'error_of'),
    };
    api.lua_settop(L, 0);
    this.hookPtr = lua.hookFunction((T) => this.onHook(T));
    this.newThread();
  }

  private readonly hookPtr: number;

  /** A new coroutine for the runs, with the hook set; the old one (if any) is released. */
  private newThread(): void {
    const api = this.lua.api;
    const old = this.threadRef;
    this.thread = api.lua_newthread(this.L);
    this.threadRef = api.luaL_ref(this.L, LUA_REGISTRYINDEX);
    api.lua_sethook(this.thread, this.hookPtr, LUA_MASKCOUNT, HOOK_INSTRUCTIONS);
    if (old !== 0) api.luaL_unref(this.L, LUA_REGISTRYINDEX, old);
  }

  /**
   * Compiles Lua source: a registry reference to the function, or the compiler's message.
   * `library` compiles with the globals of function libraries.
   */
  compile(code: string, chunkName: string, library = false): number | string {
    const api = this.lua.api;
    const L = this.L;
    this.lua.rawGetIndex(L, LUA_REGISTRYINDEX, this.entry.compile);
    this.lua.pushString(L, code);
    this.lua.pushString(L, chunkName);
    api.lua_pushboolean(L, library ? 1 : 0);
    if (api.lua_pcallk(L, 3, 2, 0, 0, 0) !== LUA_OK) {
      const message = this.lua.toString(L, -1);
      api.lua_settop(L, 0);
      return message;
    }
    if (api.lua_type(L, -2) !== 6 /* function */) {
      const message = this.lua.toString(L, -1);
      api.lua_settop(L, 0);
      return message;
    }
    api.lua_settop(L, -2);
    return api.luaL_ref(L, LUA_REGISTRYINDEX);
  }

  /** The bytes the Lua heap holds. */
  memoryBytes(): number {
    const api = this.lua.api;
    this.lua.rawGetIndex(this.L, LUA_REGISTRYINDEX, this.entry.memory);
    if (api.lua_pcallk(this.L, 0, 1, 0, 0, 0) !== LUA_OK) return 0;
    const bytes = api.lua_tonumberx(this.L, -1, 0);
    api.lua_settop(this.L, 0);
    return bytes;
  }

  release(ref: number): void {
    this.lua.api.luaL_unref(this.L, LUA_REGISTRYINDEX, ref);
  }

  /**
   * Starts a script (KEYS/ARGV globals) or a function (keys, args parameters) in the coroutine:
   * the keys are argv[3 .. 3 + keyCount), the arguments the rest of argv (EVAL's and FCALL's
   * layout). Done: the result is at the top of the coroutine's stack (read it, then call
   * `finish`); Failed: the error (a table, or the message of a memory error) is; Suspended: call
   * `resume` later.
   */
  start(
    kind: 'script' | 'function' | 'library',
    fnRef: number,
    argv: readonly string[] = [],
    keyCount = 0,
  ): RunStatus {
    const api = this.lua.api;
    const T = this.thread;
    const entry =
      kind === 'script'
        ? this.entry.runScript
        : kind === 'function'
          ? this.entry.runFunction
          : this.entry.loadLibrary;
    api.lua_settop(T, 0);
    // A hook error the previous run's script caught (pcall) left the coroutine usable.
    this.hookRaised = false;
    this.lua.rawGetIndex(T, LUA_REGISTRYINDEX, entry);
    this.lua.rawGetIndex(T, LUA_REGISTRYINDEX, fnRef);
    this.loadingLibrary = kind === 'library';
    if (kind === 'library') return this.resumeWith(1);
    this.pushArray(T, argv, 3, 3 + keyCount);
    this.pushArray(T, argv, 3 + keyCount, argv.length);
    return this.resumeWith(3);
  }

  /** Pushes a new table {strings[from], ..., strings[to - 1]} (built here: cheaper than in Lua). */
  private pushArray(T: LuaPtr, strings: readonly string[], from: number, to: number): void {
    const api = this.lua.api;
    api.lua_createtable(T, to - from, 0);
    for (let i = from; i < to; i++) {
      // t[n] = s as key and value pushed, then lua_rawset: lua_rawseti's 64-bit n is slow to pass.
      api.lua_pushnumber(T, i - from + 1);
      this.lua.pushString(T, strings[i]);
      api.lua_rawset(T, -3);
    }
  }

  resume(): RunStatus {
    return this.resumeWith(0);
  }

  /** The coroutine, whose top holds the result or error once a run is over. */
  get resultState(): LuaPtr {
    return this.thread;
  }

  /** Clears the coroutine after its result was read. */
  finish(): void {
    this.lua.api.lua_settop(this.thread, 0);
  }

  dispose(): void {
    this.lua.api.lua_close(this.L);
  }

  private resumeWith(nargs: number): RunStatus {
    const api = this.lua.api;
    const T = this.thread;
    const status = api.lua_resume(T, this.L, nargs, this.nres);
    if (status === LUA_YIELD) return RunStatus.Suspended;
    if (status !== LUA_OK) return this.failed(status);
    if (this.loadingLibrary) {
      // load_library returned (ok, value): the value, or the error table, is left on top.
      api.lua_settop(T, 2);
      return api.lua_toboolean(T, 1) !== 0 ? RunStatus.Done : RunStatus.Failed;
    }
    // The script's first result (nil when it returned none) is left on top.
    api.lua_settop(T, 1);
    return RunStatus.Done;
  }

  /**
   * An error stopped the coroutine where it was raised: its stack still shows where, and
   * error_of makes the error table from it (as Redis's error handler, which runs there). The
   * coroutine is then reset for the next run, the error left on it.
   */
  private failed(status: number): RunStatus {
    const api = this.lua.api;
    const T = this.thread;
    const L = this.L;
    if (status !== LUA_ERRRUN) {
      // A memory error: its message is reported as it is.
      api.lua_xmove(T, L, 1);
      api.lua_resetthread(T);
      api.lua_settop(T, 0);
      api.lua_xmove(L, this.threadAfterFailure(), 1);
      return RunStatus.Failed;
    }
    this.lua.rawGetIndex(L, LUA_REGISTRYINDEX, this.entry.errorOf);
    this.lua.rawGetIndex(L, LUA_REGISTRYINDEX, this.threadRef);
    api.lua_xmove(T, L, 1);
    const described = api.lua_pcallk(L, 2, 1, 0, 0, 0) === LUA_OK;
    api.lua_resetthread(T);
    api.lua_settop(T, 0);
    const result = this.threadAfterFailure();
    if (described) {
      api.lua_xmove(L, result, 1);
    } else {
      const message = api.lua_type(L, -1) === 4 ? this.lua.toString(L, -1) : 'execution failure';
      api.lua_settop(L, -2);
      pushError(this.lua, result, 'ERR ' + message);
    }
    return RunStatus.Failed;
  }

  /** The coroutine for the error and the next run: a new one when the hook raised the error. */
  private threadAfterFailure(): LuaPtr {
    if (this.hookRaised) {
      this.hookRaised = false;
      this.newThread();
    }
    return this.thread;
  }

  private onHook(T: LuaPtr): void {
    const host = this.host;
    if (host === null) return;
    const api = this.lua.api;
    const action = host.checkpoint(api.lua_isyieldable(T) !== 0);
    if (action === 'yield') {
      api.lua_yieldk(T, 0, 0, 0);
    } else if (action !== null) {
      pushError(this.lua, T, action.message);
      this.hookRaised = true;
      api.lua_error(T);
    }
  }

  private mustLoad(source: string, name: string): void {
    if (this.lua.loadChunk(this.L, source, name) !== LUA_OK) {
      throw new Error(`Lua sandbox failed to load: ${this.lua.toString(this.L, -1)}`);
    }
  }

  private mustCall(nargs: number, nresults: number): void {
    if (this.lua.api.lua_pcallk(this.L, nargs, nresults, 0, 0, 0) !== LUA_OK) {
      throw new Error(`Lua sandbox failed to start: ${this.lua.toString(this.L, -1)}`);
    }
  }

  /** A registry reference to t[name] for the table at idx. */
  private field(idx: number, name: string): number {
    const api = this.lua.api;
    this.lua.pushString(this.L, name);
    api.lua_rawget(this.L, idx - 1);
    return api.luaL_ref(this.L, LUA_REGISTRYINDEX);
  }

  /** The table of JS functions the prelude builds `redis` from. */
  private pushBridge(): void {
    const lua = this.lua;
    const api = lua.api;
    const L = this.L;
    api.lua_createtable(L, 0, 12);
    const set = (name: string, fn: (L: LuaPtr) => number): void => {
      lua.pushString(L, name);
      api.lua_pushcclosure(L, lua.cFunction(fn), 0);
      api.lua_rawset(L, -3);
    };
    set('call', (S) => this.redisCall(S, true));
    set('pcall', (S) => this.redisCall(S, false));
    set('sha1hex', (S) => this.sha1hex(S));
    set('log', (S) => this.log(S));
    set('setresp', (S) => this.setResp(S));
    set('set_repl', (S) => this.setRepl(S));
    set('acl_check_cmd', (S) => this.aclCheck(S));
    set('register_function', (S) => this.registerFunction(S));
    set('error', (S) => this.error51(S));
    const trampoline = lua.cFunction((S) => this.callNative(S));
    set('native', (S) => {
      // native(f): a C closure over f that calls it (see callNative).
      api.lua_settop(S, 1);
      api.lua_pushcclosure(S, trampoline, 1);
      return 1;
    });
    lua.pushString(L, 'version');
    lua.pushString(L, REDIS_VERSION);
    api.lua_rawset(L, -3);
    lua.pushString(L, 'version_num');
    api.lua_pushinteger(L, BigInt(VERSION_NUM));
    api.lua_rawset(L, -3);
  }

  /**
   * A library function written in Lua, called as a C function is: the caller's frame stays (even
   * in a tail call), and a string error gets the caller's position, as luaL_error gives it.
   */
  private callNative(S: LuaPtr): number {
    const api = this.lua.api;
    const nargs = api.lua_gettop(S);
    api.lua_pushvalue(S, LUA_FIRST_UPVALUE);
    api.lua_rotate(S, 1, 1);
    if (api.lua_pcallk(S, nargs, -1, 0, 0, 0) === LUA_OK) return api.lua_gettop(S);
    if (api.lua_type(S, -1) === 4 /* string */) {
      api.luaL_where(S, 1);
      api.lua_rotate(S, -2, 1);
      api.lua_concat(S, 2);
    }
    return api.lua_error(S);
  }

  /** Lua 5.1's error(): a string or a number gets the position of the given level. */
  private error51(S: LuaPtr): number {
    const api = this.lua.api;
    const level =
      api.lua_gettop(S) >= 2 && api.lua_type(S, 2) !== 0 ? api.lua_tonumberx(S, 2, 0) : 1;
    api.lua_settop(S, 1);
    if (api.lua_isstring(S, 1) !== 0 && level > 0) {
      if (api.lua_type(S, 1) === 3 /* number */) this.lua.pushString(S, number51(this.lua, S, 1));
      else api.lua_pushvalue(S, 1);
      api.luaL_where(S, Math.trunc(level));
      api.lua_rotate(S, -2, 1);
      api.lua_concat(S, 2);
    }
    return api.lua_error(S);
  }

  /** Raises an error table in the script (does not return: lua_error unwinds through here). */
  private raise(S: LuaPtr, message: string): number {
    pushError(this.lua, S, message);
    return this.lua.api.lua_error(S);
  }

  /** The arguments of redis.call as strings, or an error message. */
  private commandArgs(S: LuaPtr): string[] | string {
    const api = this.lua.api;
    const argc = api.lua_gettop(S);
    if (argc === 0) return 'ERR Please specify at least one argument for this redis lib call';
    const argv = new Array<string>(argc);
    for (let i = 1; i <= argc; i++) {
      const type = api.lua_type(S, i);
      if (type === 4 /* string */) {
        argv[i - 1] = this.lua.toString(S, i);
      } else if (type === 3 /* number */) {
        // Redis prints number arguments with %.17g.
        const n = api.lua_tonumberx(S, i, 0);
        argv[i - 1] = Number.isSafeInteger(n) && !Object.is(n, -0) ? String(n) : formatDouble(n);
      } else {
        return 'ERR Lua redis lib command arguments must be strings or integers';
      }
    }
    return argv;
  }

  private redisCall(S: LuaPtr, raise: boolean): number {
    const host = this.host;
    if (host === null) {
      return this.raise(S, 'ERR redis.call/pcall can only be called inside a script invocation');
    }
    const argv = this.commandArgs(S);
    if (typeof argv === 'string') {
      if (raise) return this.raise(S, argv);
      pushError(this.lua, S, argv);
      return 1;
    }
    let reply: string | ScriptError;
    try {
      reply = host.call(argv);
    } catch (err) {
      // A bug must not unwind through the interpreter's C frames: it becomes a script error.
      reply = new ScriptError(`ERR ${(err as Error).message}`);
    }
    if (reply instanceof ScriptError) {
      pushCommandError(this.lua, S, reply.message);
      return raise ? this.lua.api.lua_error(S) : 1;
    }
    const api = this.lua.api;
    api.lua_settop(S, 0);
    pushReply(this.lua, S, reply);
    if (raise && reply.charCodeAt(0) === 45 /* '-' */) return api.lua_error(S);
    return 1;
  }

  private sha1hex(S: LuaPtr): number {
    const api = this.lua.api;
    if (api.lua_gettop(S) !== 1) return this.raise(S, 'ERR wrong number of arguments');
    const type = api.lua_type(S, 1);
    const input = type === 4 || type === 3 ? this.lua.toString(S, 1) : '';
    this.lua.pushString(S, createHash('sha1').update(input, 'latin1').digest('hex'));
    return 1;
  }

  private log(S: LuaPtr): number {
    const api = this.lua.api;
    const argc = api.lua_gettop(S);
    if (argc < 2) return this.raise(S, 'ERR redis.log() requires two arguments or more.');
    if (api.lua_type(S, 1) !== 3)
      return this.raise(S, 'ERR First argument must be a number (log level).');
    const level = api.lua_tonumberx(S, 1, 0);
    if (level < 0 || level > 3) return this.raise(S, 'ERR Invalid debug level.');
    // Kvik has no server log yet: the message is checked and dropped.
    return 0;
  }

  private setResp(S: LuaPtr): number {
    const api = this.lua.api;
    if (api.lua_gettop(S) !== 1) return this.raise(S, 'ERR redis.setresp() requires one argument.');
    const resp = api.lua_tonumberx(S, 1, 0);
    if (resp !== 2 && resp !== 3) return this.raise(S, 'ERR RESP version must be 2 or 3.');
    this.host?.setResp(resp);
    return 0;
  }

  private setRepl(S: LuaPtr): number {
    const api = this.lua.api;
    if (api.lua_gettop(S) !== 1)
      return this.raise(S, 'ERR redis.set_repl() requires two arguments.');
    const flags = api.lua_tonumberx(S, 1, 0);
    if ((flags & ~3) !== 0) {
      return this.raise(
        S,
        'ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.',
      );
    }
    // Effects always replicate whole, as REPL_ALL (see the compatibility notes).
    return 0;
  }

  private aclCheck(S: LuaPtr): number {
    const argv = this.commandArgs(S);
    if (typeof argv === 'string') return this.raise(S, argv);
    if (this.host === null || !this.host.commandExists(argv)) {
      return this.raise(S, 'ERR Invalid command passed to redis.acl_check_cmd()');
    }
    this.lua.api.lua_pushboolean(S, 1);
    return 1;
  }

  private registerFunction(S: LuaPtr): number {
    const host = this.host;
    if (host?.registerFunction === undefined) {
      return this.raise(
        S,
        'ERR redis.register_function can only be called on FUNCTION LOAD command',
      );
    }
    const args = readRegisterArgs(this.lua, S);
    if (typeof args === 'string') return this.raise(S, 'ERR ' + args);
    const api = this.lua.api;
    api.lua_pushvalue(S, args.callbackIndex);
    const ref = api.luaL_ref(S, LUA_REGISTRYINDEX);
    const error = host.registerFunction(args.name, ref, args.flags, args.description);
    if (error !== null) {
      api.luaL_unref(S, LUA_REGISTRYINDEX, ref);
      return this.raise(S, 'ERR ' + error);
    }
    return 0;
  }
}

/** A number as Lua 5.1 prints it (%.14g), from the stack slot idx. */
function number51(lua: LuaRuntime, S: LuaPtr, idx: number): string {
  const text = lua.toString(S, idx);
  // 5.4 prints an integral float with ".0" where 5.1's %.14g does not.
  return /^-?\d+\.0$/.test(text) ? text.slice(0, -2) : text;
}
