/**
 * RESP replies as trees, for the meta tests and the docs importer: parse the exact bytes a server
 * sent, rewrite parts that legitimately differ (Redis lists subcommands in hash-table order), encode
 * back to bytes, and print a readable outline so that a failing comparison shows where it differs.
 */

export type ReplyNode =
  | { kind: 'simple' | 'error' | 'integer' | 'double' | 'boolean' | 'bignumber'; text: string }
  | { kind: 'bulk' | 'verbatim'; text: string }
  | { kind: 'null' | 'nullbulk' | 'nullarray' }
  | { kind: 'array' | 'set' | 'push'; items: ReplyNode[] }
  | { kind: 'map'; entries: [ReplyNode, ReplyNode][] };

const LINE_TYPES: Record<string, ReplyNode['kind']> = {
  '+': 'simple',
  '-': 'error',
  ':': 'integer',
  ',': 'double',
  '#': 'boolean',
  '(': 'bignumber',
};

const AGGREGATE_TYPES: Record<string, 'array' | 'set' | 'push'> = {
  '*': 'array',
  '~': 'set',
  '>': 'push',
};

/** Parses one complete reply (latin1 text, as RawClient returns it). */
export function parseReply(text: string): ReplyNode {
  const [node, end] = parseAt(text, 0);
  if (end !== text.length) throw new Error(`trailing bytes after the reply at ${end}`);
  return node;
}

function parseAt(text: string, pos: number): [ReplyNode, number] {
  const lineEnd = text.indexOf('\r\n', pos);
  if (lineEnd < 0) throw new Error(`incomplete reply at ${pos}`);
  const type = text[pos];
  const header = text.slice(pos + 1, lineEnd);
  let next = lineEnd + 2;
  if (type in LINE_TYPES) return [{ kind: LINE_TYPES[type], text: header } as ReplyNode, next];
  if (type === '_') return [{ kind: 'null' }, next];
  const length = Number(header);
  if (type === '$' || type === '=') {
    if (length < 0) return [{ kind: 'nullbulk' }, next];
    const body = text.slice(next, next + length);
    return [{ kind: type === '$' ? 'bulk' : 'verbatim', text: body }, next + length + 2];
  }
  if (type in AGGREGATE_TYPES) {
    if (length < 0) return [{ kind: 'nullarray' }, next];
    const items: ReplyNode[] = [];
    for (let i = 0; i < length; i++) {
      const [item, end] = parseAt(text, next);
      items.push(item);
      next = end;
    }
    return [{ kind: AGGREGATE_TYPES[type], items }, next];
  }
  if (type === '%') {
    const entries: [ReplyNode, ReplyNode][] = [];
    for (let i = 0; i < length; i++) {
      const [key, afterKey] = parseAt(text, next);
      const [value, afterValue] = parseAt(text, afterKey);
      entries.push([key, value]);
      next = afterValue;
    }
    return [{ kind: 'map', entries }, next];
  }
  throw new Error(`unexpected reply type ${JSON.stringify(type)} at ${pos}`);
}

const LINE_PREFIX: Record<string, string> = {
  simple: '+',
  error: '-',
  integer: ':',
  double: ',',
  boolean: '#',
  bignumber: '(',
};

/** Encodes a tree back to RESP bytes: encodeReply(parseReply(x)) === x. */
export function encodeReply(node: ReplyNode): string {
  switch (node.kind) {
    case 'null':
      return '_\r\n';
    case 'nullbulk':
      return '$-1\r\n';
    case 'nullarray':
      return '*-1\r\n';
    case 'bulk':
      return `$${node.text.length}\r\n${node.text}\r\n`;
    case 'verbatim':
      return `=${node.text.length}\r\n${node.text}\r\n`;
    case 'array':
    case 'set':
    case 'push': {
      const prefix = node.kind === 'array' ? '*' : node.kind === 'set' ? '~' : '>';
      return `${prefix}${node.items.length}\r\n${node.items.map(encodeReply).join('')}`;
    }
    case 'map':
      return `%${node.entries.length}\r\n${node.entries.map(([k, v]) => encodeReply(k) + encodeReply(v)).join('')}`;
    default:
      return `${LINE_PREFIX[node.kind]}${node.text}\r\n`;
  }
}

/**
 * A readable outline, one line per scalar, with the RESP type of every node, so that two replies
 * print the same outline exactly when their bytes are the same.
 */
export function outline(node: ReplyNode, indent = ''): string {
  switch (node.kind) {
    case 'null':
    case 'nullbulk':
    case 'nullarray':
      return `${indent}(${node.kind})\n`;
    case 'array':
    case 'set':
    case 'push':
      return (
        `${indent}(${node.kind} of ${node.items.length})\n` +
        node.items.map((item) => outline(item, indent + '  ')).join('')
      );
    case 'map':
      return (
        `${indent}(map of ${node.entries.length})\n` +
        node.entries
          .map(([k, v]) => outline(k, indent + '  ') + outline(v, indent + '    '))
          .join('')
      );
    default:
      return `${indent}${node.kind} ${JSON.stringify(node.text)}\n`;
  }
}

/** The text of a bulk or simple string node, else undefined. */
export function textOf(node: ReplyNode | undefined): string | undefined {
  return node !== undefined && 'text' in node ? node.text : undefined;
}

/** The items of an array or set node (also the RESP2 form of a map), else undefined. */
export function itemsOf(node: ReplyNode | undefined): ReplyNode[] | undefined {
  return node !== undefined && 'items' in node ? node.items : undefined;
}
