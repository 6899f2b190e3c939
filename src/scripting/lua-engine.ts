/**
 * The Lua interpreter under EVAL and FCALL: wasmoon's Lua 5.4 (the reference C implementation
 * compiled to WebAssembly), driven through its raw C API.
 *
 * Why wasmoon. Candidates from the npm registry, measured against redis-server 7.0 on 158 probes of
 * number printing, string.format, tonumber, error messages and library behaviour, and on a round
 * trip of `return redis.call('INCR', KEYS[1])` through a JS callback:
 *  - wasmoon 1.16 (Lua 5.4, C in wasm): 121/158 probes identical as it comes. The prelude bridges
 *    most of the rest (5.1 number printing in tostring, string.format and table.concat, %d of
 *    non-integers, 5.1 error word order, unpack, getn, loadstring, math.mod ...). Its C library
 *    (printf, patterns, sort) is the real one and its integers are 64-bit. 2.8 us per round trip
 *    through the raw exports.
 *  - fengari 0.1.5 (Lua 5.3 reimplemented in JS): 90/158 (114 with LUA_COMPAT_FLOATSTRING);
 *    32-bit integers (2147483647 + 1 wraps, millisecond timestamps overflow), %g, %e, inf and nan
 *    printed the JavaScript way. 5.7 us per round trip.
 *  - lua-wasm-bindings 0.5 ships a genuine Lua 5.1.5 in wasm, but exports no way to call back
 *    into JS (no lua_pushcclosure) nor binary-safe strings: redis.call cannot be built on it.
 * What stays visible of 5.4 (docs/compatibility.md): the `..` operator prints an integral float
 * as "5.0" where 5.1 prints "5" (the VM formats it, no library function is involved), 5.3 syntax
 * (`//`, bitwise operators) compiles, and tables iterate in another order.
 *
 * wasmoon's own JS wrappers (a debug build: every export goes through an assertion wrapper)
 * cost 40% more per call, so the raw WebAssembly exports are taken from the instance and used
 * directly. Strings cross as latin1 bytes, so binary values go through unchanged.
 */
import { createRequire } from 'node:module';

/**
 * wasmoon is CommonJS in a package without a "type" field: imported as ESM, Node parses its 150 kB
 * twice (module-format detection, then the lexer of CommonJS exports), about 0.2 s of every
 * server start; require() loads it directly.
 */
const { LuaWasm } = createRequire(import.meta.url)('wasmoon') as typeof import('wasmoon');

/** A lua_State pointer. */
export type LuaPtr = number;

export const LUA_OK = 0;
export const LUA_YIELD = 1;
export const LUA_TNIL = 0;
export const LUA_TBOOLEAN = 1;
export const LUA_TNUMBER = 3;
export const LUA_TSTRING = 4;
export const LUA_TTABLE = 5;
export const LUA_REGISTRYINDEX = -1001000;
/** lua_upvalueindex(1). */
export const LUA_FIRST_UPVALUE = LUA_REGISTRYINDEX - 1;
export const LUA_MASKCOUNT = 8;

