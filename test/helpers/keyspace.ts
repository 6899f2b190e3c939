/** A bare Keyspace for unit tests: a fixed clock, and a listener that ignores every event. */
import { Keyspace, type Clock, type KeyspaceListener } from '../../src/keyspace/keyspace.js';

/** 2023-11-14T22:13:20Z: a fixed "now" for expiries. */
export const fixedClock: Clock = { now: () => 1_700_000_000_000 };

const silentListener: KeyspaceListener = {
  keyModified: () => {},
  keyspaceEvent: () => {},
  propagate: () => {},
  databaseReplaced: () => {},
  flushed: () => {},
};

export function newKeyspace(databases = 16): Keyspace {
  return new Keyspace(databases, fixedClock, silentListener);
}
