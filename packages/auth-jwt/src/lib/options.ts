import type { UserLookup } from '@authbench/auth-accounts';
import type { RedisConnection } from '@authbench/auth-stores';
import type { JwtStateStore } from '../stores/jwt-state-store.js';
import { isJwtAlgorithm, type JwtAlgorithm } from './algorithms.js';

export type JwtRevocationMode = 'denylist' | 'none';

/** How the app configures the strategy (CONTRACT §1); validated once by `createJwtStrategy`. */
export interface JwtStrategyOptions {
  /** `JWT_ALG`: the one algorithm accepted. */
  readonly algorithm: JwtAlgorithm;
  /** `JWT_SECRET`, oldest → newest (HS*): the newest signs, all verify. `[]` for asymmetric. */
  readonly secrets: readonly string[];
  /** `JWT_PRIVATE_KEY` (asymmetric). */
  readonly privateKeyPem?: string | undefined;
  /** `JWT_PUBLIC_KEY`: one or more PEM public keys; extra ones verify (rotation) and are published. */
  readonly publicKeyPem?: string | undefined;
  /** `JWT_ISSUER`, `JWT_AUDIENCE`. */
  readonly issuer: string;
  readonly audience: string;
  /** `JWT_TTL`, `JWT_REFRESH_TTL`, seconds. */
  readonly accessTtlSeconds: number;
  readonly refreshTtlSeconds: number;
  /**
   * `JWT_REFRESH_ABSOLUTE_TTL`, seconds (default 2 592 000, 30 days): how long a refresh family
   * may live at all, however often it is refreshed; then the user logs in again.
   */
  readonly refreshAbsoluteTtlSeconds?: number | undefined;
  /** `JWT_REVOCATION`. */
  readonly revocation: JwtRevocationMode;
  /** Shared state in Redis; null keeps it in this process. */
  readonly redis: RedisConnection | null;
  /** Epoch milliseconds; defaults to `Date.now`. */
  readonly now?: (() => number) | undefined;
  /**
   * Resolves the username of a token that carries none (a contract-minimal token minted by a
   * client such as PyJWT; this package's tokens carry `preferred_username`). Without it such
   * tokens are refused. The look-up also refuses them once their user is deleted.
   */
  readonly users?: UserLookup | null | undefined;
  /** Clock skew forgiven on `exp`, `iat`, `nbf`, in seconds (0–300, default 0). */
  readonly clockToleranceSeconds?: number | undefined;
  /** Redis key prefix (default `authbench:jwt:`). */
  readonly redisKeyPrefix?: string | undefined;
  /** Replaces the state store chosen from `redis` (tests, benchmarks). */
  readonly store?: JwtStateStore | undefined;
}

/** The options after validation, with defaults filled in. */
export interface ResolvedJwtOptions {
  readonly algorithm: JwtAlgorithm;
  readonly issuer: string;
  readonly audience: string;
  readonly accessTtlSeconds: number;
  readonly refreshTtlSeconds: number;
  readonly refreshAbsoluteTtlSeconds: number;
  readonly revocation: JwtRevocationMode;
  readonly toleranceSeconds: number;
  /**
   * Longest `exp - iat` of an accepted access token: the larger of the two TTLs, so tokens
   * minted elsewhere with a longer life than ours still verify, while every accepted token's
   * life stays bounded (a logout-all cutoff is kept this long).
   */
  readonly maxAccessLifetimeSeconds: number;
  readonly now: () => number;
  readonly users: UserLookup | null;
}

const MAX_TOLERANCE_SECONDS = 300;
/** CONTRACT §1 `JWT_REFRESH_ABSOLUTE_TTL` default: 30 days. */
export const DEFAULT_REFRESH_ABSOLUTE_TTL_SECONDS = 2_592_000;

function positiveSeconds(value: unknown, variable: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${variable}: expected a positive whole number of seconds, got ${String(value)}`);
  }
  return value;
}

function nonEmpty(value: unknown, variable: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`${variable}: must not be empty`);
  return value;
}

/** Programmer and operator mistakes stop start-up (TypeError/RangeError), naming the variable. */
export function resolveJwtOptions(options: JwtStrategyOptions): ResolvedJwtOptions {
  if (!isJwtAlgorithm(options.algorithm)) {
    throw new TypeError(
      `JWT_ALG: expected one of HS256 HS384 HS512 RS256 PS256 ES256, got ${String(options.algorithm)}`,
    );
  }
  if (options.revocation !== 'denylist' && options.revocation !== 'none') {
    throw new TypeError(`JWT_REVOCATION: expected denylist or none, got ${String(options.revocation)}`);
  }
  const accessTtlSeconds = positiveSeconds(options.accessTtlSeconds, 'JWT_TTL');
  const refreshTtlSeconds = positiveSeconds(options.refreshTtlSeconds, 'JWT_REFRESH_TTL');
  const refreshAbsoluteTtlSeconds = positiveSeconds(
    options.refreshAbsoluteTtlSeconds ?? DEFAULT_REFRESH_ABSOLUTE_TTL_SECONDS,
    'JWT_REFRESH_ABSOLUTE_TTL',
  );
  const toleranceSeconds = options.clockToleranceSeconds ?? 0;
  if (
    !Number.isSafeInteger(toleranceSeconds) ||
    toleranceSeconds < 0 ||
    toleranceSeconds > MAX_TOLERANCE_SECONDS
  ) {
    throw new RangeError(
      `clockToleranceSeconds: expected 0–${MAX_TOLERANCE_SECONDS}, got ${toleranceSeconds}`,
    );
  }
  return {
    algorithm: options.algorithm,
    issuer: nonEmpty(options.issuer, 'JWT_ISSUER'),
    audience: nonEmpty(options.audience, 'JWT_AUDIENCE'),
    accessTtlSeconds,
    refreshTtlSeconds,
    refreshAbsoluteTtlSeconds,
    revocation: options.revocation,
    toleranceSeconds,
    maxAccessLifetimeSeconds: Math.max(accessTtlSeconds, refreshTtlSeconds),
    now: options.now ?? Date.now,
    users: options.users ?? null,
  };
}
