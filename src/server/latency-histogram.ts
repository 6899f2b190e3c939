/**
 * Per-command latency histograms for INFO latencystats, shaped like the HdrHistogram Redis uses
 * (values 1 ns .. 1 s, two significant digits): 256 sub-buckets per power of two, so a percentile
 * reads back as the highest value of its bucket, as hdr_value_at_percentile returns it.
 */
import type { Command } from '../dispatch/table.js';

const MIN_VALUE = 1;
const MAX_VALUE = 1_000_000_000;
/** Two significant digits: 2 * 10^2 values with unit resolution, rounded up to a power of two. */
const SUB_BUCKET_COUNT = 256;
const SUB_BUCKET_HALF_COUNT = 128;
const SUB_BUCKET_HALF_COUNT_MAGNITUDE = 7;
const SUB_BUCKET_MASK = SUB_BUCKET_COUNT - 1;
/** Buckets needed so that 256 << (buckets - 1) exceeds MAX_VALUE. */
const BUCKET_COUNT = 23;
const COUNTS_LENGTH = (BUCKET_COUNT + 1) * SUB_BUCKET_HALF_COUNT;

export class LatencyHistogram {
  private readonly counts = new Float64Array(COUNTS_LENGTH);
  private total = 0;

  /** Records one duration in nanoseconds (clamped into 1 ns .. 1 s, as Redis does). */
  record(nanoseconds: number): void {
    const value = Math.min(MAX_VALUE, Math.max(MIN_VALUE, Math.round(nanoseconds)));
    this.counts[countsIndex(value)]++;
    this.total++;
  }

  get count(): number {
    return this.total;
  }

  /** hdr_value_at_percentile: the highest value equivalent to the percentile's bucket, in ns. */
  valueAtPercentile(percentile: number): number {
    const wanted = Math.max(1, Math.floor((Math.min(percentile, 100) / 100) * this.total + 0.5));
    let seen = 0;
    for (let i = 0; i < COUNTS_LENGTH; i++) {
      seen += this.counts[i];
      if (seen >= wanted) return highestEquivalentValue(valueFromIndex(i));
    }
    return 0;
  }

  /**
   * LATENCY HISTOGRAM's buckets, as Redis reads them with hdr_iter_log_init(1024, 2): at each
   * power of two from 1024 ns, [the highest value of the bucket reached, in µs, the count up to
   * it], only where the cumulative count grew.
   */
  logBuckets(): [micros: number, cumulative: number][] {
    const buckets: [number, number][] = [];
    let level = 1024;
    let levelLowest = lowestEquivalentValue(level);
    let index = -1;
    let value = 0;
    let cumulative = 0;
    let reported = 0;
    while (cumulative < this.total || valueFromIndex(index + 1) > levelLowest) {
      while (index < 0 || value < levelLowest) {
        if (index + 1 >= COUNTS_LENGTH) return buckets;
        index++;
        value = valueFromIndex(index);
        cumulative += this.counts[index];
      }
      if (cumulative > reported) {
        buckets.push([Math.floor(highestEquivalentValue(value) / 1000), cumulative]);
      }
      reported = cumulative;
      level *= 2;
      levelLowest = lowestEquivalentValue(level);
    }
    return buckets;
  }
}

function bucketIndex(value: number): number {
  const pow2ceiling = 32 - Math.clz32(value | SUB_BUCKET_MASK);
  return pow2ceiling - (SUB_BUCKET_HALF_COUNT_MAGNITUDE + 1);
}

function countsIndex(value: number): number {
  const bucket = bucketIndex(value);
  const subBucket = value >>> bucket;
  return ((bucket + 1) << SUB_BUCKET_HALF_COUNT_MAGNITUDE) + (subBucket - SUB_BUCKET_HALF_COUNT);
}

function valueFromIndex(index: number): number {
  let bucket = (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) - 1;
  let subBucket = (index & (SUB_BUCKET_HALF_COUNT - 1)) + SUB_BUCKET_HALF_COUNT;
  if (bucket < 0) {
    subBucket -= SUB_BUCKET_HALF_COUNT;
    bucket = 0;
  }
  return subBucket * 2 ** bucket;
}

function lowestEquivalentValue(value: number): number {
  const bucket = bucketIndex(value);
  return Math.floor(value / 2 ** bucket) * 2 ** bucket;
}

function highestEquivalentValue(value: number): number {
  const bucket = bucketIndex(value);
  const subBucket = value >>> bucket;
  const lowest = subBucket * 2 ** bucket;
  const range = 2 ** (subBucket >= SUB_BUCKET_COUNT ? bucket + 1 : bucket);
  return lowest + range - 1;
}

/** The latency histograms of a server's commands (INFO latencystats), one per command run. */
export class CommandLatencies {
  private readonly histograms = new Map<Command, LatencyHistogram>();

  /** Records a call that took `micros` microseconds. */
  record(command: Command, micros: number): void {
    let histogram = this.histograms.get(command);
    if (histogram === undefined) {
      histogram = new LatencyHistogram();
      this.histograms.set(command, histogram);
    }
    histogram.record(micros * 1000);
  }

  histogram(command: Command): LatencyHistogram | undefined {
    return this.histograms.get(command);
  }

  /** CONFIG RESETSTAT. */
  reset(): void {
    this.histograms.clear();
  }
}
