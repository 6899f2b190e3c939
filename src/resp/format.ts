/** Number formatting exactly as Redis 7.0 prints numbers into replies. */

/** C's printf("%.17g", x), which Redis 7.0 uses for double replies. */
export function formatDouble17g(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  return formatG(x, 17);
}

/** printf("%.<precision>g", x) for finite x. */
export function formatG(x: number, precision: number): string {
  // toExponential rounds correctly; the exponent after rounding decides the notation, as in C.
  const expForm = x.toExponential(precision - 1);
  const e = Number(expForm.slice(expForm.indexOf('e') + 1));
  if (e < -4 || e >= precision) {
    const [mantissa] = expForm.split('e');
    const sign = e < 0 ? '-' : '+';
    const abs = Math.abs(e);
    return `${stripZeros(mantissa)}e${sign}${abs < 10 ? '0' : ''}${abs}`;
  }
  return stripZeros(x.toFixed(Math.max(0, precision - 1 - e)));
}

function stripZeros(s: string): string {
  if (s.indexOf('.') < 0) return s;
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  return s.slice(0, end);
}
