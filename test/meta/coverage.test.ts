/**
 * Every declared command and subcommand is tested: at least one test in test/commands/ or
 * test/diff/ mentions it, and at least one differential test in test/diff/ sends it. A mention is
 * the name as a quoted string ('GET', "config", `ping`), case-insensitive; a subcommand is the
 * container and the subcommand quoted one after the other ('CONFIG', 'GET'). A test sends a
 * command when the quoted name opens an argument list: ['GET', ...] or same('GET', ...).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { declaredCommands, escapeRegExp } from './declared.js';

const TEST_ROOT = new URL('..', import.meta.url).pathname;

function sources(dir: string): string[] {
  const path = join(TEST_ROOT, dir);
  if (!existsSync(path)) return [];
  return readdirSync(path).flatMap((name) => {
    const file = join(path, name);
    if (statSync(file).isDirectory()) return sources(join(dir, name));
    return name.endsWith('.ts') ? [readFileSync(file, 'utf8')] : [];
  });
}

/** The name quoted ('get'), or the container and subcommand quoted in a row ('config', 'get'). */
function mentionPattern(fullName: string): RegExp {
  const parts = fullName.split('|').map((part) => `['"\`]${escapeRegExp(part)}['"\`]`);
  return new RegExp(parts.join('\\s*,\\s*'), 'i');
}

function sendPattern(fullName: string): RegExp {
  return new RegExp(`[[(]\\s*${mentionPattern(fullName).source}`, 'i');
}

describe('every declared command is tested', () => {
  const unitAndDiff = [...sources('commands'), ...sources('diff')].join('\n');
  const diff = sources('diff').join('\n');
  const commands = declaredCommands();

  it('each command is mentioned in test/commands/ or test/diff/', () => {
    const missing = commands
      .filter((c) => !mentionPattern(c.fullName).test(unitAndDiff))
      .map((c) => c.fullName);
    assert.ok(missing.length === 0, `commands no test mentions: ${missing.join(', ')}`);
  });

  it('each command is sent by a differential test in test/diff/', () => {
    const missing = commands
      .filter((c) => !sendPattern(c.fullName).test(diff))
      .map((c) => c.fullName);
    assert.ok(missing.length === 0, `commands no differential test sends: ${missing.join(', ')}`);
  });
});
