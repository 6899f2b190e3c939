/**
 * Commands that build keys of every type in every encoding Redis 7.0 writes to RDB files and DUMP
 * payloads (integer, embstr and raw strings, quicklists of several nodes, intsets of each width,
 * listpack and skiplist sorted sets, listpack and hashtable hashes, streams with tombstones,
 * several nodes, consumer groups), for the persistence tests.
 */
import type { Command } from './diff.js';

const incompressible = Array.from({ length: 300 }, (_, i) =>
  String.fromCharCode((i * 7919) % 251),
).join('');

/** Keys of every type in every encoding Redis 7.0 writes, built the same way on both servers. */
export const POPULATE: Command[] = [
  ['SET', 's:int8', '-5'],
  ['SET', 's:int16', '1234'],
  ['SET', 's:int32', '-123456789'],
  ['SET', 's:int64', '12345678901234'],
  ['SET', 's:text', 'hello world'],
  ['SET', 's:empty', ''],
  ['SET', 's:long', 'abc'.repeat(100)],
  ['SET', 's:incompressible', incompressible],
  ['SET', 's:binary', '\u0000\u00ff\r\n\u0080'],
  ['SET', 's:noncanonical', '007'],
  ['SETRANGE', 's:raw', '0', 'raw value'],
  ['PFADD', 's:hll', 'a', 'b', 'c'],
  ['SET', 's:ttl', 'v', 'EX', '1000'],
  ['RPUSH', 'l:small', 'a', '1', '-2', '300', '70000', '-9000000000', 'x'.repeat(100), ''],
  ['RPUSH', 'l:many', ...Array.from({ length: 2000 }, (_, i) => `element-${i}`)],
  ['SADD', 'st:intset', '1', '2', '3', '-5'],
  ['SADD', 'st:intset64', '1', '5000000000', '-70000'],
  ['SADD', 'st:strings', 'a', 'b', 'c'],
  ['ZADD', 'z:small', '1', 'one', '1.5', 'onehalf', '-inf', 'low', 'inf', 'high', '0', 'zero'],
  [
    'ZADD',
    'z:scores',
    '3.141592653589793',
    'pi',
    '1e100',
    'big',
    '-0.000001',
    'tiny',
    '12345678901234567',
    'int',
    // Integral scores up to 2^62 are listpack integers in Redis 7.0; 2^63 - 1 stays a string.
    '-100000000000000000',
    'e17',
    '4611686018427387904',
    'two62',
    '9223372036854775807',
    'int64max',
  ],
  ...Array.from({ length: 200 }, (_, i): Command => [
    'ZADD',
    'z:skiplist',
    String(i * 1.25),
    `m${i}`,
  ]),
  ['HSET', 'h:small', 'f1', 'v1', 'f2', '2', 'f3', '-300', 'f4', ''],
  ...Array.from({ length: 600 }, (_, i): Command => ['HSET', 'h:table', `field${i}`, `value${i}`]),
  ['HSET', 'h:longvalue', 'f', 'v'.repeat(100)],
  ['XADD', 'x:plain', '1-1', 'name', 'a', 'value', '1'],
  ['XADD', 'x:plain', '1-2', 'name', 'b', 'value', '2'],
  ['XADD', 'x:plain', '2-0', 'other', 'c'],
  ['XADD', 'x:plain', '5-3', 'name', 'd', 'value', '-4096'],
  ['XDEL', 'x:plain', '1-2'],
  ...Array.from({ length: 250 }, (_, i): Command => [
    'XADD',
    'x:nodes',
    `${i + 1}-0`,
    'f',
    String(i),
  ]),
  ['XDEL', 'x:nodes', '1-0', '150-0'],
  ['XADD', 'x:groups', '1-0', 'a', '1'],
  ['XADD', 'x:groups', '2-0', 'a', '2'],
  ['XADD', 'x:groups', '3-0', 'b', '3'],
  ['XGROUP', 'CREATE', 'x:groups', 'g1', '0'],
  ['XGROUP', 'CREATE', 'x:groups', 'g2', '$'],
  ['XGROUP', 'CREATECONSUMER', 'x:groups', 'g2', 'idle'],
  ['XADD', 'x:empty', 'MAXLEN', '0', '1-0', 'a', '1'],
];
