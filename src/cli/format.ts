/**
 * Reply formatting byte for byte as redis-cli 7.0 prints it: the human form for terminals
 * ("standard"), the raw form for pipes and --raw, and --csv. Output strings are latin1.
 *
 * redis-cli 7.0 reads replies with a hiredis that knows no big numbers in its formatters and no
 * attributes at all; FormatError carries the type number redis-cli then reports before exiting,
 * so Kvik's CLI fails the same way on the same replies.
 */
import type { Reply } from './reply.js';
import { cString, quoteRepr } from './quote.js';

export type OutputMode = 'standard' | 'raw' | 'csv';

export interface FormatOptions {
  output: OutputMode;
  /** Between the elements of an aggregate in raw mode (-d, default "\n"). */
  bulkDelimiter: string;
  /** After each reply in raw mode (-D, default "\n"). */
  replyDelimiter: string;
}

/** A reply type redis-cli 7.0 cannot print ("Unknown reply type: 13"). */
export class FormatError extends Error {
  constructor(readonly hiredisType: number) {
    super(`Unknown reply type: ${hiredisType}`);
  }
}

/** hiredis's REDIS_REPLY_* numbers of the types redis-cli 7.0 does not format. */
const HIREDIS_TYPE = { attribute: 11, bignum: 13 } as const;

/**
 * One reply as redis-cli prints it after a command. `verbatim` is for the commands whose text
 * reply is printed as is (INFO, CLIENT LIST ...), whatever the mode.
 */
export function formatReply(reply: Reply, options: FormatOptions, verbatim = false): string {
  if (verbatim) return formatRaw(reply, options.bulkDelimiter);
  switch (options.output) {
    case 'standard':
      return formatTty(reply);
    case 'raw':
      return formatRaw(reply, options.bulkDelimiter) + options.replyDelimiter;
    case 'csv':
      return formatCsv(reply) + '\n';
  }
}

/** The human form: quoted strings, "(integer) 1", numbered and indented aggregates. */
export function formatTty(reply: Reply, prefix = ''): string {
  switch (reply.type) {
    case 'error':
      return `(error) ${cString(reply.value)}\n`;
    case 'status':
      return `${cString(reply.value)}\n`;
    case 'integer':
      return `(integer) ${reply.value}\n`;
    case 'double':
      return `(double) ${reply.value}\n`;
    case 'bulk':
      return `${quoteRepr(reply.value)}\n`;
    case 'verbatim':
      return `${reply.value}\n`;
    case 'null':
      return '(nil)\n';
    case 'boolean':
      return reply.value ? '(true)\n' : '(false)\n';
    case 'array':
    case 'set':
    case 'push':
      return formatTtyList(reply.type, reply.items, prefix);
    case 'map':
      return formatTtyMap(reply.entries, prefix);
    case 'bignum':
    case 'attribute':
      throw new FormatError(HIREDIS_TYPE[reply.type]);
  }
}

const EMPTY_AGGREGATE = {
  array: '(empty array)\n',
  set: '(empty set)\n',
  push: '(empty push)\n',
  map: '(empty hash)\n',
} as const;

function formatTtyList(type: 'array' | 'set' | 'push', items: Reply[], prefix: string): string {
  if (items.length === 0) return EMPTY_AGGREGATE[type];
  const width = String(items.length).length;
  const childPrefix = prefix + ' '.repeat(width + 2);
  // Sets number their elements "1~"; arrays and push messages "1)".
  const separator = type === 'set' ? '~' : ')';
  let out = '';
  items.forEach((item, i) => {
    // The first element follows the index the parent already printed.
    out += `${i === 0 ? '' : prefix}${String(i + 1).padStart(width)}${separator} `;
    out += formatTty(item, childPrefix);
  });
  return out;
}

function formatTtyMap(entries: [Reply, Reply][], prefix: string): string {
  if (entries.length === 0) return EMPTY_AGGREGATE.map;
  const width = String(entries.length).length;
  const childPrefix = prefix + ' '.repeat(width + 2);
  let out = '';
  entries.forEach(([key, value], i) => {
    out += `${i === 0 ? '' : prefix}${String(i + 1).padStart(width)}# `;
    out += formatTty(key, childPrefix).slice(0, -1) + ' => ';
    // A value spanning several lines starts on its own line, aligned with the key.
    if (isMultilineTty(value)) out += '\n' + childPrefix;
    out += formatTty(value, childPrefix);
  });
  return out;
}

function isMultilineTty(reply: Reply): boolean {
  switch (reply.type) {
    case 'array':
    case 'set':
    case 'push':
      return reply.items.length > 1 || (reply.items.length === 1 && isMultilineTty(reply.items[0]));
    case 'map':
      return (
        reply.entries.length > 1 ||
        (reply.entries.length === 1 && isMultilineTty(reply.entries[0][1]))
      );
    default:
      return false;
  }
}

/** The raw form: values as they are, aggregate elements separated by `bulkDelimiter`. */
export function formatRaw(reply: Reply, bulkDelimiter = '\n'): string {
  switch (reply.type) {
    case 'null':
      return '';
    case 'error':
      return `${reply.value}\n`;
    case 'status':
    case 'bulk':
    case 'verbatim':
    case 'double':
      return reply.value;
    case 'integer':
      return String(reply.value);
    case 'boolean':
      return reply.value ? '(true)' : '(false)';
    case 'array':
    case 'set':
    case 'push':
      return reply.items.map((item) => formatRaw(item, bulkDelimiter)).join(bulkDelimiter);
    case 'map':
      return reply.entries
        .map(
          ([key, value]) => `${formatRaw(key, bulkDelimiter)} ${formatRaw(value, bulkDelimiter)}`,
        )
        .join(bulkDelimiter);
    case 'bignum':
    case 'attribute':
      throw new FormatError(HIREDIS_TYPE[reply.type]);
  }
}

/** The --csv form: quoted strings, comma-separated elements, maps flattened. */
export function formatCsv(reply: Reply): string {
  switch (reply.type) {
    case 'error':
      return `ERROR,${quoteRepr(cString(reply.value))}`;
    case 'status':
    case 'bulk':
    case 'verbatim':
      return quoteRepr(reply.value);
    case 'integer':
      return String(reply.value);
    case 'double':
      return reply.value;
    case 'null':
      return 'NULL';
    case 'boolean':
      return reply.value ? 'true' : 'false';
    case 'array':
    case 'set':
    case 'push':
      return reply.items.map(formatCsv).join(',');
    case 'map':
      return reply.entries.map(([key, value]) => `${formatCsv(key)},${formatCsv(value)}`).join(',');
    case 'bignum':
    case 'attribute':
      throw new FormatError(HIREDIS_TYPE[reply.type]);
  }
}
