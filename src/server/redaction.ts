/**
 * Secrets hidden from the slow log and MONITOR, as Redis's redactClientCommandArgument hides them:
 * AUTH's arguments, HELLO's AUTH pair, MIGRATE's AUTH / AUTH2 credentials, every ACL SETUSER
 * argument, and the values of sensitive parameters in CONFIG SET.
 */
import type { Command } from '../dispatch/table.js';

const REDACTED = '(redacted)';

/** CONFIG parameters Redis 7.0 flags SENSITIVE_CONFIG. */
const SENSITIVE_PARAMETERS = new Set(['requirepass', 'masterauth', 'masteruser']);

/** How many arguments follow each credential keyword. */
const HELLO_SECRETS = new Map([['auth', 2]]);
const MIGRATE_SECRETS = new Map([
  ['auth', 1],
  ['auth2', 2],
]);

/** argv as Redis shows it after the command: itself, or a copy with secrets replaced. */
export function redactedArgv(command: Command, argv: readonly string[]): readonly string[] {
  switch (command.fullName) {
    case 'auth':
      return redact(argv, (i) => i >= 1);
    case 'acl|setuser':
      return redact(argv, (i) => i >= 2);
    case 'hello':
      return redactAfterKeywords(argv, 2, HELLO_SECRETS);
    case 'migrate':
      return redactAfterKeywords(argv, 6, MIGRATE_SECRETS);
    case 'config|set':
      return redact(
        argv,
        (i) => i >= 3 && i % 2 === 1 && SENSITIVE_PARAMETERS.has(argv[i - 1].toLowerCase()),
      );
    default:
      return argv;
  }
}

function redact(argv: readonly string[], hidden: (index: number) => boolean): readonly string[] {
  return argv.map((arg, i) => (hidden(i) ? REDACTED : arg));
}

/** Hides the `counts[keyword]` arguments after each keyword found from `from` on. */
function redactAfterKeywords(
  argv: readonly string[],
  from: number,
  counts: ReadonlyMap<string, number>,
): readonly string[] {
  const copy = argv.slice();
  for (let i = from; i < copy.length; i++) {
    const count = counts.get(copy[i].toLowerCase());
    if (count === undefined || i + count >= copy.length) continue;
    for (let k = 1; k <= count; k++) copy[i + k] = REDACTED;
    i += count;
  }
  return copy;
}
