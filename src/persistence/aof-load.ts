/**
 * Loading a multi-part AOF at startup, as Redis's loadAppendOnlyFiles: the base file (an RDB, or
 * commands), then each incremental file, every command run through the gate as a fake client.
 *
 * A file that ends in the middle of a command (a crash while appending) is handled by
 * aof-load-truncated, for the last file only: yes trims the file to its last complete command
 * (or to before an unfinished MULTI) and goes on, no refuses to start. Any other damage refuses
 * to start, naming the file and the offset.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ConfigStore } from '../dispatch/services.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import {
  AofManifest,
  manifestFileName,
  readManifest,
  ManifestError,
  writeManifest,
  type AofFileInfo,
} from './aof-manifest.js';
import { encodingLimits, loadRdb, looksLikeRdb, RdbLoadError } from './rdb-load.js';
import type { LogLevel } from './save.js';

export interface AofLoadHost {
  readonly keyspace: Keyspace;
  readonly config: ConfigStore;
  /** Runs one command as the AOF's fake client; says whether a MULTI is still open. */
  execute(argv: string[]): { inMulti: boolean; unknownCommand: boolean };
  /** Drops a MULTI left open at the end of a file. */
  discardMulti(): void;
  installFunctions(codes: string[]): void;
  log(level: LogLevel, message: string): void;
}

/** Loading cannot go on: the server must not start. */
export class AofLoadError extends Error {}

/** What loadAof found: nothing to load, or the files it loaded. */
export type AofLoadOutcome = 'not-exist' | 'empty' | 'loaded';

/** Where parsing a file stopped. */
type ParseEnd =
  | { kind: 'complete' }
  | { kind: 'truncated'; validUpTo: number }
  | { kind: 'bad-format'; offset: number };

