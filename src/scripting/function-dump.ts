/**
 * FUNCTION DUMP / RESTORE payloads, as Redis 7.0 writes them: for each library the
 * RDB_OPCODE_FUNCTION2 byte and its code as an RDB string (LZF-compressed when that saves space
 * and rdbcompression is on), then the RDB version (2 bytes) and a CRC64 of everything before
 * (8 bytes, little endian): the framing of DUMP payloads (src/persistence/rdb-dump.ts).
 */
import { RDB_VERSION, RdbOpcode } from '../persistence/rdb-constants.js';
import { RdbDecoder, RdbLoadError } from '../persistence/rdb-decoder.js';
import { verifyDumpPayload } from '../persistence/rdb-dump.js';
import { RdbEncoder, writeFunctions } from '../persistence/rdb-write.js';

const FOOTER_BYTES = 10;

/** The payload of the libraries' codes, as a latin1 string. */
export function dumpLibraries(codes: readonly string[], compress: boolean): string {
  const enc = new RdbEncoder({ compress, checksum: true });
  writeFunctions(enc, codes);
  enc.byte(RDB_VERSION & 0xff);
  enc.byte(RDB_VERSION >> 8);
  enc.writeChecksum();
  const bytes = enc.take();
  return bytes.latin1Slice(0, bytes.length);
}

/** The libraries' codes in a payload, or null when its version or checksum (if checked) is wrong. */
export function parseDump(payload: string, checkCrc: boolean): string[] | null {
  const bytes = Buffer.from(payload, 'latin1');
  if (!verifyDumpPayload(bytes, checkCrc)) return null;
  const dec = new RdbDecoder(bytes, bytes.length - FOOTER_BYTES);
  const codes: string[] = [];
  try {
    while (!dec.atEnd) {
      if (dec.byte() !== RdbOpcode.FUNCTION2) return null;
      codes.push(dec.string());
    }
  } catch (err) {
    if (err instanceof RdbLoadError) return null;
    throw err;
  }
  return codes;
}
