/**
 * FUNCTION DUMP / RESTORE payloads, as Redis 7.0 writes them: for each library the
 * RDB_OPCODE_FUNCTION2 byte and its code as an RDB string (LZF-compressed when that saves space
 * and rdbcompression is on), then the RDB version (2 bytes) and a CRC64 of everything before
 * (8 bytes, little endian).
 */
import { lzfCompress } from '../datatypes/lzf.js';

const OPCODE_FUNCTION2 = 245;
const RDB_VERSION = 10;
const ENC_LZF = 0xc3;

/** The payload of the libraries' codes, as a latin1 string. */
export function dumpLibraries(codes: readonly string[], compress: boolean): string {
  const parts: number[] = [];
  for (const code of codes) {
    parts.push(OPCODE_FUNCTION2);
    writeRdbString(parts, Buffer.from(code, 'latin1'), compress);
  }
  parts.push(RDB_VERSION & 0xff, RDB_VERSION >> 8);
  const body = Buffer.from(parts);
  const crc = crc64(body);
  const out = Buffer.alloc(body.length + 8);
  body.copy(out);
  out.writeBigUInt64LE(crc, body.length);
  return out.latin1Slice(0, out.length);
}

/** The libraries' codes in a payload, or null when its version or checksum is wrong. */
export function parseDump(payload: string): string[] | null {
  const bytes = Buffer.from(payload, 'latin1');
  if (bytes.length < 10) return null;
  const footer = bytes.length - 10;
  const version = bytes[footer] | (bytes[footer + 1] << 8);
  if (version > RDB_VERSION) return null;
  if (crc64(bytes.subarray(0, footer + 2)) !== bytes.readBigUInt64LE(footer + 2)) return null;
  const codes: string[] = [];
  let at = 0;
  while (at < footer) {
    if (bytes[at++] !== OPCODE_FUNCTION2) return null;
    const read = readRdbString(bytes, at, footer);
    if (read === null) return null;
    codes.push(read.value);
    at = read.next;
  }
  return codes;
}

function writeLength(out: number[], length: number): void {
  if (length < 64) out.push(length);
  else if (length < 16384) out.push(0x40 | (length >> 8), length & 0xff);
  else
    out.push(
      0x80,
      (length >>> 24) & 0xff,
      (length >>> 16) & 0xff,
      (length >>> 8) & 0xff,
      length & 0xff,
    );
}

function writeRdbString(out: number[], bytes: Buffer, compress: boolean): void {
  if (compress && bytes.length > 20) {
    const packed = lzfCompress(bytes, bytes.length - 4);
    if (packed !== null) {
      out.push(ENC_LZF);
      writeLength(out, packed.length);
      writeLength(out, bytes.length);
      for (const b of packed) out.push(b);
      return;
    }
  }
  writeLength(out, bytes.length);
  for (const b of bytes) out.push(b);
}

function readLength(
  bytes: Buffer,
  at: number,
): { value: number; next: number; encoding: number } | null {
  const first = bytes[at];
  if (first === undefined) return null;
  const kind = first >> 6;
  if (kind === 0) return { value: first & 0x3f, next: at + 1, encoding: -1 };
  if (kind === 1)
    return { value: ((first & 0x3f) << 8) | bytes[at + 1], next: at + 2, encoding: -1 };
  if (first === 0x80) return { value: bytes.readUInt32BE(at + 1), next: at + 5, encoding: -1 };
  if (kind === 3) return { value: 0, next: at + 1, encoding: first & 0x3f };
  return null;
}

function readRdbString(
  bytes: Buffer,
  at: number,
  end: number,
): { value: string; next: number } | null {
  const header = readLength(bytes, at);
  if (header === null) return null;
  if (header.encoding === -1) {
    const next = header.next + header.value;
    if (next > end) return null;
    return { value: bytes.latin1Slice(header.next, next), next };
  }
  if (header.encoding !== 3) return null;
  const packedLength = readLength(bytes, header.next);
  if (packedLength === null) return null;
  const length = readLength(bytes, packedLength.next);
  if (length === null) return null;
  const next = length.next + packedLength.value;
  if (next > end) return null;
  const value = lzfDecompress(bytes.subarray(length.next, next), length.value);
  return value === null ? null : { value: value.latin1Slice(0, value.length), next };
}

/** liblzf's decompressor. */
function lzfDecompress(input: Uint8Array, outLength: number): Buffer | null {
  const out = Buffer.alloc(outLength);
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    let ctrl = input[ip++];
    if (ctrl < 32) {
      ctrl++;
      if (op + ctrl > outLength || ip + ctrl > input.length) return null;
      for (let i = 0; i < ctrl; i++) out[op++] = input[ip++];
    } else {
      let length = ctrl >> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (length === 7) length += input[ip++];
      ref -= input[ip++];
      length += 2;
      if (op + length > outLength || ref < 0) return null;
      for (let i = 0; i < length; i++) out[op++] = out[ref++];
    }
  }
  return op === outLength ? out : null;
}

/** Redis's CRC64 (Jones polynomial, reflected), as DUMP payloads carry it. */
function crc64(bytes: Uint8Array): bigint {
  const table = CRC_TABLE;
  let crc = 0n;
  for (const b of bytes) crc = table[Number((crc ^ BigInt(b)) & 0xffn)] ^ (crc >> 8n);
  return crc;
}

const CRC_TABLE = makeCrcTable();

function makeCrcTable(): BigUint64Array {
  const table = new BigUint64Array(256);
  const poly = 0x95ac9329ac4bc9b5n;
  for (let i = 0; i < 256; i++) {
    let crc = BigInt(i);
    for (let j = 0; j < 8; j++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
    table[i] = crc;
  }
  return table;
}
