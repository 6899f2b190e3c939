/**
 * Writing replies to a client socket's handle directly, without the Writable stream.
 *
 * socket.write() runs every reply through the stream machinery (write state, a corked-buffer
 * check, a new native write request, a callback on the next tick), which for a server answering
 * one small command per read costs about as much as the rest of the command. The libuv handle
 * under the socket (the one socket-reader.ts reads from) has the write method Node's own stream
 * code ends in: it writes at once, and only the part the kernel does not take is queued, bound to
 * the request object passed in. Requests are Node's native write requests, from
 * process.binding('stream_wrap') (Node 20, which CI runs; under --pending-deprecation it prints
 * Node's DEP0111 warning once); one is reused for as long as writes complete at once, which is
 * nearly always. The binding and the members used are checked when this module loads.
 *
 * Only sockets adopted by socket-reader.ts are written this way: their stream has never written,
 * so nothing it holds can come out of order. Where the binding is missing, and for TLS sockets,
 * the connection writes the ordinary way.
 */
import type net from 'node:net';

interface WriteRequest {
  oncomplete?: (status: number) => void;
}

interface StreamHandle {
  writeLatin1String(request: WriteRequest, data: string): number;
  /** Bytes libuv still holds for this handle; undefined once the handle is closed. */
  readonly writeQueueSize: number | undefined;
}

interface StreamWrapBinding {
  WriteWrap: new () => WriteRequest;
  streamBaseState: Int32Array;
  kLastWriteWasAsync: number;
}

const binding = loadStreamWrap();

function loadStreamWrap(): StreamWrapBinding | null {
  try {
    const found = (process as unknown as { binding(name: string): unknown }).binding(
      'stream_wrap',
    ) as Partial<StreamWrapBinding>;
    const complete =
      typeof found.WriteWrap === 'function' &&
      found.streamBaseState instanceof Int32Array &&
      typeof found.kLastWriteWasAsync === 'number';
    return complete ? (found as StreamWrapBinding) : null;
  } catch {
    return null;
  }
}

export interface WriteEvents {
  /** Everything queued has been written. */
  drained(): void;
  /** A queued write failed (the peer is gone): the socket should be destroyed. */
  failed(): void;
}

export class SocketWriter {
  /** The request for the next write: reused while writes complete at once. */
  private spare: WriteRequest | null = null;
  private readonly onComplete = (status: number): void => {
    if (status < 0) this.events.failed();
    else if (this.handle.writeQueueSize === 0) this.events.drained();
  };

  private constructor(
    private readonly handle: StreamHandle,
    private readonly events: WriteEvents,
  ) {}

  /** A writer for a socket adopted by readSocketInto, or null where none can be made. */
  static forSocket(socket: net.Socket, events: WriteEvents): SocketWriter | null {
    const handle = (socket as unknown as { _handle?: Partial<StreamHandle> | null })._handle;
    if (binding === null || typeof handle?.writeLatin1String !== 'function') return null;
    return new SocketWriter(handle as StreamHandle, events);
  }

  /** Bytes written but not yet taken by the kernel (0 once the handle is closed). */
  get queuedBytes(): number {
    return this.handle.writeQueueSize || 0;
  }

  /** Writes a latin1 string; false when the socket failed (it should be destroyed). */
  write(data: string): boolean {
    const state = binding as StreamWrapBinding;
    const request = this.spare ?? new state.WriteWrap();
    if (this.handle.writeLatin1String(request, data) !== 0) return false;
    if (state.streamBaseState[state.kLastWriteWasAsync] === 0) {
      this.spare = request;
    } else {
      // libuv holds the rest of the bytes with this request until they are written.
      this.spare = null;
      request.oncomplete = this.onComplete;
    }
    return true;
  }
}
