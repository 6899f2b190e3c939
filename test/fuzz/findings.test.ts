/**
 * What the fuzz harness found, kept as regression tests: the same bytes sent to redis-server and
 * to Kvik get the same reply.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { crc64 } from '../../src/persistence/crc64.js';
import { RawClient } from '../helpers/raw-client.js';
import { startReference, type ReferenceServer } from '../helpers/servers.js';
import { startServer, type RunningServer } from '../../src/index.js';

let kvik: RunningServer;
let reference: ReferenceServer;

before(async () => {
  [kvik, reference] = await Promise.all([startServer({ port: 0 }), startReference()]);
});

after(async () => {
  await Promise.all([kvik.close(), reference.close()]);
});

/** The bulk string of a raw reply, as bytes. */
function bulk(reply: string): Buffer {
  const line = reply.indexOf('\r\n');
  return Buffer.from(reply.slice(line + 2, line + 2 + Number(reply.slice(1, line))), 'latin1');
}

/** A payload whose body was changed by `damage`, signed again so its checksum holds. */
function resigned(payload: Buffer, damage: (body: Buffer) => void): Buffer {
  const damaged = Buffer.from(payload);
  damage(damaged.subarray(0, damaged.length - 10));
  damaged.writeBigUInt64LE(crc64(damaged, 0, damaged.length - 8), damaged.length - 8);
  return damaged;
}

describe('fuzz findings', () => {
  it('RESTORE of a stream whose listpack header lies about its size answers Bad data format', async () => {
    const clients = await Promise.all([kvik.port, reference.port].map((p) => RawClient.connect(p)));
    const [onKvik, onReference] = clients as [RawClient, RawClient];
    await onReference.call('XADD', 's', '1-1', 'f', 'v');
    const payload = bulk(await onReference.call('DUMP', 's'));
    // Type, node count, the node's 16-byte key as a blob, then the listpack blob: its length
    // (one byte here), and the listpack, which opens with its total size (4 bytes, LE).
    assert.equal(payload[2], 16);
    assert.ok(payload[19]! < 64);
    const broken = resigned(payload, (body) => body.writeUInt32LE(body.readUInt32LE(20) + 1, 20));
    const restore = ['RESTORE', 't', '0', broken] as const;
    assert.equal(await onKvik.call(...restore), await onReference.call(...restore));
    assert.equal(await onKvik.call(...restore), '-ERR Bad data format\r\n');
    for (const client of clients) client.close();
  });
});
