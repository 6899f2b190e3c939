/**
 * Differential testing: the same commands go to redis-server 7.0 and to Kvik, over one connection
 * each, and the raw reply bytes are compared.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { RunningServer, StartServerOptions } from '../../src/index.js';
import { RawClient } from './raw-client.js';
import { startKvik, startReference, type ReferenceServer } from './servers.js';

export type Command = (string | number | Buffer)[];

export class DiffPair {
  private constructor(
    readonly redis: RawClient,
    readonly kvik: RawClient,
  ) {}

  static async connect(redisPort: number, kvikPort: number): Promise<DiffPair> {
    return new DiffPair(await RawClient.connect(redisPort), await RawClient.connect(kvikPort));
  }

  /** Sends a command to both and asserts the replies are byte-identical; returns the reply. */
  async same(...args: Command): Promise<string> {
    const [expected, actual] = await Promise.all([
      this.redis.call(...args),
      this.kvik.call(...args),
    ]);
    assert.equal(actual, expected, `reply to ${JSON.stringify(args.map(String))}`);
    return actual;
  }

  /** Runs every command in order, asserting each pair of replies is identical. */
  async sameAll(commands: Command[]): Promise<void> {
    for (const command of commands) await this.same(...command);
  }

  /** Sends to both and returns both replies, for comparisons that are not byte equality. */
  async both(...args: Command): Promise<{ redis: string; kvik: string }> {
    const [redis, kvik] = await Promise.all([this.redis.call(...args), this.kvik.call(...args)]);
    return { redis, kvik };
  }

  close(): void {
    this.redis.close();
    this.kvik.close();
  }
}

export interface DiffEnv {
  reference: ReferenceServer;
  kvik: RunningServer;
  /** A fresh pair of connections; both servers are flushed first. */
  pair(): Promise<DiffPair>;
}

/**
 * Starts both servers for the test file (before/after hooks) and returns an env whose `pair()`
 * gives flushed, connected clients.
 */
export function useDiffServers(
  options: { kvik?: StartServerOptions; redisArgs?: string[] } = {},
): DiffEnv {
  const env = {} as DiffEnv;
  const open: DiffPair[] = [];
  before(async () => {
    env.reference = await startReference(options.redisArgs);
    env.kvik = await startKvik(options.kvik);
  });
  after(async () => {
    for (const p of open) p.close();
    await env.kvik?.close();
    await env.reference?.close();
  });
  env.pair = async () => {
    const pair = await DiffPair.connect(env.reference.port, env.kvik.port);
    open.push(pair);
    await pair.redis.call('FLUSHALL');
    await pair.kvik.call('FLUSHALL');
    return pair;
  };
  return env;
}
