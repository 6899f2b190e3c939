/**
 * Command help for the CLI, built from the server's COMMAND DOCS as redis-cli 7.0 builds it:
 * `help <command>`, `help @<group>`, completion of command names and the argument hints shown
 * while typing.
 */
import type { Reply } from './reply.js';
import { splitInlineArgs } from '../resp/inline.js';

interface CommandEntry {
  /** The command's words, upper case: ['GET'] or ['CONFIG', 'GET']. */
  words: string[];
  /** The words joined by a space. */
  full: string;
  /** The argument syntax, as in "key value [NX|XX]". */
  params: string;
  summary: string;
  since: string;
  group: string;
}

interface DocArgument {
  name: string;
  type: string;
  token?: string;
  optional: boolean;
  multiple: boolean;
  multipleToken: boolean;
  arguments: DocArgument[];
}

export class CommandHelp {
  /** Commands and subcommands sorted by name, as redis-cli lists them. */
  private readonly commands: CommandEntry[];
  /** "@group" topics, for completion after "help ". */
  private readonly groups: string[];

  private constructor(commands: CommandEntry[]) {
    this.commands = commands.sort((a, b) => compareBytes(a.full, b.full));
    this.groups = [...new Set(commands.map((c) => `@${c.group}`))].sort(compareBytes);
  }

  /** Help from a COMMAND DOCS reply (RESP2 arrays or RESP3 maps). */
  static fromDocs(reply: Reply): CommandHelp {
    const commands: CommandEntry[] = [];
    for (const [name, docs] of entriesOf(reply)) {
      addEntries(commands, [text(name).toUpperCase()], docs);
    }
    return new CommandHelp(commands);
  }

  /** No help known (the server could not be asked). */
  static empty(): CommandHelp {
    return new CommandHelp([]);
  }

  get isEmpty(): boolean {
    return this.commands.length === 0;
  }

  /**
   * The text of `help <args>`: a command and its subcommands, or a group's commands. The lines
   * end in "\r\n" as redis-cli writes them.
   */
  output(args: string[]): string {
    let out = '';
    const group = args[0].startsWith('@') ? args[0].slice(1).toLowerCase() : null;
    for (const entry of this.commands) {
      if (group !== null) {
        if (entry.group.toLowerCase() === group) out += commandHelp(entry, false);
      } else if (
        args.length <= entry.words.length &&
        args.every((word, i) => word.toLowerCase() === entry.words[i].toLowerCase())
      ) {
        out += commandHelp(entry, true);
      }
    }
    return out + '\r\n';
  }

  /** Completions of a partly typed line: command names, or help topics after "help ". */
  complete(line: string): string[] {
    const help = /^help /i.exec(line);
    const start = help ? /^help\s*/i.exec(line)![0].length : 0;
    const prefix = line.slice(start).toLowerCase();
    const candidates = help
      ? [...this.groups, ...this.commands.map((c) => c.full)].sort(compareBytes)
      : this.commands.map((c) => c.full);
    return candidates
      .filter((name) => name.toLowerCase().startsWith(prefix))
      .map((name) => line.slice(0, start) + name);
  }

  /**
   * The hint shown after the cursor: the syntax of the arguments not typed yet, for the longest
   * command name the line starts with. Null when the line names no known command.
   */
  hint(line: string): string | null {
    const argv = splitInlineArgs(line);
    if (argv === null || argv.length === 0) return null;
    let entry: CommandEntry | undefined;
    for (const candidate of this.commands) {
      const words = candidate.words;
      if (
        words.length <= argv.length &&
        (entry === undefined || words.length > entry.words.length) &&
        words.every((word, i) => word.toLowerCase() === argv[i].toLowerCase())
      ) {
        entry = candidate;
      }
    }
    if (entry === undefined) return null;
    let hint = entry.params;
    // Drop one word per argument typed, stopping at the first optional part.
    let toRemove = argv.length - entry.words.length;
    while (toRemove > 0 && hint.length > 0 && hint[0] !== '[') {
      if (hint[0] === ' ') toRemove--;
      hint = hint.slice(1);
    }
    const endsWithSpace = /\s$/.test(line);
    return endsWithSpace ? hint : ' ' + hint;
  }
}

