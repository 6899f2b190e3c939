import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KeyReference, KeySpec } from '../../src/dispatch/command.js';
import {
  atoi,
  commandHasKeys,
  commandKeys,
  countedKeys,
  keysFromSpecs,
} from '../../src/dispatch/keys.js';

/** The keys found, as the argument strings they designate. */
function keyNames(keys: KeyReference[] | null, argv: string[]): string[] | null {
  return keys === null ? null : keys.map((k) => argv[k.index]);
}

function found(specs: KeySpec[], line: string): string[] | null {
  const argv = line.split(' ');
  return keyNames(keysFromSpecs(specs, argv), argv);
}

// Key specs as Redis 7.0 declares them for a few commands.
const GET: KeySpec[] = [
  {
    flags: ['RO', 'ACCESS'],
    begin: { index: 1 },
    find: { range: { lastKey: 0, keyStep: 1, limit: 0 } },
  },
];
const MSET: KeySpec[] = [
  {
    flags: ['OW', 'UPDATE'],
    begin: { index: 1 },
    find: { range: { lastKey: -1, keyStep: 2, limit: 0 } },
  },
];
const ZUNIONSTORE: KeySpec[] = [
  {
    flags: ['OW', 'UPDATE'],
    begin: { index: 1 },
    find: { range: { lastKey: 0, keyStep: 1, limit: 0 } },
  },
  {
    flags: ['RO', 'ACCESS'],
    begin: { index: 2 },
    find: { keyNum: { keyNumIdx: 0, firstKey: 1, keyStep: 1 } },
  },
];
const XREAD: KeySpec[] = [
  {
    flags: ['RO', 'ACCESS'],
    begin: { keyword: 'STREAMS', startFrom: 1 },
    find: { range: { lastKey: -1, keyStep: 1, limit: 2 } },
  },
];
const MIGRATE: KeySpec[] = [
  {
    flags: ['RW', 'ACCESS', 'DELETE'],
    begin: { index: 3 },
    find: { range: { lastKey: 0, keyStep: 1, limit: 0 } },
  },
  {
    flags: ['RW', 'ACCESS', 'DELETE', 'INCOMPLETE'],
    begin: { keyword: 'KEYS', startFrom: -2 },
    find: { range: { lastKey: -1, keyStep: 1, limit: 0 } },
  },
];
const SORT: KeySpec[] = [
  {
    flags: ['RO', 'ACCESS'],
    begin: { index: 1 },
    find: { range: { lastKey: 0, keyStep: 1, limit: 0 } },
  },
  { flags: ['RO', 'ACCESS'], begin: { unknown: true }, find: { unknown: true } },
];
const SPUBLISH: KeySpec[] = [
  {
    flags: ['NOT_KEY'],
    begin: { index: 1 },
    find: { range: { lastKey: 0, keyStep: 1, limit: 0 } },
  },
];

describe('key extraction from key specs', () => {
  it('an index and a range find one key, or every other argument to the end', () => {
    assert.deepEqual(found(GET, 'GET k'), ['k']);
    assert.deepEqual(found(MSET, 'MSET a 1 b 2 c 3'), ['a', 'b', 'c']);
  });

  it('a range past the last argument makes the specs fail', () => {
    assert.equal(found(GET, 'GET'), null);
  });

  it('a key count is read from its argument, and the keys follow it', () => {
    assert.deepEqual(found(ZUNIONSTORE, 'ZUNIONSTORE dest 2 a b WEIGHTS 1 2'), ['dest', 'a', 'b']);
  });

  it('a key count that is not a number, negative, zero or too large makes the specs fail', () => {
    for (const count of ['x', '2x', '-1', '0', '3', ' 2']) {
      assert.equal(found(ZUNIONSTORE, `ZUNIONSTORE dest ${count} a b`), null, count);
    }
  });

  it('a keyword begins the search after it, and a limit keeps half the remaining arguments', () => {
    assert.deepEqual(found(XREAD, 'XREAD COUNT 2 STREAMS s1 s2 0 0'), ['s1', 's2']);
    assert.deepEqual(found(XREAD, 'XREAD count 2 streams s1 0'), ['s1']);
  });

  it('a missing keyword skips its spec', () => {
    assert.deepEqual(found(XREAD, 'XREAD COUNT 2'), []);
  });

  it('the keyword search stops before the last argument, like Redis', () => {
    assert.deepEqual(found(XREAD, 'XREAD STREAMS'), []);
  });

  it('a backward keyword search starts from the end and never looks at argv[1]', () => {
    const migrate = 'MIGRATE host 6379 "" 0 5000 KEYS a b';
    assert.equal(found(MIGRATE, migrate), null, 'an incomplete spec fails the search');
    const argv = migrate.split(' ');
    assert.deepEqual(keyNames(keysFromSpecs(MIGRATE, argv, { partial: true }), argv), [
      '""',
      'a',
      'b',
    ]);
  });

  it('an unknown spec fails the search unless partial results are asked for', () => {
    assert.equal(found(SORT, 'SORT k STORE d'), null);
    const argv = ['SORT', 'k', 'STORE', 'd'];
    assert.deepEqual(keyNames(keysFromSpecs(SORT, argv, { partial: true }), argv), ['k']);
  });

  it('NOT_KEY specs are skipped unless asked for', () => {
    assert.deepEqual(found(SPUBLISH, 'SPUBLISH channel message'), []);
    const argv = ['SPUBLISH', 'channel', 'message'];
    const keys = keysFromSpecs(SPUBLISH, argv, { includeNotKeys: true });
    assert.deepEqual(keyNames(keys, argv), ['channel']);
  });

  it('each key carries the flags of the spec that found it', () => {
    const keys = keysFromSpecs(ZUNIONSTORE, ['ZUNIONSTORE', 'd', '1', 'a']);
    assert.deepEqual(
      keys?.map((k) => k.flags),
      [
        ['OW', 'UPDATE'],
        ['RO', 'ACCESS'],
      ],
    );
  });
});

