/**
 * MONITOR: clients that see every command the server runs, one status line per command, in
 * Redis's format (replicationFeedMonitors):
 *   1700000000.123456 [0 127.0.0.1:50000] "set" "k" "v"
 * with "[0 lua]" for commands scripts run and "[0 unix:/path]" for Unix-socket clients. Secrets are
 * redacted as in the slow log; admin commands are never shown.
 */
import { performance } from 'node:perf_hooks';
import type { CommandContext } from '../dispatch/context.js';
import type { Command } from '../dispatch/table.js';
import { quoteRepr } from './config-values.js';
import { redactedArgv } from './redaction.js';

/** A connection in MONITOR mode, as the feed sees it. */
export interface MonitorClient {
  /** Adds a line to the client's output (a status reply) and schedules its flush. */
  sendMonitorLine(line: string): void;
}

export class Monitors {
  private readonly clients = new Set<MonitorClient>();

  constructor(private readonly unixSocket: () => string) {}

  get active(): boolean {
    return this.clients.size > 0;
  }

  add(client: MonitorClient): void {
    this.clients.add(client);
  }

  remove(client: MonitorClient): void {
    this.clients.delete(client);
  }

  has(client: MonitorClient): boolean {
    return this.clients.has(client);
  }

  /** Shows one command to every monitor. */
  feed(ctx: CommandContext, command: Command, argv: readonly string[]): void {
    const client = ctx.client;
    let origin: string;
    if (client.isScript) origin = 'lua';
    else if (client.local) origin = `unix:${this.unixSocket()}`;
    else origin = client.addr;
    let line = `${wallClockMicros()} [${ctx.db.id} ${origin}]`;
    for (const arg of redactedArgv(command, argv)) line += ' ' + quoteRepr(arg);
    for (const monitor of this.clients) monitor.sendMonitorLine(line);
  }
}

/** Seconds.microseconds of the wall clock, as gettimeofday gives them. */
function wallClockMicros(): string {
  const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
}
