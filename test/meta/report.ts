/** Failure messages of the meta tests: what differs, as a short line diff of two reply outlines. */
import assert from 'node:assert/strict';

/**
 * Fails with `title` and a diff of the outlines ('-' the reference's lines, '+' Kvik's, two lines
 * of context) unless they are equal.
 */
export function assertSameOutline(kvik: string, reference: string, title: string): void {
  if (kvik === reference) return;
  assert.fail(`${title}\n(- redis-server, + Kvik)\n${lineDiff(reference, kvik)}`);
}

/** A unified-style diff of two texts, by lines (longest common subsequence). */
export function lineDiff(before: string, after: string, context = 2): string {
  const a = before.split('\n');
  const b = after.split('\n');
  // common[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const common = Array.from({ length: a.length + 1 }, () =>
    new Array<number>(b.length + 1).fill(0),
  );
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      common[i][j] =
        a[i] === b[j] ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
    }
  }
  const lines: { mark: ' ' | '-' | '+'; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push({ mark: ' ', text: a[i++] });
      j++;
    } else if (j < b.length && (i === a.length || common[i][j + 1] >= common[i + 1][j])) {
      lines.push({ mark: '+', text: b[j++] });
    } else {
      lines.push({ mark: '-', text: a[i++] });
    }
  }
  const near = (k: number) =>
    lines.slice(Math.max(0, k - context), k + context + 1).some((l) => l.mark !== ' ');
  const shown: string[] = [];
  lines.forEach((line, k) => {
    if (near(k)) shown.push(`${line.mark} ${line.text}`);
    else if (shown[shown.length - 1] !== '  ...') shown.push('  ...');
  });
  return shown.join('\n');
}
