/**
 * ioredis and node-redis clients connected to an in-process Kvik for the test file: call
 * `useClientLibraries()` at the top level; clients are closed and the server stopped after.
 */
import { after, before } from 'node:test';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { startServer, type RunningServer } from '../../src/index.js';

export type NodeRedis = ReturnType<typeof createClient>;

export interface ClientLibraries {
  ioredis(protocol: 2 | 3): Promise<Redis>;
  nodeRedis(RESP: 2 | 3): Promise<NodeRedis>;
}

export function useClientLibraries(): ClientLibraries {
  let kvik: RunningServer;
  const ioredisClients: Redis[] = [];
  const nodeRedisClients: NodeRedis[] = [];

  before(async () => {
    kvik = await startServer({ port: 0 });
  });

  after(async () => {
    for (const client of ioredisClients) client.disconnect();
    for (const client of nodeRedisClients) if (client.isOpen) client.destroy();
    await kvik.close();
  });

  return {
    async ioredis(protocol) {
      const client = new Redis({ port: kvik.port, host: '127.0.0.1', protocol });
      ioredisClients.push(client);
      await client.ping();
      return client;
    },
    async nodeRedis(RESP) {
      const client = createClient({
        socket: { port: kvik.port, host: '127.0.0.1' },
        RESP,
      }) as NodeRedis;
      client.on('error', () => undefined);
      nodeRedisClients.push(client);
      await client.connect();
      return client;
    },
  };
}
