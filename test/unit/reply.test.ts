import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ReplyWriter, type BulkValue } from '../../src/resp/reply.js';

const writer = () => new ReplyWriter({ onErrorReply: () => undefined });

/** RESP2 bulk strings in an array, spelled out the obvious way. */
function expected(prefix: string, values: readonly BulkValue[]): string {
  const texts = values.map((v) => (typeof v === 'string' ? v : v.toString('latin1')));
  return `${prefix}${values.length}\r\n` + texts.map((t) => `$${t.length}\r\n${t}\r\n`).join('');
}

const latin1String = (maxLength: number) =>
  fc
    .array(fc.integer({ min: 0, max: 255 }), { maxLength })
    .map((codes) => String.fromCharCode(...codes));
const bulkValue = fc.oneof(
  latin1String(40),
  latin1String(3000),
  latin1String(40).map((s) => Buffer.from(s, 'latin1')),
);

describe('ReplyWriter arrays of bulk strings', () => {
  it('encode any mix of short, long and binary values as RESP', () => {
    fc.assert(
      fc.property(fc.array(bulkValue, { maxLength: 60 }), (values) => {
        const reply = writer();
        reply.status('before');
        reply.bulkArray(values);
        reply.resp = 3;
        reply.pushOfBulks(values);
        assert.equal(reply.take(), '+before\r\n' + expected('*', values) + expected('>', values));
      }),
    );
  });

  it('encode a reply larger than the scratch buffer, and a small one after it', () => {
    const big = Array.from({ length: 3000 }, (_, i) => String.fromCharCode(i % 256).repeat(700));
    const reply = writer();
    reply.bulkArray(big);
    assert.ok(reply.out === expected('*', big));
    reply.take();
    reply.bulkArray(['a', Buffer.from([0, 255])]);
    assert.equal(reply.take(), '*2\r\n$1\r\na\r\n$2\r\n\x00\xff\r\n');
  });
});
