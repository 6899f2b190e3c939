/**
 * BITFIELD and BITFIELD_RO (Redis's bitfieldGeneric): GET, SET and INCRBY of signed and unsigned
 * integers at bit offsets, with OVERFLOW WRAP|SAT|FAIL applying to the operations after it. Every
 * operation is parsed before anything is read or written.
 */
import { defineCommand, type CommandSpec, type KeyReference } from '../dispatch/command.js';
import type { CommandContext } from '../dispatch/context.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { parseInt64 } from '../dispatch/numbers.js';
import {
  applyOverflow,
  getField,
  setField,
  type FieldType,
  type Overflow,
} from '../datatypes/bitops-field.js';
import { bytesOf, parseBitOffset, stringForBitWrite } from './bitmap-common.js';
import { keysAt } from './key-specs.js';
import { optionName } from './string-common.js';

interface FieldOp {
  kind: 'get' | 'set' | 'incrby';
  type: FieldType;
  offset: number;
  /** The SET value or the INCRBY increment. */
  value: bigint;
  overflow: Overflow;
}

interface ParsedOps {
  ops: FieldOp[];
  /** Only GETs: the key is only read. */
  readOnly: boolean;
  /** The last bit a SET or INCRBY touches. */
  highestBit: number;
}

/** "i1" to "i64" or "u1" to "u63"; the width is read as a C string, up to a NUL byte. */
function parseType(arg: string): FieldType {
  const signed = arg[0] === 'i';
  if (!signed && arg[0] !== 'u') throw new ReplyError(Err.bitfieldType);
  const bits = parseInt64(arg.slice(1).split('\0')[0]);
  if (bits === null || bits < 1n || bits > (signed ? 64n : 63n)) {
    throw new ReplyError(Err.bitfieldType);
  }
  return { signed, bits: Number(bits) };
}

const OVERFLOWS: ReadonlySet<string> = new Set(['wrap', 'sat', 'fail']);

function parseOps(ctx: CommandContext, argv: string[]): ParsedOps {
  const parsed: ParsedOps = { ops: [], readOnly: true, highestBit: 0 };
  let overflow: Overflow = 'wrap';
  for (let j = 2; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const name = optionName(argv[j]);
    if (name === 'overflow' && left >= 1) {
      const type = optionName(argv[++j]);
      if (!OVERFLOWS.has(type)) throw new ReplyError(Err.bitfieldOverflow);
      overflow = type as Overflow;
      continue;
    }
    if (!((name === 'get' && left >= 2) || ((name === 'set' || name === 'incrby') && left >= 3))) {
      throw new ReplyError(Err.syntax);
    }
    const type = parseType(argv[j + 1]);
    const offset = parseBitOffset(ctx, argv[j + 2], type.bits);
    let value = 0n;
    if (name !== 'get') {
      parsed.readOnly = false;
      parsed.highestBit = Math.max(parsed.highestBit, offset + type.bits - 1);
      const number = parseInt64(argv[j + 3]);
      if (number === null) throw new ReplyError(Err.notInteger);
      value = number;
    }
    parsed.ops.push({ kind: name as FieldOp['kind'], type, offset, value, overflow });
    j += name === 'get' ? 2 : 3;
  }
  return parsed;
}

function bitfieldGeneric(ctx: CommandContext, argv: string[], readOnlyCommand: boolean): void {
  const key = argv[1];
  const { ops, readOnly, highestBit } = parseOps(ctx, argv);
  let bytes: Uint8Array;
  let grown = false;
  if (readOnly) {
    const value = ctx.readString(key);
    bytes = value === undefined ? new Uint8Array(0) : bytesOf(value);
  } else {
    if (readOnlyCommand) throw new ReplyError(Err.bitfieldRoWrite);
    const target = stringForBitWrite(ctx, key, highestBit);
    bytes = target.buffer.bytes();
    grown = target.grown;
  }
  ctx.reply.array(ops.length);
  let changes = 0;
  for (const op of ops) {
    const old = getField(bytes, op.offset, op.type);
    if (op.kind === 'get') {
      ctx.reply.integer(old);
      continue;
    }
    const stored =
      op.kind === 'incrby'
        ? applyOverflow(old, op.value, op.type, op.overflow)
        : applyOverflow(op.value, 0n, op.type, op.overflow);
    // FAIL on overflow: nothing written, a null in the reply.
    if (stored === null) {
      ctx.reply.nullBulk();
      continue;
    }
    ctx.reply.integer(op.kind === 'incrby' ? stored : old);
    setField(bytes, op.offset, op.type.bits, stored);
    if (grown || stored !== old) changes++;
  }
  if (changes !== 0) ctx.keyspace.keyChanged(ctx.db, key, '$', 'setbit', changes);
}

/** Redis's bitfieldGetKeys: the key is only read when every operation is a GET (or OVERFLOW). */
function bitfieldKeys(argv: string[]): KeyReference[] {
  for (let j = 2; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const name = optionName(argv[j]);
    if (name === 'get' && left >= 2) j += 2;
    else if (name === 'overflow' && left >= 1) j += 1;
    else return [{ index: 1, flags: ['RW', 'ACCESS', 'UPDATE'] }];
  }
  return [{ index: 1, flags: ['RO', 'ACCESS'] }];
}

export const bitfield = defineCommand({
  name: 'bitfield',
  arity: -2,
  flags: ['write', 'denyoom'],
  acl: ['bitmap'],
  keySpecs: [
    {
      ...keysAt(1, ['RW', 'ACCESS', 'UPDATE', 'VARIABLE_FLAGS']),
      notes: 'This command allows both access and modification of the key',
    },
  ],
  getKeys: bitfieldKeys,
  handler: (ctx, argv) => bitfieldGeneric(ctx, argv, false),
});

export const bitfieldRo = defineCommand({
  name: 'bitfield_ro',
  arity: -2,
  flags: ['readonly', 'fast'],
  acl: ['bitmap'],
  keySpecs: [keysAt(1, ['RO', 'ACCESS'])],
  handler: (ctx, argv) => bitfieldGeneric(ctx, argv, true),
});

export const bitfieldCommands: CommandSpec[] = [bitfield, bitfieldRo];
