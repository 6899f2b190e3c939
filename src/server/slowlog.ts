/**
 * The slow log (Redis's slowlog.c): commands that ran longer than slowlog-log-slower-than
 * microseconds, newest first, at most slowlog-max-len of them. Arguments are kept trimmed as
 * Redis keeps them, and secrets (AUTH passwords ...) are kept redacted.
 */
import type { Command } from '../dispatch/table.js';
import { redactedArgv } from './redaction.js';

/** Redis's SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING. */
const MAX_ARGC = 32;
const MAX_STRING = 128;

export interface SlowlogEntry {
  readonly id: number;
  /** Unix time in seconds when the command was logged. */
  readonly time: number;
  readonly micros: number;
  readonly argv: readonly string[];
  readonly peer: string;
  readonly clientName: string;
}

export class Slowlog {
  /** Newest first. */
  private entries: SlowlogEntry[] = [];
  private nextId = 0;

  get length(): number {
    return this.entries.length;
  }

  /** Logs a command that took `micros`, keeping the newest `maxLen` entries. */
  push(
    command: Command,
    argv: readonly string[],
    micros: number,
    client: { peer: string; name: string },
    nowMs: number,
    maxLen: number,
  ): void {
    this.entries.unshift({
      id: this.nextId++,
      time: Math.floor(nowMs / 1000),
      micros: Math.floor(micros),
      argv: trimmedArgv(redactedArgv(command, argv)),
      peer: client.peer,
      clientName: client.name,
    });
    if (this.entries.length > maxLen) this.entries.length = maxLen;
  }

  /** The newest `count` entries (all of them when count is -1). */
  newest(count: number): readonly SlowlogEntry[] {
    return count < 0 ? this.entries : this.entries.slice(0, count);
  }

  reset(): void {
    this.entries = [];
  }
}

/** At most 32 arguments (the last one telling how many more), each at most 128 bytes. */
function trimmedArgv(argv: readonly string[]): string[] {
  const kept = argv.length > MAX_ARGC ? MAX_ARGC - 1 : argv.length;
  const trimmed = new Array<string>(kept);
  for (let i = 0; i < kept; i++) {
    const arg = argv[i];
    trimmed[i] =
      arg.length > MAX_STRING
        ? `${arg.slice(0, MAX_STRING)}... (${arg.length - MAX_STRING} more bytes)`
        : arg;
  }
  if (kept < argv.length) trimmed.push(`... (${argv.length - kept} more arguments)`);
  return trimmed;
}