/** The raw exports of the Lua C API used here (names as the wasm module exports them). */
export interface LuaApi {
  malloc(size: number): number;
  free(ptr: number): void;
  luaL_newstate(): LuaPtr;
  luaL_openlibs(L: LuaPtr): void;
  lua_close(L: LuaPtr): void;
  luaL_loadbufferx(L: LuaPtr, buff: number, size: number, name: number, mode: number): number;
  lua_pcallk(
    L: LuaPtr,
    nargs: number,
    nresults: number,
    msgh: number,
    ctx: number,
    k: number,
  ): number;
  lua_resume(L: LuaPtr, from: LuaPtr, nargs: number, nresults: number): number;
  lua_newthread(L: LuaPtr): LuaPtr;
  lua_resetthread(L: LuaPtr): number;
  lua_sethook(L: LuaPtr, fn: number, mask: number, count: number): void;
  lua_yieldk(L: LuaPtr, nresults: number, ctx: number, k: number): number;
  lua_isyieldable(L: LuaPtr): number;
  lua_error(L: LuaPtr): number;
  lua_gettop(L: LuaPtr): number;
  lua_checkstack(L: LuaPtr, n: number): number;
  lua_settop(L: LuaPtr, idx: number): void;
  lua_pushvalue(L: LuaPtr, idx: number): void;
  lua_rotate(L: LuaPtr, idx: number, n: number): void;
  lua_isstring(L: LuaPtr, idx: number): number;
  lua_concat(L: LuaPtr, n: number): void;
  luaL_where(L: LuaPtr, level: number): void;
  lua_xmove(from: LuaPtr, to: LuaPtr, n: number): void;
  lua_type(L: LuaPtr, idx: number): number;
  lua_isinteger(L: LuaPtr, idx: number): number;
  lua_tolstring(L: LuaPtr, idx: number, len: number): number;
  lua_tonumberx(L: LuaPtr, idx: number, isnum: number): number;
  lua_tointegerx(L: LuaPtr, idx: number, isnum: number): bigint;
  lua_toboolean(L: LuaPtr, idx: number): number;
  lua_pushnil(L: LuaPtr): void;
  lua_pushnumber(L: LuaPtr, n: number): void;
  lua_pushinteger(L: LuaPtr, n: bigint): void;
  lua_pushlstring(L: LuaPtr, s: number, len: number): number;
  lua_stringtonumber(L: LuaPtr, s: number): number;
  lua_pushboolean(L: LuaPtr, b: number): void;
  lua_pushlightuserdata(L: LuaPtr, p: number): void;
  lua_pushcclosure(L: LuaPtr, fn: number, n: number): void;
  lua_createtable(L: LuaPtr, narr: number, nrec: number): void;
  lua_rawget(L: LuaPtr, idx: number): number;
  lua_rawset(L: LuaPtr, idx: number): void;
  lua_rawgeti(L: LuaPtr, idx: number, n: bigint): number;
  lua_rawseti(L: LuaPtr, idx: number, n: bigint): void;
  lua_next(L: LuaPtr, idx: number): number;
  luaL_ref(L: LuaPtr, t: number): number;
  luaL_unref(L: LuaPtr, t: number, ref: number): void;
  lua_setglobal(L: LuaPtr, name: number): void;
  lua_getglobal(L: LuaPtr, name: number): number;
}

/** Lua interns its short strings (up to LUAI_MAXSHORTLEN bytes): one address per text. */
const SHORT_STRING_MAX = 40;
/** Slots of the cache of decoded short strings (a power of two). */
const DECODED_SLOTS = 256;
/**
 * Below this length, concatenating characters makes a flat string; from it on V8 makes a rope,
 * which every later hash or comparison (a key lookup) has to flatten again.
 */
const FLAT_CONCAT_MAX = 12;

interface WasmoonModule {
  addFunction(fn: (...args: number[]) => number | void, signature: string): number;
  removeFunction(ptr: number): void;
  HEAPU8: Uint8Array;
}

/**
 * One loaded interpreter: a WebAssembly instance of Lua that can host several lua_States. Each
 * server loads its own, so servers in one process share nothing.
 */
export class LuaRuntime {
  /** The wasm memory (a Buffer for its latin1 codec). */
  private heap: Buffer;
  /** The memory grew since `heap` was made: its buffer is detached. */
  private heapStale = false;
  private readonly memory: WebAssembly.Memory;
  /** Scratch memory strings are copied through on their way into Lua. */
  private scratch = 0;
  private scratchSize = 0;
  /** A size_t out-parameter for lua_tolstring. */
  readonly lenPtr: number;
  private readonly functions: number[] = [];
  private readonly cStrings = new Map<string, number>();
  /**
   * The strings toString decoded last, by address: a script passes the same command names and
   * keys again and again, and the same string object hashes and compares faster in the keyspace.
   */
  private readonly decodedAt = new Int32Array(DECODED_SLOTS);
  private readonly decoded: string[] = new Array<string>(DECODED_SLOTS).fill('');

  private constructor(
    readonly api: LuaApi,
    private readonly module: WasmoonModule,
    exportsMemory: WebAssembly.Memory,
    patch: ImportPatch,
  ) {
    patch.memoryGrown = () => (this.heapStale = true);
    this.memory = exportsMemory;
    this.heap = Buffer.from(exportsMemory.buffer);
    this.lenPtr = api.malloc(8);
    this.ensureScratch(4096);
  }

