/**
 * The replication side of the CLI: --rdb / --functions-rdb fetch a snapshot through SYNC and
 * write it to a file (or stdout for "-"); --replica (and a typed SYNC/PSYNC) skip the snapshot
 * and print the command stream the primary sends, in CSV.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { systemErrorText, type CliConnection } from './connection.js';
import { CliExit, sleep } from './io.js';
import { cString } from './quote.js';
import type { Session } from './session.js';

/** Length of the random delimiter ending a diskless (EOF-marked) RDB transfer. */
const EOF_MARK_SIZE = 40;
const SYNC = Buffer.from('SYNC\r\n');

export async function fetchRdb(session: Session): Promise<number> {
  await sendReplconf(session, 'capa', 'eof');
  await sendReplconf(session, 'rdb-only', '1');
  if (
    session.options.mode === 'functions-rdb' &&
    !(await sendReplconf(session, 'rdb-filter-only', 'functions'))
  ) {
    return fail(session, 'Failed requesting functions only RDB from server, aborting\n');
  }
  const file = session.options.rdbFile!;
  const conn = session.conn!;
  const transfer = await startSync(session, SYNC);
  const { io } = session;
  if (transfer.eofMark !== undefined) {
    io.err(`SYNC sent to master, writing bytes of bulk transfer until EOF marker to '${file}'\n`);
  } else {
    io.err(`SYNC sent to master, writing ${transfer.length} bytes to '${file}'\n`);
  }
  const toStdout = file === '-';
  let fd = -1;
  if (!toStdout) {
    try {
      fd = openSync(file, 'w', 0o644);
    } catch (error) {
      return fail(session, `Error opening '${file}': ${systemErrorText(error as Error)}\n`);
    }
  }
  const sink = toStdout
    ? (chunk: Buffer) => io.out(chunk.toString('latin1'))
    : (chunk: Buffer) => void writeSync(fd, chunk);
  const written = await readPayload(conn, transfer, sink, () =>
    fail(session, 'I/O Error reading RDB payload from socket\n'),
  );
  if (transfer.eofMark !== undefined) {
    io.err(`Transfer finished with success after ${written} bytes\n`);
  } else {
    io.err('Transfer finished with success.\n');
  }
  conn.close();
  if (!toStdout) {
    fsyncSync(fd);
    closeSync(fd);
  }
  return 0;
}

export async function replicaMode(session: Session): Promise<number> {
  await sendReplconf(session, 'capa', 'eof');
  await sendReplconf(session, 'rdb-filter-only', '');
  await streamReplication(session, SYNC);
  return 1;
}

/**
 * Discards the snapshot, then prints every command the primary propagates as a CSV line until
 * the connection ends. `sync` is the request that starts it (SYNC, or a typed SYNC/PSYNC).
 */
export async function streamReplication(session: Session, sync: Buffer): Promise<void> {
  const { io } = session;
  const conn = session.conn!;
  const transfer = await startSync(session, sync);
  if (transfer.eofMark !== undefined) {
    io.err('SYNC with master, discarding bytes of bulk transfer until EOF marker...\n');
  } else {
    io.err(`SYNC with master, discarding ${transfer.length} bytes of bulk transfer...\n`);
  }
  const read = await readPayload(
    conn,
    transfer,
    () => undefined,
    () => fail(session, 'Error reading RDB payload while SYNCing\n'),
  );
  if (transfer.eofMark !== undefined) {
    // redis-cli counts the mark in here.
    io.err(`SYNC done after ${read + EOF_MARK_SIZE} bytes. Logging commands from master.\n`);
    await sleep(1000);
    await sendReplconf(session, 'ACK', '0');
  } else {
    io.err('SYNC done. Logging commands from master.\n');
  }
  for (;;) {
    const reply = await conn.readReply().catch(() => null);
    if (reply === null) return;
    session.print(reply, false, 'csv');
  }
}

interface Transfer {
  /** Payload bytes announced by "$<length>", when not EOF-marked. */
  length: number;
  eofMark?: string;
  /** Bytes received after the header, not yet consumed. */
  buffered: Buffer;
}

async function sendReplconf(session: Session, option: string, value: string): Promise<boolean> {
  session.io.err(`sending REPLCONF ${option} ${value}\n`);
  const reply = await session.mustCommand('REPLCONF', option, value);
  if (reply.type === 'error') {
    session.io.err(`REPLCONF ${option} error: ${cString(reply.value)}\n`);
    return false;
  }
  return true;
}

/** Sends the SYNC request and reads the "$<length>" or "$EOF:<mark>" header that answers it. */
async function startSync(session: Session, request: Buffer): Promise<Transfer> {
  const conn = session.conn!;
  conn.rawMode();
  conn.sendRaw(request);
  let buffered = Buffer.alloc(0);
  for (;;) {
    // The primary sends newlines to keep the link alive while it prepares the snapshot.
    let start = 0;
    while (start < buffered.length && buffered[start] === 10) start++;
    const end = buffered.indexOf(10, start);
    if (end >= 0) {
      const header = buffered.latin1Slice(start, end).replace(/\r$/, '');
      const rest = buffered.subarray(end + 1);
      if (header.startsWith('-')) fail(session, `SYNC with master failed: ${header}\n`);
      if (header.startsWith('$EOF:') && header.length >= 5 + EOF_MARK_SIZE) {
        return { length: 0, eofMark: header.slice(5, 5 + EOF_MARK_SIZE), buffered: rest };
      }
      return { length: Number(/^\$(\d*)/.exec(header)?.[1] || 0), buffered: rest };
    }
    const chunk = await conn.readRaw();
    if (chunk === null) fail(session, 'Error reading bulk length while SYNCing\n');
    buffered = Buffer.concat([buffered, chunk]);
  }
}

/**
 * Hands the snapshot's bytes to `sink` and returns their count (an EOF mark is not passed on nor
 * counted); the connection goes back to parsing replies right after the payload.
 */
async function readPayload(
  conn: CliConnection,
  transfer: Transfer,
  sink: (chunk: Buffer) => void,
  onError: () => never,
): Promise<number> {
  let pending = transfer.buffered;
  let read = 0;
  if (transfer.eofMark === undefined) {
    let left = transfer.length;
    for (;;) {
      const take = Math.min(left, pending.length);
      sink(pending.subarray(0, take));
      left -= take;
      read += take;
      if (left === 0) {
        conn.parseMode(pending.subarray(take));
        return read;
      }
      pending = (await conn.readRaw()) ?? onError();
    }
  }
  const mark = Buffer.from(transfer.eofMark, 'latin1');
  // The last bytes seen are held back while they may be the start of the mark.
  let tail = Buffer.alloc(0);
  for (;;) {
    read += pending.length;
    const data = Buffer.concat([tail, pending]);
    const found = data.indexOf(mark);
    if (found >= 0) {
      sink(data.subarray(0, found));
      const after = data.subarray(found + EOF_MARK_SIZE);
      conn.parseMode(after);
      return read - after.length - EOF_MARK_SIZE;
    }
    const keep = Math.min(EOF_MARK_SIZE - 1, data.length);
    sink(data.subarray(0, data.length - keep));
    tail = data.subarray(data.length - keep);
    pending = (await conn.readRaw()) ?? onError();
  }
}

function fail(session: Session, message: string): never {
  session.io.err(message);
  throw new CliExit(1);
}
