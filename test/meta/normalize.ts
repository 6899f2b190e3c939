/**
 * Making COMMAND INFO and COMMAND DOCS replies comparable: Redis lists subcommands in hash-table
 * order (different in every run), and Kvik may have only some of a container's subcommands. Both
 * replies are reduced to the subcommands both servers have, sorted by name; everything else stays
 * byte for byte. And when they differ, which fields differ.
 */
import { encodeReply, textOf, type ReplyNode } from './reply-tree.js';

/** The fields of a COMMAND INFO entry, by position. */
export const INFO_FIELDS = [
  'name',
  'arity',
  'flags',
  'first key',
  'last key',
  'key step',
  'ACL categories',
  'tips',
  'key specs',
  'subcommands',
] as const;

/** Key/value pairs of a map, or of its RESP2 form (a flat array). */
export function pairsOf(node: ReplyNode): [ReplyNode, ReplyNode][] {
  if (node.kind === 'map') return node.entries;
  if (node.kind !== 'array') throw new Error(`not a map: ${node.kind}`);
  const pairs: [ReplyNode, ReplyNode][] = [];
  for (let i = 0; i + 1 < node.items.length; i += 2) pairs.push([node.items[i], node.items[i + 1]]);
  return pairs;
}

/** A map (or flat array) of the same kind as `like`, with these pairs. */
function withPairs(like: ReplyNode, pairs: [ReplyNode, ReplyNode][]): ReplyNode {
  return like.kind === 'map'
    ? { kind: 'map', entries: pairs }
    : { kind: 'array', items: pairs.flat() };
}

const byName = (a: string | undefined, b: string | undefined) => ((a ?? '') < (b ?? '') ? -1 : 1);

/** A COMMAND INFO entry with its subcommands filtered by `keep` and sorted. */
export function normalizeInfoEntry(
  entry: ReplyNode,
  keep: (fullName: string) => boolean,
): ReplyNode {
  if (entry.kind !== 'array' || entry.items.length !== INFO_FIELDS.length) return entry;
  const subcommands = entry.items[9];
  if (subcommands.kind !== 'array') return entry;
  const items = subcommands.items
    .filter((sub) => sub.kind === 'array' && keep(textOf(sub.items[0]) ?? ''))
    .sort((a, b) => byName(nameOfInfo(a), nameOfInfo(b)));
  return { kind: 'array', items: [...entry.items.slice(0, 9), { kind: 'array', items }] };
}

function nameOfInfo(entry: ReplyNode): string | undefined {
  return entry.kind === 'array' ? textOf(entry.items[0]) : undefined;
}

/** One command's docs with the `subcommands` field filtered by `keep` and sorted. */
export function normalizeDocs(docs: ReplyNode, keep: (fullName: string) => boolean): ReplyNode {
  const fields = pairsOf(docs).map(([field, value]): [ReplyNode, ReplyNode] => {
    if (textOf(field) !== 'subcommands') return [field, value];
    const subcommands = pairsOf(value)
      .filter(([name]) => keep(textOf(name) ?? ''))
      .sort(([a], [b]) => byName(textOf(a), textOf(b)));
    return [field, withPairs(value, subcommands)];
  });
  return withPairs(docs, fields);
}

/** The names of the INFO fields in which two entries differ. */
export function differingInfoFields(actual: ReplyNode, expected: ReplyNode): string[] {
  if (actual.kind !== 'array' || expected.kind !== 'array') return ['the whole reply'];
  return INFO_FIELDS.filter((_, i) => !sameNode(actual.items[i], expected.items[i]));
}

/** The names of the docs fields in which two docs maps differ (missing ones included). */
export function differingDocFields(actual: ReplyNode, expected: ReplyNode): string[] {
  const fieldsOf = (node: ReplyNode) =>
    new Map(pairsOf(node).map(([k, v]) => [textOf(k) ?? '?', v]));
  const a = fieldsOf(actual);
  const e = fieldsOf(expected);
  const names = [...new Set([...e.keys(), ...a.keys()])];
  const differing = names.filter((name) => !sameNode(a.get(name), e.get(name)));
  // Same fields, same values, but in another order.
  if (differing.length === 0 && !sameNode(actual, expected)) return ['the order of the fields'];
  return differing;
}

function sameNode(a: ReplyNode | undefined, b: ReplyNode | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return encodeReply(a) === encodeReply(b);
}
