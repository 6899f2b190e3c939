/**
 * Imports Redis's command documentation: starts the reference redis-server 7.0 (or connects to one
 * with --port N), asks COMMAND DOCS over RESP3 and writes every command's docs (summary, since,
 * group, complexity, flags, history, argument tree, subcommands) to
 * src/commands/docs/redis-7.0-docs.json, the specification Kvik's COMMAND DOCS answers from.
 *
 *   npx tsx scripts/import-redis-docs.ts [--port 6379]
 *
 * The JSON keeps RESP3's shapes: maps become objects, arrays and sets arrays, strings strings,
 * integers numbers (src/commands/docs.ts knows which fields are sets). One command per line, sorted
 * by name, so that a re-import shows a readable diff.
 */
import { writeFileSync } from 'node:fs';
import { RawClient } from '../test/helpers/raw-client.js';
import { startReference, type ReferenceServer } from '../test/helpers/servers.js';
import { parseReply, type ReplyNode } from '../test/meta/reply-tree.js';
import type { DocValue } from '../src/commands/docs.js';

const OUTPUT = new URL('../src/commands/docs/redis-7.0-docs.json', import.meta.url);

async function main(): Promise<void> {
  const portArg = process.argv.indexOf('--port');
  let reference: ReferenceServer | null = null;
  const port =
    portArg > 0 ? Number(process.argv[portArg + 1]) : (reference = await startReference()).port;
  const client = await RawClient.connect(port);
  try {
    await client.call('HELLO', '3');
    const version = /redis_version:(\S+)/.exec(await client.call('INFO', 'server'))?.[1];
    if (version === undefined || !version.startsWith('7.0.')) {
      throw new Error(`expected a redis-server 7.0.x on port ${port}, found ${version}`);
    }
    const docs = toJson(parseReply(await client.call('COMMAND', 'DOCS')));
    writeFileSync(OUTPUT, render(version, docs as Record<string, DocValue>));
    console.log(`wrote the docs of ${Object.keys(docs).length} commands from redis ${version}`);
  } finally {
    client.close();
    await reference?.close();
  }
}

/** A RESP3 reply as JSON: maps to objects (keys sorted for subcommands), sets to arrays. */
function toJson(node: ReplyNode): DocValue {
  switch (node.kind) {
    case 'bulk':
    case 'simple':
      return node.text;
    case 'integer':
      return Number(node.text);
    case 'array':
    case 'set':
      return node.items.map(toJson);
    case 'map': {
      const object: Record<string, DocValue> = {};
      for (const [key, value] of node.entries) {
        if (key.kind !== 'bulk') throw new Error(`unexpected map key ${key.kind}`);
        // Integer-like keys would be reordered by JavaScript objects.
        if (/^\d+$/.test(key.text)) throw new Error(`numeric map key ${key.text}`);
        object[key.text] = toJson(value);
      }
      return object;
    }
    default:
      throw new Error(`unexpected ${node.kind} in COMMAND DOCS`);
  }
}

function render(version: string, commands: Record<string, DocValue>): string {
  const lines = Object.keys(commands)
    .sort()
    .map((name) => `${JSON.stringify(name)}:${JSON.stringify(sortSubcommands(commands[name]))}`);
  return `{"redis_version":${JSON.stringify(version)},"commands":{\n${lines.join(',\n')}\n}}\n`;
}

/** Redis lists subcommands in hash-table order, which changes from run to run: sort them. */
function sortSubcommands(doc: DocValue): DocValue {
  const object = doc as Record<string, DocValue>;
  const subcommands = object.subcommands as Record<string, DocValue> | undefined;
  if (subcommands === undefined) return doc;
  const sorted: Record<string, DocValue> = {};
  for (const name of Object.keys(subcommands).sort()) sorted[name] = subcommands[name];
  return { ...object, subcommands: sorted };
}

await main();
