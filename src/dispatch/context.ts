/**
 * The context a handler runs in: the client's state, the reply writer, the selected database and
 * the server's services. One per connection, reused for every command.
 */
import type { ReplyWriter } from '../resp/reply.js';
import type { Database, Keyspace, NotifyClass } from '../keyspace/keyspace.js';
import { isString, type StoredValue } from '../keyspace/values.js';
import type { StringBuffer } from '../datatypes/string-buffer.js';
import type { ClientState } from './client-state.js';
import type { ServerServices } from './services.js';
import type { Command } from './table.js';
import { Err } from './errors.js';

/** Thrown by a handler (or the helpers it calls) to answer with an error and change nothing. */
export class ReplyError extends Error {}

export class CommandContext {
  db: Database;
  /** The command being run. */
  command: Command | null = null;
  /**
   * Set by a handler that wants its write propagated as other arguments (SET EX -> SET PXAT). An
   * empty array propagates nothing: the command propagated its effects itself through
   * server.propagate (Redis's preventCommandPropagation, as XREADGROUP and XCLAIM do).
   */
  propagateAs: string[] | null = null;
  readonly keyspace: Keyspace;

  constructor(
    readonly client: ClientState,
    readonly reply: ReplyWriter,
    readonly server: ServerServices,
  ) {
    this.keyspace = server.keyspace;
    this.db = this.keyspace.dbs[client.db];
  }

  /** The time this command sees, in ms (fixed for a command, a transaction or a script). */
  get now(): number {
    return this.keyspace.now;
  }

  selectDb(index: number): void {
    this.client.db = index;
    this.db = this.keyspace.dbs[index];
  }

  /** A key's value for reading (lazy expiry, hit/miss stats, LRU touch unless NO-TOUCH). */
  read(key: string): StoredValue | undefined {
    return this.keyspace.lookupRead(this.db, key, !this.client.noTouch);
  }

  /** A key's value before writing it. */
  write(key: string): StoredValue | undefined {
    return this.keyspace.lookupWrite(this.db, key);
  }

  /** A string key for reading; undefined when missing; WRONGTYPE for another type. */
  readString(key: string): string | StringBuffer | undefined {
    const value = this.read(key);
    if (value === undefined || isString(value)) return value;
    throw new ReplyError(Err.wrongType);
  }

  /** A string key before writing it; undefined when missing; WRONGTYPE for another type. */
  writeString(key: string): string | StringBuffer | undefined {
    const value = this.write(key);
    if (value === undefined || isString(value)) return value;
    throw new ReplyError(Err.wrongType);
  }

  /** Ends a successful write of one key: WATCH, notifications, dirty counter. */
  keyChanged(key: string, type: NotifyClass, event: string): void {
    this.keyspace.keyChanged(this.db, key, type, event);
  }
}
