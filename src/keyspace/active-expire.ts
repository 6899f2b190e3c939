/**
 * The active expire cycle, shaped like Redis's activeExpireCycle (slow mode, run by the server cron
 * at `hz`): each run samples keys with a TTL (20 per loop, per database), deletes the expired ones,
 * and keeps looping on a database while more than 10% of a sample was expired, within a CPU budget
 * of 25% of the cron period. So memory held by expired keys is reclaimed without any traffic, and
 * at rest at most about 10% of the keys with a TTL are expired but not yet deleted.
 * active-expire-effort (1 to 10) raises the sample size and the budget and lowers the tolerated
 * stale share, with Redis's formulas.
 *
 * Instead of Redis's sampling of hash buckets it walks the expires map with a cursor that survives
 * between runs, so over time every key with a TTL is checked.
 */
import type { Database, Keyspace } from './keyspace.js';

const KEYS_PER_LOOP = 20;
const SLOW_TIME_PERCENT = 25;
const ACCEPTABLE_STALE_PERCENT = 10;

interface Sample {
  sampled: number;
  expired: number;
}

/** The cycle's tunables for an active-expire-effort. */
interface Effort {
  keysPerLoop: number;
  acceptableStalePercent: number;
}

export class ActiveExpire {
  /** The database the next run starts with (runs spread over databases round-robin). */
  private nextDb = 0;

  constructor(private readonly keyspace: Keyspace) {}

  /** Runs one cycle, for the cron running every `periodMs`. */
  run(periodMs: number, activeExpireEffort = 1): void {
    const keyspace = this.keyspace;
    // A replica waits for its primary's DELs, as in Redis.
    if (!keyspace.expireDeletes) return;
    const extra = activeExpireEffort - 1;
    const effort: Effort = {
      keysPerLoop: KEYS_PER_LOOP + (KEYS_PER_LOOP / 4) * extra,
      acceptableStalePercent: ACCEPTABLE_STALE_PERCENT - extra,
    };
    const started = performance.now();
    const deadline = started + (periodMs * (SLOW_TIME_PERCENT + 2 * extra)) / 100;
    keyspace.updateTime();
    const total: Sample = { sampled: 0, expired: 0 };
    let timedOut = false;
    const dbs = keyspace.dbs;
    for (let n = 0; n < dbs.length && !timedOut; n++) {
      const db = dbs[this.nextDb % dbs.length];
      this.nextDb = (this.nextDb + 1) % dbs.length;
      timedOut = this.expireDb(db, deadline, effort, total);
    }
    const stats = keyspace.stats;
    if (timedOut) stats.expiredTimeCapReachedCount++;
    stats.expireCycleCpuMilliseconds += performance.now() - started;
    const stalePerc = total.sampled > 0 ? total.expired / total.sampled : 0;
    stats.expiredStalePerc = stalePerc * 0.05 + stats.expiredStalePerc * 0.95;
  }

  /** Samples one database until few of its samples are expired; true when time ran out. */
  private expireDb(db: Database, deadline: number, effort: Effort, total: Sample): boolean {
    for (;;) {
      if (db.expires.size === 0) {
        db.avgTtl = 0;
        return false;
      }
      const { sampled, expired } = this.sample(db, Math.min(effort.keysPerLoop, db.expires.size));
      total.sampled += sampled;
      total.expired += expired;
      if (performance.now() > deadline) return true;
      if ((expired * 100) / sampled <= effort.acceptableStalePercent) return false;
    }
  }

  /** Checks the next `count` keys of the expires map, from where the last sample stopped. */
  private sample(db: Database, count: number): Sample {
    const keyspace = this.keyspace;
    let sampled = 0;
    let expired = 0;
    let ttlSum = 0;
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
        keyspace.deleteExpired(db, key);
        expired++;
      } else {
        ttlSum += when - keyspace.now;
      }
    }
    const living = sampled - expired;
    if (living > 0) {
      // Redis smooths the estimate (INFO keyspace avg_ttl): the new sample weighs 2%.
      const avg = ttlSum / living;
      db.avgTtl = db.avgTtl === 0 ? avg : (db.avgTtl / 50) * 49 + avg / 50;
    }
    return { sampled, expired };
  }
}
