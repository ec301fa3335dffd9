import {
  AuthError,
  type AuthExchange,
  type AuthStrategy,
  bearerCredentialOf,
  type CredentialRequest,
  type LoginUser,
  type Principal,
  type ServerStateSize,
  type StoreStatus,
  StoreUnavailableError,
  type StrategyTraits,
} from '@authbench/auth-core';
import { MemoryRevocationList } from '@authbench/auth-stores';
import { newJti } from './claims.js';
import { SIGNED_TOKEN_STRATEGY_NAME } from './constants.js';
import {
  type ResolvedSignedTokenOptions,
  resolveOptions,
  type SignedTokenStrategyOptions,
} from './options.js';
import { SignedTokenCodec } from './token-codec.js';
import { UserLookupCache } from './user-cache.js';
import { SignedTokenVerifier } from './verifier.js';

/** The login response body (CONTRACT §2); a type alias so it fits `LoginResponseBody`. */
export type SignedTokenLoginBody = {
  readonly token: string;
  readonly tokenType: 'Bearer';
  readonly expiresIn: number;
};

/** A freshly minted token and what the server knows about it. */
export interface IssuedSignedToken {
  readonly token: string;
  readonly jti: string;
  readonly signedAt: Date;
  readonly expiresAt: Date;
}

/** A denylist key that cannot collide with a real `jti` (those never contain `:`). */
const HEALTH_PROBE_ID = 'health:probe';

/**
 * The signed-token strategy: itsdangerous bearer tokens, checked against the user's token
 * version and a `jti` denylist. Framework-free; the Nest module only provides it.
 */
export class SignedTokenStrategy implements AuthStrategy {
  readonly name = SIGNED_TOKEN_STRATEGY_NAME;
  readonly transport = 'bearer' as const;
  /** Token → principal without HTTP. */
  private readonly verifier: SignedTokenVerifier;
  readonly codec: SignedTokenCodec;
  private readonly options: ResolvedSignedTokenOptions;
  private readonly userCache: UserLookupCache;

  constructor(options: SignedTokenStrategyOptions) {
    this.options = resolveOptions(options);
    const { secrets, salt, digest, ttlSeconds, now, users, revocations } = this.options;
    this.codec = new SignedTokenCodec({ secrets, salt, digest, ttlSeconds, now });
    this.userCache = new UserLookupCache({
      users,
      ttlMs: this.options.userCacheTtlMs,
      maxEntries: this.options.userCacheMaxEntries,
      now,
    });
    this.verifier = new SignedTokenVerifier({ codec: this.codec, users: this.userCache, revocations });
  }

  traits(): StrategyTraits {
    return {
      // Signed, but every request reads the user and the denylist.
      stateless: false,
      revocation: 'immediate',
      serverStatePerLogin: 'none (a denylist entry per logout)',
      // jti, plus the user unless the in-process user cache is on (it then serves the user).
      lookupsPerRequest: this.options.userCacheTtlMs > 0 ? 1 : 2,
    };
  }

  /** Mints a token for a user as the login read them (their current token version). */
  mint(user: LoginUser): IssuedSignedToken {
    const jti = newJti();
    return { jti, ...this.codec.encode({ sub: user.id, ver: user.tokenVersion, jti }) };
  }

  /**
   * Mints a token for a user id, reading the user's current token version from the store (not
   * the cache: a stale version would mint a token that dies at the next read). For callers
   * without a login (tests, benchmarks); the login path calls `issue`.
   * @throws AuthError `unknown_user` if the user is gone; StoreUnavailableError (503).
   */
  async issueToken(userId: string): Promise<IssuedSignedToken> {
    const user = await this.options.users.findById(userId);
    if (user === null) throw new AuthError('unknown_user');
    return this.mint(user);
  }

  async issue(user: LoginUser, exchange: AuthExchange): Promise<SignedTokenLoginBody> {
    const { token } = this.mint(user);
    // RFC 6749 §5.1: a response carrying a credential must not be cached.
    exchange.response.setHeader('Cache-Control', 'no-store');
    exchange.response.setHeader('Pragma', 'no-cache');
    return { token, tokenType: 'Bearer', expiresIn: this.options.ttlSeconds };
  }

  credentialOf(request: CredentialRequest): string | undefined {
    return bearerCredentialOf(request);
  }

  verify(token: string): Promise<Principal> {
    return this.verifier.verify(token);
  }

  /** Logout: the `jti` is denied until the token would have expired by itself. */
  async revoke(principal: Principal, _exchange?: AuthExchange): Promise<void> {
    if (principal.strategy !== this.name || principal.expiresAt === null) {
      throw new TypeError(`revoke: the principal was not authenticated by the ${this.name} strategy`);
    }
    await this.options.revocations.revoke(principal.credentialId, principal.expiresAt);
  }

  /**
   * Logout-all, password change, deletion: bumps the user's token version, so every token
   * minted before fails the `ver` check. The cache entry is dropped before and after the write,
   * so no request of this process that starts after this returns sees the old version.
   */
  async revokeAll(userId: string): Promise<void> {
    this.userCache.invalidate(userId);
    try {
      await this.options.users.revokeAllCredentials(userId, new Date(this.options.now()));
    } finally {
      this.userCache.invalidate(userId);
    }
  }

  /** The denylist: `embedded` in process, otherwise probed with one read. */
  async storeHealth(): Promise<Readonly<Record<string, StoreStatus>>> {
    const { revocations } = this.options;
    if (revocations instanceof MemoryRevocationList) return { 'token-revocations': 'embedded' };
    try {
      await revocations.isRevoked(HEALTH_PROBE_ID);
      return { 'token-revocations': 'up' };
    } catch (error) {
      if (error instanceof StoreUnavailableError) return { 'token-revocations': 'down' };
      throw error;
    }
  }

  /** Nothing is kept per login; the denylist holds one entry per logout until that token's expiry. */
  serverState(): Promise<ServerStateSize | null> {
    return Promise.resolve(null);
  }
}

export function createSignedTokenStrategy(options: SignedTokenStrategyOptions): SignedTokenStrategy {
  return new SignedTokenStrategy(options);
}
