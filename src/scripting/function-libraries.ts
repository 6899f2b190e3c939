/**
 * Redis 7 function libraries: FUNCTION LOAD compiles a library and runs its code once, during
 * which redis.register_function() declares its functions; FCALL then calls them by name. A load
 * either succeeds whole or changes nothing.
 */
import { isValidName, parseLibraryShebang } from './shebang.js';
import { RunStatus, ScriptError, type ScriptHost, type ScriptVM } from './script-vm.js';

const LOAD_TIMEOUT_MS = 500;

export interface FunctionInfo {
  readonly name: string;
  readonly ref: number;
  readonly flags: ReadonlySet<string>;
  readonly description: string | null;
  readonly library: Library;
}

export interface Library {
  readonly name: string;
  readonly code: string;
  /** By lower-case name. */
  readonly functions: Map<string, FunctionInfo>;
}

/** The restore policies of FUNCTION RESTORE. */
export type RestorePolicy = 'flush' | 'append' | 'replace';

export class FunctionLibraries {
  private libraries = new Map<string, Library>();
  private functions = new Map<string, FunctionInfo>();

  constructor(readonly vm: ScriptVM) {}

  /** Function and library names are case-insensitive, as Redis's dictionaries of them. */
  get(name: string): FunctionInfo | undefined {
    return this.functions.get(nameKey(name));
  }

  all(): IterableIterator<Library> {
    return this.libraries.values();
  }

  get functionCount(): number {
    return this.functions.size;
  }

  get libraryCount(): number {
    return this.libraries.size;
  }

  /** FUNCTION LOAD: the library's name, or an error text. */
  load(code: string, replace: boolean): string | { error: string } {
    // As Redis, a clash of library names is found before the code runs.
    const meta = parseLibraryShebang(code);
    if (typeof meta !== 'string' && !replace && this.libraries.has(nameKey(meta.name))) {
      return { error: `ERR Library '${meta.name}' already exists` };
    }
    const library = this.compile(code);
    if ('error' in library) return library;
    const error = this.install(
      [library],
      replace,
      (name) => `ERR Library '${name}' already exists`,
    );
    return error === null ? library.name : { error };
  }

  /** FUNCTION DELETE. */
  delete(name: string): boolean {
    const library = this.libraries.get(nameKey(name));
    if (library === undefined) return false;
    this.remove(library);
    return true;
  }

  flush(): void {
    for (const library of [...this.libraries.values()]) this.remove(library);
  }

  /** FUNCTION RESTORE of libraries' codes: null, or an error text (nothing changed then). */
  restore(codes: readonly string[], policy: RestorePolicy): string | null {
    const compiled: Library[] = [];
    for (const code of codes) {
      const library = this.compile(code);
      if ('error' in library) {
        for (const done of compiled) this.release(done);
        return library.error;
      }
      compiled.push(library);
    }
    const previous = policy === 'flush' ? [...this.libraries.values()] : [];
    const saved = { libraries: this.libraries, functions: this.functions };
    if (policy === 'flush') {
      this.libraries = new Map();
      this.functions = new Map();
    }
    const error = this.install(
      compiled,
      policy === 'replace',
      (name) => `ERR Library ${name} already exists`,
    );
    if (error !== null) {
      this.libraries = saved.libraries;
      this.functions = saved.functions;
      return error;
    }
    for (const library of previous) this.release(library);
    return null;
  }

  /**
   * Adds compiled libraries, replacing those of the same name when `replace`; an error text (and
   * nothing changed, the new libraries released) on a name clash.
   */
  private install(
    libraries: readonly Library[],
    replace: boolean,
    clash: (name: string) => string,
  ): string | null {
    const replaced = new Set<Library>();
    const names = new Set<string>();
    for (const library of libraries) {
      const old = this.libraries.get(nameKey(library.name));
      if (old !== undefined || names.has(nameKey(library.name))) {
        if (!replace || old === undefined) {
          libraries.forEach((l) => this.release(l));
          return clash(library.name);
        }
        replaced.add(old);
      }
      names.add(nameKey(library.name));
    }
    const taken = new Set<string>();
    for (const library of libraries) {
      for (const fn of library.functions.values()) {
        const key = nameKey(fn.name);
        const existing = this.functions.get(key);
        if (taken.has(key) || (existing !== undefined && !replaced.has(existing.library))) {
          libraries.forEach((l) => this.release(l));
          return `ERR Function ${fn.name} already exists`;
        }
        taken.add(key);
      }
    }
    for (const old of replaced) this.remove(old);
    for (const library of libraries) {
      this.libraries.set(nameKey(library.name), library);
      for (const fn of library.functions.values()) this.functions.set(nameKey(fn.name), fn);
    }
    return null;
  }

  private remove(library: Library): void {
    this.libraries.delete(nameKey(library.name));
    for (const key of library.functions.keys()) this.functions.delete(key);
    this.release(library);
  }

  private release(library: Library): void {
    for (const fn of library.functions.values()) this.vm.release(fn.ref);
  }

  /** Compiles a library and runs its code, collecting the functions it registers. */
  private compile(code: string): Library | { error: string } {
    const meta = parseLibraryShebang(code);
    if (typeof meta === 'string') return { error: meta };
    // The metadata line becomes a comment, so that line numbers stay.
    const ref = this.vm.compile('--' + code.slice(2), '@user_function', true);
    if (typeof ref === 'string') return { error: `ERR Error compiling function: ${ref}` };
    const library: Library = { name: meta.name, code, functions: new Map() };
    const loader = new LibraryLoader(library);
    this.vm.host = loader;
    const status = this.vm.start('library', ref);
    let error: string | null = null;
    if (status === RunStatus.Failed)
      error = `ERR Error registering functions: ${errorMessage(this.vm)}`;
    this.vm.finish();
    this.vm.host = null;
    this.vm.release(ref);
    if (error === null && library.functions.size === 0) error = 'ERR No functions registered';
    if (error !== null) {
      this.release(library);
      return { error };
    }
    return library;
  }
}

function nameKey(name: string): string {
  return name.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** The err field of the error table on top of the VM's coroutine. */
function errorMessage(vm: ScriptVM): string {
  const lua = vm.lua;
  const T = vm.resultState;
  if (lua.api.lua_type(T, -1) !== 5) return lua.toString(T, -1);
  lua.pushString(T, 'err');
  lua.api.lua_rawget(T, -2);
  return lua.toString(T, -1);
}

/** The host while a library's code runs: it may only register functions. */
class LibraryLoader implements ScriptHost {
  private readonly startedAt = performance.now();

  constructor(private readonly library: Library) {}

  call(): ScriptError {
    return new ScriptError('ERR redis.call/pcall can only be called inside a script invocation');
  }

  setResp(): void {}

  commandExists(): boolean {
    return false;
  }

  /** A library's code may run for 500 ms at most, as in Redis. */
  checkpoint(): ScriptError | null {
    if (performance.now() - this.startedAt < LOAD_TIMEOUT_MS) return null;
    return new ScriptError('ERR FUNCTION LOAD timeout');
  }

  registerFunction(
    name: string,
    ref: number,
    flags: string[],
    description: string | null,
  ): string | null {
    // Redis 7.0 words an invalid function name as it words an invalid library name.
    if (!isValidName(name)) {
      return 'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long';
    }
    if (this.library.functions.has(nameKey(name))) return 'Function already exists in the library';
    this.library.functions.set(nameKey(name), {
      name,
      ref,
      flags: new Set(flags),
      description,
      library: this.library,
    });
    return null;
  }
}
