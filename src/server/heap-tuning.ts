/**
 * V8 heap settings for the `kvik server` process (not for servers embedded with startServer: their
 * process belongs to the embedder).
 *
 * By default V8 sizes its heap for fast allocation, not for a large resident dataset: the young
 * generation grows to 32 MB, and the old generation may grow up to 4x past its live size before a
 * major collection. Loaded with 1M keys of 16-byte values, the process's RSS grew by 224 bytes per
 * key against redis-server's 124; with these two settings by about 145 (see bench/RESULTS.md):
 * - the old generation grows by at most 20% past its live size between major collections;
 * - the young generation stops growing at 8 MB. V8 fixes its maximum at startup only, so the cap
 *   works by setting V8's growth factor for it to 1 once it is that large (and back to 2 should
 *   V8 have shrunk it after a quiet period), checked every 100 ms.
 * The price is more frequent collections under write-heavy load over many keys (SET and MSET over
 * 100k random keys measured 10 to 30% slower); the single-key benchmarks do not change.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

/** new_space's size, both semi-spaces (V8's own maximum is 2 x 16 MB). */
const YOUNG_GENERATION_CAP = 8 * 1024 * 1024;
/** Often enough to catch its growth under load, which doubles it at most once per collection. */
const CHECK_INTERVAL_MS = 100;

/** How far the old generation may grow past its live size between major collections. */
const SERVING_GROWTH_PERCENT = 20;
/**
 * While the dataset loads at startup: 0, V8's own growth (up to 4x as the heap grows fast). The
 * heap then grows by the whole dataset: 20% steps would run a full collection every 20% of the way
 * (1M keys: 11 instead of 4).
 */
const LOADING_GROWTH_PERCENT = 0;

/**
 * Called before the server allocates anything: V8 fixes the old generation's next limit at each
 * major collection, so a growth set later leaves the limit of an earlier one (up to 4x the heap of
 * that moment) in place until the heap reaches it.
 */
export function tuneHeapForServer(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${SERVING_GROWTH_PERCENT}`);
  let growing = true;
  const check = () => {
    const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    if (young === undefined) return;
    const shouldGrow = young.space_size < YOUNG_GENERATION_CAP;
    if (shouldGrow !== growing) {
      growing = shouldGrow;
      v8.setFlagsFromString(`--semi-space-growth-factor=${growing ? 2 : 1}`);
    }
  };
  setInterval(check, CHECK_INTERVAL_MS).unref();
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

/**
 * Moves what the startup load allocated last out of the young generation. The load ends with up
 * to a young generation's worth of the dataset (~8 MB for 1M mixed keys) still there, all alive:
 * the next two scavenges would copy it, then promote it, pausing 16-22 ms each whenever they come,
 * which is while clients are served (measured during the first BGSAVE after a restart). Two young
 * collections here do that work before the listeners open.
 */
export function settleLoadedDataset(): void {
  v8.setFlagsFromString('--expose-gc');
  // The flag exposes gc() in contexts created from now on: a fresh one hands it over.
  const gc = vm.runInNewContext('gc') as (options: { type: 'minor' | 'major' }) => void;
  v8.setFlagsFromString('--no-expose-gc');
  gc({ type: 'minor' });
  gc({ type: 'minor' });
}
