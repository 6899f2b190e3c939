/**
 * MurmurHash64A (Austin Appleby's MurmurHash2, 64-bit version), the hash Redis's HyperLogLog uses.
 * The 64-bit arithmetic is done on two unsigned 32-bit halves so that hashing an element allocates
 * nothing and never touches BigInt: multiplications modulo 2^64 are put together from 16-bit
 * partial products, which doubles hold exactly.
 */

/**
 * A 64-bit value as two 32-bit halves, kept as signed int32 (V8's fastest integers): read them
 * with `>>> 0` where the unsigned value matters.
 */
export interface Hash64 {
  hi: number;
  lo: number;
}

/** The multiplier m = 0xc6a4a7935bd1e995, as halves and the 16-bit parts of its low half. */
const M_HI = 0xc6a4a793 | 0;
const M_LO = 0x5bd1e995;
const M_LO_0 = M_LO & 0xffff;
const M_LO_1 = M_LO >>> 16;

/** (hi, lo) * m modulo 2^64, written into `out`. */
function mulM(hi: number, lo: number, out: Hash64): void {
  const a0 = lo & 0xffff;
  const a1 = lo >>> 16;
  const p00 = Math.imul(a0, M_LO_0) >>> 0;
  const p01 = a0 * M_LO_1;
  const p10 = a1 * M_LO_0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  // The high 32 bits of the 64-bit product lo * M_LO.
  const carry = a1 * M_LO_1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  out.lo = ((mid & 0xffff) << 16) | (p00 & 0xffff);
  out.hi = (carry + Math.imul(hi, M_LO) + Math.imul(lo, M_HI)) | 0;
}

/** Starts a hash of `len` bytes in `out`: h = seed ^ (len * m). */
function begin(len: number, seed: number, out: Hash64): void {
  mulM(0, len, out);
  out.lo ^= seed;
}

/** Mixes the 8-byte block k (read little-endian) into the hash in `out`. */
function mixBlock(kHi: number, kLo: number, out: Hash64): void {
  const hHi = out.hi;
  const hLo = out.lo;
  mulM(kHi, kLo, out); // k *= m
  mulM(out.hi, out.lo ^ (out.hi >>> 15), out); // k ^= k >> 47; k *= m
  mulM(hHi ^ out.hi, hLo ^ out.lo, out); // h ^= k; h *= m
}

/** The final avalanche: h ^= h >> 47; h *= m; h ^= h >> 47. */
function finish(out: Hash64): Hash64 {
  mulM(out.hi, out.lo ^ (out.hi >>> 15), out);
  out.lo ^= out.hi >>> 15;
  return out;
}

/**
 * MurmurHash64A of a latin1 string (one byte per char) with a 32-bit seed, into `out`, exactly as
 * Redis computes it: 8-byte blocks read little-endian, then the 1 to 7 tail bytes.
 */
export function murmurHash64A(key: string, seed: number, out: Hash64): Hash64 {
  const len = key.length;
  begin(len, seed, out);
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    mixBlock(
      key.charCodeAt(i + 4) |
        (key.charCodeAt(i + 5) << 8) |
        (key.charCodeAt(i + 6) << 16) |
        (key.charCodeAt(i + 7) << 24),
      key.charCodeAt(i) |
        (key.charCodeAt(i + 1) << 8) |
        (key.charCodeAt(i + 2) << 16) |
        (key.charCodeAt(i + 3) << 24),
      out,
    );
  }
  const tail = len & 7;
  if (tail !== 0) {
    for (let j = tail - 1; j >= 0; j--) {
      const byte = key.charCodeAt(blocks + j);
      if (j >= 4) out.hi ^= byte << (8 * (j - 4));
      else out.lo ^= byte << (8 * j);
    }
    mulM(out.hi, out.lo, out);
  }
  return finish(out);
}

/** MurmurHash64A of the 8 little-endian bytes of a 64-bit integer given as halves. */
export function murmurHash64AOfInt64(hi: number, lo: number, seed: number, out: Hash64): Hash64 {
  begin(8, seed, out);
  mixBlock(hi, lo, out);
  return finish(out);
}

/** The hash as one unsigned 64-bit BigInt (for tests and diagnostics, not hot paths). */
export function hash64ToBigInt(hash: Hash64): bigint {
  return (BigInt(hash.hi >>> 0) << 32n) | BigInt(hash.lo >>> 0);
}
