/**
 * The configuration table of one server: every Redis 7.0 parameter (config-params.ts) with its
 * current value, behind CONFIG GET / SET / REWRITE and the redis.conf / command-line loader.
 * Values are kept typed (bigint for numbers, as C's integer types behave); numbers and booleans
 * are also cached as plain JS values for the hot path (numberValue, boolValue).
 */
import { Err } from '../dispatch/errors.js';
import type { ConfigStore } from '../dispatch/services.js';
import { globMatch } from '../keyspace/glob.js';
import { CONFIG_PARAMS, type ParamSpec } from './config-params.js';
import { rewriteConfigFile } from './config-rewrite.js';

/** A value refused while loading redis.conf or the command line; the message is Redis's. */
export class ConfigError extends Error {}

/** A parameter under one of its names (an alias is registered on its own, as in Redis). */
interface Entry {
  name: string;
  spec: ParamSpec;
}

/** Called after CONFIG SET changed a parameter; returns an error text to undo the change. */
export type ConfigListener = (name: string) => string | void;

export class Config implements ConfigStore {
  private readonly entries = new Map<string, Entry>();
  private readonly values = new Map<string, unknown>();
  private readonly defaults = new Map<string, unknown>();
  /** numberValue / boolValue, kept in step with `values`. */
  private readonly plain = new Map<string, number | boolean>();
  private readonly listeners: ConfigListener[] = [];
  /** Parameters set while loading, so that repeated `save` lines add up as in Redis. */
  private readonly loaded = new Set<string>();
  /** The absolute path of the redis.conf the server was started with, for CONFIG REWRITE. */
  file: string | null = null;

  constructor() {
    for (const spec of CONFIG_PARAMS) {
      const initial =
        typeof spec.default === 'function' ? (spec.default as () => unknown)() : spec.default;
      this.defaults.set(spec.name, initial);
      this.store(spec, initial);
      this.entries.set(spec.name, { name: spec.name, spec });
      if (spec.alias) this.entries.set(spec.alias, { name: spec.alias, spec });
    }
  }

  onChange(listener: ConfigListener): void {
    this.listeners.push(listener);
  }

  /** The CONFIG GET text of a parameter (any of its names, any case), or undefined. */
  get(name: string): string | undefined {
    const entry = this.entry(name);
    return entry && entry.spec.type.format(this.values.get(entry.spec.name));
  }

  /** The typed value of a parameter (bigint for numbers, arrays for multi-word ones ...). */
  value<T>(name: string): T {
    return this.values.get(this.entry(name)!.spec.name) as T;
  }

  numberValue(name: string): number {
    return this.plain.get(name) as number;
  }

  boolValue(name: string): boolean {
    return this.plain.get(name) as boolean;
  }

