/**
 * COMMAND DOCS: the imported documentation reproduces redis-server 7.0's for every 7.0 command, and
 * Kvik answers it for every declared command and subcommand exactly as the reference does, in RESP2
 * and RESP3. (Subcommands are compared as a set: Redis lists them in hash-table order.)
 */
import { describe, it } from 'node:test';
import {
  REDIS_COMMANDS,
  documentedSubcommands,
  writeDocs,
  type CommandDocs,
} from '../../src/commands/docs.js';
import { ReplyWriter } from '../../src/resp/reply.js';
import { declaredCommands, inRedis70, useProtocolPairs } from './declared.js';
import { differingDocFields, normalizeDocs, pairsOf } from './normalize.js';
import { outline, parseReply, textOf, type ReplyNode } from './reply-tree.js';
import { assertSameOutline } from './report.js';

const protocolPairs = useProtocolPairs();
const declared = declaredCommands();
const declaredNames = new Set(declared.map((c) => c.fullName));
const everything = () => true;
/** Subcommands both servers have. */
const shared = (fullName: string) => declaredNames.has(fullName) && inRedis70(fullName);

/** The one name/docs pair of a `COMMAND DOCS <name>` reply. */
function onlyDocs(reply: string, name: string): [string, ReplyNode] {
  const pairs = pairsOf(parseReply(reply));
  if (pairs.length !== 1) throw new Error(`COMMAND DOCS ${name} answered ${pairs.length} entries`);
  return [textOf(pairs[0][0]) ?? '', pairs[0][1]];
}

/** Our rendering of the imported docs of one command, as its COMMAND DOCS entry. */
function renderImported(docs: CommandDocs, resp: 2 | 3): ReplyNode {
  const writer = new ReplyWriter({ onErrorReply: () => undefined });
  writer.resp = resp;
  const subcommands = Object.entries(documentedSubcommands(docs));
  writeDocs(writer, docs, docs.subcommands === undefined ? null : subcommands);
  return parseReply(writer.take());
}

describe('COMMAND DOCS', () => {
  it('the imported docs reproduce redis-server 7.0 for every 7.0 command, in RESP2 and RESP3', async () => {
    const names = Object.keys(REDIS_COMMANDS);
    for (const [resp, pair] of await protocolPairs()) {
      const listed = pairsOf(parseReply(await pair.redis.call('COMMAND', 'DOCS')));
      const referenceNames = listed.map(([name]) => textOf(name)).sort();
      assertSameOutline(names.join('\n'), referenceNames.join('\n'), 'the imported command list');
      for (const name of names) {
        const [, expected] = onlyDocs(await pair.redis.call('COMMAND', 'DOCS', name), name);
        const actual = renderImported(REDIS_COMMANDS[name], resp);
        assertSameOutline(
          outline(normalizeDocs(actual, everything)),
          outline(normalizeDocs(expected, everything)),
          `the imported docs of ${name} (RESP${resp}) differ from redis-server's; ` +
            're-run scripts/import-redis-docs.ts',
        );
      }
    }
  });

  for (const command of declared.filter((c) => inRedis70(c.fullName))) {
    const name = command.fullName;
    it(`COMMAND DOCS ${name} is the reference's, in RESP2 and RESP3`, async () => {
      for (const [resp, pair] of await protocolPairs()) {
        const { redis, kvik } = await pair.both('COMMAND', 'DOCS', name);
        const [expectedName, expected] = onlyDocs(redis, name);
        const [actualName, actual] = onlyDocs(kvik, name);
        const title = `COMMAND DOCS ${name} (RESP${resp}) differs from redis-server`;
        assertSameOutline(actualName, expectedName, `${title} in the name`);
        const kvikDocs = normalizeDocs(actual, shared);
        const redisDocs = normalizeDocs(expected, shared);
        const fields = differingDocFields(kvikDocs, redisDocs);
        assertSameOutline(
          outline(kvikDocs),
          outline(redisDocs),
          `${title} in: ${fields.join(', ')}`,
        );
      }
    });
  }
});
