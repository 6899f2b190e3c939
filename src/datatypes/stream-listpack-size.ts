/**
 * The byte size Redis's listpack encoding gives stream node elements. Kvik stores nodes in its
 * own format, but Redis decides when a stream starts a new node from the listpack's byte size
 * (stream-node-max-bytes), so each node keeps that size up to date to split where Redis does,
 * which XINFO STREAM's radix-tree-keys and radix-tree-nodes show.
 */
import type { U64 } from './stream-id.js';

/** An empty listpack: the 6-byte header and the end byte. */
export const LISTPACK_EMPTY_BYTES = 7;

/** The size of an element's back-length field, for an encoded element of `length` bytes. */
function backlenSize(length: number): number {
  if (length <= 127) return 1;
  if (length < 16383) return 2;
  if (length < 2097151) return 3;
  if (length < 268435455) return 4;
  return 5;
}

/** The encoded size of an integer element, back-length included. */
export function listpackIntSize(v: U64): number {
  let size: number;
  if (v >= 0 && v <= 127) size = 1;
  else if (v >= -4096 && v <= 4095) size = 2;
  else if (v >= -32768 && v <= 32767) size = 3;
  else if (v >= -8388608 && v <= 8388607) size = 4;
  else if (v >= -2147483648 && v <= 2147483647) size = 5;
  else size = 9;
  return size + 1;
}

const INT64_TEXT = /^(?:0|-?[1-9][0-9]*)$/;

/**
 * The encoded size of a string element, back-length included. A string that reads as a
 * canonical 64-bit integer is stored as an integer, as listpacks do.
 */
export function listpackStringSize(s: string): number {
  const length = s.length;
  if (length > 0 && length < 21) {
    const c = s.charCodeAt(0);
    if (((c >= 48 && c <= 57) || c === 45) && INT64_TEXT.test(s)) {
      if (length < 16) return listpackIntSize(Number(s));
      const v = BigInt(s);
      if (v >= -(2n ** 63n) && v < 2n ** 63n) return listpackIntSize(v);
    }
  }
  const encoded = length < 64 ? 1 + length : length < 4096 ? 2 + length : 5 + length;
  return encoded + backlenSize(encoded);
}
