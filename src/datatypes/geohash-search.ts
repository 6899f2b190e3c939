/**
 * The geometry of geo searches, as Redis's geohash_helper.c: haversine distances on Redis's earth,
 * the bounding box of a search shape, and the nine cells (a centre cell and its eight neighbours,
 * at a step estimated from the shape's size) whose score ranges cover the search.
 */
import {
  cellArea,
  encodeCell,
  GEO_STEP_MAX,
  neighbour,
  type GeoArea,
  type GeoCell,
} from './geohash.js';
import { asin, cos, sin } from './geohash-math.js';

/** Earth's quadratic mean radius for WGS-84, the one Redis measures with. */
export const EARTH_RADIUS_IN_METERS = 6372797.560856;

const MERCATOR_MAX = 20037726.37;
const D_R = Math.PI / 180;

/**
 * A search shape: a circle of `radius`, or a box of `width` by `height`, around (lon, lat), in
 * units of `conversion` meters.
 */
export type GeoShape =
  | { kind: 'radius'; lon: number; lat: number; conversion: number; radius: number }
  | {
      kind: 'box';
      lon: number;
      lat: number;
      conversion: number;
      width: number;
      height: number;
    };

/** The longitude and latitude limits a shape reaches. */
export interface Bounds {
  lonMin: number;
  latMin: number;
  lonMax: number;
  latMax: number;
}

/**
 * The cells to scan, in Redis's order: the centre, north, south, east, west, north-east,
 * north-west, south-east, south-west; null for a neighbour found useless.
 */
export type SearchCells = [GeoCell, ...(GeoCell | null)[]];

/** Indexes of the neighbours in SearchCells. */
const NORTH = 1;
const SOUTH = 2;
const EAST = 3;
const WEST = 4;
const NORTH_EAST = 5;
const NORTH_WEST = 6;
const SOUTH_EAST = 7;
const SOUTH_WEST = 8;

function degRad(angle: number): number {
  return angle * D_R;
}

function radDeg(angle: number): number {
  return angle / D_R;
}

/**
 * Great-circle distance in meters between two positions (Redis's geohashGetDistance), with sin,
 * cos and asin rounded as glibc rounds them.
 */
export function distance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  return haversine(lon1, lat1, lon2, lat2, sin, cos, asin);
}

/**
 * The same with Math's sin, cos and asin: a few units in the last place off, several times
 * faster. Searches decide with it whether a point is inside the shape, unless it is too close to
 * the edge to tell.
 */
function fastDistance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  return haversine(lon1, lat1, lon2, lat2, Math.sin, Math.cos, Math.asin);
}

