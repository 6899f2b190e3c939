/**
 * The latency monitor (Redis's latency.c): events ("command", "fast-command", "expire-cycle" ...)
 * that took at least latency-monitor-threshold milliseconds, kept per event as a time series of
 * the last 160 seconds that had a spike (the worst spike of each second), with the all-time worst.
 */

/** Redis's LATENCY_TS_LEN: samples kept per event. */
const SERIES_LENGTH = 160;

export interface LatencySample {
  /** Unix time in seconds. */
  readonly time: number;
  /** Milliseconds. */
  readonly latency: number;
}

export class LatencySeries {
  private readonly samples: (LatencySample | null)[] = new Array(SERIES_LENGTH).fill(null);
  private next = 0;
  /** The worst latency ever seen for this event. */
  max = 0;

  add(time: number, latency: number): void {
    const previous = this.samples[(this.next + SERIES_LENGTH - 1) % SERIES_LENGTH];
    if (previous !== null && previous.time === time) {
      // One sample per second: the worst spike of that second.
      if (latency > previous.latency) {
        this.samples[(this.next + SERIES_LENGTH - 1) % SERIES_LENGTH] = { time, latency };
      }
    } else {
      this.samples[this.next] = { time, latency };
      this.next = (this.next + 1) % SERIES_LENGTH;
    }
    if (latency > this.max) this.max = latency;
  }

  get latest(): LatencySample {
    return this.samples[(this.next + SERIES_LENGTH - 1) % SERIES_LENGTH]!;
  }

  /** The samples, oldest first. */
  history(): LatencySample[] {
    const history: LatencySample[] = [];
    for (let k = 0; k < SERIES_LENGTH; k++) {
      const sample = this.samples[(this.next + k) % SERIES_LENGTH];
      if (sample !== null) history.push(sample);
    }
    return history;
  }
}

export class LatencyMonitor {
  private readonly events = new Map<string, LatencySeries>();

  /** Records a spike of `ms` milliseconds at `nowMs`. The caller checked the threshold. */
  add(event: string, ms: number, nowMs: number): void {
    let series = this.events.get(event);
    if (series === undefined) {
      series = new LatencySeries();
      this.events.set(event, series);
    }
    series.add(Math.floor(nowMs / 1000), ms);
  }

  series(event: string): LatencySeries | undefined {
    return this.events.get(event);
  }

  entries(): IterableIterator<[string, LatencySeries]> {
    return this.events.entries();
  }

  /** Forgets the named events (all when none are named); returns how many were forgotten. */
  reset(events: readonly string[]): number {
    if (events.length === 0) {
      const count = this.events.size;
      this.events.clear();
      return count;
    }
    let count = 0;
    for (const event of events) if (this.events.delete(event)) count++;
    return count;
  }
}
