/**
 * A string-keyed dictionary with O(1) lookup, insert, delete, uniform random pick, and a stateless
 * SCAN cursor with Redis's guarantee.
 *
 * Entries live in dense parallel arrays (keys, values, a 32-bit metadata word per entry for
 * LRU/LFU); a hash index gives each key its slot. Deleting moves the last entry into the hole. SCAN
 * walks the slots from the top down: the only entry that ever moves is the last one, which a
 * downward walk has already passed, and it moves to a lower slot, where it will be seen (again).
 * So every entry present for the whole scan is returned at least once, the cursor only decreases,
 * and the scan always ends. New entries land at the top, which a scan in progress does not go back
 * to, as SCAN allows.
 *
 * The index is open addressing probed linearly: one Int32Array of 2^k positions, each holding one
 * word: the slot number + 1 in its low k bits (an index more than 3/4 full is grown, so it always
 * fits) and the high 32 - k bits of that key's hash above them. A probe reads both at once, and
 * only a matching hash leads to the key string. It costs 5 to 11 bytes per key where a
 * Map<string, number> cost about 30 (a 1M-key keyspace: RDB loading inserted keys and lookups
 * missed the cache once per probe instead of twice, with the hashes in a separate per-slot array).
 * The low bits of the hash (a key's home position) are not kept: rebuilding the index and
 * backward-shift deletion hash the keys again, as Redis's rehashing does.
 *
 * A small dictionary (up to SMALL_ENTRIES keys, most hash fields', set members' and zset
 * members' tables) has no index: a lookup compares the few keys in turn. Typed arrays are costly
 * objects in V8 (a small one and its ArrayBuffer take about 240 bytes), so a 3-member set weighed
 * about 1,240 bytes with its index and weighs about 300 without; the index is built when the
 * dictionary grows past that size. Likewise the metadata words exist once one is set, and a set's
 * dictionary (keysOnly) has no values array at all.
 */
export class IndexedDict<V> {
  private keyArray: string[] = [];
  /** null in a keys-only dictionary, whose values all read as undefined. */
  private valueArray: V[] | null;
  /** The length of the per-entry typed arrays below (those that exist). */
  private capacity = 0;
  /**
   * One word per entry for the owner's use (the keyspace keeps LRU/LFU data here); created when
   * the first non-zero word is set, every word reading 0 until then.
   */
  private metaArray: Uint32Array | null = null;
  /**
   * The index, null while the dictionary is small: each position holds (hash & ~mask) | (slot + 1)
   * for the entry whose probe sequence passes there, 0 where none does (mask: positions - 1).
   */
  private table: Int32Array | null = null;
  /**
   * Optional: a weight per entry (the keyspace keeps each key's estimated bytes here, see
   * keyspace/memory-estimate.ts) and their running sum, kept through moves and deletes.
   */
  private weightArray: Uint32Array | null;
  private weightSum = 0;

  constructor(weighted = false) {
    this.valueArray = [];
    this.weightArray = weighted ? new Uint32Array(0) : null;
  }

  /** A dictionary of keys alone (a set's members): no values are kept. */
  static keysOnly(): IndexedDict<undefined> {
    const dict = new IndexedDict<undefined>();
    dict.valueArray = null;
    return dict;
  }

  /**
   * A dictionary of `keys` and their `values` (parallel arrays, which it takes over: a loader
   * builds them at their exact size, where growing by push leaves spare room), keys-only when
   * `values` is null; null when a key repeats.
   */
  static adopting<V>(keys: string[], values: V[] | null): IndexedDict<V> | null {
    const dict = new IndexedDict<V>();
    dict.keyArray = keys;
    dict.valueArray = values;
    const count = keys.length;
    if (count <= SMALL_ENTRIES) {
      for (let i = 1; i < count; i++) if (dict.findSmall(keys[i]) < i) return null;
      return dict;
    }
    dict.capacity = powerOfTwoAtLeast(count);
    dict.buildIndex(indexSizeFor(count));
    return dict.table === null ? null : dict;
  }

