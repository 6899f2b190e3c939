/**
 * An in-process Kvik on a ManualClock (and optionally a seeded random source) with one raw client,
 * recording what the server propagates and which keyspace events it raises.
 */
import { afterEach } from 'node:test';
import { KvikServer, ManualClock } from '../../src/index.js';
import { parseReply, type ReplyNode } from '../meta/reply-tree.js';
import { RawClient } from './raw-client.js';

export const START = 1_700_000_000_000;

export interface Harness {
  server: KvikServer;
  clock: ManualClock;
  client: RawClient;
  /** Every propagated write as "db:ARG ARG ...". */
  propagated: string[];
  /**
   * Every keyspace event as "class:event:key@db", but for the generic `new` and `keymiss` ones
   * (classes n and m: every key creation and read miss), which the notifications tests cover.
   */
  events: string[];
  call(...args: (string | number)[]): Promise<string>;
  /** Calls and parses the reply. */
  value(...args: (string | number)[]): Promise<ReplyNode>;
  /** Runs commands and returns (and forgets) what they propagated. */
  propagationOf(...commands: (string | number)[][]): Promise<string[]>;
  /** Runs commands and returns (and forgets) the keyspace events they raised. */
  eventsOf(...commands: (string | number)[][]): Promise<string[]>;
}

export interface HarnessOptions {
  random?: () => number;
  config?: Record<string, string>;
}

/** Registers cleanup for the calling test file and returns a factory of harnesses. */
export function useHarness(): (options?: HarnessOptions) => Promise<Harness> {
  const opened: Harness[] = [];
  afterEach(async () => {
    for (const h of opened.splice(0)) {
      h.client.close();
      await h.server.close();
    }
  });
  return async (options = {}) => {
    const h = await startHarness(options);
    opened.push(h);
    return h;
  };
}

async function startHarness(options: HarnessOptions): Promise<Harness> {
  const clock = new ManualClock(START);
  const server = new KvikServer({ clock, random: options.random });
  // No save rules, as startServer: a moved clock or a FLUSHALL would otherwise write dump.rdb
  // into the working directory.
  server.config.load('save', '');
  for (const [name, value] of Object.entries(options.config ?? {})) server.config.load(name, value);
  server.config.load('bind', '127.0.0.1');
  server.config.load('port', '0');
  await server.start();
  const client = await RawClient.connect(server.port);
  const propagated: string[] = [];
  const events: string[] = [];
  server.propagation.subscribe((db, argv) => propagated.push(`${db}:${argv.join(' ')}`));
  // Listen where the keyspace reports events, whatever notify-keyspace-events says.
  Reflect.set(server, 'keyspaceEvent', (type: string, event: string, key: string, db: number) => {
    if (type !== 'n' && type !== 'm') events.push(`${type}:${event}:${key}@${db}`);
  });
  const call = (...args: (string | number)[]) => client.call(...args);
  return {
    server,
    clock,
    client,
    propagated,
    events,
    call,
    value: async (...args) => parseReply(await call(...args)),
    propagationOf: async (...commands) => {
      for (const command of commands) await call(...command);
      return propagated.splice(0);
    },
    eventsOf: async (...commands) => {
      for (const command of commands) await call(...command);
      return events.splice(0);
    },
  };
}

/** The strings of an array reply of bulk strings. */
export function strings(node: ReplyNode): string[] {
  if (node.kind !== 'array' && node.kind !== 'set') throw new Error(`not an array: ${node.kind}`);
  return node.items.map((item) => {
    if (item.kind !== 'bulk') throw new Error(`not a bulk string: ${item.kind}`);
    return item.text;
  });
}
