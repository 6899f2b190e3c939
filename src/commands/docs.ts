/**
 * Redis's command documentation, the text COMMAND DOCS answers with (summary, since, group,
 * complexity, doc flags, history, argument tree). It is Redis's reference, not ours to write:
 *
 * - docs/redis-7.0-docs.json is redis-server 7.0's own COMMAND DOCS for every 7.0 command.
 *   Regenerate it with `npx tsx scripts/import-redis-docs.ts` (starts the reference server).
 * - docs/beyond-7.0-docs.json holds the docs of the few later commands Kvik also has, taken from
 *   Redis's src/commands/*.json of the version that introduced them.
 *
 * The JSON keeps the reply's shapes (maps as objects, sets and arrays as arrays); writeDocs knows
 * which fields Redis sends as sets.
 */
import type { ReplyWriter } from '../resp/reply.js';
import redis70 from './docs/redis-7.0-docs.json' with { type: 'json' };
import beyond70 from './docs/beyond-7.0-docs.json' with { type: 'json' };

export type DocValue = string | number | readonly DocValue[] | DocObject;
export type DocObject = { readonly [field: string]: DocValue };

/** One command's docs, as COMMAND DOCS sends them (a container's subcommands keyed by full name). */
export interface CommandDocs extends DocObject {
  readonly summary: string;
  readonly since: string;
  readonly group: string;
}

/** The Redis version the main docs were imported from. */
export const REDIS_DOCS_VERSION: string = redis70.redis_version;

/** Every Redis 7.0 top-level command's docs, by name (subcommands inside), sorted by name. */
export const REDIS_COMMANDS = redis70.commands as unknown as Readonly<Record<string, CommandDocs>>;

/** Docs of the commands and subcommands Kvik has from Redis versions after 7.0, by full name. */
export const LATER_COMMANDS = beyond70.commands as unknown as Readonly<Record<string, CommandDocs>>;

const BY_FULL_NAME: ReadonlyMap<string, CommandDocs> = new Map([
  ...Object.entries(REDIS_COMMANDS).flatMap(([name, docs]) => [
    [name, docs] as const,
    ...Object.entries(documentedSubcommands(docs)),
  ]),
  ...Object.entries(LATER_COMMANDS),
]);

/** The docs of a command or subcommand by its lower-case full name ('get', 'config|get'). */
export function commandDocs(fullName: string): CommandDocs | undefined {
  return BY_FULL_NAME.get(fullName);
}

/** The subcommands Redis documents for a container, by full name (none for other commands). */
export function documentedSubcommands(docs: CommandDocs): Readonly<Record<string, CommandDocs>> {
  return (docs.subcommands ?? {}) as Readonly<Record<string, CommandDocs>>;
}

/** Fields Redis sends as sets rather than arrays. */
const SET_FIELDS = new Set(['doc_flags', 'flags', 'history']);
/** Fields whose elements are simple strings ("+deprecated") rather than bulk strings. */
const SIMPLE_STRING_FIELDS = new Set(['doc_flags', 'flags']);

/**
 * Writes one command's docs as Redis's addReplyCommandDocs does. `subcommands` replaces the
 * documented ones: COMMAND DOCS lists the subcommands the server has; null for a command without
 * subcommands.
 */
export function writeDocs(
  reply: ReplyWriter,
  docs: CommandDocs,
  subcommands: readonly (readonly [string, CommandDocs])[] | null,
): void {
  const fields = Object.entries(docs).filter(([field]) => field !== 'subcommands');
  reply.map(fields.length + (subcommands === null ? 0 : 1));
  for (const [field, value] of fields) {
    reply.bulk(field);
    writeValue(reply, value, field);
  }
  if (subcommands === null) return;
  reply.bulk('subcommands');
  reply.map(subcommands.length);
  for (const [fullName, subDocs] of subcommands) {
    reply.bulk(fullName);
    writeDocs(reply, subDocs, null);
  }
}

function writeValue(reply: ReplyWriter, value: DocValue, field: string | null): void {
  if (typeof value === 'string') reply.bulk(value);
  else if (typeof value === 'number') reply.integer(value);
  else if (Array.isArray(value)) {
    if (field !== null && SET_FIELDS.has(field)) reply.set(value.length);
    else reply.array(value.length);
    const simple = field !== null && SIMPLE_STRING_FIELDS.has(field);
    for (const item of value) {
      if (simple) reply.status(item as string);
      else writeValue(reply, item, null);
    }
  } else {
    const entries = Object.entries(value);
    reply.map(entries.length);
    for (const [key, item] of entries) {
      reply.bulk(key);
      writeValue(reply, item, key);
    }
  }
}