  get size(): number {
    return this.keyArray.length;
  }

  has(key: string): boolean {
    return this.find(key) >= 0;
  }

  get(key: string): V | undefined {
    const slot = this.find(key);
    return slot < 0 || this.valueArray === null ? undefined : this.valueArray[slot];
  }

  /** The slot of a key, or -1. Slots change when entries are deleted. */
  slotOf(key: string): number {
    return this.find(key);
  }

  keyAt(slot: number): string {
    return this.keyArray[slot];
  }

  valueAt(slot: number): V {
    return this.valueArray === null ? (undefined as V) : this.valueArray[slot];
  }

  setValueAt(slot: number, value: V): void {
    if (this.valueArray !== null) this.valueArray[slot] = value;
  }

  metaAt(slot: number): number {
    const meta = this.metaArray;
    return meta === null ? 0 : meta[slot];
  }

  setMetaAt(slot: number, meta: number): void {
    (this.metaArray ??= new Uint32Array(this.capacity))[slot] = meta;
  }

  /** The sum of the entries' weights (0 unless constructed weighted). */
  get totalWeight(): number {
    return this.weightSum;
  }

  /** Sets an entry's weight (of a weighted dictionary), up to 2^32 - 1. */
  setWeightAt(slot: number, weight: number): void {
    const weights = this.weightArray as Uint32Array;
    const clamped = weight > 0xffffffff ? 0xffffffff : weight;
    this.weightSum += clamped - weights[slot];
    weights[slot] = clamped;
  }

  /**
   * Makes room for `count` entries in all, so that adding that many does not grow the arrays and
   * rebuild the index again and again (RDB loading knows its key counts in advance).
   */
  reserve(count: number): void {
    if (count > this.capacity) this.resizeEntries(powerOfTwoAtLeast(count));
    if (count <= SMALL_ENTRIES) return;
    const size = indexSizeFor(count);
    if (this.table === null) this.buildIndex(size);
    else if (size > this.table.length) this.rebuildIndex(size);
  }

  /** Inserts or replaces; returns the slot. A new entry's metadata word is `meta`. */
  set(key: string, value: V, meta = 0): number {
    const hash = this.table === null ? 0 : hashString(key);
    const existing = this.table === null ? this.findSmall(key) : this.findHashed(key, hash);
    if (existing >= 0) {
      if (this.valueArray !== null) this.valueArray[existing] = value;
      return existing;
    }
    return this.append(key, value, meta, hash);
  }

  /** Inserts a key that is not there yet and returns its slot; -1, changing nothing, if it is. */
  add(key: string, value: V, meta = 0): number {
    const hash = this.table === null ? 0 : hashString(key);
    const existing = this.table === null ? this.findSmall(key) : this.findHashed(key, hash);
    return existing >= 0 ? -1 : this.append(key, value, meta, hash);
  }

  /** Enters a new entry (its key's hash is `hash` when there is an index) in the next slot. */
  private append(key: string, value: V, meta: number, hash: number): number {
    const table = this.table;
    const slot = this.pushEntry(key, value, meta);
    if (table !== null) {
      // A rebuilt index holds every entry, the new one included.
      if ((slot + 1) * MAX_LOAD_DENOMINATOR > table.length * MAX_LOAD_NUMERATOR) {
        this.rebuildIndex(table.length * 2);
      } else {
        this.place(hash, slot);
      }
    } else if (slot >= SMALL_ENTRIES) {
      this.buildIndex(indexSizeFor(slot + 1));
    }
    return slot;
  }

