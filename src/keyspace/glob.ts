/**
 * Glob-style matching with Redis's exact rules (util.c stringmatchlen): `*`, `?`, `[...]` classes
 * with `^` negation, `a-z` ranges (either order) and `\` escapes, `\` escaping any character
 * outside classes. An unterminated class runs to the end of the pattern. Case folding, when asked
 * for, is ASCII-only like C's tolower.
 */
export function globMatch(pattern: string, subject: string, nocase = false): boolean {
  const skip = { longer: false };
  return matchFrom(pattern, 0, subject, 0, nocase, skip, 0);
}

const MAX_NESTING = 1000;

function fold(code: number, nocase: boolean): number {
  return nocase && code >= 65 && code <= 90 ? code + 32 : code;
}

function matchFrom(
  p: string,
  pi: number,
  s: string,
  si: number,
  nocase: boolean,
  skip: { longer: boolean },
  nesting: number,
): boolean {
  // Deeply nested stars cost exponential time; Redis refuses to match past this depth.
  if (nesting > MAX_NESTING) return false;
  const plen = p.length;
  const slen = s.length;
  while (pi < plen && si < slen) {
    const pc = p.charCodeAt(pi);
    switch (pc) {
      case 42: {
        // '*'
        while (pi + 1 < plen && p.charCodeAt(pi + 1) === 42) pi++;
        if (pi + 1 === plen) return true;
        for (let start = si; start < slen; start++) {
          if (matchFrom(p, pi + 1, s, start, nocase, skip, nesting + 1)) return true;
          // A later star failed on a shorter subject: longer ones cannot do better.
          if (skip.longer) return false;
        }
        skip.longer = true;
        return false;
      }
      case 63: // '?'
        si++;
        break;
      case 91: {
        // '['
        pi++;
        const not = p.charCodeAt(pi) === 94; // '^'
        if (not) pi++;
        let matched = false;
        const c = fold(s.charCodeAt(si), nocase);
        for (;;) {
          if (pi >= plen) {
            pi--;
            break;
          }
          const cc = p.charCodeAt(pi);
          if (cc === 92 && plen - pi >= 2) {
            // '\' escapes inside a class
            pi++;
            if (p.charCodeAt(pi) === s.charCodeAt(si)) matched = true;
          } else if (cc === 93) {
            // ']'
            break;
          } else if (plen - pi >= 3 && p.charCodeAt(pi + 1) === 45) {
            // a-z
            let start = fold(cc, nocase);
            let end = fold(p.charCodeAt(pi + 2), nocase);
            if (start > end) [start, end] = [end, start];
            pi += 2;
            if (c >= start && c <= end) matched = true;
          } else if (fold(cc, nocase) === c) {
            matched = true;
          }
          pi++;
        }
        if (not) matched = !matched;
        if (!matched) return false;
        si++;
        break;
      }
      default:
        // '\' makes the next character literal.
        if (pc === 92 && plen - pi >= 2) pi++;
        if (fold(p.charCodeAt(pi), nocase) !== fold(s.charCodeAt(si), nocase)) return false;
        si++;
        break;
    }
    pi++;
    if (si === slen) {
      while (pi < plen && p.charCodeAt(pi) === 42) pi++;
      break;
    }
  }
  return pi === plen && si === slen;
}
