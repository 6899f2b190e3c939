/** Number formatting as C's printf does it, where JavaScript's differs. */

/**
 * printf("%.<digits>f", x). toFixed rounds a value exactly halfway between two results away
 * from zero; the C library rounds it to the even one (0.125 prints as 0.12).
 */
export function fixed(x: number, digits: number): string {
  const rounded = x.toFixed(digits);
  // toFixed is exact: 40 more digits show whether the dropped part is exactly one half.
  const exact = Math.abs(x).toFixed(digits + 40);
  const point = exact.indexOf('.');
  const kept = exact.slice(0, digits > 0 ? point + 1 + digits : point);
  if (!/^50*$/.test(exact.slice(point + 1 + digits))) return rounded;
  return Number(kept[kept.length - 1]) % 2 === 0 ? (x < 0 ? '-' : '') + kept : rounded;
}
