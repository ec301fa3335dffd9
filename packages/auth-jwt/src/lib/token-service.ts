import { randomBytes } from 'node:crypto';
import type { UserLookup } from '@authbench/auth-accounts';
import type { Principal, StrategyTraits, UserView } from '@authbench/auth-core';
import type { JwtStateStore } from '../stores/jwt-state-store.js';
import type { VerifiedClaims } from './claims.js';
import type { JwtKeyRing } from './keys.js';
import type { JwtRevocationMode } from './options.js';
import { reject } from './rejection.js';
import { signCompactJwt } from './signer.js';
import { CLAIM, refreshAudienceOf, TOKEN_TYPE } from './token-types.js';
import type { JwtVerifier } from './verifier.js';

export const STRATEGY_NAME = 'jwt';

/** A principal authenticated by a JWT, with the login it belongs to (for logout). */
export interface JwtPrincipal extends Principal {
  /** The token's `sid`: its login (refresh family); null for tokens minted elsewhere. */
  readonly loginId: string | null;
}

export function isJwtPrincipal(value: unknown): value is JwtPrincipal {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<JwtPrincipal>;
  return (
    candidate.strategy === STRATEGY_NAME && typeof candidate.userId === 'string' && 'loginId' in candidate
  );
}

/** CONTRACT §2: the body of a `jwt` login and of `POST /jwt/refresh`. */
export type TokenPairBody = {
  readonly token: string;
  readonly tokenType: 'Bearer';
  readonly expiresIn: number;
  readonly refreshToken: string;
};

export interface JwtTokenServiceOptions {
  readonly ring: JwtKeyRing;
  readonly verifier: JwtVerifier;
  readonly store: JwtStateStore;
  readonly users: UserLookup | null;
  readonly issuer: string;
  readonly audience: string;
  readonly accessTtlSeconds: number;
  readonly refreshTtlSeconds: number;
  /** `JWT_REFRESH_ABSOLUTE_TTL`: a family refreshes no more this long after its login. */
  readonly refreshAbsoluteTtlSeconds: number;
  readonly maxAccessLifetimeSeconds: number;
  readonly toleranceSeconds: number;
  readonly revocation: JwtRevocationMode;
  readonly now: () => number;
}

