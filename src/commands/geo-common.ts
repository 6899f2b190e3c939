/**
 * What the geo command files share: parsing positions, distances and units as Redis's geo.c does,
 * and printing numbers the way Redis prints them in geo replies.
 */
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { parseDouble } from '../dispatch/numbers.js';
import { isValidPosition, type LonLat } from '../datatypes/geohash.js';
import { optionName } from './string-common.js';

/** Meters per unit. */
const UNITS: ReadonlyMap<string, number> = new Map([
  ['m', 1],
  ['km', 1000],
  ['ft', 0.3048],
  ['mi', 1609.34],
]);

/** Redis's extractLongLatOrReply: two doubles, a valid position. */
export function parsePosition(lonArg: string, latArg: string): LonLat {
  const lon = parseDouble(lonArg);
  if (lon === null) throw new ReplyError(Err.notFloat);
  const lat = parseDouble(latArg);
  if (lat === null) throw new ReplyError(Err.notFloat);
  if (!isValidPosition(lon, lat)) {
    throw new ReplyError(Err.geoInvalidPosition(formatFixed(lon, 6), formatFixed(lat, 6)));
  }
  return { lon, lat };
}

/** Redis's extractUnitOrReply: meters per unit of m, km, ft or mi (any case). */
export function parseUnit(arg: string): number {
  const meters = UNITS.get(optionName(arg));
  if (meters === undefined) throw new ReplyError(Err.geoUnit);
  return meters;
}

/** A double argument, or the given error. */
export function parseNumber(arg: string, notNumber: string): number {
  const value = parseDouble(arg);
  if (value === null) throw new ReplyError(notNumber);
  return value;
}

/** A distance as Redis's addReplyDoubleDistance sends it: "%.4f" in a bulk string. */
export function replyDistance(ctx: CommandContext, meters: number): void {
  ctx.reply.bulk(formatFixed(meters, 4));
}

/**
 * A coordinate as Redis's addReplyHumanLongDouble sends it: "%.17Lf" without trailing zeros (and
 * "-0" as "0"), a bulk string in RESP2 and a double in RESP3.
 */
export function replyCoordinate(ctx: CommandContext, x: number): void {
  let text = formatFixed(x, 17);
  if (text.includes('.')) text = text.replace(/\.?0+$/, '');
  ctx.reply.doubleText(text === '-0' ? '0' : text);
}

/** A score as the integer WITHHASH shows: C's (long long) conversion on x86-64. */
export function scoreAsInteger(score: number): number | bigint {
  if (!(score >= -(2 ** 63) && score < 2 ** 63)) return -(2n ** 63n);
  const t = Math.trunc(score);
  return Number.isSafeInteger(t) ? t : BigInt(t);
}

/**
 * printf("%.<digits>f", x) as glibc prints it: exact decimal expansion, a halfway case rounded to
 * even (JavaScript's toFixed rounds it up), numbers beyond 1e21 written out in full.
 */
export function formatFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (Math.abs(x) >= 1e21)
    return BigInt(x).toString() + (digits > 0 ? '.' + '0'.repeat(digits) : '');
  // x lies exactly halfway between two results when it is an odd multiple of 2^-(digits + 1).
  const halves = Math.abs(x) * 2 ** (digits + 1);
  if (!Number.isInteger(halves) || halves % 2 === 0) {
    return (Object.is(x, -0) ? '-' : '') + x.toFixed(digits);
  }
  const twice = BigInt(halves) * 5n ** BigInt(digits);
  let rounded = (twice - 1n) / 2n;
  if (rounded % 2n === 1n) rounded++;
  const text = rounded.toString().padStart(digits + 1, '0');
  const sign = x < 0 ? '-' : '';
  if (digits === 0) return sign + text;
  return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}