  /** Puts an entry in the next slot of the arrays, without indexing it; returns the slot. */
  private pushEntry(key: string, value: V, meta: number): number {
    const slot = this.keyArray.length;
    if (slot >= this.capacity) this.resizeEntries(Math.max(MIN_ENTRIES, this.capacity * 2));
    this.keyArray.push(key);
    if (this.valueArray !== null) this.valueArray.push(value);
    if (meta !== 0 || this.metaArray !== null) this.setMetaAt(slot, meta);
    if (this.weightArray !== null) this.weightArray[slot] = 0;
    return slot;
  }

  /**
   * Bulk loading: appends an entry that the index does not hold yet, and returns its slot. Until
   * indexFrom() has indexed it, lookups miss it and nothing else may change the dictionary.
   */
  appendUnindexed(key: string, value: V, meta = 0): number {
    return this.pushEntry(key, value, meta);
  }

  /**
   * Indexes the entries from slot `start` on, appended with appendUnindexed. Returns a key found
   * twice, or null; after a repeat the dictionary is unusable (loading gives it up).
   *
   * The keys go in by their home position in the index (a radix sort of their hashes), so the
   * index is written front to back: RDB loading inserted 1M keys in file order, each probe missing
   * the cache, in ~0.35 s.
   */
  indexFrom(start: number): string | null {
    const keys = this.keyArray;
    const size = keys.length;
    if (this.table === null) {
      if (size <= SMALL_ENTRIES) {
        for (let slot = Math.max(start, 1); slot < size; slot++) {
          if (this.findSmall(keys[slot]) < slot) return keys[slot];
        }
        return null;
      }
      // No entry is indexed yet: all of them go in.
      start = 0;
      this.table = new Int32Array(indexSizeFor(size));
    } else if (size * MAX_LOAD_DENOMINATOR > this.table.length * MAX_LOAD_NUMERATOR) {
      this.rebuildIndex(indexSizeFor(size), start);
    }
    const hashes = new Int32Array(size - start);
    for (let i = 0; i < hashes.length; i++) hashes[i] = hashString(keys[start + i]);
    const order = orderByHome(hashes, this.table.length - 1);
    for (let n = 0; n < order.length; n++) {
      const i = order[n];
      const key = keys[start + i];
      if (this.findHashed(key, hashes[i]) >= 0) return key;
      this.place(hashes[i], start + i);
    }
    return null;
  }

  delete(key: string): boolean {
    const table = this.table;
    const hash = table === null ? 0 : hashString(key);
    const slot = table === null ? this.findSmall(key) : this.findHashed(key, hash);
    if (slot < 0) return false;
    if (table !== null) this.unplace(this.positionOf(hash, slot));
    const last = this.keyArray.length - 1;
    const weights = this.weightArray;
    if (weights !== null) {
      this.weightSum -= weights[slot];
      weights[slot] = weights[last];
    }
    if (slot !== last) {
      const movedKey = this.keyArray[last];
      if (table !== null) {
        const at = this.positionOf(hashString(movedKey), last);
        table[at] = (table[at] & ~(table.length - 1)) | (slot + 1);
      }
      this.keyArray[slot] = movedKey;
      if (this.valueArray !== null) this.valueArray[slot] = this.valueArray[last];
      if (this.metaArray !== null) this.metaArray[slot] = this.metaArray[last];
    }
    this.keyArray.pop();
    this.valueArray?.pop();
    if (this.capacity > 64 && last < this.capacity / 4) this.resizeEntries(this.capacity / 2);
    if (table !== null && table.length > MIN_TABLE && last * 8 < table.length) {
      this.rebuildIndex(table.length >> 1);
    }
    return true;
  }

