/** Byte-string equality with a short report: where two long binary strings first differ. */
import assert from 'node:assert/strict';

export function assertSameBytes(actual: string, expected: string, label: string): void {
  if (actual === expected) return;
  let at = 0;
  while (at < actual.length && actual[at] === expected[at]) at++;
  const window = (s: string) => JSON.stringify(s.slice(Math.max(0, at - 16), at + 32));
  assert.fail(
    `${label}: ${actual.length} bytes, expected ${expected.length}; first difference at ${at}: ` +
      `${window(actual)} expected ${window(expected)}`,
  );
}
