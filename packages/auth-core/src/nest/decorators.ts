import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
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

export interface RequestWithPrincipal extends Request {
  [PRINCIPAL_KEY]?: Principal;
}

export function principalOf(request: Request): Principal | undefined {
  return (request as RequestWithPrincipal)[PRINCIPAL_KEY];
}

export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = principalOf(context.switchToHttp().getRequest<Request>());
    if (principal === undefined) {
      // Only reachable if a public route asks for a principal: a programming error.
      throw new TypeError('@CurrentPrincipal() used on a route the auth guard did not authenticate');
    }
    return principal;
  },
);
