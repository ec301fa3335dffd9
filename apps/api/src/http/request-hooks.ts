import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
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

/** Node-style middleware as a fastify hook on Node's request and response: `next(error)` is `done(error)`. */
function middlewareHook(middleware: Middleware): onRequestHookHandler {
  return (request, reply, done) => {
    middleware(request.raw, reply.raw, (error?: unknown) => {
      if (error === undefined || error === null) done();
      else done(error as Error);
    });
  };
}

/**
 * Runs Node-style middleware as a fastify `onRequest` hook, on Node's own request and response
 * (`raw`) — not through @fastify/middie, whose engine and Nest's promise wrapper around each
 * middleware cost on every request. Hooks added before Nest registers its routes run for every
 * route and for the 404 handler, in the order added, and before middie's; an error passed to
 * `next` goes to fastify's error handler, which is Nest's exception filter, as from middie.
 */
export function addRequestHook(fastify: FastifyInstance, middleware: Middleware): void {
  fastify.addHook('onRequest', middlewareHook(middleware));
}

/**
 * Runs Node-style middleware on the routes at `prefix` and below only (lower-case, no trailing
 * `/`): a route-level `onRequest` hook, added to each such route as it is registered (`onRoute`,
 * so before Nest registers its routes). An app-wide hook would test the path of every request
 * to every route, on the public route too, for the few below `prefix`. A path below `prefix`
 * that no route serves never reaches middleware on either platform's router: it is the 404 of
 * any unknown path. Route-level hooks run after the app's (the front door, middie's), and an
 * error passed to `next` goes to fastify's error handler (Nest's filter), as from an app-wide one.
 */
export function addRouteRequestHook(fastify: FastifyInstance, middleware: Middleware, prefix: string): void {
  const hook = middlewareHook(middleware);
  fastify.addHook('onRoute', (route) => {
    if (!isUnderPrefix(route.url, prefix)) return;
    route.onRequest = withRouteHook(route.onRequest, hook);
  });
}

/**
 * A route's own hooks of one kind (none, one, or a list, as fastify's route options allow) with
 * `hook` after them: route-level hooks run after the app's, so the added one runs where an
 * app-wide hook would have.
 */
export function withRouteHook<Hook>(own: Hook | Hook[] | undefined, hook: Hook): Hook[] {
  if (own === undefined) return [hook];
  return [...(Array.isArray(own) ? own : [own]), hook];
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
