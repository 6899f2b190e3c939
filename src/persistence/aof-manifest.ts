/**
 * The manifest of Redis 7's multi-part AOF: which files, in appenddirname, make the dataset. One
 * base file (an RDB or an AOF holding the dataset at a rewrite), the incremental files of the
 * writes since, in order, and history files a finished rewrite left for deletion:
 *
 *   file appendonly.aof.1.base.rdb seq 1 type b
 *   file appendonly.aof.1.incr.aof seq 1 type i
 */
import fs from 'node:fs';
import path from 'node:path';
import { fsyncDirectory } from './save-file.js';

export type AofFileType = 'b' | 'h' | 'i';

export interface AofFileInfo {
  name: string;
  seq: number;
  type: AofFileType;
}

export class AofManifest {
  base: AofFileInfo | null = null;
  incrs: AofFileInfo[] = [];
  history: AofFileInfo[] = [];

  /** The highest base and incr sequence numbers used so far (new files take the next). */
  get lastBaseSeq(): number {
    return this.base?.seq ?? 0;
  }

  get lastIncrSeq(): number {
    return this.incrs.length === 0 ? 0 : this.incrs[this.incrs.length - 1].seq;
  }

  clone(): AofManifest {
    const copy = new AofManifest();
    copy.base = this.base === null ? null : { ...this.base };
    copy.incrs = this.incrs.map((f) => ({ ...f }));
    copy.history = this.history.map((f) => ({ ...f }));
    return copy;
  }

  /** Redis's getAofManifestAsString: base, history, then the incremental files. */
  format(): string {
    const files = [...(this.base ? [this.base] : []), ...this.history, ...this.incrs];
    return files.map((f) => `file ${quoteName(f.name)} seq ${f.seq} type ${f.type}\n`).join('');
  }

  /** Parses a manifest; throws ManifestError with Redis's reasons. */
  static parse(text: string): AofManifest {
    const manifest = new AofManifest();
    for (const rawLine of text.split('\n')) {
      const line = rawLine.trim();
      if (line === '' || line.startsWith('#')) continue;
      const words = splitArgs(line);
      if (words === null || words.length % 2 !== 0) {
        throw new ManifestError('Invalid AOF manifest file format');
      }
      let name: string | null = null;
      let seq = 0;
      let type: string | null = null;
      for (let i = 0; i < words.length; i += 2) {
        const [key, value] = [words[i], words[i + 1]];
        if (key === 'file') name = value;
        else if (key === 'seq') seq = Number(value);
        else if (key === 'type') type = value;
      }
      if (name === null || !Number.isInteger(seq) || seq <= 0 || type === null) {
        throw new ManifestError('Invalid AOF manifest file format');
      }
      const info: AofFileInfo = { name, seq, type: type as AofFileType };
      if (type === 'b') {
        if (manifest.base !== null)
          throw new ManifestError('Found duplicate base file information');
        manifest.base = info;
      } else if (type === 'i') {
        if (seq <= manifest.lastIncrSeq) {
          throw new ManifestError('Found a non-monotonic sequence number');
        }
        manifest.incrs.push(info);
      } else if (type === 'h') {
        manifest.history.push(info);
      } else {
        throw new ManifestError('Unknown AOF file type');
      }
    }
    return manifest;
  }
}

export class ManifestError extends Error {}

/** File names for one appendfilename. */
export function baseFileName(appendFilename: string, seq: number, rdb: boolean): string {
  return `${appendFilename}.${seq}.base.${rdb ? 'rdb' : 'aof'}`;
}

export function incrFileName(appendFilename: string, seq: number): string {
  return `${appendFilename}.${seq}.incr.aof`;
}

export function manifestFileName(appendFilename: string): string {
  return `${appendFilename}.manifest`;
}

/** Reads the manifest of an AOF directory, or null when there is none. */
export function readManifest(dir: string, appendFilename: string): AofManifest | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, manifestFileName(appendFilename)), 'latin1');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  return AofManifest.parse(text);
}

/** Replaces the manifest atomically: a temporary file, fsync, rename, as Redis's persistAofManifest. */
export function writeManifest(dir: string, appendFilename: string, manifest: AofManifest): void {
  const target = path.join(dir, manifestFileName(appendFilename));
  const temp = path.join(dir, `temp-${manifestFileName(appendFilename)}`);
  const fd = fs.openSync(temp, 'w');
  try {
    fs.writeSync(fd, manifest.format(), null, 'latin1');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, target);
  fsyncDirectory(dir);
}

/** Names with spaces or unusual bytes are quoted, as sdscatrepr does. */
function quoteName(name: string): string {
  if (/^[\x21-\x7e]+$/.test(name) && !name.includes('"') && !name.includes("'")) return name;
  let out = '"';
  for (const ch of name) {
    const c = ch.charCodeAt(0);
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c > 0x7e) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** sdssplitargs for the manifest: words, double-quoted with escapes, or single-quoted. */
function splitArgs(line: string): string[] | null {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i])) i++;
    if (i >= line.length) break;
    let word = '';
    if (line[i] === '"' || line[i] === "'") {
      const quote = line[i++];
      for (;;) {
        if (i >= line.length) return null;
        const ch = line[i++];
        if (ch === quote) break;
        if (quote === '"' && ch === '\\' && i < line.length) {
          const next = line[i++];
          if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i, i + 2))) {
            word += String.fromCharCode(parseInt(line.slice(i, i + 2), 16));
            i += 2;
          } else {
            word += { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' }[next] ?? next;
          }
        } else {
          word += ch;
        }
      }
    } else {
      while (i < line.length && !/\s/.test(line[i])) word += line[i++];
    }
    words.push(word);
  }
  return words;
}
