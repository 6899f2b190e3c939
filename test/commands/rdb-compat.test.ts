import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningServer } from '../../src/index.js';
import { RdbLoadError } from '../../src/persistence/rdb-decoder.js';
import {
  DEFAULT_ENCODING_LIMITS,
  encodingLimits,
  loadRdb,
} from '../../src/persistence/rdb-load.js';
import {
  DEFAULT_LIST_LIMITS,
  encodeKeyspace,
  RdbEncoder,
} from '../../src/persistence/rdb-write.js';
import { assertSameKeyState, keyState, sortedKeys } from '../helpers/key-walk.js';
import { POPULATE } from '../helpers/populate.js';
import { RawClient } from '../helpers/raw-client.js';
import { startKvik, startReference, type ReferenceServer } from '../helpers/servers.js';

const LIBRARY = "#!lua name=rdblib\nredis.register_function('rdbfn', function() return 42 end)";

/** Builds the data set on a server: every type and encoding, TTLs, three databases, a library. */
async function populate(client: RawClient): Promise<void> {
  for (const command of POPULATE) await client.call(...command);
  await client.call('XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', '2', 'STREAMS', 'x:groups', '>');
  await client.call('XREADGROUP', 'GROUP', 'g1', 'bob', 'STREAMS', 'x:groups', '>');
  await client.call('XACK', 'x:groups', 'g1', '2-0');
  await client.call('SET', 's:px', 'v', 'PX', '5000000');
  await client.call('SELECT', '3');
  await client.call('SET', 'in-db-3', 'three');
  await client.call('HSET', 'h', 'a', '1');
  await client.call('SELECT', '0');
  await client.call('FUNCTION', 'LOAD', LIBRARY);
}

/** Every key of databases 0 to 3 on both servers has the same type, encoding, TTL and contents. */
async function assertSameData(redis: RawClient, kvik: RawClient): Promise<void> {
  for (const db of ['0', '1', '2', '3']) {
    await redis.call('SELECT', db);
    await kvik.call('SELECT', db);
    const keys = await sortedKeys(redis);
    assert.deepEqual(await sortedKeys(kvik), keys, `keys of db ${db}`);
    for (const key of keys) {
      assertSameKeyState(
        await keyState(kvik, key),
        await keyState(redis, key),
        `db ${db} key ${key}`,
      );
    }
  }
  await redis.call('SELECT', '0');
  await kvik.call('SELECT', '0');
  assert.equal(
    await kvik.call('FUNCTION', 'LIST', 'WITHCODE'),
    await redis.call('FUNCTION', 'LIST', 'WITHCODE'),
  );
}

function kvikLoad(kvik: RunningServer, bytes: Buffer) {
  const server = kvik.server;
  const result = loadRdb(bytes, server.keyspace, {
    limits: encodingLimits(server.config),
    now: server.keyspace.now,
    keepExpired: false,
  });
  assert.equal(server.scripting.functions.restore(result.functions, 'append'), null);
  return result;
}

