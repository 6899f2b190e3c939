/**
 * ZRANDMEMBER, as Redis 7.0's zrandmemberWithCountCommand: a negative count allows repetitions,
 * a count at least the size returns the whole set (from the highest entry down, as Redis 7.0
 * does), anything else distinct random entries. Randomness comes from the server's source.
 */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { INT64_MAX } from '../dispatch/numbers.js';
import { keysAt } from './key-specs.js';
import { randomCountArgument, sampleIndexes } from './set-common.js';
import { optionName } from './string-common.js';
import { readZSet, replyEntriesHeader, replyEntry } from './zset-common.js';

/** With scores, Redis refuses counts whose doubled reply length would overflow a long. */
const HALF_LONG_MAX = INT64_MAX / 2n;

function zrandmemberCount(ctx: CommandContext, argv: string[]): void {
  const requested = randomCountArgument(argv[2]);
  if (argv.length > 4 || (argv.length === 4 && optionName(argv[3]) !== 'withscores')) {
    throw new ReplyError(Err.syntax);
  }
  const withScores = argv.length === 4;
  const exact = BigInt(argv[2]);
  if (withScores && (exact > HALF_LONG_MAX || exact < -HALF_LONG_MAX)) {
    throw new ReplyError(Err.valueOutOfRangePlain);
  }
  const zset = readZSet(ctx, argv[1]);
  if (zset === undefined || requested === 0) return ctx.reply.array(0);
  const random = () => ctx.server.random();
  const count = Math.abs(requested);
  const size = zset.size;
  if (requested < 0 || count === 1) {
    replyEntriesHeader(ctx, count, withScores);
    for (let i = 0; i < count; i++) {
      const [member, score] = zset.entryAtRandomIndex(zset.randomIndex(random));
      replyEntry(ctx, member, score, withScores);
    }
    return;
  }
  if (count >= size) {
    replyEntriesHeader(ctx, size, withScores);
    for (const cursor = zset.cursorAt(size - 1); cursor.valid; cursor.prev()) {
      replyEntry(ctx, cursor.member, cursor.score, withScores);
    }
    return;
  }
  replyEntriesHeader(ctx, count, withScores);
  for (const index of sampleIndexes(size, count, random)) {
    const [member, score] = zset.entryAtRandomIndex(index);
    replyEntry(ctx, member, score, withScores);
  }
}

export const zsetRandomCommands: CommandSpec[] = [
  defineCommand({
    name: 'zrandmember',
    arity: -2,
    flags: ['readonly'],
    acl: ['sortedset'],
    tips: ['nondeterministic_output'],
    keySpecs: [keysAt(1, ['RO', 'ACCESS'])],
    handler: (ctx, argv) => {
      if (argv.length >= 3) return zrandmemberCount(ctx, argv);
      const zset = readZSet(ctx, argv[1]);
      if (zset === undefined) return ctx.reply.nullBulk();
      const [member] = zset.entryAtRandomIndex(zset.randomIndex(() => ctx.server.random()));
      ctx.reply.bulk(member);
    },
  }),
];
