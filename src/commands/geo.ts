/**
 * Geo commands, as Redis 7.0's geo.c. A geo key is a sorted set whose scores are 52-bit geohashes
 * (src/datatypes/geohash.ts). This file has GEOADD and the lookups of members (GEOPOS, GEODIST,
 * GEOHASH); the searches (GEOSEARCH, GEOSEARCHSTORE, GEORADIUS ...) are in geo-search.ts.
 */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { decodeScore, geohashString, positionScore } from '../datatypes/geohash.js';
import { distance } from '../datatypes/geohash-search.js';
import { parsePosition, parseUnit, replyCoordinate, replyDistance } from './geo-common.js';
import { geoSearchCommands } from './geo-search.js';
import { keysAt } from './key-specs.js';
import { optionName } from './string-common.js';
import { zaddGeneric } from './zset.js';
import { readZSet } from './zset-common.js';

/**
 * GEOADD key [NX|XX] [CH] lon lat member ...: Redis turns it into ZADD key [options] score member
 * ... and runs ZADD, which is also what it propagates.
 */
function geoadd(ctx: CommandContext, argv: string[]): void {
  let first = 2;
  let nx = false;
  let xx = false;
  for (; first < argv.length; first++) {
    const option = optionName(argv[first]);
    if (option === 'nx') nx = true;
    else if (option === 'xx') xx = true;
    else if (option !== 'ch') break;
  }
  if ((argv.length - first) % 3 !== 0 || (nx && xx)) throw new ReplyError(Err.syntax);
  const zadd = ['zadd', ...argv.slice(1, first)];
  for (let i = first; i < argv.length; i += 3) {
    const { lon, lat } = parsePosition(argv[i], argv[i + 1]);
    zadd.push(positionScore(lon, lat), argv[i + 2]);
  }
  zaddGeneric(ctx, zadd, false);
  ctx.propagateAs = zadd;
}

/** GEOPOS key member ...: each member's position, or a null array for a missing one. */
function geopos(ctx: CommandContext, argv: string[]): void {
  const zset = readZSet(ctx, argv[1]);
  ctx.reply.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const score = zset?.score(argv[i]);
    if (score === undefined) {
      ctx.reply.nullArray();
      continue;
    }
    const { lon, lat } = decodeScore(score);
    ctx.reply.array(2);
    replyCoordinate(ctx, lon);
    replyCoordinate(ctx, lat);
  }
}

/** GEOHASH key member ...: each member's standard 11-character geohash, or null. */
function geohash(ctx: CommandContext, argv: string[]): void {
  const zset = readZSet(ctx, argv[1]);
  ctx.reply.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const score = zset?.score(argv[i]);
    if (score === undefined) ctx.reply.nullBulk();
    else ctx.reply.bulk(geohashString(decodeScore(score)));
  }
}

/** GEODIST key member1 member2 [unit]: the distance, or null when a member is missing. */
function geodist(ctx: CommandContext, argv: string[]): void {
  if (argv.length > 5) throw new ReplyError(Err.syntax);
  const metersPerUnit = argv.length === 5 ? parseUnit(argv[4]) : 1;
  const zset = readZSet(ctx, argv[1]);
  const score1 = zset?.score(argv[2]);
  const score2 = zset?.score(argv[3]);
  if (score1 === undefined || score2 === undefined) return ctx.reply.nullBulk();
  const a = decodeScore(score1);
  const b = decodeScore(score2);
  replyDistance(ctx, distance(a.lon, a.lat, b.lon, b.lat) / metersPerUnit);
}

export const geoCommands: CommandSpec[] = [
  defineCommand({
    name: 'geoadd',
    arity: -5,
    flags: ['write', 'denyoom'],
    acl: ['geo'],
    keySpecs: [keysAt(1, ['RW', 'UPDATE'])],
    handler: geoadd,
  }),
  defineCommand({
    name: 'geodist',
    arity: -4,
    flags: ['readonly'],
    acl: ['geo'],
    keySpecs: [keysAt(1, ['RO', 'ACCESS'])],
    handler: geodist,
  }),
  defineCommand({
    name: 'geohash',
    arity: -2,
    flags: ['readonly'],
    acl: ['geo'],
    keySpecs: [keysAt(1, ['RO', 'ACCESS'])],
    handler: geohash,
  }),
  defineCommand({
    name: 'geopos',
    arity: -2,
    flags: ['readonly'],
    acl: ['geo'],
    keySpecs: [keysAt(1, ['RO', 'ACCESS'])],
    handler: geopos,
  }),
  ...geoSearchCommands,
];
