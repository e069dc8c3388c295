import type { IncomingMessage, Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) => void;

/** Routes websocket upgrades by exact path; everything else is refused. */
export function routeUpgrades(server: Server, routes: Record<string, UpgradeHandler>): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client resetting mid-handshake must not take the process down.
    socket.on('error', () => socket.destroy());
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://broker.invalid');
    } catch {
      return rejectUpgrade(socket, 400, 'Bad Request');
    }
    const route = routes[url.pathname];
    if (!route) return rejectUpgrade(socket, 404, 'Not Found');
    route(req, socket, head, url);
  });
}

/** Answers an upgrade with a plain HTTP error and closes the connection (a 429 says when to retry). */
export function rejectUpgrade(
  socket: Duplex,
  status: number,
  message = STATUS_CODES[status] ?? 'Error',
  retryAfterSeconds?: number,
): void {
  if (!socket.writable) return void socket.destroy();
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n' +
      (retryAfterSeconds === undefined ? '' : `Retry-After: ${retryAfterSeconds}\r\n`) +
      `Content-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`,
  );
}
