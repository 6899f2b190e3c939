/**
 * Scripting for one server: the Lua interpreter, the EVAL script cache, the function libraries,
 * and the script that runs. Commands (src/commands/scripting.ts, function.ts) call in here.
 *
 * Busy scripts. A script runs to completion inside its command, atomically, unless it is still
 * running past busy-reply-threshold: then its count hook yields the Lua coroutine every few
 * milliseconds, the command's call stays open in the gate (its execution unit and its time with
 * it, so its writes still propagate together), the caller waits as if blocked, and the event loop
 * turns. Other clients are then answered BUSY, except for the commands Redis allows then
 * (SCRIPT KILL, FUNCTION KILL, SHUTDOWN NOSAVE ...), and the script goes on at the next turn.
 */
import { createHash } from 'node:crypto';
import type { CommandContext } from '../dispatch/context.js';
import type { BlockRequest, ServerServices } from '../dispatch/services.js';
import type { Command } from '../dispatch/table.js';
import type { ErrorSink } from '../resp/reply.js';
import { Err } from '../dispatch/errors.js';
import { parseInteger } from '../dispatch/numbers.js';
import { LuaRuntime } from './lua-engine.js';
import { writeLuaValue } from './lua-to-reply.js';
import { IGNORE_STATS } from './reply-to-lua.js';
import { parseScriptShebang, type ScriptFlags } from './shebang.js';
import { RunStatus, ScriptVM } from './script-vm.js';
import { ScriptRun, ScriptServices, type RunOptions } from './script-run.js';
import { FunctionLibraries, type FunctionInfo } from './function-libraries.js';

/** What the server lends scripting beyond its services. */
export interface ScriptingDeps {
  /** The server, which also counts error replies. */
  readonly server: ServerServices & ErrorSink;
  /** The running top-level call continues after its handler returns (see Gate.suspend). */
  suspendCall(): void;
  /** The suspended call is over. */
  finishSuspendedCall(): void;
  /** The clock reading (performance.now()) the running top-level command started at. */
  commandStartedAt(): number;
  /** A command the script called was refused before it ran (see Gate.rejectedElsewhere). */
  commandRejected(ctx: CommandContext, command: Command | null): void;
  /** A client the script kept waiting goes on with what it has sent since. */
  resumeClient(clientId: number): void;
}

interface CachedScript {
  readonly ref: number;
  readonly bodyLength: number;
  readonly flags: ScriptFlags;
  /** How EVAL and EVALSHA run it (made once, not at every call). */
  readonly options: RunOptions;
}

export interface ScriptingInfo {
  readonly evalVmBytes: number;
  readonly functionsVmBytes: number;
  readonly cachedScripts: number;
  /** The bytes of the cached scripts' bodies. */
  readonly scriptBytes: number;
  readonly functions: number;
  readonly libraries: number;
  readonly libraryBytes: number;
}

/** The caller of a suspended script waits on this: no key, no timeout, never served by keys. */
const WAITING_FOR_SCRIPT: BlockRequest = {
  keys: [],
  deadline: 0,
  serve: () => false,
  timedOut: () => undefined,
};

export class Scripting {
  private runtime: LuaRuntime | null = null;
  private evalVM: ScriptVM | null = null;
  private functionVM: ScriptVM | null = null;
  private readonly scripts = new Map<string, CachedScript>();
  private libraries: FunctionLibraries | null = null;
  /** The script or function running, kept while it is suspended. */
  private running: ScriptRun | null = null;
  private closed = false;
  private runServices: ScriptServices | null = null;
  /** A script was compiled since the last run started: the next run reads the clock again. */
  private compiledSinceStart = false;

  constructor(private readonly deps: ScriptingDeps) {}

  /** A command a script called was refused: its error is counted, as the gate counts one. */
  private readonly commandRejected = (
    scriptCtx: CommandContext,
    command: Command | null,
    error: string,
  ): void => {
    this.deps.server.onErrorReply(error);
    this.deps.commandRejected(scriptCtx, command);
  };

  /** Loads the interpreter (asynchronous: WebAssembly). */
  async start(): Promise<void> {
    if (this.runtime !== null) return;
    const runtime = await LuaRuntime.load();
    this.runtime = runtime;
    this.runServices = new ScriptServices(this.deps.server, this.commandRejected);
  }

