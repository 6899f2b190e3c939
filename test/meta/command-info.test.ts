/**
 * COMMAND INFO of every declared command and subcommand equals redis-server 7.0's, byte for byte,
 * in RESP2 and RESP3: arity, flags, ACL categories, key specs and tips in the declarations are
 * checked against the reference here. (Subcommands are compared as a set: Redis lists them in
 * hash-table order.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { declaredCommands, inRedis70, useProtocolPairs } from './declared.js';
import { differingInfoFields, normalizeInfoEntry } from './normalize.js';
import { outline, parseReply, type ReplyNode } from './reply-tree.js';
import { assertSameOutline } from './report.js';

const protocolPairs = useProtocolPairs();
const declared = declaredCommands();
const declaredNames = new Set(declared.map((c) => c.fullName));
/** Subcommands both servers have. */
const shared = (fullName: string) => declaredNames.has(fullName) && inRedis70(fullName);

/** The single entry of a `COMMAND INFO <name>` reply, normalized. */
function entryOf(reply: string): ReplyNode {
  const root = parseReply(reply);
  assert.ok(root.kind === 'array' && root.items.length === 1, `unexpected reply ${reply}`);
  return normalizeInfoEntry(root.items[0], shared);
}

describe('COMMAND INFO of every declared command equals redis-server 7.0', () => {
  for (const command of declared.filter((c) => inRedis70(c.fullName))) {
    const name = command.fullName;
    it(`COMMAND INFO ${name} is the reference's, in RESP2 and RESP3`, async () => {
      for (const [resp, pair] of await protocolPairs()) {
        const { redis, kvik } = await pair.both('COMMAND', 'INFO', name);
        const expected = entryOf(redis);
        const actual = entryOf(kvik);
        const fields = differingInfoFields(actual, expected);
        assertSameOutline(
          outline(actual),
          outline(expected),
          `COMMAND INFO ${name} (RESP${resp}) differs from redis-server in: ${fields.join(', ')}`,
        );
      }
    });
  }
});
