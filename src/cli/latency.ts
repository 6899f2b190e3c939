/**
 * --latency, --latency-history and --latency-dist: PING round trips sampled every 10 ms and
 * shown as redis-cli shows them; --intrinsic-latency: how long this process itself stalls.
 */
import { sleep } from './io.js';
import { fixed } from './numbers.js';
import type { Session } from './session.js';

const SAMPLE_EVERY_MS = 10;
const HISTORY_DEFAULT_MS = 15_000;
const DIST_DEFAULT_MS = 1000;

const micros = (): number => Number(process.hrtime.bigint() / 1000n);

/**
 * On a terminal the line of figures is redrawn after every sample. Otherwise --latency prints
 * one line after the interval (1 s by default) and exits, --latency-history a line per sample.
 */
export async function latencyMode(session: Session): Promise<number> {
  const { io, options } = session;
  const history = options.mode === 'latency-history';
  const intervalMs = options.intervalMicros > 0 ? Math.trunc(options.intervalMicros / 1000) : 0;
  const historyMs = intervalMs || HISTORY_DEFAULT_MS;
  const reportAfterMs = intervalMs || 1000;
  let min = 0;
  let max = 0;
  let total = 0;
  let count = 0;
  let historyStart = Date.now();
  for (;;) {
    const start = Date.now();
    await session.reconnectingCommand('PING');
    const latency = Date.now() - start;
    count++;
    if (count === 1) {
      min = max = total = latency;
    } else {
      min = Math.min(min, latency);
      max = Math.max(max, latency);
      total += latency;
    }
    const avg = fixed(total / count, 2);
    if (options.output === 'standard') {
      io.out(`\x1b[0G\x1b[2Kmin: ${min}, max: ${max}, avg: ${avg} (${count} samples)`);
    } else {
      const separator = options.output === 'csv' ? ',' : ' ';
      const line = [min, max, avg, count].join(separator) + '\n';
      if (history) {
        io.out(line);
      } else if (Date.now() - historyStart > reportAfterMs) {
        io.out(line);
        return 0;
      }
    }
    if (history && Date.now() - historyStart > historyMs) {
      io.out(` -- ${fixed(Math.fround((Date.now() - historyStart) / 1000), 2)} seconds range\n`);
      historyStart = Date.now();
      min = max = total = count = 0;
    }
    await sleep(SAMPLE_EVERY_MS);
  }
}

/** Latency buckets of --latency-dist: upper bound in microseconds and the character shown. */
const BUCKETS: [number, string][] = [
  [10, '.'],
  [125, '-'],
  [250, '*'],
  [500, '#'],
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((ms): [number, string] => [ms * 1000, String(ms)]),
  ...[10, 20, 30, 40, 50].map((ms, i): [number, string] => [ms * 1000, 'ABCDE'[i]]),
  ...[100, 200, 300, 400, 500].map((ms, i): [number, string] => [ms * 1000, 'FGHIJ'[i]]),
  ...[1, 2, 4, 8, 16, 30, 60].map((s, i): [number, string] => [s * 1_000_000, 'KLMNOPQ'[i]]),
  [Infinity, '?'],
];

const PALETTE_COLOR = [
  0, 233, 234, 235, 237, 239, 241, 243, 245, 247, 144, 143, 142, 184, 226, 214, 208, 202, 196,
];
const PALETTE_MONO = [0, 233, 234, 235, 237, 239, 241, 243, 245, 247, 249, 251, 253];

/** A spectrum line per interval: each bucket shaded by its share of the samples. */
export async function latencyDistMode(session: Session): Promise<number> {
  const { io, options } = session;
  const palette = options.monoPalette ? PALETTE_MONO : PALETTE_COLOR;
  const intervalMs = options.intervalMicros > 0 ? options.intervalMicros / 1000 : DIST_DEFAULT_MS;
  const counts = BUCKETS.map(() => 0);
  let samples = 0;
  let outputs = 0;
  let intervalStart = micros();
  for (;;) {
    const start = micros();
    await session.reconnectingCommand('PING');
    const latency = micros() - start;
    samples++;
    counts[BUCKETS.findIndex(([bound]) => latency <= bound)]++;
    if ((micros() - intervalStart) / 1000 > intervalMs) {
      if (outputs++ % 20 === 0) io.out(distLegend(palette));
      let line = '\x1b[38;5;0m';
      BUCKETS.forEach(([, character], j) => {
        const color = palette[Math.ceil((counts[j] / samples) * (palette.length - 1))];
        line += `\x1b[48;5;${color}m${character}`;
        counts[j] = 0;
      });
      io.out(line + '\x1b[0m\n');
      intervalStart = micros();
      samples = 0;
    }
    await sleep(SAMPLE_EVERY_MS);
  }
}

function distLegend(palette: number[]): string {
  return (
    '---------------------------------------------\n' +
    '. - * #          .01 .125 .25 .5 milliseconds\n' +
    '1,2,3,...,9      from 1 to 9     milliseconds\n' +
    'A,B,C,D,E        10,20,30,40,50  milliseconds\n' +
    'F,G,H,I,J        .1,.2,.3,.4,.5       seconds\n' +
    'K,L,M,N,O,P,Q,?  1,2,4,8,16,30,60,>60 seconds\n' +
    'From 0 to 100%: ' +
    palette.map((color) => `\x1b[48;5;${color}m `).join('') +
    '\x1b[0m\n' +
    '---------------------------------------------\n'
  );
}

/**
 * --intrinsic-latency <seconds>: runs a small computation in a loop and reports the longest
 * stall between runs (time the process was not scheduled); needs no server.
 */
export async function intrinsicLatencyMode(session: Session): Promise<number> {
  const { io, options } = session;
  const runTime = options.intrinsicLatencySeconds * 1_000_000;
  const end = micros() + runTime;
  let maxLatency = 0;
  let runs = 0;
  for (;;) {
    const start = micros();
    computeSomethingFast();
    const now = micros();
    const latency = now - start;
    runs++;
    if (latency <= 0) continue;
    if (latency > maxLatency) {
      maxLatency = latency;
      io.out(`Max latency so far: ${maxLatency} microseconds.\n`);
    }
    if (now > end) {
      const avgMicros = runTime / runs;
      io.out(
        `\n${runs} total runs (avg latency: ${fixed(avgMicros, 4)} microseconds / ${fixed(avgMicros * 1000, 2)} nanoseconds per run).\n`,
      );
      io.out(
        `Worst run took ${fixed(maxLatency / avgMicros, 0)}x longer than the average latency.\n`,
      );
      return 0;
    }
  }
}

/** A few microseconds of work that cannot be optimized away (an RC4-like shuffle). */
function computeSomethingFast(): number {
  const s = new Uint8Array(256).map((_, k) => k);
  let i = 0;
  let j = 0;
  let output = 0;
  for (let count = 0; count < 1000; count++) {
    i = (i + 1) & 255;
    j = (j + s[i]) & 255;
    [s[i], s[j]] = [s[j], s[i]];
    output += s[(s[i] + s[j]) & 255];
  }
  return output;
}
