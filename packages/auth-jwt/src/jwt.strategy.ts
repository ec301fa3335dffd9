import {
  type AuthExchange,
  type AuthStrategy,
  bearerCredentialOf,
  type CredentialRequest,
  type LoginUser,
  type Principal,
  type ServerStateSize,
  type StoreStatus,
  type StrategyTraits,
} from '@authbench/auth-core';
import type { JwtKeyRing, PublicJwk } from './lib/keys.js';
import {
  type JwtPrincipal,
  type JwtTokenService,
  STRATEGY_NAME,
  type TokenPairBody,
} from './lib/token-service.js';
import type { PassportJwtBridge } from './passport/passport-jwt.bridge.js';
import type { JwtStateStore } from './stores/jwt-state-store.js';
import { MemoryJwtStateStore } from './stores/memory-jwt-state-store.js';

export interface JwtStrategyParts {
  readonly tokens: JwtTokenService;
  readonly ring: JwtKeyRing;
  readonly store: JwtStateStore;
  readonly passport: PassportJwtBridge;
}

/**
 * The `jwt` AuthStrategy: bearer JWTs verified through @nestjs/passport + passport-jwt with
 * the hardened rules around them, refresh rotation, and the configured revocation mode.
 * The guard, the page and the benchmarks all verify through `verify`: one path, through
 * passport-jwt. There is no second (passport) guard.
 */
export class JwtStrategy implements AuthStrategy {
  readonly name = STRATEGY_NAME;
  readonly transport = 'bearer' as const;
  private readonly tokens: JwtTokenService;
  private readonly ring: JwtKeyRing;
  private readonly store: JwtStateStore;
  private readonly passport: PassportJwtBridge;

  constructor(parts: JwtStrategyParts) {
    this.tokens = parts.tokens;
    this.ring = parts.ring;
    this.store = parts.store;
    this.passport = parts.passport;
  }

  traits(): StrategyTraits {
    return this.tokens.traits();
  }

  /** CONTRACT §2: `{ token, tokenType: 'Bearer', expiresIn, refreshToken }`. */
  issue(user: LoginUser, _exchange?: AuthExchange): Promise<TokenPairBody> {
    return this.tokens.issue(user);
  }

  credentialOf(request: CredentialRequest): string | undefined {
    return bearerCredentialOf(request);
  }

  /** An access token, through passport-jwt, to a principal. */
  verify(token: string): Promise<JwtPrincipal> {
    return this.passport.run(token);
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

  /**
   * Refresh families and revocation entries held in process; `null` when they live in Redis,
   * whose own counters measure them (a key count would need a SCAN of every node).
   */
  serverState(): Promise<ServerStateSize | null> {
    if (!(this.store instanceof MemoryJwtStateStore)) return Promise.resolve(null);
    const { logins, revokedTokens, revokedLogins, cutoffs } = this.store.stats();
    return Promise.resolve({
      records: logins + revokedTokens + revokedLogins + cutoffs,
      unit: 'refresh family or revocation entry',
    });
  }

  /** The JWK Set for `/.well-known/jwks.json`, or null for HS* (nothing public to publish). */
  jwks(): { readonly keys: readonly PublicJwk[] } | null {
    return this.ring.jwks();
  }
}
