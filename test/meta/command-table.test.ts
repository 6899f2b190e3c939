/**
 * COMMAND, COMMAND COUNT, COMMAND INFO, COMMAND DOCS and COMMAND LIST describe the same table: the
 * declarations. Their totals differ from redis-server's until Kvik has every command, so they are
 * checked against the declarations and each other; the filters of COMMAND LIST are checked against
 * redis-server restricted to the declared commands. Redis lists commands in hash-table order:
 * lists are compared as sets.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACL_CATEGORIES } from '../../src/dispatch/command.js';
import { useDiffServers } from '../helpers/diff.js';
import { declaredCommands, inRedis70 } from './declared.js';
import { pairsOf } from './normalize.js';
import { encodeReply, itemsOf, parseReply, textOf } from './reply-tree.js';

const env = useDiffServers();
const declared = declaredCommands();
const topLevel = declared.filter((c) => c.parent === null).map((c) => c.fullName);

function sorted(names: Iterable<string | undefined>): string[] {
  return [...names].map((n) => n ?? '?').sort();
}

/** Names listed in an array reply of bulk strings. */
function names(reply: string): string[] {
  return sorted((itemsOf(parseReply(reply)) ?? []).map(textOf));
}

describe('the COMMAND subcommands describe the declared table', () => {
  it('COMMAND COUNT is the number of declared commands, and COMMAND lists each once', async () => {
    const pair = await env.pair();
    assert.equal(await pair.kvik.call('COMMAND', 'COUNT'), `:${topLevel.length}\r\n`);
    for (const request of [['COMMAND'], ['COMMAND', 'INFO']]) {
      const entries = itemsOf(parseReply(await pair.kvik.call(...request))) ?? [];
      assert.deepEqual(sorted(entries.map((e) => textOf(itemsOf(e)?.[0]))), sorted(topLevel));
    }
  });

  it('COMMAND lists the entries COMMAND INFO gives for each name', async () => {
    const pair = await env.pair();
    const all = itemsOf(parseReply(await pair.kvik.call('COMMAND'))) ?? [];
    const one = itemsOf(parseReply(await pair.kvik.call('COMMAND', 'INFO', ...topLevel))) ?? [];
    assert.deepEqual(sorted(all.map(encodeReply)), sorted(one.map(encodeReply)));
  });

  it('COMMAND LIST names every declared command and subcommand', async () => {
    const pair = await env.pair();
    const listed = names(await pair.kvik.call('COMMAND', 'LIST'));
    assert.deepEqual(listed, sorted(declared.map((c) => c.fullName)));
  });

  it('COMMAND DOCS without names documents every declared command', async () => {
    const pair = await env.pair();
    const docs = pairsOf(parseReply(await pair.kvik.call('COMMAND', 'DOCS')));
    assert.deepEqual(sorted(docs.map(([name]) => textOf(name))), sorted(topLevel));
  });

  it('COMMAND LIST FILTERBY ACLCAT lists what redis-server lists of the declared commands', async () => {
    const pair = await env.pair();
    const shared = new Set(declared.map((c) => c.fullName).filter(inRedis70));
    for (const category of [...ACL_CATEGORIES, 'FAST', 'nosuchcategory']) {
      const { redis, kvik } = await pair.both('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', category);
      assert.deepEqual(
        names(kvik).filter((n) => shared.has(n)),
        names(redis).filter((n) => shared.has(n)),
        `COMMAND LIST FILTERBY ACLCAT ${category}`,
      );
    }
  });

  it('COMMAND LIST FILTERBY PATTERN matches full names, ignoring case, as redis-server does', async () => {
    const pair = await env.pair();
    const shared = new Set(declared.map((c) => c.fullName).filter(inRedis70));
    for (const pattern of ['*', 'COMMAND*', '*|*', '*|i[a-n]*', 'g?t', 'command\\|list', 'x*']) {
      const { redis, kvik } = await pair.both('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', pattern);
      assert.deepEqual(
        names(kvik).filter((n) => shared.has(n)),
        names(redis).filter((n) => shared.has(n)),
        `COMMAND LIST FILTERBY PATTERN ${pattern}`,
      );
    }
  });
});
