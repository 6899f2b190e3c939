/**
 * The propagation stream: every write leaves the server through here, once, in execution order,
 * as the argv to replay it (AOF, replicas and anything else that must see writes subscribe).
 *
 * Writes made while an execution unit runs (a top-level command, with everything it runs inside:
 * EXEC's queued commands, lazy expiry on the way) are held until the unit ends, then sent
 * together: wrapped in MULTI ... EXEC when there is more than one, as Redis's
 * propagatePendingCommands does, so that replicas apply them atomically.
 */
export type PropagationListener = (dbId: number, argv: string[]) => void;

const MULTI = ['MULTI'];
const EXEC = ['EXEC'];

export class Propagation {
  private readonly listeners: PropagationListener[] = [];
  private unitDepth = 0;
  /**
   * The writes of the running unit: the first pendingCount slots of parallel arrays reused from
   * unit to unit (truncating an array frees its storage, which then has to grow back every time).
   */
  private readonly pendingDbs: number[] = [];
  private readonly pendingArgvs: (string[] | null)[] = [];
  private pendingCount = 0;
  /** Inside muted(): writes are not sent. */
  private muteDepth = 0;

  subscribe(listener: PropagationListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  emit(dbId: number, argv: string[]): void {
    if (this.muteDepth > 0) return;
    if (this.unitDepth > 0) {
      this.pendingDbs[this.pendingCount] = dbId;
      this.pendingArgvs[this.pendingCount++] = argv;
    } else {
      this.send(dbId, argv);
    }
  }

  /**
   * Runs `run` with its writes kept out of the stream: a dataset being loaded (DEBUG LOADAOF)
   * replays writes that are already where they came from.
   */
  muted(run: () => void): void {
    this.muteDepth++;
    try {
      run();
    } finally {
      this.muteDepth--;
    }
  }

  /** An execution unit starts; units may nest, only the outermost one sends. */
  beginUnit(): void {
    this.unitDepth++;
  }

  /** The unit ends: its writes go out, in MULTI ... EXEC when there are several. */
  endUnit(): void {
    if (--this.unitDepth > 0) return;
    const count = this.pendingCount;
    if (count === 0) return;
    this.pendingCount = 0;
    const dbs = this.pendingDbs;
    const argvs = this.pendingArgvs;
    if (count === 1) {
      this.send(dbs[0], argvs[0]!);
    } else {
      // MULTI in the first write's database, EXEC in the last's, so no SELECT comes between.
      this.send(dbs[0], MULTI);
      for (let i = 0; i < count; i++) this.send(dbs[i], argvs[i]!);
      this.send(dbs[count - 1], EXEC);
    }
    // Sent: the slots let go of the arguments.
    for (let i = 0; i < count; i++) argvs[i] = null;
  }

  private send(dbId: number, argv: string[]): void {
    for (let i = 0; i < this.listeners.length; i++) this.listeners[i](dbId, argv);
  }
}
