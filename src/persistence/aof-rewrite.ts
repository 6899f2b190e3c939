/**
 * The AOF base in command form (aof-use-rdb-preamble no), as Redis's rewriteAppendOnlyFileRio:
 * each key rebuilt by the commands that create it, collections in batches of 64 items
 * (AOF_REWRITE_ITEMS_PER_CMD), then PEXPIREAT for a key with an expiry; function libraries as
 * FUNCTION LOAD. Streams, whose consumer groups and PELs would take XADD, XSETID, XGROUP and
 * XCLAIM sequences, are written as RESTORE of their DUMP payload, which loads the same.
 */
import { HashValue } from '../datatypes/hash.js';
import { ListValue } from '../datatypes/list.js';
import { SetValue } from '../datatypes/set.js';
import { ZSetValue } from '../datatypes/zset.js';
import { isString, stringBytes, type StoredValue } from '../keyspace/values.js';
import { formatDouble17g } from '../resp/format.js';
import { crc64 } from './crc64.js';
import { RDB_VERSION } from './rdb-constants.js';
import { rdbTypeOf, writeValueBody } from './rdb-value-write.js';
import { RdbEncoder, DEFAULT_LIST_LIMITS } from './rdb-write.js';
import {
  writeSnapshotInBackground,
  writeSnapshotNow,
  type BackgroundTurns,
  type EncodingSink,
} from './save-rdb.js';
import type { Snapshot } from './snapshot.js';

const ITEMS_PER_COMMAND = 64;

/** RESP text of one command (latin1 strings, one char per byte). */
export function respCommand(argv: readonly string[]): string {
  let out = `*${argv.length}\r\n`;
  for (const arg of argv) out += `$${arg.length}\r\n${arg}\r\n`;
  return out;
}

class AofSink implements EncodingSink {
  private parts: string[] = [];
  private bytes = 0;

  constructor(libraries: readonly string[]) {
    for (const code of libraries) this.push(['FUNCTION', 'LOAD', code]);
  }

  get pending(): number {
    return this.bytes;
  }

  take(): Buffer {
    const out = Buffer.from(this.parts.join(''), 'latin1');
    this.parts = [];
    this.bytes = 0;
    return out;
  }

  private push(argv: readonly string[]): void {
    const text = respCommand(argv);
    this.parts.push(text);
    this.bytes += text.length;
  }

  beginDatabase(dbIndex: number): void {
    this.push(['SELECT', String(dbIndex)]);
  }

  entry(key: string, value: StoredValue, expireAt: number | undefined): void {
    if (isString(value)) this.push(['SET', key, stringBytes(value)]);
    else if (value instanceof ListValue)
      this.batches('RPUSH', key, value.range(0, value.length - 1));
    else if (value instanceof SetValue) this.batches('SADD', key, value.members());
    else if (value instanceof ZSetValue) {
      const items: string[] = [];
      value.forEach((member, score) => items.push(formatDouble17g(score), member));
      this.batches('ZADD', key, items, 2);
    } else if (value instanceof HashValue) {
      const items: string[] = [];
      value.forEach((field, v) => items.push(field, v));
      this.batches('HMSET', key, items, 2);
    } else {
      this.push(['RESTORE', key, '0', dumpPayload(value)]);
    }
    if (expireAt !== undefined) this.push(['PEXPIREAT', key, String(expireAt)]);
  }

  /** Items in commands of 64 (pairs count as one item). */
  private batches(command: string, key: string, items: string[], width = 1): void {
    const step = ITEMS_PER_COMMAND * width;
    for (let i = 0; i < items.length; i += step) {
      this.push([command, key, ...items.slice(i, i + step)]);
    }
  }

  end(): void {}
}

/** A value's DUMP payload: type, body, RDB version, CRC64. */
function dumpPayload(value: StoredValue): string {
  const enc = new RdbEncoder({ compress: false, checksum: false });
  enc.byte(rdbTypeOf(value));
  writeValueBody(enc, value, DEFAULT_LIST_LIMITS);
  enc.byte(RDB_VERSION & 0xff);
  enc.byte(RDB_VERSION >> 8);
  const body = enc.take();
  const out = Buffer.alloc(body.length + 8);
  body.copy(out);
  out.writeBigUInt64LE(crc64(body), body.length);
  return out.latin1Slice(0, out.length);
}

/**
 * The base file in command form: blocking when `turns` is not given, else in the background.
 * Resolves (or returns) its size.
 */
export function writeAofBase(
  snapshot: Snapshot,
  libraries: readonly string[],
  temp: string,
  target: string,
  turns?: BackgroundTurns,
): number | Promise<number> {
  const sink = new AofSink(libraries);
  if (turns === undefined) return writeSnapshotNow(snapshot, sink, temp, target);
  return writeSnapshotInBackground(snapshot, sink, temp, target, turns);
}
