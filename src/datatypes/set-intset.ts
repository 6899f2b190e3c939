/**
 * Redis's intset: the compact form of a set whose members are all integers. The values are kept
 * sorted in a BigInt64Array (8 bytes each, no object per member), found by binary search and
 * inserted or removed by moving the tail, as Redis does.
 */

const INT_PATTERN = /^(?:0|-?[1-9][0-9]*)$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The integer a member stands for when Redis would keep it in an intset (string2ll: canonical
 * decimal, no '+', no leading zeros, within int64), else null.
 */
export function intsetValueOf(member: string): bigint | null {
  const length = member.length;
  if (length === 0 || length > 20) return null;
  const first = member.charCodeAt(0);
  // Most members that are not numbers are rejected here, before the pattern.
  if (first !== 45 && (first < 48 || first > 57)) return null;
  if (!INT_PATTERN.test(member)) return null;
  const value = BigInt(member);
  return value < INT64_MIN || value > INT64_MAX ? null : value;
}

export class IntSet {
  private values: BigInt64Array;
  private length = 0;

  constructor(capacity = 4) {
    this.values = new BigInt64Array(capacity);
  }

  get size(): number {
    return this.length;
  }

  /** The value at a position, in ascending order. */
  at(index: number): bigint {
    return this.values[index];
  }

  has(value: bigint): boolean {
    const at = this.search(value);
    return at < this.length && this.values[at] === value;
  }

  /** Adds a value; false when it was already there. */
  add(value: bigint): boolean {
    const at = this.search(value);
    if (at < this.length && this.values[at] === value) return false;
    if (this.length === this.values.length) {
      const grown = new BigInt64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values.copyWithin(at + 1, at, this.length);
    this.values[at] = value;
    this.length++;
    return true;
  }

  /** Removes a value; false when it was not there. */
  remove(value: bigint): boolean {
    const at = this.search(value);
    if (at >= this.length || this.values[at] !== value) return false;
    this.removeAt(at);
    return true;
  }

  removeAt(index: number): void {
    this.values.copyWithin(index, index + 1, this.length);
    this.length--;
    if (this.values.length > 16 && this.length < this.values.length / 4) {
      this.values = this.values.slice(0, this.values.length / 2);
    }
  }

  clone(): IntSet {
    const copy = new IntSet(Math.max(4, this.length));
    copy.values.set(this.values.subarray(0, this.length));
    copy.length = this.length;
    return copy;
  }

  /** The first position whose value is >= value. */
  private search(value: bigint): number {
    const values = this.values;
    let low = 0;
    let high = this.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (values[mid] < value) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
