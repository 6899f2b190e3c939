/**
 * WATCH (the second half of Redis's multi.c): for each database, who watches each key. Any change
 * of a watched key, through the keyspace's single exit for writes, expiry and flushes included,
 * marks its watchers dirty so that their EXEC fails; a dirty client's watches are dropped at once,
 * since nothing can make its EXEC succeed again.
 *
 * Redis 7.0 also remembers whether a key was already expired (but not yet deleted) when watched:
 * deleting it then is no change, while a key alive when watched that expires makes EXEC fail.
 */
import { WatchedKey, type ClientState } from '../dispatch/client-state.js';
import type { WatchService } from '../dispatch/services.js';
import type { Database, Keyspace } from '../keyspace/keyspace.js';

export class WatchedKeys implements WatchService {
  /** Watchers by database id, then by key. */
  private readonly byDb = new Map<number, Map<string, Set<WatchedKey>>>();

  constructor(private readonly keyspace: Keyspace) {}

  watch(client: ClientState, dbId: number, key: string): void {
    const id = `${dbId}\0${key}`;
    if (client.watched.has(id)) return;
    const watched = new WatchedKey(client, dbId, key, this.isExpired(dbId, key));
    client.watched.set(id, watched);
    let byKey = this.byDb.get(dbId);
    if (byKey === undefined) this.byDb.set(dbId, (byKey = new Map()));
    let watchers = byKey.get(key);
    if (watchers === undefined) byKey.set(key, (watchers = new Set()));
    watchers.add(watched);
  }

  unwatchAll(client: ClientState): void {
    if (client.watched.size === 0) return;
    for (const watched of client.watched.values()) {
      const byKey = this.byDb.get(watched.dbId)!;
      const watchers = byKey.get(watched.key)!;
      watchers.delete(watched);
      if (watchers.size > 0) continue;
      byKey.delete(watched.key);
      if (byKey.size === 0) this.byDb.delete(watched.dbId);
    }
    client.watched.clear();
  }

  watchedKeyExpired(client: ClientState): boolean {
    for (const watched of client.watched.values()) {
      if (!watched.expired && this.isExpired(watched.dbId, watched.key)) return true;
    }
    return false;
  }

  /** A key changed (Redis's touchWatchedKey): the EXEC of everyone watching it will fail. */
  touch(db: Database, key: string): void {
    if (this.byDb.size === 0) return;
    const watchers = this.byDb.get(db.id)?.get(key);
    if (watchers === undefined) return;
    for (const watched of [...watchers]) {
      // Deleting a key that was already expired when watched changes nothing.
      if (watched.expired && !db.dict.has(key)) {
        watched.expired = false;
        continue;
      }
      this.makeDirty(watched.client);
    }
  }

  /**
   * FLUSHDB / FLUSHALL (replacedWith null) or SWAPDB (Redis's touchAllWatchedKeysInDb): every
   * watched key that exists in the database, or in the one about to take its place, changes.
   */
  databaseReplaced(emptied: Database, replacedWith: Database | null): void {
    const byKey = this.byDb.get(emptied.id);
    if (byKey === undefined) return;
    const dirty: ClientState[] = [];
    for (const [key, watchers] of byKey) {
      const existsInEmptied = emptied.dict.has(key);
      const existsInReplacement = replacedWith !== null && replacedWith.dict.has(key);
      if (!existsInEmptied && !existsInReplacement) continue;
      const expiredInReplacement = existsInReplacement && this.isExpiredIn(replacedWith, key);
      for (const watched of watchers) {
        if (watched.expired) {
          if (!existsInReplacement) {
            // The expired key is gone: logically nothing changed.
            watched.expired = false;
            continue;
          }
          // Still expired after the swap: no change either.
          if (expiredInReplacement) continue;
        } else if (!existsInEmptied && expiredInReplacement) {
          // A missing key replaced by an expired one still reads as missing.
          watched.expired = true;
          continue;
        }
        dirty.push(watched.client);
      }
    }
    for (const client of dirty) this.makeDirty(client);
  }

  private makeDirty(client: ClientState): void {
    client.watchDirty = true;
    this.unwatchAll(client);
  }

  private isExpired(dbId: number, key: string): boolean {
    return this.isExpiredIn(this.keyspace.dbs[dbId], key);
  }

  /** Expired but not deleted yet: in the dict with a due expiry time. */
  private isExpiredIn(db: Database, key: string): boolean {
    const when = this.keyspace.getExpire(db, key);
    return when !== undefined && when <= this.keyspace.now;
  }
}
