import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthExchange, ExchangeRequest, HttpRequest } from '@authbench/auth-core';

/**
 * The seams between the controllers and the HTTP platform (`HTTP_PLATFORM`, CONTRACT §1).
 * Controllers type requests and responses with these, never with express's or fastify's own
 * types, and use only what both platforms' objects have under the same name.
 */

/** What a controller reads of a request: express's and fastify's requests both have these. */
export interface AppRequest extends HttpRequest {
  /** The client's address (`TRUST_PROXY` applied by the platform). */
  readonly ip?: string;
}

/**
 * What a controller writes on a response. express's `Response` and fastify's `FastifyReply`
 * both have `header(name, value)`, `status(code)` and `send(body)`, with the same meaning.
 */
export interface AppReply {
  header(name: string, value: string): unknown;
  status(code: number): unknown;
  send(body: string | Buffer): unknown;
}

/** fastify's request wraps Node's as `raw` and derives protocol and host under `trustProxy`. */
interface WrappingRequest {
  readonly raw: IncomingMessage;
  readonly protocol: string;
  readonly host: string;
}

function isWrapping(request: unknown): request is WrappingRequest {
  return typeof request === 'object' && request !== null && 'raw' in request;
}

function nodeResponseOf(response: unknown): ServerResponse {
  const raw = (response as { raw?: ServerResponse }).raw;
  return raw ?? (response as ServerResponse);
}

/** The client's address for rate-limit keys, or `unknown` (a socket already gone). */
export function clientAddressOf(request: AppRequest): string {
  return request.ip ?? 'unknown';
}

/**
 * The exchange a strategy issues or revokes on: Node's request and response on both platforms.
 * express's are Node's own (with `secure`, `protocol`, `host` under `trust proxy`). fastify's
 * are `raw`, given fastify's `TRUST_PROXY` verdicts: express-session (which the session
 * strategy runs at login) reads `request.secure`, as under express.
 */
export function exchangeOf(request: AppRequest, response: unknown): AuthExchange {
  if (!isWrapping(request)) {
    return { request: request as unknown as ExchangeRequest, response: nodeResponseOf(response) };
  }
  const raw = request.raw as IncomingMessage & { secure?: boolean; protocol?: string; host?: string };
  if (raw.secure === undefined) {
    Object.defineProperties(raw, {
      secure: { value: request.protocol === 'https', configurable: true },
      protocol: { value: request.protocol, configurable: true },
      host: { value: request.host, configurable: true },
    });
  }
  return { request: raw as ExchangeRequest, response: nodeResponseOf(response) };
}
