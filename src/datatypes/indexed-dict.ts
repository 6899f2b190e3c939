/**
 * A string-keyed dictionary with O(1) lookup, insert, delete, uniform random pick, and a stateless
 * SCAN cursor with Redis's guarantee.
 *
 * Entries live in dense parallel arrays (keys, values, a 32-bit metadata word per entry for
 * LRU/LFU); a Map gives each key its slot. Deleting moves the last entry into the hole. SCAN walks
 * the slots from the top down: the only entry that ever moves is the last one, which a downward
 * walk has already passed, and it moves to a lower slot, where it will be seen (again). So every
 * entry present for the whole scan is returned at least once, the cursor only decreases, and the
 * scan always ends. New entries land at the top, which a scan in progress does not go back to, as
 * SCAN allows.
 */
export class IndexedDict<V> {
  private readonly slots = new Map<string, number>();
  private keyArray: string[] = [];
  private valueArray: V[] = [];
  /** One word per entry for the owner's use (the keyspace keeps LRU/LFU data here). */
  private metaArray = new Uint32Array(8);

  get size(): number {
    return this.keyArray.length;
  }

  has(key: string): boolean {
    return this.slots.has(key);
  }

  get(key: string): V | undefined {
    const slot = this.slots.get(key);
    return slot === undefined ? undefined : this.valueArray[slot];
  }

  /** The slot of a key, or -1. Slots change when entries are deleted. */
  slotOf(key: string): number {
    const slot = this.slots.get(key);
    return slot === undefined ? -1 : slot;
  }

  keyAt(slot: number): string {
    return this.keyArray[slot];
  }

  valueAt(slot: number): V {
    return this.valueArray[slot];
  }

  setValueAt(slot: number, value: V): void {
    this.valueArray[slot] = value;
  }

  metaAt(slot: number): number {
    return this.metaArray[slot];
  }

  setMetaAt(slot: number, meta: number): void {
    this.metaArray[slot] = meta;
  }

  /** Inserts or replaces; returns the slot. A new entry's metadata word is `meta`. */
  set(key: string, value: V, meta = 0): number {
    const existing = this.slots.get(key);
    if (existing !== undefined) {
      this.valueArray[existing] = value;
      return existing;
    }
    const slot = this.keyArray.length;
    this.slots.set(key, slot);
    this.keyArray.push(key);
    this.valueArray.push(value);
    if (slot >= this.metaArray.length) {
      const grown = new Uint32Array(this.metaArray.length * 2);
      grown.set(this.metaArray);
      this.metaArray = grown;
    }
    this.metaArray[slot] = meta;
    return slot;
  }

  delete(key: string): boolean {
    const slot = this.slots.get(key);
    if (slot === undefined) return false;
    this.slots.delete(key);
    const last = this.keyArray.length - 1;
    if (slot !== last) {
      const movedKey = this.keyArray[last];
      this.keyArray[slot] = movedKey;
      this.valueArray[slot] = this.valueArray[last];
      this.metaArray[slot] = this.metaArray[last];
      this.slots.set(movedKey, slot);
    }
    this.keyArray.pop();
    this.valueArray.pop();
    if (this.metaArray.length > 64 && last < this.metaArray.length / 4) {
      this.metaArray = this.metaArray.slice(0, this.metaArray.length / 2);
    }
    return true;
  }

  clear(): void {
    this.slots.clear();
    this.keyArray = [];
    this.valueArray = [];
    this.metaArray = new Uint32Array(8);
  }

  /** A uniformly random slot (the dictionary must not be empty). */
  randomSlot(random: () => number = Math.random): number {
    return Math.floor(random() * this.keyArray.length);
  }

  /**
   * Visits up to `count` slots below the cursor, from the top down. Cursor 0 starts a scan; the
   * returned cursor is 0 when the scan is complete. A cursor beyond the current size (the dict
   * shrank, or a made-up cursor) continues from the top.
   */
  scan(cursor: number, count: number, visit: (key: string, value: V) => void): number {
    const size = this.keyArray.length;
    let next = cursor === 0 || cursor > size ? size : cursor;
    const stop = Math.max(0, next - count);
    while (next > stop) {
      next--;
      visit(this.keyArray[next], this.valueArray[next]);
    }
    return next;
  }

  keys(): readonly string[] {
    return this.keyArray;
  }

  *entries(): IterableIterator<[string, V]> {
    for (let i = 0; i < this.keyArray.length; i++) yield [this.keyArray[i], this.valueArray[i]];
  }
}
