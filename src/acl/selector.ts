/**
 * A selector: one set of permissions (commands, key patterns, channel patterns). A user has its
 * root selector and any number of extra ones in parentheses; a command is allowed when one of
 * them allows it. The rules that change a selector follow Redis 7.0's ACLSetSelector.
 */
import { globMatch } from '../keyspace/glob.js';
import { categoryBit, type CommandIndex, type IndexedCommand } from './command-index.js';
import { AclRuleError } from './rule-error.js';

/** Key permissions of a pattern: %R~ reads, %W~ writes, ~ both. */
export const KEY_READ = 1;
export const KEY_WRITE = 2;
export const KEY_ALL = KEY_READ | KEY_WRITE;

export interface KeyPattern {
  readonly pattern: string;
  flags: number;
}

export class Selector {
  allKeys = false;
  allChannels = false;
  /** Every command allowed, no exception since (Redis's SELECTOR_FLAG_ALLCOMMANDS). */
  allCommands = false;
  /**
   * Set by +@all, cleared by -@all only: the rules started from everything (Redis's reserved
   * "future commands" bit), so describing them starts with +@all.
   */
  futureCommands = false;
  /** 1 for each allowed command, by command id. */
  allowed: Uint8Array;
  /** First arguments allowed for a command otherwise denied (+select|0), by command id. */
  firstArgs: Map<number, string[]> | null = null;
  keys: KeyPattern[] = [];
  channels: string[] = [];

  constructor(
    readonly index: CommandIndex,
    readonly root: boolean,
  ) {
    this.allowed = new Uint8Array(index.size);
  }

  copy(): Selector {
    const copy = new Selector(this.index, this.root);
    copy.allKeys = this.allKeys;
    copy.allChannels = this.allChannels;
    copy.allCommands = this.allCommands;
    copy.futureCommands = this.futureCommands;
    copy.allowed.set(this.allowed);
    if (this.firstArgs !== null) {
      copy.firstArgs = new Map([...this.firstArgs].map(([id, args]) => [id, [...args]]));
    }
    copy.keys = this.keys.map((k) => ({ pattern: k.pattern, flags: k.flags }));
    copy.channels = [...this.channels];
    return copy;
  }

  /** Applies one selector rule; throws AclRuleError with Redis's reason when it is not valid. */
  apply(op: string): void {
    const lower = op.toLowerCase();
    if (lower === 'allkeys' || op === '~*') {
      this.allKeys = true;
      this.keys = [];
    } else if (lower === 'resetkeys') {
      this.allKeys = false;
      this.keys = [];
    } else if (lower === 'allchannels' || op === '&*') {
      this.allChannels = true;
      this.channels = [];
    } else if (lower === 'resetchannels') {
      this.allChannels = false;
      this.channels = [];
    } else if (lower === 'allcommands' || lower === '+@all') {
      this.setAllCommands(true);
    } else if (lower === 'nocommands' || lower === '-@all') {
      this.setAllCommands(false);
    } else if (op[0] === '~' || op[0] === '%') {
      this.addKeyPattern(op);
    } else if (op[0] === '&') {
      this.addChannelPattern(op);
    } else if (op[0] === '+' && op[1] !== '@') {
      this.allowCommandRule(op.slice(1));
    } else if (op[0] === '-' && op[1] !== '@') {
      const entry = this.index.lookup(op.slice(1));
      if (entry === undefined) throw new AclRuleError('unknownName');
      this.changePermission(entry, false);
    } else if ((op[0] === '+' || op[0] === '-') && op[1] === '@') {
      const bit = categoryBit(op.slice(2));
      if (bit === 0) throw new AclRuleError('unknownName');
      this.setCategory(this.index.topLevel, bit, op[0] === '+');
    } else {
      throw new AclRuleError('syntax');
    }
  }

  private setAllCommands(allow: boolean): void {
    this.allowed.fill(allow ? 1 : 0);
    this.allCommands = allow;
    this.futureCommands = allow;
    this.firstArgs = null;
  }

