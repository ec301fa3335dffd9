import type {
  AuthExchange,
  AuthStrategy,
  Principal,
  StoreStatus,
  StrategyTraits,
  UserView,
} from '@authbench/auth-core';
import { bearerTokenOf } from './lib/bearer.js';
import type { PublicJwk } from './lib/keys.js';
import {
  type JwtPrincipal,
  type JwtTokenService,
  STRATEGY_NAME,
  type TokenPairBody,
} from './lib/token-service.js';
import type { JwtVerifier } from './lib/verifier.js';
import type { PassportJwtBridge } from './passport/passport-jwt.bridge.js';
import type { JwtStateStore } from './stores/jwt-state-store.js';

export interface JwtStrategyParts {
  readonly tokens: JwtTokenService;
  readonly verifier: JwtVerifier;
  readonly store: JwtStateStore;
  readonly passport: PassportJwtBridge;
}

/**
 * The `jwt` AuthStrategy: bearer JWTs verified through @nestjs/passport + passport-jwt with
 * the hardened rules around them, refresh rotation, and the configured revocation mode.
 * The app's global guard calls `authenticate`; there is no second (passport) guard.
 */
export class JwtStrategy implements AuthStrategy {
  readonly name = STRATEGY_NAME;
  readonly transport = 'bearer' as const;
  /** The framework-free core (issue, verify, refresh, revoke). */
  readonly tokens: JwtTokenService;
  readonly verifier: JwtVerifier;
  /** The server state (refresh families, denylist); `stats()` on the memory store. */
  readonly store: JwtStateStore;
  private readonly passport: PassportJwtBridge;

  constructor(parts: JwtStrategyParts) {
    this.tokens = parts.tokens;
    this.verifier = parts.verifier;
    this.store = parts.store;
    this.passport = parts.passport;
  }

  traits(): StrategyTraits {
    return this.tokens.traits();
  }

  /** CONTRACT §2: `{ token, tokenType: 'Bearer', expiresIn, refreshToken }`. */
  issue(user: UserView, _exchange?: AuthExchange): Promise<TokenPairBody> {
    return this.tokens.issue(user);
  }

  /** The guard's entry point: the Authorization header, through passport-jwt. */
  async authenticate(exchange: AuthExchange): Promise<JwtPrincipal> {
    bearerTokenOf(exchange.request.headers.authorization);
    return this.passport.run(exchange.request, exchange.response);
  }

  /**
   * The same passport-jwt path without an HTTP server, for the benchmarks: an
   * `Authorization` header value in, a principal out.
   */
  async authenticateHeader(authorization: string): Promise<JwtPrincipal> {
    bearerTokenOf(authorization);
    return this.passport.run({ headers: { authorization } }, {});
  }

  /** Framework-free verification (no passport), for the benchmarks. */
  verifyAccessToken(token: string): Promise<JwtPrincipal> {
    return this.tokens.verifyAccessToken(token);
  }

  refresh(refreshToken: string): Promise<TokenPairBody> {
    return this.tokens.refresh(refreshToken);
  }

  revoke(principal: Principal, _exchange?: AuthExchange): Promise<void> {
    return this.tokens.revoke(principal);
  }

  revokeAll(userId: string): Promise<void> {
    return this.tokens.revokeAll(userId);
  }

  storeHealth(): Promise<Readonly<Record<string, StoreStatus>>> {
    return this.store.health();
  }

  /** The JWK Set for `/.well-known/jwks.json`, or null for HS* (nothing public to publish). */
  jwks(): { readonly keys: readonly PublicJwk[] } | null {
    return this.verifier.ring.jwks();
  }
}
