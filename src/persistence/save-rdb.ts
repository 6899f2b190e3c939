/**
 * Files made from a snapshot walk: the generic loop that walks a few milliseconds per event-loop
 * turn and writes what was encoded while the file system works, and the RDB file (header and aux
 * fields, function libraries, every database, EOF and checksum) that SAVE writes in one go and
 * BGSAVE or an AOF rewrite's RDB base write in the background.
 */
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { StoredValue } from '../keyspace/values.js';
import {
  RdbEncoder,
  writeDbStart,
  writeFunctions,
  writeKeyValue,
  writeRdbEnd,
  writeRdbHeader,
  type ListNodeLimits,
} from './rdb-write.js';
import { BackgroundFile, writeFileDurably } from './save-file.js';
import type { Snapshot, SnapshotSink } from './snapshot.js';

/**
 * How long one turn of a background save may walk the keyspace before letting clients in. Half a
 * millisecond keeps the p99 of clients under 5 ms during a save of 1M keys (3 ms gave 10.7 ms)
 * and the save takes about as long: the walk waits for its writes anyway.
 */
const STEP_BUDGET_MS = 0.5;
/**
 * How long a background save waits before its next slice when clients were served since its last
 * one. Run every turn, the save keeps the main thread busy all the time, and on a machine with few
 * cores the OS then preempts it for other threads (the clients, V8's compiler and collector) for
 * milliseconds at a time, while requests wait: p99 of 10 clients 5-9 ms during a BGSAVE of 1M
 * keys on 2 cores. With this pause the event loop goes idle between slices and wakes at once for
 * requests: p99 2.7-3.7 ms, the save ~1.5x as long. A save with no clients runs flat out.
 */
const PAUSE_WHILE_SERVING_MS = 1;
/** Encoded bytes gathered before a write is issued. */
const WRITE_CHUNK_BYTES = 256 * 1024;

/** A sink that turns the walk into bytes, handed out in chunks. */
export interface EncodingSink extends SnapshotSink {
  /** Bytes encoded and not yet taken. */
  readonly pending: number;
  take(): Buffer;
  /** The walk is complete: the file's trailer. */
  end(): void;
}

export interface RdbContent {
  compress: boolean;
  checksum: boolean;
  /** The file is the base of an AOF (the aof-base aux field). */
  aofBase: boolean;
  /** The used-mem aux field. */
  usedMemory: number;
  /** The function libraries' codes, as they were when the snapshot started. */
  libraries: readonly string[];
  limits: ListNodeLimits;
}

/** Encodes what the snapshot walk hands over as RDB. */
class RdbSink implements EncodingSink {
  private readonly encoder: RdbEncoder;

  constructor(
    private readonly content: RdbContent,
    createdAt: number,
  ) {
    this.encoder = new RdbEncoder({ compress: content.compress, checksum: content.checksum });
    writeRdbHeader(this.encoder, {
      ctime: Math.floor(createdAt / 1000),
      usedMem: content.usedMemory,
      aofBase: content.aofBase,
    });
    writeFunctions(this.encoder, content.libraries);
  }

  get pending(): number {
    return this.encoder.pending;
  }

  take(): Buffer {
    return this.encoder.take();
  }

  beginDatabase(dbIndex: number, size: number, expiresSize: number): void {
    writeDbStart(this.encoder, dbIndex, size, expiresSize);
  }

  entry(key: string, value: StoredValue, expireAt: number | undefined): void {
    writeKeyValue(this.encoder, key, value, expireAt, this.content.limits);
  }

  end(): void {
    writeRdbEnd(this.encoder);
  }
}

export function rdbSink(snapshot: Snapshot, content: RdbContent): EncodingSink {
  return new RdbSink(content, snapshot.startedAt);
}

/** The whole file at once, blocking (SAVE, SHUTDOWN, DEBUG RELOAD). */
export function writeSnapshotNow(
  snapshot: Snapshot,
  sink: EncodingSink,
  tempPath: string,
  target: string,
): number {
  snapshot.step(sink, Infinity);
  sink.end();
  const bytes = sink.take();
  writeFileDurably(tempPath, target, [bytes]);
  return bytes.length;
}

/** How a background write takes its turns: whether to stop, what to do before each step. */
export interface BackgroundTurns {
  cancelled(): boolean;
  beforeStep(): void;
  /** Commands executed so far: a change since the last step means clients are being served. */
  commandsExecuted(): number;
}

/** The turns of a background write for the server behind `host`. */
export function backgroundTurns(
  host: { flushReplies(): void; commandsExecuted(): number },
  cancelled: () => boolean,
): BackgroundTurns {
  return {
    cancelled,
    beforeStep: () => host.flushReplies(),
    commandsExecuted: () => host.commandsExecuted(),
  };
}

/**
 * The file in the background. `turns.cancelled` is polled between steps; a cancelled or failed
 * save removes its temporary file. Resolves with the file's size.
 */
export async function writeSnapshotInBackground(
  snapshot: Snapshot,
  sink: EncodingSink,
  tempPath: string,
  target: string,
  turns: BackgroundTurns,
): Promise<number> {
  const file = await BackgroundFile.create(tempPath, target);
  let size = 0;
  let commands = turns.commandsExecuted();
  try {
    let done = false;
    while (!done) {
      if (turns.cancelled()) throw new SaveCancelled();
      turns.beforeStep();
      done = snapshot.step(sink, STEP_BUDGET_MS);
      if (done) sink.end();
      if (done || sink.pending >= WRITE_CHUNK_BYTES) {
        const chunk = sink.take();
        size += chunk.length;
        await file.write(chunk);
      } else {
        const now = turns.commandsExecuted();
        await (now !== commands ? sleep(PAUSE_WHILE_SERVING_MS) : nextTurn());
        commands = now;
      }
    }
    if (turns.cancelled()) throw new SaveCancelled();
    await file.commit();
    return size;
  } catch (err) {
    await file.discard();
    throw err;
  }
}

export class SaveCancelled extends Error {
  constructor() {
    super('save cancelled');
  }
}
