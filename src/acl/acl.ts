/**
 * The ACL of one server (Redis's acl.c state): its users, the default user every connection
 * starts as, the security log, the permission check the gate runs, and the users from the config
 * file or an ACL file.
 */
import type { ClientState } from '../dispatch/client-state.js';
import { Err } from '../dispatch/errors.js';
import { commandKeys } from '../dispatch/keys.js';
import type { Command, CommandTable } from '../dispatch/table.js';
import { CommandIndex, type IndexedCommand } from './command-index.js';
import { AclLog } from './log.js';
import { AclRuleError, type AclRuleProblem } from './rule-error.js';
import { channelAllowed, hasSpaces, KEY_READ, KEY_WRITE, type Selector } from './selector.js';
import { describeUser } from './describe.js';
import { AclUser } from './user.js';

/** The users the server starts with cannot be loaded: Redis logs why and exits. */
export class AclStartupError extends Error {}

export interface AclHost {
  /** acl-pubsub-default is allchannels. */
  allChannelsByDefault(): boolean;
  /** acllog-max-len. */
  logMaxLength(): number;
  /** Every connected client. */
  clients(): Iterable<ClientState>;
  /** Disconnects a client, at once or (the client running the command) after its reply. */
  disconnect(client: ClientState, afterReply: boolean): void;
}

/** Why a command was refused, and the argument (key or channel) that was refused, if any. */
export interface AclDenial {
  readonly reason: 'command' | 'key' | 'channel';
  /** argv index of the refused key or channel; 0 for a refused command. */
  readonly index: number;
}

/** Redis's ACL_DENIED_* order: when several selectors refuse, the highest reason is reported. */
const REASON_RANK = { command: 1, key: 2, channel: 4 } as const;

/** Commands whose arguments name channels, with where they are and whether they are patterns. */
const CHANNEL_ARGS: Record<string, { all: boolean; literal: boolean }> = {
  publish: { all: false, literal: false },
  spublish: { all: false, literal: false },
  subscribe: { all: true, literal: false },
  ssubscribe: { all: true, literal: false },
  psubscribe: { all: true, literal: true },
};

export class Acl {
  readonly index: CommandIndex;
  readonly log: AclLog;
  readonly defaultUser: AclUser;
  private users = new Map<string, AclUser>();

  constructor(
    table: CommandTable,
    private readonly host: AclHost,
  ) {
    this.index = new CommandIndex(table);
    this.log = new AclLog(() => host.logMaxLength());
    this.defaultUser = this.createDefaultUser();
    this.users.set('default', this.defaultUser);
  }

  /** A new user, not registered: `on nopass ~* &* +@all` for the default user. */
  newUser(name: string): AclUser {
    return new AclUser(name, this.index, () => this.host.allChannelsByDefault());
  }

  get(name: string): AclUser | undefined {
    return this.users.get(name);
  }

