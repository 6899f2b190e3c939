/**
 * Splits an inline command line into arguments exactly as Redis's sdssplitargs does (inline
 * commands and redis.conf lines): blanks (isspace) separate arguments; "double quotes" understand
 * \n \r \t \b \a \xHH and take any other escaped character as itself; 'single quotes' understand
 * only \'. A closing quote must be followed by a blank or the end of the line. Returns null for
 * unbalanced quotes. Strings are latin1 (one char per byte).
 */
export function splitInlineArgs(line: string): string[] | null {
  const args: string[] = [];
  // sdssplitargs reads a C string: a NUL byte ends the line.
  const nul = line.indexOf('\0');
  const n = nul >= 0 ? nul : line.length;
  let i = 0;
  for (;;) {
    while (i < n && isSpace(line.charCodeAt(i))) i++;
    if (i >= n) return args;
    let current = '';
    let quote = 0;
    for (;;) {
      const c = i < n ? line.charCodeAt(i) : NUL;
      if (quote === DOUBLE_QUOTE) {
        if (c === NUL) return null;
        if (
          c === BACKSLASH &&
          line.charCodeAt(i + 1) === X &&
          isHex(line, i + 2) &&
          isHex(line, i + 3)
        ) {
          current += String.fromCharCode(parseInt(line.substr(i + 2, 2), 16));
          i += 4;
        } else if (c === BACKSLASH && i + 1 < n) {
          current += unescape(line[i + 1]);
          i += 2;
        } else if (c === DOUBLE_QUOTE) {
          i++;
          if (i < n && !isSpace(line.charCodeAt(i))) return null;
          break;
        } else {
          current += line[i++];
        }
      } else if (quote === SINGLE_QUOTE) {
        if (c === NUL) return null;
        if (c === BACKSLASH && line.charCodeAt(i + 1) === SINGLE_QUOTE) {
          current += "'";
          i += 2;
        } else if (c === SINGLE_QUOTE) {
          i++;
          if (i < n && !isSpace(line.charCodeAt(i))) return null;
          break;
        } else {
          current += line[i++];
        }
      } else if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
        quote = c;
        i++;
      } else if (isTokenEnd(c)) {
        // Unlike the blanks skipped between arguments, only these end an unquoted one: a \v or
        // \f inside it is part of the argument, as in Redis.
        if (i < n) i++;
        break;
      } else {
        current += line[i++];
      }
    }
    args.push(current);
  }
}

const NUL = 0;
const BACKSLASH = 92;
const DOUBLE_QUOTE = 34;
const SINGLE_QUOTE = 39;
const X = 120;

/** isspace() in the C locale: space, \t, \n, \v, \f, \r. */
function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

function isTokenEnd(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9 || code === NUL;
}

function isHex(line: string, at: number): boolean {
  const c = line.charCodeAt(at);
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

function unescape(c: string): string {
  switch (c) {
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'b':
      return '\b';
    case 'a':
      return '\x07';
    default:
      return c;
  }
}
