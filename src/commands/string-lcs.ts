/** LCS: the longest common subsequence of two string values, with its length or its match ranges. */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { parseInt64 } from '../dispatch/numbers.js';
import { isString, stringBytes } from '../keyspace/values.js';
import { keysFromFirst, optionName } from './string-common.js';

interface LcsOptions {
  len: boolean;
  idx: boolean;
  withMatchLen: boolean;
  minMatchLen: bigint;
}

/** A run of matching bytes: a[aStart..aEnd] equals b[bStart..bEnd]. */
interface MatchRange {
  aStart: number;
  aEnd: number;
  bStart: number;
  bEnd: number;
}

/** A key's bytes for LCS: missing keys are empty strings, other types an error. */
function lcsOperand(ctx: CommandContext, key: string): string | null {
  const value = ctx.read(key);
  if (value === undefined) return '';
  return isString(value) ? stringBytes(value) : null;
}

function parseLcsOptions(argv: string[]): LcsOptions {
  const options: LcsOptions = { len: false, idx: false, withMatchLen: false, minMatchLen: 0n };
  for (let j = 3; j < argv.length; j++) {
    const option = optionName(argv[j]);
    if (option === 'idx') options.idx = true;
    else if (option === 'len') options.len = true;
    else if (option === 'withmatchlen') options.withMatchLen = true;
    else if (option === 'minmatchlen' && j + 1 < argv.length) {
      const min = parseInt64(argv[++j]);
      if (min === null) throw new ReplyError(Err.notInteger);
      options.minMatchLen = min < 0n ? 0n : min;
    } else {
      throw new ReplyError(Err.syntax);
    }
  }
  if (options.idx && options.len) throw new ReplyError(Err.lcsLenAndIdx);
  return options;
}

/**
 * The dynamic-programming table: at (i, j) the LCS length of a[0..i) and b[0..j), row-major with
 * rows of b.length + 1. Null when it cannot be allocated.
 */
function lcsTable(a: string, b: string): Uint32Array | null {
  const width = b.length + 1;
  let table: Uint32Array;
  try {
    table = new Uint32Array((a.length + 1) * width);
  } catch {
    return null;
  }
  for (let i = 1; i <= a.length; i++) {
    const byte = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const at = i * width + j;
      if (byte === b.charCodeAt(j - 1)) table[at] = table[at - width - 1] + 1;
      else table[at] = Math.max(table[at - width], table[at - 1]);
    }
  }
  return table;
}

/**
 * Walks the table back from the end as Redis does, collecting the LCS bytes and the ranges of
 * contiguous matches (last ones first), keeping ranges at least `minMatchLen` long.
 */
function lcsWalk(a: string, b: string, table: Uint32Array, minMatchLen: bigint) {
  const width = b.length + 1;
  const bytes: string[] = [];
  const ranges: MatchRange[] = [];
  let current: MatchRange | null = null;
  let i = a.length;
  let j = b.length;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      bytes.push(a[i - 1]);
      if (current === null) current = { aStart: i - 1, aEnd: i - 1, bStart: j - 1, bEnd: j - 1 };
      else if (current.aStart === i && current.bStart === j) {
        current.aStart--;
        current.bStart--;
      } else emit = true;
      // A match at the first byte of either string ends the walk: emit now.
      if (current.aStart === 0 || current.bStart === 0) emit = true;
      i--;
      j--;
    } else {
      if (table[(i - 1) * width + j] > table[i * width + j - 1]) i--;
      else j--;
      if (current !== null) emit = true;
    }
    if (emit && current !== null) {
      if (BigInt(current.aEnd - current.aStart + 1) >= minMatchLen) ranges.push(current);
      current = null;
    }
  }
  return { lcs: bytes.reverse().join(''), ranges };
}

function replyMatches(
  ctx: CommandContext,
  ranges: MatchRange[],
  length: number,
  withMatchLen: boolean,
): void {
  ctx.reply.map(2);
  ctx.reply.bulk('matches');
  ctx.reply.array(ranges.length);
  for (const range of ranges) {
    ctx.reply.array(withMatchLen ? 3 : 2);
    ctx.reply.array(2);
    ctx.reply.integer(range.aStart);
    ctx.reply.integer(range.aEnd);
    ctx.reply.array(2);
    ctx.reply.integer(range.bStart);
    ctx.reply.integer(range.bEnd);
    if (withMatchLen) ctx.reply.integer(range.aEnd - range.aStart + 1);
  }
  ctx.reply.bulk('len');
  ctx.reply.integer(length);
}

export const lcs = defineCommand({
  name: 'lcs',
  arity: -3,
  flags: ['readonly'],
  acl: ['string'],
  keySpecs: keysFromFirst(['RO', 'ACCESS'], { lastKey: 1 }),
  handler: (ctx, argv) => {
    const a = lcsOperand(ctx, argv[1]);
    const b = lcsOperand(ctx, argv[2]);
    if (a === null || b === null) throw new ReplyError(Err.lcsNotStrings);
    const options = parseLcsOptions(argv);
    const table = lcsTable(a, b);
    if (table === null) throw new ReplyError(Err.lcsNoMemory);
    const length = table[table.length - 1];
    if (options.len) return ctx.reply.integer(length);
    const { lcs: common, ranges } = lcsWalk(a, b, table, options.minMatchLen);
    if (options.idx) replyMatches(ctx, ranges, length, options.withMatchLen);
    else ctx.reply.bulk(common);
  },
});

export const lcsCommands: CommandSpec[] = [lcs];
