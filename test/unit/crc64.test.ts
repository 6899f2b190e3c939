import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Crc64, crc64 } from '../../src/persistence/crc64.js';

/** Bit by bit, as the polynomial's definition reads: the reference for the table-driven code. */
function slowCrc64(bytes: Uint8Array): bigint {
  let crc = 0n;
  for (const b of bytes) {
    crc ^= BigInt(b);
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 1n ? (crc >> 1n) ^ 0x95ac9329ac4bc9b5n : crc >> 1n;
  }
  return crc;
}

describe('CRC64 (Jones, as Redis)', () => {
  it('gives Redis test vector e9c6d914c4b8d9ca for "123456789"', () => {
    assert.equal(crc64(Buffer.from('123456789')), 0xe9c6d914c4b8d9can);
  });

  it('is 0 for no bytes', () => {
    assert.equal(crc64(new Uint8Array(0)), 0n);
  });

  it('equals the bitwise definition on random input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        assert.equal(crc64(bytes), slowCrc64(bytes));
      }),
    );
  });

  it('equals the bitwise definition over any range of a buffer, aligned or not', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat(400), fc.nat(400), (bytes, a, b) => {
        const shifted = new Uint8Array(bytes.length + 3).subarray(3);
        shifted.set(bytes);
        const [start, end] = [Math.min(a, b, bytes.length), Math.min(Math.max(a, b), bytes.length)];
        const expected = slowCrc64(bytes.subarray(start, end));
        assert.equal(crc64(bytes, start, end), expected);
        assert.equal(crc64(shifted, start, end), expected);
      }),
    );
  });

  it('gives the same checksum fed in pieces as at once, and writes it little endian', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(200), (bytes, cut) => {
        const at = Math.min(cut, bytes.length);
        const crc = new Crc64().update(bytes, 0, at).update(bytes, at);
        assert.equal(crc.digest(), crc64(bytes));
        const out = Buffer.alloc(8);
        crc.writeTo(out, 0);
        assert.equal(out.readBigUInt64LE(0), crc64(bytes));
      }),
    );
  });
});
