/**
 * Command declarations. Every command is declared once, next to its handler, with the metadata the
 * gate acts on (arity, flags, ACL categories, key specs). COMMAND INFO, ACL categories, key
 * extraction and the compatibility document are derived from these declarations; the prose
 * documentation (summary, arguments, history) comes from Redis's reference in docs.ts.
 */
import type { CommandContext } from './context.js';

/** Redis 7.0 command flags, as COMMAND INFO prints them. */
export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'module'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'skip_monitor'
  | 'skip_slowlog'
  | 'asking'
  | 'fast'
  | 'no_auth'
  | 'may_replicate'
  | 'sentinel'
  | 'only_sentinel'
  | 'no_mandatory_keys'
  | 'protected'
  | 'module_no_cluster'
  | 'no_multi'
  | 'no_async_loading'
  | 'allow_busy';

/** ACL categories in Redis's own order (the order COMMAND INFO lists them in). */
export const ACL_CATEGORIES = [
  'keyspace',
  'read',
  'write',
  'set',
  'sortedset',
  'list',
  'hash',
  'string',
  'bitmap',
  'hyperloglog',
  'geo',
  'stream',
  'pubsub',
  'admin',
  'fast',
  'slow',
  'blocking',
  'dangerous',
  'connection',
  'transaction',
  'scripting',
] as const;
export type AclCategory = (typeof ACL_CATEGORIES)[number];

export type KeySpecFlag =
  | 'RO'
  | 'RW'
  | 'OW'
  | 'RM'
  | 'ACCESS'
  | 'UPDATE'
  | 'INSERT'
  | 'DELETE'
  | 'NOT_KEY'
  | 'INCOMPLETE'
  | 'VARIABLE_FLAGS';

/** Where the search for keys begins: at a fixed argument, or after a keyword. */
export type BeginSearch =
  { index: number } | { keyword: string; startFrom: number } | { unknown: true };

/** How keys are found from there: a range, or a count argument followed by keys. */
export type FindKeys =
  | { range: { lastKey: number; keyStep: number; limit: number } }
  | { keyNum: { keyNumIdx: number; firstKey: number; keyStep: number } }
  | { unknown: true };

export interface KeySpec {
  flags: KeySpecFlag[];
  begin: BeginSearch;
  find: FindKeys;
  notes?: string;
}

/** A key found in a command's arguments: its index in argv and how the command uses it. */
export interface KeyReference {
  index: number;
  flags: readonly KeySpecFlag[];
}

export type Handler = (ctx: CommandContext, argv: string[]) => void;

export interface CommandSpec {
  /** Lower case. For a subcommand, the subcommand alone ('get' under 'config'). */
  name: string;
  /** Redis arity: n means exactly n arguments (name included), -n means at least n. */
  arity: number;
  flags: CommandFlag[];
  /** Categories beyond those implied by the flags (write, read, fast, admin ...). */
  acl?: AclCategory[];
  keySpecs?: KeySpec[];
  /** Request/response policy tips, as COMMAND INFO lists them. */
  tips?: string[];
  /**
   * Redis's getkeys_proc, for commands whose keys the key specs cannot express (SORT, MIGRATE ...)
   * or whose key flags depend on the arguments (SET with or without GET). Used when the specs fail
   * or have VARIABLE_FLAGS; see src/dispatch/keys.ts.
   */
  getKeys?: (argv: string[]) => KeyReference[];
  handler?: Handler;
  subcommands?: CommandSpec[];
}

/**
 * The commands Redis 7.0 flags may_replicate: not writes, yet they may write or propagate, so
 * CLIENT PAUSE WRITE holds them and read-only scripts may not call them. Redis 7.0's COMMAND INFO
 * does not show that flag, so the declarations do not carry it.
 */
const MAY_REPLICATE: ReadonlySet<string> = new Set([
  'eval',
  'evalsha',
  'fcall',
  'publish',
  'spublish',
  'pfcount',
]);

export function mayReplicate(name: string): boolean {
  return MAY_REPLICATE.has(name);
}

export function defineCommand(spec: CommandSpec): CommandSpec {
  return spec;
}
