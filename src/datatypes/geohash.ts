/**
 * Redis's geohash (geohash.c): a position is a cell of a grid that halves longitude and latitude
 * `step` times, and the cell's number interleaves the latitude bits (even positions) with the
 * longitude bits (odd positions). At GEO_STEP_MAX (26) that is a 52-bit integer, stored exactly as
 * the score of a sorted set member: a geo key is a sorted set.
 *
 * A cell is kept as its two integer coordinates rather than as interleaved bits: moving to a
 * neighbour (Redis's geohash_move_x/y on the interleaved bits) is then a plain increment modulo
 * 2^step, and the interleaved number is computed only when a score is needed. The arithmetic is
 * Redis's own, operation for operation, so that scores, decoded positions and cell edges are the
 * same doubles.
 */

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;

/** The coordinate ranges a grid divides. */
export interface GeoRange {
  lonMin: number;
  lonMax: number;
  latMin: number;
  latMax: number;
}

/** The grid of geo keys: the latitudes Web Mercator (EPSG:3785) can represent. */
export const WGS84_RANGE: Readonly<GeoRange> = {
  lonMin: GEO_LONG_MIN,
  lonMax: GEO_LONG_MAX,
  latMin: GEO_LAT_MIN,
  latMax: GEO_LAT_MAX,
};

/** The standard geohash grid, which GEOHASH's strings are in. */
export const STANDARD_RANGE: Readonly<GeoRange> = {
  lonMin: -180,
  lonMax: 180,
  latMin: -90,
  latMax: 90,
};

/**
 * A cell at some step: its longitude and latitude indexes, each below 2^step (or exactly 2^step
 * for a position on the range's upper edge, as in Redis).
 */
export interface GeoCell {
  lon: number;
  lat: number;
  step: number;
}

/** The edges of a cell. */
export interface GeoArea {
  lonMin: number;
  lonMax: number;
  latMin: number;
  latMax: number;
}

export interface LonLat {
  lon: number;
  lat: number;
}

const TWO_32 = 2 ** 32;
const TWO_63 = 2 ** 63;

/** Whether a position may be stored: longitude within ±180, latitude within ±85.05112878. */
export function isValidPosition(lon: number, lat: number): boolean {
  return lon >= GEO_LONG_MIN && lon <= GEO_LONG_MAX && lat >= GEO_LAT_MIN && lat <= GEO_LAT_MAX;
}

/** Redis's geohashEncode for a valid position: the cell containing it at `step`. */
export function encodeCell(lon: number, lat: number, step: number, range = WGS84_RANGE): GeoCell {
  const latOffset = ((lat - range.latMin) / (range.latMax - range.latMin)) * 2 ** step;
  const lonOffset = ((lon - range.lonMin) / (range.lonMax - range.lonMin)) * 2 ** step;
  return { lon: Math.trunc(lonOffset), lat: Math.trunc(latOffset), step };
}

/**
 * The score of a position as GEOADD writes it for ZADD: the number of its cell at GEO_STEP_MAX,
 * as an exact decimal integer.
 */
export function positionScore(lon: number, lat: number): string {
  const cell = encodeCell(lon, lat, GEO_STEP_MAX);
  const high = interleavedHigh(cell);
  const low = interleavedLow(cell);
  if (high < 2 ** 21) return String(high * TWO_32 + low);
  return ((BigInt(high) << 32n) | BigInt(low)).toString();
}

/**
 * The scores [min, max) of the members inside a cell (Redis's scoresOfGeoHashBox): its number,
 * and the next one, shifted to 52 bits.
 */
export function cellScoreRange(cell: GeoCell): [number, number] {
  const shift = 2 ** (52 - cell.step * 2);
  const high = interleavedHigh(cell) * TWO_32;
  const low = interleavedLow(cell);
  return [(high + low) * shift, (high + (low + 1)) * shift];
}

/** The edges of a cell (Redis's geohashDecode). */
export function cellArea(cell: GeoCell, range = WGS84_RANGE): GeoArea {
  return areaOf(cell.lon, cell.lat, cell.step, range);
}

/**
 * The position a score stands for (Redis's decodeGeohash): the centre of its cell at step 26,
 * clamped to the valid range. Like Redis, any score decodes; the double is first converted to a
 * 64-bit unsigned integer the way x86-64 C code does it.
 */
