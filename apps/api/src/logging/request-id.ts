import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Request ids from a client are echoed only when they look like ids, never as arbitrary log input. */
export const CLIENT_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The request's `x-request-id` when it looks like an id, a fresh UUID otherwise. */
export function requestIdOf(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  return typeof header === 'string' && CLIENT_REQUEST_ID.test(header) ? header : randomUUID();
}
