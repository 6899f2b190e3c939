/**
 * The redis.conf format and redis-server's command-line options: one directive per line, arguments
 * split like Redis does (quotes, escapes), `#` comments, `include` of other files. Command-line
 * options (`--port 7000 --save ""`) are appended as extra lines, exactly as redis-server does.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { splitInlineArgs } from '../resp/inline.js';
import type { Config } from './config.js';

export interface Directive {
  name: string;
  args: string[];
  /** Where it came from, for error messages. */
  line: number;
  file: string;
}

export function parseConfigText(text: string, file: string): Directive[] {
  const directives: Directive[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const words = splitInlineArgs(Buffer.from(line, 'utf8').toString('latin1'));
    if (words === null)
      throw new ConfigFileError(file, i + 1, line, 'Unbalanced quotes in configuration line');
    if (words.length === 0) continue;
    const [name, ...args] = words;
    if (name.toLowerCase() === 'include' && args.length === 1) {
      directives.push(...parseConfigText(readFileSync(resolve(args[0]), 'latin1'), args[0]));
      continue;
    }
    directives.push({ name: name.toLowerCase(), args, line: i + 1, file });
  }
  return directives;
}

/** Turns `--name value ...` arguments into config text, as redis-server's main() does. */
export function commandLineToConfigText(argv: string[]): string {
  let text = '';
  for (const arg of argv) {
    if (arg.startsWith('--') && arg.length > 2) {
      if (text.length > 0) text += '\n';
      text += arg.slice(2) + ' ';
    } else {
      text += quote(arg) + ' ';
    }
  }
  return text;
}

function quote(arg: string): string {
  return '"' + arg.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') + '"';
}

export class ConfigFileError extends Error {
  constructor(file: string, line: number, text: string, reason: string) {
    super(
      `\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line ${line}\n>>> '${text}'\n${reason}` +
        (file ? ` (in ${file})` : ''),
    );
  }
}

/** Applies directives to a config (startup: immutable parameters allowed). */
export function applyDirectives(config: Config, directives: Directive[]): void {
  for (const d of directives) {
    try {
      config.load(d.name, d.args.join(' '));
    } catch (err) {
      throw new ConfigFileError(
        d.file,
        d.line,
        [d.name, ...d.args].join(' '),
        (err as Error).message,
      );
    }
  }
}