describe('the keys of a command', () => {
  const zunionstore = {
    keySpecs: ZUNIONSTORE,
    getKeys: countedKeys({ storeIndex: 1, countIndex: 2, firstKeyIndex: 3 }),
  };

  it('come from the key specs when they can be followed', () => {
    const argv = ['ZUNIONSTORE', 'd', '2', 'a', 'b'];
    assert.deepEqual(keyNames(commandKeys(zunionstore, argv), argv), ['d', 'a', 'b']);
  });

  it("come from the command's getKeys when the specs fail", () => {
    const argv = ['ZUNIONSTORE', 'd', '2x', 'a', 'b'];
    const keys = commandKeys(zunionstore, argv);
    assert.deepEqual(keyNames(keys, argv), ['a', 'b', 'd']);
    assert.deepEqual(
      keys.map((k) => k.flags),
      [[], [], []],
    );
  });

  it('are none when the specs fail and there is no getKeys', () => {
    assert.deepEqual(commandKeys({ keySpecs: SORT }, ['SORT', 'k', 'STORE', 'd']), []);
  });

  it('come from getKeys alone when a spec has VARIABLE_FLAGS', () => {
    const set = {
      keySpecs: [
        {
          flags: ['RW', 'ACCESS', 'UPDATE', 'VARIABLE_FLAGS'],
          begin: { index: 1 },
          find: { range: { lastKey: 0, keyStep: 1, limit: 0 } },
        },
      ] satisfies KeySpec[],
      getKeys: (): KeyReference[] => [{ index: 1, flags: ['OW', 'UPDATE'] }],
    };
    assert.deepEqual(commandKeys(set, ['SET', 'k', 'v']), [{ index: 1, flags: ['OW', 'UPDATE'] }]);
  });

  it('exist for commands with a real key spec or a getKeys function', () => {
    assert.equal(commandHasKeys({ keySpecs: GET }), true);
    assert.equal(commandHasKeys({ keySpecs: SPUBLISH }), false);
    assert.equal(commandHasKeys({}), false);
    assert.equal(commandHasKeys({ getKeys: () => [] }), true);
  });
});

describe('counted keys (Redis genericGetKeys)', () => {
  const eval_ = countedKeys({ countIndex: 2, firstKeyIndex: 3 });

  it('reads the count leniently, as atoi does', () => {
    assert.deepEqual(
      eval_(['EVAL', 's', ' 2x', 'a', 'b']).map((k) => k.index),
      [3, 4],
    );
  });

  it('gives no keys for a count below one or beyond the arguments', () => {
    for (const count of ['0', '-1', 'x', '3']) {
      assert.deepEqual(eval_(['EVAL', 's', count, 'a', 'b']), [], count);
    }
  });

  it('counts keys in steps', () => {
    const stepped = countedKeys({ countIndex: 1, firstKeyIndex: 2, keyStep: 2 });
    assert.deepEqual(
      stepped(['X', '2', 'a', '1', 'b', '2']).map((k) => k.index),
      [2, 4],
    );
    assert.deepEqual(stepped(['X', '2', 'a', '1', 'b']), []);
  });
});

describe('atoi', () => {
  it('reads leading digits after white space and a sign', () => {
    assert.equal(atoi('42'), 42);
    assert.equal(atoi('  -7abc'), -7);
    assert.equal(atoi('+3'), 3);
    assert.equal(atoi('abc'), 0);
    assert.equal(atoi(''), 0);
  });

  it('cuts values to 32 bits after saturating at 64, as glibc does', () => {
    assert.equal(atoi('4294967297'), 1);
    assert.equal(atoi('99999999999999999999999'), -1);
    assert.equal(atoi('-99999999999999999999999'), 0);
  });
});
