/**
 * Glob-style matching with Redis's exact rules (util.c stringmatchlen), used by KEYS, SCAN MATCH,
 * CONFIG GET and pattern subscriptions:
 * - `*` any run of bytes, `?` any one byte, `\x` the byte x literally;
 * - `[...]` a class: `^` first negates it, `a-z` is a range (its ends in either order), `\x`
 *   inside a class is x literally; an unterminated class runs to the end of the pattern.
 * Redis compares C `char`s, which are signed: a range's ends and the subject byte compare as
 * signed bytes, so `[a-\xff]` covers 0xff and the bytes from 0 to 'a'. Case folding, when asked
 * for, is ASCII-only like C's tolower, and in a range it applies after the ends are ordered.
 */
export function globMatch(pattern: string, subject: string, nocase = false): boolean {
  return new GlobPattern(pattern, nocase).matches(subject);
}

/** Redis gives up (no match) past this depth of stars, against patterns built to be slow. */
const MAX_NESTING = 1000;

const STAR = 42;
const QUESTION = 63;
const OPEN_CLASS = 91;
const CLOSE_CLASS = 93;
const BACKSLASH = 92;
const CARET = 94;
const DASH = 45;

/** A byte as C's signed char sees it. */
function signed(byte: number): number {
  return byte >= 128 ? byte - 256 : byte;
}

/** C's tolower in the C locale: only A-Z change. */
function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** A pattern to match many subjects with (KEYS, SCAN), without a new object per subject. */
export class GlobPattern {
  private s = '';
  /**
   * Set once a star found no match for the rest of the pattern anywhere in the rest of the
   * subject: then earlier stars cannot do better by swallowing more, and all of them give up.
   */
  private skipLongerMatches = false;

  constructor(
    private readonly p: string,
    private readonly nocase = false,
  ) {}

  matches(subject: string): boolean {
    this.s = subject;
    this.skipLongerMatches = false;
    return this.match(0, 0, 0);
  }

  private match(pi: number, si: number, nesting: number): boolean {
    if (nesting > MAX_NESTING) return false;
    const { p, s } = this;
    const plen = p.length;
    const slen = s.length;
    while (pi < plen && si < slen) {
      switch (p.charCodeAt(pi)) {
        case STAR: {
          while (pi + 1 < plen && p.charCodeAt(pi + 1) === STAR) pi++;
          if (pi + 1 === plen) return true;
          // When a plain byte follows the star, only positions holding that byte can match (the
          // others would fail at once, changing nothing): skip them without recursing.
          const next = p.charCodeAt(pi + 1);
          const plain = next !== QUESTION && next !== OPEN_CLASS && next !== BACKSLASH;
          for (; si < slen; si++) {
            if (plain && !this.same(next, s.charCodeAt(si))) continue;
            if (this.match(pi + 1, si, nesting + 1)) return true;
            if (this.skipLongerMatches) return false;
          }
          this.skipLongerMatches = true;
          return false;
        }
        case QUESTION:
          si++;
          break;
        case OPEN_CLASS: {
          const end = this.matchClass(pi + 1, s.charCodeAt(si));
          if (end < 0) return false;
          pi = end;
          si++;
          break;
        }
        default: {
          // A backslash makes the next byte literal (a trailing one is itself literal).
          if (p.charCodeAt(pi) === BACKSLASH && plen - pi >= 2) pi++;
          if (!this.same(p.charCodeAt(pi), s.charCodeAt(si))) return false;
          si++;
          break;
        }
      }
      pi++;
      if (si === slen) {
        while (pi < plen && p.charCodeAt(pi) === STAR) pi++;
        break;
      }
    }
    return pi === plen && si === slen;
  }

  /**
   * Matches one subject byte against the class whose body starts at `pi` (just after `[`).
   * Returns the index of the class's last pattern byte (its `]`, or the pattern's last byte when
   * unterminated), or -1 when the byte is not in the class.
   */
  private matchClass(pi: number, byte: number): number {
    const p = this.p;
    const plen = p.length;
    const negated = p.charCodeAt(pi) === CARET;
    if (negated) pi++;
    let matched = false;
    for (; ; pi++) {
      const c = p.charCodeAt(pi);
      if (c === BACKSLASH && plen - pi >= 2) {
        pi++;
        if (p.charCodeAt(pi) === byte) matched = true;
      } else if (c === CLOSE_CLASS) {
        break;
      } else if (pi >= plen) {
        pi--;
        break;
      } else if (plen - pi >= 3 && p.charCodeAt(pi + 1) === DASH) {
        if (this.inRange(c, p.charCodeAt(pi + 2), byte)) matched = true;
        pi += 2;
      } else if (this.same(c, byte)) {
        matched = true;
      }
    }
    return matched !== negated ? pi : -1;
  }

  private inRange(first: number, last: number, byte: number): boolean {
    let start = signed(first);
    let end = signed(last);
    let c = signed(byte);
    if (start > end) [start, end] = [end, start];
    if (this.nocase) {
      start = lower(start);
      end = lower(end);
      c = lower(c);
    }
    return c >= start && c <= end;
  }

  private same(a: number, b: number): boolean {
    return a === b || (this.nocase && lower(a) === lower(b));
  }
}
