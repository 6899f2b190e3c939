/**
 * The geo searches, as Redis 7.0's georadiusGeneric: GEOSEARCH and GEOSEARCHSTORE, and the
 * deprecated GEORADIUS and GEORADIUSBYMEMBER with their _RO forms. A search scans the score ranges
 * of nine cells around the centre (datatypes/geohash-search.ts), keeps the members inside the
 * shape in the order it finds them, then sorts them by distance if asked (or if COUNT is given
 * without ANY), exactly as Redis does, so that equal distances come out in Redis's order too.
 */
import { defineCommand, type CommandSpec, type KeySpec } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { parseInteger } from '../dispatch/numbers.js';
import { cellScoreRange, decodeScore, sameCell, type GeoCell } from '../datatypes/geohash.js';
import { distance, isInside, searchCells, type GeoShape } from '../datatypes/geohash-search.js';
import { partialSort } from '../datatypes/partial-sort.js';
import { ZSetValue } from '../datatypes/zset.js';
import {
  parseNumber,
  parsePosition,
  parseUnit,
  replyCoordinate,
  replyDistance,
  scoreAsInteger,
} from './geo-common.js';
import { keysAt } from './key-specs.js';
import { optionName } from './string-common.js';
import { readZSet, zsetLimits } from './zset-common.js';

/** How a search command takes its arguments (Redis's RADIUS_* and GEOSEARCH* flags). */
interface SearchCommand {
  /**
   * Where the centre and the shape come from: fixed arguments (GEORADIUS: lon lat radius unit),
   * a fixed member (GEORADIUSBYMEMBER: member radius unit), or options (GEOSEARCH: FROMMEMBER or
   * FROMLONLAT, BYRADIUS or BYBOX).
   */
  centre: 'position' | 'member' | 'options';
  /** STORE and STOREDIST are accepted (GEORADIUS and GEORADIUSBYMEMBER, not their _RO forms). */
  storeOption: boolean;
  /** GEOSEARCHSTORE: the destination is argv[1], the source argv[2]. */
  storeFirst: boolean;
}

/** A member found inside the shape. */
interface GeoPoint {
  member: string;
  score: number;
  lon: number;
  lat: number;
  /** From the centre, in meters; measured only when a reply, a sort or a store needs it. */
  dist: number;
}

/** A parsed search: the shape is null when the source key is missing (Redis stops parsing it). */
interface SearchQuery {
  shape: GeoShape | null;
  withDist: boolean;
  withHash: boolean;
  withCoord: boolean;
  sort: 'none' | 'asc' | 'desc';
  count: number;
  any: boolean;
  storeKey: string | null;
  storeDist: boolean;
}

/** The shape's centre and size as the options give them, before they make a GeoShape. */
interface ShapeParts {
  centre: { lon: number; lat: number } | null;
  size: { radius: number } | { width: number; height: number } | null;
  conversion: number;
}

function searchGeneric(ctx: CommandContext, argv: string[], command: SearchCommand): void {
  const source = command.storeFirst ? argv[2] : argv[1];
  const zset = readZSet(ctx, source);
  const query = parseQuery(argv, command, zset);
  if (zset === undefined || query.shape === null) {
    if (query.storeKey === null) return ctx.reply.array(0);
    if (ctx.keyspace.delete(ctx.db, query.storeKey)) ctx.keyChanged(query.storeKey, 'g', 'del');
    return ctx.reply.integer(0);
  }
  const points = findPoints(zset, query.shape, query.any ? query.count : 0);
  if (points.length === 0 && query.storeKey === null) return ctx.reply.array(0);
  const returned = query.count === 0 || points.length < query.count ? points.length : query.count;
  measureAndSort(points, returned, query.shape, query);
  const conversion = query.shape.conversion;
  if (query.storeKey === null) return replyPoints(ctx, points, returned, conversion, query);
  const event = command.centre === 'options' ? 'geosearchstore' : 'georadiusstore';
  storePoints(
    ctx,
    query.storeKey,
    points.slice(0, returned),
    query.storeDist ? conversion : 0,
    event,
  );
}

/**
 * Measures the distances a sort, WITHDIST or STOREDIST needs, and sorts: a COUNT without ANY
 * sorts by increasing distance when no order is given. Like Redis, all the points are sorted
 * when all are returned (a stable sort, as glibc's qsort), otherwise only enough of them for the
 * first `returned` (Redis's pqsort).
 */
