import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitInlineArgs } from '../../src/resp/inline.js';

function check(cases: [string, string[] | null][]): void {
  for (const [line, expected] of cases) {
    assert.deepEqual(splitInlineArgs(line), expected, JSON.stringify(line));
  }
}

describe("inline command splitting as Redis's sdssplitargs", () => {
  it('blanks separate arguments and runs of them count once', () => {
    check([
      ['SET k v', ['SET', 'k', 'v']],
      ['  GET   k  ', ['GET', 'k']],
      ['a\tb\rc\nd', ['a', 'b', 'c', 'd']],
      ['', []],
      [' \t\v\f ', []],
    ]);
  });

  it('a vertical tab or form feed inside an argument belongs to it, though blanks skip them', () => {
    check([
      ['a\vb', ['a\vb']],
      ['a\fb c', ['a\fb', 'c']],
      ['\va', ['a']],
    ]);
  });

  it('double quotes keep blanks and understand C escapes and \\xHH', () => {
    check([
      ['"a b"', ['a b']],
      ['"a\\nb\\r\\t\\b\\a"', ['a\nb\r\t\b\x07']],
      ['"\\x41\\x4a\\xff\\x00"', ['AJ\xff\0']],
      ['"\\x4g\\q\\\\\\""', ['x4gq\\"']],
      ['""', ['']],
      ['x"y z"', ['xy z']],
    ]);
  });

  it('single quotes keep everything but an escaped single quote', () => {
    check([
      ["'a b'", ['a b']],
      ["'a\\'b'", ["a'b"]],
      ["'\\n\\x41'", ['\\n\\x41']],
      ["''", ['']],
    ]);
  });

  it('a closing quote must be followed by a blank or the end of the line', () => {
    check([
      ['"a"b', null],
      ["'a'b", null],
      ['"a"\vb', ['a', 'b']],
      ['"a" b', ['a', 'b']],
    ]);
  });

  it('unbalanced quotes are refused', () => {
    check([
      ['"abc', null],
      ["'abc", null],
      ['"abc\\"', null],
      ['"abc\\', null],
      ['SET k "v', null],
    ]);
  });

  it('a NUL byte ends the line, as in C', () => {
    check([
      ['a b\0c d', ['a', 'b']],
      ['"a\0b"', null],
    ]);
  });

  it('bytes above 127 pass through unchanged', () => {
    check([['\xe9t\xe9 \xff', ['\xe9t\xe9', '\xff']]]);
  });
});
