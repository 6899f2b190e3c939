/**
 * The first line of scripts and libraries: `#!lua flags=no-writes,allow-oom` for EVAL scripts,
 * `#!lua name=mylib` for FUNCTION LOAD. Errors are Redis 7.0's words.
 */
import { splitInlineArgs } from '../resp/inline.js';

/** Script flags (EVAL shebang and register_function), as Redis names them. */
export const SCRIPT_FLAGS: ReadonlySet<string> = new Set([
  'no-writes',
  'allow-oom',
  'allow-stale',
  'no-cluster',
  'allow-cross-slot-keys',
]);

export interface ScriptFlags {
  /** False for a script without a shebang (Redis's EVAL compatibility mode). */
  readonly shebang: boolean;
  readonly flags: ReadonlySet<string>;
}

const NO_FLAGS: ScriptFlags = { shebang: false, flags: new Set() };

/**
 * The flags of an EVAL script, and the body to compile: the shebang line becomes a comment so
 * that line numbers stay. An error text for a bad shebang.
 */
export function parseScriptShebang(body: string): { flags: ScriptFlags; code: string } | string {
  if (!body.startsWith('#!')) return { flags: NO_FLAGS, code: body };
  const end = body.indexOf('\n');
  if (end < 0) return 'ERR Invalid script shebang';
  const parts = body
    .slice(0, end)
    .split(' ')
    .filter((p) => p !== '');
  if (parts[0] !== '#!lua') return `ERR Unexpected engine in script shebang: ${parts[0]}`;
  const flags = new Set<string>();
  for (const part of parts.slice(1)) {
    if (!part.startsWith('flags=')) return `ERR Unknown lua shebang option: ${part}`;
    for (const flag of part.slice(6).split(',')) {
      if (flag === '') continue;
      if (!SCRIPT_FLAGS.has(flag)) return `ERR Unexpected flag in script shebang: ${flag}`;
      flags.add(flag);
    }
  }
  return { flags: { shebang: true, flags }, code: '--' + body.slice(2) };
}

/** The library name from a FUNCTION LOAD payload's first line, or an error text. */
export function parseLibraryShebang(code: string): { name: string } | string {
  if (!code.startsWith('#!')) return 'ERR Missing library metadata';
  const end = code.indexOf('\n');
  if (end < 0) return 'ERR Invalid library metadata';
  // Split as Redis splits it (sdssplitargs): name="foo" is the name foo.
  const parts = splitInlineArgs(code.slice(0, end));
  if (parts === null || parts.length === 0) return 'ERR Invalid library metadata';
  const engine = parts[0].slice(2);
  // Engines are looked up by name without regard to case, as in Redis's engine dictionary.
  if (engine.toLowerCase() !== 'lua') return `ERR Engine '${engine}' not found`;
  let name: string | null = null;
  for (const part of parts.slice(1)) {
    if (part.slice(0, 5).toLowerCase() !== 'name=')
      return `ERR Invalid metadata value given: ${part}`;
    if (name !== null) return 'ERR Invalid metadata value, name argument was given multiple times';
    name = part.slice(5);
  }
  if (name === null) return 'ERR Library name was not given';
  if (!isValidName(name)) {
    return 'ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long';
  }
  return { name };
}

/** Library and function names: letters, digits and underscores, at least one. */
export function isValidName(name: string): boolean {
  return /^[A-Za-z0-9_]+$/.test(name);
}
