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

export class Observability {
  readonly slowlog = new Slowlog();
  readonly latencyMonitor = new LatencyMonitor();
  readonly monitors: Monitors;
  /** slowlog-log-slower-than in µs; Infinity when negative (disabled). */
  private slowlogThreshold = Infinity;
  /** latency-monitor-threshold in µs; Infinity when 0 (disabled). */
  private latencyThreshold = Infinity;

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
    // Redis logs a command that blocked once it is served, with its whole time; Kvik leaves it out.
    if (
      micros >= this.slowlogThreshold &&
      ctx.client.blockedOn === null &&
      !command.flags.has('skip_slowlog')
    ) {
      const client = ctx.client;
      const peer = client.addr === '' ? NO_PEER : client.addr;
      const maxLen = this.config.numberValue('slowlog-max-len');
      this.slowlog.push(command, argv, micros, { peer, name: client.name }, ctx.now, maxLen);
    }
    if (this.monitors.active && !command.flags.has('admin') && !command.flags.has('skip_monitor')) {
      this.monitors.feed(ctx, command, argv);
    }
  }

  /** A latency monitor event other than a command's (expire-cycle ...), lasting `ms`. */
  latencySample(event: string, ms: number, nowMs: number): void {
    if (ms * 1000 >= this.latencyThreshold) this.latencyMonitor.add(event, Math.floor(ms), nowMs);
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
