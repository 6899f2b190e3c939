/**
 * The configuration table: every parameter with its type, default and mutability, behind CONFIG
 * GET/SET/REWRITE and the redis.conf / command-line loader. Values are kept in their canonical
 * text form (as CONFIG GET prints them) and, for numbers and booleans, parsed once on set.
 */
import type { ConfigStore } from '../dispatch/services.js';
import { globMatch } from '../keyspace/glob.js';
import { CONFIG_PARAMS, type ParamSpec } from './config-params.js';
import { formatValue, parseValue } from './config-values.js';

export class ConfigError extends Error {}

export class Config implements ConfigStore {
  private readonly specs = new Map<string, ParamSpec>();
  private readonly text = new Map<string, string>();
  private readonly parsed = new Map<string, number | boolean>();
  private readonly listeners: ((name: string) => void)[] = [];
  /** The file the config was loaded from, for CONFIG REWRITE. */
  file: string | null = null;

  constructor() {
    for (const spec of CONFIG_PARAMS) {
      this.specs.set(spec.name, spec);
      if (spec.alias) this.specs.set(spec.alias, spec);
      this.store(spec, spec.default);
    }
  }

  /** Called with the canonical name after a parameter changed (so the server can apply it). */
  onChange(listener: (name: string) => void): void {
    this.listeners.push(listener);
  }

  spec(name: string): ParamSpec | undefined {
    return this.specs.get(name.toLowerCase());
  }

  get(name: string): string | undefined {
    const spec = this.spec(name);
    return spec ? this.text.get(spec.name) : undefined;
  }

  numberValue(name: string): number {
    return this.parsed.get(name) as number;
  }

  boolValue(name: string): boolean {
    return this.parsed.get(name) as boolean;
  }

  match(pattern: string): [string, string][] {
    const out: [string, string][] = [];
    const lower = pattern.toLowerCase();
    for (const [name, spec] of this.specs) {
      if (globMatch(lower, name, true)) out.push([name, this.text.get(spec.name) as string]);
    }
    return out;
  }

  /** Sets a value at startup (config file or command line): immutable parameters allowed. */
  load(name: string, value: string): void {
    const spec = this.spec(name);
    if (!spec) throw new ConfigError(`Bad directive or wrong number of arguments`);
    this.apply(spec, value);
  }

  setMany(pairs: [string, string][]): string | null {
    const seen = new Set<string>();
    const resolved: [ParamSpec, string][] = [];
    for (const [name, value] of pairs) {
      const spec = this.spec(name);
      if (!spec) return `ERR Unknown option or number of arguments for CONFIG SET - '${name}'`;
      if (spec.immutable)
        return `ERR CONFIG SET failed (possibly related to argument '${name}') - can't set immutable config`;
      if (seen.has(spec.name))
        return `ERR CONFIG SET failed (possibly related to argument '${name}') - duplicate parameter`;
      seen.add(spec.name);
      resolved.push([spec, value]);
    }
    // Validate everything before changing anything.
    for (const [spec, value] of resolved) {
      const error = parseValue(spec, value).error;
      if (error)
        return `ERR CONFIG SET failed (possibly related to argument '${spec.name}') - ${error}`;
    }
    const previous = resolved.map(([spec]) => [spec, this.text.get(spec.name) as string] as const);
    for (const [spec, value] of resolved) {
      try {
        this.apply(spec, value);
      } catch (err) {
        for (const [s, old] of previous) this.apply(s, old);
        return `ERR CONFIG SET failed (possibly related to argument '${spec.name}') - ${(err as Error).message}`;
      }
    }
    return null;
  }

  rewrite(): string | null {
    return this.file === null ? 'ERR The server is running without a config file' : null;
  }

  private apply(spec: ParamSpec, value: string): void {
    const result = parseValue(spec, value);
    if (result.error) throw new ConfigError(result.error);
    this.store(spec, value);
    for (const listener of this.listeners) listener(spec.name);
  }

  private store(spec: ParamSpec, value: string): void {
    const result = parseValue(spec, value);
    if (result.error) throw new Error(`bad default for ${spec.name}: ${result.error}`);
    if (result.value !== undefined) this.parsed.set(spec.name, result.value);
    this.text.set(spec.name, formatValue(spec, value, result.value));
  }
}
