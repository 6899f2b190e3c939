/** OBJECT ENCODING / FREQ / IDLETIME / REFCOUNT / HELP: what Redis tells about a key's value. */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import { ReplyError, type CommandContext } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { encodingOf, type StoredValue } from '../keyspace/values.js';
import { replyHelp } from './help.js';
import { keysAt } from './key-specs.js';

/** Redis's OBJ_SHARED_REFCOUNT: the refcount of objects shared for ever, such as small integers. */
const SHARED_REFCOUNT = 2147483647;
/** Redis shares the integers 0 to 9999 (OBJ_SHARED_INTEGERS). */
const SHARED_INTEGERS = 10000;

/**
 * Runs `answer` on the value of argv[2], or replies null for a missing key. Never touches it, and
 * a miss raises no `keymiss` event (Redis's LOOKUP_NONOTIFY).
 */
function inspect(ctx: CommandContext, argv: string[], answer: (value: StoredValue) => void): void {
  const value = ctx.keyspace.lookupRead(ctx.db, argv[2], false, false);
  if (value === undefined) ctx.reply.nullBulk();
  else answer(value);
}

/**
 * Redis stores the integers 0..9999 as shared objects unless maxmemory is set with an LRU or LFU
 * policy (each key then needs its own access data); every other value has one reference.
 */
function refcount(ctx: CommandContext, value: StoredValue): number {
  if (typeof value !== 'string' || encodingOf(value) !== 'int') return 1;
  const n = Number(value);
  if (n < 0 || n >= SHARED_INTEGERS) return 1;
  const config = ctx.server.config;
  if (config.get('maxmemory') !== '0' && /lru|lfu/.test(config.get('maxmemory-policy')!)) return 1;
  return SHARED_REFCOUNT;
}

const KEY_SUBCOMMAND = {
  arity: 3,
  flags: ['readonly'],
  acl: ['keyspace'],
  tips: ['nondeterministic_output'],
  keySpecs: [keysAt(2, ['RO'])],
} satisfies Partial<CommandSpec>;

const HELP_LINES = [
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
];

export const object = defineCommand({
  name: 'object',
  arity: -2,
  flags: [],
  subcommands: [
    {
      name: 'encoding',
      ...KEY_SUBCOMMAND,
      handler: (ctx, argv) => inspect(ctx, argv, (value) => ctx.reply.bulk(encodingOf(value))),
    },
    {
      name: 'freq',
      ...KEY_SUBCOMMAND,
      handler: (ctx, argv) =>
        inspect(ctx, argv, () => {
          if (!ctx.keyspace.lfu) throw new ReplyError(Err.lfuNotSelected);
          ctx.reply.integer(ctx.keyspace.frequency(ctx.db, argv[2]));
        }),
    },
    {
      name: 'idletime',
      ...KEY_SUBCOMMAND,
      handler: (ctx, argv) =>
        inspect(ctx, argv, () => {
          if (ctx.keyspace.lfu) throw new ReplyError(Err.lfuSelected);
          ctx.reply.integer(ctx.keyspace.idleSeconds(ctx.db, argv[2]));
        }),
    },
    {
      name: 'refcount',
      ...KEY_SUBCOMMAND,
      handler: (ctx, argv) =>
        inspect(ctx, argv, (value) => ctx.reply.integer(refcount(ctx, value))),
    },
    {
      name: 'help',
      arity: 2,
      flags: ['loading', 'stale'],
      acl: ['keyspace'],
      handler: (ctx, argv) => replyHelp(ctx, argv[0], HELP_LINES),
    },
  ],
});

export const objectCommands: CommandSpec[] = [object];
