/**
 * LZF compression as liblzf 3.6 does it with Redis's settings (HLOG 16, VERY_FAST), the
 * compression RDB files use for strings. Output is byte for byte liblzf's, except that the hash
 * table starts empty (liblzf leaves it uninitialized, which only ever costs a missed match).
 */

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

/** IDX for VERY_FAST: (((h >> (3*8 - HLOG)) - h*5) & (HSIZE - 1)). */
function idx(h: number): number {
  return ((h >>> (24 - HLOG)) - h * 5) & (HSIZE - 1);
}

/** Where `base` restarts from zero, the table cleared, so stored values stay positive int32s. */
const BASE_LIMIT = 2 ** 30;

/**
 * liblzf's hash table, kept by a caller that compresses many strings (an RDB save), so that each
 * call does not allocate and clear 256 KB. Each call stores positions above a new base; anything
 * at or below it was stored by an earlier call and reads as empty, as in a fresh table.
 */
export class LzfTable {
  readonly slots = new Int32Array(HSIZE);
  private next = 0;
  private out = new Uint8Array(0);

  /** Room for a call's output, reused by the next call. */
  output(length: number): Uint8Array {
    if (this.out.length < length) this.out = new Uint8Array(Math.max(length, this.out.length * 2));
    return this.out;
  }

  /** The base of a call compressing `length` bytes. */
  begin(length: number): number {
    if (this.next + length + 1 >= BASE_LIMIT) {
      this.slots.fill(0);
      this.next = 0;
    }
    const base = this.next;
    this.next += length + 1;
    return base;
  }
}

/**
 * Compresses `input` into at most `maxLength` bytes; null when it does not fit (liblzf returns 0),
 * as for input too short to gain anything. With a `hashTable` of the caller's, the result lies in
 * the table's output room: valid until the table's next use.
 */
export function lzfCompress(
  input: Uint8Array,
  maxLength: number,
  hashTable: LzfTable = new LzfTable(),
  inLength = input.length,
): Uint8Array | null {
  if (inLength === 0 || maxLength === 0) return null;
  const out = hashTable.output(maxLength + 4);
  // base + position + 1 of the last occurrence of each hash; base or less = none.
  const table = hashTable.slots;
  const base = hashTable.begin(inLength);
  let ip = 0;
  let op = 1; // start run
  let lit = 0;
  let hval = (input[0] << 8) | input[1];
  while (ip < inLength - 2) {
    hval = ((hval << 8) | input[ip + 2]) & 0xffffff;
    const slot = idx(hval);
    const stored = table[slot];
    const ref = stored > base ? stored - base - 1 : -1;
    table[slot] = base + ip + 1;
    const off = ip - ref - 1;
    if (
      ref > 0 &&
      off < MAX_OFF &&
      input[ref] === input[ip] &&
      input[ref + 1] === input[ip + 1] &&
      input[ref + 2] === input[ip + 2]
    ) {
      const maxLen = Math.min(inLength - ip - 2, MAX_REF);
      out[op - lit - 1] = lit - 1; // stop run
      if (lit === 0) op--; // undo run if length is zero
      if (op + 3 + 1 >= maxLength) return null;
      const len = matchLength(input, ref, ip, maxLen) - 2; // octets - 1
      ip++;
      if (len < 7) {
        out[op++] = (off >> 8) + (len << 5);
      } else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // start run
      ip += len + 1;
      if (ip >= inLength - 2) break;
      // VERY_FAST: hash the two positions before the new one.
      ip -= 2;
      hval = (input[ip] << 8) | input[ip + 1];
      hval = ((hval << 8) | input[ip + 2]) & 0xffffff;
      table[idx(hval)] = base + ip + 1;
      ip++;
      hval = ((hval << 8) | input[ip + 2]) & 0xffffff;
      table[idx(hval)] = base + ip + 1;
      ip++;
    } else {
      if (op >= maxLength) return null;
      lit++;
      out[op++] = input[ip++];
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1; // stop run
        lit = 0;
        op++; // start run
      }
    }
  }
  if (op + 3 > maxLength) return null;
  while (ip < inLength) {
    lit++;
    out[op++] = input[ip++];
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1; // end run
  if (lit === 0) op--;
  return out.subarray(0, op);
}

/**
 * The length of the match at `ref` for the bytes at `ip`, counted as liblzf counts it: with more
 * than 16 bytes allowed it first compares 16 bytes unrolled, without the length limit.
 */
function matchLength(input: Uint8Array, ref: number, ip: number, maxLen: number): number {
  let len = 2;
  if (maxLen > 16) {
    for (let i = 0; i < 16; i++) {
      len++;
      if (input[ref + len] !== input[ip + len]) return len;
    }
  }
  do len++;
  while (len < maxLen && input[ref + len] === input[ip + len]);
  return len;
}

/**
 * liblzf's decompressor: the `outLength` bytes `input` expands to, or null when the input is
 * damaged (a back reference before the start, or a size other than promised).
 */
export function lzfDecompress(input: Uint8Array, outLength: number): Buffer | null {
  const out = Buffer.allocUnsafe(outLength);
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    let ctrl = input[ip++];
    if (ctrl < 32) {
      ctrl++; // literal run
      if (op + ctrl > outLength || ip + ctrl > input.length) return null;
      for (let i = 0; i < ctrl; i++) out[op++] = input[ip++];
    } else {
      let length = ctrl >> 5; // back reference
      if (length === 7) {
        if (ip >= input.length) return null;
        length += input[ip++];
      }
      if (ip >= input.length) return null;
      const ref = op - ((ctrl & 0x1f) << 8) - 1 - input[ip++];
      length += 2;
      if (op + length > outLength || ref < 0) return null;
      for (let i = 0; i < length; i++) out[op++] = out[ref + i];
    }
  }
  return op === outLength ? out : null;
}
