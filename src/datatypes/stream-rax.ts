/**
 * The shape of the radix tree Redis keeps a stream's nodes in, keyed by each node's master ID as
 * 16 big-endian bytes. Kvik finds nodes by binary search over a sorted array; this model only
 * follows Redis's insertion and removal algorithms (rax.c: node splitting, compressed chains,
 * recompression after removal) to count the tree's nodes exactly, for XINFO STREAM's
 * radix-tree-nodes.
 *
 * All keys have the same length, so none is a prefix of another: a key always ends at a leaf, and
 * an insertion never stops inside a compressed node without a mismatch.
 */
import type { StreamId } from './stream-id.js';

interface RaxNode {
  /** A compressed node's chain of bytes, or a normal node's child edges (one byte each). */
  chars: string;
  compressed: boolean;
  children: RaxNode[];
  isKey: boolean;
}

function emptyNode(): RaxNode {
  return { chars: '', compressed: false, children: [], isKey: false };
}

/** Where a walk down the tree stopped (Redis's raxLowWalk). */
interface Walk {
  /** Bytes of the key matched. */
  matched: number;
  node: RaxNode;
  /** Inside a compressed node: the index of the first byte that did not match. */
  splitPos: number;
  /** The nodes walked through, root first (the stop node excluded). */
  parents: RaxNode[];
}

export class RaxShape {
  private head = emptyNode();
  /** Nodes in the tree, the root included (Redis's rax->numnodes). */
  nodes = 1;
  /** Keys in the tree (Redis's raxSize). */
  keys = 0;

  insert(id: StreamId): void {
    const key = raxKey(id);
    const walk = this.walk(key);
    let { node, matched: i } = walk;
    if (i === key.length) {
      // Only an existing key can match fully: all keys have the same length.
      if (!node.isKey) this.keys++;
      node.isKey = true;
      return;
    }
    if (node.compressed) node = this.split(walk);
    while (i < key.length) {
      const child = emptyNode();
      if (node.children.length === 0 && key.length - i > 1) {
        node.compressed = true;
        node.chars = key.slice(i);
        node.children = [child];
        i = key.length;
      } else {
        let at = 0;
        while (at < node.chars.length && node.chars.charCodeAt(at) < key.charCodeAt(i)) at++;
        node.chars = node.chars.slice(0, at) + key[i] + node.chars.slice(at);
        node.children.splice(at, 0, child);
        i++;
      }
      this.nodes++;
      node = child;
    }
    node.isKey = true;
    this.keys++;
  }

  remove(id: StreamId): void {
    const key = raxKey(id);
    const { node: found, matched, splitPos, parents } = this.walk(key);
    if (matched !== key.length || (found.compressed && splitPos !== 0) || !found.isKey) return;
    found.isKey = false;
    this.keys--;
    let node = found;
    let tryCompress = false;
    if (node.children.length === 0) {
      // Free the leaf and every single-child non-key node above it.
      let child: RaxNode | null = null;
      while (node !== this.head) {
        child = node;
        this.nodes--;
        node = parents.pop()!;
        if (node.isKey || (!node.compressed && node.children.length !== 1)) break;
      }
      if (child !== null) {
        if (node.compressed) {
          node.compressed = false;
          node.chars = '';
          node.children = [];
        } else {
          const at = node.children.indexOf(child);
          node.chars = node.chars.slice(0, at) + node.chars.slice(at + 1);
          node.children.splice(at, 1);
        }
        tryCompress = node.children.length === 1 && !node.isKey;
      }
    } else if (node.children.length === 1) {
      tryCompress = true;
    }
    if (tryCompress) this.recompress(node, parents);
  }

  clone(): RaxShape {
    const copy = new RaxShape();
    copy.head = cloneNode(this.head);
    copy.nodes = this.nodes;
    copy.keys = this.keys;
    return copy;
  }

