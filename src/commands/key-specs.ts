/** Shorthands for the key specs of command declarations. */
import type { KeySpec, KeySpecFlag } from '../dispatch/command.js';

/**
 * Keys from argv[index] on: one key (lastKey 0), or every argument to the end (lastKey -1), as
 * Redis's "index" begin-search with a "range" find-keys.
 */
export function keysAt(index: number, flags: KeySpecFlag[], lastKey = 0): KeySpec {
  return { flags, begin: { index }, find: { range: { lastKey, keyStep: 1, limit: 0 } } };
}
