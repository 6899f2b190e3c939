/**
 * The texts LATENCY GRAPH and LATENCY DOCTOR reply with, as Redis's latency.c and sparkline.c
 * write them: an ASCII sparkline of an event's samples, and a report with advice.
 */
import type { LatencyMonitor, LatencySeries } from '../server/latency-monitor.js';

const GRAPH_COLUMNS = 80;
const GRAPH_ROWS = 4;
const FILL_CHARS = '_o#';

/** LATENCY GRAPH: a header, a rule, then the sparkline with "how long ago" labels below. */
export function latencyGraph(event: string, series: LatencySeries, nowSeconds: number): string {
  const samples = series.history();
  const values = samples.map((s) => s.latency);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const labels = samples.map((s) => ago(nowSeconds - s.time));
  let graph = `${event} - high ${max} ms, low ${min} ms (all time high ${series.max} ms)\n`;
  graph += '-'.repeat(GRAPH_COLUMNS) + '\n';
  for (let offset = 0; offset < values.length; offset += GRAPH_COLUMNS) {
    if (offset !== 0) graph += '\n';
    const end = Math.min(values.length, offset + GRAPH_COLUMNS);
    graph += sparkline(values.slice(offset, end), labels.slice(offset, end), min, max);
  }
  return graph;
}

/** The label of a sample: seconds, minutes, hours or days ago. */
function ago(elapsed: number): string {
  if (elapsed < 60) return `${elapsed}s`;
  if (elapsed < 3600) return `${Math.floor(elapsed / 60)}m`;
  if (elapsed < 86400) return `${Math.floor(elapsed / 3600)}h`;
  return `${Math.floor(elapsed / 86400)}d`;
}

/** sparklineRenderRange with SPARKLINE_FILL: rows of bars, a blank row, then vertical labels. */
function sparkline(values: number[], labels: string[], min: number, max: number): string {
  const steps = FILL_CHARS.length * GRAPH_ROWS;
  const range = max - min;
  const stepOf = values.map((value) => {
    // C: (int)(relval * steps) / relmax, truncated; a zero range makes every step 0.
    const step = range === 0 ? 0 : Math.trunc(Math.trunc((value - min) * steps) / range);
    return Math.min(Math.max(step, 0), steps - 1);
  });
  let out = '';
  for (let row = 0; row < GRAPH_ROWS; row++) {
    let line = '';
    for (const step of stepOf) {
      const index = step - (GRAPH_ROWS - row - 1) * FILL_CHARS.length;
      if (index >= 0 && index < FILL_CHARS.length) line += FILL_CHARS[index];
      else if (index >= FILL_CHARS.length) line += '|';
      else line += ' ';
    }
    out += line + '\n';
  }
  out += ' '.repeat(values.length) + '\n';
  const labelRows = Math.max(...labels.map((label) => label.length));
  for (let row = 0; row < labelRows; row++) {
    out += labels.map((label) => label[row] ?? ' ').join('') + '\n';
  }
  return out;
}

/** The settings LATENCY DOCTOR's advice depends on. */
export interface DoctorSettings {
  threshold: number;
  slowlogSlowerThan: number;
  hz: number;
}

/** LATENCY DOCTOR (createLatencyReport), for the events Kvik records. */
export function latencyDoctor(
  monitor: LatencyMonitor,
  settings: DoctorSettings,
  nowSeconds: number,
): string {
  const events = [...monitor.entries()];
  if (events.length === 0 && settings.threshold === 0) return DISABLED;
  if (events.length === 0) return NO_SPIKES;
  const advice = new Set<string>();
  let report = '';
  events.forEach(([event, series], i) => {
    if (i === 0) report += INTRO;
    const stats = analyze(series, nowSeconds);
    report +=
      `${i + 1}. ${event}: ${stats.samples} latency spikes (average ${stats.avg}ms, mean deviation` +
      ` ${stats.mad}ms, period ${(stats.period / stats.samples).toFixed(2)} sec).` +
      ` Worst all time event ${series.max}ms.\n`;
    if (event === 'command') {
      if (settings.slowlogSlowerThan < 0) advice.add('slowlog-enabled');
      else if (Math.trunc(settings.slowlogSlowerThan / 1000) > settings.threshold) {
        advice.add('slowlog-tuning');
      }
      advice.add('slowlog-inspect');
      advice.add('large-objects');
    } else if (event === 'fast-command') {
      advice.add('scheduler');
    } else if (event === 'expire-cycle') {
      advice.add('hz');
      advice.add('large-objects');
    }
  });
  if (advice.size === 0) return report + NO_ADVICE;
  report += '\nI have a few advices for you:\n\n';
  const suggested = settings.threshold * 1000;
  if (advice.has('slowlog-enabled')) report += slowlogEnable(suggested);
  if (advice.has('slowlog-tuning')) report += slowlogTuning(suggested);
  if (advice.has('slowlog-inspect')) report += SLOWLOG_INSPECT;
  if (advice.has('scheduler')) report += SCHEDULER;
  if (advice.has('hz') && settings.hz < 100) report += HZ;
  if (advice.has('large-objects')) report += LARGE_OBJECTS;
  return report;
}

/** analyzeLatencyForEvent: samples, average, mean absolute deviation, seconds covered. */
function analyze(series: LatencySeries, nowSeconds: number) {
  const history = series.history();
  const samples = history.length;
  const avg = Math.floor(history.reduce((sum, s) => sum + s.latency, 0) / samples);
  const oldest = Math.min(...history.map((s) => s.time));
  const mad = Math.floor(history.reduce((sum, s) => sum + Math.abs(avg - s.latency), 0) / samples);
  return { samples, avg, mad, period: nowSeconds - oldest || 1 };
}

const DISABLED =
  "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n";
const NO_SPIKES =
  'Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sleep tonight.\n';
const INTRO =
  "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n";
const NO_ADVICE =
  "\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your request.\n";
const slowlogEnable = (micros: number): string =>
  `- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than ${micros}'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n`;
const slowlogTuning = (micros: number): string =>
  `- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ${micros}'.\n`;
const SLOWLOG_INSPECT =
  '- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n';
const SCHEDULER =
  '- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n' +
  '  1) Lower the system load.\n' +
  '  2) Use a computer / VM just for Redis if you are running other software in the same system.\n' +
  '  3) Check if you have a "noisy neighbour" problem.\n' +
  "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n" +
  '  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n';
const HZ =
  "- In order to make the Redis keys expiring process more incremental, try to set the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n";
const LARGE_OBJECTS =
  '- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n';
