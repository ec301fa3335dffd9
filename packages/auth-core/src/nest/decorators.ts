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

/** What a wrapping platform (fastify) derives from the client's headers under TRUST_PROXY. */
interface PlatformDerived {
  readonly protocol?: string;
  readonly host?: string;
}

/**
 * A wrapped request as `credentialOf` reads it: Node's raw headers, the platform's protocol and
 * host read when asked (fastify derives them per access). A class, so that each request costs
 * one small object of one shape, not an object literal with two getter closures.
 */
class WrappedCredentialRequest implements CredentialRequest {
  constructor(
    readonly method: string,
    readonly headers: CredentialRequest['headers'],
    readonly rawHeaders: readonly string[],
    private readonly platform: PlatformDerived,
  ) {}

  get protocol(): string | undefined {
    return this.platform.protocol;
  }

  get host(): string | undefined {
    return this.platform.host;
  }
}

/**
 * The request `credentialOf` reads: fastify's request wraps Node's (`raw`), whose `rawHeaders`
 * the bearer rules count; express's request is Node's own.
 */
export function credentialRequestOf(request: HttpRequest): CredentialRequest {
  const raw = (request as { raw?: { rawHeaders?: readonly string[] } }).raw;
  if (request.rawHeaders !== undefined || raw?.rawHeaders === undefined) return request;
  const platform: PlatformDerived = request as HttpRequest & PlatformDerived;
  return new WrappedCredentialRequest(request.method, request.headers, raw.rawHeaders, platform);
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
