/**
 * --pipe: mass insertion. RESP from stdin goes to the server as fast as it takes it while the
 * replies are counted; a final ECHO of 20 random bytes tells when the last reply has arrived.
 * Prints redis-cli's summary ("errors: 0, replies: 1000000") and exits 1 if any reply was an error.
 */
import { randomBytes } from 'node:crypto';
import { encodeCommand } from './connection.js';
import { cString } from './quote.js';
import type { Session } from './session.js';

export async function pipeMode(session: Session): Promise<number> {
  const { io, options } = session;
  const conn = session.conn!;
  conn.pushHandling = 'inline';
  const magic = randomBytes(20).toString('latin1');
  let errors = 0;
  let replies = 0;
  let allSent = false;
  let done = false;
  let lastReplyAt = Date.now();

  const send = async () => {
    for await (const chunk of io.stdinChunks()) {
      if (!conn.sendRaw(chunk)) await conn.drained();
    }
    allSent = true;
    io.out('All data transferred. Waiting for the last reply...\n');
    // The leading CRLF (ignored by the server) keeps the ECHO readable after garbage input.
    conn.sendRaw(Buffer.concat([Buffer.from('\r\n'), encodeCommand(['ECHO', magic])]));
  };
  const sending = send();

  while (!done) {
    for (let reply = conn.takeReply(); reply !== undefined; reply = conn.takeReply()) {
      lastReplyAt = Date.now();
      if (reply.type === 'error') {
        io.err(`${cString(reply.value)}\n`);
        errors++;
      } else if (allSent && reply.type === 'bulk' && reply.value === magic) {
        io.out('Last reply received from server.\n');
        done = true;
        replies--;
      }
      replies++;
    }
    if (done) break;
    if (conn.error) {
      if (conn.error.kind === 'protocol') io.err('Error reading replies from server\n');
      return 1;
    }
    const timeout = options.pipeTimeoutSeconds;
    if (allSent && timeout > 0 && Date.now() - lastReplyAt > timeout * 1000) {
      io.err(`No replies for ${timeout} seconds: exiting.\n`);
      errors++;
      break;
    }
    await Promise.race([conn.waitForData(), tick(1000)]);
  }
  if (done) await sending;
  io.out(`errors: ${errors}, replies: ${replies}\n`);
  return errors > 0 ? 1 : 0;
}

function tick(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