  clear(): void {
    this.keyArray = [];
    if (this.valueArray !== null) this.valueArray = [];
    this.capacity = 0;
    this.metaArray = null;
    this.table = null;
    if (this.weightArray !== null) this.weightArray = new Uint32Array(0);
    this.weightSum = 0;
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
      visit(this.keyArray[next], this.valueAt(next));
    }
    return next;
  }

  keys(): readonly string[] {
    return this.keyArray;
  }

  /** The values, slot by slot (parallel to keys()); none in a keys-only dictionary. */
  values(): readonly V[] {
    return this.valueArray ?? [];
  }

  /**
   * The index's shape, for DEBUG HTSTATS: its number of positions, and for each position that is
   * the home of some keys, how many (the keys probing walks past, where Redis's chained table has
   * a chain). A dictionary small enough to have no index reports one position per entry.
   */
  indexShape(): { positions: number; homeCounts: number[] } {
    const keys = this.keyArray;
    if (this.table === null) return { positions: this.capacity, homeCounts: keys.map(() => 1) };
    return { positions: this.table.length, homeCounts: homeCounts(keys, this.table.length) };
  }

  *entries(): IterableIterator<[string, V]> {
    for (let i = 0; i < this.keyArray.length; i++) yield [this.keyArray[i], this.valueAt(i)];
  }

  /** The slot of `key`, or -1. */
  private find(key: string): number {
    return this.table === null ? this.findSmall(key) : this.findHashed(key, hashString(key));
  }

  /** The slot of `key` in a dictionary without an index, or -1. */
  private findSmall(key: string): number {
    const keys = this.keyArray;
    for (let slot = 0; slot < keys.length; slot++) if (keys[slot] === key) return slot;
    return -1;
  }

  /** The slot of `key` (whose hash is `hash`) through the index, or -1. */
  private findHashed(key: string, hash: number): number {
    const table = this.table as Int32Array;
    const mask = table.length - 1;
    const high = hash & ~mask;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const word = table[i];
      if (word === 0) return -1;
      // Comparing hashes first keeps most probes away from the key strings.
      if ((word & ~mask) === high && this.keyArray[(word & mask) - 1] === key) {
        return (word & mask) - 1;
      }
    }
  }

  /** Enters `slot` at the first free position of its probe sequence. */
  private place(hash: number, slot: number): void {
    const table = this.table as Int32Array;
    const mask = table.length - 1;
    let i = hash & mask;
    while (table[i] !== 0) i = (i + 1) & mask;
    table[i] = (hash & ~mask) | (slot + 1);
  }

  /** The position of the index that holds `slot`, which must be present. */
  private positionOf(hash: number, slot: number): number {
    const table = this.table as Int32Array;
    const mask = table.length - 1;
    let i = hash & mask;
    while ((table[i] & mask) !== slot + 1) i = (i + 1) & mask;
    return i;
  }

  /**
   * Empties a position without a tombstone (backward-shift deletion): later entries of the run
   * move back into the hole unless that would put them before their home position, so probe runs
   * stay as short as if the deleted key had never been there.
   */
  private unplace(hole: number): void {
    const table = this.table as Int32Array;
    const mask = table.length - 1;
    for (let i = (hole + 1) & mask; table[i] !== 0; i = (i + 1) & mask) {
      const home = hashString(this.keyArray[(table[i] & mask) - 1]) & mask;
      const homeInGap = hole <= i ? home > hole && home <= i : home > hole || home <= i;
      if (!homeInGap) {
        table[hole] = table[i];
        hole = i;
      }
    }
    table[hole] = 0;
  }

  /**
   * Gives a small dictionary an index of `size` positions, hashing its keys; leaves none (table
   * null) when a key repeats, which only adopting() can meet.
   */
  private buildIndex(size: number): void {
    const keys = this.keyArray;
    this.table = new Int32Array(size);
    for (let slot = 0; slot < keys.length; slot++) {
      const hash = hashString(keys[slot]);
      if (this.findHashed(keys[slot], hash) >= 0) {
        this.table = null;
        return;
      }
      this.place(hash, slot);
    }
  }

  /** Moves the index to one of `size` positions, hashing the keys of the first `count` again. */
  private rebuildIndex(size: number, count = this.keyArray.length): void {
    const keys = this.keyArray;
    this.table = new Int32Array(size);
    for (let slot = 0; slot < count; slot++) this.place(hashString(keys[slot]), slot);
  }

  /** Resizes the per-entry typed arrays that exist, keeping the live entries. */
  private resizeEntries(size: number): void {
    const live = this.keyArray.length;
    this.capacity = size;
    if (this.metaArray !== null) {
      const meta = new Uint32Array(size);
      meta.set(this.metaArray.subarray(0, live));
      this.metaArray = meta;
    }
    if (this.weightArray !== null) {
      const weights = new Uint32Array(size);
      weights.set(this.weightArray.subarray(0, live));
      this.weightArray = weights;
    }
  }
}

