import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtocolError, ReplyParser, type Reply } from '../../src/cli/reply.js';

const bulk = (value: string): Reply => ({ type: 'bulk', value });
const integer = (value: number): Reply => ({ type: 'integer', value: BigInt(value) });

/** Wire bytes and the reply trees they hold. */
const CASES: [string, Reply[]][] = [
  ['+OK\r\n', [{ type: 'status', value: 'OK' }]],
  ['-ERR bad thing\r\n', [{ type: 'error', value: 'ERR bad thing' }]],
  [':-9223372036854775808\r\n', [{ type: 'integer', value: -(2n ** 63n) }]],
  ['$5\r\nhe\r\no\r\n', [bulk('he\r\no')]],
  ['$0\r\n\r\n', [bulk('')]],
  ['$-1\r\n*-1\r\n_\r\n', [{ type: 'null' }, { type: 'null' }, { type: 'null' }]],
  [
    ',3.14\r\n,-inf\r\n,1e+300\r\n',
    ['3.14', '-inf', '1e+300'].map((value): Reply => ({ type: 'double', value })),
  ],
  [
    '#t\r\n#f\r\n',
    [
      { type: 'boolean', value: true },
      { type: 'boolean', value: false },
    ],
  ],
  [
    '(3492890328409238509324850943850943825024385\r\n',
    [{ type: 'bignum', value: '3492890328409238509324850943850943825024385' }],
  ],
  ['=15\r\ntxt:Some string\r\n', [{ type: 'verbatim', format: 'txt', value: 'Some string' }]],
  ['!21\r\nSYNTAX invalid syntax\r\n', [{ type: 'error', value: 'SYNTAX invalid syntax' }]],
  [
    '*0\r\n%0\r\n~0\r\n',
    [
      { type: 'array', items: [] },
      { type: 'map', entries: [] },
      { type: 'set', items: [] },
    ],
  ],
  [
    '*3\r\n:1\r\n*2\r\n$1\r\na\r\n*0\r\n$-1\r\n',
    [
      {
        type: 'array',
        items: [
          integer(1),
          { type: 'array', items: [bulk('a'), { type: 'array', items: [] }] },
          { type: 'null' },
        ],
      },
    ],
  ],
  [
    '%2\r\n+first\r\n:1\r\n$6\r\nsecond\r\n~1\r\n#t\r\n',
    [
      {
        type: 'map',
        entries: [
          [{ type: 'status', value: 'first' }, integer(1)],
          [bulk('second'), { type: 'set', items: [{ type: 'boolean', value: true }] }],
        ],
      },
    ],
  ],
  [
    '>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n',
    [{ type: 'push', items: [bulk('message'), bulk('ch'), bulk('hi')] }],
  ],
  [
    '|1\r\n+key-popularity\r\n*1\r\n:5\r\n*2\r\n:2039123\r\n:9543892\r\n',
    [
      {
        type: 'attribute',
        entries: [
          [
            { type: 'status', value: 'key-popularity' },
            { type: 'array', items: [integer(5)] },
          ],
        ],
        reply: { type: 'array', items: [integer(2039123), integer(9543892)] },
      },
    ],
  ],
  ['$3\r\n\x00\xff\x80\r\n', [bulk('\x00\xff\x80')]],
];

function parseAll(chunks: Buffer[]): Reply[] {
  const parser = new ReplyParser();
  const replies: Reply[] = [];
  for (const chunk of chunks) {
    parser.feed(chunk);
    for (let reply = parser.next(); reply !== undefined; reply = parser.next()) replies.push(reply);
  }
  return replies;
}

describe('the CLI reply parser', () => {
  it('reads every RESP2 and RESP3 type into a reply tree', () => {
    for (const [wire, expected] of CASES) {
      assert.deepEqual(parseAll([Buffer.from(wire, 'latin1')]), expected, JSON.stringify(wire));
    }
  });

  it('gives the same trees whatever point the bytes are split at', () => {
    for (const [wire, expected] of CASES) {
      const bytes = Buffer.from(wire, 'latin1');
      for (let split = 1; split < bytes.length; split++) {
        const chunks = [bytes.subarray(0, split), bytes.subarray(split)];
        assert.deepEqual(parseAll(chunks), expected, `${JSON.stringify(wire)} split at ${split}`);
      }
      const oneByOne = [...bytes].map((byte) => Buffer.from([byte]));
      assert.deepEqual(parseAll(oneByOne), expected, `${JSON.stringify(wire)} byte by byte`);
    }
  });

  it('reads a large nested reply arriving in many chunks', () => {
    const items = Array.from({ length: 5000 }, (_, i) => `element-${i}`);
    const value = 'v'.repeat(300_000);
    const wire = Buffer.from(
      `*2\r\n*${items.length}\r\n${items.map((s) => `$${s.length}\r\n${s}\r\n`).join('')}$${value.length}\r\n${value}\r\n`,
      'latin1',
    );
    const chunks: Buffer[] = [];
    for (let i = 0; i < wire.length; i += 1000) chunks.push(wire.subarray(i, i + 1000));
    assert.deepEqual(parseAll(chunks), [
      { type: 'array', items: [{ type: 'array', items: items.map(bulk) }, bulk(value)] },
    ]);
  });

  it('refuses bytes that are not RESP with the messages hiredis gives', () => {
    for (const [wire, message] of [
      ['?what\r\n', 'Protocol error, got "?" as reply type byte'],
      ['\x01\r\n', 'Protocol error, got "\\x01" as reply type byte'],
      [':12a\r\n', 'Bad integer value'],
      [':9223372036854775808\r\n', 'Bad integer value'],
      ['#x\r\n', 'Bad bool value'],
      [',1.2.3\r\n', 'Bad double value'],
      [
        '=3\r\ntxt\r\n',
        'Verbatim string 4 bytes of content type are missing or incorrectly encoded.',
      ],
      ['$-2\r\n', 'Bulk string length out of range'],
      ['*-5\r\n', 'Multi-bulk length out of range'],
      ['_x\r\n', 'Bad nil value'],
    ]) {
      assert.throws(
        () => parseAll([Buffer.from(wire, 'latin1')]),
        new ProtocolError(message),
        JSON.stringify(wire),
      );
    }
  });

  it('hands out the replies before a protocol error', () => {
    const parser = new ReplyParser();
    assert.throws(() => parser.feed(Buffer.from('+OK\r\n:1\r\n?\r\n')), ProtocolError);
    assert.deepEqual(parser.next(), { type: 'status', value: 'OK' });
    assert.deepEqual(parser.next(), integer(1));
    assert.equal(parser.next(), undefined);
  });
});