  static async load(): Promise<LuaRuntime> {
    const instances = new Map<WebAssembly.Exports, ImportPatch | null>();
    const instantiate = WebAssembly.instantiate;
    // The raw exports are only reachable from the instance, so it is noted as it is created.
    const capture = async (...args: Parameters<typeof WebAssembly.instantiate>) => {
      const patch = patchImports(args[1]);
      const result = (await (instantiate as (...a: unknown[]) => Promise<unknown>)(...args)) as
        WebAssembly.Instance | WebAssembly.WebAssemblyInstantiatedSource;
      const exports = 'instance' in result ? result.instance.exports : result.exports;
      patch?.bind(exports);
      instances.set(exports, patch);
      return result;
    };
    WebAssembly.instantiate = capture as typeof WebAssembly.instantiate;
    let wasm: InstanceType<typeof LuaWasm>;
    try {
      wasm = await LuaWasm.initialize();
    } finally {
      if (WebAssembly.instantiate === (capture as unknown)) WebAssembly.instantiate = instantiate;
    }
    const module = wasm.module as unknown as WasmoonModule;
    // Other loads may run at the same time: ours is the instance whose memory the module uses.
    const exports = [...instances.keys()].find(
      (e) => (e.memory as WebAssembly.Memory).buffer === module.HEAPU8.buffer,
    );
    if (exports === undefined) throw new Error('Lua runtime: WebAssembly exports not found');
    const patch = instances.get(exports);
    if (!patch) throw new Error('Lua runtime: unexpected imports of the wasmoon module');
    return new LuaRuntime(
      exports as unknown as LuaApi,
      module,
      exports.memory as WebAssembly.Memory,
      patch,
    );
  }

  /**
   * The wasm memory as bytes (a new view after the memory grew: growing detaches the old buffer).
   * The module says when it grows (see patchImports): reading the view's byteLength, as a test of
   * detachment, costs V8 a call into its runtime (20 ns) on memory a module owns.
   */
  bytes(): Buffer {
    if (this.heapStale) {
      this.heapStale = false;
      this.heap = Buffer.from(this.memory.buffer);
    }
    return this.heap;
  }

  /** Pushes a latin1 string onto L's stack, byte for byte. */
  pushString(L: LuaPtr, s: string): void {
    const length = s.length;
    if (length > this.scratchSize) this.ensureScratch(length);
    const heap = this.bytes();
    const at = this.scratch;
    if (length < 64) {
      for (let i = 0; i < length; i++) heap[at + i] = s.charCodeAt(i);
    } else {
      heap.latin1Write(s, at, length);
    }
    this.api.lua_pushlstring(L, at, length);
  }

  /**
   * Pushes the integer written in decimal digits (within int64) in text[from, to), as Lua's own
   * conversion reads it: cheaper than making the BigInt lua_pushinteger takes.
   */
  pushIntegerDigits(L: LuaPtr, text: string, from = 0, to = text.length): void {
    const length = to - from;
    if (length >= this.scratchSize) this.ensureScratch(length + 1);
    const heap = this.bytes();
    const at = this.scratch - from;
    for (let i = from; i < to; i++) heap[at + i] = text.charCodeAt(i);
    heap[at + to] = 0;
    this.api.lua_stringtonumber(L, this.scratch);
  }

  /** The string (or number, converted in place as lua_tolstring does) at idx, as latin1. */
  toString(L: LuaPtr, idx: number): string {
    const ptr = this.api.lua_tolstring(L, idx, this.lenPtr);
    const heap = this.bytes();
    const length =
      heap[this.lenPtr] |
      (heap[this.lenPtr + 1] << 8) |
      (heap[this.lenPtr + 2] << 16) |
      (heap[this.lenPtr + 3] << 24);
    if (length > SHORT_STRING_MAX) return heap.latin1Slice(ptr, ptr + length);
    // An address can be reused by another string once the first is collected: the text is compared.
    const slot = (ptr >>> 3) & (DECODED_SLOTS - 1);
    const known = this.decoded[slot];
    if (this.decodedAt[slot] === ptr && known.length === length && sameText(heap, ptr, known)) {
      return known;
    }
    let s = '';
    if (length <= FLAT_CONCAT_MAX) {
      for (let i = 0; i < length; i++) s += String.fromCharCode(heap[ptr + i]);
    } else {
      s = heap.latin1Slice(ptr, ptr + length);
    }
    this.decodedAt[slot] = ptr;
    this.decoded[slot] = s;
    return s;
  }

  /**
   * Pushes t[n] of the table at idx (absolute, relative or the registry) and returns its type:
   * lua_rawgeti without its 64-bit argument, which V8 passes through its slow generic JS-to-wasm
   * wrapper. The float key finds the integer one: Lua normalizes integral float keys.
   */
  rawGetIndex(L: LuaPtr, idx: number, n: number): number {
    this.api.lua_pushnumber(L, n);
    return this.api.lua_rawget(L, idx < 0 && idx > LUA_REGISTRYINDEX ? idx - 1 : idx);
  }

  /** A NUL-terminated copy of an ASCII name, kept for the runtime's lifetime. */
  cString(s: string): number {
    let ptr = this.cStrings.get(s);
    if (ptr === undefined) {
      ptr = this.api.malloc(s.length + 1);
      const heap = this.bytes();
      for (let i = 0; i < s.length; i++) heap[ptr + i] = s.charCodeAt(i);
      heap[ptr + s.length] = 0;
      this.cStrings.set(s, ptr);
    }
    return ptr;
  }