function measureAndSort(
  points: GeoPoint[],
  returned: number,
  shape: GeoShape,
  query: SearchQuery,
): void {
  const sort = query.count !== 0 && query.sort === 'none' && !query.any ? 'asc' : query.sort;
  if (sort !== 'none' || query.withDist || query.storeDist) {
    for (const point of points) point.dist = distance(shape.lon, shape.lat, point.lon, point.lat);
  }
  if (sort === 'none') return;
  const compare = sort === 'asc' ? compareAscending : compareDescending;
  if (returned === points.length) points.sort(compare);
  else partialSort(points, compare, 0, returned - 1);
}

/**
 * Parses the arguments in Redis's order, so that the first error Redis would report is the one
 * thrown. Without a source key, FROMMEMBER and GEORADIUSBYMEMBER's member are not looked up, and
 * GEORADIUSBYMEMBER's radius is not even parsed.
 */
function parseQuery(
  argv: string[],
  command: SearchCommand,
  zset: ZSetValue | undefined,
): SearchQuery {
  const query: SearchQuery = {
    shape: null,
    withDist: false,
    withHash: false,
    withCoord: false,
    sort: 'none',
    count: 0,
    any: false,
    storeKey: command.storeFirst ? argv[1] : null,
    storeDist: false,
  };
  const parts: ShapeParts = { centre: null, size: null, conversion: 1 };
  const first = parseFixedArguments(argv, command, zset, parts);
  let fromMember = false;
  let fromLonLat = false;
  let byRadius = false;
  let byBox = false;
  for (let i = first; i < argv.length; i++) {
    const option = optionName(argv[i]);
    const left = argv.length - 1 - i;
    const searchOption = command.centre === 'options';
    if (option === 'withdist') query.withDist = true;
    else if (option === 'withhash') query.withHash = true;
    else if (option === 'withcoord') query.withCoord = true;
    else if (option === 'any') query.any = true;
    else if (option === 'asc') query.sort = 'asc';
    else if (option === 'desc') query.sort = 'desc';
    else if (option === 'count' && left >= 1) query.count = parseCount(argv[++i]);
    else if ((option === 'store' || option === 'storedist') && left >= 1 && command.storeOption) {
      query.storeKey = argv[++i];
      query.storeDist = option === 'storedist';
    } else if (option === 'storedist' && command.storeFirst) {
      query.storeDist = true;
    } else if (option === 'frommember' && left >= 1 && searchOption && !fromLonLat) {
      fromMember = true;
      const member = argv[++i];
      if (zset !== undefined) parts.centre = memberPosition(zset, member);
    } else if (option === 'fromlonlat' && left >= 2 && searchOption && !fromMember) {
      parts.centre = parsePosition(argv[i + 1], argv[i + 2]);
      fromLonLat = true;
      i += 2;
    } else if (option === 'byradius' && left >= 2 && searchOption && !byBox) {
      parseRadius(parts, argv, i + 1);
      byRadius = true;
      i += 2;
    } else if (option === 'bybox' && left >= 3 && searchOption && !byRadius) {
      parseBox(parts, argv, i + 1);
      byBox = true;
      i += 3;
    } else {
      throw new ReplyError(Err.syntax);
    }
  }
  checkCombinations(argv, command, query, fromMember || fromLonLat, byRadius || byBox);
  query.shape = zset === undefined ? null : shapeOf(parts);
  return query;
}

/**
 * GEORADIUS's lon lat radius unit and GEORADIUSBYMEMBER's member radius unit (GEOSEARCH has
 * none, GEOSEARCHSTORE its destination and source): returns where the options begin.
 */
function parseFixedArguments(
  argv: string[],
  command: SearchCommand,
  zset: ZSetValue | undefined,
  parts: ShapeParts,
): number {
  if (command.centre === 'position') {
    parts.centre = parsePosition(argv[2], argv[3]);
    parseRadius(parts, argv, 4);
    return 6;
  }
  if (command.centre === 'member') {
    if (zset !== undefined) {
      parts.centre = memberPosition(zset, argv[2]);
      parseRadius(parts, argv, 3);
    }
    return 5;
  }
  return command.storeFirst ? 3 : 2;
}

