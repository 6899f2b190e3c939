/** HRANDFIELD and HSCAN: the reads that pick or walk fields rather than name them. */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { INT64_MAX, INT64_MIN, parseInt64 } from '../dispatch/numbers.js';
import type { PairView } from '../datatypes/hash.js';
import { keysAt } from './key-specs.js';
import { asHash } from './hash-ops.js';
import { matchesScanPattern, parseScanCursor, parseScanOptions } from './scan-options.js';
import { optionName } from './string-common.js';

/** WITHVALUES doubles the reply, so Redis halves the count it accepts with it. */
const WITHVALUES_LIMIT = INT64_MAX / 2n;

/** HRANDFIELD key count [WITHVALUES]: the count and option, checked as Redis checks them. */
function parseRandomCount(argv: string[]): { count: bigint; withValues: boolean } {
  const count = parseInt64(argv[2]);
  if (count === null) throw new ReplyError(Err.notInteger);
  if (count === INT64_MIN) throw new ReplyError(Err.valueOutOfRange(-INT64_MAX, INT64_MAX));
  if (argv.length > 4 || (argv.length === 4 && optionName(argv[3]) !== 'withvalues')) {
    throw new ReplyError(Err.syntax);
  }
  const withValues = argv.length === 4;
  if (withValues && (count < -WITHVALUES_LIMIT || count > WITHVALUES_LIMIT)) {
    throw new ReplyError(Err.valueOutOfRangePlain);
  }
  return { count, withValues };
}

/** Distinct positions in [0, size), count < size of them, in ascending order. */
function distinctPositions(size: number, count: number, random: () => number): number[] {
  const chosen = new Set<number>();
  if (count * 3 > size) {
    // Most positions are wanted: shuffle the first `count` into place (Fisher-Yates).
    const positions = Array.from({ length: size }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(random() * (size - i));
      [positions[i], positions[j]] = [positions[j], positions[i]];
      chosen.add(positions[i]);
    }
  } else {
    while (chosen.size < count) chosen.add(Math.floor(random() * size));
  }
  return [...chosen].sort((a, b) => a - b);
}

/** Replies with the pairs at these positions: flat in RESP2, [field, value] arrays in RESP3. */
function replyPairs(
  ctx: CommandContext,
  pairs: PairView,
  positions: Iterable<number>,
  length: number,
  withValues: boolean,
) {
  const reply = ctx.reply;
  const nested = withValues && reply.resp === 3;
  reply.array(withValues && !nested ? length * 2 : length);
  for (const i of positions) {
    if (nested) reply.array(2);
    reply.bulk(pairs.fieldAt(i));
    if (withValues) reply.bulk(pairs.valueAt(i));
  }
}

/** Positions drawn with replacement, one at a time (a negative count may be huge). */
function* drawnPositions(size: number, count: number, random: () => number): Iterable<number> {
  for (let i = 0; i < count; i++) yield Math.floor(random() * size);
}

function* allPositions(size: number): Iterable<number> {
  for (let i = 0; i < size; i++) yield i;
}

function hrandfield(ctx: CommandContext, argv: string[]): void {
  const random = () => ctx.server.random();
  if (argv.length === 2) {
    const hash = asHash(ctx.read(argv[1]));
    if (hash === undefined) return ctx.reply.nullBulk();
    const pairs = hash.view();
    return ctx.reply.bulk(pairs.fieldAt(Math.floor(random() * pairs.size)));
  }
  const { count, withValues } = parseRandomCount(argv);
  const hash = asHash(ctx.read(argv[1]));
  if (hash === undefined || count === 0n) return ctx.reply.array(0);
  const pairs = hash.view();
  const size = pairs.size;
  if (count < 0n) {
    // A negative count may repeat fields.
    const draws = Number(-count);
    return replyPairs(ctx, pairs, drawnPositions(size, draws, random), draws, withValues);
  }
  if (count >= BigInt(size)) return replyPairs(ctx, pairs, allPositions(size), size, withValues);
  const positions = distinctPositions(size, Number(count), random);
  replyPairs(ctx, pairs, positions, positions.length, withValues);
}

/** HSCAN key cursor [MATCH pattern] [COUNT count]: options are checked only on an existing hash. */
function hscan(ctx: CommandContext, argv: string[]): void {
  const cursor = parseScanCursor(argv[2]);
  const hash = asHash(ctx.read(argv[1]));
  const found: string[] = [];
  let next = 0;
  if (hash !== undefined) {
    const options = parseScanOptions(argv, 3, false);
    next = hash.scan(cursor, options.count, (field, value) => {
      if (matchesScanPattern(options, field)) found.push(field, value);
    });
  }
  ctx.reply.array(2);
  ctx.reply.bulk(String(next));
  ctx.reply.bulkArray(found);
}

export const hashRandomCommands: CommandSpec[] = [
  defineCommand({
    name: 'hrandfield',
    arity: -2,
    flags: ['readonly'],
    acl: ['hash'],
    tips: ['nondeterministic_output'],
    keySpecs: [keysAt(1, ['RO', 'ACCESS'])],
    handler: hrandfield,
  }),
  defineCommand({
    name: 'hscan',
    arity: -3,
    flags: ['readonly'],
    acl: ['hash'],
    tips: ['nondeterministic_output'],
    keySpecs: [keysAt(1, ['RO', 'ACCESS'])],
    handler: hscan,
  }),
];
