import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  HLL_REGISTERS,
  addElements,
  cachedCardinality,
  countRawRegisters,
  countRegisters,
  decodeSparse,
  denseGet,
  invalidateCache,
  isHll,
  isSparse,
  mergeRegisters,
  newHll,
  setRegister,
  sparseToDense,
  storeCardinality,
} from '../../src/datatypes/hyperloglog.js';
import { forEachSparseRun } from '../../src/datatypes/hyperloglog-sparse.js';
import { StringBuffer } from '../../src/datatypes/string-buffer.js';

/** The 16384 registers of an HLL, whatever its encoding. */
function registersOf(hll: StringBuffer): Uint8Array {
  const registers = new Uint8Array(HLL_REGISTERS);
  assert.ok(mergeRegisters(registers, hll.bytes()));
  return registers;
}

function elements(count: number, prefix = 'element:'): string[] {
  return Array.from({ length: count }, (_, i) => prefix + i);
}

describe('the sparse HyperLogLog encoding', () => {
  it('starts as one XZERO covering all registers, behind the HYLL header', () => {
    const hll = newHll();
    assert.equal(hll.toString(), 'HYLL\x01\0\0\0\0\0\0\0\0\0\0\0\x7f\xff');
    assert.equal(decodeSparse(hll.bytes()), 'Z:16384');
    assert.equal(countRegisters(hll.bytes()), 0);
  });

  it('writes Redis’s documented example with ZERO, XZERO and VAL opcodes', () => {
    const hll = newHll();
    setRegister(hll, 1000, 2, 3000);
    setRegister(hll, 1020, 3, 3000);
    setRegister(hll, 1021, 3, 3000);
    assert.equal(decodeSparse(hll.bytes()), 'Z:1000 v:2,1 z:19 v:3,2 Z:15362');
  });

  it('merges neighbouring runs of one value up to four registers', () => {
    const hll = newHll();
    for (const index of [10, 12, 11, 13, 14]) setRegister(hll, index, 5, 3000);
    assert.equal(decodeSparse(hll.bytes()), 'z:10 v:5,4 v:5,1 Z:16369');
  });

  it('keeps the same registers as a plain array under random updates', () => {
    const update = fc.tuple(fc.nat(HLL_REGISTERS - 1), fc.integer({ min: 1, max: 40 }));
    fc.assert(
      fc.property(fc.array(update, { maxLength: 400 }), (updates) => {
        const hll = newHll();
        const model = new Uint8Array(HLL_REGISTERS);
        for (const [index, count] of updates) {
          const changed = setRegister(hll, index, count, 3000);
          assert.equal(changed, count > model[index] ? 1 : 0);
          if (count > model[index]) model[index] = count;
        }
        assert.deepEqual(registersOf(hll), model);
        assert.equal(
          isSparse(hll.bytes()),
          updates.every(([, count]) => count <= 32),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('never grows past hll-sparse-max-bytes: it turns dense instead', () => {
    for (const limit of [0, 100, 3000]) {
      const hll = newHll();
      for (const element of elements(3000)) {
        addElements(hll, [element], 0, limit);
        if (isSparse(hll.bytes())) assert.ok(hll.length <= Math.max(limit, 18));
      }
      assert.equal(isSparse(hll.bytes()), false);
      assert.equal(hll.length, 16 + 12288);
    }
  });

  it('converts to dense keeping the header and every register', () => {
    const hll = newHll();
    addElements(hll, elements(500), 0, 3000);
    storeCardinality(hll.bytes(), 498);
    const before = registersOf(hll);
    assert.ok(sparseToDense(hll));
    const bytes = hll.bytes();
    assert.equal(bytes.latin1Slice(0, 4), 'HYLL');
    assert.equal(bytes[4], 0);
    assert.equal(cachedCardinality(bytes), 498);
    for (let i = 0; i < HLL_REGISTERS; i++) assert.equal(denseGet(bytes, i), before[i]);
    assert.ok(sparseToDense(hll), 'already dense');
  });

  it('refuses corrupt opcodes without changing the value', () => {
    const header = 'HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80';
    for (const opcodes of ['', '\x7f\xff\x00', '\x7e\x7f', '\x7f\xff\x7f\xff']) {
      const hll = new StringBuffer(header + opcodes);
      assert.equal(sparseToDense(hll), false);
      assert.equal(hll.toString(), header + opcodes);
      assert.equal(countRegisters(hll.bytes()), null);
      assert.equal(mergeRegisters(new Uint8Array(HLL_REGISTERS), hll.bytes()), false);
    }
    assert.equal(
      forEachSparseRun(Buffer.from(header + '\x7f\xff', 'latin1'), () => {}),
      true,
    );
  });
});

describe('HyperLogLog values', () => {
  it('are recognized by header, encoding and dense size as Redis checks them', () => {
    const dense = 'HYLL\0' + '\0'.repeat(11) + '\0'.repeat(12288);
    assert.ok(isHll(newHll()));
    assert.ok(isHll(newHll().toString()));
    assert.ok(isHll(dense));
    assert.ok(isHll('HYLL\x01' + '\0'.repeat(11)));
    assert.equal(isHll(dense + '\0'), false);
    assert.equal(isHll('HYLL\x02' + '\0'.repeat(11)), false);
    assert.equal(isHll('HYLX\x01' + '\0'.repeat(11)), false);
    assert.equal(isHll('HYLL'), false);
  });

  it('cache the cardinality little-endian, with the top bit marking it stale', () => {
    const bytes = newHll().bytes();
    assert.equal(cachedCardinality(bytes), 0);
    storeCardinality(bytes, 0x123456789a);
    assert.deepEqual([...bytes.subarray(8, 16)], [0x9a, 0x78, 0x56, 0x34, 0x12, 0, 0, 0]);
    assert.equal(cachedCardinality(bytes), 0x123456789a);
    invalidateCache(bytes);
    assert.equal(cachedCardinality(bytes), null);
    bytes.set([1, 0, 0, 0, 0, 0, 0, 0x7f], 8);
    assert.equal(cachedCardinality(bytes), 0x7f00000000000001n);
  });

  it('estimate within Redis’s standard error from 100k to 1M elements', () => {
    const hll = newHll();
    const checkpoints = [100_000, 250_000, 500_000, 750_000, 1_000_000];
    let added = 0;
    let squares = 0;
    for (const checkpoint of checkpoints) {
      addElements(
        hll,
        elements(checkpoint - added, 'e').map((e, i) => e + (added + i)),
        0,
        3000,
      );
      added = checkpoint;
      const estimate = countRegisters(hll.bytes()) as number;
      const error = (estimate - checkpoint) / checkpoint;
      // 0.81% is one standard error: a single estimate stays well within three.
      assert.ok(Math.abs(error) < 3 * 0.0081, `${checkpoint}: ${estimate}`);
      squares += error * error;
    }
    assert.ok(Math.sqrt(squares / checkpoints.length) < 0.0081 * 1.5);
  });

  it('count small sets almost exactly and the empty set as zero', () => {
    assert.equal(countRawRegisters(new Uint8Array(HLL_REGISTERS)), 0);
    for (const size of [1, 10, 100, 1000]) {
      const hll = newHll();
      addElements(hll, elements(size), 0, 3000);
      const estimate = countRegisters(hll.bytes()) as number;
      assert.ok(Math.abs(estimate - size) <= Math.max(1, size * 0.02), `${size}: ${estimate}`);
    }
  });

  it('report whether adding changed any register, as PFADD’s reply needs', () => {
    const hll = newHll();
    assert.equal(addElements(hll, ['x', 'a', 'b', 'c'], 1, 3000), 3);
    assert.equal(addElements(hll, ['a', 'b', 'c'], 0, 3000), 0);
    assert.equal(addElements(new StringBuffer('HYLL\x01' + '\0'.repeat(11)), ['a'], 0, 3000), -1);
  });
});
