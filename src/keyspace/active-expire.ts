/**
 * The active expire cycle, shaped like Redis's activeExpireCycle: each run samples keys with a TTL
 * (20 per loop, per database), deletes the expired ones, and keeps looping on a database while more
 * than 10% of a sample was expired, within a CPU budget. Instead of random sampling it walks the
 * expires map with a cursor that survives between runs, so over time every volatile key is checked.
 */
import type { Database, Keyspace } from './keyspace.js';

const KEYS_PER_LOOP = 20;
const ACCEPTABLE_STALE_PERCENT = 10;

export class ActiveExpire {
  /** The database the next run starts with (runs spread over databases round-robin). */
  private nextDb = 0;

  constructor(private readonly keyspace: Keyspace) {}

  /** Runs one cycle for at most `budgetMs` of CPU time. */
  run(budgetMs: number): void {
    const keyspace = this.keyspace;
    const started = performance.now();
    const deadline = started + budgetMs;
    keyspace.updateTime();
    let sampledTotal = 0;
    let expiredTotal = 0;
    let timedOut = false;
    const dbs = keyspace.dbs;
    for (let n = 0; n < dbs.length && !timedOut; n++) {
      const db = dbs[this.nextDb];
      this.nextDb = (this.nextDb + 1) % dbs.length;
      for (;;) {
        if (db.expires.size === 0) {
          db.avgTtl = 0;
          break;
        }
        const { sampled, expired } = this.sample(db, Math.min(KEYS_PER_LOOP, db.expires.size));
        sampledTotal += sampled;
        expiredTotal += expired;
        if (performance.now() > deadline) {
          timedOut = true;
          keyspace.stats.expiredTimeCapReachedCount++;
          break;
        }
        if (sampled === 0 || (expired * 100) / sampled <= ACCEPTABLE_STALE_PERCENT) break;
      }
    }
    const stats = keyspace.stats;
    stats.expireCycleCpuMilliseconds += performance.now() - started;
    const stalePerc = sampledTotal > 0 ? expiredTotal / sampledTotal : 0;
    stats.expiredStalePerc = stalePerc * 0.05 + stats.expiredStalePerc * 0.95;
  }

  private sample(db: Database, count: number): { sampled: number; expired: number } {
    const keyspace = this.keyspace;
    let sampled = 0;
    let expired = 0;
    let ttlSum = 0;
    let ttlSamples = 0;
    for (let restarted = false; sampled < count;) {
      db.expireCursor ??= db.expires.entries();
      const next = db.expireCursor.next();
      if (next.done) {
        db.expireCursor = null;
        if (restarted) break;
        restarted = true;
        continue;
      }
      const [key, when] = next.value;
      sampled++;
      if (when <= keyspace.now) {
        if (keyspace.expireDeletes) keyspace.deleteExpired(db, key);
        expired++;
      } else {
        ttlSum += when - keyspace.now;
        ttlSamples++;
      }
    }
    if (ttlSamples > 0) {
      const avg = ttlSum / ttlSamples;
      // Redis smooths the estimate: the new sample weighs 2%.
      db.avgTtl = db.avgTtl === 0 ? avg : (db.avgTtl / 50) * 49 + avg / 50;
    }
    return { sampled, expired };
  }
}
