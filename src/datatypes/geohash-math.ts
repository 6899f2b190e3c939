/**
 * sin, cos and asin rounded to nearest from about 80 correct bits, so that they agree with glibc's
 * libm (which redis-server calls, and which is correctly rounded but for rare near-halfway
 * cases). V8's Math.sin, Math.cos and Math.asin (fdlibm) are off by one unit in the last place
 * for a few percent of arguments, which shows in the last digits of a distance stored by
 * GEOSEARCHSTORE STOREDIST.
 *
 * Values are carried as double-doubles (an unevaluated sum hi + lo). sin and cos reduce the
 * argument modulo pi/2 (fdlibm's 33-bit parts of pi/2, exact for up to 2^20 quarter turns), split
 * the rest r as a + t with a a multiple of 1/128 whose sine and cosine come from a table, and add
 * the short Taylor series of t. asin is Math.asin refined by one Newton step. Arguments beyond
 * 2^20 quarter turns, which only absurd search radii produce, fall back to Math.
 */

const PIO2_1 = 1.5707963267341256;
const PIO2_2 = 6.077100506303966e-11;
const PIO2_3 = 2.0222662487111665e-21;
const PIO2_3T = 8.4784276603689e-32;
const PIO2 = Math.PI / 2;
const MAX_QUARTERS = 2 ** 20;
const SPLITTER = 134217729; // 2^27 + 1
/** The table holds sin and cos of i / STEPS for i up to pi/4 * STEPS. */
const STEPS = 128;

/** A double-double: the value hi + lo, |lo| at most half a unit in the last place of hi. */
interface DD {
  hi: number;
  lo: number;
}

/** sin(i / STEPS) and cos(i / STEPS) as double-doubles (sinHi, sinLo, cosHi, cosLo): built once. */
const TABLE = buildTable();

export function sin(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return Math.sin(x);
  const out: DD = { hi: 0, lo: 0 };
  sinCos(x, 0, out);
  return out.hi + out.lo;
}

export function cos(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return Math.cos(x);
  const out: DD = { hi: 0, lo: 0 };
  sinCos(x, 1, out);
  return out.hi + out.lo;
}

/** asin(x); NaN outside [-1, 1]. */
export function asin(x: number): number {
  const y = Math.asin(x);
  if (!(Math.abs(x) < 1) || y === 0) return y;
  // One Newton step on sin(y) - x = 0: y + (x - sin y) / cos y. The step is below one unit in
  // the last place of y, so plain double precision is enough for it.
  const out: DD = { hi: 0, lo: 0 };
  sinCos(y, 0, out);
  const residual = x - out.hi - out.lo;
  sinCos(y, 1, out);
  return y + residual / (out.hi + out.lo);
}

/**
 * sin(x) for phase 0, cos(x) = sin(x + pi/2) for phase 1, written to out as a double-double.
 * Double-doubles are pairs of locals (hi, lo); twoSumError and twoProductError give the rounding
 * error of one addition or multiplication.
 */
