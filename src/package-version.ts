/**
 * Kvik's own version, read from its package.json. The file is found by walking up from this
 * module, since the module runs from several places: src/ under tsx, dist/ as tsc builds it, and
 * inside the one-file bundle of the `kvik` command (dist/bin/kvik.js, see scripts/bundle.mjs).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function readKvikVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'kvik' && pkg.version !== undefined) return pkg.version;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("kvik: cannot find Kvik's package.json");
    dir = parent;
  }
}

export const KVIK_VERSION = readKvikVersion();