  private addKeyPattern(op: string): void {
    if (this.allKeys) throw new AclRuleError('keyAfterAll');
    let flags = 0;
    let offset = 1;
    if (op[0] === '%') {
      for (; offset < op.length; offset++) {
        const c = op[offset].toUpperCase();
        if (c === 'R' && !(flags & KEY_READ)) flags |= KEY_READ;
        else if (c === 'W' && !(flags & KEY_WRITE)) flags |= KEY_WRITE;
        else if (op[offset] === '~') {
          offset++;
          break;
        } else throw new AclRuleError('syntax');
      }
      if (flags === 0) throw new AclRuleError('syntax');
    } else {
      flags = KEY_ALL;
    }
    const pattern = op.slice(offset);
    if (hasSpaces(pattern)) throw new AclRuleError('syntax');
    const existing = this.keys.find((k) => k.pattern === pattern);
    if (existing === undefined) this.keys.push({ pattern, flags });
    else existing.flags |= flags;
    this.allKeys = false;
  }

  private addChannelPattern(op: string): void {
    if (this.allChannels) throw new AclRuleError('channelAfterAll');
    const pattern = op.slice(1);
    if (hasSpaces(pattern)) throw new AclRuleError('syntax');
    if (!this.channels.includes(pattern)) this.channels.push(pattern);
    this.allChannels = false;
  }

  /** +command, +container|subcommand, or +command|first-arg (deprecated by Redis, still valid). */
  private allowCommandRule(name: string): void {
    const bar = name.lastIndexOf('|');
    if (bar < 0) {
      const entry = this.index.lookup(name);
      if (entry === undefined) throw new AclRuleError('unknownName');
      return this.changePermission(entry, true);
    }
    const entry = this.index.lookup(name.slice(0, bar));
    if (entry === undefined) throw new AclRuleError('unknownName');
    if (entry.command.parent !== null) throw new AclRuleError('firstArgOfSubcommand');
    const firstArg = name.slice(bar + 1);
    if (firstArg === '') throw new AclRuleError('syntax');
    if (entry.subcommands.length > 0) {
      const sub = this.index.lookup(name);
      if (sub === undefined) throw new AclRuleError('unknownName');
      return this.changePermission(sub, true);
    }
    this.firstArgs ??= new Map();
    const allowed = this.firstArgs.get(entry.id) ?? [];
    if (!allowed.some((a) => a.toLowerCase() === firstArg.toLowerCase())) allowed.push(firstArg);
    this.firstArgs.set(entry.id, allowed);
  }

  /** Redis's ACLChangeSelectorPerm: a command and all its subcommands. */
  changePermission(entry: IndexedCommand, allow: boolean): void {
    this.setBit(entry.id, allow);
    this.firstArgs?.delete(entry.id);
    for (const sub of entry.subcommands) this.setBit(sub.id, allow);
  }

  /** +@category / -@category over a level of the command tree and, below it, subcommands. */
  setCategory(level: readonly IndexedCommand[], bit: number, allow: boolean): void {
    for (const entry of level) {
      if (entry.categories & bit) this.changePermission(entry, allow);
      if (entry.subcommands.length > 0) this.setCategory(entry.subcommands, bit, allow);
    }
  }

  private setBit(id: number, allow: boolean): void {
    this.allowed[id] = allow ? 1 : 0;
    if (!allow) this.allCommands = false;
  }

  /** Whether the command itself (not its keys or channels) may run with these arguments. */
  allowsCommand(entry: IndexedCommand, argv: readonly string[]): boolean {
    if (this.allCommands || entry.command.noAuth || this.allowed[entry.id] === 1) return true;
    const firstArgs = this.firstArgs?.get(entry.id);
    if (firstArgs === undefined || argv.length < 2) return false;
    const arg = argv[entry.command.parent !== null ? 2 : 1]?.toLowerCase();
    return firstArgs.some((a) => a.toLowerCase() === arg);
  }

  /** Redis's ACLSelectorCheckKey: `flags` are the key's KEY_READ / KEY_WRITE needs. */
  allowsKey(key: string, flags: number): boolean {
    if (this.allKeys) return true;
    for (const k of this.keys) {
      if ((k.flags & flags) === flags && globMatch(k.pattern, key)) return true;
    }
    return false;
  }

  /** A channel (glob-matched against the patterns) or, `literal`, a pattern (compared as is). */
  allowsChannel(channel: string, literal: boolean): boolean {
    if (this.allChannels) return true;
    return channelAllowed(this.channels, channel, literal);
  }
}

export function channelAllowed(
  patterns: readonly string[],
  channel: string,
  literal: boolean,
): boolean {
  for (const pattern of patterns) {
    if (literal ? pattern === channel : globMatch(pattern, channel)) return true;
  }
  return false;
}

/** Redis's ACLStringHasSpaces: C isspace characters or NUL. */
export function hasSpaces(s: string): boolean {
  return /[ \t\n\v\f\r\0]/.test(s);
}
