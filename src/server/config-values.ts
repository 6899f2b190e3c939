/** Parsing and canonical formatting of configuration values by type. */
import type { ParamSpec } from './config-params.js';

export interface ParsedValue {
  value?: number | boolean;
  error?: string;
}

const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1000,
  kb: 1024,
  m: 1000 * 1000,
  mb: 1024 * 1024,
  g: 1000 * 1000 * 1000,
  gb: 1024 * 1024 * 1024,
};

/** Redis's memtoull: "100mb", "1g", "512" ... Returns null when malformed. */
export function parseMemory(text: string): number | null {
  const m = /^(-?[0-9]+)([a-z]*)$/i.exec(text);
  if (!m) return null;
  const unit = MEMORY_UNITS[m[2].toLowerCase()];
  if (unit === undefined) return null;
  return Number(m[1]) * unit;
}

export function parseValue(spec: ParamSpec, text: string): ParsedValue {
  switch (spec.type) {
    case 'bool': {
      const lower = text.toLowerCase();
      if (lower === 'yes') return { value: true };
      if (lower === 'no') return { value: false };
      return { error: "argument must be 'yes' or 'no'" };
    }
    case 'int':
    case 'memory': {
      const n =
        spec.type === 'memory' ? parseMemory(text) : /^-?[0-9]+$/.test(text) ? Number(text) : null;
      if (n === null || !Number.isFinite(n)) {
        return {
          error:
            spec.type === 'memory'
              ? 'argument must be a memory value'
              : "argument couldn't be parsed into an integer",
        };
      }
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
        return { error: `argument must be between ${spec.min} and ${spec.max} inclusive` };
      }
      return { value: n };
    }
    case 'enum':
      if (!spec.values?.includes(text.toLowerCase())) {
        return { error: `argument(s) must be one of the following: ${spec.values?.join(', ')}` };
      }
      return {};
    default:
      return spec.validate ? { error: spec.validate(text) ?? undefined } : {};
  }
}

export function formatValue(
  spec: ParamSpec,
  text: string,
  parsed: number | boolean | undefined,
): string {
  switch (spec.type) {
    case 'bool':
      return parsed ? 'yes' : 'no';
    case 'int':
    case 'memory':
      return String(parsed);
    case 'enum':
      return text.toLowerCase();
    default:
      return spec.format ? spec.format(text) : text;
  }
}
