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

/**
 * The one global guard: default-deny, `@Public()` opts out. It never parses a credential;
 * it asks the route's strategy (`credentialOf`, then `verify`: the path the benchmarks time)
 * and turns a refusal into a 401 with the right challenge.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly resolver: StrategyResolver,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) === true) return true;

    const request = context.switchToHttp().getRequest<HttpRequest>();
    const strategy = this.resolver.resolve(
      request,
      this.reflector.getAllAndOverride<string>(ROUTE_STRATEGY, targets),
    );
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
}
