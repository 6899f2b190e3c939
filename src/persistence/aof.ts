/**
 * The append-only file, as Redis 7's aof.c: every write of the propagation stream appended to the
 * current incremental file of the multi-part AOF (manifest in aof-manifest.ts), flushed once per
 * event-loop turn before the replies of the commands that wrote go out, and fsync'ed by the
 * appendfsync policy: `always` in that same flush (so an acknowledged write is on disk), `everysec`
 * from a timer, off the event loop, `no` never.
 *
 * A rewrite (BGREWRITEAOF, auto-aof-rewrite-*, CONFIG SET appendonly yes) takes the incremental
 * snapshot of snapshot.ts: at its start instant a new incremental file takes the writes that
 * follow, the base file is written from the snapshot in the background, then the manifest swaps
 * to the new base and incremental file in one rename, and the old files are deleted as history.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  AofManifest,
  baseFileName,
  incrFileName,
  readManifest,
  writeManifest,
  type AofFileInfo,
} from './aof-manifest.js';
import { writeAofBase } from './aof-rewrite.js';
import {
  backgroundTurns,
  rdbSink,
  writeSnapshotInBackground,
  writeSnapshotNow,
} from './save-rdb.js';
import type { PersistenceHost, RdbPersistence } from './save.js';
import { Snapshot } from './snapshot.js';

type AofState = 'off' | 'on' | 'wait-rewrite';

interface Rewrite {
  readonly snapshot: Snapshot;
  readonly startedAt: number;
  readonly baseSeq: number;
  /** The incremental file that follows the new base (none while the AOF is off). */
  readonly incr: AofFileInfo | null;
  cancelled: boolean;
}

/** How a rewrite was asked for, as BGREWRITEAOF replies. */
export type RewriteRequest = 'started' | 'scheduled' | 'in-progress' | 'failed';

const EVERYSEC_MS = 1000;

export class AppendOnlyFile {
  private state: AofState = 'off';
  private manifest: AofManifest | null = null;
  /** The incremental file being appended to. */
  private fd = -1;
  private parts: string[] = [];
  private selectedDb = -1;
  private timestampSeconds = 0;
  private flushScheduled = false;
  /** Bytes written since the last fsync (everysec). */
  private unsynced = false;
  private fsyncInFlight = false;
  private fsyncTimer: NodeJS.Timeout | null = null;
  private currentSize = 0;
  private baseSize = 0;
  private running: Rewrite | null = null;
  /** A rewrite waits for the background save to end (BGREWRITEAOF while BGSAVE runs). */
  scheduled = false;
  finished: Promise<void> = Promise.resolve();
  private lastRewriteSeconds = -1;
  private lastRewriteOk = true;
  private rewrites = 0;
  private consecutiveFailures = 0;
  private lastWriteOk = true;

  constructor(
    private readonly host: PersistenceHost,
    private readonly rdb: RdbPersistence,
    /** appendfsync always: replies wait for the flush (true), or may go (false). */
    private readonly holdReplies: (hold: boolean) => void,
  ) {}

  get enabled(): boolean {
    return this.state !== 'off';
  }

  get rewriteInProgress(): boolean {
    return this.running !== null;
  }

  private get dir(): string {
    return path.join(this.host.config.get('dir')!, this.host.config.get('appenddirname')!);
  }

  private get fileName(): string {
    return this.host.config.get('appendfilename')!;
  }

  /**
   * At startup, after loading, with appendonly yes: a base file made of the loaded dataset when
   * there is none, an incremental file to append to, the manifest naming them.
   */
  openOnStart(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const manifest = readManifest(this.dir, this.fileName) ?? new AofManifest();
    if (manifest.base === null && manifest.incrs.length === 0) {
      const rdb = this.host.config.boolValue('aof-use-rdb-preamble');
      manifest.base = { name: baseFileName(this.fileName, 1, rdb), seq: 1, type: 'b' };
      this.host.log('notice', `Creating AOF base file ${manifest.base.name} on server start`);
      this.writeBaseNow(manifest.base.name, rdb);
    }
    if (manifest.incrs.length === 0) {
      const incr: AofFileInfo = { name: incrFileName(this.fileName, 1), seq: 1, type: 'i' };
      manifest.incrs.push(incr);
      this.host.log('notice', `Creating AOF incr file ${incr.name} on server start`);
    }
    writeManifest(this.dir, this.fileName, manifest);
    this.manifest = manifest;
    this.openIncr(manifest.incrs[manifest.incrs.length - 1].name);
    this.baseSize = manifest.base === null ? 0 : this.fileSize(manifest.base.name);
    this.currentSize = this.baseSize;
    for (const incr of manifest.incrs) this.currentSize += this.fileSize(incr.name);
    this.state = 'on';
    this.startFsyncTimer();
  }

