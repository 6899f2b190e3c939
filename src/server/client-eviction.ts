/**
 * maxmemory-clients: when the clients together use more memory than the limit, the largest are
 * disconnected until they fit, as Redis's evictClients does. A client is its fixed cost plus its
 * query and output buffers (keyspace/memory-accounting.ts); CLIENT NO-EVICT clients count but are
 * never disconnected. Kvik checks from the cron (10 times a second by default) rather than before
 * every command, so the hot path pays nothing for it.
 */
import { CLIENT_BYTES } from '../keyspace/memory-accounting.js';
import type { Connection } from './connection.js';

/** Redis's floor under the limit, so a bad setting cannot cut every client off. */
const MIN_LIMIT = 128 * 1024;

/**
 * The limit in bytes (Redis's getClientEvictionLimit): maxmemory-clients itself, or when it is a
 * percentage (stored negative) that share of maxmemory; 0 when off.
 */
export function clientEvictionLimit(maxmemoryClients: bigint, maxmemory: bigint): number {
  let limit: number;
  if (maxmemoryClients < 0n && maxmemory > 0n) {
    limit = (Number(maxmemory) * Number(-maxmemoryClients)) / 100;
  } else if (maxmemoryClients > 0n) {
    limit = Number(maxmemoryClients);
  } else {
    return 0;
  }
  return Math.max(limit, MIN_LIMIT);
}

export class ClientEviction {
  /** INFO's evicted_clients. */
  evicted = 0;

  /** Disconnects the largest evictable clients while all clients use more than `limit`. */
  run(limit: number, connections: Iterable<Connection>): void {
    if (limit === 0) return;
    let total = 0;
    const evictable: { bytes: number; connection: Connection }[] = [];
    for (const connection of connections) {
      const bytes = CLIENT_BYTES + connection.queryBufferBytes + connection.outputBytes;
      total += bytes;
      if (!connection.state.noEvict) evictable.push({ bytes, connection });
    }
    if (total <= limit) return;
    evictable.sort((a, b) => b.bytes - a.bytes);
    for (const { bytes, connection } of evictable) {
      if (total <= limit) return;
      connection.close(false);
      total -= bytes;
      this.evicted++;
    }
  }
}
