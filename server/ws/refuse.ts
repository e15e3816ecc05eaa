// Refusing an HTTP upgrade before it becomes a WebSocket: a plain HTTP answer on the raw
// socket, then the socket is closed ([ws] `abortHandshake`).
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** How long a refused socket may linger to flush its answer before it is destroyed (ms). */
export const REFUSE_LINGER_MS = 2_000;

/** Answers `status` with a short text body and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number, message = STATUS_CODES[status] ?? 'Refused'): void {
  if (socket.destroyed) return;
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), REFUSE_LINGER_MS).unref();
}
