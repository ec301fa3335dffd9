import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { RequestCheck } from './front-door.js';

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
 * Runs a synchronous check as a fastify `onRequest` hook on Node's request and response: no
 * per-request callback, its error (if any) straight to fastify's error handler (Nest's filter).
 */
export function addRequestCheck(fastify: FastifyInstance, check: RequestCheck): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const error = check(request.raw, reply.raw);
    if (error === undefined) done();
    else done(error);
  });
}

/** The same check as express middleware. */
export function checkAsMiddleware(check: RequestCheck): Middleware {
  return (request, response, next) => {
    const error = check(request, response);
    if (error === undefined) next();
    else next(error);
  };
}
