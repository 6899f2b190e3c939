import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GlobPattern, globMatch } from '../../src/keyspace/glob.js';

/** [pattern, subject, expected] */
type Case = [string, string, boolean];

function check(cases: Case[], nocase = false): void {
  for (const [pattern, subject, expected] of cases) {
    assert.equal(
      globMatch(pattern, subject, nocase),
      expected,
      `${JSON.stringify(pattern)} against ${JSON.stringify(subject)}${nocase ? ' (nocase)' : ''}`,
    );
  }
}

describe('glob matching as Redis stringmatchlen', () => {
  it('literal patterns match only themselves', () => {
    check([
      ['hello', 'hello', true],
      ['hello', 'hell', false],
      ['hello', 'helloo', false],
      ['', '', true],
      ['', 'a', false],
      ['a', '', false],
    ]);
  });

  it('a star matches any run of bytes, but like Redis no pattern but the empty one matches an empty subject', () => {
    check([
      ['*', '', false],
      ['**', '', false],
      ['*', 'anything', true],
      ['h*o', 'ho', true],
      ['h*o', 'hello', true],
      ['h*o', 'hell', false],
      ['*a*b*', 'xxaxxbxx', true],
      ['*a*b*', 'xxbxxaxx', false],
      ['a**b', 'ab', true],
      ['a*', '', false],
    ]);
  });

  it('a question mark matches exactly one byte', () => {
    check([
      ['h?llo', 'hello', true],
      ['h?llo', 'hllo', false],
      ['?', '', false],
      ['??', '\x00\xff', true],
    ]);
  });

  it('classes match listed bytes and ranges in either order, and ^ negates them', () => {
    check([
      ['h[ae]llo', 'hallo', true],
      ['h[ae]llo', 'hillo', false],
      ['h[^e]llo', 'hallo', true],
      ['h[^e]llo', 'hello', false],
      ['[a-c]', 'b', true],
      ['[c-a]', 'b', true],
      ['[a-c]', 'd', false],
      ['[Z-a]', '_', true],
      ['[a-]', '-', false],
      ['[a-]', 'a', true],
      ['[]]', ']', false],
      ['[]', '', false],
    ]);
  });

  it('backslash escapes inside and outside classes', () => {
    check([
      ['\\*', '*', true],
      ['\\*', 'a', false],
      ['\\?', '?', true],
      ['a\\', 'a\\', true],
      ['[\\]]', ']', true],
      ['[\\-]', '-', true],
      ['[a\\-z]', 'b', false],
      ['\\[a]', '[a]', true],
    ]);
  });

  it('an unterminated class runs to the end of the pattern', () => {
    check([
      ['[abc', 'a', true],
      ['[abc', 'd', false],
      ['[', 'a', false],
      ['[^', 'a', true],
      ['x[', 'x', false],
      ['[a-', 'a', true],
    ]);
  });

  it('ranges compare bytes as signed chars, as C does', () => {
    check([
      ['[a-\xff]', '\xff', true],
      ['[a-\xff]', '0', true],
      ['[a-\xff]', 'b', false],
      ['[\x80-\xff]', '\x90', true],
      ['[\x80-\xff]', 'a', false],
    ]);
  });

  it('case folding is ASCII-only and applies to range ends after ordering them', () => {
    check(
      [
        ['HELLO', 'hello', true],
        ['*LLO', 'hello', true],
        ['h*L*O', 'HeLlo', true],
        ['h[A-C]llo', 'hbllo', true],
        ['[Z-a]', 'z', false],
        ['[Z-a]', '_', false],
        ['\xc0', '\xe0', false],
      ],
      true,
    );
  });

  it('a compiled pattern matches subject after subject like a fresh one', () => {
    const pattern = new GlobPattern('a*b*c');
    for (const subject of ['abc', 'ab', 'axbyc', 'acb', 'abcabc', 'abcab']) {
      assert.equal(pattern.matches(subject), globMatch('a*b*c', subject), subject);
    }
  });

  it('gives up on patterns nesting more than 1000 stars, as Redis does', () => {
    const deep = '*a'.repeat(1002);
    assert.equal(globMatch(deep, 'a'.repeat(1002)), false);
    const shallow = '*a'.repeat(999);
    assert.equal(globMatch(shallow, 'a'.repeat(999)), true);
  });

  it('stays fast on patterns built to backtrack exponentially', () => {
    const started = performance.now();
    assert.equal(globMatch('a*'.repeat(30) + 'b', 'a'.repeat(60)), false);
    assert.ok(performance.now() - started < 1000);
  });
});
