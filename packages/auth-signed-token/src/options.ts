import type { UserRepository } from '@authbench/auth-accounts';
import type { RevocationList } from '@authbench/auth-stores';
import { MAX_USER_CACHE_TTL_MS, MIN_SECRET_BYTES } from './constants.js';

export type TokenDigest = 'sha1' | 'sha256' | 'sha512';

const DIGESTS: ReadonlySet<string> = new Set<TokenDigest>(['sha1', 'sha256', 'sha512']);

/** The user-store operations the strategy needs: the read on every request, the bump on logout-all. */
export type SignedTokenUsers = Pick<UserRepository, 'findById' | 'revokeAllCredentials'>;

export interface SignedTokenStrategyOptions {
  /** `TOKEN_SECRET`, oldest → newest: the newest signs, every one verifies. Each ≥ 32 bytes. */
  readonly secrets: readonly string[];
  /** `TOKEN_SALT` (default `authbench.token`, see `DEFAULT_TOKEN_SALT`). */
  readonly salt: string;
  /** `TOKEN_DIGEST`. */
  readonly digest: TokenDigest;
  /** `TOKEN_TTL`, seconds. */
  readonly ttlSeconds: number;
  readonly users: SignedTokenUsers;
  /** The `jti` denylist (memory, or Redis with prefix `TOKEN_REVOCATION_PREFIX`). */
  readonly revocations: RevocationList;
  /** Clock, epoch milliseconds; default `Date.now`. */
  readonly now?: () => number;
  /**
   * In-process cache of `(id, username, tokenVersion)` per user, in ms (0–5000). Default `0`:
   * no cache, every request reads the user, so logout-all, password changes and deletions take
   * effect at once in every process. With a TTL, this process still sees its own bumps at once;
   * other processes see them after at most this long (README "User cache").
   */
  readonly userCacheTtlMs?: number;
  /** Entries the user cache may hold (default 10 000); the oldest is dropped first. */
  readonly userCacheMaxEntries?: number;
}

/** The options after validation, with defaults filled in. */
export interface ResolvedSignedTokenOptions {
  readonly secrets: readonly string[];
  readonly salt: string;
  readonly digest: TokenDigest;
  readonly ttlSeconds: number;
  readonly users: SignedTokenUsers;
  readonly revocations: RevocationList;
  readonly now: () => number;
  readonly userCacheTtlMs: number;
  readonly userCacheMaxEntries: number;
}

const encoder = new TextEncoder();

/**
 * Checks the options once, at construction (STYLE #4: misuse is a TypeError/RangeError at
 * start-up, never a 401 later).
 */
export function resolveOptions(options: SignedTokenStrategyOptions): ResolvedSignedTokenOptions {
  const { secrets, salt, digest, ttlSeconds, users, revocations } = options;
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw new RangeError('TOKEN_SECRET: at least one secret is needed');
  }
  for (const [index, secret] of secrets.entries()) {
    if (typeof secret !== 'string') throw new TypeError(`TOKEN_SECRET: secret #${index + 1} is not a string`);
    if (encoder.encode(secret).length < MIN_SECRET_BYTES) {
      throw new RangeError(`TOKEN_SECRET: secret #${index + 1} is shorter than ${MIN_SECRET_BYTES} bytes`);
    }
  }
  if (typeof salt !== 'string') throw new TypeError('TOKEN_SALT: must be a string');
  if (!DIGESTS.has(digest)) throw new TypeError('TOKEN_DIGEST: expected sha1, sha256 or sha512');
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new RangeError('TOKEN_TTL: expected a positive whole number of seconds');
  }
  if (typeof users?.findById !== 'function' || typeof users.revokeAllCredentials !== 'function') {
    throw new TypeError('users: needs findById and revokeAllCredentials');
  }
  if (typeof revocations?.revoke !== 'function' || typeof revocations.isRevoked !== 'function') {
    throw new TypeError('revocations: needs revoke and isRevoked');
  }
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new TypeError('now: must be a function returning epoch ms');
  const userCacheTtlMs = options.userCacheTtlMs ?? 0;
  if (!Number.isSafeInteger(userCacheTtlMs) || userCacheTtlMs < 0 || userCacheTtlMs > MAX_USER_CACHE_TTL_MS) {
    throw new RangeError(`userCacheTtlMs: expected a whole number of ms from 0 to ${MAX_USER_CACHE_TTL_MS}`);
  }
  const userCacheMaxEntries = options.userCacheMaxEntries ?? 10_000;
  if (!Number.isSafeInteger(userCacheMaxEntries) || userCacheMaxEntries < 1) {
    throw new RangeError('userCacheMaxEntries: expected a positive whole number');
  }
  return {
    secrets: [...secrets],
    salt,
    digest,
    ttlSeconds,
    users,
    revocations,
    now,
    userCacheTtlMs,
    userCacheMaxEntries,
  };
}
