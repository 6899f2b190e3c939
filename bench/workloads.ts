/**
 * Load that redis-benchmark cannot produce, for bench/app.ts and bench/persistence.ts: idle
 * pub/sub subscribers on raw sockets, transactions (MULTI, five commands, EXEC) from many clients
 * at once, and SET/GET clients that record every request's latency for as long as asked.
 */
import net from 'node:net';
import { resp, type Sample } from './common.js';

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * `count` clients subscribed to `channel` that read every message and discard it, as a live
 * subscriber does (a socket nobody reads would fill its output buffer instead). Returns the
 * function that disconnects them.
 */
export async function subscribers(
  port: number,
  count: number,
  channel: string,
): Promise<() => void> {
  const sockets = await Promise.all(Array.from({ length: count }, () => connect(port)));
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          socket.once('data', () => {
            // Confirmed; from now on every message is read and dropped.
            socket.on('data', () => undefined);
            resolve();
          });
          socket.write(resp(['SUBSCRIBE', channel]));
        }),
    ),
  );
  return () => {
    for (const socket of sockets) socket.destroy();
  };
}

/** The transaction: five commands whose replies have a fixed size, so bytes count transactions. */
const TRANSACTION = resp(
  ['MULTI'],
  ['SET', 'tx:a', 'x'],
  ['GET', 'tx:a'],
  ['SET', 'tx:b', 'y'],
  ['GET', 'tx:b'],
  ['DEL', 'tx:none'],
  ['EXEC'],
);
const TRANSACTION_REPLY =
  '+OK\r\n' + '+QUEUED\r\n'.repeat(5) + '*5\r\n+OK\r\n$1\r\nx\r\n+OK\r\n$1\r\ny\r\n:0\r\n';

/**
 * `n` transactions from `clients` connections, each sending `depth` transactions (MULTI ... EXEC)
 * in one write and the next write as soon as their EXEC replies are in (depth 1 is redis-benchmark's
 * -P 1; a deeper pipeline keeps this driver from being the bottleneck): transactions per second
 * and the latency percentiles (ms) of each write's replies.
 */
export async function transactions(
  port: number,
  clients: number,
  n: number,
  depth = 1,
): Promise<Sample> {
  const sockets = await Promise.all(Array.from({ length: clients }, () => connect(port)));
  const writes = [
    Buffer.alloc(0),
    ...Array.from({ length: depth }, (_, i) => Buffer.from(TRANSACTION.repeat(i + 1), 'latin1')),
  ];
  const latencies: number[] = [];
  let sent = 0;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve, reject) => {
          let pending = 0;
          let outstanding = 0;
          let sentAt = 0;
          let checked = false;
          const next = () => {
            if (sent >= n) return resolve();
            outstanding = Math.min(depth, n - sent);
            sent += outstanding;
            sentAt = performance.now();
            socket.write(writes[outstanding]);
          };
          socket.on('data', (chunk: Buffer) => {
            if (!checked) {
              checked = true;
              const head = chunk.toString('latin1', 0, TRANSACTION_REPLY.length);
              if (!TRANSACTION_REPLY.startsWith(head)) {
                reject(new Error(`unexpected transaction reply: ${JSON.stringify(head)}`));
              }
            }
            pending += chunk.length;
            while (pending >= TRANSACTION_REPLY.length && outstanding > 0) {
              pending -= TRANSACTION_REPLY.length;
              outstanding--;
              done++;
            }
            if (outstanding > 0) return;
            latencies.push(performance.now() - sentAt);
            next();
          });
          next();
        }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  for (const socket of sockets) socket.destroy();
  return { rps: done / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}

/** The `q` quantile of `latencies` (ms; sorts them), with three decimals as redis-benchmark. */
function percentile(latencies: number[], q: number): number {
  latencies.sort((a, b) => a - b);
  const at = latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return Math.round(at * 1000) / 1000;
}

export interface LatencySample extends Sample {
  max: number;
  requests: number;
}

/**
 * `clients` connections that each alternate SET and GET of their own key, one request at a time,
 * until `running()` turns false: requests per second and the latency of every request (ms).
 */
export async function setGetLatency(
  port: number,
  clients: number,
  running: () => boolean,
): Promise<LatencySample> {
  const sockets = await Promise.all(Array.from({ length: clients }, () => connect(port)));
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    sockets.map(
      (socket, i) =>
        new Promise<void>((resolve) => {
          const set = Buffer.from(resp(['SET', `lat:${i}`, 'abc']), 'latin1');
          const get = Buffer.from(resp(['GET', `lat:${i}`]), 'latin1');
          // +OK\r\n and $3\r\nabc\r\n: each request's reply has a known length.
          const replyLength = [5, 9];
          let turn = 0;
          let pending = 0;
          let sentAt = 0;
          const next = () => {
            if (!running()) return resolve();
            sentAt = performance.now();
            socket.write(turn === 0 ? set : get);
          };
          socket.on('data', (chunk: Buffer) => {
            pending += chunk.length;
            if (pending < replyLength[turn]) return;
            pending -= replyLength[turn];
            turn ^= 1;
            latencies.push(performance.now() - sentAt);
            next();
          });
          next();
        }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  for (const socket of sockets) socket.destroy();
  return {
    rps: latencies.length / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: percentile(latencies, 1),
    requests: latencies.length,
  };
}
