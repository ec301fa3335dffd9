import type { RedisConnection } from '@authbench/auth-stores';

/** What the app configures (CONTRACT §1 plus the absolute cap); validated once, at construction. */
export interface SessionStrategyOptions {
  /** `SESSION_SECRET`, OLDEST → NEWEST: the newest signs, every one verifies. At least 32 bytes each. */
  readonly secrets: readonly string[];
  /** `SESSION_TTL`: the rolling idle timeout, in seconds. */
  readonly idleTtlSeconds: number;
  /** `SESSION_ABSOLUTE_TTL`: the lifetime cap from login, in seconds, however active the session is. */
  readonly absoluteTtlSeconds: number;
  /** `COOKIE_SECURE`: when true the cookie is `Secure` and named `__Host-sid`, else `sid`. */
  readonly cookieSecure: boolean;
  /** The shared Redis connection, or `null` for the bounded in-process store. */
  readonly redis: RedisConnection | null;
  /** Epoch milliseconds; tests freeze time through it. */
  readonly now?: () => number;
  /** In-process store bound (default 100 000); the least recently active session is evicted beyond it. */
  readonly maxSessions?: number;
  /**
   * How long after the last recorded activity a request refreshes the idle window (one extra
   * store write). Default: a tenth of the idle timeout. Smaller is more precise, larger is cheaper.
   */
  readonly touchAfterSeconds?: number;
  /** Redis key prefix (default `authbench:session:`); session keys are `<prefix>sess:<id>`. */
  readonly keyPrefix?: string;
  /** Other origins (`https://app.example`) allowed to make cookie-authenticated state changes. */
  readonly allowedOrigins?: readonly string[];
  /**
   * express-session's `proxy` option: whether `X-Forwarded-Proto` decides that a request is
   * HTTPS (needed for `Secure` cookies behind a TLS-terminating proxy). Default: follow
   * express's `trust proxy` setting.
   */
  readonly trustProxy?: boolean;
  /** Reports store failures that happen after a response was sent (a missed idle refresh). */
  readonly onError?: (error: Error) => void;
}

export interface ResolvedSessionOptions {
  /** express-session's order: the signing secret first (the reverse of `SESSION_SECRET`). */
  readonly secretsNewestFirst: readonly string[];
  readonly idleMs: number;
  readonly absoluteMs: number;
  readonly touchAfterMs: number;
  readonly cookieSecure: boolean;
  readonly redis: RedisConnection | null;
  readonly now: () => number;
  readonly maxSessions: number;
  readonly keyPrefix: string;
  readonly allowedOrigins: ReadonlySet<string>;
  readonly trustProxy: boolean | undefined;
  readonly onError: (error: Error) => void;
}

export const DEFAULT_ABSOLUTE_TTL_SECONDS = 43_200;
export const DEFAULT_MAX_SESSIONS = 100_000;
export const DEFAULT_KEY_PREFIX = 'authbench:session:';
const MIN_SECRET_BYTES = 32;

function positiveSeconds(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive number of seconds, got ${value}`);
  }
  return value * 1000;
}

function originOf(value: string): string {
  let origin: string;
  try {
    origin = new URL(value).origin;
  } catch {
    throw new TypeError(`allowedOrigins: "${value}" is not an origin`);
  }
  if (origin === 'null') throw new TypeError(`allowedOrigins: "${value}" has an opaque origin`);
  return origin;
}

/** Programmer errors (empty key list, short secret, bad number) throw here, at start-up. */
export function resolveOptions(options: SessionStrategyOptions): ResolvedSessionOptions {
  if (options.secrets.length === 0) throw new TypeError('secrets: at least one session secret is required');
  for (const [index, secret] of options.secrets.entries()) {
    if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) {
      throw new RangeError(`secrets[${index}] is shorter than ${MIN_SECRET_BYTES} bytes`);
    }
  }
  const idleMs = positiveSeconds('idleTtlSeconds', options.idleTtlSeconds);
  const absoluteMs = positiveSeconds('absoluteTtlSeconds', options.absoluteTtlSeconds);
  const touchAfterMs =
    options.touchAfterSeconds === undefined
      ? idleMs / 10
      : positiveSeconds('touchAfterSeconds', options.touchAfterSeconds);
  if (touchAfterMs >= idleMs) {
    throw new RangeError(
      'touchAfterSeconds must be shorter than idleTtlSeconds, or sessions expire while used',
    );
  }
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
  if (!Number.isSafeInteger(maxSessions) || maxSessions < 1) {
    throw new RangeError(`maxSessions must be a positive integer, got ${maxSessions}`);
  }
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  if (keyPrefix.includes('{') || keyPrefix.includes('}')) {
    // A brace in the prefix would become the Redis Cluster hash tag of every key.
    throw new TypeError('keyPrefix must not contain "{" or "}"');
  }
  return {
    secretsNewestFirst: [...options.secrets].reverse(),
    idleMs,
    absoluteMs,
    touchAfterMs,
    cookieSecure: options.cookieSecure,
    redis: options.redis,
    now: options.now ?? Date.now,
    maxSessions,
    keyPrefix,
    allowedOrigins: new Set((options.allowedOrigins ?? []).map(originOf)),
    trustProxy: options.trustProxy,
    onError: options.onError ?? (() => undefined),
  };
}
