import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { HashValue } from '../../src/datatypes/hash.js';
import { ListValue } from '../../src/datatypes/list.js';
import { lzfCompress, lzfDecompress } from '../../src/datatypes/lzf.js';
import { SetValue } from '../../src/datatypes/set.js';
import { Stream } from '../../src/datatypes/stream.js';
import { ZSetValue } from '../../src/datatypes/zset.js';
import { lfuNewStamp } from '../../src/keyspace/lfu.js';
import {
  encodingOf,
  isCanonicalInt64,
  isString,
  stringBytes,
  type StoredValue,
} from '../../src/keyspace/values.js';
import { crc64 } from '../../src/persistence/crc64.js';
import { RdbType } from '../../src/persistence/rdb-constants.js';
import { RdbDecoder, RdbLoadError } from '../../src/persistence/rdb-decoder.js';
import { ListpackBuilder, readListpack } from '../../src/persistence/rdb-listpack.js';
import { DEFAULT_ENCODING_LIMITS, loadRdb } from '../../src/persistence/rdb-load.js';
import { readValue } from '../../src/persistence/rdb-value-read.js';
import { writeValue } from '../../src/persistence/rdb-value-write.js';
import {
  DEFAULT_LIST_LIMITS,
  encodeKeyspace,
  RdbEncoder,
  writeDbStart,
  writeKeyValue,
  writeRdbEnd,
  writeRdbHeader,
} from '../../src/persistence/rdb-write.js';
import { fixedClock, newKeyspace } from '../helpers/keyspace.js';

const LIMITS = DEFAULT_ENCODING_LIMITS;
const NODE_LIMITS = { maxBytes: 4096, maxEntries: 100 };

function roundTrip(value: StoredValue, compress = true): StoredValue {
  const enc = new RdbEncoder({ compress, checksum: true });
  writeValue(enc, value, DEFAULT_LIST_LIMITS);
  const bytes = enc.take();
  const dec = new RdbDecoder(bytes);
  const out = readValue(dec, dec.byte(), LIMITS);
  assert.equal(dec.pos, bytes.length, 'the whole value is read');
  assert.ok(out !== null);
  return out;
}

/** A value's contents and encoding in plain data, for deep comparison. */
function describeValue(value: StoredValue): unknown {
  if (isString(value)) return { string: stringBytes(value) };
  const encoding = value.encoding;
  if (value instanceof ListValue) return { encoding, list: value.range(0, value.length - 1) };
  if (value instanceof SetValue) return { encoding, set: value.members().sort() };
  if (value instanceof ZSetValue) {
    const entries: [string, number][] = [];
    value.forEach((member, score) => entries.push([member, score]));
    return { encoding, entries };
  }
  if (value instanceof HashValue) {
    const pairs: string[] = [];
    value.forEach((field, v) => pairs.push(`${field}=${v}`));
    return { encoding, pairs: encoding === 'listpack' ? pairs : pairs.sort() };
  }
  if (value instanceof Stream) {
    const groups = value.sortedGroups().map(([name, group]) => ({
      name,
      lastId: group.lastId,
      entriesRead: group.entriesRead,
      pending: [...group.pending].map((p) => [
        p.id,
        p.consumer?.name,
        p.deliveryTime,
        p.deliveryCount,
      ]),
      consumers: group
        .sortedConsumers()
        .map((c) => [c.name, c.seenTime, [...c.pending].map((p) => p.id)]),
    }));
    return {
      entries: value.range({ ms: 0, seq: 0 }, { ms: 2 ** 50, seq: 0 }, 0),
      nodes: value.nodeList.map((node) => [node.master, node.live, node.deleted]),
      length: value.length,
      lastId: value.lastId,
      firstId: value.firstId,
      maxDeletedId: value.maxDeletedId,
      entriesAdded: value.entriesAdded,
      groups,
    };
  }
  return value;
}

function assertRoundTrips(value: StoredValue): void {
  assert.deepEqual(describeValue(roundTrip(value)), describeValue(value));
  assert.deepEqual(describeValue(roundTrip(value, false)), describeValue(value));
}

