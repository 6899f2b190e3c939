/**
 * ACL LOG: the security log of refused commands, keys, channels and authentications, newest
 * first. A refusal like a recent one (same reason, context, object and user within a minute,
 * among the last ten entries) bumps that entry's count instead of adding one, as in Redis 7.0.
 */
export type AclLogReason = 'command' | 'key' | 'channel' | 'auth';
export type AclLogContext = 'toplevel' | 'multi' | 'lua';

export interface AclLogEntry {
  count: number;
  readonly reason: AclLogReason;
  readonly context: AclLogContext;
  readonly object: string;
  readonly username: string;
  /** When it last happened, ms since the epoch. */
  time: number;
  /** CLIENT INFO of the client it last happened to. */
  clientInfo: string;
}

/** Entries further apart than this are never grouped. */
const GROUPING_MAX_MS = 60_000;
/** How many recent entries are searched for one to group with. */
const GROUPING_SCAN = 10;

export class AclLog {
  /** Newest first. */
  readonly entries: AclLogEntry[] = [];

  constructor(private readonly maxLength: () => number) {}

  add(entry: Omit<AclLogEntry, 'count'>): void {
    const scan = Math.min(GROUPING_SCAN, this.entries.length);
    for (let i = 0; i < scan; i++) {
      const current = this.entries[i];
      if (sameEvent(current, entry)) {
        this.entries.splice(i, 1);
        this.entries.unshift(current);
        current.count++;
        current.time = entry.time;
        current.clientInfo = entry.clientInfo;
        return;
      }
    }
    this.entries.unshift({ ...entry, count: 1 });
    const max = this.maxLength();
    if (this.entries.length > max) this.entries.length = max;
  }

  reset(): void {
    this.entries.length = 0;
  }
}

function sameEvent(a: AclLogEntry, b: Omit<AclLogEntry, 'count'>): boolean {
  return (
    a.reason === b.reason &&
    a.context === b.context &&
    Math.abs(a.time - b.time) <= GROUPING_MAX_MS &&
    a.object === b.object &&
    a.username === b.username
  );
}