function haversine(
  lon1: number,
  lat1: number,
  lon2: number,
  lat2: number,
  sine: (x: number) => number,
  cosine: (x: number) => number,
  arcsine: (x: number) => number,
): number {
  const lat1r = degRad(lat1);
  const lon1r = degRad(lon1);
  const lat2r = degRad(lat2);
  const lon2r = degRad(lon2);
  const u = sine((lat2r - lat1r) / 2);
  const v = sine((lon2r - lon1r) / 2);
  const squared = u * u + cosine(lat1r) * cosine(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * arcsine(Math.sqrt(squared));
}

/** How close (relative) to a limit a fast distance must be to be measured again exactly. */
const EDGE = 1e-9;

/** Whether distance(...) > limit, measuring exactly only when the fast distance is close to it. */
function beyond(limit: number, lon1: number, lat1: number, lon2: number, lat2: number): boolean {
  const fast = fastDistance(lon1, lat1, lon2, lat2);
  if (Math.abs(fast - limit) > limit * EDGE) return fast > limit;
  return distance(lon1, lat1, lon2, lat2) > limit;
}

/**
 * Whether a position is inside the shape (Redis's geohashGetDistanceIfInRadius and
 * geohashGetDistanceIfInRectangle): within the radius of the centre, or, for a box, with its
 * east-west and north-south distances from the centre within half the width and height. Decided
 * exactly as Redis decides, though with fast arithmetic away from the edge.
 */
export function isInside(shape: GeoShape, lon: number, lat: number): boolean {
  if (shape.kind === 'radius') {
    return !beyond(shape.radius * shape.conversion, shape.lon, shape.lat, lon, lat);
  }
  return (
    !beyond((shape.width * shape.conversion) / 2, lon, lat, shape.lon, lat) &&
    !beyond((shape.height * shape.conversion) / 2, lon, lat, lon, shape.lat)
  );
}

/** Redis's geohashEstimateStepsByRadius: a step whose cells are about as large as the range. */
export function estimateSteps(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return GEO_STEP_MAX;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2; // Make sure the range is included in most of the base cases.
  // Cells are narrower towards the poles.
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  return Math.min(Math.max(step, 1), GEO_STEP_MAX);
}

/**
 * The bounding box of a shape (Redis's geohashBoundingBox). Meridians converge, so the box is
 * wider on its side nearer the equator, which is the side it takes the longitudes from.
 */
export function boundingBox(shape: GeoShape): Bounds {
  const { lon, lat, conversion } = shape;
  const height = conversion * (shape.kind === 'radius' ? shape.radius : shape.height / 2);
  const width = conversion * (shape.kind === 'radius' ? shape.radius : shape.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const lonDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / cos(degRad(lat + latDelta)));
  const lonDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / cos(degRad(lat - latDelta)));
  const lonDelta = lat < 0 ? lonDeltaBottom : lonDeltaTop;
  return {
    lonMin: lon - lonDelta,
    latMin: lat - latDelta,
    lonMax: lon + lonDelta,
    latMax: lat + latDelta,
  };
}

/**
 * The nine cells covering a search (Redis's geohashCalculateAreasByShapeWGS84): the step is
 * estimated from the shape's radius (a box's half-diagonal), made one coarser when a side
 * neighbour does not reach the bounding box, and neighbours lying beyond the box are dropped.
 */
export function searchCells(shape: GeoShape): SearchCells {
  const bounds = boundingBox(shape);
  const radiusMeters =
    shape.kind === 'radius'
      ? shape.radius * shape.conversion
      : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2)) *
        shape.conversion;
  let steps = estimateSteps(radiusMeters, shape.lat);
  let centre = encodeCell(shape.lon, shape.lat, steps);
  if (steps > 1 && neighboursFallShort(centre, bounds)) {
    steps--;
    centre = encodeCell(shape.lon, shape.lat, steps);
  }
  const cells: SearchCells = [
    centre,
    neighbour(centre, 0, 1),
    neighbour(centre, 0, -1),
    neighbour(centre, 1, 0),
    neighbour(centre, -1, 0),
    neighbour(centre, 1, 1),
    neighbour(centre, -1, 1),
    neighbour(centre, 1, -1),
    neighbour(centre, -1, -1),
  ];
  if (steps >= 2) dropUselessNeighbours(cells, cellArea(centre), bounds);
  return cells;
}

/** Whether the north, south, east or west neighbour ends before the bounding box does. */
function neighboursFallShort(centre: GeoCell, bounds: Bounds): boolean {
  return (
    cellArea(neighbour(centre, 0, 1)).latMax < bounds.latMax ||
    cellArea(neighbour(centre, 0, -1)).latMin > bounds.latMin ||
    cellArea(neighbour(centre, 1, 0)).lonMax < bounds.lonMax ||
    cellArea(neighbour(centre, -1, 0)).lonMin > bounds.lonMin
  );
}

/** Redis's exclusion of the neighbours on a side where the centre cell already covers the box. */
function dropUselessNeighbours(cells: SearchCells, area: GeoArea, bounds: Bounds): void {
  const drop = (...indexes: number[]) => {
    for (const i of indexes) cells[i] = null;
  };
  if (area.latMin < bounds.latMin) drop(SOUTH, SOUTH_WEST, SOUTH_EAST);
  if (area.latMax > bounds.latMax) drop(NORTH, NORTH_EAST, NORTH_WEST);
  if (area.lonMin < bounds.lonMin) drop(WEST, SOUTH_WEST, NORTH_WEST);
  if (area.lonMax > bounds.lonMax) drop(EAST, SOUTH_EAST, NORTH_EAST);
}
