/**
 * client-output-buffer-limit (Redis's checkClientOutputBufferLimits): a client whose pending
 * output reaches its class's hard limit, or stays at or over the soft limit for longer than the
 * soft seconds, is disconnected. A subscriber that stops reading is dropped this way instead of
 * making the server hold every message for it.
 */
import type { Clock } from '../keyspace/keyspace.js';
import type { Config } from './config.js';
import type { OutputBufferClass, OutputBufferLimits } from './config-special.js';

/** What the check needs of a client: its class and when it first went over its soft limit. */
export interface LimitedClient {
  readonly outputBufferClass: OutputBufferClass;
  /** Unix seconds when the soft limit was first reached, 0 while under it. */
  softLimitSince: number;
}

export class OutputBufferLimiter {
  /** The limits as numbers, per class, re-read when the parameter changes. */
  private limits = new Map<OutputBufferClass, { hard: number; soft: number; seconds: number }>();

  constructor(private readonly config: Config) {
    this.configChanged();
  }

  configChanged(): void {
    const limits = this.config.value<OutputBufferLimits>('client-output-buffer-limit');
    for (const [name, limit] of Object.entries(limits)) {
      this.limits.set(name as OutputBufferClass, {
        hard: Number(limit.hard),
        soft: Number(limit.soft),
        seconds: limit.seconds,
      });
    }
  }

  /** Whether a client with `used` bytes of pending output must be disconnected now. */
  reached(client: LimitedClient, used: number, clock: Clock): boolean {
    const limit = this.limits.get(client.outputBufferClass)!;
    if (limit.hard > 0 && used >= limit.hard) return true;
    if (limit.soft === 0 || used < limit.soft) {
      client.softLimitSince = 0;
      return false;
    }
    // The clock is read only here: below its limits a client costs no clock reading.
    const now = Math.floor(clock.now() / 1000);
    if (client.softLimitSince === 0) {
      client.softLimitSince = now;
      return false;
    }
    return now - client.softLimitSince > limit.seconds;
  }
}
