/**
 * A list value: a double-ended queue in one ring buffer. Pushes and pops at both ends are O(1)
 * (amortized over the occasional doubling), and any index is O(1), so LINDEX, LSET and LRANGE
 * cost what they return. Inserting or removing inside the list moves the elements of the shorter
 * side only.
 *
 * Redis 7.0 encodes every list as a quicklist whatever its size (the small-list listpack encoding
 * came with 7.2), so that is the only encoding name a list reports.
 */
import type { CollectionValue } from '../keyspace/values.js';

/** The smallest ring; it doubles when full and halves when three quarters empty. */
const MIN_CAPACITY = 4;

export class ListValue implements CollectionValue {
  /** Capacity is a power of two, so positions wrap with a mask. Free slots hold undefined. */
  private ring: (string | undefined)[];
  private head = 0;
  private count = 0;
  /**
   * The total length of the elements, kept as they come and go, so the memory estimate of a
   * long list costs nothing per write (sampling elements all over a big ring misses the caches).
   */
  private chars = 0;

  constructor(capacity = MIN_CAPACITY) {
    this.ring = new Array<string | undefined>(ringCapacity(capacity));
  }

  /** A list of the given elements, head first. */
  static of(elements: readonly string[]): ListValue {
    const list = new ListValue(elements.length);
    for (const element of elements) list.pushTail(element);
    return list;
  }

  get type(): 'list' {
    return 'list';
  }

  get encoding(): 'quicklist' {
    return 'quicklist';
  }

  get length(): number {
    return this.count;
  }

  /** The total length of all elements. */
  get elementChars(): number {
    return this.chars;
  }

  /** The element at index (0 is the head); the index must be in [0, length). */
  at(index: number): string {
    return this.ring[(this.head + index) & (this.ring.length - 1)] as string;
  }

  /** Replaces the element at index; the index must be in [0, length). */
  set(index: number, value: string): void {
    const slot = (this.head + index) & (this.ring.length - 1);
    this.chars += value.length - (this.ring[slot] as string).length;
    this.ring[slot] = value;
  }

  pushHead(value: string): void {
    if (this.count === this.ring.length) this.resize(this.ring.length * 2);
    this.head = (this.head - 1) & (this.ring.length - 1);
    this.ring[this.head] = value;
    this.count++;
    this.chars += value.length;
  }

  pushTail(value: string): void {
    if (this.count === this.ring.length) this.resize(this.ring.length * 2);
    this.ring[(this.head + this.count) & (this.ring.length - 1)] = value;
    this.count++;
    this.chars += value.length;
  }

  /** Removes and returns the head element, or undefined when the list is empty. */
  popHead(): string | undefined {
    if (this.count === 0) return undefined;
    const value = this.ring[this.head] as string;
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) & (this.ring.length - 1);
    this.count--;
    this.chars -= value.length;
    this.shrinkIfSparse();
    return value;
  }

  /** Removes and returns the tail element, or undefined when the list is empty. */
  popTail(): string | undefined {
    if (this.count === 0) return undefined;
    const slot = (this.head + this.count - 1) & (this.ring.length - 1);
    const value = this.ring[slot] as string;
    this.ring[slot] = undefined;
    this.count--;
    this.chars -= value.length;
    this.shrinkIfSparse();
    return value;
  }

  /** The index of the first element equal to value, from the head, or -1. */
  indexOf(value: string): number {
    for (let i = 0; i < this.count; i++) if (this.at(i) === value) return i;
    return -1;
  }

  /** Inserts value so that it ends up at index, in [0, length]. */
  insert(index: number, value: string): void {
    if (index <= this.count / 2) {
      this.pushHead(value);
      for (let i = 0; i < index; i++) this.set(i, this.at(i + 1));
    } else {
      this.pushTail(value);
      for (let i = this.count - 1; i > index; i--) this.set(i, this.at(i - 1));
    }
    this.set(index, value);
  }

  /**
   * Removes elements equal to value (Redis's LREM): all of them when count is 0, else up to
   * |count|, from the head when count > 0 and from the tail when count < 0. Returns how many.
   */
  remove(value: string, count: number): number {
    const limit = count === 0 ? Infinity : Math.abs(count);
    const kept: string[] = [];
    let removed = 0;
    if (count >= 0) {
      for (let i = 0; i < this.count; i++) {
        const element = this.at(i);
        if (element === value && removed < limit) removed++;
        else kept.push(element);
      }
    } else {
      for (let i = this.count - 1; i >= 0; i--) {
        const element = this.at(i);
        if (element === value && removed < limit) removed++;
        else kept.push(element);
      }
      kept.reverse();
    }
    if (removed > 0) this.replaceAll(kept);
    return removed;
  }

  /** Keeps only the elements from start to end inclusive (0 <= start <= end < length). */
  trim(start: number, end: number): void {
    const kept = end - start + 1;
    while (this.count > kept + start) this.popTail();
    for (let i = 0; i < start; i++) this.popHead();
  }

  /** The elements from start to end inclusive, head first (0 <= start, end < length). */
  range(start: number, end: number): string[] {
    const out = new Array<string>(Math.max(0, end - start + 1));
    for (let i = start; i <= end; i++) out[i - start] = this.at(i);
    return out;
  }

  clone(): ListValue {
    return ListValue.of(this.range(0, this.count - 1));
  }

  private replaceAll(elements: readonly string[]): void {
    this.ring = new Array<string | undefined>(ringCapacity(elements.length));
    this.head = 0;
    this.count = elements.length;
    this.chars = 0;
    for (let i = 0; i < elements.length; i++) {
      this.ring[i] = elements[i];
      this.chars += elements[i].length;
    }
  }

  private shrinkIfSparse(): void {
    const capacity = this.ring.length;
    if (capacity > MIN_CAPACITY && this.count < capacity / 4) this.resize(capacity / 2);
  }

  private resize(capacity: number): void {
    const ring = new Array<string | undefined>(capacity);
    for (let i = 0; i < this.count; i++) ring[i] = this.at(i);
    this.ring = ring;
    this.head = 0;
  }
}

/** The smallest power of two that holds n elements (at least MIN_CAPACITY). */
function ringCapacity(n: number): number {
  let capacity = MIN_CAPACITY;
  while (capacity < n) capacity *= 2;
  return capacity;
}
