/**
 * LFU access data, as Redis keeps it in an object's 24 `lru` bits under an LFU maxmemory-policy
 * (evict.c): the minute of the last decrement in the high 16 bits, and in the low 8 bits a
 * logarithmic access counter that starts at 5, grows more slowly the higher it is (lfu-log-factor)
 * and loses one per lfu-decay-time minutes without access.
 */

/** Redis's LFU_INIT_VAL: a new key is not the first to go. */
const LFU_INIT_VAL = 5;
const MINUTES_MAX = 0xffff;

function minutesNow(nowMs: number): number {
  return Math.floor(nowMs / 60_000) & MINUTES_MAX;
}

/** The access data of a key created now. */
export function lfuNewStamp(nowMs: number): number {
  return (minutesNow(nowMs) << 8) | LFU_INIT_VAL;
}

/** The counter after its decay (Redis's LFUDecrAndReturn): what OBJECT FREQ reports. */
export function lfuCounter(stamp: number, nowMs: number, decayMinutes: number): number {
  const counter = stamp & 0xff;
  if (decayMinutes === 0) return counter;
  const last = stamp >>> 8;
  const now = minutesNow(nowMs);
  const elapsed = now >= last ? now - last : MINUTES_MAX - last + now;
  const periods = Math.floor(elapsed / decayMinutes);
  return periods > counter ? 0 : counter - periods;
}

/** The access data after one access (Redis's updateLFU): decay, then a logarithmic increment. */
export function lfuAccessed(
  stamp: number,
  nowMs: number,
  logFactor: number,
  decayMinutes: number,
  random: () => number,
): number {
  let counter = lfuCounter(stamp, nowMs, decayMinutes);
  if (counter < 255) {
    const base = Math.max(0, counter - LFU_INIT_VAL);
    if (random() < 1 / (base * logFactor + 1)) counter++;
  }
  return (minutesNow(nowMs) << 8) | counter;
}