function sinCos(x: number, phase: 0 | 1, out: DD): void {
  const k = Math.round(x / PIO2);
  if (Math.abs(k) >= MAX_QUARTERS) {
    out.hi = phase === 0 ? Math.sin(x) : Math.cos(x);
    out.lo = 0;
    return;
  }
  // x = k * pi/2 + r with |r| <= pi/4. x - k * PIO2_1 is exact (an exact product, a small
  // difference), so are the products of k by PIO2_2 and PIO2_3.
  let rHi = x;
  let rLo = 0;
  if (k !== 0) {
    const a = x - k * PIO2_1;
    const b = -k * PIO2_2;
    const s1 = a + b;
    const c = -k * PIO2_3;
    const s2 = s1 + c;
    const error = twoSumError(a, b, s1) + twoSumError(s1, c, s2) - k * PIO2_3T;
    rHi = s2 + error;
    rLo = error - (rHi - s2);
  }
  // The quadrant picks the function and the sign; sin(-r) = -sin(r), cos(-r) = cos(r).
  const quadrant = (((k + phase) % 4) + 4) % 4;
  const negative = rHi < 0;
  if (negative) {
    rHi = -rHi;
    rLo = -rLo;
  }
  // r = a + t, a = i / STEPS from the table, |t| <= 1 / (2 * STEPS); rHi - a is exact.
  const i = Math.round(rHi * STEPS);
  const tHi = rHi - i / STEPS;
  const tLo = rLo;
  // t^2, then sin t = t + t * (-t^2/6 + tail) and cos t = 1 - t^2/2 + tail: the leading terms
  // in double-double, the tails in double.
  const t2Hi = tHi * tHi;
  const t2Lo = twoProductError(tHi, tHi, t2Hi) + 2 * tHi * tLo;
  const sinTail = t2Hi * t2Hi * (1 / 120 - t2Hi * (1 / 5040 - t2Hi / 362880));
  const cosTail = t2Hi * t2Hi * (1 / 24 - t2Hi * (1 / 720 - t2Hi / 40320));
  const uHi = t2Hi / -6;
  const uLo = (t2Hi - uHi * -6 - twoProductError(uHi, -6, uHi * -6) + t2Lo) / -6 + sinTail;
  const pHi = tHi * uHi;
  const pLo = twoProductError(tHi, uHi, pHi) + tHi * uLo + tLo * uHi;
  const sinTHi = tHi + pHi;
  const sinTLo = twoSumError(tHi, pHi, sinTHi) + tLo + pLo;
  const cosTHi = 1 - t2Hi / 2;
  const cosTLo = twoSumError(1, -t2Hi / 2, cosTHi) - t2Lo / 2 + cosTail;
  // sin(a + t) = sin a cos t + cos a sin t; cos(a + t) = cos a cos t - sin a sin t.
  const sinAHi = TABLE[4 * i];
  const sinALo = TABLE[4 * i + 1];
  const cosAHi = TABLE[4 * i + 2];
  const cosALo = TABLE[4 * i + 3];
  const wantsSine = quadrant % 2 === 0;
  const m1Hi = (wantsSine ? sinAHi : cosAHi) * cosTHi;
  const m1Lo =
    twoProductError(wantsSine ? sinAHi : cosAHi, cosTHi, m1Hi) +
    (wantsSine ? sinAHi * cosTLo + sinALo * cosTHi : cosAHi * cosTLo + cosALo * cosTHi);
  const sign = wantsSine ? 1 : -1;
  const m2Hi = sign * (wantsSine ? cosAHi : sinAHi) * sinTHi;
  const m2Lo =
    twoProductError(sign * (wantsSine ? cosAHi : sinAHi), sinTHi, m2Hi) +
    sign * (wantsSine ? cosAHi * sinTLo + cosALo * sinTHi : sinAHi * sinTLo + sinALo * sinTHi);
  const sum = m1Hi + m2Hi;
  const lo = twoSumError(m1Hi, m2Hi, sum) + m1Lo + m2Lo;
  const hi = sum + lo;
  const flip = quadrant >= 2 !== (negative && wantsSine);
  out.hi = flip ? -hi : hi;
  out.lo = flip ? -(lo - (hi - sum)) : lo - (hi - sum);
}

/** The rounding error of s = a + b (Knuth's TwoSum): a + b = s + error exactly. */
function twoSumError(a: number, b: number, s: number): number {
  const bb = s - a;
  return a - (s - bb) + (b - bb);
}

/** The rounding error of p = a * b (Dekker's TwoProduct): a * b = p + error exactly. */
function twoProductError(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const aHigh = t - (t - a);
  const aLow = a - aHigh;
  t = SPLITTER * b;
  const bHigh = t - (t - b);
  const bLow = b - bHigh;
  return aHigh * bHigh - p + aHigh * bLow + aLow * bHigh + aLow * bLow;
}

/**
 * The table, from the Taylor series of sin and cos at each point summed in double-double (a
 * value is [hi, lo]); only run once, so written for clarity rather than speed.
 */
function buildTable(): Float64Array {
  const count = Math.ceil((Math.PI / 4) * STEPS) + 1;
  const table = new Float64Array(4 * count);
  for (let i = 0; i < count; i++) {
    const a = i / STEPS;
    let sinSum = [0, 0];
    let cosSum = [0, 0];
    let term = [1, 0];
    for (let n = 0; n < 60; n++) {
      const signed = n % 4 >= 2 ? [-term[0], -term[1]] : term;
      if (n % 2 === 0) cosSum = addDD(cosSum, signed);
      else sinSum = addDD(sinSum, signed);
      // term * a / (n + 1)
      const product = [term[0] * a, twoProductError(term[0], a, term[0] * a) + term[1] * a];
      const q1 = product[0] / (n + 1);
      const q2 =
        (product[0] - q1 * (n + 1) - twoProductError(q1, n + 1, q1 * (n + 1)) + product[1]) /
        (n + 1);
      term = [q1 + q2, q2 - (q1 + q2 - q1)];
    }
    table.set([sinSum[0], sinSum[1], cosSum[0], cosSum[1]], 4 * i);
  }
  return table;
}

function addDD(a: number[], b: number[]): number[] {
  const s = a[0] + b[0];
  const lo = twoSumError(a[0], b[0], s) + a[1] + b[1];
  const hi = s + lo;
  return [hi, lo - (hi - s)];
}