/** The checks Redis makes once every option is read. */
function checkCombinations(
  argv: string[],
  command: SearchCommand,
  query: SearchQuery,
  hasCentre: boolean,
  hasSize: boolean,
): void {
  if (query.storeKey !== null && (query.withDist || query.withHash || query.withCoord)) {
    const what = command.storeFirst ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS';
    throw new ReplyError(Err.geoStoreWithOptions(what));
  }
  if (command.centre === 'options' && !hasCentre) throw new ReplyError(Err.geoNoFrom(argv[0]));
  if (command.centre === 'options' && !hasSize) throw new ReplyError(Err.geoNoBy(argv[0]));
  if (query.any && query.count === 0) throw new ReplyError(Err.geoAnyWithoutCount);
}

function shapeOf(parts: ShapeParts): GeoShape {
  const { centre, size, conversion } = parts;
  if (centre === null || size === null) throw new Error('geo search parsed without a shape');
  if ('radius' in size) return { kind: 'radius', ...centre, conversion, radius: size.radius };
  return { kind: 'box', ...centre, conversion, width: size.width, height: size.height };
}

/** Redis's extractDistanceOrReply: radius, then unit. */
function parseRadius(parts: ShapeParts, argv: string[], at: number): void {
  const radius = parseNumber(argv[at], Err.geoRadiusNotNumber);
  if (radius < 0) throw new ReplyError(Err.geoRadiusNegative);
  parts.conversion = parseUnit(argv[at + 1]);
  parts.size = { radius };
}

/** Redis's extractBoxOrReply: width and height, then their signs, then the unit. */
function parseBox(parts: ShapeParts, argv: string[], at: number): void {
  const width = parseNumber(argv[at], Err.geoWidthNotNumber);
  const height = parseNumber(argv[at + 1], Err.geoHeightNotNumber);
  if (width < 0 || height < 0) throw new ReplyError(Err.geoBoxNegative);
  parts.conversion = parseUnit(argv[at + 2]);
  parts.size = { width, height };
}

function parseCount(arg: string): number {
  const count = parseInteger(arg);
  if (count === null) throw new ReplyError(Err.notInteger);
  if (count <= 0) throw new ReplyError(Err.geoCountNotPositive);
  return count;
}

function memberPosition(zset: ZSetValue, member: string): { lon: number; lat: number } {
  const score = zset.score(member);
  if (score === undefined) throw new ReplyError(Err.geoMemberMissing);
  return decodeScore(score);
}

/**
 * The members inside the shape, cell after cell (Redis's membersOfAllNeighbors): a cell equal to
 * the last one scanned is skipped, and with a limit (COUNT ... ANY) the scan stops once enough are
 * found.
 */
function findPoints(zset: ZSetValue, shape: GeoShape, limit: number): GeoPoint[] {
  const points: GeoPoint[] = [];
  const cells = searchCells(shape);
  // The index of the last cell scanned; like Redis's, 0 (the centre) compares with nothing.
  let lastScanned = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell === null) continue;
    const last = cells[lastScanned];
    if (lastScanned !== 0 && last !== null && sameCell(cell, last)) continue;
    if (limit !== 0 && points.length >= limit) break;
    scanCell(zset, cell, shape, limit, points);
    lastScanned = i;
  }
  return points;
}

/** Redis's geoGetPointsInRange: the members with scores in the cell's range that are inside. */
function scanCell(
  zset: ZSetValue,
  cell: GeoCell,
  shape: GeoShape,
  limit: number,
  points: GeoPoint[],
): void {
  const [min, max] = cellScoreRange(cell);
  const span = zset.scoreSpan({ min, max, minExclusive: false, maxExclusive: true });
  if (span.last < span.first) return;
  const cursor = zset.cursorAt(span.first);
  for (let rank = span.first; rank <= span.last; rank++, cursor.next()) {
    const { lon, lat } = decodeScore(cursor.score);
    if (isInside(shape, lon, lat)) {
      points.push({ member: cursor.member, score: cursor.score, lon, lat, dist: NaN });
    }
    if (limit !== 0 && points.length >= limit) return;
  }
}

function compareAscending(a: GeoPoint, b: GeoPoint): number {
  return a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1;
}

