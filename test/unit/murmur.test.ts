import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { hash64ToBigInt, murmurHash64A } from '../../src/datatypes/murmur.js';

const M = 0xc6a4a7935bd1e995n;
const MASK = (1n << 64n) - 1n;
const SEED = 0xadc83b19;

/** MurmurHash64A written straight from its description, in BigInt arithmetic modulo 2^64. */
function reference(key: string, seed: number): bigint {
  const len = key.length;
  let h = (BigInt(seed) ^ (BigInt(len) * M)) & MASK;
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    let k = 0n;
    for (let b = 7; b >= 0; b--) k = (k << 8n) | BigInt(key.charCodeAt(i + b));
    k = (k * M) & MASK;
    k ^= k >> 47n;
    k = (k * M) & MASK;
    h ^= k;
    h = (h * M) & MASK;
  }
  if ((len & 7) !== 0) {
    for (let j = (len & 7) - 1; j >= 0; j--) {
      h ^= BigInt(key.charCodeAt(blocks + j)) << BigInt(8 * j);
    }
    h = (h * M) & MASK;
  }
  h ^= h >> 47n;
  h = (h * M) & MASK;
  h ^= h >> 47n;
  return h;
}

function hash(key: string, seed = SEED): bigint {
  return hash64ToBigInt(murmurHash64A(key, seed, { hi: 0, lo: 0 }));
}

describe('MurmurHash64A on 32-bit halves', () => {
  it('equals the BigInt reference for every length from 0 to 40 and any bytes', () => {
    const latin1 = fc
      .array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 })
      .map((codes) => String.fromCharCode(...codes));
    fc.assert(
      fc.property(latin1, fc.integer({ min: 0, max: 0xffffffff }), (key, seed) => {
        assert.equal(hash(key, seed), reference(key, seed));
      }),
      { numRuns: 3000 },
    );
  });

  it('hashes bytes whose high bit is set without sign trouble', () => {
    for (const key of ['\xff'.repeat(8), '\xff'.repeat(15), '\x80\x00\x00\x80', '\xff']) {
      assert.equal(hash(key), reference(key, SEED));
    }
  });

  it('puts "a" in register 12711 with a run of 2, as redis-server 7.0 does (PFDEBUG DECODE)', () => {
    const h = hash('a');
    assert.equal(Number(h & 0x3fffn), 12711);
    // The lowest set bit above the 14 index bits is bit 15: a count of 2.
    assert.equal((h >> 14n) & 3n, 2n);
  });

  it('hashes the empty string from its seed alone', () => {
    assert.equal(hash(''), reference('', SEED));
    assert.notEqual(hash(''), hash('', 0));
  });
});