export function loadAof(host: AofLoadHost): AofLoadOutcome {
  const { dir, fileName } = aofLocation(host.config);
  let manifest;
  try {
    manifest = readManifest(dir, fileName);
  } catch (err) {
    if (err instanceof ManifestError) throw new AofLoadError(err.message);
    throw err;
  }
  manifest ??= upgradeOldStyleAof(host, dir, fileName);
  if (manifest === null) return 'not-exist';
  const files: AofFileInfo[] = [...(manifest.base ? [manifest.base] : []), ...manifest.incrs];
  if (files.length === 0) return 'empty';
  let total = 0;
  for (const file of files) {
    const where = path.join(dir, file.name);
    if (!fs.existsSync(where)) {
      throw new AofLoadError(`The AOF file ${file.name} doesn't exist`);
    }
    total += fs.statSync(where).size;
  }
  if (total === 0) return 'empty';
  const started = performance.now();
  files.forEach((file, i) => {
    const began = performance.now();
    loadFile(host, dir, file.name, i === files.length - 1);
    const kind = file.type === 'b' ? 'base' : 'incr';
    const seconds = ((performance.now() - began) / 1000).toFixed(3);
    host.log('notice', `DB loaded from ${kind} file ${file.name}: ${seconds} seconds`);
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(3);
  host.log('notice', `DB loaded from append only file: ${seconds} seconds`);
  return 'loaded';
}

/** Where the AOF lives: appenddirname under dir, and the files' base name. */
function aofLocation(config: ConfigStore): { dir: string; fileName: string } {
  return {
    dir: path.join(config.get('dir')!, config.get('appenddirname')!),
    fileName: config.get('appendfilename')!,
  };
}

/** Whether there is an AOF to load: a manifest, or a single-file AOF of Redis before 7.0. */
export function aofOnDisk(config: ConfigStore): boolean {
  const { dir, fileName } = aofLocation(config);
  return (
    fs.existsSync(path.join(dir, manifestFileName(fileName))) ||
    fs.existsSync(path.join(config.get('dir')!, fileName))
  );
}

/**
 * A single-file AOF of Redis before 7.0 (dir/appendfilename, no manifest) becomes the base of a
 * multi-part AOF, as Redis's aofUpgradePrepare does: moved into appenddirname under its own name
 * and named by a new manifest.
 */
function upgradeOldStyleAof(host: AofLoadHost, dir: string, fileName: string): AofManifest | null {
  const oldPath = path.join(host.config.get('dir')!, fileName);
  if (!fs.existsSync(oldPath)) return null;
  fs.mkdirSync(dir, { recursive: true });
  const manifest = new AofManifest();
  manifest.base = { name: fileName, seq: 1, type: 'b' };
  // The manifest first, as Redis: a crash in between leaves the file where it was, not lost.
  writeManifest(dir, fileName, manifest);
  fs.renameSync(oldPath, path.join(dir, fileName));
  host.log('notice', 'Successfully migrated an old-style AOF into the AOF directory');
  return manifest;
}

function loadFile(host: AofLoadHost, dir: string, name: string, last: boolean): void {
  const where = path.join(dir, name);
  const bytes = fs.readFileSync(where);
  let start = 0;
  if (looksLikeRdb(bytes)) {
    try {
      const result = loadRdb(bytes, host.keyspace, {
        limits: encodingLimits(host.config),
        now: host.keyspace.clock.now(),
        keepExpired: true,
      });
      host.installFunctions(result.functions);
      start = result.end;
    } catch (err) {
      if (!(err instanceof RdbLoadError)) throw err;
      throw new AofLoadError(
        `Bad file format reading the append only file ${name}: ${err.message}`,
      );
    }
  }
  const end = runCommands(host, bytes, start, name);
  if (end.kind === 'complete') return;
  if (end.kind === 'bad-format') {
    throw new AofLoadError(
      `Bad file format reading the append only file ${name} at offset ${end.offset}: ` +
        'make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>',
    );
  }
  if (!last) {
    throw new AofLoadError(`Fatal error: the truncated file ${name} is not the last file`);
  }
  if (!host.config.boolValue('aof-load-truncated')) {
    throw new AofLoadError(
      `Unexpected end of file reading the append only file ${name} at offset ${end.validUpTo}. ` +
        'You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix ' +
        "<filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration " +
        'option to yes and restart the server.',
    );
  }
  host.log('warning', `!!! Warning: short read while loading the AOF file ${name}!!!`);
  host.log('warning', `!!! Truncating the AOF ${name} at offset ${end.validUpTo} !!!`);
  fs.truncateSync(where, end.validUpTo);
  host.log('warning', `AOF ${name} loaded anyway because aof-load-truncated is enabled`);
}

/** Runs the commands of `bytes` from `start`; says how the file ended. */
function runCommands(host: AofLoadHost, bytes: Buffer, start: number, name: string): ParseEnd {
  const reader = new RespReader(bytes, start);
  /** Where the open MULTI began: an unfinished transaction is cut there. */
  let multiAt = -1;
  for (;;) {
    const at = reader.pos;
    if (at >= bytes.length) break;
    let argv: string[] | null;
    try {
      argv = reader.command();
    } catch (err) {
      if (err instanceof Truncated) return truncatedAt(host, multiAt >= 0 ? multiAt : at);
      if (err instanceof BadFormat) return { kind: 'bad-format', offset: err.offset };
      throw err;
    }
    if (argv === null) continue;
    if (multiAt < 0 && argv[0].toLowerCase() === 'multi') multiAt = at;
    const outcome = host.execute(argv);
    if (outcome.unknownCommand) {
      throw new AofLoadError(`Unknown command '${argv[0]}' reading the append only file ${name}`);
    }
    if (!outcome.inMulti) multiAt = -1;
  }
  if (multiAt >= 0) {
    host.log('warning', `Revert incomplete MULTI/EXEC transaction in AOF file ${name}`);
    return truncatedAt(host, multiAt);
  }
  return { kind: 'complete' };
}

function truncatedAt(host: AofLoadHost, validUpTo: number): ParseEnd {
  host.discardMulti();
  return { kind: 'truncated', validUpTo };
}

class Truncated extends Error {}

class BadFormat extends Error {
  constructor(readonly offset: number) {
    super('bad format');
  }
}

/** RESP multibulk commands as the AOF holds them, with #TS annotation lines between. */
class RespReader {
  constructor(
    private readonly bytes: Buffer,
    public pos: number,
  ) {}

  /** The next command, or null for an annotation line. */
  command(): string[] | null {
    const first = this.bytes[this.pos];
    if (first === 0x23 /* # */) {
      this.line();
      return null;
    }
    if (first !== 0x2a /* * */) throw new BadFormat(this.pos);
    const count = this.number(this.line(), this.pos);
    if (count < 1) throw new BadFormat(this.pos);
    const argv: string[] = [];
    for (let i = 0; i < count; i++) {
      if (this.pos >= this.bytes.length) throw new Truncated();
      if (this.bytes[this.pos] !== 0x24 /* $ */) throw new BadFormat(this.pos);
      const length = this.number(this.line(), this.pos);
      if (this.pos + length + 2 > this.bytes.length) throw new Truncated();
      argv.push(this.bytes.latin1Slice(this.pos, this.pos + length));
      this.pos += length;
      if (this.bytes[this.pos] !== 0x0d || this.bytes[this.pos + 1] !== 0x0a) {
        throw new BadFormat(this.pos);
      }
      this.pos += 2;
    }
    return argv;
  }

  /** A line after its first byte, without CRLF. */
  private line(): string {
    const eol = this.bytes.indexOf('\n', this.pos);
    if (eol < 0) throw new Truncated();
    const text = this.bytes.latin1Slice(this.pos + 1, eol);
    if (!text.endsWith('\r')) throw new BadFormat(eol);
    this.pos = eol + 1;
    return text.slice(0, -1);
  }

  private number(text: string, at: number): number {
    if (!/^-?\d+$/.test(text)) throw new BadFormat(at);
    return Number(text);
  }
}
