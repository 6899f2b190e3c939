/**
 * DUMP payloads (cluster.c's createDumpPayload and verifyDumpPayload): a value's RDB type byte and
 * body, then the RDB version (2 bytes, little endian) and the CRC64 of everything before it
 * (8 bytes, little endian). MIGRATE sends the same payloads.
 */
import type { StoredValue } from '../keyspace/values.js';
import { crc64 } from './crc64.js';
import { RDB_VERSION } from './rdb-constants.js';
import { RdbDecoder, RdbLoadError } from './rdb-decoder.js';
import { RdbEncoder } from './rdb-encoder.js';
import { readValue, type EncodingLimits } from './rdb-value-read.js';
import { writeValue, writeValueBody, type ListNodeLimits } from './rdb-value-write.js';

const FOOTER_BYTES = 10;

/** The payload of a value, as a latin1 string (what DUMP replies). */
export function createDumpPayload(
  value: StoredValue,
  compress: boolean,
  limits: ListNodeLimits,
): string {
  const enc = new RdbEncoder({ compress, checksum: true });
  writeValue(enc, value, limits);
  enc.byte(RDB_VERSION & 0xff);
  enc.byte(RDB_VERSION >> 8);
  enc.writeChecksum();
  const bytes = enc.take();
  return bytes.latin1Slice(0, bytes.length);
}

/**
 * Whether the payload's version is one Kvik reads and its checksum is right (not checked with
 * `checkCrc` false: DEBUG SET-SKIP-CHECKSUM-VALIDATION).
 */
export function verifyDumpPayload(bytes: Buffer, checkCrc = true): boolean {
  if (bytes.length < FOOTER_BYTES) return false;
  const footer = bytes.length - FOOTER_BYTES;
  if (bytes.readUInt16LE(footer) > RDB_VERSION) return false;
  if (!checkCrc) return true;
  return crc64(bytes, 0, bytes.length - 8) === bytes.readBigUInt64LE(footer + 2);
}

/**
 * The value of a verified payload; null when it does not decode (RESTORE's "Bad data format"),
 * an empty collection included.
 */
export function readDumpPayload(bytes: Buffer, limits: EncodingLimits): StoredValue | null {
  const dec = new RdbDecoder(bytes, bytes.length - FOOTER_BYTES);
  try {
    return readValue(dec, dec.byte(), limits);
  } catch (err) {
    if (err instanceof RdbLoadError) return null;
    throw err;
  }
}

/** The bytes of a value's RDB body, its type byte excepted (DEBUG OBJECT's serializedlength). */
export function rdbBodyLength(
  value: StoredValue,
  compress: boolean,
  limits: ListNodeLimits,
): number {
  const enc = new RdbEncoder({ compress, checksum: false });
  writeValueBody(enc, value, limits);
  return enc.pending;
}
