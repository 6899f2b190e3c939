/** String commands on parts of a value: APPEND, SETRANGE, GETRANGE, SUBSTR, STRLEN. */
import { defineCommand, type CommandSpec, type Handler } from '../dispatch/command.js';
import { ReplyError } from '../dispatch/context.js';
import { Err } from '../dispatch/errors.js';
import { parseInt64 } from '../dispatch/numbers.js';
import { StringBuffer } from '../datatypes/string-buffer.js';
import { checkStringLength, keysFromFirst, mutableString } from './string-common.js';

export const append = defineCommand({
  name: 'append',
  arity: 3,
  flags: ['write', 'denyoom', 'fast'],
  acl: ['string'],
  keySpecs: keysFromFirst(['RW', 'INSERT']),
  handler: (ctx, argv) => {
    const [, key, tail] = argv;
    const value = ctx.writeString(key);
    let length: number;
    if (value === undefined) {
      // A new key holds the argument as it is, like a SET (so its encoding may be int or embstr).
      ctx.keyspace.setKey(ctx.db, key, tail);
      length = tail.length;
    } else {
      checkStringLength(ctx, value.length, tail.length);
      const buffer = mutableString(ctx, key, value);
      buffer.append(tail);
      length = buffer.length;
    }
    ctx.keyChanged(key, '$', 'append');
    ctx.reply.integer(length);
  },
});

export const setrange = defineCommand({
  name: 'setrange',
  arity: 4,
  flags: ['write', 'denyoom'],
  acl: ['string'],
  keySpecs: keysFromFirst(['RW', 'UPDATE']),
  handler: (ctx, argv) => {
    const [, key, offsetText, patch] = argv;
    const offset = parseInt64(offsetText);
    if (offset === null) throw new ReplyError(Err.notInteger);
    if (offset < 0n) throw new ReplyError(Err.offsetOutOfRange);
    const value = ctx.writeString(key);
    // Writing nothing changes nothing, not even a missing key.
    if (patch.length === 0) return ctx.reply.integer(value?.length ?? 0);
    checkStringLength(ctx, offset, patch.length);
    const end = Number(offset) + patch.length;
    let buffer: StringBuffer;
    if (value === undefined) {
      buffer = new StringBuffer('', end);
      ctx.keyspace.setKey(ctx.db, key, buffer);
    } else {
      buffer = mutableString(ctx, key, value);
    }
    buffer.writeAt(Number(offset), patch);
    ctx.keyChanged(key, '$', 'setrange');
    ctx.reply.integer(buffer.length);
  },
});

/**
 * GETRANGE and SUBSTR: bytes from start to end inclusive, negative indexes counting from the end,
 * both clamped into the string (Redis's getrangeCommand).
 */
const getrangeHandler: Handler = (ctx, argv) => {
  const start = parseInt64(argv[2]);
  if (start === null) throw new ReplyError(Err.notInteger);
  const end = parseInt64(argv[3]);
  if (end === null) throw new ReplyError(Err.notInteger);
  const value = ctx.readString(argv[1]);
  if (value === undefined) return ctx.reply.bulk('');
  if (start < 0n && end < 0n && start > end) return ctx.reply.bulk('');
  const length = BigInt(value.length);
  let first = start < 0n ? length + start : start;
  let last = end < 0n ? length + end : end;
  if (first < 0n) first = 0n;
  if (last < 0n) last = 0n;
  if (last >= length) last = length - 1n;
  if (first > last || length === 0n) return ctx.reply.bulk('');
  ctx.reply.bulk(value.slice(Number(first), Number(last) + 1));
};

export const getrange = defineCommand({
  name: 'getrange',
  arity: 4,
  flags: ['readonly'],
  acl: ['string'],
  keySpecs: keysFromFirst(['RO', 'ACCESS']),
  handler: getrangeHandler,
});

export const substr = defineCommand({
  name: 'substr',
  arity: 4,
  flags: ['readonly'],
  acl: ['string'],
  keySpecs: keysFromFirst(['RO', 'ACCESS']),
  handler: getrangeHandler,
});

export const strlen = defineCommand({
  name: 'strlen',
  arity: 2,
  flags: ['readonly', 'fast'],
  acl: ['string'],
  keySpecs: keysFromFirst(['RO']),
  handler: (ctx, argv) => ctx.reply.integer(ctx.readString(argv[1])?.length ?? 0),
});

export const rangeCommands: CommandSpec[] = [append, setrange, getrange, substr, strlen];
