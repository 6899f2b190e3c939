import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BIG_BULK,
  INLINE_MAX_SIZE,
  ProtocolError,
  RespParser,
  type ParserLimits,
} from '../../src/resp/parser.js';

const LIMITS: ParserLimits = { maxBulkLen: 512 * 1024 * 1024, authRequired: false };

/** What a parser made of some input: the commands, then the protocol error if one was thrown. */
interface Outcome {
  commands: string[][];
  error: string | null;
  /** Bytes left waiting for the rest of a frame (0 after an error). */
  pending: number;
}

/** Feeds the chunks in order, draining complete commands after each one. */
function parseChunks(chunks: Buffer[], limits = LIMITS): Outcome {
  const parser = new RespParser();
  const commands: string[][] = [];
  try {
    for (const chunk of chunks) {
      // A copy the test scribbles over afterwards: the parser must not keep the caller's buffer.
      const scratch = Buffer.from(chunk);
      parser.feed(scratch);
      scratch.fill(0x78);
      for (let argv = parser.next(limits); argv !== null; argv = parser.next(limits)) {
        if (argv.length > 0) commands.push(argv);
      }
    }
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    // The connection closes after an error: what is left unread does not matter.
    return { commands, error: err.message, pending: 0 };
  }
  return { commands, error: null, pending: parser.pendingBytes };
}

function bytes(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

function multibulk(...args: string[]): string {
  return `*${args.length}\r\n` + args.map((a) => `$${a.length}\r\n${a}\r\n`).join('');
}

/** Asserts the same outcome whichever byte the input is split at, and byte by byte. */
function assertEverySplit(input: string, expected: Outcome, limits = LIMITS): void {
  const data = bytes(input);
  const whole = parseChunks([data], limits);
  assert.deepEqual(whole, expected, 'input in one chunk');
  for (let at = 0; at <= data.length; at++) {
    const split = parseChunks([data.subarray(0, at), data.subarray(at)], limits);
    assert.deepEqual(split, expected, `split at byte ${at} of ${JSON.stringify(input)}`);
  }
  const single = [...data].map((b) => Buffer.from([b]));
  assert.deepEqual(parseChunks(single, limits), expected, 'one byte at a time');
}

/** Asserts the same outcome for every pair of split points (three chunks). */
function assertEveryDoubleSplit(input: string, expected: Outcome): void {
  const data = bytes(input);
  for (let a = 0; a <= data.length; a++) {
    for (let b = a; b <= data.length; b++) {
      const chunks = [data.subarray(0, a), data.subarray(a, b), data.subarray(b)];
      assert.deepEqual(parseChunks(chunks), expected, `splits at ${a} and ${b}`);
    }
  }
}

function done(...commands: string[][]): Outcome {
  return { commands, error: null, pending: 0 };
}

function failed(error: string, ...commands: string[][]): Outcome {
  return { commands, error, pending: 0 };
}

/** All 256 byte values, CR and LF included. */
const ALL_BYTES = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));