  close(): void {
    this.closed = true;
    this.evalVM?.dispose();
    this.functionVM?.dispose();
    this.runtime?.dispose();
    this.evalVM = this.functionVM = null;
    this.runtime = null;
  }

  /** The function libraries (their Lua state starts at first use, as most servers never need it). */
  get functions(): FunctionLibraries {
    if (this.libraries === null) {
      this.functionVM = new ScriptVM(this.ready(this.runtime));
      this.libraries = new FunctionLibraries(this.functionVM);
    }
    return this.libraries;
  }

  /** The code of each function library, in load order (RDB files and AOF bases hold them). */
  libraryCodes(): string[] {
    return this.libraries === null ? [] : [...this.libraries.all()].map((library) => library.code);
  }

  /** The Lua state of EVAL scripts, started at first use. */
  private get evalState(): ScriptVM {
    this.evalVM ??= new ScriptVM(this.ready(this.runtime));
    return this.evalVM;
  }

  /** A script past busy-reply-threshold is running. */
  get busy(): boolean {
    return this.running?.busy ?? false;
  }

  /** The running script while it is busy (FUNCTION STATS). */
  get busyRun(): ScriptRun | null {
    return this.running?.busy === true ? this.running : null;
  }

  /**
   * Redis's refusal of a command while a script is busy (null when it may run): only commands
   * flagged allow_busy, and SHUTDOWN only with NOSAVE.
   */
  busyRefusal(command: Command, argv: readonly string[]): string | null {
    const run = this.running;
    if (run === null || !run.busy) return null;
    const refusal = run.options.isEval ? Err.busyScript : Err.busyFunction;
    if (!command.flags.has('allow_busy')) return refusal;
    if (command.name === 'shutdown' && !argv.some((a) => a.toLowerCase() === 'nosave'))
      return refusal;
    return null;
  }

  /** INFO memory's figures of scripting. */
  info(): ScriptingInfo {
    let scriptBytes = 0;
    for (const script of this.scripts.values()) scriptBytes += script.bodyLength;
    let libraryBytes = 0;
    for (const library of this.libraries?.all() ?? []) libraryBytes += library.code.length;
    return {
      evalVmBytes: this.evalVM?.memoryBytes() ?? 0,
      functionsVmBytes: this.functionVM?.memoryBytes() ?? 0,
      cachedScripts: this.scripts.size,
      scriptBytes,
      functions: this.libraries?.functionCount ?? 0,
      libraries: this.libraries?.libraryCount ?? 0,
      libraryBytes,
    };
  }

  // ---- EVAL scripts

  /** The sha1 of a script body, as Redis names scripts. */
  static sha1(body: string): string {
    return createHash('sha1').update(body, 'latin1').digest('hex');
  }

  /** SCRIPT LOAD: compiles (once) and caches; the sha, or an error text. */
  load(body: string): { sha: string; script: CachedScript } | string {
    const sha = Scripting.sha1(body);
    const cached = this.scripts.get(sha);
    if (cached !== undefined) return { sha, script: cached };
    const parsed = parseScriptShebang(body);
    if (typeof parsed === 'string') return parsed;
    const ref = this.evalState.compile(parsed.code, '@user_script');
    this.compiledSinceStart = true;
    if (typeof ref === 'string') return `ERR Error compiling script (new function): ${ref}`;
    const flags = parsed.flags.flags;
    const options = {
      name: sha,
      isEval: true,
      readOnly: flags.has('no-writes'),
      allowOom: flags.has('allow-oom'),
    };
    const script = { ref, bodyLength: body.length, flags: parsed.flags, options };
    this.scripts.set(sha, script);
    return { sha, script };
  }

  exists(sha: string): boolean {
    return this.scripts.has(lowerSha(sha));
  }

  /**
   * SCRIPT FLUSH: the cached scripts go, with the Lua state they ran in, as Redis resets its
   * scripting engine (settings a script changed, such as cjson's, return to their defaults).
   */
  flush(): void {
    this.scripts.clear();
    this.evalVM?.dispose();
    this.evalVM = null;
  }

