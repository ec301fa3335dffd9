import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { CredentialRequest } from '../strategy/auth-strategy.js';
import type { Principal } from '../strategy/principal.js';

export const IS_PUBLIC = 'authbench:isPublic';
export const ROUTE_STRATEGY = 'authbench:routeStrategy';

/** Opts a route out of the default-deny guard. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/**
 * Binds a route to a strategy. A name binds it to that strategy; `':param'` (the default for
 * `/:strategy/…` routes) reads it from the path; `'default'` uses `AUTH_DEFAULT`.
 */
export const UseStrategy = (name: string): MethodDecorator & ClassDecorator =>
  SetMetadata(ROUTE_STRATEGY, name);

/** Where the guard leaves the authenticated principal on the request. */
export const PRINCIPAL_KEY = 'authbenchPrincipal';

/**
 * What the guard, the resolver and the decorators read of a request, on either HTTP platform
 * (express's request and fastify's both have these): method, headers, the URL as received and
 * the route's path parameters.
 */
export interface HttpRequest extends CredentialRequest {
  readonly url: string;
  readonly params?: unknown;
}

export type RequestWithPrincipal = HttpRequest & {
  [PRINCIPAL_KEY]?: Principal;
};

/** `/path` of a request, without its query string: what "Cannot GET /path" names. */
export function pathOf(request: HttpRequest): string {
  const query = request.url.indexOf('?');
  return query === -1 ? request.url : request.url.slice(0, query);
}

/**
 * The request `credentialOf` reads: fastify's request wraps Node's (`raw`), whose `rawHeaders`
 * the bearer rules count; express's request is Node's own.
 */
export function credentialRequestOf(request: HttpRequest): CredentialRequest {
  const raw = (request as { raw?: { rawHeaders?: readonly string[] } }).raw;
  if (request.rawHeaders !== undefined || raw?.rawHeaders === undefined) return request;
  // Node's raw headers; the client's protocol and host (TRUST_PROXY) as the platform derives them.
  const platform = request as { readonly protocol?: string; readonly host?: string };
  return {
    method: request.method,
    headers: request.headers,
    rawHeaders: raw.rawHeaders,
    get protocol() {
      return platform.protocol;
    },
    get host() {
      return platform.host;
    },
  } as CredentialRequest;
}

export function principalOf(request: HttpRequest): Principal | undefined {
  return (request as RequestWithPrincipal)[PRINCIPAL_KEY];
}

export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = principalOf(context.switchToHttp().getRequest<HttpRequest>());
    if (principal === undefined) {
      // Only reachable if a public route asks for a principal: a programming error.
      throw new TypeError('@CurrentPrincipal() used on a route the auth guard did not authenticate');
    }
    return principal;
  },
);
