/**
 * Users as text, in Redis 7.0's exact order (ACLDescribeUser): flags, password hashes, then each
 * selector's keys, channels and command rules. ACL LIST, ACL SAVE, CONFIG REWRITE and ACL GETUSER
 * show these strings.
 */
import { ACL_CATEGORIES } from '../dispatch/command.js';
import type { IndexedCommand } from './command-index.js';
import { KEY_ALL, KEY_READ, type KeyPattern, Selector } from './selector.js';
import type { AclUser } from './user.js';

/** The user's rules as `user <name> ...` would set them (after the name). */
export function describeUser(user: AclUser): string {
  let text = user.enabled ? 'on ' : 'off ';
  if (user.nopass) text += 'nopass ';
  if (user.sanitizePayload === 'skip') text += 'skip-sanitize-payload ';
  if (user.sanitizePayload === 'sanitize') text += 'sanitize-payload ';
  for (const hash of user.passwords) text += `#${hash} `;
  for (const selector of user.selectors) {
    const rules = describeSelector(selector);
    text += selector.root ? rules : ` (${rules})`;
  }
  return text;
}

/** GETUSER's flags, in Redis's order. */
export function userFlags(user: AclUser): string[] {
  const flags = [user.enabled ? 'on' : 'off'];
  if (user.nopass) flags.push('nopass');
  if (user.sanitizePayload === 'skip') flags.push('skip-sanitize-payload');
  if (user.sanitizePayload === 'sanitize') flags.push('sanitize-payload');
  return flags;
}

function describeSelector(selector: Selector): string {
  let text = '';
  if (selector.allKeys) text += '~* ';
  else for (const key of selector.keys) text += `${keyPatternText(key)} `;
  if (selector.allChannels) text += '&* ';
  else {
    text += 'resetchannels ';
    for (const channel of selector.channels) text += `&${channel} `;
  }
  return text + describeCommandRules(selector);
}

/** GETUSER's "keys" field. */
export function describeKeys(selector: Selector): string {
  return selector.allKeys ? '~*' : selector.keys.map(keyPatternText).join(' ');
}

/** GETUSER's "channels" field. */
export function describeChannels(selector: Selector): string {
  return selector.allChannels ? '&*' : selector.channels.map((c) => `&${c}`).join(' ');
}

function keyPatternText(key: KeyPattern): string {
  const prefix = key.flags === KEY_ALL ? '~' : key.flags === KEY_READ ? '%R~' : '%W~';
  return prefix + key.pattern;
}

/**
 * Redis's ACLDescribeSelectorCommandRules: +@all or -@all, then the categories that best
 * approximate the selector's commands (each chosen greedily: more commands in common than
 * different, fewest differences), then single commands and first-args to make it exact.
 */
export function describeCommandRules(selector: Selector): string {
  const index = selector.index;
  const additive = !selector.futureCommands;
  const rules: string[] = [additive ? '-@all' : '+@all'];
  const fake = new Selector(index, false);
  fake.apply(rules[0]);
  // The categories still to explain: applying the inverse of each one chosen to a copy of the
  // bitmap keeps the counts honest for the next choice.
  const remaining = new Selector(index, false);
  remaining.allowed.set(selector.allowed);
  const applied = new Set<number>();
  for (;;) {
    let best = -1;
    let minDiff = Number.MAX_SAFE_INTEGER;
    let maxSame = 0;
    for (let j = 0; j < ACL_CATEGORIES.length; j++) {
      if (applied.has(j)) continue;
      const { on, off } = countCategory(remaining, index.topLevel, 1 << j);
      const diff = additive ? off : on;
      const same = additive ? on : off;
      if (same > diff && (diff < minDiff || (diff === minDiff && same > maxSame))) {
        best = j;
        minDiff = diff;
        maxSame = same;
      }
    }
    if (best === -1) break;
    const bit = 1 << best;
    fake.setCategory(index.topLevel, bit, additive);
    remaining.setCategory(index.topLevel, bit, !additive);
    rules.push(`${additive ? '+' : '-'}@${ACL_CATEGORIES[best]}`);
    applied.add(best);
  }
  describeSingleCommands(selector, fake, index.topLevel, rules);
  return rules.join(' ');
}

function countCategory(
  selector: Selector,
  level: readonly IndexedCommand[],
  bit: number,
  counts = { on: 0, off: 0 },
): { on: number; off: number } {
  for (const entry of level) {
    if (entry.categories & bit) {
      if (selector.allowed[entry.id] === 1) counts.on++;
      else counts.off++;
    }
    if (entry.subcommands.length > 0) countCategory(selector, entry.subcommands, bit, counts);
  }
  return counts;
}

function describeSingleCommands(
  selector: Selector,
  fake: Selector,
  level: readonly IndexedCommand[],
  rules: string[],
): void {
  for (const entry of level) {
    const allowed = selector.allowed[entry.id] === 1;
    if (allowed !== (fake.allowed[entry.id] === 1)) {
      rules.push(`${allowed ? '+' : '-'}${entry.command.fullName}`);
      fake.changePermission(entry, allowed);
    }
    if (entry.subcommands.length > 0) {
      describeSingleCommands(selector, fake, entry.subcommands, rules);
    }
    const firstArgs = selector.firstArgs?.get(entry.id);
    if (!allowed && firstArgs !== undefined) {
      for (const arg of firstArgs) rules.push(`+${entry.command.fullName}|${arg}`);
    }
  }
}
