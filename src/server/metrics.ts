/**
 * The figures INFO derives from samples taken by the cron, as Redis's serverCron does:
 * instantaneous rates (ops/sec, network kbps) averaged over the last 16 samples taken every 100 ms,
 * and the memory peak.
 */

const SAMPLES = 16;
const SAMPLE_PERIOD_MS = 100;

/** Redis's trackInstantaneousMetric / getInstantaneousMetric for one counter. */
class InstantaneousRate {
  private readonly samples = new Float64Array(SAMPLES);
  private index = 0;
  private lastTime = 0;
  private lastCount = 0;

  sample(now: number, count: number): void {
    const elapsed = now - this.lastTime;
    const delta = count - this.lastCount;
    this.samples[this.index] = elapsed > 0 ? Math.floor((delta * 1000) / elapsed) : 0;
    this.index = (this.index + 1) % SAMPLES;
    this.lastTime = now;
    this.lastCount = count;
  }

  /** Per second, averaged over the samples. */
  get value(): number {
    let sum = 0;
    for (const s of this.samples) sum += s;
    return Math.floor(sum / SAMPLES);
  }

  reset(): void {
    this.samples.fill(0);
    this.index = 0;
  }
}

/** What the sampler reads each time (the server's counters). */
export interface MetricCounters {
  commands: number;
  netInputBytes: number;
  netOutputBytes: number;
  /** used_memory now (MemoryAccounting), for the peak. */
  usedMemory: number;
}

/**
 * The process's memory as V8 and the kernel see it, for INFO's allocator and RSS fields (the
 * whole process's, shared by the servers it hosts). used_memory itself is each server's own
 * estimate (keyspace/memory-accounting.ts).
 */
export function processMemory(): {
  heapUsed: number;
  rss: number;
  heapTotal: number;
  external: number;
} {
  const usage = process.memoryUsage();
  return {
    heapUsed: usage.heapUsed + usage.external,
    rss: usage.rss,
    heapTotal: usage.heapTotal,
    external: usage.external,
  };
}

export class ServerMetrics {
  readonly opsPerSec = new InstantaneousRate();
  readonly inputBytesPerSec = new InstantaneousRate();
  readonly outputBytesPerSec = new InstantaneousRate();
  /** The highest used_memory seen (used_memory_peak). */
  peakMemory = 0;
  private lastSample = 0;

  /** Called from the cron: takes a sample when 100 ms have passed since the last one. */
  sample(counters: MetricCounters, now = Date.now()): void {
    if (now - this.lastSample < SAMPLE_PERIOD_MS) return;
    this.lastSample = now;
    this.opsPerSec.sample(now, counters.commands);
    this.inputBytesPerSec.sample(now, counters.netInputBytes);
    this.outputBytesPerSec.sample(now, counters.netOutputBytes);
    this.notePeak(counters.usedMemory);
  }

  notePeak(used: number): void {
    if (used > this.peakMemory) this.peakMemory = used;
  }

  /** CONFIG RESETSTAT. */
  reset(): void {
    this.opsPerSec.reset();
    this.inputBytesPerSec.reset();
    this.outputBytesPerSec.reset();
    this.peakMemory = 0;
  }
}
