/**
 * A mutable byte string for values that are modified in place (APPEND, SETRANGE, SETBIT): bytes
 * with spare capacity that grows greedily, like Redis's sds. Immutable values stay plain latin1
 * strings; a value becomes a StringBuffer the first time it is modified in place, which is also
 * when Redis turns it into the "raw" encoding.
 */
export class StringBuffer {
  private buf: Buffer;
  length: number;

  constructor(initial: string, extraCapacity = 0) {
    this.buf = Buffer.allocUnsafe(initial.length + extraCapacity);
    this.buf.latin1Write(initial, 0);
    this.length = initial.length;
  }

  /** Makes room for `size` bytes; new bytes between the old end and `size` are zeroed. */
  grow(size: number): void {
    if (size <= this.length) return;
    if (size > this.buf.length) {
      // Greedy growth as sds does: double up to 1 MB, then 1 MB at a time.
      const capacity = size < 1024 * 1024 ? size * 2 : size + 1024 * 1024;
      const next = Buffer.allocUnsafe(capacity);
      this.buf.copy(next, 0, 0, this.length);
      this.buf = next;
    }
    this.buf.fill(0, this.length, size);
    this.length = size;
  }

  /** Drops the bytes from `size` on; the capacity stays (sdsIncrLen with a negative increment). */
  truncate(size: number): void {
    if (size < this.length) this.length = size;
  }

  /** Replaces the whole content with a copy of `bytes`, in a buffer of exactly that size. */
  replace(bytes: Uint8Array): void {
    this.buf = Buffer.from(bytes);
    this.length = bytes.length;
  }

  append(bytes: string): void {
    const start = this.length;
    this.grow(start + bytes.length);
    this.buf.latin1Write(bytes, start);
  }

  /** Writes `bytes` at `offset`, zero-padding any gap (SETRANGE). */
  writeAt(offset: number, bytes: string): void {
    this.grow(offset + bytes.length);
    this.buf.latin1Write(bytes, offset);
  }

  byteAt(index: number): number {
    return this.buf[index];
  }

  setByteAt(index: number, value: number): void {
    this.buf[index] = value;
  }

  /** The bytes in [start, end) as a latin1 string. */
  slice(start = 0, end = this.length): string {
    return this.buf.latin1Slice(start, Math.min(end, this.length));
  }

  /** A view of the live bytes (valid until the next modification). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  toString(): string {
    return this.buf.latin1Slice(0, this.length);
  }
}
