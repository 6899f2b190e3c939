/**
 * Redis's pqsort (pqsort.c): the NetBSD quicksort of Bentley and McIlroy ("Engineering a Sort
 * Function"), changed to recurse only into the parts that overlap a range of positions. Redis uses
 * it when only some ranks of the result are wanted (SORT with BY and LIMIT, geo searches with
 * COUNT). It is not stable: elements that compare equal end up in the order this very algorithm
 * leaves them in, which is why it is reproduced step for step rather than replaced by a stable
 * sort.
 */

/**
 * Sorts `items` enough that positions first..last (inclusive) hold what a full sort would put
 * there; other positions are left partly sorted.
 */
export function partialSort<T>(
  items: T[],
  compare: (a: T, b: T) => number,
  first: number,
  last: number,
): void {
  new PartialSort(items, compare, first, last).sort(0, items.length);
}

class PartialSort<T> {
  constructor(
    private readonly items: T[],
    private readonly compare: (a: T, b: T) => number,
    private readonly first: number,
    private readonly last: number,
  ) {}

  /** Sorts the n items from `start`, skipping parts that lie wholly outside first..last. */
  sort(start: number, n: number): void {
    for (;;) {
      if (n < 7) return this.insertionSort(start, n);
      this.swap(start, this.pivot(start, n));
      let pa = start + 1;
      let pb = pa;
      let pc = start + n - 1;
      let pd = pc;
      // Bentley-McIlroy three-way partition: items equal to the pivot gather at both ends.
      for (;;) {
        let cmp: number;
        while (pb <= pc && (cmp = this.compareAt(pb, start)) <= 0) {
          if (cmp === 0) this.swap(pa++, pb);
          pb++;
        }
        while (pb <= pc && (cmp = this.compareAt(pc, start)) >= 0) {
          if (cmp === 0) this.swap(pc, pd--);
          pc--;
        }
        if (pb > pc) break;
        this.swap(pb++, pc--);
      }
      const end = start + n;
      let r = Math.min(pa - start, pb - pa);
      this.swapBlocks(start, pb - r, r);
      r = Math.min(pd - pc, end - pd - 1);
      this.swapBlocks(pb, end - r, r);
      const lower = pb - pa;
      if (lower > 1 && this.overlaps(start, lower)) this.sort(start, lower);
      const upper = pd - pc;
      if (upper <= 1) return;
      // The upper part is sorted by looping rather than recursing, as Redis does.
      start = end - upper;
      n = upper;
      if (!this.overlaps(start, n)) return;
    }
  }

  /** The pivot: the median of three, or of three medians of three for more than 40 items. */
  private pivot(start: number, n: number): number {
    let middle = start + Math.floor(n / 2);
    if (n > 7) {
      let low = start;
      let high = start + n - 1;
      if (n > 40) {
        const d = Math.floor(n / 8);
        low = this.median(low, low + d, low + 2 * d);
        middle = this.median(middle - d, middle, middle + d);
        high = this.median(high - 2 * d, high - d, high);
      }
      middle = this.median(low, middle, high);
    }
    return middle;
  }

  private median(a: number, b: number, c: number): number {
    if (this.compareAt(a, b) < 0) {
      return this.compareAt(b, c) < 0 ? b : this.compareAt(a, c) < 0 ? c : a;
    }
    return this.compareAt(b, c) > 0 ? b : this.compareAt(a, c) < 0 ? a : c;
  }

  private insertionSort(start: number, n: number): void {
    for (let m = start + 1; m < start + n; m++) {
      for (let l = m; l > start && this.compareAt(l - 1, l) > 0; l--) this.swap(l, l - 1);
    }
  }

  /** Whether positions start..start+n-1 share any position with first..last. */
  private overlaps(start: number, n: number): boolean {
    const end = start + n;
    return !((this.first < start && this.last < start) || (this.first >= end && this.last >= end));
  }

  private compareAt(i: number, j: number): number {
    return this.compare(this.items[i], this.items[j]);
  }

  private swap(i: number, j: number): void {
    const items = this.items;
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }

  private swapBlocks(i: number, j: number, n: number): void {
    for (let k = 0; k < n; k++) this.swap(i + k, j + k);
  }
}