function compareDescending(a: GeoPoint, b: GeoPoint): number {
  return -compareAscending(a, b);
}

function replyPoints(
  ctx: CommandContext,
  points: GeoPoint[],
  returned: number,
  conversion: number,
  query: SearchQuery,
): void {
  const extras = Number(query.withDist) + Number(query.withHash) + Number(query.withCoord);
  ctx.reply.array(returned);
  for (let i = 0; i < returned; i++) {
    const point = points[i];
    if (extras > 0) ctx.reply.array(extras + 1);
    ctx.reply.bulk(point.member);
    if (query.withDist) replyDistance(ctx, point.dist / conversion);
    if (query.withHash) ctx.reply.integer(scoreAsInteger(point.score));
    if (query.withCoord) {
      ctx.reply.array(2);
      replyCoordinate(ctx, point.lon);
      replyCoordinate(ctx, point.lat);
    }
  }
}

/**
 * Stores the points as a sorted set (scores: their geohash, or their distance in the query's unit
 * when `distanceUnit` is not 0), or deletes the destination when there are none.
 */
function storePoints(
  ctx: CommandContext,
  key: string,
  points: GeoPoint[],
  distanceUnit: number,
  event: string,
): void {
  const members = points.map((p) => p.member);
  const scores = points.map((p) => (distanceUnit === 0 ? p.score : p.dist / distanceUnit));
  if (points.length > 0) {
    ctx.keyspace.setKey(ctx.db, key, ZSetValue.fromEntries(members, scores, zsetLimits(ctx)));
    ctx.keyspace.keyChanged(ctx.db, key, 'z', event, points.length);
  } else if (ctx.keyspace.delete(ctx.db, key)) {
    ctx.keyChanged(key, 'g', 'del');
  }
  ctx.reply.integer(points.length);
}

const SOURCE_KEY = keysAt(1, ['RO', 'ACCESS']);

/** The STORE and STOREDIST destinations of GEORADIUS and GEORADIUSBYMEMBER. */
function storeKeySpecs(startFrom: number): KeySpec[] {
  return ['STORE', 'STOREDIST'].map((keyword) => ({
    flags: ['OW', 'UPDATE'],
    begin: { keyword, startFrom },
    find: { range: { lastKey: 0, keyStep: 1, limit: 0 } },
  }));
}

function searchCommand(
  name: string,
  arity: number,
  command: SearchCommand,
  keySpecs: KeySpec[],
): CommandSpec {
  const writes = command.storeOption || command.storeFirst;
  return defineCommand({
    name,
    arity,
    flags: writes ? ['write', 'denyoom'] : ['readonly'],
    acl: ['geo'],
    keySpecs,
    handler: (ctx, argv) => searchGeneric(ctx, argv, command),
  });
}

const GEORADIUS: SearchCommand = { centre: 'position', storeOption: true, storeFirst: false };
const GEORADIUS_RO: SearchCommand = { centre: 'position', storeOption: false, storeFirst: false };
const BYMEMBER: SearchCommand = { centre: 'member', storeOption: true, storeFirst: false };
const BYMEMBER_RO: SearchCommand = { centre: 'member', storeOption: false, storeFirst: false };
const GEOSEARCH: SearchCommand = { centre: 'options', storeOption: false, storeFirst: false };
const GEOSEARCHSTORE: SearchCommand = { centre: 'options', storeOption: false, storeFirst: true };

export const geoSearchCommands: CommandSpec[] = [
  searchCommand('georadius', -6, GEORADIUS, [SOURCE_KEY, ...storeKeySpecs(6)]),
  searchCommand('georadius_ro', -6, GEORADIUS_RO, [SOURCE_KEY]),
  searchCommand('georadiusbymember', -5, BYMEMBER, [SOURCE_KEY, ...storeKeySpecs(5)]),
  searchCommand('georadiusbymember_ro', -5, BYMEMBER_RO, [SOURCE_KEY]),
  searchCommand('geosearch', -7, GEOSEARCH, [SOURCE_KEY]),
  searchCommand('geosearchstore', -8, GEOSEARCHSTORE, [
    keysAt(1, ['OW', 'UPDATE']),
    keysAt(2, ['RO', 'ACCESS']),
  ]),
];
