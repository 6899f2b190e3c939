/**
 * Load that redis-benchmark cannot produce, for bench/bench.ts: idle pub/sub subscribers on raw
 * sockets, and transactions (MULTI, five commands, EXEC) from many clients at once.
 */
import net from 'node:net';

export interface Sample {
  rps: number;
  p50: number;
  p99: number;
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

function resp(...commands: string[][]): string {
  return commands
    .map((argv) => `*${argv.length}\r\n${argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`)
    .join('');
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
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  // Three decimals, as redis-benchmark prints them.
  const ms = (q: number) => Math.round(at(q) * 1000) / 1000;
  return { rps: done / seconds, p50: ms(0.5), p99: ms(0.99) };
}
