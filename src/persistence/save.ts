/**
 * RDB persistence for one server, as Redis's rdb.c and the save part of serverCron: SAVE, BGSAVE
 * (with SCHEDULE), the `save` rules, stop-writes-on-bgsave-error, saving at shutdown, and the
 * figures INFO persistence shows. The background save is the incremental snapshot of snapshot.ts
 * (Node cannot fork); at most one snapshot runs at a time, shared with the AOF rewrite's turn.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Keyspace } from '../keyspace/keyspace.js';
import type { ConfigStore, DebugSettings } from '../dispatch/services.js';
import type { SavePoint } from '../server/config-special.js';
import { listNodeLimits } from './rdb-write.js';
import {
  rdbSink,
  SaveCancelled,
  backgroundTurns,
  writeSnapshotInBackground,
  writeSnapshotNow,
  type RdbContent,
} from './save-rdb.js';
import { Snapshot } from './snapshot.js';

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning';

/** What persistence needs of the server. */
export interface PersistenceHost {
  readonly keyspace: Keyspace;
  readonly config: ConfigStore;
  readonly debug: DebugSettings;
  /** The function libraries' codes (saved with the data). */
  libraryCodes(): string[];
  log(level: LogLevel, message: string): void;
  /**
   * Sends the replies waiting for the end of this event-loop turn. A background save calls it
   * before each slice of its work, which runs in the same phase of the turn, so that the replies
   * already made do not wait for the slice.
   */
  flushReplies(): void;
  /** Commands executed since the start (a background save paces itself by it). */
  commandsExecuted(): number;
}

/** Redis's CONFIG_BGSAVE_RETRY_DELAY: after a failed BGSAVE, the rules wait this long (s). */
const BGSAVE_RETRY_DELAY_S = 5;

interface BackgroundSave {
  readonly snapshot: Snapshot;
  readonly dirtyBefore: number;
  readonly startedAt: number;
  readonly tempPath: string;
  cancelled: boolean;
}

/** The outcome of a command asking for a save, as Redis replies to it. */
export type SaveRequest =
  'started' | 'scheduled' | 'in-progress' | 'rewrite-in-progress' | 'failed';

export class RdbPersistence {
  /** LASTSAVE and rdb_last_save_time (ms). */
  lastSaveTime: number;
  lastBgsaveOk = true;
  private lastBgsaveTry = 0;
  private lastBgsaveSeconds = -1;
  private saves = 0;
  private running: BackgroundSave | null = null;
  /** BGSAVE SCHEDULE while another snapshot (the AOF rewrite) ran: it starts when that ends. */
  scheduled = false;
  /** The completion of the running background save (tests and shutdown wait for it). */
  finished: Promise<void> = Promise.resolve();
  lastLoadKeysLoaded = 0;
  lastLoadKeysExpired = 0;

  constructor(
    private readonly host: PersistenceHost,
    /** True while another user of the snapshot mechanism (the AOF rewrite) runs. */
    private readonly otherSnapshotRunning: () => boolean,
  ) {
    this.lastSaveTime = host.keyspace.clock.now();
  }

  get inProgress(): boolean {
    return this.running !== null;
  }

  /** dir/dbfilename. */
  get filePath(): string {
    return path.join(this.host.config.get('dir')!, this.host.config.get('dbfilename')!);
  }

  /** Redis's temp-<pid>.rdb; a background save's name differs, so SAVE never meets it. */
  private tempPath(background = false): string {
    const name = background ? `temp-bg-${process.pid}.rdb` : `temp-${process.pid}.rdb`;
    return path.join(this.host.config.get('dir')!, name);
  }

  content(aofBase: boolean): RdbContent {
    return {
      compress: this.host.config.boolValue('rdbcompression'),
      checksum: this.host.config.boolValue('rdbchecksum'),
      aofBase,
      usedMemory: process.memoryUsage().heapUsed,
      libraries: this.host.libraryCodes(),
      limits: listNodeLimits(this.host.config, this.host.debug),
    };
  }

  /** SAVE: the dataset written now, blocking. False (and logged) when it failed. */
  saveNow(): boolean {
    const keyspace = this.host.keyspace;
    const snapshot = new Snapshot(keyspace, false);
    try {
      const sink = rdbSink(snapshot, this.content(false));
      writeSnapshotNow(snapshot, sink, this.tempPath(), this.filePath);
    } catch (err) {
      this.host.log('warning', `Failed saving the DB: ${(err as Error).message}`);
      return false;
    } finally {
      snapshot.end();
    }
    this.host.log('notice', 'DB saved on disk');
    keyspace.dirty = 0;
    this.lastSaveTime = keyspace.clock.now();
    this.lastBgsaveOk = true;
    this.saves++;
    return true;
  }

  /** BGSAVE [SCHEDULE]. */
  requestBackground(schedule: boolean): SaveRequest {
    if (this.running !== null) return 'in-progress';
    if (this.otherSnapshotRunning()) {
      if (!schedule) return 'rewrite-in-progress';
      this.scheduled = true;
      return 'scheduled';
    }
    return this.startBackground() ? 'started' : 'failed';
  }

