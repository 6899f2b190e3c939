/**
 * Random and damaged RESP input: valid multibulk frames with flipped, cut or repeated bytes,
 * absurd lengths, deep nesting, RESP3 types a client may not send, and inline garbage.
 */
import type { Random } from './random.js';

export function encode(argv: readonly string[]): string {
  let out = `*${argv.length}\r\n`;
  for (const arg of argv) out += `$${arg.length}\r\n${arg}\r\n`;
  return out;
}

const ABSURD = [
  '*2147483647\r\n',
  '*-5\r\n$4\r\nPING\r\n',
  '*1048577\r\n$4\r\nPING\r\n',
  '*1\r\n$536870913\r\n',
  '*1\r\n$2147483648\r\n',
  '*1\r\n$-1\r\n',
  '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000000\r\nabc',
  '*2\r\n$4\r\nECHO\r\n$99999999999999999999\r\nx\r\n',
  '*1\r\n$4\r\nPINGxx',
  '*1\r\n$0\r\n\r\n',
  '*0\r\n',
  '*\r\n',
  '$4\r\nPING\r\n',
  '*1\r\n:4\r\n',
  '*1\r\n%1\r\n+a\r\n+b\r\n',
  '*1\r\n~1\r\n$1\r\na\r\n',
  '*1\r\n_\r\n',
  '>1\r\n$4\r\nPING\r\n',
  '*1\r\n$4\r\nPING\n',
  '*1\r$4\rPING\r',
];

const INLINE = [
  'PING\r\n',
  'SET "unbalanced\r\n',
  "SET 'a\\'b' c\r\n",
  'GET "\\x41\\x4"\r\n',
  '"\r\n',
  'ECHO "a"b\r\n',
  '   \r\n',
  '\r\n',
  '\n',
  'PING\0PONG\r\n',
];

export class FrameGenerator {
  constructor(
    private readonly random: Random,
    /** A valid command line to damage (from the argument generator). */
    private readonly command: () => string[],
  ) {}

  /** One chunk of client input, valid or not. */
  frame(): string {
    const r = this.random;
    switch (r.int(8)) {
      case 0:
        return encode(this.command());
      case 1:
      case 2:
        return this.damaged(encode(this.command()));
      case 3:
        return r.pick(ABSURD);
      case 4:
        return this.nested();
      case 5:
        return r.pick(INLINE);
      case 6:
        return this.inlineGarbage();
      default:
        return this.lengthsReplaced(encode(this.command()));
    }
  }

  private damaged(frame: string): string {
    const r = this.random;
    const chars = frame.split('');
    switch (r.int(4)) {
      case 0:
        for (let i = r.between(1, 4); i > 0; i--) {
          const at = r.int(chars.length);
          chars[at] = String.fromCharCode(chars[at]!.charCodeAt(0) ^ (1 << r.int(8)));
        }
        return chars.join('');
      case 1:
        return frame.slice(0, r.int(frame.length));
      case 2: {
        const at = r.int(frame.length);
        return frame.slice(0, at) + frame.slice(r.int(frame.length)) + frame.slice(at);
      }
      default: {
        const at = r.int(frame.length);
        return frame.slice(0, at) + r.pick(['\r\n', '\r', '\n', '\0', '*', '$']) + frame.slice(at);
      }
    }
  }

  /** A length (* or $) made huge, negative, empty or not a number. */
  private lengthsReplaced(frame: string): string {
    const r = this.random;
    const lengths = [...frame.matchAll(/[*$](\d+)\r\n/g)];
    if (lengths.length === 0) return frame;
    const match = r.pick(lengths);
    const replacement = r.pick(['0', '-1', '-2', '', 'x', '9'.repeat(r.between(5, 25)), '1024'])!;
    const at = match.index + 1;
    return frame.slice(0, at) + replacement + frame.slice(at + match[1]!.length);
  }

  private nested(): string {
    const depth = this.random.pick([2, 10, 1000, 20_000]);
    return '*1\r\n'.repeat(depth) + '$4\r\nPING\r\n';
  }

  private inlineGarbage(): string {
    const r = this.random;
    if (r.chance(0.1)) return 'A'.repeat(70_000) + '\r\n';
    let line = '';
    for (let i = r.int(200); i > 0; i--) line += String.fromCharCode(r.between(32, 126));
    return line + (r.chance(0.8) ? '\r\n' : '\n');
  }
}
