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
}

/**
 * Memory as INFO reports it. Node has no allocator statistics like jemalloc's, so used_memory is
 * what V8 reports as in use by JavaScript objects plus memory held outside the heap (Buffers):
 * process.memoryUsage().heapUsed + external. It is the whole process's, so servers sharing a
 * process report the same figure. RSS is the process's resident set.
 */
export function usedMemory(): { used: number; rss: number; heapTotal: number; external: number } {
  const usage = process.memoryUsage();
  return {
    used: usage.heapUsed + usage.external,
    rss: usage.rss,
    heapTotal: usage.heapTotal,
    external: usage.external,
  };
}

export class ServerMetrics {
  readonly opsPerSec = new InstantaneousRate();
  readonly inputBytesPerSec = new InstantaneousRate();
  readonly outputBytesPerSec = new InstantaneousRate();
  /** used_memory when the server was created (used_memory_startup). */
  readonly startupMemory = usedMemory().used;
  peakMemory = this.startupMemory;
  private lastSample = 0;

  /** Called from the cron: takes a sample when 100 ms have passed since the last one. */
  sample(counters: MetricCounters, now = Date.now()): void {
    if (now - this.lastSample < SAMPLE_PERIOD_MS) return;
    this.lastSample = now;
    this.opsPerSec.sample(now, counters.commands);
    this.inputBytesPerSec.sample(now, counters.netInputBytes);
    this.outputBytesPerSec.sample(now, counters.netOutputBytes);
    this.notePeak(usedMemory().used);
  }

  notePeak(used: number): void {
    if (used > this.peakMemory) this.peakMemory = used;
  }

  /** CONFIG RESETSTAT. */
  reset(): void {
    this.opsPerSec.reset();
    this.inputBytesPerSec.reset();
    this.outputBytesPerSec.reset();
    this.peakMemory = usedMemory().used;
  }
}
