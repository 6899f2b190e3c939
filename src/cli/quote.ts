/** String quoting as redis-cli prints it (Redis's sdscatrepr) and C-string views of replies. */

/** A latin1 string in double quotes with C escapes, non-printable bytes as \xHH. */
export function quoteRepr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    switch (code) {
      case 0x5c:
        out += '\\\\';
        break;
      case 0x22:
        out += '\\"';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      case 0x07:
        out += '\\a';
        break;
      case 0x08:
        out += '\\b';
        break;
      default:
        out += code >= 0x20 && code < 0x7f ? s[i] : `\\x${code.toString(16).padStart(2, '0')}`;
    }
  }
  return out + '"';
}

/** What C code sees of a string through strlen: everything before the first NUL byte. */
export function cString(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}
