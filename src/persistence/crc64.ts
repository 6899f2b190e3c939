/**
 * Redis's CRC64 (Jones polynomial 0xad93d23594c935a9, reflected, no final xor), the checksum that
 * ends RDB files and DUMP payloads. Table-driven, one table lookup per byte on two 32-bit halves,
 * so no bigint arithmetic runs per byte; `Crc64` takes the input in pieces, as a save streams it.
 */

/** The reflected polynomial, split into its high and low 32 bits. */
const POLY_HI = 0x95ac9329;
const POLY_LO = 0xac4bc9b5;

const { hi: TABLE_HI, lo: TABLE_LO } = makeTables();

function makeTables(): { hi: Uint32Array; lo: Uint32Array } {
  const hi = new Uint32Array(256);
  const lo = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let h = 0;
    let l = i;
    for (let bit = 0; bit < 8; bit++) {
      const carry = l & 1;
      l = ((l >>> 1) | ((h & 1) << 31)) >>> 0;
      h >>>= 1;
      if (carry) {
        h = (h ^ POLY_HI) >>> 0;
        l = (l ^ POLY_LO) >>> 0;
      }
    }
    hi[i] = h;
    lo[i] = l;
  }
  return { hi, lo };
}

export class Crc64 {
  private hi = 0;
  private lo = 0;

  update(bytes: Uint8Array, start = 0, end = bytes.length): this {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = start; i < end; i++) {
      const index = (lo ^ bytes[i]) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ TABLE_LO[index];
      hi = (hi >>> 8) ^ TABLE_HI[index];
    }
    this.hi = hi >>> 0;
    this.lo = lo >>> 0;
    return this;
  }

  digest(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /** The checksum as the 8 little-endian bytes files and payloads end with. */
  writeTo(target: Uint8Array, at: number): void {
    const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
    view.setUint32(at, this.lo, true);
    view.setUint32(at + 4, this.hi, true);
  }
}

export function crc64(bytes: Uint8Array, start = 0, end = bytes.length): bigint {
  return new Crc64().update(bytes, start, end).digest();
}
