/** Floods of commands for tests: pipelined in batches, every reply read. */
import { encodeCommand, type RawClient } from './raw-client.js';

/**
 * Sends commands in pipelined batches of `batchSize` and reads every reply; returns the error
 * replies (first line each), in order.
 */
export async function pipeline(
  client: RawClient,
  commands: Iterable<(string | number)[]>,
  batchSize = 500,
): Promise<string[]> {
  const errors: string[] = [];
  let batch: Buffer[] = [];
  const flush = async () => {
    client.sendRaw(Buffer.concat(batch));
    for (let i = 0; i < batch.length; i++) {
      const reply = await client.readReply();
      if (reply.startsWith('-')) errors.push(reply.slice(1, reply.indexOf('\r\n')));
    }
    batch = [];
  };
  for (const command of commands) {
    batch.push(encodeCommand(command));
    if (batch.length === batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  return errors;
}

/** The commands `make(i)` for i from 0 to n - 1. */
export function* times<T>(n: number, make: (i: number) => T): Generator<T> {
  for (let i = 0; i < n; i++) yield make(i);
}