  /** EVAL, EVALSHA and their _RO forms: argv is [command, script or sha, numkeys, ...]. */
  eval(ctx: CommandContext, argv: string[], bySha: boolean, readOnly: boolean): void {
    const keys = splitKeys(argv, Err.notInteger);
    let script: CachedScript | undefined;
    if (bySha) {
      // Looked up as given first: lowercasing it costs more than the lookup.
      script = this.scripts.get(argv[1]) ?? this.scripts.get(lowerSha(argv[1]));
      if (script === undefined) return ctx.reply.error(Err.noScript);
    } else {
      const loaded = this.load(argv[1]);
      if (typeof loaded === 'string') return ctx.reply.error(loaded);
      script = loaded.script;
    }
    const flags = script.flags;
    if (flags.shebang && readOnly && !flags.flags.has('no-writes')) {
      return ctx.reply.error(Err.scriptWriteFlagRo);
    }
    const options =
      readOnly && !script.options.readOnly ? { ...script.options, readOnly } : script.options;
    this.run(ctx, this.evalState, 'script', script.ref, argv, keys, options);
  }

  // ---- Functions

  /** FCALL and FCALL_RO: argv is [command, function, numkeys, ...]. */
  fcall(ctx: CommandContext, argv: string[], readOnly: boolean): void {
    const fn: FunctionInfo | undefined = this.functions.get(argv[1]);
    if (fn === undefined) return ctx.reply.error(Err.functionNotFound);
    const keys = splitKeys(argv, Err.badNumberOfKeys);
    if (readOnly && !fn.flags.has('no-writes')) return ctx.reply.error(Err.scriptWriteFlagRo);
    const options = {
      name: fn.name,
      isEval: false,
      readOnly: readOnly || fn.flags.has('no-writes'),
      allowOom: fn.flags.has('allow-oom'),
    };
    this.run(ctx, this.functions.vm, 'function', fn.ref, argv, keys, options);
  }

  /**
   * EVAL, EVALSHA or FCALL runs a script or function flagged no-writes, which CLIENT PAUSE WRITE
   * lets through as Redis does; one without flags, or not known yet, may write.
   */
  declaresNoWrites(commandName: string, argv: readonly string[]): boolean {
    if (commandName === 'fcall') {
      return this.libraries?.get(argv[1])?.flags.has('no-writes') ?? false;
    }
    const script =
      commandName === 'evalsha'
        ? this.scripts.get(lowerSha(argv[1]))
        : (this.scripts.get(Scripting.sha1(argv[1])) ?? parseScriptShebang(argv[1]));
    return typeof script === 'object' && script.flags.flags.has('no-writes');
  }

  /**
   * Whether EVAL, EVALSHA or FCALL (or their _RO forms) is refused past maxmemory before it runs,
   * as a command that may grow memory: a function, or a script with a shebang, that declares
   * neither allow-oom nor no-writes. Scripts without a shebang are checked at their first write.
   */
  deniedOnOom(commandName: string, argv: readonly string[]): boolean {
    let flags: ReadonlySet<string> | undefined;
    if (commandName.startsWith('fcall')) {
      flags = this.libraries?.get(argv[1])?.flags;
    } else {
      const script = commandName.startsWith('evalsha')
        ? this.scripts.get(lowerSha(argv[1]))
        : (this.scripts.get(Scripting.sha1(argv[1])) ?? parseScriptShebang(argv[1]));
      if (typeof script === 'object' && script.flags.shebang) flags = script.flags.flags;
    }
    return flags !== undefined && !flags.has('allow-oom') && !flags.has('no-writes');
  }

  /** SCRIPT KILL / FUNCTION KILL: null for OK, or the error. */
  kill(isEval: boolean): string | null {
    const run = this.running;
    if (run === null) return Err.notBusy;
    if (run.wrote) return Err.unkillable;
    if (isEval && !run.options.isEval) return Err.busyFunction;
    if (!isEval && run.options.isEval) return Err.busyScript;
    run.killed = true;
    return null;
  }

  // ---- Running

