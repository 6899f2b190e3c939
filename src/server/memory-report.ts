/**
 * The parts of used_memory and the process's memory, gathered for MEMORY STATS and MEMORY DOCTOR
 * (Redis's getMemoryOverheadData). Figures a Kvik server does not have (replication backlog,
 * replica buffers, AOF buffer, cluster links) are 0, as on a Redis without them.
 */
import { EXPIRE_ENTRY_BYTES, KEY_ENTRY_BYTES } from '../keyspace/memory-estimate.js';
import {
  CLIENT_BYTES,
  STARTUP_BYTES,
  type DatabaseOverhead,
  type MemoryOverview,
} from '../keyspace/memory-accounting.js';
import { processMemory } from './metrics.js';
import type { KvikServer } from './server.js';

export function memoryOverview(server: KvikServer): MemoryOverview {
  const total = server.memory.used();
  server.metrics.notePeak(total);
  let clientsNormal = 0;
  let clients = 0;
  for (const client of server.clients()) {
    clientsNormal += CLIENT_BYTES + client.queryBufferBytes + client.outputBytes;
    clients++;
  }
  const scripting = server.scripting.info();
  const databases: DatabaseOverhead[] = [];
  let keys = 0;
  let overheadTotal =
    STARTUP_BYTES + clientsNormal + scripting.scriptBytes + scripting.libraryBytes;
  for (const db of server.keyspace.dbs) {
    if (db.size === 0) continue;
    const entry = {
      id: db.id,
      main: db.size * KEY_ENTRY_BYTES,
      expires: db.expires.size * EXPIRE_ENTRY_BYTES,
    };
    databases.push(entry);
    keys += db.size;
    overheadTotal += entry.main + entry.expires;
  }
  const process = processMemory();
  return {
    peak: server.metrics.peakMemory,
    total,
    startup: STARTUP_BYTES,
    clientsNormal,
    clients,
    luaCaches: scripting.scriptBytes,
    functionsCaches: scripting.libraryBytes,
    cachedScripts: scripting.cachedScripts,
    databases,
    overheadTotal: Math.min(overheadTotal, total),
    keys,
    dataset: Math.max(0, total - overheadTotal),
    heapUsed: process.heapUsed,
    heapActive: process.heapTotal + process.external,
    rss: process.rss,
  };
}