  private fileSize(name: string): number {
    try {
      return fs.statSync(path.join(this.dir, name)).size;
    } catch {
      return 0;
    }
  }

  private openIncr(name: string): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = fs.openSync(path.join(this.dir, name), 'a');
    // Each incremental file starts with its own SELECT.
    this.selectedDb = -1;
  }

  /** The base file of the dataset as it is now, blocking (startup, DEBUG LOADAOF-like paths). */
  private writeBaseNow(name: string, rdb: boolean): void {
    const snapshot = new Snapshot(this.host.keyspace, false);
    const target = path.join(this.dir, name);
    const temp = path.join(this.dir, `temp-rewriteaof-${process.pid}.aof`);
    try {
      if (rdb) writeSnapshotNow(snapshot, rdbSink(snapshot, this.rdb.content(true)), temp, target);
      else writeAofBase(snapshot, this.host.libraryCodes(), temp, target);
    } finally {
      snapshot.end();
    }
  }

  /** A write from the propagation stream. */
  feed(dbId: number, argv: readonly string[]): void {
    // No file yet (appendonly yes waiting for its first rewrite to start): that rewrite's
    // snapshot will hold this write, as Redis feeds nothing before its rewrite child runs.
    if (this.fd < 0) return;
    const parts = this.parts;
    if (this.host.config.boolValue('aof-timestamp-enabled')) {
      const seconds = Math.floor(this.host.keyspace.clock.now() / 1000);
      if (seconds > this.timestampSeconds) {
        this.timestampSeconds = seconds;
        parts.push(`#TS:${seconds}\r\n`);
      }
    }
    if (dbId !== this.selectedDb) {
      const id = String(dbId);
      parts.push(`*2\r\n$6\r\nSELECT\r\n$${id.length}\r\n${id}\r\n`);
      this.selectedDb = dbId;
    }
    let command = `*${argv.length}\r\n`;
    for (let i = 0; i < argv.length; i++) command += `$${argv[i].length}\r\n${argv[i]}\r\n`;
    parts.push(command);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      this.holdReplies(true);
      setImmediate(() => this.flush());
    }
  }

  /**
   * Writes what was fed since the last flush (Redis's flushAppendOnlyFile in beforeSleep), and
   * with appendfsync always makes it durable, before any reply of those writes leaves.
   */
  flush(): void {
    this.flushScheduled = false;
    if (this.parts.length > 0 && this.fd >= 0) {
      const bytes = Buffer.from(this.parts.join(''), 'latin1');
      this.parts = [];
      try {
        let offset = 0;
        while (offset < bytes.length) offset += fs.writeSync(this.fd, bytes, offset);
        this.currentSize += bytes.length;
        this.unsynced = true;
        if (!this.lastWriteOk)
          this.host.log('warning', 'AOF write error looks solved, Redis can write again.');
        this.lastWriteOk = true;
        if (this.fsyncPolicy === 'always' && !this.fsyncSkipped) {
          fs.fdatasyncSync(this.fd);
          this.unsynced = false;
        }
      } catch (err) {
        this.lastWriteOk = false;
        this.host.log('warning', `Error writing to the AOF file: ${(err as Error).message}`);
      }
    }
    this.holdReplies(false);
  }

  private get fsyncPolicy(): string {
    return this.host.config.get('appendfsync')!;
  }

  /** no-appendfsync-on-rewrite: no fsync while a snapshot is written. */
  private get fsyncSkipped(): boolean {
    return (
      this.host.config.boolValue('no-appendfsync-on-rewrite') &&
      (this.running !== null || this.rdb.inProgress)
    );
  }

  private startFsyncTimer(): void {
    this.fsyncTimer ??= setInterval(() => this.fsyncInBackground(), EVERYSEC_MS);
    this.fsyncTimer.unref();
  }

  /** everysec: the fsync runs in libuv's thread pool, off the event loop. */
  private fsyncInBackground(): void {
    if (!this.unsynced || this.fsyncInFlight || this.fd < 0) return;
    if (this.fsyncPolicy !== 'everysec' || this.fsyncSkipped) return;
    this.unsynced = false;
    this.fsyncInFlight = true;
    const fd = this.fd;
    fs.fdatasync(fd, (err) => {
      this.fsyncInFlight = false;
      if (err && fd === this.fd) {
        this.unsynced = true;
        this.host.log('warning', `Can't fsync the AOF: ${err.message}`);
      }
    });
  }

  /** CONFIG SET appendonly yes: a rewrite makes the first base; writes go on meanwhile. */
  start(): boolean {
    if (this.state !== 'off') return true;
    fs.mkdirSync(this.dir, { recursive: true });
    this.manifest = readManifest(this.dir, this.fileName) ?? new AofManifest();
    this.state = 'wait-rewrite';
    this.startFsyncTimer();
    if (this.rdb.inProgress) {
      this.scheduled = true;
      return true;
    }
    if (this.startRewrite()) return true;
    this.state = 'off';
    return false;
  }

  /** CONFIG SET appendonly no (and shutdown): what was fed is written and fsync'ed, then closed. */
  stop(): void {
    if (this.state === 'off') return;
    this.flushAndSync();
    if (this.running !== null) this.running.cancelled = true;
    this.scheduled = false;
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
    if (this.fsyncTimer !== null) clearInterval(this.fsyncTimer);
    this.fsyncTimer = null;
    this.state = 'off';
  }

  /** Everything fed is on disk (SHUTDOWN, DEBUG RELOAD). */
  flushAndSync(): void {
    this.flush();
    if (this.fd >= 0 && this.unsynced) {
      fs.fsyncSync(this.fd);
      this.unsynced = false;
    }
  }

  /** BGREWRITEAOF. */
  requestRewrite(): RewriteRequest {
    if (this.running !== null) return 'in-progress';
    if (this.rdb.inProgress) {
      this.scheduled = true;
      return 'scheduled';
    }
    return this.startRewrite() ? 'started' : 'failed';
  }

  /** Redis's rewriteAppendOnlyFileBackground. */
  private startRewrite(): boolean {
    if (this.running !== null || this.rdb.inProgress) return false;
    this.scheduled = false;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      const manifest = this.manifest ?? readManifest(this.dir, this.fileName) ?? new AofManifest();
      this.manifest = manifest;
      // Writes up to the start instant belong to the current incremental file.
      this.flush();
      const incr: AofFileInfo = {
        name: incrFileName(this.fileName, manifest.lastIncrSeq + 1),
        seq: manifest.lastIncrSeq + 1,
        type: 'i',
      };
      if (this.state === 'on') {
        // Listed at once, so a crash during the rewrite still finds the writes that follow.
        const listed = manifest.clone();
        listed.incrs.push(incr);
        writeManifest(this.dir, this.fileName, listed);
        this.manifest = listed;
      }
      // With the AOF off (BGREWRITEAOF all the same), only a base is made, as in Redis.
      if (this.state !== 'off') this.openIncr(incr.name);
      const next = this.state === 'off' ? null : incr;
      this.launchRewrite(new Snapshot(this.host.keyspace), manifest.lastBaseSeq + 1, next);
      return true;
    } catch (err) {
      this.host.log(
        'warning',
        `Can't rewrite append only file in background: ${(err as Error).message}`,
      );
      return false;
    }
  }

  private launchRewrite(snapshot: Snapshot, baseSeq: number, incr: AofFileInfo | null): void {
    const job: Rewrite = {
      snapshot,
      startedAt: this.host.keyspace.clock.now(),
      baseSeq,
      incr,
      cancelled: false,
    };
    this.running = job;
    this.host.log('notice', 'Background append only file rewriting started');
    const rdb = this.host.config.boolValue('aof-use-rdb-preamble');
    const name = baseFileName(this.fileName, baseSeq, rdb);
    const temp = path.join(this.dir, `temp-rewriteaof-bg-${process.pid}.aof`);
    const target = path.join(this.dir, name);
    const turns = backgroundTurns(this.host, () => job.cancelled);
    const writing = rdb
      ? writeSnapshotInBackground(
          snapshot,
          rdbSink(snapshot, this.rdb.content(true)),
          temp,
          target,
          turns,
        )
      : writeAofBase(snapshot, this.host.libraryCodes(), temp, target, turns);
    this.finished = Promise.resolve(writing).then(
      (size) => this.rewriteDone(job, name, size, null),
      (err: unknown) => this.rewriteDone(job, name, 0, err as Error),
    );
  }

  /** Redis's backgroundRewriteDoneHandler: the new base and incr replace the old files. */
  private rewriteDone(job: Rewrite, baseName: string, baseSize: number, error: Error | null): void {
    job.snapshot.end();
    this.running = null;
    this.lastRewriteSeconds = Math.floor((this.host.keyspace.clock.now() - job.startedAt) / 1000);
    if (job.cancelled) return;
    if (error !== null) {
      this.host.log('warning', `Background AOF rewrite failed: ${error.message}`);
      this.lastRewriteOk = false;
      this.consecutiveFailures++;
      if (this.state === 'wait-rewrite') this.scheduled = true;
      return;
    }
    const old = this.manifest ?? new AofManifest();
    const next = new AofManifest();
    next.base = { name: baseName, seq: job.baseSeq, type: 'b' };
    next.incrs = job.incr === null ? [] : [job.incr];
    const retired = [...(old.base ? [old.base] : []), ...old.history, ...old.incrs];
    next.history = retired
      .filter((f) => f.name !== job.incr?.name)
      .map((f) => ({ ...f, type: 'h' }));
    try {
      writeManifest(this.dir, this.fileName, next);
    } catch (err) {
      this.host.log('warning', `Background AOF rewrite failed: ${(err as Error).message}`);
      this.lastRewriteOk = false;
      this.consecutiveFailures++;
      return;
    }
    this.manifest = next;
    this.baseSize = baseSize;
    this.currentSize = baseSize + (job.incr === null ? 0 : this.fileSize(job.incr.name));
    this.lastRewriteOk = true;
    this.consecutiveFailures = 0;
    this.rewrites++;
    if (this.state === 'wait-rewrite') this.state = 'on';
    this.host.log('notice', 'Background AOF rewrite terminated with success');
    this.deleteHistory();
  }

  /** Redis's aofDelHistoryFiles, unless aof-disable-auto-gc. */
  private deleteHistory(): void {
    const manifest = this.manifest;
    if (manifest === null || manifest.history.length === 0) return;
    if (this.host.config.boolValue('aof-disable-auto-gc')) return;
    for (const file of manifest.history) {
      this.host.log('notice', `Removing the history file ${file.name} in the background`);
      fs.rmSync(path.join(this.dir, file.name), { force: true });
    }
    manifest.history = [];
    writeManifest(this.dir, this.fileName, manifest);
  }

  /** The cron's part (Redis's serverCron): a scheduled rewrite, auto-aof-rewrite-*. */
  cron(): void {
    if (this.running !== null || this.rdb.inProgress) return;
    if (this.scheduled) {
      this.startRewrite();
      return;
    }
    if (this.state !== 'on') return;
    const percentage = this.host.config.numberValue('auto-aof-rewrite-percentage');
    const minSize = this.host.config.numberValue('auto-aof-rewrite-min-size');
    if (percentage === 0 || this.currentSize <= minSize) return;
    const base = this.baseSize === 0 ? 1 : this.baseSize;
    const growth = Math.floor((this.currentSize * 100) / base) - 100;
    if (growth >= percentage) {
      this.host.log('notice', `Starting automatic rewriting of AOF on ${growth}% growth`);
      this.startRewrite();
    }
  }

  infoFields(): [string, string | number][] {
    const now = this.host.keyspace.clock.now();
    return [
      ['aof_enabled', this.state === 'off' ? 0 : 1],
      ['aof_rewrite_in_progress', this.running === null ? 0 : 1],
      ['aof_rewrite_scheduled', this.scheduled ? 1 : 0],
      ['aof_last_rewrite_time_sec', this.lastRewriteSeconds],
      [
        'aof_current_rewrite_time_sec',
        this.running === null ? -1 : Math.floor((now - this.running.startedAt) / 1000),
      ],
      ['aof_last_bgrewrite_status', this.lastRewriteOk ? 'ok' : 'err'],
      ['aof_rewrites', this.rewrites],
      ['aof_rewrites_consecutive_failures', this.consecutiveFailures],
      ['aof_last_write_status', this.lastWriteOk ? 'ok' : 'err'],
    ];
  }

  /** The fields INFO adds while the AOF is on. */
  enabledInfoFields(): [string, string | number][] {
    if (this.state === 'off') return [];
    return [
      ['aof_current_size', this.currentSize],
      ['aof_base_size', this.baseSize],
      ['aof_pending_rewrite', this.scheduled ? 1 : 0],
      ['aof_buffer_length', this.parts.reduce((n, p) => n + p.length, 0)],
      ['aof_pending_bio_fsync', this.fsyncInFlight ? 1 : 0],
      ['aof_delayed_fsync', 0],
    ];
  }
}
