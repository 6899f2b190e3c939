/**
 * HyperLogLog commands: PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST (Redis's hyperloglog.c).
 * An HLL is a string value in Redis's own format (src/datatypes/hyperloglog.ts), so GET and SET
 * move it between Kvik and Redis unchanged.
 */
import { defineCommand, type CommandSpec } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import type { StringBuffer } from '../datatypes/string-buffer.js';
import {
  HLL_REGISTERS,
  addElements,
  cachedCardinality,
  countRawRegisters,
  countRegisters,
  decodeSparse,
  denseGet,
  invalidateCache,
  isHll,
  isSparse,
  mergeRegisters,
  newHll,
  setRegister,
  sparseToDense,
  storeCardinality,
  valueBytes,
} from '../datatypes/hyperloglog.js';
import { hllSelfTest } from '../datatypes/hyperloglog-selftest.js';
import { keysAt } from './key-specs.js';
import { mutableString, optionName } from './string-common.js';

function maxSparseBytes(ctx: CommandContext): number {
  return ctx.server.config.numberValue('hll-sparse-max-bytes');
}

/** A key's HLL for reading, or undefined when missing; WRONGTYPE unless a valid HLL string. */
function readHll(ctx: CommandContext, key: string): string | StringBuffer | undefined {
  const value = ctx.readString(key);
  if (value !== undefined && !isHll(value)) throw new ReplyError(Err.notHll);
  return value;
}

/**
 * An existing HLL about to be modified in place (Redis's isHLLObjectOrReply then
 * dbUnshareStringValue), or undefined when the key is missing.
 */
function writableHll(
  ctx: CommandContext,
  key: string,
  value = ctx.writeString(key),
): StringBuffer | undefined {
  if (value === undefined) return undefined;
  if (!isHll(value)) throw new ReplyError(Err.notHll);
  return mutableString(ctx, key, value);
}

export const pfadd = defineCommand({
  name: 'pfadd',
  arity: -2,
  flags: ['write', 'denyoom', 'fast'],
  acl: ['hyperloglog'],
  keySpecs: [keysAt(1, ['RW', 'INSERT'])],
  handler: (ctx, argv) => {
    const key = argv[1];
    let hll = writableHll(ctx, key);
    // A new key counts as a change even with no elements.
    let updated = 0;
    if (hll === undefined) {
      hll = newHll();
      ctx.keyspace.setKey(ctx.db, key, hll);
      updated = 1;
    }
    const changed = addElements(hll, argv, 2, maxSparseBytes(ctx));
    if (changed < 0) throw new ReplyError(Err.hllCorrupt);
    updated += changed;
    if (updated !== 0) {
      invalidateCache(hll.bytes());
      // Redis counts every changed register in the dirty counter.
      ctx.keyspace.keyChanged(ctx.db, key, '$', 'pfadd', updated);
    }
    ctx.reply.integer(updated === 0 ? 0 : 1);
  },
});

/** PFCOUNT of one key: the cached cardinality, or a fresh estimate stored back in the header. */
function countOne(ctx: CommandContext, argv: string[]): void {
  const key = argv[1];
  const value = readHll(ctx, key);
  if (value === undefined) return ctx.reply.integer(0);
  const bytes = mutableString(ctx, key, value).bytes();
  const cached = cachedCardinality(bytes);
  if (cached !== null) return ctx.reply.integer(cached);
  const card = countRegisters(bytes);
  if (card === null) throw new ReplyError(Err.hllCorrupt);
  storeCardinality(bytes, card);
  // Storing the cache modifies the string: Redis signals the key and, though PFCOUNT is flagged
  // readonly (so the gate would not propagate it), replicates the command.
  ctx.keyspace.keyModified(ctx.db, key);
  ctx.server.propagate(ctx.db.id, argv);
  ctx.reply.integer(card);
}

/** The register-wise maximum of HLLs (missing keys are empty HLLs), and whether any was dense. */
interface Union {
  max: Uint8Array;
  anyDense: boolean;
}

function unionOf(ctx: CommandContext, keys: string[]): Union {
  const union: Union = { max: new Uint8Array(HLL_REGISTERS), anyDense: false };
  for (const key of keys) {
    const value = readHll(ctx, key);
    if (value === undefined) continue;
    const bytes = valueBytes(value);
    if (!isSparse(bytes)) union.anyDense = true;
    if (!mergeRegisters(union.max, bytes)) throw new ReplyError(Err.hllCorrupt);
  }
  return union;
}

