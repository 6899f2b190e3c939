/**
 * COMMAND GETKEYSANDFLAGS finds the same keys, with the same flags, as redis-server 7.0 for every
 * declared command, over generated argument lists: every allowed length, and for commands whose keys
 * move, key counts and keywords (STORE, STREAMS, KEYS ...) at every position. This checks the key
 * specs and getKeys functions of the declarations, which ACL and cluster routing rely on.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { declaredCommands, inRedis70, useProtocolPairs } from './declared.js';
import { pairsOf } from './normalize.js';
import { itemsOf, parseReply, textOf, type ReplyNode } from './reply-tree.js';
import type { Command } from '../../src/dispatch/table.js';
import { encodeCommand, RawClient } from '../helpers/raw-client.js';

const protocolPairs = useProtocolPairs();

/** Words that introduce keys in some command (SORT ... STORE, MIGRATE ... KEYS, SET ... GET). */
const KEYWORDS = ['STORE', 'STOREDIST', 'STREAMS', 'KEYS', 'GET'];
/** Values tried where a command may read a key count. */
const COUNTS = ['0', '1', '2', '-1', '2x'];
/** How many lengths beyond the minimum are tried for commands of variable arity. */
const EXTRA_LENGTHS = 4;

/** Keywords of the reference's keyword key specs for a command, from its COMMAND INFO entry. */
function specKeywords(info: ReplyNode): string[] {
  const specs = itemsOf(itemsOf(info)?.[8]) ?? [];
  return specs.flatMap((spec) => {
    const begin = pairsOf(spec).find(([field]) => textOf(field) === 'begin_search')?.[1];
    const detail = begin && pairsOf(begin).find(([field]) => textOf(field) === 'spec')?.[1];
    const keyword = detail && pairsOf(detail).find(([field]) => textOf(field) === 'keyword')?.[1];
    return keyword ? [textOf(keyword) ?? ''] : [];
  });
}

/** Whether the keys or their flags depend on the arguments: movablekeys, or a VARIABLE_FLAGS spec. */
function keysVary(info: ReplyNode): boolean {
  const flags = (itemsOf(itemsOf(info)?.[2]) ?? []).map(textOf);
  const specs = itemsOf(itemsOf(info)?.[8]) ?? [];
  const specFlags = specs.flatMap((spec) =>
    (itemsOf(pairsOf(spec).find(([field]) => textOf(field) === 'flags')?.[1]) ?? []).map(textOf),
  );
  return flags.includes('movablekeys') || specFlags.includes('variable_flags');
}

/**
 * Argument lists to ask about: a plain one for every allowed length and, where keys vary, variants
 * with a key count or a keyword at each position.
 */
function argumentLists(
  command: Command,
  vary: boolean,
  keywords: string[],
): { plain: string[][]; variants: string[][] } {
  const prefix = command.fullName.split('|');
  const min = Math.abs(command.arity);
  const lengths =
    command.arity > 0 ? [min] : Array.from({ length: EXTRA_LENGTHS + 1 }, (_, i) => min + i);
  const plain: string[][] = [];
  const variants: string[][] = [];
  for (const length of lengths) {
    const argv = [...prefix];
    while (argv.length < length) argv.push(`k${argv.length}`);
    plain.push(argv);
    if (!vary) continue;
    for (let at = prefix.length; at < length; at++) {
      for (const word of [...COUNTS, ...KEYWORDS, ...keywords]) {
        variants.push(argv.map((arg, i) => (i === at ? word : arg)));
      }
    }
  }
  return { plain, variants };
}

/** Pipelines GETKEYSANDFLAGS for every list; returns the replies in order. */
async function askAll(client: RawClient, lists: readonly string[][]): Promise<string[]> {
  client.sendRaw(
    Buffer.concat(lists.map((argv) => encodeCommand(['COMMAND', 'GETKEYSANDFLAGS', ...argv]))),
  );
  const replies: string[] = [];
  for (let i = 0; i < lists.length; i++) replies.push(await client.readReply());
  return replies;
}

describe('COMMAND GETKEYSANDFLAGS agrees with redis-server 7.0', () => {
  for (const command of declaredCommands().filter((c) => inRedis70(c.fullName))) {
    const name = command.fullName;
    it(`finds the keys of ${name} as redis-server does`, async () => {
      const pairs = await protocolPairs();
      const info = itemsOf(parseReply(await pairs.get(2)!.redis.call('COMMAND', 'INFO', name)))![0];
      const { plain, variants } = argumentLists(command, keysVary(info), specKeywords(info));
      const differences: string[] = [];
      // Every list in RESP2; RESP3 changes only the shape of the flags, so plain lists suffice.
      for (const [resp, lists] of [
        [2, [...plain, ...variants]],
        [3, plain],
      ] as const) {
        const pair = pairs.get(resp)!;
        const [redis, kvik] = await Promise.all([
          askAll(pair.redis, lists),
          askAll(pair.kvik, lists),
        ]);
        lists.forEach((argv, i) => {
          if (redis[i] === kvik[i]) return;
          differences.push(
            `COMMAND GETKEYSANDFLAGS ${argv.join(' ')} (RESP${resp})\n` +
              `    redis-server: ${summarize(redis[i])}\n    Kvik:         ${summarize(kvik[i])}`,
          );
        });
      }
      assert.equal(
        differences.length,
        0,
        `the keys of ${name} differ from redis-server's for ${differences.length} argument lists:\n` +
          differences.slice(0, 5).join('\n'),
      );
    });
  }
});

/** A reply of GETKEYSANDFLAGS in one line: the error, or each key with its flags. */
function summarize(reply: string): string {
  const root = parseReply(reply);
  if (root.kind === 'error') return `-${root.text}`;
  const keys = (itemsOf(root) ?? []).map((entry) => {
    const [key, flags] = itemsOf(entry) ?? [];
    const names = (itemsOf(flags) ?? []).map((flag) => textOf(flag)).join(' ');
    return `${textOf(key)} (${flags?.kind ?? '?'}: ${names})`;
  });
  return `[${keys.join(', ')}]`;
}
