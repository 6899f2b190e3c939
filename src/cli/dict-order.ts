/**
 * The order in which redis-cli lists the key types in the --bigkeys summary is the iteration
 * order of its type table, a Redis dict: SipHash buckets, incremental rehashing while the table
 * grows, and rehash steps taken on every lookup. This module replays those operations to list
 * the types in the very same order.
 */

const MASK64 = (1n << 64n) - 1n;
/** redis-cli never seeds its dict hash function: the SipHash key is sixteen zero bytes. */
const SEED = [0n, 0n];
const INITIAL_SIZE = 4;

/** A dict that records only which key sits where, to be iterated as Redis iterates it. */
export class DictOrder {
  /** Buckets of the main table and, while rehashing, of the new one; chains newest first. */
  private tables: string[][][] = [[], []];
  private used = [0, 0];
  private rehashIndex = -1;

  /** dictAdd of a new key. */
  add(key: string): void {
    if (this.rehashing) this.rehashStep();
    this.expandIfNeeded();
    const table = this.rehashing ? 1 : 0;
    const buckets = this.tables[table];
    buckets[bucketOf(key, buckets.length)].unshift(key);
    this.used[table]++;
  }

  /** dictFind: only its side effect, a rehash step, matters here. */
  find(): void {
    if (this.used[0] + this.used[1] === 0) return;
    if (this.rehashing) this.rehashStep();
  }

  /** The keys in dictNext order. */
  keys(): string[] {
    return this.tables.flatMap((buckets) => buckets.flat());
  }

  private get rehashing(): boolean {
    return this.rehashIndex !== -1;
  }

  private expandIfNeeded(): void {
    if (this.rehashing) return;
    const size = this.tables[0].length;
    if (size === 0) {
      this.tables[0] = emptyBuckets(INITIAL_SIZE);
    } else if (this.used[0] >= size) {
      this.tables[1] = emptyBuckets(nextPowerOfTwo(this.used[0] + 1));
      this.rehashIndex = 0;
    }
  }

  /** dictRehash(d, 1): moves one bucket, giving up after ten empty ones. */
  private rehashStep(): void {
    const [old, next] = this.tables;
    let emptyVisits = 10;
    if (this.used[0] !== 0) {
      while (old[this.rehashIndex].length === 0) {
        this.rehashIndex++;
        if (--emptyVisits === 0) return;
      }
      for (const key of old[this.rehashIndex]) {
        next[bucketOf(key, next.length)].unshift(key);
        this.used[0]--;
        this.used[1]++;
      }
      old[this.rehashIndex] = [];
      this.rehashIndex++;
    }
    if (this.used[0] === 0) {
      this.tables = [next, []];
      this.used = [this.used[1], 0];
      this.rehashIndex = -1;
    }
  }
}

function emptyBuckets(size: number): string[][] {
  return Array.from({ length: size }, () => []);
}

function nextPowerOfTwo(n: number): number {
  let size = INITIAL_SIZE;
  while (size < n) size *= 2;
  return size;
}

function bucketOf(key: string, size: number): number {
  return Number(siphash(Buffer.from(key, 'latin1')) & BigInt(size - 1));
}

/**
 * SipHash, by default with Redis's rounds: Redis hashes dict keys with SipHash-1-2 (one round
 * per word, two to finish) rather than the standard 2-4.
 */
export function siphash(
  data: Buffer,
  key: bigint[] = SEED,
  [compression, finalization] = [1, 2],
): bigint {
  const v = [
    key[0] ^ 0x736f6d6570736575n,
    key[1] ^ 0x646f72616e646f6dn,
    key[0] ^ 0x6c7967656e657261n,
    key[1] ^ 0x7465646279746573n,
  ];
  const rounds = (count: number) => {
    for (let i = 0; i < count; i++) {
      v[0] = (v[0] + v[1]) & MASK64;
      v[1] = rotl(v[1], 13n) ^ v[0];
      v[0] = rotl(v[0], 32n);
      v[2] = (v[2] + v[3]) & MASK64;
      v[3] = rotl(v[3], 16n) ^ v[2];
      v[0] = (v[0] + v[3]) & MASK64;
      v[3] = rotl(v[3], 21n) ^ v[0];
      v[2] = (v[2] + v[1]) & MASK64;
      v[1] = rotl(v[1], 17n) ^ v[2];
      v[2] = rotl(v[2], 32n);
    }
  };
  const whole = data.length - (data.length % 8);
  for (let i = 0; i < whole; i += 8) {
    const word = data.readBigUInt64LE(i);
    v[3] ^= word;
    rounds(compression);
    v[0] ^= word;
  }
  let last = BigInt(data.length & 0xff) << 56n;
  for (let i = whole; i < data.length; i++) last |= BigInt(data[i]) << BigInt(8 * (i - whole));
  v[3] ^= last;
  rounds(compression);
  v[0] ^= last;
  v[2] ^= 0xffn;
  rounds(finalization);
  return v[0] ^ v[1] ^ v[2] ^ v[3];
}

function rotl(x: bigint, bits: bigint): bigint {
  return ((x << bits) | (x >> (64n - bits))) & MASK64;
}
