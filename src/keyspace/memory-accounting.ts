/**
 * used_memory as Kvik reports it (INFO, MEMORY STATS) and enforces it (maxmemory): a sum of
 * estimates kept up to date as things change, so reading it costs a few additions.
 *
 *   used = startup + overhead + dataset
 *
 * - startup: what one more server costs in a warmed-up process (its command table, config,
 *   empty databases ...), measured with global.gc: the same for every server, as Redis's
 *   used_memory_startup is a fixed figure of its binary.
 * - overhead: clients (a fixed cost per connection, counted live, plus its query and output
 *   buffers) and scripts; buffers and scripts are summed by the server's cron (10 times a second
 *   by default) rather than on every command, so a flood of large pipelines may pass the limit
 *   by what arrived in between.
 * - dataset: each key's estimated bytes (memory-estimate.ts), summed by the keyspace as keys are
 *   written.
 *
 * Not the process heap: servers sharing a process each count their own, and garbage V8 has not
 * collected yet does not count, so evicting a key lowers used_memory at once, as in Redis.
 */
import type { Keyspace } from './keyspace.js';

/** A started server with no data and no clients (measured: about 680 KB). */
export const STARTUP_BYTES = 680 * 1024;
/** A connection without its buffers: its socket, parser, reply writer and client state. */
export const CLIENT_BYTES = 4 * 1024;

/** The parts of used_memory and the process's memory (MEMORY STATS, MEMORY DOCTOR). */
export interface DatabaseOverhead {
  id: number;
  /** The dictionary's share of each key (Redis's overhead.hashtable.main). */
  main: number;
  expires: number;
}

export interface MemoryOverview {
  peak: number;
  total: number;
  startup: number;
  clientsNormal: number;
  clients: number;
  luaCaches: number;
  functionsCaches: number;
  cachedScripts: number;
  databases: DatabaseOverhead[];
  overheadTotal: number;
  keys: number;
  dataset: number;
  /** The whole process's, as V8 and the kernel report it. */
  heapUsed: number;
  heapActive: number;
  rss: number;
}

export class MemoryAccounting {
  /** Client buffers and scripts, as the cron last summed them. */
  overheadBytes = 0;

  constructor(
    private readonly keyspace: Keyspace,
    private readonly connections: () => number,
  ) {}

  /** used_memory. */
  used(): number {
    const clients = this.connections() * CLIENT_BYTES;
    return STARTUP_BYTES + clients + this.overheadBytes + this.keyspace.datasetBytes();
  }

  /** used_memory_dataset: the keys, values and expiries. */
  dataset(): number {
    return this.keyspace.datasetBytes();
  }
}
