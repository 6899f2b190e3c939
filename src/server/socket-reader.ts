/**
 * Reading a client socket without a stream event and a fresh Buffer per read.
 *
 * A plain net.Socket allocates a 64 KB buffer for every read, trims it, wraps it in a Buffer and
 * pushes it through the Readable stream machinery to a 'data' listener. For a server answering
 * one small command per read that is a large share of the work. Node's documented `onread` socket
 * option instead reads into a buffer we provide and calls us directly. The parser copies what it
 * needs before the call returns, so one buffer serves every connection of a server.
 *
 * `onread` can only be given when a Socket is created, and a server creates its sockets itself:
 * the accepted socket's handle (the libuv TCP handle, `_handle`, as Node's own net module hands it
 * over) is moved to a new Socket created with the option, before any byte was read (reads start
 * on a later event-loop turn). Where that is not possible the socket is read the ordinary way.
 */
import net from 'node:net';
import tls from 'node:tls';

/** Called with the bytes read: buffer[0, length), valid only during the call. */
export type ReadCallback = (buffer: Buffer, length: number) => void;

interface AcceptedSocket {
  _handle?: object | null;
  _server?: net.Server | null;
  server?: net.Server | null;
}

export function readSocketInto(
  socket: net.Socket,
  buffer: Buffer,
  onRead: ReadCallback,
): net.Socket {
  const accepted = socket as unknown as AcceptedSocket;
  const handle = accepted._handle;
  const listener = accepted._server;
  // A TLS socket decrypts in JavaScript: its handle carries encrypted bytes, so it is read the
  // ordinary way.
  if (!handle || !listener || socket.bytesRead > 0 || socket instanceof tls.TLSSocket) {
    socket.on('data', (chunk: Buffer) => onRead(chunk, chunk.length));
    return socket;
  }
  accepted._handle = null;
  accepted._server = null;
  const adopted = new net.Socket({
    handle,
    readable: true,
    writable: true,
    onread: {
      buffer,
      callback: (length: number, bytes: Uint8Array) => onRead(bytes as Buffer, length),
    },
  } as net.SocketConstructorOpts);
  // The listener counts its connections and waits for them in close(): the new socket reports its
  // end there in place of the old one.
  const owned = adopted as unknown as AcceptedSocket;
  owned._server = listener;
  owned.server = listener;
  return adopted;
}