  /** Users sorted by name, bytewise (Redis keeps them in a radix tree). */
  all(): AclUser[] {
    return [...this.users.values()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  }

  /**
   * ACL SETUSER: applies every rule to a copy and, when all are valid, to the user (created if
   * new). Returns Redis's error reply, or null. Subscribers of the user who lose a channel go.
   */
  setUser(name: string, rules: readonly string[], current: ClientState | null): string | null {
    const merged = mergeSelectorArgs(rules);
    if (typeof merged === 'number') return Err.aclUnmatchedParenthesis(rules[merged]);
    const existing = this.users.get(name);
    const staged = existing?.clone() ?? this.newUser(name);
    for (const rule of merged) {
      try {
        staged.apply(rule);
      } catch (err) {
        if (!(err instanceof AclRuleError)) throw err;
        return Err.aclSetUser(rule, err.message);
      }
    }
    if (existing === undefined) {
      this.users.set(name, staged);
    } else {
      this.disconnectRevokedSubscribers(existing, staged, current);
      existing.copyFrom(staged);
    }
    return null;
  }

  /** ACL DELUSER of one user (never `default`): its clients are disconnected. */
  deleteUser(name: string, current: ClientState | null): boolean {
    const user = this.users.get(name);
    if (user === undefined) return false;
    this.users.delete(name);
    this.disconnectClientsOf(user, current);
    return true;
  }

  /** requirepass: the default user's only password, or nopass when null. */
  setDefaultPassword(password: string | null): void {
    this.defaultUser.apply('resetpass');
    this.defaultUser.apply(password === null ? 'nopass' : `>${password}`);
  }

  /** ACLCheckUserCredentials: the user when the pair is valid, else null. */
  authenticate(name: string, password: string): AclUser | null {
    const user = this.users.get(name);
    return user !== undefined && user.checkPassword(password) ? user : null;
  }

  /** Redis's ACLCheckAllUserCommandPerm: null when the user may run argv, else why not. */
  check(user: AclUser, command: Command, argv: readonly string[]): AclDenial | null {
    const entry = this.index.of(command);
    let keys: ReturnType<typeof commandKeys> | null = null;
    let denial: AclDenial = { reason: 'command', index: 0 };
    for (const selector of user.selectors) {
      const result = checkSelector(
        selector,
        entry,
        argv,
        () => (keys ??= commandKeys(command, argv)),
      );
      if (result === null) return null;
      const rank = REASON_RANK[result.reason];
      const best = REASON_RANK[denial.reason];
      if (rank > best || (rank === best && result.index > denial.index)) denial = result;
    }
    return denial;
  }

  /**
   * Replaces every user with those of an ACL file's text (ACL LOAD, aclfile at startup). Nothing
   * changes when a line is wrong: the errors come back as Redis words them, else null. Clients of
   * the replaced users are disconnected; `default` is updated in place.
   */
  loadFile(text: string, fileName: string, current: ClientState | null): string | null {
    const loaded = new Map<string, AclUser>();
    let errors = '';
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
      if (line === '') continue;
      const argv = line.split(' ');
      const at = `${fileName}:${i + 1}`;
      if (argv[0] !== 'user' || argv.length < 2) {
        errors += `${at} should start with user keyword followed by the username. `;
        continue;
      }
      const name = argv[1];
      if (hasSpaces(name)) {
        errors += `'${at}: username '${name}' contains invalid characters. `;
        continue;
      }
      if (loaded.has(name)) {
        errors += `WARNING: Duplicate user '${name}' found on line ${i + 1}. `;
        continue;
      }
      const user = this.newUser(name);
      loaded.set(name, user);
      const merged = mergeSelectorArgs(argv.slice(2));
      if (typeof merged === 'number') {
        errors += `${at}: Unmatched parenthesis in selector definition.`;
        continue;
      }
      for (const rule of merged) {
        try {
          user.apply(rule.replace(/^[\t\r\n]+|[\t\r\n]+$/g, ''));
        } catch (err) {
          if (!(err instanceof AclRuleError)) throw err;
          errors += `${at}: ${err.message}. `;
        }
      }
    }
    if (errors !== '') {
      return `${errors}WARNING: ACL errors detected, no change to the previously active ACL rules was performed`;
    }
    this.replaceUsers(loaded, current);
    return null;
  }

  /** ACL SAVE's file text: one `user` line per user, sorted by name. */
  fileText(): string {
    return this.all()
      .map((user) => `user ${user.name} ${describeUser(user)}\n`)
      .join('');
  }

  /**
   * A `user` line of the config file (`argv` from "user" on), checked as Redis reads it
   * (ACLAppendUserForLoading): Redis's error message, or the definition to load at startup.
   * Unknown commands are only found at startup.
   */
  parseConfigured(
    argv: readonly string[],
    earlier: readonly (readonly string[])[],
  ): string | string[] {
    const declarationError = (at: number, problem: AclRuleProblem): string =>
      `Error in user declaration '${argv[at]}': ${Err.aclRule[problem]}`;
    if (earlier.some((definition) => definition[0] === argv[1])) {
      return declarationError(1, 'duplicateUser');
    }
    const merged = mergeSelectorArgs(argv.slice(2));
    if (typeof merged === 'number') return declarationError(merged, 'syntax');
    const scratch = this.newUser(argv[1]);
    for (let j = 0; j < merged.length; j++) {
      try {
        scratch.apply(merged[j]);
      } catch (err) {
        if (!(err instanceof AclRuleError)) throw err;
        // Redis names the line's j-th word here, not the rule's (its index is off by two).
        if (err.problem !== 'unknownName') return declarationError(j, err.problem);
      }
    }
    return [argv[1], ...merged];
  }

  /**
   * `user` lines of the config file, at startup: each user is created (default is reset first)
   * with its rules. Returns Redis's log message for the first invalid rule, or null.
   */
  loadConfigured(definitions: readonly (readonly string[])[]): string | null {
    for (const [name, ...rules] of definitions) {
      let user = this.users.get(name);
      if (user === undefined) {
        user = this.newUser(name);
        this.users.set(name, user);
      } else {
        user.apply('reset');
      }
      for (const rule of rules) {
        try {
          user.apply(rule);
        } catch (err) {
          if (!(err instanceof AclRuleError)) throw err;
          return `Error loading ACL rule '${rule}' for the user named '${name}': ${err.message}`;
        }
      }
    }
    return null;
  }

