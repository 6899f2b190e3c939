/**
 * Persistence as the server sees it: RDB saving (save.ts) and the AOF (aof.ts) side by side, with
 * what involves both: the one snapshot at a time they share, startup loading, the cron's checks,
 * SHUTDOWN's final save, FLUSHALL's save, DEBUG RELOAD, and INFO persistence.
 */
import fs from 'node:fs';
import type { PersistenceService, ShutdownMode } from '../dispatch/services.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { AppendOnlyFile } from './aof.js';
import { aofOnDisk } from './aof-load.js';
import { RdbPersistence } from './save.js';
import {
  loadAppendOnly,
  loadDataFromDisk,
  loadRdbFile,
  StartupLoadError,
  type LoadMerge,
  type LoadTarget,
} from './startup-load.js';

export class Persistence implements PersistenceService {
  readonly rdb: RdbPersistence;
  readonly aof: AppendOnlyFile;
  /** INFO's loading: true while the dataset is being loaded. */
  loading = false;

  constructor(
    private readonly host: LoadTarget,
    holdReplies: (hold: boolean) => void,
  ) {
    this.rdb = new RdbPersistence(host, () => this.aof.rewriteInProgress);
    this.aof = new AppendOnlyFile(host, this.rdb, holdReplies);
  }

  get lastSaveTime(): number {
    return this.rdb.lastSaveTime;
  }

  /** Startup: the AOF or the RDB file into the keyspace, then the AOF opened for appending. */
  loadAtStartup(): void {
    this.loading = true;
    try {
      loadDataFromDisk(this.host, this.rdb);
    } finally {
      this.loading = false;
    }
    if (this.host.config.boolValue('appendonly')) this.aof.openOnStart();
  }

  save(): boolean {
    if (this.rdb.inProgress) throw new ReplyError(Err.bgsaveInProgress);
    return this.rdb.saveNow();
  }

  bgsave(schedule: boolean): string {
    switch (this.rdb.requestBackground(schedule)) {
      case 'started':
        return 'Background saving started';
      case 'scheduled':
        return 'Background saving scheduled';
      case 'in-progress':
        throw new ReplyError(Err.bgsaveInProgress);
      case 'rewrite-in-progress':
        throw new ReplyError(Err.bgsaveDuringRewrite);
      case 'failed':
        throw new ReplyError(Err.generic);
    }
  }

  bgrewriteaof(): string {
    switch (this.aof.requestRewrite()) {
      case 'started':
        return 'Background append only file rewriting started';
      case 'scheduled':
        return 'Background append only file rewriting scheduled';
      case 'in-progress':
        throw new ReplyError(Err.rewriteInProgress);
      case 'failed':
        throw new ReplyError(Err.rewriteFailed);
    }
  }

  /** The cron's checks (Redis's serverCron): save rules, scheduled saves, AOF rewrites. */
  cron(): void {
    if (!this.rdb.checkRules()) this.aof.cron();
  }

  /**
   * FLUSHALL (Redis's flushAllDataAndResetRDB): a background save in progress is stopped, and
   * with save rules the now empty dataset is saved, leaving the dirty counter alone so the
   * FLUSHALL still propagates.
   */
  flushedAll(): void {
    this.rdb.stop();
    if (!this.rdb.hasSaveRules) return;
    const dirty = this.host.keyspace.dirty;
    this.rdb.saveNow();
    this.host.keyspace.dirty = dirty;
  }

