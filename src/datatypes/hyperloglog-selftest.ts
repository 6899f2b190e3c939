/**
 * PFSELFTEST: Redis's self test of the HyperLogLog implementation. First, random values written
 * to every dense register must read back unchanged; then 10 million distinct elements go into a
 * dense and a sparse HLL, and at every power of ten the two must agree, the sparse one must still
 * be sparse while small, and the estimate must be within 6 standard errors.
 */
import { StringBuffer } from './string-buffer.js';
import {
  HLL_DENSE,
  HLL_DENSE_SIZE,
  HLL_ENCODING_OFFSET,
  HLL_P,
  HLL_REGISTERS,
  denseGet,
  denseSet,
  denseSetIfGreater,
} from './hyperloglog-dense.js';
import {
  HLL_SEED,
  countRegisters,
  isSparse,
  newHll,
  patternOfHash,
  setRegister,
} from './hyperloglog.js';
import { murmurHash64AOfInt64 } from './murmur.js';

const TEST_CYCLES = 1000;
const ELEMENTS = 10_000_000;
const P_MASK = HLL_REGISTERS - 1;

/** A random 31-bit number, like C's rand(). */
type Rand = () => number;

/** Runs the self test; returns Redis's TESTFAILED error text, or null when all passed. */
export function hllSelfTest(random: () => number, maxSparseBytes: number): string | null {
  const rand: Rand = () => Math.floor(random() * 0x80000000);
  return registerTest(rand) ?? estimateTest(rand, maxSparseBytes);
}

/** Test 1: every register keeps its value without disturbing its neighbours. */
function registerTest(rand: Rand): string | null {
  const dense = new Uint8Array(HLL_DENSE_SIZE);
  const expected = new Uint8Array(HLL_REGISTERS);
  for (let cycle = 0; cycle < TEST_CYCLES; cycle++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const value = rand() & 63;
      expected[i] = value;
      denseSet(dense, i, value);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const value = denseGet(dense, i);
      if (value !== expected[i]) {
        return `TESTFAILED Register ${i} should be ${expected[i]} but is ${value}`;
      }
    }
  }
  return null;
}

/** Test 2: dense and sparse agree, sparse stays sparse while small, the error stays bounded. */
function estimateTest(rand: Rand, maxSparseBytes: number): string | null {
  const dense = new Uint8Array(HLL_DENSE_SIZE);
  const sparse: StringBuffer = newHll();
  let sparseBytes = sparse.bytes();
  const relativeError = 1.04 / Math.sqrt(HLL_REGISTERS);
  const seedLo = rand();
  const seedHi = rand();
  const hash = { hi: 0, lo: 0 };
  let checkpoint = 1;
  for (let j = 1; j <= ELEMENTS; j++) {
    // The element is the 8 little-endian bytes of j ^ seed (j < 2^32 leaves the high half alone).
    const pattern = patternOfHash(murmurHash64AOfInt64(seedHi, j ^ seedLo, HLL_SEED, hash));
    const index = pattern & P_MASK;
    const count = pattern >>> HLL_P;
    denseSetIfGreater(dense, index, count);
    // Once promoted, the second HLL's bytes stay where they are: skip taking a view each time.
    if (sparseBytes[HLL_ENCODING_OFFSET] === HLL_DENSE) {
      denseSetIfGreater(sparseBytes, index, count);
    } else {
      setRegister(sparse, index, count, maxSparseBytes);
      sparseBytes = sparse.bytes();
    }
    if (j !== checkpoint) continue;
    if (j < maxSparseBytes / 2 && !isSparse(sparseBytes)) {
      return 'TESTFAILED sparse encoding not used';
    }
    const card = countRegisters(dense) as number;
    if (card !== countRegisters(sparseBytes)) return 'TESTFAILED dense/sparse disagree';
    const maxError = j === 10 ? 1 : Math.ceil(relativeError * 6 * checkpoint);
    const absError = Math.abs(checkpoint - card);
    if (absError > maxError) {
      return `TESTFAILED Too big error. card:${checkpoint} abserr:${absError}`;
    }
    checkpoint *= 10;
  }
  return null;
}
