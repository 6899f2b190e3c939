/**
 * What watches commands as they run, after each one (Redis's call()): the slow log, the latency
 * monitor's "command" / "fast-command" events and MONITOR. The thresholds are kept as fields so
 * that a command below them costs two comparisons.
 */
import type { CommandContext } from '../dispatch/context.js';
import type { Gate } from '../dispatch/gate.js';
import type { Command } from '../dispatch/table.js';
import type { Config } from './config.js';
import { LatencyMonitor } from './latency-monitor.js';
import { Monitors, type MonitorClient } from './monitor.js';
import { Slowlog } from './slowlog.js';

/** The client a script runs its commands as has no address: Redis shows it as "?:0". */
const NO_PEER = '?:0';

interface SlowCall {
  readonly ctx: CommandContext;
  readonly command: Command;
  readonly argv: string[];
  readonly micros: number;
}

export class Observability {
  readonly slowlog = new Slowlog();
  readonly latencyMonitor = new LatencyMonitor();
  readonly monitors: Monitors;
  /** slowlog-log-slower-than in µs; Infinity when negative (disabled). */
  private slowlogThreshold = Infinity;
  /** latency-monitor-threshold in µs; Infinity when 0 (disabled). */
  private latencyThreshold = Infinity;
  /** Slow commands that blocked (BLPOP ...), by client id, until their wait ends. */
  private readonly blockedCalls = new Map<number, SlowCall>();

  constructor(
    private readonly config: Config,
    private readonly gate: () => Gate,
  ) {
    this.monitors = new Monitors(() => config.get('unixsocket') ?? '');
    this.configChanged();
  }

  /** Re-reads the thresholds (after CONFIG SET of either). */
  configChanged(): void {
    const slower = this.config.numberValue('slowlog-log-slower-than');
    this.slowlogThreshold = slower < 0 ? Infinity : slower;
    const threshold = this.config.numberValue('latency-monitor-threshold');
    this.latencyThreshold = threshold === 0 ? Infinity : threshold * 1000;
  }

  /** After a command ran for `micros` µs (nested ones too: EXEC's, a script's). */
  commandExecuted(ctx: CommandContext, command: Command, argv: string[], micros: number): void {
    if (micros >= this.latencyThreshold) {
      const event = command.flags.has('fast') ? 'fast-command' : 'command';
      this.latencyMonitor.add(event, Math.floor(micros / 1000), ctx.now);
    }
    if (micros >= this.slowlogThreshold && !command.flags.has('skip_slowlog')) {
      // A command that blocked is logged once served, timed out or unblocked, as Redis does.
      if (ctx.client.blockedOn === null) this.logSlow({ ctx, command, argv, micros });
      else this.blockedCalls.set(ctx.client.id, { ctx, command, argv, micros });
    }
    if (this.monitors.active && !command.flags.has('admin') && !command.flags.has('skip_monitor')) {
      this.monitors.feed(ctx, command, argv);
    }
  }

  /** A latency monitor event other than a command's (expire-cycle ...), lasting `ms`. */
  latencySample(event: string, ms: number, nowMs: number): void {
    if (ms * 1000 >= this.latencyThreshold) this.latencyMonitor.add(event, Math.floor(ms), nowMs);
  }

  /** A blocked client's wait ended: its command goes to the slow log now. */
  unblocked(clientId: number): void {
    const call = this.blockedCalls.get(clientId);
    if (call === undefined) return;
    this.blockedCalls.delete(clientId);
    this.logSlow(call);
  }

  /** The client disconnected. */
  clientGone(clientId: number): void {
    this.blockedCalls.delete(clientId);
  }

  private logSlow({ ctx, command, argv, micros }: SlowCall): void {
    const client = ctx.client;
    const peer = client.addr === '' ? NO_PEER : client.addr;
    const maxLen = this.config.numberValue('slowlog-max-len');
    this.slowlog.push(command, argv, micros, { peer, name: client.name }, ctx.now, maxLen);
  }

  startMonitoring(client: MonitorClient): boolean {
    if (this.monitors.has(client)) return false;
    this.monitors.add(client);
    this.gate().monitoring = true;
    return true;
  }

  stopMonitoring(client: MonitorClient): void {
    this.monitors.remove(client);
    this.gate().monitoring = this.monitors.active;
  }
}