/** Up to this many entries a dictionary has no index (lookups compare the keys in turn). */
export const SMALL_ENTRIES = 8;
const MIN_ENTRIES = 8;
const MIN_TABLE = 16;
/** The index is grown before it is more than 3/4 full, which keeps linear probe runs short. */
const MAX_LOAD_NUMERATOR = 3;
const MAX_LOAD_DENOMINATOR = 4;

/** The size of an index holding `count` entries within the maximum load. */
function indexSizeFor(count: number): number {
  let size = MIN_TABLE;
  while (count * MAX_LOAD_DENOMINATOR > size * MAX_LOAD_NUMERATOR) size *= 2;
  return size;
}

function powerOfTwoAtLeast(n: number): number {
  let size = MIN_ENTRIES;
  while (size < n) size *= 2;
  return size;
}

const RADIX_BITS = 11;
const RADIX = 1 << RADIX_BITS;

/**
 * The indexes of `hashes` ordered by home position (hash & mask): an LSD radix sort, 11 bits a
 * pass, that moves the homes along with the indexes so that every pass reads its input in order.
 */
function orderByHome(hashes: Int32Array, mask: number): Int32Array {
  const n = hashes.length;
  let homes = new Int32Array(n);
  let order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    homes[i] = hashes[i] & mask;
    order[i] = i;
  }
  let spareHomes = new Int32Array(n);
  let spareOrder = new Int32Array(n);
  const counts = new Int32Array(RADIX);
  const bits = 32 - Math.clz32(mask);
  for (let shift = 0; shift < bits; shift += RADIX_BITS) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(homes[i] >>> shift) & (RADIX - 1)]++;
    let sum = 0;
    for (let digit = 0; digit < RADIX; digit++) {
      const count = counts[digit];
      counts[digit] = sum;
      sum += count;
    }
    for (let i = 0; i < n; i++) {
      const at = counts[(homes[i] >>> shift) & (RADIX - 1)]++;
      spareHomes[at] = homes[i];
      spareOrder[at] = order[i];
    }
    [homes, spareHomes] = [spareHomes, homes];
    [order, spareOrder] = [spareOrder, order];
  }
  return order;
}

/**
 * Seeds the hash per process, so that which keys collide cannot be worked out in advance (as V8
 * seeds its own string hash).
 */
const HASH_SEED = (Math.random() * 0x100000000) | 0;

/**
 * For keys spread over `positions` (a power of two) by their hash: how many keys each position
 * that is the home of any holds.
 */
export function homeCounts(keys: Iterable<string>, positions: number): number[] {
  const mask = positions - 1;
  const counts = new Map<number, number>();
  for (const key of keys) {
    const home = hashString(key) & mask;
    counts.set(home, (counts.get(home) ?? 0) + 1);
  }
  return [...counts.values()];
}

/** A 32-bit hash of a string, two UTF-16 units per round, finished with murmur3's fmix32. */
function hashString(key: string): number {
  const length = key.length;
  let h = HASH_SEED ^ length;
  let i = 0;
  for (; i + 1 < length; i += 2) {
    h = Math.imul(h ^ (key.charCodeAt(i) | (key.charCodeAt(i + 1) << 16)), 0x9e3779b1);
    h ^= h >>> 15;
  }
  if (i < length) {
    h = Math.imul(h ^ key.charCodeAt(i), 0x9e3779b1);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