/** The generic text of `help` without arguments, after its first (version) line. */
export const GENERIC_HELP = `To get help about Redis commands type:
      "help @<group>" to get a list of commands in <group>
      "help <command>" for help on <command>
      "help <tab>" to get a list of possible help topics
      "quit" to exit

To set redis-cli preferences:
      ":set hints" enable online hints
      ":set nohints" disable online hints
Set your preferences in ~/.redisclirc
`;

function commandHelp(entry: CommandEntry, withGroup: boolean): string {
  let out = `\r\n  \x1b[1m${entry.full}\x1b[0m \x1b[90m${entry.params}\x1b[0m\r\n`;
  out += `  \x1b[33msummary:\x1b[0m ${entry.summary}\r\n`;
  out += `  \x1b[33msince:\x1b[0m ${entry.since}\r\n`;
  if (withGroup) out += `  \x1b[33mgroup:\x1b[0m ${entry.group}\r\n`;
  return out;
}

function addEntries(commands: CommandEntry[], words: string[], docs: Reply): void {
  const fields = new Map(entriesOf(docs).map(([key, value]) => [text(key), value]));
  const args = fields.get('arguments');
  commands.push({
    words,
    full: words.join(' '),
    params: args ? listOf(args).map(docArgument).map(syntax).join(' ') : '',
    summary: text(fields.get('summary')),
    since: text(fields.get('since')),
    group: text(fields.get('group')),
  });
  const subcommands = fields.get('subcommands');
  if (subcommands) {
    for (const [name, subdocs] of entriesOf(subcommands)) {
      // Subcommands are named "container|sub".
      const sub = text(name).split('|').pop()!.toUpperCase();
      addEntries(commands, [words[0], sub], subdocs);
    }
  }
}

function docArgument(reply: Reply): DocArgument {
  const fields = new Map(entriesOf(reply).map(([key, value]) => [text(key), value]));
  const flags = listOf(fields.get('flags')).map(text);
  const token = fields.get('token');
  return {
    name: text(fields.get('name')),
    type: text(fields.get('type')),
    token: token === undefined ? undefined : text(token),
    optional: flags.includes('optional'),
    multiple: flags.includes('multiple'),
    multipleToken: flags.includes('multiple_token'),
    arguments: listOf(fields.get('arguments')).map(docArgument),
  };
}

/** One argument's syntax: "[EX seconds|PX milliseconds]", "field value [field value ...]". */
function syntax(arg: DocArgument): string {
  let body: string;
  if (arg.type === 'oneof') body = arg.arguments.map(syntax).join('|');
  else if (arg.type === 'block') body = arg.arguments.map(syntax).join(' ');
  else if (arg.type === 'pure-token') body = '';
  else body = orEmptyQuotes(arg.name);
  let token = arg.token === undefined ? '' : orEmptyQuotes(arg.token);
  if (token !== '' && arg.type !== 'pure-token') token += ' ';
  let out = token + body;
  if (arg.multiple) out += ` [${arg.multipleToken ? token : ''}${body} ...]`;
  return arg.optional ? `[${out}]` : out;
}

function orEmptyQuotes(value: string): string {
  return value === '' ? '""' : value;
}

/** Key/value pairs of a RESP3 map, or of a RESP2 array alternating keys and values. */
function entriesOf(reply: Reply | undefined): [Reply, Reply][] {
  if (reply === undefined) return [];
  if (reply.type === 'map') return reply.entries;
  const items = listOf(reply);
  const pairs: [Reply, Reply][] = [];
  for (let i = 0; i + 1 < items.length; i += 2) pairs.push([items[i], items[i + 1]]);
  return pairs;
}

function listOf(reply: Reply | undefined): Reply[] {
  if (reply === undefined) return [];
  return reply.type === 'array' || reply.type === 'set' ? reply.items : [];
}

function text(reply: Reply | undefined): string {
  if (reply === undefined) return '';
  switch (reply.type) {
    case 'bulk':
    case 'status':
    case 'verbatim':
      return reply.value;
    case 'integer':
      return String(reply.value);
    default:
      return '';
  }
}

/** strcmp order. */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
