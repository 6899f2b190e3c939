/**
 * redis.conf and redis-server's command line, read as Redis 7.0 reads them: the file (or stdin
 * with "-"), then the `--name value ...` options appended as extra lines, so the command line wins;
 * one directive per line, words split like Redis (quotes, escapes), `#` comments, `include` of
 * other files (glob patterns allowed), `rename-command`. Errors come out in Redis's words.
 */
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Acl } from '../acl/acl.js';
import type { CommandTable } from '../dispatch/table.js';
import { globMatch } from '../keyspace/glob.js';
import { splitInlineArgs } from '../resp/inline.js';
import { REDIS_VERSION } from './info.js';
import { ConfigError, type Config } from './config.js';
import { quoteRepr, strerror } from './config-values.js';

/** A fatal configuration error, printed as redis-server prints it before exiting with 1. */
export class ConfigFileError extends Error {
  constructor(reason: string, at?: { line: number; text: string }) {
    let message = `\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\n`;
    if (at) message += `Reading the configuration file, at line ${at.line}\n>>> '${at.text}'\n`;
    super(message + reason);
  }
}

/** A config file that cannot be read (redis-server logs this and exits with 1). */
export class ConfigFileUnreadable extends Error {}

export interface CommandLine {
  /** The config file's absolute path, or null. */
  file: string | null;
  /** Read more configuration from stdin ("-" as the first or last argument). */
  stdin: boolean;
  /** The options as config text, one directive per line. */
  options: string;
}

/**
 * redis-server's main(): the first argument is the config file unless it starts with "-"; every
 * `--name` starts a directive whose value is the following arguments (quoted), or the rest of
 * the same argument (`"--port 7000"`). `--save` with no value means `save ""`.
 */
export function parseCommandLine(args: readonly string[]): CommandLine {
  let file: string | null = null;
  let stdin = false;
  let options = '';
  let j = 0;
  if (args.length > 0 && !args[0].startsWith('-')) {
    file = resolve(args[0]);
    j = 1;
  }
  let expectingName = true;
  for (; j < args.length; j++) {
    const arg = args[j];
    const last = j === args.length - 1;
    if (arg === '-' && (j === 0 || last)) {
      stdin = true;
    } else if (expectingName && arg.startsWith('--')) {
      if (options.length > 0) options += '\n';
      options += arg.slice(2) + ' ';
      const words = splitInlineArgs(arg) ?? [];
      // "--port 7000" carries its value; a bare "--name" waits for its value words.
      expectingName = words.length !== 1;
      if (words.length === 1 && arg.toLowerCase() === '--save') {
        if (last || args[j + 1].startsWith('--')) {
          options += '""';
          expectingName = true;
        }
      } else if (words.length === 1 && arg.toLowerCase() === '--sentinel') {
        if (last || args[j + 1].startsWith('--')) expectingName = true;
      }
    } else {
      options += quoteRepr(arg) + ' ';
      expectingName = true;
    }
  }
  return { file, stdin, options };
}

export interface LoadTarget {
  config: Config;
  /** For rename-command. */
  commands: CommandTable;
  /** `user` lines are checked against the ACL and kept to be loaded at startup. */
  acl: Acl;
  configuredUsers: string[][];
}

/**
 * Loads the command line's configuration into a server's config and command table, as
 * loadServerConfig does: file content, stdin, then the options. Throws ConfigFileError or
 * ConfigFileUnreadable.
 */
export function loadConfiguration(target: LoadTarget, commandLine: CommandLine): void {
  let text = commandLine.file === null ? '' : readConfigFile(commandLine.file);
  if (commandLine.stdin) text += readFileSync(0, 'latin1');
  if (commandLine.options.length > 0) text += '\n' + commandLine.options;
  const loader = new ConfigLoader(target);
  loader.loadText(text);
  loader.finish();
  target.config.file = commandLine.file;
}

/** Loads config text alone (tests, embedders): the same rules as a redis.conf file. */
export function loadConfigText(target: LoadTarget, text: string): void {
  const loader = new ConfigLoader(target);
  loader.loadText(text);
  loader.finish();
}

