/**
 * V8 heap settings for the `kvik server` process (not for servers embedded with startServer: their
 * process belongs to the embedder).
 *
 * By default V8 sizes its heap for fast allocation, not for a large resident dataset: the young
 * generation grows to 32 MB, and the old generation may grow up to 4x past its live size before a
 * major collection. Loaded with 1M keys of 16-byte values, the process's RSS grew by 224 bytes per
 * key against redis-server's 124; with these two settings by about 145 (see bench/RESULTS.md):
 * - the old generation grows by at most 20% past its live size between major collections;
 * - the young generation keeps the size V8 starts it with, two semi-spaces of 1 MB. V8 fixes the
 *   young generation's maximum at startup only (--max-semi-space-size), but reads its growth
 *   factor each time it would grow it: a factor of 1, set before the server's modules load, keeps
 *   it where it is. The cap of 8 MB this replaces (the factor set to 1 once a check every 100 ms
 *   saw it reached) left 100k small hashes growing the RSS by 31 MB instead of 27 (medians of 5),
 *   a fifth of the dataset's own size. Collected more often, the smaller young generation
 *   measured no change at pipeline 1 and up to 5% more CPU per SET over 100k random keys at -P 16.
 * The price is more frequent collections under write-heavy load over many keys (SET and MSET over
 * 100k random keys measured 10 to 30% slower than with V8's defaults); the single-key benchmarks
 * do not change.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

/** How far the old generation may grow past its live size between major collections. */
const SERVING_GROWTH_PERCENT = 20;
/**
 * While the dataset loads at startup: 0, V8's own growth (up to 4x as the heap grows fast). The
 * heap then grows by the whole dataset: 20% steps would run a full collection every 20% of the way
 * (1M keys: 11 instead of 4).
 */
const LOADING_GROWTH_PERCENT = 0;

/**
 * Called before the server's modules load (main.ts imports them after this), so that neither they
 * nor the dataset grow the young generation, and V8 fixes the old generation's next limit at each
 * major collection from the first on: a growth set later leaves the limit of an earlier one (up
 * to 4x the heap of that moment) in place until the heap reaches it.
 */
export function tuneHeapForServer(): void {
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  v8.setFlagsFromString(`--heap-growing-percent=${SERVING_GROWTH_PERCENT}`);
}

/** Runs the server's start (which loads the dataset) with the old generation's loading growth. */
export async function withLoadingHeapGrowth<T>(start: () => Promise<T>): Promise<T> {
  v8.setFlagsFromString(`--heap-growing-percent=${LOADING_GROWTH_PERCENT}`);
  try {
    return await start();
  } finally {
    v8.setFlagsFromString(`--heap-growing-percent=${SERVING_GROWTH_PERCENT}`);
  }
}

/** Up to this much heap, a major collection takes a few milliseconds (see settleLoadedDataset). */
const LIMIT_SETTING_MAX_HEAP = 64 * 1024 * 1024;

/**
 * Called once the dataset is loaded, before the listeners open:
 * - Moves what the load allocated last out of the young generation. The load ends with up to a
 *   young generation's worth of the dataset still there, all alive: the next two scavenges would
 *   copy it, then promote it, pausing whenever they come, which is while clients are served
 *   (16-22 ms each with an 8 MB young generation, measured during the first BGSAVE after a
 *   restart). Two young collections here do that work.
 * - Runs a first major collection while the heap is small, so that the old generation's limit
 *   follows SERVING_GROWTH_PERCENT from the start. Before its first major collection V8 guesses
 *   the limit from how much survives young collections, differently from run to run: loading the
 *   same 100k small hashes into a fresh server ran its first major collection at 18 MB of heap in
 *   some runs and at 33 MB in others, which then kept ~4 MB more committed (RSS growth 24.5 or
 *   29 MB). A heap already large was collected while it loaded.
 */
export function settleLoadedDataset(): void {
  v8.setFlagsFromString('--expose-gc');
  // The flag exposes gc() in contexts created from now on: a fresh one hands it over.
  const gc = vm.runInNewContext('gc') as (options: { type: 'minor' | 'major' }) => void;
  v8.setFlagsFromString('--no-expose-gc');
  gc({ type: 'minor' });
  gc({ type: 'minor' });
  if (v8.getHeapStatistics().used_heap_size <= LIMIT_SETTING_MAX_HEAP) {
    v8.setFlagsFromString(`--heap-growing-percent=${SERVING_GROWTH_PERCENT}`);
    gc({ type: 'major' });
  }
}