  private run(
    ctx: CommandContext,
    vm: ScriptVM,
    kind: 'script' | 'function',
    ref: number,
    argv: string[],
    keyCount: number | string,
    options: RunOptions,
  ): void {
    if (typeof keyCount === 'string') return ctx.reply.error(keyCount);
    const threshold = this.deps.server.config.numberValue('busy-reply-threshold');
    const canSuspend = ctx.server.blocking.mayBlock();
    // The script's time is taken as it starts, as in Redis. Run by the command itself, it starts
    // at the command's clock reading, unless compiling it (or, the first time, the Lua state and
    // WebAssembly code) took long enough that a PX it sets would expire early; inside MULTI it
    // starts after the commands queued before it.
    let startedAt: number;
    if (canSuspend && !this.compiledSinceStart) {
      startedAt = this.deps.commandStartedAt();
    } else {
      startedAt = performance.now();
      this.deps.server.keyspace.updateTime(startedAt);
    }
    this.compiledSinceStart = false;
    const run = new ScriptRun(
      options,
      ctx,
      argv,
      this.ready(this.runServices),
      startedAt,
      threshold,
      canSuspend,
    );
    this.running = run;
    vm.host = run;
    const status = vm.start(kind, ref, argv, keyCount);
    if (status === RunStatus.Suspended) this.suspend(run, vm);
    else this.complete(run, vm, status);
  }

  private suspend(run: ScriptRun, vm: ScriptVM): void {
    this.deps.suspendCall();
    run.caller.client.blockedOn = WAITING_FOR_SCRIPT;
    const next = (): void => {
      if (this.closed) return;
      run.sliceStarted();
      const status = vm.resume();
      if (status === RunStatus.Suspended) {
        setImmediate(next);
        return;
      }
      this.complete(run, vm, status);
      run.caller.client.blockedOn = null;
      this.deps.finishSuspendedCall();
      this.deps.resumeClient(run.caller.client.id);
    };
    setImmediate(next);
  }

  private complete(run: ScriptRun, vm: ScriptVM, status: RunStatus): void {
    const lua = this.ready(this.runtime);
    const T = vm.resultState;
    const out = { reply: run.caller.reply, resp: run.resp, uncountedErrors: 0 };
    if (status === RunStatus.Done) {
      writeLuaValue(lua, T, out);
    } else {
      const error = errorReplyOf(lua, T, run.options.name);
      out.reply.error(error.message, { counted: error.counted });
      if (!error.counted) out.uncountedErrors++;
    }
    // An error counted already (a command's) still makes the script's call a failed one, as Redis.
    if (out.uncountedErrors > 0 && run.caller.command !== null) {
      run.caller.command.stats.failedCalls += out.uncountedErrors;
    }
    vm.finish();
    vm.host = null;
    this.running = null;
  }

  private ready<T>(value: T | null): T {
    if (value === null) throw new Error('scripting is not started');
    return value;
  }
}

/** The key count of argv[2]: a number of keys, or the error to reply. */
function splitKeys(argv: readonly string[], notANumber: string): number | string {
  const text = argv[2];
  const digit = text.length === 1 ? text.charCodeAt(0) - 48 : -1;
  // A number beyond 2^53 is imprecise, but as far out of range as the exact one.
  const n = digit >= 0 && digit <= 9 ? digit : parseInteger(text);
  if (n === null) return notANumber;
  if (n > argv.length - 3) return Err.tooManyKeys;
  if (n < 0) return Err.negativeKeys;
  return n;
}

function lowerSha(sha: string): string {
  return sha.length === 40 ? sha.replace(/[A-Z]/g, (c) => c.toLowerCase()) : sha;
}

/**
 * A failed script's error reply from its error table {err=, source=, line=}: the message, then
 * where it was raised, as Redis 7.0 prints it; not counted again when a command's error it is.
 */
function errorReplyOf(
  lua: LuaRuntime,
  T: number,
  name: string,
): { message: string; counted: boolean } {
  const api = lua.api;
  if (api.lua_type(T, -1) !== 5 /* table */) {
    return {
      message: `ERR Error running script ${name}, ${lua.toString(T, -1).slice(0, 100)}`,
      counted: true,
    };
  }
  const field = (key: string): string | null => {
    lua.pushString(T, key);
    const type = api.lua_rawget(T, -2);
    const value = type === 4 || type === 3 ? lua.toString(T, -1) : type === 1 ? 'true' : null;
    api.lua_settop(T, -2);
    return value;
  };
  const err = field('err') ?? 'ERR unknown error';
  const source = field('source');
  const line = field('line');
  const message =
    source !== null && line !== null ? `${err} script: ${name}, on ${source}:${line}.` : err;
  return { message, counted: field(IGNORE_STATS) === null };
}