function hashOf(pairs: [string, string][]): HashValue {
  const hash = new HashValue();
  for (const [f, v] of pairs) hash.set(f, v, LIMITS.hash);
  return hash;
}

function setOf(members: string[]): SetValue {
  const set = new SetValue();
  for (const m of members) set.add(m, LIMITS.maxIntsetEntries);
  return set;
}

const latin1 = fc.string({
  unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)),
  maxLength: 90,
});
const member = fc.oneof(
  latin1,
  fc.integer().map(String),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
);

describe('LZF', () => {
  it('decompresses what it compresses, and refuses damaged input', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 2000 }),
        fc.boolean(),
        (random, repeat) => {
          const input = repeat
            ? Buffer.from(Buffer.from(random).toString('hex').repeat(3))
            : random;
          const packed = lzfCompress(input, input.length + 64);
          assert.ok(packed !== null);
          assert.deepEqual(lzfDecompress(packed, input.length), Buffer.from(input));
          assert.equal(lzfDecompress(packed, input.length + 1), null);
        },
      ),
    );
  });
});

describe('listpacks', () => {
  it('read back every string and integer width they store', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(member, fc.string({ minLength: 60, maxLength: 5000 })), {
          maxLength: 40,
        }),
        (elements) => {
          const lp = new ListpackBuilder();
          for (const e of elements) lp.appendString(e);
          assert.deepEqual(readListpack(lp.finish()), elements);
        },
      ),
    );
  });

  it('store a string as an integer exactly when it is a canonical int64, read in place or not', () => {
    const numeric = fc.oneof(
      fc.stringMatching(/^-?[0-9]{0,21}$/),
      fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }).map(String),
      fc.constantFrom('0', '-0', '00', '-', '9223372036854775807', '9223372036854775808'),
      fc.constantFrom('-9223372036854775808', '-9223372036854775809', '1e3', ' 1', '+1'),
    );
    fc.assert(
      fc.property(fc.oneof(numeric, member), fc.string(), fc.string(), (s, before, after) => {
        const alone = new ListpackBuilder();
        alone.appendString(s);
        const inPlace = new ListpackBuilder();
        inPlace.appendString(before + s + after, before.length, before.length + s.length);
        const bytes = alone.finish();
        assert.deepEqual(inPlace.finish(), bytes);
        // The first element's encoding byte: top bits 10 or 1110, or the byte 0xF0, mark a string.
        const first = bytes[6];
        const storedAsString = (first & 0xc0) === 0x80 || (first & 0xf0) === 0xe0 || first === 0xf0;
        assert.equal(storedAsString, !isCanonicalInt64(s));
        assert.deepEqual(readListpack(bytes), [s]);
      }),
      { numRuns: 2000 },
    );
  });

  it('lay out integers and strings as Redis does', () => {
    const lp = new ListpackBuilder();
    for (const e of ['5', '-1', '300', '-70000', 'ab']) lp.appendString(e);
    assert.equal(
      lp.finish().toString('hex'),
      '18000000' + '0500' + '0501' + 'dfff02' + 'c12c02' + 'f290eefe04' + '826162' + '03' + 'ff',
    );
  });
});

