/**
 * One running script or function: what redis.call may do from it (Redis's scriptCall checks), the
 * protocol its commands reply in, and whether it has become busy, written, or been killed.
 */
import { ClientState } from '../dispatch/client-state.js';
import { CommandContext } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import type { ServerServices } from '../dispatch/services.js';
import type { Command } from '../dispatch/table.js';
import { mayReplicate } from '../dispatch/command.js';
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
  /** The allow-oom flag: writes may grow memory past maxmemory. */
  readonly allowOom: boolean;
}

/** What every run shares (made once per server). */
export interface RunServices {
  /** The fake client the scripts' commands run as. */
  readonly scriptCtx: CommandContext;
  /** Counts a refused command's error (Redis's scriptCall error path). */
  rejected(ctx: CommandContext, command: Command | null, error: string): void;
}

/** Bound on remembered command-name spellings, so odd casings cannot grow the cache forever. */
const MAX_SPELLINGS = 1024;

/**
 * The services of runs on a server: the fake client scripts run their commands as (Redis's
 * lua_client), and the commands by the names scripts spell them with.
 */
export class ScriptServices implements RunServices {
  readonly scriptCtx: CommandContext;
  /** Commands without subcommands by spelling: scripts call the same few, lower-casing costs. */
  private readonly bySpelling = new Map<string, Command>();

  constructor(
    server: ServerServices & ErrorSink,
    readonly rejected: RunServices['rejected'],
  ) {
    const client = new ClientState(0, '', '', server.keyspace.clock.now(), true);
    client.authenticated = true;
    client.isScript = true;
    this.scriptCtx = new CommandContext(client, new ReplyWriter(server), server);
  }

  /** The command (or subcommand) argv calls, as the command table finds it. */
  lookup(argv: readonly string[]): Command | undefined {
    const known = this.bySpelling.get(argv[0]);
    if (known !== undefined) return known;
    const command = this.scriptCtx.server.commands.lookup(argv);
    if (
      command !== undefined &&
      command.parent === null &&
      command.subcommands === null &&
      this.bySpelling.size < MAX_SPELLINGS
    ) {
      this.bySpelling.set(argv[0], command);
    }
    return command;
  }
}

export class ScriptRun implements ScriptHost {
  resp: 2 | 3 = 2;
  /** Past busy-reply-threshold: other clients are answered BUSY. */
  busy = false;
  killed = false;
  /** A write command was called (such a script cannot be killed). */
  wrote = false;
  private sliceStartedAt: number;

  private readonly scriptCtx: CommandContext;

  constructor(
    readonly options: RunOptions,
    /** The client that called the script: its reply goes there. */
    readonly caller: CommandContext,
    /** Its command (FUNCTION STATS shows it). */
    readonly callerArgv: readonly string[],
    private readonly services: ScriptServices,
    /** The clock reading (performance.now()) it started at. */
    readonly startedAt: number,
    private readonly threshold: number,
    /** False inside MULTI/EXEC: the transaction cannot be left half-run for the event loop. */
    private readonly canSuspend: boolean,
  ) {
    this.sliceStartedAt = startedAt;
    this.scriptCtx = services.scriptCtx;
    this.scriptCtx.selectDb(caller.client.db);
    this.scriptCtx.reply.resp = 2;
  }

  call(argv: string[]): string | ScriptError {
    const ctx = this.scriptCtx;
    const command = this.services.lookup(argv);
    const refusal = this.refusal(command, argv);
    if (refusal !== null) {
      this.services.rejected(ctx, command ?? null, refusal);
      return new ScriptError(refusal);
    }
    if ((command as Command).isWrite) this.wrote = true;
    ctx.reply.resp = this.resp;
    ctx.server.call(ctx, command as Command, argv);
    return ctx.reply.take();
  }

  /** Redis's checks of a command called from a script (scriptCall): the error, or null. */
  private refusal(command: Command | undefined, argv: string[]): string | null {
    if (command === undefined) return 'ERR Unknown Redis command called from script';
    const arity = command.arity;
    // A container without its subcommand (CONFIG alone) fails here: its arity is -2.
    if (
      (arity > 0 && argv.length !== arity) ||
      argv.length < -arity ||
      command.handler === undefined
    ) {
      return 'ERR Wrong number of args calling Redis command from script';
    }
    if (command.flags.has('noscript') && !this.caller.server.debug.allowNoscriptInScripts) {
      return 'ERR This Redis command is not allowed from script';
    }
    // The script runs its commands with the permissions of the user who called it.
    if (!this.caller.client.aclUser.unrestricted) {
      const denial = this.caller.server.aclDenied(this.caller, command, argv, 'lua');
      if (denial !== null) return Err.nopermInScript[denial.reason];
    }
    // Commands that may replicate (PUBLISH ...) count as writes here, as in Redis.
    if (this.options.readOnly && (command.isWrite || mayReplicate(command.name))) {
      return 'ERR Write commands are not allowed from read-only scripts.';
    }
    // Past maxmemory when the script started, its first write may not grow memory; later ones
    // may, as a script cannot be stopped halfway (Redis's scriptVerifyOOM).
    if (
      command.denyOom &&
      !this.wrote &&
      !this.options.allowOom &&
      this.caller.server.memoryFullAtCommandStart()
    ) {
      return Err.oom;
    }
    return null;
  }

  setResp(resp: 2 | 3): void {
    this.resp = resp;
  }

  commandExists(argv: string[]): boolean {
    return this.services.lookup(argv) !== undefined;
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
