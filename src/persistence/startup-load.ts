/**
 * Loading the dataset at startup, as Redis's loadDataFromDisk: the AOF when appendonly is yes,
 * otherwise dir/dbfilename when it exists. A damaged file stops the start with a message naming
 * the file and the offset (StartupLoadError); nothing is half-loaded in silence.
 */
import fs from 'node:fs';
import { ClientState } from '../dispatch/client-state.js';
import { CommandContext } from '../dispatch/context.js';
import type { Gate } from '../dispatch/gate.js';
import type { ServerServices } from '../dispatch/services.js';
import { ReplyWriter, type ErrorSink } from '../resp/reply.js';
import { AofLoadError, loadAof, type AofLoadHost, type AofLoadOutcome } from './aof-load.js';
import { encodingLimits, loadRdb, RdbLoadError } from './rdb-load.js';
import type { RestorePolicy } from '../scripting/function-libraries.js';
import type { PersistenceHost, RdbPersistence } from './save.js';

export class StartupLoadError extends Error {}

/** What loading needs of the server beyond persistence's host. */
export interface LoadTarget extends PersistenceHost {
  readonly services: ServerServices & ErrorSink;
  readonly gate: Gate;
  /** Installs the function libraries a file holds: an error text (a library clash), or null. */
  installFunctions(codes: string[], policy?: RestorePolicy): string | null;
  /** Runs `load` with the writes it replays kept out of the propagation stream. */
  withoutPropagation(load: () => void): void;
}

export function loadDataFromDisk(target: LoadTarget, rdb: RdbPersistence): void {
  if (target.config.boolValue('appendonly')) loadAppendOnly(target);
  else loadRdbFile(target, rdb, rdb.filePath);
}

/**
 * How DEBUG RELOAD NOFLUSH loads into a keyspace that is not empty: with MERGE, keys and function
 * libraries already there are replaced; without, they fail the load.
 */
export interface LoadMerge {
  replaceKeys: boolean;
  functions: RestorePolicy;
}

const INTO_EMPTY: LoadMerge = { replaceKeys: false, functions: 'flush' };

/** Loads an RDB file into the (empty) keyspace; false when the file does not exist. */
export function loadRdbFile(
  target: PersistenceHost & Pick<LoadTarget, 'installFunctions'>,
  rdb: RdbPersistence,
  file: string,
  merge: LoadMerge = INTO_EMPTY,
): boolean {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new StartupLoadError(`Fatal error loading the DB: ${(err as Error).message}. Exiting.`);
  }
  const started = performance.now();
  try {
    const result = loadRdb(bytes, target.keyspace, {
      limits: encodingLimits(target.config),
      now: target.keyspace.clock.now(),
      keepExpired: false,
      checksum: target.config.boolValue('rdbchecksum') && !target.debug.skipChecksumValidation,
      replaceExisting: merge.replaceKeys,
    });
    const clash = target.installFunctions(result.functions, merge.functions);
    if (clash !== null) throw new StartupLoadError(`Fatal error loading the DB: ${clash}`);
    rdb.lastLoadKeysLoaded = result.keys;
    rdb.lastLoadKeysExpired = result.expired;
    const version = result.aux.get('redis-ver');
    if (version !== undefined) target.log('notice', `Loading RDB produced by version ${version}`);
    target.log(
      'notice',
      `Done loading RDB, keys loaded: ${result.keys}, keys expired: ${result.expired}.`,
    );
  } catch (err) {
    if (!(err instanceof RdbLoadError)) throw err;
    // Into an empty keyspace nothing is left half-loaded; DEBUG RELOAD NOFLUSH keeps what it had.
    if (merge === INTO_EMPTY) {
      for (const db of target.keyspace.dbs) {
        db.dict.clear();
        db.expires.clear();
      }
    }
    throw new StartupLoadError(
      `Short read or OOM loading DB. Unrecoverable error, aborting now. ` +
        `(${file}: ${err.reason} at offset ${err.offset})`,
    );
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(3);
  target.log('notice', `DB loaded from disk: ${seconds} seconds`);
  return true;
}

/** Loads the AOF (manifest, base and incremental files) into the keyspace. */
export function loadAppendOnly(target: LoadTarget): AofLoadOutcome {
  const client = new ClientState(0, '', '', target.keyspace.clock.now(), true);
  client.authenticated = true;
  client.replaying = true;
  const ctx = new CommandContext(client, new ReplyWriter(target.services), target.services);
  const host: AofLoadHost = {
    keyspace: target.keyspace,
    config: target.config,
    log: (level, message) => target.log(level, message),
    installFunctions: (codes) => void target.installFunctions(codes),
    execute: (argv) => {
      target.gate.execute(ctx, argv);
      ctx.reply.take();
      return { inMulti: client.multi !== null, unknownCommand: client.lastCommand === 'NULL' };
    },
    discardMulti: () => {
      if (client.multi !== null) target.gate.execute(ctx, ['DISCARD']);
      ctx.reply.take();
    },
  };
  try {
    return loadAof(host);
  } catch (err) {
    if (err instanceof AofLoadError) throw new StartupLoadError(err.message);
    throw err;
  }
}
