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
  type StrategyTraits,
} from '@authbench/auth-core';
import { OPAQUE_STRATEGY_NAME } from './constants.js';
import { MemoryOpaqueTokenStore } from './memory-store.js';
import {
  type OpaqueTokenStrategyOptions,
  type ResolvedOpaqueTokenOptions,
  resolveOptions,
} from './options.js';
import { RedisOpaqueTokenStore } from './redis-store.js';
import { mintToken, parseToken, secretMatches } from './token.js';
import type { OpaqueTokenStore } from './token-store.js';

/** The login response body (CONTRACT §2); a type alias so it fits `LoginResponseBody`. */
export type OpaqueTokenLoginBody = {
  readonly token: string;
  readonly tokenType: 'Bearer';
  readonly expiresIn: number;
};

/**
 * The opaque-token strategy: a random `<id>.<secret>` bearer token that means nothing by
 * itself. Every request is one store read by `id` and a constant-time compare of the
 * secret's SHA-256; logout deletes the record, logout-all every record of the user.
 */
export class OpaqueTokenStrategy implements AuthStrategy {
  readonly name = OPAQUE_STRATEGY_NAME;
  readonly transport = 'bearer' as const;
  /** Internal: tests inspect what is stored. */
  readonly store: OpaqueTokenStore;
  private readonly options: ResolvedOpaqueTokenOptions;

  constructor(options: OpaqueTokenStrategyOptions) {
    this.options = resolveOptions(options);
    const { redis, redisPrefix, maxRecords, maxRecordsPerUser, now } = this.options;
    this.store =
      redis === null
        ? new MemoryOpaqueTokenStore({ maxRecords, maxRecordsPerUser, now })
        : new RedisOpaqueTokenStore(redis, redisPrefix, maxRecordsPerUser);
  }

  traits(): StrategyTraits {
    return {
      stateless: false,
      revocation: 'immediate',
      serverStatePerLogin: 'token record (SHA-256 of the secret)',
      lookupsPerRequest: 1,
    };
  }

  credentialOf(request: CredentialRequest): string | undefined {
    return bearerCredentialOf(request);
  }

  /**
   * Checks, in order: the form (no store read when malformed), the record (one read; none →
   * `revoked`: logged out, evicted or expired in Redis), the secret (`invalid_signature`),
   * the lifetime (`expired`). A store outage is `StoreUnavailableError` (503), never a 401.
   */
  async verify(credential: string): Promise<Principal> {
    const { id, secret } = parseToken(credential);
    const record = await this.store.find(id);
    if (record === null) throw new AuthError('revoked');
    if (!secretMatches(secret, record.secretHash)) throw new AuthError('invalid_signature');
    const now = this.options.now();
    if (now >= record.expiresAt) {
      await this.store.delete(record.id, record.userId);
      throw new AuthError('expired');
    }
    await this.store.touch(record, now);
    return {
      userId: record.userId,
      username: record.username,
      strategy: this.name,
      credentialId: record.id,
      issuedAt: new Date(record.issuedAt),
      expiresAt: new Date(record.expiresAt),
    };
  }

  /** Mints and stores a token; for callers without an HTTP exchange (tests, benchmarks). */
  async mint(user: LoginUser): Promise<string> {
    const { id, token, secretHash } = mintToken();
    const issuedAt = this.options.now();
    const ttlMs = this.options.ttlSeconds * 1000;
    await this.store.save(
      {
        id,
        userId: user.id,
        username: user.username,
        secretHash,
        issuedAt,
        expiresAt: issuedAt + ttlMs,
        lastUsedAt: issuedAt,
      },
      ttlMs,
    );
    return token;
  }

  async issue(user: LoginUser, exchange: AuthExchange): Promise<OpaqueTokenLoginBody> {
    const token = await this.mint(user);
    // RFC 6749 §5.1: a response carrying a credential must not be cached.
    exchange.response.setHeader('Cache-Control', 'no-store');
    exchange.response.setHeader('Pragma', 'no-cache');
    return { token, tokenType: 'Bearer', expiresIn: this.options.ttlSeconds };
  }

  /** Logout: deletes this token's record. */
  async revoke(principal: Principal, _exchange?: AuthExchange): Promise<void> {
    if (principal.strategy !== this.name) {
      throw new TypeError(`revoke: the principal was not authenticated by the ${this.name} strategy`);
    }
    await this.store.delete(principal.credentialId, principal.userId);
  }

  /** Logout-all, password change, deletion: deletes every record of the user. */
  async revokeAll(userId: string): Promise<void> {
    await this.store.deleteAllOf(userId);
  }

  async storeHealth(): Promise<Readonly<Record<string, StoreStatus>>> {
    return { 'opaque-tokens': await this.store.health() };
  }

  /** Records held in process; `null` for Redis (counting would be a scan). */
  async serverState(): Promise<ServerStateSize | null> {
    const records = await this.store.count();
    return records === null ? null : { records, unit: 'token record' };
  }
}

export function createOpaqueTokenStrategy(options: OpaqueTokenStrategyOptions): OpaqueTokenStrategy {
  return new OpaqueTokenStrategy(options);
}