describe('RDB values: write then read back', () => {
  it('keeps strings, integer-like ones and long compressible ones included', () => {
    for (const s of [
      '',
      '0',
      '-1',
      '127',
      '-32769',
      '2147483647',
      '2147483648',
      '007',
      '-0',
      'x'.repeat(500),
    ]) {
      assertRoundTrips(s);
    }
    fc.assert(fc.property(latin1, (s) => assertRoundTrips(s)));
  });

  it('keeps lists across quicklist nodes and plain nodes', () => {
    fc.assert(
      fc.property(fc.array(member, { maxLength: 300 }), (elements) => {
        if (elements.length > 0) assertRoundTrips(ListValue.of(elements));
      }),
    );
    assertRoundTrips(ListValue.of(Array.from({ length: 3000 }, (_, i) => `item:${i}`)));
  });

  it('keeps sets as intsets of every width and as hashtables', () => {
    for (const members of [
      ['1', '2'],
      ['1', '40000'],
      ['-5', '9000000000'],
      ['a', '1'],
    ]) {
      assertRoundTrips(setOf(members));
    }
    fc.assert(
      fc.property(fc.uniqueArray(member, { minLength: 1, maxLength: 600 }), (members) =>
        assertRoundTrips(setOf(members)),
      ),
    );
  });

  it('keeps sorted sets with any score in both encodings', () => {
    const score = fc.oneof(
      fc.double({ noNaN: true }),
      fc.integer(),
      fc.constantFrom(Infinity, -Infinity, 0, 1e-300),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(member, { minLength: 1, maxLength: 200 }),
        fc.array(score, { minLength: 200, maxLength: 200 }),
        (members, scores) => {
          const zset = ZSetValue.fromEntries(members, scores.slice(0, members.length), LIMITS.zset);
          assertRoundTrips(zset);
        },
      ),
    );
  });

  it('keeps hashes in both encodings, listpack order included', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(member, member), {
          minLength: 1,
          maxLength: 700,
          selector: (p) => p[0],
        }),
        (pairs) => assertRoundTrips(hashOf(pairs)),
      ),
    );
    assertRoundTrips(hashOf([['f', 'v'.repeat(100)]]));
  });

  it('keeps streams: nodes, tombstones, counters, groups, consumers and pending entries', () => {
    const stream = new Stream();
    for (let i = 1; i <= 350; i++) {
      const args = i % 7 === 0 ? ['other', String(i), 'x', '-5'] : ['field', `v${i}`];
      stream.append({ ms: i, seq: i % 3 }, args, 0, args.length / 2, 10, NODE_LIMITS);
    }
    stream.delete([
      { ms: 5, seq: 2 },
      { ms: 1, seq: 1 },
      { ms: 200, seq: 2 },
    ]);
    const group = stream.createGroup('g1', { ms: 10, seq: 1 }, 9)!;
    const alice = group.createConsumer('alice', 1234)!;
    group.deliver({ ms: 3, seq: 0 }, alice, 5000);
    group.deliver({ ms: 4, seq: 1 }, alice, 6000);
    const bob = group.createConsumer('bob', 99)!;
    group.deliver({ ms: 6, seq: 0 }, bob, 7000);
    stream.createGroup('g0', { ms: 0, seq: 0 }, -1);
    assertRoundTrips(stream);
    const empty = new Stream();
    empty.append({ ms: 1, seq: 0 }, ['a', '1'], 0, 1, 2, NODE_LIMITS);
    empty.delete([{ ms: 1, seq: 0 }]);
    assertRoundTrips(empty);
  });
});

/** A ziplist of strings (and small integers as Redis stores them), for the older types. */
function ziplist(elements: (string | number)[]): Buffer {
  const entries: Buffer[] = [];
  let previous = 0;
  for (const e of elements) {
    const prevlen = previous < 254 ? Buffer.from([previous]) : Buffer.from([0xfe, 0, 0, 0, 0]);
    if (previous >= 254) prevlen.writeUInt32LE(previous, 1);
    let body: Buffer;
    if (typeof e === 'number' && e >= 0 && e <= 12) body = Buffer.from([0xf1 + e]);
    else if (typeof e === 'number') {
      body = Buffer.alloc(9);
      body[0] = 0xe0;
      body.writeBigInt64LE(BigInt(e), 1);
    } else if (e.length < 64)
      body = Buffer.concat([Buffer.from([e.length]), Buffer.from(e, 'latin1')]);
    else
      body = Buffer.concat([
        Buffer.from([0x40 | (e.length >> 8), e.length & 0xff]),
        Buffer.from(e, 'latin1'),
      ]);
    const entry = Buffer.concat([prevlen, body]);
    entries.push(entry);
    previous = entry.length;
  }
  const content = Buffer.concat(entries);
  const out = Buffer.alloc(10 + content.length + 1);
  out.writeUInt32LE(out.length, 0);
  out.writeUInt32LE(10, 4);
  out.writeUInt16LE(elements.length, 8);
  content.copy(out, 10);
  out[out.length - 1] = 0xff;
  return out;
}

