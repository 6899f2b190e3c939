/** Every command Kvik implements, by group. The server builds its command table from this list. */
import type { CommandSpec } from '../dispatch/command.js';
import { aclCommands } from './acl.js';
import { moduleCommands } from './module.js';
import { bitmapCommands } from './bitmap.js';
import { clientCommands } from './client.js';
import { commandCommands } from './command.js';
import { configCommands } from './config.js';
import { connectionCommands } from './connection.js';
import { debugCommands } from './debug.js';
import { dumpCommands } from './dump.js';
import { migrateCommands } from './migrate.js';
import { expireCommands } from './expire.js';
import { functionCommands } from './function.js';
import { geoCommands } from './geo.js';
import { hashCommands } from './hash.js';
import { hyperloglogCommands } from './hyperloglog.js';
import { keysCommands } from './keys.js';
import { latencyCommands } from './latency.js';
import { listCommands } from './list.js';
import { monitorCommands } from './monitor.js';
import { objectCommands } from './object.js';
import { persistenceCommands } from './persistence.js';
import { memoryCommands } from './memory.js';
import { pubsubCommands } from './pubsub.js';
import { serverCommands } from './server.js';
import { scriptingCommands } from './scripting.js';
import { setCommands } from './set.js';
import { slowlogCommands } from './slowlog.js';
import { sortCommands } from './sort.js';
import { streamCommands } from './stream.js';
import { stringCommands } from './string.js';
import { transactionCommands } from './transaction.js';
import { zsetCommands } from './zset.js';

export const ALL_COMMANDS: readonly CommandSpec[] = [
  ...connectionCommands,
  ...clientCommands,
  ...aclCommands,
  ...moduleCommands,
  ...serverCommands,
  ...persistenceCommands,
  ...configCommands,
  ...debugCommands,
  ...slowlogCommands,
  ...latencyCommands,
  ...monitorCommands,
  ...commandCommands,
  ...keysCommands,
  ...dumpCommands,
  ...migrateCommands,
  ...expireCommands,
  ...objectCommands,
  ...memoryCommands,
  ...stringCommands,
  ...listCommands,
  ...hashCommands,
  ...setCommands,
  ...zsetCommands,
  ...geoCommands,
  ...sortCommands,
  ...streamCommands,
  ...hyperloglogCommands,
  ...bitmapCommands,
  ...pubsubCommands,
  ...transactionCommands,
  ...scriptingCommands,
  ...functionCommands,
];
