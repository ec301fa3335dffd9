import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { FrontDoor } from './front-door.js';
import { type HeaderEntry, writeHeaders } from './security-headers.js';

/** Node-style middleware, as both platforms' `app.use` take it. */
export type Middleware = (
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * Whether `url` is `prefix` or below it, as express's `app.use(prefix)` and middie match:
 * whole path segments, case-insensitively, the query string aside.
 */
export function isUnderPrefix(url: string, prefix: string): boolean {
  if (url.length < prefix.length || url.slice(0, prefix.length).toLowerCase() !== prefix) return false;
  const next = url.charCodeAt(prefix.length);
  // End of the path, a `/` (a sub-path) or a `?` (the query string).
  return Number.isNaN(next) || next === 0x2f || next === 0x3f;
}

/**
 * Runs Node-style middleware as a fastify `onRequest` hook, on Node's own request and response
 * (`raw`) — not through @fastify/middie, whose engine and Nest's promise wrapper around each
 * middleware cost on every request. Hooks added before Nest registers its routes run for every
 * route and for the 404 handler, in the order added, and before middie's; an error passed to
 * `next` goes to fastify's error handler, which is Nest's exception filter, as from middie.
 * `prefix` (lower-case, no trailing `/`) limits it to that path and below.
 */
export function addRequestHook(fastify: FastifyInstance, middleware: Middleware, prefix?: string): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (prefix !== undefined && !isUnderPrefix(request.url, prefix)) {
      done();
      return;
    }
    middleware(request.raw, reply.raw, (error?: unknown) => {
      if (error === undefined || error === null) done();
      else done(error as Error);
    });
  });
}

/**
 * fastify keeps a reply's own headers in one object, names in lower case (`reply.header`
 * lower-cases them), and hands it to Node's `writeHead` whole. Headers set there, not with
 * `setHeader` on Node's response, cost no per-header validation, lower-casing and copying
 * before that, and let Node take `writeHead`'s fast path (nothing set on its response). Lower
 * case from the start, so `reply.header`'s own lower-casing finds nothing to change. Field names
 * are case-insensitive (RFC 9110 §5.1); fastify sends its own (`content-type`, …) in lower case.
 */
function replyHeadersOf(headers: readonly HeaderEntry[]): Readonly<Record<string, string>> {
  return Object.freeze(Object.fromEntries(headers.map(([name, value]) => [name.toLowerCase(), value])));
}

/**
 * The front door as a fastify `onRequest` hook: the headers on fastify's reply, so that every
 * answer through it (errors, 404s) carries them; the check's error, if any, straight to
 * fastify's error handler (Nest's filter). No per-request callback. An answer written on Node's
 * response instead (a hijacked reply) must copy them (`mount-early-refusals.ts`).
 */
export function addFrontDoorHook(fastify: FastifyInstance, door: FrontDoor): void {
  const headers = replyHeadersOf(door.headers);
  const { check } = door;
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.headers(headers);
    const error = check(request.raw);
    if (error === undefined) done();
    else done(error);
  });
}

/** The front door as express middleware: the headers on Node's response, then the check. */
export function frontDoorMiddleware(door: FrontDoor): Middleware {
  const { headers, check } = door;
  return (request, response, next) => {
    writeHeaders(response, headers);
    const error = check(request);
    if (error === undefined) next();
    else next(error);
  };
}

/**
 * Headers that replace the front door's at `prefix` and below (lower-case, no trailing `/`), on
 * fastify's reply, where the front door's are: an added hook runs after it.
 */
export function addHeadersHook(
  fastify: FastifyInstance,
  headers: readonly HeaderEntry[],
  prefix: string,
): void {
  const own = replyHeadersOf(headers);
  fastify.addHook('onRequest', (request, reply, done) => {
    if (isUnderPrefix(request.url, prefix)) reply.headers(own);
    done();
  });
}

/** The same as express middleware, to mount at `prefix` after the front door. */
export function headersMiddleware(headers: readonly HeaderEntry[]): Middleware {
  return (_request, response, next) => {
    writeHeaders(response, headers);
    next();
  };
}