  /** Loads a chunk of Lua source under a chunk name; returns the status (the function or error is pushed). */
  loadChunk(L: LuaPtr, source: string, chunkName: string): number {
    if (source.length > this.scratchSize) this.ensureScratch(source.length);
    const heap = this.bytes();
    heap.latin1Write(source, this.scratch, source.length);
    return this.api.luaL_loadbufferx(L, this.scratch, source.length, this.cString(chunkName), 0);
  }

  /** Makes a JS function callable from Lua as a lua_CFunction (int f(lua_State*)). */
  cFunction(fn: (L: LuaPtr) => number): number {
    const ptr = this.module.addFunction(fn, 'ii');
    this.functions.push(ptr);
    return ptr;
  }

  /** A lua_Hook (void f(lua_State*, lua_Debug*)). */
  hookFunction(fn: (L: LuaPtr) => void): number {
    const ptr = this.module.addFunction((L: number) => fn(L), 'vii');
    this.functions.push(ptr);
    return ptr;
  }

  /** Frees what this runtime registered in the shared function table. */
  dispose(): void {
    for (const ptr of this.functions.splice(0)) this.module.removeFunction(ptr);
  }

  private ensureScratch(size: number): void {
    if (this.scratch !== 0) this.api.free(this.scratch);
    this.scratchSize = Math.max(size, this.scratchSize * 2);
    this.scratch = this.api.malloc(this.scratchSize);
    if (this.scratch === 0) throw new Error('Lua runtime: out of memory');
  }
}

/** What LuaRuntime.load changes among the module's imports (see patchImports). */
interface ImportPatch {
  /** The instance exists: the new imports may use its exports. */
  bind(exports: WebAssembly.Exports): void;
  /** Called after the memory grew. */
  memoryGrown: () => void;
}

/**
 * Two of the module's imports are replaced as it is instantiated (null when the imports are not
 * the expected ones):
 *  - Lua's protected calls (lua_pcall, lua_resume, pcall) run under setjmp, which Emscripten
 *    builds as a call out to JS (invoke_vii) that calls back into the module and catches
 *    longjmp's throw. wasmoon's invoke_vii checks the function table against its mirror and calls
 *    stackSave and stackRestore through assertion wrappers: about 130 ns of every protected call.
 *    This one does the same work directly. The functions called this way are the interpreter's
 *    own (the static part of the table, never replaced), so they are kept as looked up once.
 *  - emscripten_resize_heap, through which the module grows its memory, also says it did.
 */
function patchImports(imports: WebAssembly.Imports | undefined): ImportPatch | null {
  const env = imports?.env;
  type Fn = (...args: number[]) => number;
  const resize = env?.emscripten_resize_heap;
  if (env === undefined || typeof env.invoke_vii !== 'function' || typeof resize !== 'function') {
    return null;
  }
  let table: WebAssembly.Table | null = null;
  let staticEntries = 0;
  const entries: Fn[] = [];
  let stackSave: Fn = () => 0;
  let stackRestore: Fn = () => 0;
  let setThrew: Fn = () => 0;
  const entry = (index: number): Fn => {
    if (index >= staticEntries) return (table as WebAssembly.Table).get(index) as Fn;
    return (entries[index] ??= (table as WebAssembly.Table).get(index) as Fn);
  };
  env.invoke_vii = (index: number, a: number, b: number): void => {
    const stack = stackSave();
    try {
      entry(index)(a, b);
    } catch (e) {
      stackRestore(stack);
      // longjmp throws a number; anything else is a real exception.
      if (typeof e !== 'number') throw e;
      setThrew(1, 0);
    }
  };
  const patch: ImportPatch = {
    bind(exports) {
      table = exports.__indirect_function_table as WebAssembly.Table;
      staticEntries = table.length;
      stackSave = exports.stackSave as Fn;
      stackRestore = exports.stackRestore as Fn;
      setThrew = exports.setThrew as Fn;
    },
    memoryGrown: () => undefined,
  };
  env.emscripten_resize_heap = (size: number): number => {
    const grown = (resize as Fn)(size);
    patch.memoryGrown();
    return grown;
  };
  return patch;
}

/** Whether the bytes at ptr spell s (latin1). */
function sameText(heap: Uint8Array, ptr: number, s: string): boolean {
  for (let i = 0; i < s.length; i++) if (heap[ptr + i] !== s.charCodeAt(i)) return false;
  return true;
}