describe('RESP parser: complete frames at every split point', () => {
  it('a multibulk command comes out as its arguments', () => {
    assertEverySplit(multibulk('SET', 'key', 'value'), done(['SET', 'key', 'value']));
    assertEveryDoubleSplit(multibulk('SET', 'key', 'value'), done(['SET', 'key', 'value']));
  });

  it('an empty bulk is an empty argument', () => {
    assertEverySplit(multibulk('ECHO', ''), done(['ECHO', '']));
  });

  it('binary payloads with every byte value, CR and LF included, come out byte for byte', () => {
    assertEverySplit(multibulk('SET', ALL_BYTES, '\r\n\0\r'), done(['SET', ALL_BYTES, '\r\n\0\r']));
  });

  it('arguments of every length from 0 to 20 bytes decode byte for byte', () => {
    for (let length = 0; length <= 20; length++) {
      const arg = ALL_BYTES.slice(256 - length * 11, 256 - length * 11 + length);
      const reversed = [...arg].reverse().join('');
      assert.deepEqual(parseChunks([bytes(multibulk(arg, reversed))]), done([arg, reversed]));
    }
  });

  it('an inline command is split on blanks, with CRLF or a bare LF ending it', () => {
    assertEverySplit('SET k "a b"\r\n', done(['SET', 'k', 'a b']));
    assertEverySplit('PING\n', done(['PING']));
    assertEveryDoubleSplit('GET  x\r\n', done(['GET', 'x']));
  });

  it('empty frames run nothing: *0, *-1, empty and blank inline lines', () => {
    assertEverySplit('*0\r\n', done());
    assertEverySplit('*-1\r\n', done());
    assertEverySplit('*-9223372036854775808\r\n', done());
    assertEverySplit('\r\n', done());
    assertEverySplit('\n', done());
    assertEverySplit('   \t \r\n', done());
  });

  it('pipelined frames of every kind come out in order', () => {
    const input =
      multibulk('SET', 'a', '1') +
      'GET a\r\n' +
      '*0\r\n' +
      '\r\n' +
      multibulk('ECHO', '') +
      '*-1\r\n' +
      "ECHO 'x y'\n" +
      multibulk('PING');
    const expected = done(['SET', 'a', '1'], ['GET', 'a'], ['ECHO', ''], ['ECHO', 'x y'], ['PING']);
    assertEverySplit(input, expected);
    assertEveryDoubleSplit(
      multibulk('GET', 'a') + 'PING\r\n' + multibulk('X'),
      done(['GET', 'a'], ['PING'], ['X']),
    );
  });

  it('a big bulk that takes the separate-buffer path survives every split point', () => {
    const payload = Buffer.from(
      Array.from({ length: BIG_BULK + 5000 }, (_, i) => (i * 7 + 3) & 0xff),
    ).toString('latin1');
    const input = multibulk('SET', 'big', payload) + multibulk('GET', 'big');
    const expected = done(['SET', 'big', payload], ['GET', 'big']);
    const data = bytes(input);
    for (let at = 0; at <= data.length; at++) {
      const split = parseChunks([data.subarray(0, at), data.subarray(at)]);
      // deepEqual on 37 KB strings at every split is slow: compare the parts that can differ.
      assert.equal(split.error, null, `split at ${at}`);
      assert.equal(split.commands.length, 2, `split at ${at}`);
      assert.equal(split.commands[0][2] === payload, true, `payload intact, split at ${at}`);
      assert.deepEqual(split.commands[1], ['GET', 'big'], `split at ${at}`);
      assert.equal(split.pending, 0);
    }
    const chunks = [];
    for (let at = 0; at < data.length; at += 1000) chunks.push(data.subarray(at, at + 1000));
    assert.deepEqual(parseChunks(chunks), expected, '1000-byte chunks');
  });

  it('a big bulk is read when it arrived whole, and in a buffer of its own when it did not', () => {
    const payload = 'v'.repeat(100_000);
    const parser = new RespParser();
    parser.feed(bytes(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100000\r\n${payload.slice(0, 10)}`));
    assert.equal(parser.next(LIMITS), null);
    assert.equal(parser.pendingBytes, 10);
    parser.feed(bytes(payload.slice(10) + '\r\n*1\r\n$4\r\nPING\r\n'));
    assert.deepEqual(parser.next(LIMITS), ['SET', 'k', payload]);
    assert.deepEqual(parser.next(LIMITS), ['PING']);
    assert.equal(parser.next(LIMITS), null);
  });

  it('the two bytes after a payload and the byte after a CR are skipped unread, as Redis does', () => {
    assertEverySplit('*2\r\n$4\r\nECHO\r\n$1\r\nxyz\r\n', done(['ECHO', 'x']));
    assertEverySplit('*1\rX$4\r\nPING\r\n', done(['PING']));
  });

  it('an incomplete frame stays pending and nothing runs', () => {
    assert.deepEqual(parseChunks([bytes('*2\r\n$3\r\nGET\r\n$1\r\n')]), {
      commands: [],
      error: null,
      pending: 0,
    });
    assert.deepEqual(parseChunks([bytes('*1\r\n$4\r\nPI')]).commands, []);
    // Redis needs the byte after a CR before it reads the line.
    assert.deepEqual(parseChunks([bytes('*1\r')]).error, null);
    assert.deepEqual(parseChunks([bytes('*1\r\nxy\r')]).error, null);
  });
});

describe('RESP parser: protocol errors, with Redis 7.0 messages', () => {
  it('a multibulk count that is not a valid int32 is an invalid multibulk length', () => {
    for (const count of [
      'x',
      '',
      '01',
      '-0',
      '+1',
      ' 1',
      '1 ',
      '2147483648',
      '-9999999999999999999',
      '99999999999999999999',
    ]) {
      assertEverySplit(`*${count}\r\n`, failed('invalid multibulk length'));
    }
    // The largest count is accepted; the command then waits for its arguments.
    assert.equal(parseChunks([bytes('*2147483647\r\n')]).error, null);
  });

  it('a bulk length that is not a non-negative int64 within proto-max-bulk-len is invalid', () => {
    for (const len of ['x', '', '-1', '-0', '01', '+1', ' 1', '9223372036854775808']) {
      assertEverySplit(`*1\r\n$${len}\r\n`, failed('invalid bulk length'));
    }
    const limits = { maxBulkLen: 1024 * 1024, authRequired: false };
    assertEverySplit('*1\r\n$1048577\r\n', failed('invalid bulk length'), limits);
    assert.equal(parseChunks([bytes('*1\r\n$1048576\r\n')], limits).error, null);
  });

  it('anything but $ where a bulk is expected is refused once its line is complete', () => {
    assertEverySplit('*1\r\n:1\r\n', failed("expected '$', got ':'"));
    assertEverySplit(
      multibulk('PING') + '*2\r\n$1\r\na\r\nxyz\r\n',
      failed("expected '$', got 'x'", ['PING']),
    );
    // The line is read first: without its CR nothing happens yet.
    assert.equal(parseChunks([bytes('*1\r\nx')]).error, null);
    // An empty line: the CR itself is the byte Redis reports (the reply writer turns it into a space).
    assertEverySplit('*1\r\n\r\n', failed("expected '$', got '\r'"));
  });

  it('commands before a protocol error still run, in order', () => {
    assertEverySplit(
      'PING\r\n' + multibulk('GET', 'a') + '*x\r\n',
      failed('invalid multibulk length', ['PING'], ['GET', 'a']),
    );
  });

  it('unbalanced quotes in an inline command are refused', () => {
    assertEverySplit('SET "a b\r\n', failed('unbalanced quotes in request'));
    assertEverySplit("SET 'a\r\n", failed('unbalanced quotes in request'));
    assertEverySplit('SET "a"b\r\n', failed('unbalanced quotes in request'));
  });

  it('a line over 64 KB without its end is refused as too big, for each kind of line', () => {
    const cases: [string, string, string][] = [
      ['', '', 'too big inline request'],
      ['', '*', 'too big mbulk count string'],
      ['*1\r\n', '$', 'too big bulk count string'],
    ];
    for (const [before, line, message] of cases) {
      // Exactly 64 KB waiting for the line end is still allowed; one byte more is not.
      const atLimit = before + line + '1'.repeat(INLINE_MAX_SIZE - line.length);
      assert.equal(parseChunks([bytes(atLimit)]).error, null, `${message}: at the limit`);
      assert.equal(parseChunks([bytes(atLimit), bytes('1')]).error, message);
    }
  });

  it('an inline line whose newline comes more than 64 KB after its start is too big', () => {
    const line = 'SET k ' + 'v'.repeat(INLINE_MAX_SIZE) + '\r\n';
    assert.equal(parseChunks([bytes(line)]).error, 'too big inline request');
    const fits = 'SET k ' + 'v'.repeat(INLINE_MAX_SIZE - 10) + '\r\n';
    assert.equal(parseChunks([bytes(fits)]).commands[0][2].length, INLINE_MAX_SIZE - 10);
  });

  it('a NUL byte hides the line end, as strchr does in Redis, until the line is too big', () => {
    assert.deepEqual(parseChunks([bytes('PING\0\r\nPING\r\n')]), {
      commands: [],
      error: null,
      pending: 13,
    });
    assert.deepEqual(parseChunks([bytes('*1\0\r\n')]).error, null);
    assert.deepEqual(parseChunks([bytes('*1\r\n\0\r\n')]).error, null);
    assert.equal(
      parseChunks([bytes('PING\0\r\n'), Buffer.alloc(INLINE_MAX_SIZE)]).error,
      'too big inline request',
    );
    // A NUL after the newline does not matter.
    assertEverySplit('PING\r\n\0PING\r\n', { commands: [['PING']], error: null, pending: 7 });
  });

  it('before authentication only small requests are allowed', () => {
    const limits = { maxBulkLen: 512 * 1024 * 1024, authRequired: true };
    assertEverySplit('*11\r\n', failed('unauthenticated multibulk length'), limits);
    assertEverySplit('*1\r\n$16385\r\n', failed('unauthenticated bulk length'), limits);
    const big = multibulk('AUTH', 'p'.repeat(16384)) + '*10\r\n';
    assert.deepEqual(parseChunks([bytes(big)], limits), {
      commands: [['AUTH', 'p'.repeat(16384)]],
      error: null,
      pending: 0,
    });
    // Invalid lengths are reported as invalid, not as unauthenticated.
    assertEverySplit('*x\r\n', failed('invalid multibulk length'), limits);
  });
});

describe('RESP parser: memory', () => {
  it('a declared length alone allocates nothing near its size', () => {
    const parser = new RespParser();
    parser.feed(bytes('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$500000000\r\nabc'));
    assert.equal(parser.next(LIMITS), null);
    assert.ok(parser.bufferedCapacity < 1024 * 1024, `capacity ${parser.bufferedCapacity}`);
    parser.feed(Buffer.alloc(1024 * 1024, 0x61));
    assert.ok(parser.bufferedCapacity < 4 * 1024 * 1024, `capacity ${parser.bufferedCapacity}`);
    assert.equal(parser.pendingBytes, 3 + 1024 * 1024);
  });

  it('a multibulk count of two billion allocates nothing for its arguments', () => {
    const parser = new RespParser();
    parser.feed(bytes('*2147483647\r\n$4\r\nPING\r\n'));
    assert.equal(parser.next(LIMITS), null);
    assert.ok(parser.bufferedCapacity < 1024 * 1024);
  });

  it('the query buffer shrinks back once a large frame has been consumed', () => {
    const parser = new RespParser();
    parser.feed(bytes('*2\r\n$4\r\nECHO\r\n$30000\r\n' + 'x'.repeat(20000)));
    assert.equal(parser.next(LIMITS), null);
    parser.feed(bytes('x'.repeat(10000) + '\r\n'));
    assert.equal(parser.next(LIMITS)?.[1].length, 30000);
    assert.equal(parser.next(LIMITS), null);
    parser.shrinkIfIdle();
    assert.ok(parser.bufferedCapacity <= 16 * 1024);
  });
});
