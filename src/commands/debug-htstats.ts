/**
 * DEBUG HTSTATS and HTSTATS-KEY: hash table statistics in the text of Redis's dictGetStats. Kvik's
 * dictionaries (IndexedDict) are open-addressed, not chained, and never rehash incrementally: a
 * "chain" here is the keys that share a home position of the index, which is what a lookup
 * probes past, and no "rehashing target" table is ever reported.
 */
import type { CommandContext } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { HashValue } from '../datatypes/hash.js';
import { homeCounts, type IndexedDict } from '../datatypes/indexed-dict.js';
import { SetValue } from '../datatypes/set.js';
import { ZSetValue } from '../datatypes/zset.js';

/** Redis's DICT_STATS_VECTLEN: chains this long or longer are counted together. */
const STATS_VECTOR_LENGTH = 50;

/** C's float arithmetic, printed with "%.02f". */
function floatFixed2(value: number): string {
  return Math.fround(value).toFixed(2);
}

/** One table's statistics: the text of Redis's _dictGetStatsHt for table 0. */
export function tableStats(positions: number, homeCounts: readonly number[]): string {
  const header = 'Hash table 0 stats (main hash table):\n';
  const used = homeCounts.reduce((sum, count) => sum + count, 0);
  if (used === 0) return `${header}No stats available for empty dictionaries\n`;
  const vector = new Array<number>(STATS_VECTOR_LENGTH).fill(0);
  vector[0] = positions - homeCounts.length;
  let maxChain = 0;
  for (const count of homeCounts) {
    vector[Math.min(count, STATS_VECTOR_LENGTH - 1)]++;
    maxChain = Math.max(maxChain, count);
  }
  const slots = homeCounts.length;
  let text =
    header +
    ` table size: ${positions}\n` +
    ` number of elements: ${used}\n` +
    ` different slots: ${slots}\n` +
    ` max chain length: ${maxChain}\n` +
    ` avg chain length (counted): ${floatFixed2(used / slots)}\n` +
    ` avg chain length (computed): ${floatFixed2(used / slots)}\n` +
    ' Chain length distribution:\n';
  for (let length = 0; length < STATS_VECTOR_LENGTH - 1; length++) {
    if (vector[length] === 0) continue;
    const percent = Math.fround(Math.fround(vector[length] / positions) * 100);
    text += `   ${length}: ${vector[length]} (${floatFixed2(percent)}%)\n`;
  }
  return text;
}

function dictStats(dict: IndexedDict<unknown>): string {
  const { positions, homeCounts } = dict.indexShape();
  return tableStats(positions, homeCounts);
}

/**
 * The expiry map is a JavaScript Map, whose buckets are V8's and not visible: its keys are shown
 * spread over a table of the size Redis would have (the next power of two, at least 4) by the
 * hash Kvik's own dictionaries use.
 */
function expiresStats(expires: ReadonlyMap<string, number>): string {
  let positions = 4;
  while (positions < expires.size) positions *= 2;
  return tableStats(positions, homeCounts(expires.keys(), positions));
}

/** DEBUG HTSTATS <dbid>: the keyspace's table and the expiry table of one database. */
export function htstats(ctx: CommandContext, dbText: string): void {
  const id = /^-?\d+$/.test(dbText) ? Number(dbText) : NaN;
  if (!Number.isSafeInteger(id)) return ctx.reply.error(Err.notInteger);
  const db = ctx.keyspace.dbs[id];
  if (id < 0 || db === undefined) return ctx.reply.error(Err.outOfRangeDb);
  ctx.reply.verbatim(
    `[Dictionary HT]\n${dictStats(db.dict)}[Expires HT]\n${expiresStats(db.expires)}`,
  );
}

/** DEBUG HTSTATS-KEY <key>: the table of a hash, set or sorted set stored as one. */
export function htstatsKey(ctx: CommandContext, key: string): void {
  const dict = ctx.db.dict;
  const slot = dict.slotOf(key);
  if (slot < 0) return ctx.reply.error(Err.noSuchKey);
  const value = dict.valueAt(slot);
  let table: IndexedDict<unknown> | null = null;
  if (value instanceof HashValue) table = value.table;
  else if (value instanceof SetValue || value instanceof ZSetValue) table = value.hashTable;
  if (table === null) return ctx.reply.error(Err.notHashTable);
  ctx.reply.verbatim(dictStats(table));
}
