import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, preParsingHookHandler } from 'fastify';
import { type AppRequest, clientAddressOf } from '../http/platform.js';
import { withRouteHook } from '../http/request-hooks.js';
import type { EarlyRefusals } from './early-refusals.js';
import { writeRefusal } from './refusal-answer.js';

/**
 * express: Node-style middleware, mounted as Nest middleware (AppModule) so that it runs after
 * the request logger (its one line per request, with the request id, covers the refusal too) and
 * before Nest's router, guard, pipes and exception filter. The address is express's `request.ip`
 * (`TRUST_PROXY` applied), through the same `clientAddressOf` as the routes' limiter key.
 * express has parsed the body by then (body-parser runs before Nest's middleware); on fastify
 * the hook below runs before the body is read.
 */
export function earlyRefusalMiddleware(
  refusals: EarlyRefusals,
): (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void {
  return (request, response, next) => {
    const route = refusals.routeOf(request.method, request.url);
    if (route === undefined) {
      next();
      return;
    }
    refusals.refusalFor(route, clientAddressOf(request as unknown as AppRequest)).then(
      (refused) => {
        if (refused === undefined) next();
        else writeRefusal(response, refused.refusal, refused.route === 'login');
      },
      // A store that fails (Redis down) is answered as on the normal path: 503 through the filter.
      (error: unknown) => next(error),
    );
  };
}

/** Whether a route answers POST: only those can be a login or a registration. */
function answersPost(method: string | readonly string[]): boolean {
  return typeof method === 'string' ? method === 'POST' : method.includes('POST');
}

/**
 * fastify: a `preParsing` hook, after every `onRequest` hook (the security headers, the request
 * logger) and before the body is read or parsed. The address is fastify's `request.ip`
 * (`trustProxy` applied), through `clientAddressOf`. A refusal is written on Node's response with
 * the reply hijacked, so fastify neither serializes nor sends anything more; the headers set on the
 * reply so far (the security headers) are copied onto Node's response first.
 *
 * Added to each POST route as it is registered (`onRoute`, so before Nest registers its routes),
 * not to the whole app: every refusable request is a POST to one of the app's own routes, and a
 * global hook would make fastify run its preParsing chain for every GET as well, for nothing.
 */
export function addEarlyRefusalHook(fastify: FastifyInstance, refusals: EarlyRefusals): void {
  const refuseEarly: preParsingHookHandler = (request, reply, payload, done) => {
    const route = refusals.routeOf(request.method, request.url);
    if (route === undefined) {
      done(null, payload);
      return;
    }
    refusals.refusalFor(route, clientAddressOf(request)).then(
      (refused) => {
        if (refused === undefined) {
          done(null, payload);
          return;
        }
        reply.hijack();
        // The front door's headers are on fastify's reply, which a hijacked reply never writes.
        for (const [name, value] of Object.entries(reply.getHeaders())) {
          if (value !== undefined) reply.raw.setHeader(name, value);
        }
        writeRefusal(reply.raw, refused.refusal, refused.route === 'login');
        // fastify sees the reply sent and stops here.
        done(null, payload);
      },
      (error: unknown) => done(error as Error),
    );
  };
  fastify.addHook('onRoute', (route) => {
    if (!answersPost(route.method)) return;
    route.preParsing = withRouteHook(route.preParsing, refuseEarly);
  });
}