  /**
   * CONFIG GET: the parameters named or matched by the patterns, each once. An exact name is
   * reported as it was written; pattern matches by their registered name, and hidden parameters
   * only answer to their exact name.
   */
  match(patterns: readonly string[]): [string, string][] {
    const found = new Map<string, [string, string]>();
    for (const pattern of patterns) {
      if (!/[[*?]/.test(pattern)) {
        const entry = this.entry(pattern);
        if (entry && !found.has(entry.name))
          found.set(entry.name, [pattern, this.formatted(entry)]);
        continue;
      }
      for (const entry of this.entries.values()) {
        if (entry.spec.hidden || found.has(entry.name)) continue;
        if (globMatch(pattern, entry.name, true))
          found.set(entry.name, [entry.name, this.formatted(entry)]);
      }
    }
    return [...found.values()];
  }

  /**
   * Sets a parameter at startup (redis.conf, the command line, startServer options): immutable
   * parameters are allowed and no listener runs. `args` are the words of a redis.conf line; a
   * single string is split like CONFIG SET splits it.
   */
  load(name: string, args: string | readonly string[]): void {
    const entry = this.entry(name);
    if (!entry) throw new ConfigError('Bad directive or wrong number of arguments');
    const spec = entry.spec;
    const words = typeof args === 'string' ? this.split(spec, args) : args;
    if (!spec.type.multiArg && words.length !== 1)
      throw new ConfigError('wrong number of arguments');
    const parsed = spec.type.parse(words, {
      current: this.values.get(spec.name),
      loading: true,
      seenInFile: this.loaded.has(spec.name),
    });
    if ('error' in parsed) throw new ConfigError(parsed.error);
    this.loaded.add(spec.name);
    this.store(spec, parsed.value);
  }

  /**
   * CONFIG SET of several parameters, all or nothing: every name is checked, then every value is
   * set, then listeners apply them; any failure restores the previous values. Returns Redis's
   * error reply, or null. `localClient` matters for protected parameters.
   */
  setMany(pairs: readonly [string, string][], options: { localClient: boolean }): string | null {
    const entries: Entry[] = [];
    let unknown: string | null = null;
    let refused: { name: string; reason: string } | null = null;
    for (const [name] of pairs) {
      const entry = this.entry(name);
      if (!entry) {
        if (refused === null && unknown === null) unknown = name;
        continue;
      }
      if (unknown !== null || refused !== null) continue;
      const reason = this.refusal(entry, options.localClient, entries);
      if (reason) refused = { name, reason };
      entries.push(entry);
    }
    if (unknown !== null) return Err.configUnknownOption(unknown);
    if (refused !== null) return Err.configSetFailed(refused.name, refused.reason);

    const previous = entries.map((entry) => this.values.get(entry.spec.name));
    const changed: Entry[] = [];
    for (let i = 0; i < entries.length; i++) {
      const { spec, name } = entries[i];
      const before = this.values.get(spec.name);
      const parsed = spec.type.parse(this.split(spec, pairs[i][1]), {
        current: before,
        loading: false,
        seenInFile: false,
      });
      if ('error' in parsed) {
        this.restore(entries.slice(0, i + 1), previous);
        return Err.configSetFailed(name, parsed.error);
      }
      this.store(spec, parsed.value);
      if (!spec.type.equals(before, this.values.get(spec.name))) changed.push(entries[i]);
    }
    for (const entry of changed) {
      const error = this.notify(entry.spec.name);
      if (error) {
        this.restore(entries, previous);
        for (const undone of changed) this.notify(undone.spec.name);
        return Err.configSetFailed(entry.name, error);
      }
    }
    return null;
  }

  /** CONFIG REWRITE: Redis's error reply, or null once the file is rewritten. */
  rewrite(): string | null {
    if (this.file === null) return Err.noConfigFile;
    const params = CONFIG_PARAMS.map((spec) => ({
      name: spec.name,
      lines: spec.type.rewrite(spec.name, this.values.get(spec.name), this.defaults.get(spec.name)),
    }));
    // With an aclfile the users live there, and `user` lines are dropped (as Redis does).
    const users = this.get('aclfile') === '' ? this.userLines() : [];
    params.push({ name: 'user', lines: users.map((text) => ({ text, force: true })) });
    params.push({ name: 'loadmodule', lines: [] });
    const error = rewriteConfigFile(this.file, params, (name) => this.entry(name)?.spec.name);
    return error === null ? null : Err.configRewriteFailed(error);
  }

  /** The `user` lines CONFIG REWRITE writes: the server's ACL users. */
  userLines: () => string[] = () => [];

  private entry(name: string): Entry | undefined {
    return this.entries.get(name) ?? this.entries.get(name.toLowerCase());
  }

  private formatted(entry: Entry): string {
    return entry.spec.type.format(this.values.get(entry.spec.name));
  }

  /** CONFIG SET splits a multi-word parameter on single spaces (Redis's sdssplitlen). */
  private split(spec: ParamSpec, text: string): string[] {
    if (!spec.type.multiArg) return [text];
    return text === '' ? [] : text.split(' ');
  }

  private refusal(entry: Entry, localClient: boolean, earlier: readonly Entry[]): string | null {
    const spec = entry.spec;
    if (spec.immutable) return "can't set immutable config";
    if (spec.protected && !this.allowsProtected(localClient)) return "can't set protected config";
    // An alias and its parameter count as two (Redis compares the registered entries).
    if (earlier.some((e) => e.name === entry.name)) return 'duplicate parameter';
    return null;
  }

  private allowsProtected(localClient: boolean): boolean {
    const mode = this.get('enable-protected-configs');
    return mode === 'yes' || (mode === 'local' && localClient);
  }

  private restore(entries: readonly Entry[], previous: readonly unknown[]): void {
    entries.forEach((entry, i) => this.store(entry.spec, previous[i]));
  }

  private notify(name: string): string | null {
    for (const listener of this.listeners) {
      const error = listener(name);
      if (error) return error;
    }
    return null;
  }

  private store(spec: ParamSpec, value: unknown): void {
    const normalized = spec.normalize ? spec.normalize(value) : value;
    this.values.set(spec.name, normalized);
    if (typeof normalized === 'bigint') this.plain.set(spec.name, Number(normalized));
    else if (typeof normalized === 'boolean') this.plain.set(spec.name, normalized);
  }
}