function readTyped(type: number, write: (enc: RdbEncoder) => void): StoredValue | null {
  const enc = new RdbEncoder({ compress: false, checksum: false });
  write(enc);
  const dec = new RdbDecoder(enc.take());
  return readValue(dec, type, LIMITS);
}

describe('RDB values of older Redis versions', () => {
  it('reads ziplist lists, quicklists of ziplists and plain lists', () => {
    const elements = ['a', 7, 'x'.repeat(300), -123456789012];
    const expected = { encoding: 'quicklist', list: ['a', '7', 'x'.repeat(300), '-123456789012'] };
    assert.deepEqual(
      describeValue(readTyped(RdbType.LIST_ZIPLIST, (e) => e.string(ziplist(elements)))!),
      expected,
    );
    const quicklist = readTyped(RdbType.LIST_QUICKLIST, (e) => {
      e.length(2);
      e.string(ziplist(elements.slice(0, 2)));
      e.string(ziplist(elements.slice(2)));
    });
    assert.deepEqual(describeValue(quicklist!), expected);
    const plain = readTyped(RdbType.LIST, (e) => {
      e.length(2);
      e.string('a');
      e.string('7');
    });
    assert.deepEqual(describeValue(plain!), { encoding: 'quicklist', list: ['a', '7'] });
  });

  it('reads ziplist and zipmap hashes, and ziplist and text-score sorted sets', () => {
    const hash = readTyped(RdbType.HASH_ZIPLIST, (e) => e.string(ziplist(['f', 1, 'g', 'v'])));
    assert.deepEqual(describeValue(hash!), { encoding: 'listpack', pairs: ['f=1', 'g=v'] });
    const zipmap = Buffer.from([2, 1, 0x66, 2, 0, 0x76, 0x31, 1, 0x67, 1, 1, 0x32, 0x00, 0xff]);
    const fromZipmap = readTyped(RdbType.HASH_ZIPMAP, (e) => e.string(zipmap));
    assert.deepEqual(describeValue(fromZipmap!), { encoding: 'listpack', pairs: ['f=v1', 'g=2'] });
    const zset = readTyped(RdbType.ZSET_ZIPLIST, (e) => e.string(ziplist(['m', '1.5', 'n', 3])));
    assert.deepEqual(describeValue(zset!), {
      encoding: 'listpack',
      entries: [
        ['m', 1.5],
        ['n', 3],
      ],
    });
    const textScores = readTyped(RdbType.ZSET, (e) => {
      e.length(3);
      for (const [m, text] of [
        ['a', '2.5'],
        ['b', null],
        ['c', '-1'],
      ] as const) {
        e.string(m);
        if (text === null) e.byte(254);
        else {
          e.byte(text.length);
          e.latin1(text);
        }
      }
    });
    assert.deepEqual(describeValue(textScores!), {
      encoding: 'listpack',
      entries: [
        ['c', -1],
        ['a', 2.5],
        ['b', Infinity],
      ],
    });
  });

  it('skips empty collections and refuses duplicates and bad blobs', () => {
    assert.equal(
      readTyped(RdbType.LIST_QUICKLIST_2, (e) => e.length(0)),
      null,
    );
    assert.throws(
      () => readTyped(RdbType.HASH_ZIPLIST, (e) => e.string(ziplist(['f', 1, 'f', 2]))),
      RdbLoadError,
    );
    assert.throws(
      () => readTyped(RdbType.LIST_ZIPLIST, (e) => e.string(Buffer.from('not a ziplist'))),
      RdbLoadError,
    );
    assert.throws(() => readTyped(RdbType.MODULE_2, () => {}), RdbLoadError);
  });
});

const clock = fixedClock;

const OPTIONS = { limits: LIMITS, now: clock.now(), keepExpired: false };