export function decodeScore(score: number): LonLat {
  const [high, low] = toUint64Words(score);
  const lat = (compactEvenBits(low) | (compactEvenBits(high) << 16)) >>> 0;
  const lon = (compactEvenBits(low >>> 1) | (compactEvenBits(high >>> 1) << 16)) >>> 0;
  const area = areaOf(lon, lat, GEO_STEP_MAX, WGS84_RANGE);
  return {
    lon: Math.min(Math.max((area.lonMin + area.lonMax) / 2, GEO_LONG_MIN), GEO_LONG_MAX),
    lat: Math.min(Math.max((area.latMin + area.latMax) / 2, GEO_LAT_MIN), GEO_LAT_MAX),
  };
}

/** The neighbour `dLon` cells east and `dLat` cells north, wrapping around the grid. */
export function neighbour(cell: GeoCell, dLon: number, dLat: number): GeoCell {
  const mask = 2 ** cell.step - 1;
  return {
    // As geohash_move_x/y: a moved coordinate is masked to the step, an unmoved one kept as is.
    lon: dLon === 0 ? cell.lon : (cell.lon + dLon) & mask,
    lat: dLat === 0 ? cell.lat : (cell.lat + dLat) & mask,
    step: cell.step,
  };
}

export function sameCell(a: GeoCell, b: GeoCell): boolean {
  return a.lon === b.lon && a.lat === b.lat && a.step === b.step;
}

/**
 * The 11-character standard geohash GEOHASH answers: the position re-encoded in the ±90 latitude
 * grid at step 26, in base 32, the 11th character always '0' (52 bits fill only ten).
 */
export function geohashString(position: LonLat): string {
  const cell = encodeCell(position.lon, position.lat, GEO_STEP_MAX, STANDARD_RANGE);
  // Bits 52 and 53 (a coordinate on the upper edge) fall outside the ten characters.
  const bits = (interleavedHigh(cell) & 0xfffff) * TWO_32 + interleavedLow(cell);
  let text = '';
  for (let i = 0; i < 10; i++) {
    text += GEOHASH_ALPHABET[Math.floor(bits / 2 ** (47 - i * 5)) % 32];
  }
  return text + '0';
}

const GEOHASH_ALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

function areaOf(lonIndex: number, latIndex: number, step: number, range: GeoRange): GeoArea {
  const cells = 2 ** step;
  const latScale = range.latMax - range.latMin;
  const lonScale = range.lonMax - range.lonMin;
  // (index + 1) is a 32-bit unsigned sum in Redis: it wraps for the largest index.
  return {
    latMin: range.latMin + (latIndex / cells) * latScale,
    latMax: range.latMin + (((latIndex + 1) >>> 0) / cells) * latScale,
    lonMin: range.lonMin + (lonIndex / cells) * lonScale,
    lonMax: range.lonMin + (((lonIndex + 1) >>> 0) / cells) * lonScale,
  };
}

/** The upper 32 bits of the interleaved number (coordinates up to 2^27). */
function interleavedHigh(cell: GeoCell): number {
  const lat = Math.floor(cell.lat / 65536);
  const lon = Math.floor(cell.lon / 65536);
  return (spreadBits(lat) | (spreadBits(lon) << 1)) >>> 0;
}

/** The lower 32 bits of the interleaved number. */
function interleavedLow(cell: GeoCell): number {
  return (spreadBits(cell.lat & 0xffff) | (spreadBits(cell.lon & 0xffff) << 1)) >>> 0;
}

/** The 16 bits of v moved to the even bit positions of a 32-bit word. */
function spreadBits(v: number): number {
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  return (v | (v << 1)) & 0x55555555;
}

/** The even bits of a 32-bit word gathered into 16 bits. */
function compactEvenBits(v: number): number {
  v &= 0x55555555;
  v = (v | (v >>> 1)) & 0x33333333;
  v = (v | (v >>> 2)) & 0x0f0f0f0f;
  v = (v | (v >>> 4)) & 0x00ff00ff;
  return (v | (v >>> 8)) & 0x0000ffff;
}

/**
 * C's (uint64_t) conversion of a double as gcc compiles it for x86-64: below 2^63 a truncating
 * signed conversion (two's complement for negatives; 2^63 for anything it cannot represent),
 * from 2^63 on the conversion of x - 2^63 with the top bit flipped (0 past 2^64). Returns the
 * high and low 32-bit words.
 */
function toUint64Words(x: number): [number, number] {
  if (x < TWO_63) {
    if (!(x >= -TWO_63)) return [0x80000000, 0];
    const t = Math.trunc(x);
    const high = Math.floor(t / TWO_32);
    return [high >>> 0, t - high * TWO_32];
  }
  const rest = x - TWO_63;
  if (!(rest < TWO_63)) return [0, 0];
  const t = Math.trunc(rest);
  const high = Math.floor(t / TWO_32);
  return [(high | 0x80000000) >>> 0, t - high * TWO_32];
}