  /** Starts a background save (Redis's rdbSaveBackground); false when one cannot start. */
  startBackground(): boolean {
    if (this.running !== null || this.otherSnapshotRunning()) return false;
    // One snapshot at a time: another user of the walk (a replica's full sync) may hold it.
    if (this.host.keyspace.copyOnWrite !== null) return false;
    const keyspace = this.host.keyspace;
    this.lastBgsaveTry = keyspace.clock.now();
    this.scheduled = false;
    const job: BackgroundSave = {
      snapshot: new Snapshot(keyspace),
      dirtyBefore: keyspace.dirty,
      startedAt: keyspace.clock.now(),
      tempPath: this.tempPath(true),
      cancelled: false,
    };
    this.running = job;
    this.host.log('notice', 'Background saving started');
    this.finished = writeSnapshotInBackground(
      job.snapshot,
      rdbSink(job.snapshot, this.content(false)),
      job.tempPath,
      this.filePath,
      backgroundTurns(this.host, () => job.cancelled),
    ).then(
      () => this.backgroundDone(job, null),
      (err: unknown) => this.backgroundDone(job, err as Error),
    );
    return true;
  }

  /** Redis's backgroundSaveDoneHandler. */
  private backgroundDone(job: BackgroundSave, error: Error | null): void {
    job.snapshot.end();
    this.running = null;
    const keyspace = this.host.keyspace;
    const now = keyspace.clock.now();
    this.lastBgsaveSeconds = Math.floor((now - job.startedAt) / 1000);
    if (error instanceof SaveCancelled) {
      this.host.log('warning', 'Background saving terminated by signal 10');
    } else if (error !== null) {
      this.host.log('warning', `Background saving error: ${error.message}`);
      this.lastBgsaveOk = false;
    } else {
      this.host.log('notice', 'Background saving terminated with success');
      keyspace.dirty = Math.max(0, keyspace.dirty - job.dirtyBefore);
      this.lastSaveTime = now;
      this.lastBgsaveOk = true;
      this.saves++;
    }
  }

  /**
   * Stops the running background save, if any (FLUSHALL, SHUTDOWN), as Redis kills its child:
   * the temporary file goes at once, the save ends at its next step.
   */
  stop(): void {
    if (this.running === null) return;
    this.running.cancelled = true;
    fs.rmSync(this.running.tempPath, { force: true });
  }

  /** The save rules, checked by the cron (Redis's serverCron); true when a save started. */
  checkRules(): boolean {
    if (this.running !== null || this.otherSnapshotRunning()) return false;
    const now = this.host.keyspace.clock.now();
    const mayRetry = this.lastBgsaveOk || now - this.lastBgsaveTry > BGSAVE_RETRY_DELAY_S * 1000;
    if (this.scheduled && mayRetry) return this.startBackground();
    const dirty = this.host.keyspace.dirty;
    const sinceSave = Math.floor(now / 1000) - Math.floor(this.lastSaveTime / 1000);
    for (const point of this.host.config.value<readonly SavePoint[]>('save')) {
      if (dirty >= point.changes && sinceSave > point.seconds && mayRetry) {
        this.host.log('notice', `${point.changes} changes in ${point.seconds} seconds. Saving...`);
        return this.startBackground();
      }
    }
    return false;
  }

  /** Save rules are configured (`save` is not ""). */
  get hasSaveRules(): boolean {
    return this.host.config.value<readonly SavePoint[]>('save').length > 0;
  }

  /**
   * stop-writes-on-bgsave-error: writes are refused while the last background save failed and
   * save rules exist (Redis's writeCommandsDeniedByDiskError, RDB half).
   */
  get refusesWrites(): boolean {
    return (
      !this.lastBgsaveOk &&
      this.hasSaveRules &&
      this.host.config.boolValue('stop-writes-on-bgsave-error')
    );
  }

  infoFields(): [string, string | number][] {
    const now = this.host.keyspace.clock.now();
    const running = this.running;
    return [
      ['current_save_keys_processed', running?.snapshot.keysProcessed ?? 0],
      ['current_save_keys_total', running?.snapshot.keysTotal ?? 0],
      ['rdb_changes_since_last_save', this.host.keyspace.dirty],
      ['rdb_bgsave_in_progress', running === null ? 0 : 1],
      ['rdb_last_save_time', Math.floor(this.lastSaveTime / 1000)],
      ['rdb_last_bgsave_status', this.lastBgsaveOk ? 'ok' : 'err'],
      ['rdb_last_bgsave_time_sec', this.lastBgsaveSeconds],
      [
        'rdb_current_bgsave_time_sec',
        running === null ? -1 : Math.floor((now - running.startedAt) / 1000),
      ],
      ['rdb_saves', this.saves],
      ['rdb_last_cow_size', 0],
      ['rdb_last_load_keys_expired', this.lastLoadKeysExpired],
      ['rdb_last_load_keys_loaded', this.lastLoadKeysLoaded],
    ];
  }
}
