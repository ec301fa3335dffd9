/** The strategy's name: its routes live under `/opaque` and principals carry it. */
export const OPAQUE_STRATEGY_NAME = 'opaque';

/** CONTRACT §3 `OPAQUE_TTL` default, seconds. */
export const DEFAULT_OPAQUE_TTL_SECONDS = 3600;

/** Key prefix of this strategy's Redis keys (`<prefix>tok:{<id>}`, `<prefix>user:{<userId>}`). */
export const OPAQUE_REDIS_PREFIX = 'authbench:opaque:';

/** Records the in-process store holds in all; past it the oldest record is dropped. */
export const DEFAULT_MAX_RECORDS = 100_000;

/** Live tokens one user may hold; past it that user's oldest token is dropped. */
export const DEFAULT_MAX_RECORDS_PER_USER = 100;

/**
 * How stale `lastUsedAt` may get in Redis: a successful request writes it only when the stored
 * value is older than this, so a busy token costs one write a minute, not one per request.
 */
export const LAST_USE_RESOLUTION_MS = 60_000;
