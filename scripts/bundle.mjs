#!/usr/bin/env node
/**
 * Bundles the `kvik` command (src/main.ts and everything it imports from src/) into one ES module,
 * dist/bin/kvik.js by default, or the path given as the first argument. npm packages stay
 * external: they are loaded from node_modules as usual.
 *
 * Why: Node resolves, reads and compiles each of the ~220 modules of the tsc build one by one at
 * startup, which took ~150 ms of the ~430 ms until an empty `kvik server` answered PING; from one
 * file it takes ~290 ms. That matters to every `kvik cli` call and to how soon a restarted server
 * is back. The library (dist/index.js, for startServer) stays tsc's module-per-file build.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = process.argv[2] ?? `${root}dist/bin/kvik.js`;

await build({
  entryPoints: [`${root}src/main.ts`],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