export const pfcount = defineCommand({
  name: 'pfcount',
  arity: -2,
  flags: ['readonly'],
  acl: ['hyperloglog'],
  keySpecs: [
    {
      ...keysAt(1, ['RW', 'ACCESS'], -1),
      notes:
        'RW because it may change the internal representation of the key, and propagate to replicas',
    },
  ],
  handler: (ctx, argv) => {
    if (argv.length === 2) return countOne(ctx, argv);
    ctx.reply.integer(countRawRegisters(unionOf(ctx, argv.slice(1)).max));
  },
});

export const pfmerge = defineCommand({
  name: 'pfmerge',
  arity: -2,
  flags: ['write', 'denyoom'],
  acl: ['hyperloglog'],
  keySpecs: [keysAt(1, ['RW', 'ACCESS', 'INSERT']), keysAt(2, ['RO', 'ACCESS'], -1)],
  handler: (ctx, argv) => {
    const key = argv[1];
    // The destination is merged too: it is one of the HLLs of the union.
    const { max, anyDense } = unionOf(ctx, argv.slice(1));
    let hll = writableHll(ctx, key);
    if (hll === undefined) {
      hll = newHll();
      ctx.keyspace.setKey(ctx.db, key, hll);
    }
    // A dense input makes the destination dense at once, as Redis does.
    if (anyDense && !sparseToDense(hll)) throw new ReplyError(Err.hllCorrupt);
    const maxBytes = maxSparseBytes(ctx);
    for (let i = 0; i < HLL_REGISTERS; i++) {
      if (max[i] !== 0) setRegister(hll, i, max[i], maxBytes);
    }
    invalidateCache(hll.bytes());
    // Redis reports a merge as a 'pfadd' event.
    ctx.keyChanged(key, '$', 'pfadd');
    ctx.reply.ok();
  },
});

/** PFDEBUG's subcommands, on an HLL already unshared for writing. */
type PfdebugSubcommand = (ctx: CommandContext, hll: StringBuffer) => void;

const PFDEBUG_SUBCOMMANDS = new Map<string, PfdebugSubcommand>([
  [
    'getreg',
    (ctx, hll) => {
      toDense(ctx, hll);
      const bytes = hll.bytes();
      ctx.reply.array(HLL_REGISTERS);
      for (let i = 0; i < HLL_REGISTERS; i++) ctx.reply.integer(denseGet(bytes, i));
    },
  ],
  [
    'decode',
    (ctx, hll) => {
      const bytes = hll.bytes();
      if (!isSparse(bytes)) throw new ReplyError(Err.hllNotSparse);
      ctx.reply.bulk(decodeSparse(bytes));
    },
  ],
  ['encoding', (ctx, hll) => ctx.reply.status(isSparse(hll.bytes()) ? 'sparse' : 'dense')],
  ['todense', (ctx, hll) => ctx.reply.integer(toDense(ctx, hll) ? 1 : 0)],
]);

/** Converts a sparse HLL to dense; true if it was sparse. Like Redis, counts dirty, no event. */
function toDense(ctx: CommandContext, hll: StringBuffer): boolean {
  if (!isSparse(hll.bytes())) return false;
  if (!sparseToDense(hll)) throw new ReplyError(Err.hllCorrupt);
  ctx.keyspace.dirty++;
  return true;
}

export const pfdebug = defineCommand({
  name: 'pfdebug',
  arity: 3,
  flags: ['write', 'denyoom', 'admin'],
  acl: ['hyperloglog'],
  keySpecs: [keysAt(2, ['RW', 'ACCESS'])],
  handler: (ctx, argv) => {
    const [, subcommand, key] = argv;
    const value = ctx.writeString(key);
    if (value === undefined) throw new ReplyError(Err.hllNoSuchKey);
    const hll = writableHll(ctx, key, value) as StringBuffer;
    const run = PFDEBUG_SUBCOMMANDS.get(optionName(subcommand));
    if (run === undefined) throw new ReplyError(Err.pfdebugUnknown(subcommand));
    run(ctx, hll);
  },
});

export const pfselftest = defineCommand({
  name: 'pfselftest',
  arity: 1,
  flags: ['admin'],
  acl: ['hyperloglog'],
  handler: (ctx) => {
    const failure = hllSelfTest(() => ctx.server.random(), maxSparseBytes(ctx));
    if (failure !== null) throw new ReplyError(failure);
    ctx.reply.ok();
  },
});

export const hyperloglogCommands: CommandSpec[] = [pfadd, pfcount, pfmerge, pfdebug, pfselftest];