  private walk(key: string): Walk {
    let node = this.head;
    const parents: RaxNode[] = [];
    let i = 0;
    let j = 0;
    while (node.children.length > 0 && i < key.length) {
      const chars = node.chars;
      if (node.compressed) {
        for (j = 0; j < chars.length && i < key.length; j++, i++) {
          if (chars.charCodeAt(j) !== key.charCodeAt(i)) break;
        }
        if (j !== chars.length) break;
        j = 0;
      } else {
        j = chars.indexOf(key[i]);
        if (j < 0) break;
        i++;
      }
      parents.push(node);
      node = node.children[j];
      j = 0;
    }
    return { matched: i, node, splitPos: node.compressed ? j : 0, parents };
  }

  /**
   * Splits the compressed node a walk stopped in at a mismatch (Redis's ALGO 1): the bytes before
   * the mismatch stay in a trimmed node, the mismatching byte becomes a normal "split" node's
   * first edge, the bytes after it a postfix node. Returns the split node, which gets the new
   * key's edge next.
   */
  private split(walk: Walk): RaxNode {
    const { node, splitPos: j, parents } = walk;
    const next = node.children[0];
    const postfixLength = node.chars.length - j - 1;
    let postfix = next;
    if (postfixLength > 0) {
      postfix = {
        chars: node.chars.slice(j + 1),
        compressed: postfixLength > 1,
        children: [next],
        isKey: false,
      };
      this.nodes++;
    }
    const splitNode: RaxNode = {
      chars: node.chars[j],
      compressed: false,
      children: [postfix],
      isKey: j === 0 && node.isKey,
    };
    let replacement = splitNode;
    if (j > 0) {
      replacement = {
        chars: node.chars.slice(0, j),
        compressed: j > 1,
        children: [splitNode],
        isKey: node.isKey,
      };
      this.nodes++;
    }
    this.replaceChild(parents[parents.length - 1] ?? null, node, replacement);
    return splitNode;
  }

  /**
   * After a removal left `node` with a single child: merges the longest chain of single-child
   * non-key nodes around it into one compressed node, as raxRemove does.
   */
  private recompress(node: RaxNode, parents: RaxNode[]): void {
    let parent: RaxNode | null;
    for (;;) {
      parent = parents.pop() ?? null;
      if (parent === null || parent.isKey || (!parent.compressed && parent.children.length !== 1))
        break;
      node = parent;
    }
    const start = node;
    let chain = 1;
    for (let cur = start; cur.children.length !== 0;) {
      cur = cur.children[cur.children.length - 1];
      if (cur.isKey || (!cur.compressed && cur.children.length !== 1)) break;
      chain++;
    }
    if (chain === 1) return;
    let chars = '';
    let cur = start;
    while (cur.children.length !== 0) {
      chars += cur.chars;
      cur = cur.children[cur.children.length - 1];
      this.nodes--;
      if (cur.isKey || (!cur.compressed && cur.children.length !== 1)) break;
    }
    this.nodes++;
    this.replaceChild(parent, start, { chars, compressed: true, children: [cur], isKey: false });
  }

  private replaceChild(parent: RaxNode | null, old: RaxNode, replacement: RaxNode): void {
    if (parent === null) this.head = replacement;
    else parent.children[parent.children.indexOf(old)] = replacement;
  }
}

function cloneNode(node: RaxNode): RaxNode {
  return { ...node, children: node.children.map(cloneNode) };
}

/** The 16 big-endian bytes Redis keys a stream node with (streamEncodeID), as latin1. */
function raxKey(id: StreamId): string {
  return u64Bytes(id.ms) + u64Bytes(id.seq);
}

function u64Bytes(v: number | bigint): string {
  if (typeof v === 'number') {
    // Below 2^53: the high 32 bits and the low 32 bits, each as four bytes.
    const high = Math.floor(v / 0x100000000);
    return u32Bytes(high) + u32Bytes(v >>> 0);
  }
  let big = v;
  let out = '';
  for (let i = 0; i < 8; i++) {
    out = String.fromCharCode(Number(big & 255n)) + out;
    big >>= 8n;
  }
  return out;
}

function u32Bytes(v: number): string {
  return String.fromCharCode(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
}