  private createDefaultUser(): AclUser {
    const user = this.newUser('default');
    for (const rule of ['+@all', '~*', '&*', 'on', 'nopass']) user.apply(rule);
    return user;
  }

  private replaceUsers(loaded: Map<string, AclUser>, current: ClientState | null): void {
    const replacement = loaded.get('default') ?? this.createDefaultUser();
    this.defaultUser.copyFrom(replacement);
    loaded.set('default', this.defaultUser);
    const old = [...this.users.values()].filter((user) => user !== this.defaultUser);
    this.users = loaded;
    for (const user of old) this.disconnectClientsOf(user, current);
  }

  /**
   * Redis's ACLFreeUserAndKillClients: clients go back to `default`, unauthenticated, and close;
   * the one running the command after its reply (CLIENT_CLOSE_AFTER_COMMAND).
   */
  private disconnectClientsOf(user: AclUser, current: ClientState | null): void {
    for (const client of [...this.host.clients()]) {
      if (client.aclUser !== user) continue;
      client.aclUser = this.defaultUser;
      client.authenticated = false;
      this.host.disconnect(client, client === current);
    }
  }

  /**
   * Redis's ACLKillPubsubClientsIfNeeded: when the new rules no longer list every channel pattern
   * of the old ones, subscribers of the user whose channels or patterns are no longer allowed go.
   */
  private disconnectRevokedSubscribers(
    original: AclUser,
    updated: AclUser,
    current: ClientState | null,
  ): void {
    if (updated.selectors.some((s) => s.allChannels)) return;
    const upcoming = updated.selectors.flatMap((s) => s.channels);
    const kept = original.selectors.every((s) => s.channels.every((c) => upcoming.includes(c)));
    if (kept) return;
    for (const client of [...this.host.clients()]) {
      const subs = client.subscriptions;
      if (client.aclUser !== original || subs === null || subs.total === 0) continue;
      const revoked =
        [...subs.patterns].some((p) => !channelAllowed(upcoming, p, true)) ||
        [...subs.channels].some((c) => !channelAllowed(upcoming, c, false)) ||
        [...subs.shardChannels].some((c) => !channelAllowed(upcoming, c, false));
      if (revoked) this.host.disconnect(client, client === current);
    }
  }
}

/** Redis's ACLSelectorCheckCmd for one selector. */
function checkSelector(
  selector: Selector,
  entry: IndexedCommand,
  argv: readonly string[],
  keys: () => ReturnType<typeof commandKeys>,
): AclDenial | null {
  if (!selector.allowsCommand(entry, argv)) return { reason: 'command', index: 0 };
  if (!selector.allKeys) {
    for (const key of keys()) {
      if (!selector.allowsKey(argv[key.index], keyNeeds(key.flags))) {
        return { reason: 'key', index: key.index };
      }
    }
  }
  const channels = selector.allChannels ? undefined : CHANNEL_ARGS[entry.command.fullName];
  if (channels !== undefined) {
    const last = channels.all ? argv.length - 1 : 1;
    for (let i = 1; i <= last; i++) {
      if (!selector.allowsChannel(argv[i], channels.literal))
        return { reason: 'channel', index: i };
    }
  }
  return null;
}

/** What a key spec's flags ask of a key pattern: ACCESS reads, INSERT/DELETE/UPDATE write. */
function keyNeeds(flags: readonly string[]): number {
  let needs = 0;
  if (flags.includes('ACCESS')) needs |= KEY_READ;
  if (flags.includes('INSERT') || flags.includes('DELETE') || flags.includes('UPDATE')) {
    needs |= KEY_WRITE;
  }
  return needs;
}

/**
 * Redis's ACLMergeSelectorArguments: a selector spread over several arguments ("(~a", "+get)")
 * becomes one. Returns the index of an unclosed selector's first argument when one is open.
 */
export function mergeSelectorArgs(args: readonly string[]): string[] | number {
  const merged: string[] = [];
  let open = -1;
  let selector = '';
  for (let j = 0; j < args.length; j++) {
    const op = args[j];
    if (op[0] === '(' && op[op.length - 1] !== ')') {
      selector = op;
      open = j;
      continue;
    }
    if (open !== -1) {
      selector += ` ${op}`;
      if (op[op.length - 1] === ')') {
        open = -1;
        merged.push(selector);
      }
      continue;
    }
    merged.push(op);
  }
  return open === -1 ? merged : open;
}
