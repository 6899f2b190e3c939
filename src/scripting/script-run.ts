/**
 * One running script or function: what redis.call may do from it (Redis's scriptCall checks), the
 * protocol its commands reply in, and whether it has become busy, written, or been killed.
 */
import { ClientState } from '../dispatch/client-state.js';
import { CommandContext } from '../dispatch/context.js';
import type { ServerServices } from '../dispatch/services.js';
import { ReplyWriter, type ErrorSink } from '../resp/reply.js';
import { ScriptError, type ScriptHost } from './script-vm.js';

/** While busy, a script runs slices this long between two turns of the event loop. */
const SLICE_MS = 10;

export interface RunOptions {
  /** The script's sha (EVAL) or the function's name (FCALL): what errors name it by. */
  readonly name: string;
  readonly isEval: boolean;
  /** EVAL_RO / FCALL_RO, or the no-writes flag. */
  readonly readOnly: boolean;
}

/** The fake client scripts run their commands as (Redis's lua_client). */
export function scriptClientContext(server: ServerServices & ErrorSink): CommandContext {
  const client = new ClientState(0, '', '', server.keyspace.clock.now(), true);
  client.authenticated = true;
  client.isScript = true;
  return new CommandContext(client, new ReplyWriter(server), server);
}

export class ScriptRun implements ScriptHost {
  resp: 2 | 3 = 2;
  /** Past busy-reply-threshold: other clients are answered BUSY. */
  busy = false;
  killed = false;
  /** A write command was called (such a script cannot be killed). */
  wrote = false;
  private readonly startedAt = performance.now();
  private sliceStartedAt = this.startedAt;

  constructor(
    readonly options: RunOptions,
    /** The client that called the script: its reply goes there. */
    readonly caller: CommandContext,
    /** Its command (FUNCTION STATS shows it). */
    readonly callerArgv: readonly string[],
    private readonly scriptCtx: CommandContext,
    private readonly threshold: number,
    /** False inside MULTI/EXEC: the transaction cannot be left half-run for the event loop. */
    private readonly canSuspend: boolean,
  ) {
    scriptCtx.selectDb(caller.client.db);
    scriptCtx.reply.resp = 2;
  }

  call(argv: string[]): string | ScriptError {
    const server = this.scriptCtx.server;
    const command = server.commands.lookup(argv);
    if (command === undefined)
      return new ScriptError('ERR Unknown Redis command called from script');
    const arity = command.arity;
    // A container without its subcommand (CONFIG alone) fails here: its arity is -2.
    if (
      (arity > 0 && argv.length !== arity) ||
      argv.length < -arity ||
      command.handler === undefined
    ) {
      return new ScriptError('ERR Wrong number of args calling Redis command from script');
    }
    if (command.flags.has('noscript')) {
      return new ScriptError('ERR This Redis command is not allowed from script');
    }
    if (command.isWrite) {
      if (this.options.readOnly) {
        return new ScriptError('ERR Write commands are not allowed from read-only scripts.');
      }
      this.wrote = true;
    }
    const ctx = this.scriptCtx;
    ctx.reply.resp = this.resp;
    server.call(ctx, command, argv);
    return ctx.reply.take();
  }

  setResp(resp: 2 | 3): void {
    this.resp = resp;
  }

  commandExists(argv: string[]): boolean {
    return this.scriptCtx.server.commands.lookup(argv) !== undefined;
  }

  checkpoint(yieldable: boolean): 'yield' | ScriptError | null {
    if (this.killed) return new ScriptError('ERR Script killed by user with SCRIPT KILL...');
    const now = performance.now();
    if (!this.busy) {
      if (now - this.startedAt < this.threshold) return null;
      this.busy = true;
    }
    if (yieldable && this.canSuspend && now - this.sliceStartedAt >= SLICE_MS) return 'yield';
    return null;
  }

  get durationMs(): number {
    return Math.floor(performance.now() - this.startedAt);
  }

  /** A new slice starts (the script resumes after a turn of the event loop). */
  sliceStarted(): void {
    this.sliceStartedAt = performance.now();
  }
}