describe('RDB files between Kvik and redis-server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kvik-rdb-'));
  let reference: ReferenceServer;
  let kvik: RunningServer;
  let redisClient: RawClient;
  let kvikClient: RawClient;

  before(async () => {
    reference = await startReference(['--dir', dir]);
    kvik = await startKvik();
    redisClient = await RawClient.connect(reference.port);
    kvikClient = await RawClient.connect(kvik.port);
  });

  after(async () => {
    redisClient.close();
    kvikClient.close();
    await kvik.close();
    await reference.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads a dump.rdb written by redis-server with identical data', async () => {
    await redisClient.call('FLUSHALL');
    await kvikClient.call('FLUSHALL');
    await populate(redisClient);
    // Redis's own data as it loads it back, so both sides hold what the file holds.
    assert.equal(await redisClient.call('DEBUG', 'RELOAD'), '+OK\r\n');
    const result = kvikLoad(kvik, readFileSync(join(dir, 'dump.rdb')));
    assert.equal(result.aux.get('redis-ver'), '7.0.15');
    assert.equal(result.expired, 0);
    assert.ok(result.keys >= 30, `${result.keys} keys`);
    await assertSameData(redisClient, kvikClient);
  });

  it('writes a dump.rdb that redis-check-rdb accepts and redis-server loads with identical data', async () => {
    await redisClient.call('FLUSHALL');
    await redisClient.call('FUNCTION', 'FLUSH');
    await kvikClient.call('FLUSHALL');
    await kvikClient.call('FUNCTION', 'FLUSH');
    await populate(kvikClient);
    const server = kvik.server;
    const bytes = encodeKeyspace(new RdbEncoder(), server.keyspace, {
      aux: { ctime: Math.floor(Date.now() / 1000), usedMem: 1 << 20, aofBase: false },
      functions: [...server.scripting.functions.all()].map((library) => library.code),
      limits: DEFAULT_LIST_LIMITS,
    });
    const file = join(dir, 'kvik.rdb');
    writeFileSync(file, bytes);
    const check = execFileSync('redis-check-rdb', [file], { encoding: 'utf8' });
    assert.match(check, /RDB looks OK!/);
    // Kvik loads its own file too, so both sides hold what the file holds (a string appended to
    // in place is raw until reloaded, on both servers).
    await kvikClient.call('FLUSHALL');
    await kvikClient.call('FUNCTION', 'FLUSH');
    kvikLoad(kvik, bytes);
    const loader = await startReference(['--dir', dir, '--dbfilename', 'kvik.rdb']);
    const client = await RawClient.connect(loader.port);
    try {
      await assertSameData(client, kvikClient);
    } finally {
      client.close();
      await loader.close();
    }
  });

  it('writes a file without compression or checksum that redis-server loads too', async () => {
    await kvikClient.call('FLUSHALL');
    await kvikClient.call('FUNCTION', 'FLUSH');
    await populate(kvikClient);
    const bytes = encodeKeyspace(
      new RdbEncoder({ compress: false, checksum: false }),
      kvik.server.keyspace,
      {
        aux: { ctime: 0, usedMem: 0, aofBase: true },
        functions: [],
        limits: DEFAULT_LIST_LIMITS,
      },
    );
    assert.deepEqual([...bytes.subarray(-8)], [0, 0, 0, 0, 0, 0, 0, 0]);
    const file = join(dir, 'plain.rdb');
    writeFileSync(file, bytes);
    assert.match(execFileSync('redis-check-rdb', [file], { encoding: 'utf8' }), /RDB looks OK!/);
  });

  it('reads the IDLE and FREQ records redis-server saves under LRU and LFU policies', async () => {
    for (const policy of ['allkeys-lru', 'allkeys-lfu']) {
      await redisClient.call('FLUSHALL');
      await redisClient.call('CONFIG', 'SET', 'maxmemory-policy', policy);
      try {
        await populate(redisClient);
        assert.equal(await redisClient.call('DEBUG', 'RELOAD'), '+OK\r\n');
      } finally {
        await redisClient.call('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
      }
      await kvikClient.call('FLUSHALL');
      await kvikClient.call('FUNCTION', 'FLUSH');
      kvikLoad(kvik, readFileSync(join(dir, 'dump.rdb')));
      await assertSameData(redisClient, kvikClient);
    }
    const file = join(dir, 'kvik-lru.rdb');
    writeFileSync(
      file,
      encodeKeyspace(new RdbEncoder(), kvik.server.keyspace, {
        aux: { ctime: 0, usedMem: 0, aofBase: false },
        functions: [],
        limits: DEFAULT_LIST_LIMITS,
        maxmemoryPolicy: 'volatile-lru',
      }),
    );
    assert.match(execFileSync('redis-check-rdb', [file], { encoding: 'utf8' }), /RDB looks OK!/);
  });

  it('refuses a truncated or damaged file with the offset where reading failed', async () => {
    await redisClient.call('FLUSHALL');
    await populate(redisClient);
    await redisClient.call('SAVE');
    const bytes = readFileSync(join(dir, 'dump.rdb'));
    for (const cut of [5, 20, Math.floor(bytes.length / 2), bytes.length - 9, bytes.length - 1]) {
      await kvikClient.call('FLUSHALL');
      assert.throws(
        () => kvikLoad(kvik, bytes.subarray(0, cut)),
        (err: unknown) => err instanceof RdbLoadError && err.offset <= cut,
        `cut at ${cut}`,
      );
    }
    const damaged = Buffer.from(bytes);
    damaged[bytes.length - 20] ^= 0xff;
    await kvikClient.call('FLUSHALL');
    assert.throws(() => kvikLoad(kvik, damaged), RdbLoadError);
  });

  it('skips keys whose expiry passed, as a primary loading a file does', async () => {
    await redisClient.call('FLUSHALL');
    await redisClient.call('SET', 'gone', 'v', 'PX', '100');
    await redisClient.call('SET', 'kept', 'v');
    await redisClient.call('SAVE');
    const bytes = readFileSync(join(dir, 'dump.rdb'));
    await kvikClient.call('FLUSHALL');
    const server = kvik.server;
    const result = loadRdb(bytes, server.keyspace, {
      limits: DEFAULT_ENCODING_LIMITS,
      now: Date.now() + 1000,
      keepExpired: false,
    });
    assert.deepEqual([result.keys, result.expired], [1, 1]);
    assert.equal(await kvikClient.call('EXISTS', 'gone', 'kept'), ':1\r\n');
  });
});