/** Directives Redis still accepts and ignores. */
const DEPRECATED = new Set([
  'list-max-ziplist-entries',
  'list-max-ziplist-value',
  'lua-replicate-commands',
]);

class ConfigLoader {
  /** Module parameters (`name.param value`): Kvik loads no modules, so any of them is an error. */
  private moduleParams = 0;

  constructor(private readonly target: LoadTarget) {}

  loadText(text: string): void {
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
      if (line === '' || line.startsWith('#')) continue;
      try {
        this.directive(line);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        throw new ConfigFileError(err.message, { line: i + 1, text: line });
      }
    }
  }

  finish(): void {
    const config = this.target.config;
    const logfile = config.get('logfile')!;
    if (logfile !== '') {
      try {
        appendFileSync(logfile, '');
      } catch (err) {
        throw new ConfigFileError(`Can't open the log file: ${strerror(err)}`);
      }
    }
    if (this.moduleParams > 0) {
      throw new ConfigFileError(
        'Module Configuration detected without loadmodule directive or no ApplyConfig call: aborting',
      );
    }
    if (config.boolValue('cluster-enabled') && config.get('replicaof') !== '') {
      throw new ConfigFileError('replicaof directive not allowed in cluster mode');
    }
  }

  private directive(line: string): void {
    const words = splitInlineArgs(line);
    if (words === null) throw new ConfigError('Unbalanced quotes in configuration line');
    if (words.length === 0) return;
    const name = words[0].toLowerCase();
    const args = words.slice(1);
    const config = this.target.config;
    if (config.get(name) !== undefined) return config.load(name, args);
    if (DEPRECATED.has(name) && args.length === 1) return;
    if (name === 'include' && args.length === 1) return this.include(args[0]);
    if (name === 'rename-command' && args.length === 2) return this.renameCommand(args[0], args[1]);
    if (name === 'user' && args.length >= 1) return this.user(words);
    if (name === 'loadmodule' && args.length >= 1) {
      throw new ConfigError('Kvik cannot load Redis modules');
    }
    if (name.includes('.')) {
      if (args.length !== 1) throw new ConfigError('Module config specified without value');
      this.moduleParams++;
      return;
    }
    if (name === 'sentinel') {
      throw new ConfigError(
        args.length > 0
          ? 'sentinel directive while not in sentinel mode'
          : 'Kvik has no sentinel mode',
      );
    }
    throw new ConfigError('Bad directive or wrong number of arguments');
  }

  /** include: the file's lines are read in place; a glob pattern may match no file at all. */
  private include(path: string): void {
    if (!/[*?[]/.test(path)) {
      this.loadText(readConfigFile(path));
      return;
    }
    for (const file of globFiles(path)) this.loadText(readConfigFile(file));
  }

  private renameCommand(from: string, to: string): void {
    const commands = this.target.commands;
    const source = from.toLowerCase();
    const target = to.toLowerCase();
    if (commands.get(source) === undefined)
      throw new ConfigError('No such command in rename-command');
    if (target !== '' && commands.get(target) !== undefined) {
      throw new ConfigError('Target command name already exists');
    }
    commands.rename(source, target);
  }

  /** user <name> <rule> ...: checked now, loaded when the server starts. */
  private user(words: string[]): void {
    const { acl, configuredUsers } = this.target;
    const definition = acl.parseConfigured(words, configuredUsers);
    if (typeof definition === 'string') throw new ConfigError(definition);
    configuredUsers.push(definition);
  }
}

function readConfigFile(path: string): string {
  try {
    return readFileSync(path, 'latin1');
  } catch (err) {
    throw new ConfigFileUnreadable(
      `Fatal error, can't open config file '${path}': ${strerror(err)}`,
    );
  }
}

/** The files a glob pattern names (wildcards in the file name part), sorted as glob(3) sorts. */
function globFiles(pattern: string): string[] {
  const directory = dirname(pattern);
  const namePattern = basename(pattern);
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return [];
  }
  return names
    .filter((name) => !name.startsWith('.') && globMatch(namePattern, name))
    .sort()
    .map((name) => join(directory, name));
}
