/**
 * Issue 5 in bench/bench.ts: pub/sub, scripting and transactions (APP_TESTS), in the main
 * interleaved loop. PUBLISH to 1 and to 100 subscribers (raw sockets in this process that read
 * and drop every message: bench/workloads.ts) and EVALSHA of `return redis.call('INCR', KEYS[1])`
 * run as redis-benchmark custom commands. MULTI + five commands + EXEC cannot be one
 * redis-benchmark request (a custom command is one command), so bench/workloads.ts sends each
 * transaction in one write from CLIENTS connections and waits for its EXEC reply before the next;
 * the same driver measures both servers, so the ratio is fair while the absolute figures include
 * the driver's own cost.
 *
 * Environment (defaults): APP_TESTS=publish1,publish100,evalsha,multi5  APP_N=100000
 *   TX_DEPTH=1 (transactions per write in the MULTI case; deeper keeps the driver, a Node process
 *   that shares the machine, from being what limits both servers)
 */
import { benchmark, CLIENTS, cli, waitIdle, type BenchTest, type Server } from './common.js';
import { subscribers, transactions } from './workloads.js';

const env = process.env;
const APP_TESTS = (env.APP_TESTS ?? 'publish1,publish100,evalsha,multi5')
  .split(',')
  .filter(Boolean);
export const APP_N = Number(env.APP_N ?? 100_000);
const TX_DEPTH = Number(env.TX_DEPTH ?? 1);
export const APP_SECTION = 'Issue 5: pub/sub, scripting, transactions';
export const APP_TARGET = 0.7;

const CHANNEL = 'bench-channel';

/** Runs `measure` while `count` subscribers listen on CHANNEL. */
function withSubscribers(count: number, measure: BenchTest['measure']): BenchTest['measure'] {
  return async (server, n) => {
    const disconnect = await subscribers(server.port, count, CHANNEL);
    try {
      return await measure(server, n);
    } finally {
      disconnect();
    }
  };
}

/** The APP_TESTS cases; EVALSHA's script is loaded into both servers first. */
export async function appTests(servers: Server[]): Promise<BenchTest[]> {
  const publish: BenchTest['measure'] = (server, n) =>
    benchmark(server, ['PUBLISH', CHANNEL, 'a-short-message'], n, 1);
  let sha = '';
  for (const server of servers) {
    sha = await cli(server.port, 'SCRIPT', 'LOAD', "return redis.call('INCR', KEYS[1])");
  }
  const cases: Record<string, Omit<BenchTest, 'section' | 'n' | 'target' | 'judgeP99'>> = {
    publish1: { label: 'PUBLISH, 1 subscriber', measure: withSubscribers(1, publish) },
    publish100: { label: 'PUBLISH, 100 subscribers', measure: withSubscribers(100, publish) },
    evalsha: {
      label: 'EVALSHA INCR',
      measure: (server, n) => benchmark(server, ['EVALSHA', sha, '1', 'bench:counter'], n, 1),
    },
    multi5: {
      label: `MULTI + 5 + EXEC${TX_DEPTH > 1 ? ` -P ${TX_DEPTH}` : ''}`,
      measure: async (server, n) => {
        await waitIdle();
        return transactions(server.port, CLIENTS, n, TX_DEPTH);
      },
    },
  };
  return APP_TESTS.map((name) => {
    const found = cases[name];
    if (found === undefined) throw new Error(`unknown APP_TESTS case ${name}`);
    return { ...found, section: APP_SECTION, n: APP_N, target: APP_TARGET, judgeP99: true };
  });
}