describe('RDB files', () => {
  it('load back what a keyspace saved: databases, expiries, aux fields and functions', () => {
    const source = newKeyspace();
    source.setKey(source.dbs[0], 'a', '1');
    source.setKey(source.dbs[0], 'l', ListValue.of(['x', 'y']));
    source.setExpire(source.dbs[0], 'l', clock.now() + 5000);
    source.setKey(source.dbs[5], 'h', hashOf([['f', 'v']]));
    const bytes = encodeKeyspace(new RdbEncoder(), source, {
      aux: {
        ctime: 17,
        usedMem: 100,
        aofBase: false,
        replication: { streamDb: 0, replId: 'x'.repeat(40), offset: 5 },
      },
      functions: ['#!lua name=lib\n'],
      limits: DEFAULT_LIST_LIMITS,
    });
    assert.equal(bytes.latin1Slice(0, 9), 'REDIS0010');
    assert.equal(bytes.readBigUInt64LE(bytes.length - 8), crc64(bytes, 0, bytes.length - 8));
    const target = newKeyspace();
    const result = loadRdb(bytes, target, OPTIONS);
    assert.equal(result.keys, 3);
    assert.equal(result.end, bytes.length);
    assert.deepEqual(result.functions, ['#!lua name=lib\n']);
    assert.deepEqual(
      [...result.aux],
      [
        ['redis-ver', '7.0.15'],
        ['redis-bits', '64'],
        ['ctime', '17'],
        ['used-mem', '100'],
        ['repl-stream-db', '0'],
        ['repl-id', 'x'.repeat(40)],
        ['repl-offset', '5'],
        ['aof-base', '0'],
      ],
    );
    assert.equal(target.dbs[0].dict.get('a'), '1');
    assert.equal(target.getExpire(target.dbs[0], 'l'), clock.now() + 5000);
    assert.equal(encodingOf(target.dbs[5].dict.get('h')!), 'listpack');
  });

  it('reads older versions, second-resolution expiries and files without a checksum', () => {
    const enc = new RdbEncoder({ compress: false, checksum: false });
    enc.latin1('REDIS0006');
    enc.byte(254); // SELECTDB
    enc.length(2);
    enc.byte(253); // EXPIRETIME, seconds
    const seconds = Buffer.alloc(4);
    seconds.writeInt32LE(clock.now() / 1000 + 60);
    enc.bytes(seconds);
    enc.byte(RdbType.STRING);
    enc.string('k');
    enc.string('v');
    writeRdbEnd(enc);
    const target = newKeyspace();
    const result = loadRdb(enc.take(), target, OPTIONS);
    assert.equal(result.keys, 1);
    assert.equal(target.getExpire(target.dbs[2], 'k'), clock.now() + 60000);
  });

  it('refuses a wrong signature, a newer version, a wrong checksum and a duplicated key', () => {
    const target = newKeyspace();
    const file = (build: (enc: RdbEncoder) => void) => {
      const enc = new RdbEncoder();
      writeRdbHeader(enc, { ctime: 0, usedMem: 0, aofBase: false });
      writeDbStart(enc, 0, 2, 0);
      build(enc);
      writeRdbEnd(enc);
      return enc.take();
    };
    const good = file((enc) => writeKeyValue(enc, 'k', 'v', undefined, DEFAULT_LIST_LIMITS));
    const fails = (bytes: Buffer, reason: RegExp) =>
      assert.throws(
        () => loadRdb(bytes, newKeyspace(), OPTIONS),
        (err: unknown) => err instanceof RdbLoadError && reason.test(err.message),
      );
    fails(Buffer.concat([Buffer.from('RODIS'), good.subarray(5)]), /Wrong signature/);
    fails(
      Buffer.concat([Buffer.from('REDIS0011'), good.subarray(9)]),
      /Can't handle RDB format version/,
    );
    const damaged = Buffer.from(good);
    damaged[damaged.length - 1] ^= 1;
    fails(damaged, /Wrong RDB checksum/);
    fails(
      file((enc) => {
        writeKeyValue(enc, 'k', 'v', undefined, DEFAULT_LIST_LIMITS);
        writeKeyValue(enc, 'k', 'w', undefined, DEFAULT_LIST_LIMITS);
      }),
      /Duplicated key/,
    );
    assert.equal(loadRdb(good, target, OPTIONS).keys, 1);
  });

  it('saves idle times under an LRU policy and LFU counters under an LFU one, and loads them', () => {
    const source = newKeyspace();
    source.setKey(source.dbs[0], 'k', 'v');
    source.dbs[0].dict.setMetaAt(source.dbs[0].dict.slotOf('k'), source.lruClock() - 120);
    const save = (policy: string) =>
      encodeKeyspace(new RdbEncoder(), source, {
        aux: { ctime: 0, usedMem: 0, aofBase: false },
        functions: [],
        limits: DEFAULT_LIST_LIMITS,
        maxmemoryPolicy: policy,
      });
    const lru = save('allkeys-lru');
    assert.ok(lru.length > save('noeviction').length);
    const target = newKeyspace();
    loadRdb(lru, target, OPTIONS);
    assert.equal(target.idleSeconds(target.dbs[0], 'k'), 120);
    source.lfu = true;
    source.dbs[0].dict.setMetaAt(
      source.dbs[0].dict.slotOf('k'),
      (lfuNewStamp(source.now) & ~0xff) | 77,
    );
    const lfuTarget = newKeyspace();
    lfuTarget.lfu = true;
    loadRdb(save('volatile-lfu'), lfuTarget, OPTIONS);
    assert.equal(lfuTarget.frequency(lfuTarget.dbs[0], 'k'), 77);
  });

  it('refuses damaged files with RdbLoadError and nothing else, wherever the damage is', () => {
    const source = newKeyspace();
    const db = source.dbs[0];
    source.setKey(db, 's', 'x'.repeat(100));
    source.setKey(db, 'l', ListValue.of(Array.from({ length: 50 }, (_, i) => `e${i}`)));
    source.setKey(db, 'z', ZSetValue.fromEntries(['a', 'b'], [1, 2.5], LIMITS.zset));
    source.setKey(
      db,
      'h',
      hashOf([
        ['f', 'v'],
        ['g', '12'],
      ]),
    );
    source.setKey(db, 'i', setOf(['1', '2', '70000']));
    const stream = new Stream();
    stream.append({ ms: 1, seq: 0 }, ['f', 'v'], 0, 1, 2, NODE_LIMITS);
    stream.createGroup('g', { ms: 0, seq: 0 }, 0);
    source.setKey(db, 'x', stream);
    const good = encodeKeyspace(new RdbEncoder(), source, {
      aux: { ctime: 0, usedMem: 0, aofBase: false },
      functions: [],
      limits: DEFAULT_LIST_LIMITS,
    });
    fc.assert(
      fc.property(
        fc.nat(good.length - 9),
        fc.integer({ min: 1, max: 255 }),
        fc.boolean(),
        (at, flip, truncate) => {
          const bad = truncate ? good.subarray(0, at) : Buffer.from(good);
          if (!truncate) bad[at] ^= flip;
          try {
            loadRdb(bad, newKeyspace(), { ...OPTIONS, checksum: false });
          } catch (err) {
            assert.ok(err instanceof RdbLoadError, `${String(err)} at ${at}`);
          }
        },
      ),
      // The first: a flipped bit in a stream entry's ID delta (once a BigInt SyntaxError).
      { numRuns: 2000, examples: [[418, 2, false]] },
    );
  });

  it('skips expired keys as a primary and keeps them when asked', () => {
    const source = newKeyspace();
    source.setKey(source.dbs[0], 'old', 'v');
    source.setExpire(source.dbs[0], 'old', clock.now() - 1);
    const bytes = encodeKeyspace(new RdbEncoder(), source, {
      aux: { ctime: 0, usedMem: 0, aofBase: false },
      functions: [],
      limits: DEFAULT_LIST_LIMITS,
    });
    assert.deepEqual(loadRdb(bytes, newKeyspace(), OPTIONS).expired, 1);
    assert.deepEqual(loadRdb(bytes, newKeyspace(), { ...OPTIONS, keepExpired: true }).keys, 1);
  });
});