  /**
   * SHUTDOWN and signals (Redis's prepareForShutdown): background work stopped, the AOF flushed
   * and fsync'ed, a final save when save rules exist (or SAVE, never with NOSAVE). An error
   * reply text when the save failed without FORCE.
   */
  prepareForShutdown(mode: ShutdownMode): string | null {
    this.rdb.stop();
    if (this.aof.enabled) {
      this.host.log('notice', 'Calling fsync() on the AOF file.');
      this.aof.flushAndSync();
    }
    if ((this.rdb.hasSaveRules && !mode.noSave) || mode.save) {
      this.host.log('notice', 'Saving the final RDB snapshot before exiting.');
      if (!this.rdb.saveNow()) {
        if (!mode.force) {
          this.host.log('warning', "Error trying to save the DB, can't exit.");
          return Err.shutdownFailed;
        }
        this.host.log('warning', 'Error trying to save the DB. Exit anyway.');
      }
    }
    this.aof.stop();
    return null;
  }

  /** The server closes (also without SHUTDOWN): nothing left running, the AOF flushed. */
  async close(): Promise<void> {
    this.rdb.stop();
    this.aof.stop();
    await Promise.all([this.rdb.finished, this.aof.finished]);
  }

  /**
   * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty the keyspace, load the file again. An
   * error reply text, or null. Without the flush, what the file holds that is already there
   * fails the load, or with MERGE replaces it.
   */
  reload(options: { save: boolean; flush: boolean; merge: boolean }): string | null {
    const target = this.host;
    if (options.save && !this.rdb.saveNow()) return Err.generic;
    if (options.flush) {
      this.host.keyspace.flushAll();
      target.installFunctions([]);
    }
    try {
      if (!fs.existsSync(this.rdb.filePath)) return Err.reloadFailed;
      const merge: LoadMerge | undefined = options.flush
        ? undefined
        : { replaceKeys: options.merge, functions: options.merge ? 'replace' : 'append' };
      loadRdbFile(target, this.rdb, this.rdb.filePath, merge);
    } catch (err) {
      this.host.log('warning', (err as Error).message);
      return Err.reloadFailed;
    }
    this.host.log('notice', 'DB reloaded by DEBUG RELOAD');
    return null;
  }

  /**
   * DEBUG LOADAOF: what the AOF was fed written out, the keyspace and functions emptied, the AOF
   * loaded again. Loading replays writes that are in the AOF already: they are not fed to it
   * again. An error reply text, or null. Redis exits when the AOF cannot be loaded; the error
   * is replied here instead, with the keyspace left as much as was loaded (or untouched, when
   * there is no AOF at all).
   */
  reloadAof(): string | null {
    const target = this.host;
    // Nothing is emptied when there is nothing to load.
    if (!aofOnDisk(target.config)) return Err.aofLoadFailed;
    if (this.aof.enabled) this.aof.flush();
    target.keyspace.flushAll();
    target.installFunctions([]);
    try {
      target.withoutPropagation(() => loadAppendOnly(target));
    } catch (err) {
      if (!(err instanceof StartupLoadError)) throw err;
      target.log('warning', err.message);
      return Err.aofLoadFailed;
    }
    target.keyspace.dirty = 0;
    target.log('warning', 'Append Only File loaded by DEBUG LOADAOF');
    return null;
  }

  /** CONFIG SET of a persistence parameter; an error text undoes it. */
  configChanged(name: string): string | void {
    if (name !== 'appendonly') return;
    if (this.host.config.boolValue('appendonly')) {
      if (!this.aof.start()) return 'Failed to enable the AOF';
    } else {
      this.aof.stop();
    }
  }

  /** Writes refused after a failed background save (stop-writes-on-bgsave-error). */
  get refusesWrites(): boolean {
    return this.rdb.refusesWrites;
  }

  infoFields(): [string, string | number][] {
    return [
      ['loading', this.loading ? 1 : 0],
      ['async_loading', 0],
      ['current_cow_peak', 0],
      ['current_cow_size', 0],
      ['current_cow_size_age', 0],
      ['current_fork_perc', '0.00'],
      ...this.rdb.infoFields(),
      ...this.aof.infoFields(),
      ['aof_last_cow_size', 0],
      ['module_fork_in_progress', 0],
      ['module_fork_last_cow_size', 0],
      ...this.aof.enabledInfoFields(),
    ];
  }
}
