/**
 * An ordered index of items keyed by stream ID, for pending entries lists (a group's and each
 * consumer's). Items sit in sorted chunks of bounded size: appending a new highest ID (what
 * XREADGROUP does) is O(1), lookups and removals are a binary search and a short splice.
 */
import { compareIds, type StreamId } from './stream-id.js';

export interface Keyed {
  readonly id: StreamId;
}

const CHUNK_SIZE = 256;

export class IdIndex<T extends Keyed> {
  private chunks: T[][] = [];
  size = 0;

  get(id: StreamId): T | undefined {
    const c = this.chunkFor(id);
    if (c === this.chunks.length) return undefined;
    const chunk = this.chunks[c];
    const i = lowerBound(chunk, id);
    return i < chunk.length && compareIds(chunk[i].id, id) === 0 ? chunk[i] : undefined;
  }

  /** Adds an item; false (and nothing added) if one with the same ID is there. */
  insert(item: T): boolean {
    const chunks = this.chunks;
    const tail = chunks[chunks.length - 1];
    if (tail === undefined || compareIds(item.id, tail[tail.length - 1].id) > 0) {
      if (tail === undefined || tail.length >= CHUNK_SIZE) chunks.push([item]);
      else tail.push(item);
      this.size++;
      return true;
    }
    const c = this.chunkFor(item.id);
    const chunk = chunks[c];
    const i = lowerBound(chunk, item.id);
    if (i < chunk.length && compareIds(chunk[i].id, item.id) === 0) return false;
    chunk.splice(i, 0, item);
    if (chunk.length > CHUNK_SIZE) chunks.splice(c + 1, 0, chunk.splice(CHUNK_SIZE >> 1));
    this.size++;
    return true;
  }

  /** Removes and returns the item with this ID, if any. */
  delete(id: StreamId): T | undefined {
    const c = this.chunkFor(id);
    if (c === this.chunks.length) return undefined;
    const chunk = this.chunks[c];
    const i = lowerBound(chunk, id);
    if (i === chunk.length || compareIds(chunk[i].id, id) !== 0) return undefined;
    const [item] = chunk.splice(i, 1);
    if (chunk.length === 0) this.chunks.splice(c, 1);
    this.size--;
    return item;
  }

  first(): T | undefined {
    return this.chunks[0]?.[0];
  }

  last(): T | undefined {
    const tail = this.chunks[this.chunks.length - 1];
    return tail?.[tail.length - 1];
  }

  /** The item with the lowest ID >= id. */
  ceiling(id: StreamId): T | undefined {
    const c = this.chunkFor(id);
    if (c === this.chunks.length) return undefined;
    const chunk = this.chunks[c];
    return chunk[lowerBound(chunk, id)];
  }

  /** Items in ID order from the first with ID >= start. The index must not change meanwhile. */
  *from(start: StreamId): Generator<T> {
    let c = this.chunkFor(start);
    if (c === this.chunks.length) return;
    for (let i = lowerBound(this.chunks[c], start); c < this.chunks.length; c++, i = 0) {
      const chunk = this.chunks[c];
      for (; i < chunk.length; i++) yield chunk[i];
    }
  }

  /** Every item in ID order. The index must not change meanwhile. */
  *[Symbol.iterator](): Generator<T> {
    for (const chunk of this.chunks) yield* chunk;
  }

  /** The first chunk whose last ID is >= id, or the chunk count if none. */
  private chunkFor(id: StreamId): number {
    const chunks = this.chunks;
    let lo = 0;
    let hi = chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = chunks[mid];
      if (compareIds(chunk[chunk.length - 1].id, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function lowerBound<T extends Keyed>(items: readonly T[], id: StreamId): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareIds(items[mid].id, id) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
