/**
 * CLIENT PAUSE (Redis's pauseClients): while a pause lasts, the commands it covers are held, not
 * refused; the clients that sent them resume in the order they were held once it ends (CLIENT
 * UNPAUSE, or its time runs out). While it lasts no key is deleted for expiring, only hidden.
 */
import type { Keyspace } from '../keyspace/keyspace.js';
import type { CommandContext } from '../dispatch/context.js';
import type { PauseState } from '../dispatch/services.js';
import type { Command } from '../dispatch/table.js';
import { mayReplicate } from '../dispatch/command.js';

/** A client whose command a pause holds: it runs that command again when the pause ends. */
export interface HeldClient {
  processInput(): void;
}

export class ClientPause {
  private current: PauseState | null = null;
  /** Clients with a held command, in the order they were held. */
  private readonly held = new Set<HeldClient>();
  private resumeScheduled = false;

  constructor(
    private readonly keyspace: Keyspace,
    /** Whether a script command's script declares no-writes (such a one runs under WRITE). */
    private readonly declaresNoWrites: (command: string, argv: readonly string[]) => boolean,
  ) {}

  get state(): PauseState | null {
    return this.current;
  }

  set state(pause: PauseState | null) {
    this.current = pause;
    this.keyspace.expireDeletes = pause === null;
  }

  /** Whether the pause holds this command; the caller then holds its client (hold()). */
  holds(ctx: CommandContext, command: Command, argv: readonly string[]): boolean {
    const pause = this.current;
    if (pause === null) return false;
    if (this.keyspace.clock.now() >= pause.until) {
      // The pause ran out: the commands it held go first, this one queues behind them.
      this.end();
      return this.resumeScheduled;
    }
    if (pause.mode === 'all') return true;
    // WRITE pauses writes and commands that may write (EVAL, PUBLISH ...), and an EXEC whose
    // transaction holds one, as Redis does.
    if (this.mayWrite(command, argv)) return true;
    return (
      command.name === 'exec' &&
      (ctx.client.multi?.some((q) => this.mayWrite(q.command, q.argv)) ?? false)
    );
  }

  hold(client: HeldClient): void {
    this.held.add(client);
  }

  /** A client went away: nothing to resume for it. */
  forget(client: HeldClient): void {
    this.held.delete(client);
  }

  /** The cron: a pause whose time ran out ends even when no command arrives. */
  expireIfDue(): void {
    if (this.current !== null && this.keyspace.clock.now() >= this.current.until) this.end();
  }

  end(): void {
    this.state = null;
    if (this.held.size === 0 || this.resumeScheduled) return;
    // As in Redis, held clients resume after the command that ended the pause, not inside it.
    this.resumeScheduled = true;
    queueMicrotask(() => this.resumeHeld());
  }

  /** CLIENT PAUSE WRITE holds writes and commands that may write, unless a script says it won't. */
  private mayWrite(command: Command, argv: readonly string[]): boolean {
    if (command.isWrite) return true;
    return mayReplicate(command.name) && !this.declaresNoWrites(command.name, argv);
  }

  private resumeHeld(): void {
    this.resumeScheduled = false;
    const waiting = [...this.held];
    this.held.clear();
    for (const client of waiting) client.processInput();
  }
}
