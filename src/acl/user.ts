/**
 * An ACL user: on/off, passwords (SHA-256 hashes only), payload-sanitizing flags and selectors
 * (the root one first). Rules change it as Redis 7.0's ACLSetUser does.
 */
import { createHash } from 'node:crypto';
import { splitInlineArgs } from '../resp/inline.js';
import type { ClientUser } from '../dispatch/client-state.js';
import type { CommandIndex } from './command-index.js';
import { AclRuleError } from './rule-error.js';
import { Selector } from './selector.js';

export type SanitizePayload = 'unset' | 'skip' | 'sanitize';

export class AclUser implements ClientUser {
  enabled = false;
  nopass = false;
  sanitizePayload: SanitizePayload = 'unset';
  passwords: string[] = [];
  selectors: Selector[];
  /** Every command, key and channel allowed by one selector: the gate skips the check. */
  unrestricted = false;

  constructor(
    readonly name: string,
    readonly index: CommandIndex,
    /** acl-pubsub-default: whether new selectors start with allchannels. */
    private readonly allChannelsByDefault: () => boolean,
  ) {
    this.selectors = [this.newSelector(true)];
  }

  get root(): Selector {
    return this.selectors[0];
  }

  /** Makes this user's rules a copy of another's (Redis's ACLCopyUser); the name stays. */
  copyFrom(other: AclUser): void {
    this.enabled = other.enabled;
    this.nopass = other.nopass;
    this.sanitizePayload = other.sanitizePayload;
    this.passwords = [...other.passwords];
    this.selectors = other.selectors.map((s) => s.copy());
    this.refresh();
  }

  /** A detached copy to stage changes on (ACL SETUSER applies all its rules or none). */
  clone(): AclUser {
    const copy = new AclUser(this.name, this.index, this.allChannelsByDefault);
    copy.copyFrom(this);
    return copy;
  }

  /** Applies one rule; throws AclRuleError when it is not valid. An empty rule does nothing. */
  apply(op: string): void {
    if (op.length === 0) return;
    const lower = op.toLowerCase();
    if (lower === 'on' || lower === 'off') this.enabled = lower === 'on';
    else if (lower === 'skip-sanitize-payload') this.sanitizePayload = 'skip';
    else if (lower === 'sanitize-payload') this.sanitizePayload = 'sanitize';
    else if (lower === 'nopass' || lower === 'resetpass') {
      this.nopass = lower === 'nopass';
      this.passwords = [];
    } else if (op[0] === '>' || op[0] === '#') {
      const hash = op[0] === '>' ? hashPassword(op.slice(1)) : checkedHash(op.slice(1));
      if (!this.passwords.includes(hash)) this.passwords.push(hash);
      this.nopass = false;
    } else if (op[0] === '<' || op[0] === '!') {
      const hash = op[0] === '<' ? hashPassword(op.slice(1)) : checkedHash(op.slice(1));
      const at = this.passwords.indexOf(hash);
      if (at < 0) throw new AclRuleError('noSuchPassword');
      this.passwords.splice(at, 1);
    } else if (op[0] === '(' && op[op.length - 1] === ')') {
      this.selectors.push(this.selectorFrom(op.slice(1, -1)));
    } else if (lower === 'clearselectors') {
      this.selectors.length = 1;
    } else if (lower === 'reset') {
      this.reset();
    } else {
      this.root.apply(op);
    }
    this.refresh();
  }

  /** Whether a password opens this user (a disabled user opens to none). */
  checkPassword(password: string): boolean {
    if (!this.enabled) return false;
    if (this.nopass) return true;
    return this.passwords.includes(hashPassword(password));
  }

  private reset(): void {
    this.passwords = [];
    this.nopass = false;
    this.root.apply('resetkeys');
    this.root.apply('resetchannels');
    if (this.allChannelsByDefault()) this.root.apply('allchannels');
    this.enabled = false;
    this.sanitizePayload = 'sanitize';
    this.selectors.length = 1;
    this.root.apply('-@all');
  }

  /** A selector from the rules inside parentheses, split as Redis's sdssplitargs splits them. */
  private selectorFrom(rules: string): Selector {
    const selector = this.newSelector(false);
    for (const rule of splitInlineArgs(rules) ?? []) selector.apply(rule);
    return selector;
  }

  private newSelector(root: boolean): Selector {
    const selector = new Selector(this.index, root);
    selector.allChannels = this.allChannelsByDefault();
    return selector;
  }

  private refresh(): void {
    this.unrestricted = this.selectors.some((s) => s.allCommands && s.allKeys && s.allChannels);
  }
}

/** The SHA-256 of a password (latin1 string: one char per byte), in lower-case hex. */
export function hashPassword(password: string): string {
  return createHash('sha256').update(password, 'latin1').digest('hex');
}

function checkedHash(hash: string): string {
  if (!/^[0-9a-f]{64}$/.test(hash)) throw new AclRuleError('badHash');
  return hash;
}
