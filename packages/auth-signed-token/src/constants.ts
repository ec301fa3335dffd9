/** The strategy's name: its routes live under `/token` and principals carry it. */
export const SIGNED_TOKEN_STRATEGY_NAME = 'token';

/** CONTRACT §1 `TOKEN_SALT` default. */
export const DEFAULT_TOKEN_SALT = 'authbench.token';

/** Key prefix the app gives a `RedisRevocationList` for this strategy's denylist. */
export const TOKEN_REVOCATION_PREFIX = 'authbench:token:revoked:';

/**
 * Longest token accepted, in characters (= bytes: the alphabet is ASCII). Checked before any
 * decoding, so an oversized header costs one length comparison. A real token is ~110 chars.
 */
export const MAX_TOKEN_LENGTH = 8 * 1024;

/** Largest decompressed payload: inflating stops as soon as it passes this (CONTRACT §3). */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

/** Shortest secret accepted (CONTRACT §1: each secret at least 32 bytes). */
export const MIN_SECRET_BYTES = 32;

/** Upper bound of the opt-in user cache, so the documented cross-process bound stays short. */
export const MAX_USER_CACHE_TTL_MS = 5_000;
