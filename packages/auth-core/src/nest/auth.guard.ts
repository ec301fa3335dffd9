import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthError } from '../errors/auth-error.js';
import type { AuthStrategy } from '../strategy/auth-strategy.js';
import { authenticateRequest } from '../strategy/authenticate.js';
import {
  credentialRequestOf,
  type HttpRequest,
  IS_PUBLIC,
  PRINCIPAL_KEY,
  type RequestWithPrincipal,
  ROUTE_STRATEGY,
} from './decorators.js';
import { StrategyResolver } from './strategy-resolver.js';

const REALM = 'Bearer realm="authbench"';

/** RFC 6750 §3.1: no error code when no credential was sent, `invalid_token` when one was refused. */
function challengeFor(strategy: AuthStrategy, error: AuthError): Readonly<Record<string, string>> {
  if (strategy.transport !== 'bearer') return {};
  const value = error.code === 'missing_credential' ? REALM : `${REALM}, error="invalid_token"`;
  return { 'WWW-Authenticate': value };
}

/** What the guard needs of a route's metadata: fixed once the app is built. */
interface RouteAuth {
  readonly isPublic: boolean;
  readonly binding: string | undefined;
}

/**
 * The one global guard: default-deny, `@Public()` opts out. It never parses a credential;
 * it asks the route's strategy (`credentialOf`, then `verify`: the path the benchmarks time)
 * and turns a refusal into a 401 with the right challenge.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  /**
   * Route metadata by controller class, then handler: decorators are applied when classes are
   * defined, so the two reflect-metadata look-ups per request can be done once per route. By
   * class first, because one inherited handler serves controllers bound to different strategies.
   */
  private readonly routes = new WeakMap<object, WeakMap<object, RouteAuth>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly resolver: StrategyResolver,
  ) {}

  /** Synchronous for a public route: no promise, no extra turn of the microtask queue. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const route = this.routeOf(context.getClass(), context.getHandler());
    if (route.isPublic) return true;
    return this.authenticate(context.switchToHttp().getRequest<HttpRequest>(), route);
  }

  private async authenticate(request: HttpRequest, route: RouteAuth): Promise<boolean> {
    const strategy = this.resolver.resolve(request, route.binding);
    try {
      (request as RequestWithPrincipal)[PRINCIPAL_KEY] = await authenticateRequest(
        strategy,
        credentialRequestOf(request),
      );
      return true;
    } catch (error) {
      if (error instanceof AuthError) throw error.withHeaders(challengeFor(strategy, error));
      throw error;
    }
  }

  private routeOf(controller: object, handler: object): RouteAuth {
    let handlers = this.routes.get(controller);
    if (handlers === undefined) {
      handlers = new WeakMap();
      this.routes.set(controller, handlers);
    }
    let route = handlers.get(handler);
    if (route === undefined) {
      const targets = [handler, controller] as Parameters<Reflector['getAllAndOverride']>[1];
      route = {
        isPublic: this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) === true,
        binding: this.reflector.getAllAndOverride<string | undefined>(ROUTE_STRATEGY, targets),
      };
      handlers.set(handler, route);
    }
    return route;
  }
}