/** 128 random bits, base64url: `jti`s and login ids. */
function randomId(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * The framework-free core of the strategy: issue, verify, refresh and revoke JWTs against
 * the injected key ring, state store and clock. It never sees a password or an HTTP request.
 */
export class JwtTokenService {
  private readonly options: JwtTokenServiceOptions;

  constructor(options: JwtTokenServiceOptions) {
    this.options = options;
  }

  get revocation(): JwtRevocationMode {
    return this.options.revocation;
  }

  traits(): StrategyTraits {
    return this.options.revocation === 'denylist'
      ? {
          stateless: false,
          revocation: 'immediate',
          serverStatePerLogin: 'a refresh-token family record; denylist entries after logout, until exp',
          lookupsPerRequest: 1,
        }
      : {
          stateless: true,
          revocation: 'until-expiry',
          serverStatePerLogin: 'a refresh-token family record (access tokens need none)',
          lookupsPerRequest: 0,
        };
  }

  /** A login: a new refresh family, an access token and its first refresh token. */
  async issue(user: UserView): Promise<TokenPairBody> {
    const loginId = randomId();
    const refreshJti = randomId();
    const nowMs = Math.floor(this.options.now());
    const pair = this.mint(user, loginId, refreshJti, nowMs);
    await this.options.store.startLogin(
      user.id,
      loginId,
      refreshJti,
      pair.refreshUntilMs,
      nowMs + this.options.refreshAbsoluteTtlSeconds * 1000,
    );
    return pair.body;
  }

  /** Framework-free verification of an access token (the benchmarks' entry point). */
  async verifyAccessToken(token: unknown): Promise<JwtPrincipal> {
    return this.principalFor(this.options.verifier.verify(token, 'access'));
  }

  /** The last step of every access-token check: revocation (denylist mode) and the username. */
  async principalFor(claims: VerifiedClaims): Promise<JwtPrincipal> {
    if (this.options.revocation === 'denylist') {
      const revoked = await this.options.store.isAccessRevoked({
        userId: claims.sub,
        jti: claims.jti,
        loginId: claims.loginId,
        issuedAtMs: claims.issuedAtMs,
      });
      if (revoked) throw reject('revoked', 'revoked_token');
    }
    return {
      userId: claims.sub,
      username: claims.username ?? (await this.usernameOf(claims.sub)),
      strategy: STRATEGY_NAME,
      credentialId: claims.jti,
      issuedAt: new Date(claims.issuedAtMs),
      expiresAt: new Date(claims.exp * 1000),
      loginId: claims.loginId,
    };
  }

  /**
   * Rotation: the presented refresh token is spent and a new pair issued. A spent token
   * presented again ends its whole login (and, in denylist mode, that login's access tokens).
   * A login past `JWT_REFRESH_ABSOLUTE_TTL` refreshes no more: 401 `expired`, as for an
   * expired refresh token (ASVS 10.4.8), and the user logs in again.
   */
  async refresh(refreshToken: unknown): Promise<TokenPairBody> {
    const claims = this.options.verifier.verify(refreshToken, 'refresh');
    const { sub, jti, loginId, username } = claims;
    if (loginId === null || username === null) throw reject('invalid_claims', 'missing_claim');
    const nextJti = randomId();
    const nowMs = Math.floor(this.options.now());
    const pair = this.mint({ id: sub, username }, loginId, nextJti, nowMs);
    const outcome = await this.options.store.rotateRefresh(
      sub,
      loginId,
      jti,
      nextJti,
      pair.refreshUntilMs,
      this.loginMarkerUntil(nowMs),
    );
    if (outcome === 'reused') throw reject('revoked', 'refresh_reuse');
    if (outcome === 'unknown') throw reject('revoked', 'refresh_family_unknown');
    if (outcome === 'expired') throw reject('expired', 'expired', 'JWT_REFRESH_ABSOLUTE_TTL reached');
    return pair.body;
  }

  /** Logout: the login ends (refresh family; in denylist mode its access tokens too). */
  async revoke(principal: Principal): Promise<void> {
    const loginId = isJwtPrincipal(principal) ? principal.loginId : null;
    const nowMs = this.options.now();
    if (loginId !== null) {
      await this.options.store.endLogin(principal.userId, loginId, this.loginMarkerUntil(nowMs));
    } else if (this.options.revocation === 'denylist' && principal.expiresAt !== null) {
      // A token minted elsewhere belongs to no login: deny its jti until it expires.
      const untilMs = principal.expiresAt.getTime() + this.options.toleranceSeconds * 1000;
      await this.options.store.revokeAccessToken(principal.userId, principal.credentialId, untilMs);
    }
  }

  /**
   * Logout-all, password change and deletion: every login of the user ends; in denylist mode
   * every access token issued at or before now is refused (the cutoff is kept as long as an
   * accepted token can live).
   */
  async revokeAll(userId: string): Promise<void> {
    const nowMs = Math.floor(this.options.now());
    const cutoff =
      this.options.revocation === 'denylist'
        ? {
            atMs: nowMs,
            untilMs:
              nowMs + (this.options.maxAccessLifetimeSeconds + this.options.toleranceSeconds + 1) * 1000,
          }
        : null;
    await this.options.store.endUser(userId, cutoff, this.loginMarkerUntil(nowMs));
  }

  /** How long an ended login's access tokens stay denied: as long as one can still be valid. */
  private loginMarkerUntil(nowMs: number): number | null {
    if (this.options.revocation !== 'denylist') return null;
    return nowMs + (this.options.accessTtlSeconds + this.options.toleranceSeconds + 1) * 1000;
  }

  private async usernameOf(userId: string): Promise<string> {
    if (this.options.users === null) throw reject('invalid_claims', 'missing_claim', CLAIM.username);
    const user = await this.options.users.findById(userId);
    if (user === null) throw reject('unknown_user', 'unknown_user');
    return user.username;
  }

  private mint(
    user: UserView,
    loginId: string,
    refreshJti: string,
    nowMs: number,
  ): { body: TokenPairBody; refreshUntilMs: number } {
    const { ring, issuer, audience, accessTtlSeconds, refreshTtlSeconds } = this.options;
    const iat = Math.floor(nowMs / 1000);
    const common = {
      sub: user.id,
      iat,
      iss: issuer,
      [CLAIM.loginId]: loginId,
      [CLAIM.username]: user.username,
      [CLAIM.issuedAtMs]: nowMs,
    };
    const token = signCompactJwt(ring, TOKEN_TYPE.access, {
      ...common,
      exp: iat + accessTtlSeconds,
      jti: randomId(),
      aud: audience,
    });
    const refreshExp = iat + refreshTtlSeconds;
    const refreshToken = signCompactJwt(ring, TOKEN_TYPE.refresh, {
      ...common,
      exp: refreshExp,
      jti: refreshJti,
      aud: refreshAudienceOf(audience),
    });
    return {
      body: { token, tokenType: 'Bearer', expiresIn: accessTtlSeconds, refreshToken },
      refreshUntilMs: refreshExp * 1000,
    };
  }
}
