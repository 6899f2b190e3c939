/**
 * Files written the way Redis writes its snapshots: into a temporary file beside the target,
 * fsync'ed, then renamed over the target, and the directory fsync'ed, so that a crash leaves
 * either the old file or the new one, never half of one.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

/** Makes a rename durable: the directory entry itself is fsync'ed (where the OS allows it). */
export function fsyncDirectory(dir: string): void {
  let fd = -1;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some file systems refuse to fsync a directory; the rename is then as durable as they allow.
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}

/** fsyncDirectory off the event loop, for writes that run in the background. */
async function fsyncDirectoryInBackground(dir: string): Promise<void> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, 'r');
    await handle.sync();
  } catch {
    // As fsyncDirectory: as durable as the file system allows.
  } finally {
    await handle?.close();
  }
}

/** A file being written in the background: chunks appended, then committed by a rename. */
export class BackgroundFile {
  private constructor(
    private readonly handle: fsp.FileHandle,
    readonly tempPath: string,
    readonly targetPath: string,
  ) {}

  static async create(tempPath: string, targetPath: string): Promise<BackgroundFile> {
    return new BackgroundFile(await fsp.open(tempPath, 'w'), tempPath, targetPath);
  }

  async write(chunk: Buffer): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      const { bytesWritten } = await this.handle.write(chunk, offset);
      offset += bytesWritten;
    }
  }

  /** fsync, close, rename over the target. */
  async commit(): Promise<void> {
    await this.handle.sync();
    await this.handle.close();
    await fsp.rename(this.tempPath, this.targetPath);
    // The directory's fsync waits for the journal to take the whole file: ~50 ms after writing
    // 1M keys, which the event loop must not wait for.
    await fsyncDirectoryInBackground(path.dirname(this.targetPath));
  }

  /** Closes and removes the temporary file (a failed or cancelled save). */
  async discard(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await fsp.rm(this.tempPath, { force: true });
  }
}

/** Writes a whole file synchronously (SAVE blocks the server, as Redis's does). */
export function writeFileDurably(tempPath: string, targetPath: string, chunks: Buffer[]): void {
  const fd = fs.openSync(tempPath, 'w');
  try {
    for (const chunk of chunks) {
      let offset = 0;
      while (offset < chunk.length) offset += fs.writeSync(fd, chunk, offset);
    }
    fs.fsyncSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tempPath, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  fs.renameSync(tempPath, targetPath);
  fsyncDirectory(path.dirname(targetPath));
}
