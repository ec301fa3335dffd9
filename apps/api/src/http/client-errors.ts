import { type Server, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { RAW_SECURITY_HEADERS } from './security-headers.js';

/**
 * Requests Node refuses before any middleware runs (headers over its 16 KiB limit, bytes
 * that are not HTTP, a headers or request time-out). Node's own answer is a bare status
 * line; this one is the same status as problem+json with the security headers (CONTRACT §2:
 * every response, errors included). Statuses as Node picks them.
 */
function statusOf(code: string | undefined): number {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return 431;
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return 413;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 408;
    default:
      return 400;
  }
}

/** Node's `clientError` listener (express), also fastify's `clientErrorHandler` option. */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // Nothing to answer on a reset or half-closed socket.
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = statusOf(error.code);
  const title = STATUS_CODES[status] ?? 'Error';
  const body = JSON.stringify({ type: 'about:blank', title, status, detail: `${title}.` });
  const headers = Object.entries({
    ...RAW_SECURITY_HEADERS,
    'Content-Type': 'application/problem+json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    Connection: 'close',
  })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${status} ${title}\r\n${headers}\r\n${body}`);
}

/** On a bare Node server (express's); fastify takes `answerClientError` as an option instead. */
export function answerClientErrors(server: Server): void {
  server.on('clientError', answerClientError);
}
