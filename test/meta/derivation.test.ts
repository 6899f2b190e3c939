/**
 * The command table derives what Redis derives from the metadata (implicit ACL categories, the
 * legacy first/last/step key range, movablekeys, the order flags print in) for every Redis 7.0
 * command, not only the declared ones: each reference COMMAND INFO entry is turned back into a
 * declaration (with only the categories the flags do not imply), and COMMAND INFO of that
 * declaration must reproduce the entry byte for byte.
 */
import { describe, it } from 'node:test';
import { command as commandCommand } from '../../src/commands/command.js';
import {
  type AclCategory,
  type CommandFlag,
  type CommandSpec,
  type KeySpec,
  type KeySpecFlag,
} from '../../src/dispatch/command.js';
import type { CommandContext } from '../../src/dispatch/context.js';
import { CommandTable } from '../../src/dispatch/table.js';
import { ReplyWriter } from '../../src/resp/reply.js';
import { useDiffServers } from '../helpers/diff.js';
import { normalizeInfoEntry, pairsOf } from './normalize.js';
import { itemsOf, outline, parseReply, textOf, type ReplyNode } from './reply-tree.js';
import { assertSameOutline } from './report.js';

const env = useDiffServers();

const field = (map: ReplyNode, name: string): ReplyNode =>
  pairsOf(map).find(([key]) => textOf(key) === name)![1];
const number = (map: ReplyNode, name: string): number => Number(textOf(field(map, name)));
const texts = (node: ReplyNode): string[] => (itemsOf(node) ?? []).map((n) => textOf(n) ?? '');

/** Categories setImplicitACLCategories adds for these flags. */
function impliedCategories(flags: string[], explicit: string[]): Set<string> {
  const implied = new Set<string>();
  if (flags.includes('write')) implied.add('write');
  if (flags.includes('readonly') && !explicit.includes('scripting')) implied.add('read');
  if (flags.includes('admin')) implied.add('admin').add('dangerous');
  if (flags.includes('pubsub')) implied.add('pubsub');
  if (flags.includes('fast')) implied.add('fast');
  if (flags.includes('blocking')) implied.add('blocking');
  if (!flags.includes('fast') && !explicit.includes('fast')) implied.add('slow');
  return implied;
}

function beginOf(begin: ReplyNode): KeySpec['begin'] {
  const spec = field(begin, 'spec');
  switch (textOf(field(begin, 'type'))) {
    case 'index':
      return { index: number(spec, 'index') };
    case 'keyword':
      return {
        keyword: textOf(field(spec, 'keyword')) ?? '',
        startFrom: number(spec, 'startfrom'),
      };
    default:
      return { unknown: true };
  }
}

function findOf(find: ReplyNode): KeySpec['find'] {
  const spec = field(find, 'spec');
  switch (textOf(field(find, 'type'))) {
    case 'range':
      return {
        range: {
          lastKey: number(spec, 'lastkey'),
          keyStep: number(spec, 'keystep'),
          limit: number(spec, 'limit'),
        },
      };
    case 'keynum':
      return {
        keyNum: {
          keyNumIdx: number(spec, 'keynumidx'),
          firstKey: number(spec, 'firstkey'),
          keyStep: number(spec, 'keystep'),
        },
      };
    default:
      return { unknown: true };
  }
}

function keySpecOf(spec: ReplyNode): KeySpec {
  const hasNotes = pairsOf(spec).some(([key]) => textOf(key) === 'notes');
  const flags = texts(field(spec, 'flags')).map((f) => f.toUpperCase() as KeySpecFlag);
  return {
    ...(hasNotes ? { notes: textOf(field(spec, 'notes')) } : {}),
    flags,
    begin: beginOf(field(spec, 'begin_search')),
    find: findOf(field(spec, 'find_keys')),
  };
}

/** A declaration carrying what a COMMAND INFO entry shows, minus everything Redis derives. */
function declarationOf(entry: ReplyNode): CommandSpec {
  const [name, arity, flags, , , , categories, tips, specs, subcommands] = itemsOf(entry)!;
  const flagNames = texts(flags).filter((f) => f !== 'movablekeys');
  const explicit = texts(categories).map((c) => c.slice(1));
  const implied = impliedCategories(flagNames, explicit);
  return {
    name: (textOf(name) ?? '').split('|').pop()!,
    arity: Number(textOf(arity)),
    flags: flagNames as CommandFlag[],
    acl: explicit.filter((c) => !implied.has(c)) as AclCategory[],
    tips: texts(tips),
    keySpecs: (itemsOf(specs) ?? []).map(keySpecOf),
    ...(subcommands.kind === 'array' ? { subcommands: subcommands.items.map(declarationOf) } : {}),
  };
}

/** COMMAND INFO <name> answered by Kvik's COMMAND over a table of these declarations. */
function infoFromTable(table: CommandTable, name: string, resp: 2 | 3): ReplyNode {
  const reply = new ReplyWriter({ onErrorReply: () => undefined });
  reply.resp = resp;
  const ctx = { reply, server: { commands: table } } as unknown as CommandContext;
  const info = commandCommand.subcommands!.find((s) => s.name === 'info')!;
  info.handler!(ctx, ['command', 'info', name]);
  return parseReply(reply.take());
}

describe('the command table derives what Redis derives', () => {
  it('COMMAND INFO of every Redis 7.0 command is reproduced from its declared parts', async () => {
    const pair = await env.pair();
    for (const resp of [2, 3] as const) {
      if (resp === 3) await pair.redis.call('HELLO', '3');
      const entries = itemsOf(parseReply(await pair.redis.call('COMMAND'))) ?? [];
      const table = new CommandTable(entries.map(declarationOf));
      for (const entry of entries) {
        const name = textOf(itemsOf(entry)![0]) ?? '';
        const actual = itemsOf(infoFromTable(table, name, resp))![0];
        assertSameOutline(
          outline(normalizeInfoEntry(actual, () => true)),
          outline(normalizeInfoEntry(entry, () => true)),
          `COMMAND INFO ${name} (RESP${resp}) derived from its declaration differs from redis-server's`,
        );
      }
    }
  });
});
