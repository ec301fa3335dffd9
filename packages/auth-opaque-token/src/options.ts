import type { RedisConnection } from '@authbench/auth-stores';
import { DEFAULT_MAX_RECORDS, DEFAULT_MAX_RECORDS_PER_USER, OPAQUE_REDIS_PREFIX } from './constants.js';

export interface OpaqueTokenStrategyOptions {
  /** `OPAQUE_TTL`, seconds. */
  readonly ttlSeconds: number;
  /** Records in Redis when given (keys expire after `ttlSeconds`); in process when `null`/absent. */
  readonly redis?: RedisConnection | null;
  /** Redis key prefix (default `authbench:opaque:`). */
  readonly redisPrefix?: string;
  /** In-process cap on records in all (default 100 000); the oldest is dropped first. */
  readonly maxRecords?: number;
  /** Cap on one user's live tokens, both stores (default 100); that user's oldest is dropped first. */
  readonly maxRecordsPerUser?: number;
  /** Clock, epoch milliseconds; default `Date.now`. */
  readonly now?: () => number;
}

export interface ResolvedOpaqueTokenOptions {
  readonly ttlSeconds: number;
  readonly redis: RedisConnection | null;
  readonly redisPrefix: string;
  readonly maxRecords: number;
  readonly maxRecordsPerUser: number;
  readonly now: () => number;
}

function positiveWhole(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name}: expected a positive whole number`);
  }
  return value;
}

/** Checks the options once, at construction: misuse is a TypeError/RangeError at start-up. */
export function resolveOptions(options: OpaqueTokenStrategyOptions): ResolvedOpaqueTokenOptions {
  if (!Number.isSafeInteger(options.ttlSeconds) || options.ttlSeconds < 1) {
    throw new RangeError('OPAQUE_TTL: expected a positive whole number of seconds');
  }
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new TypeError('now: must be a function returning epoch ms');
  const redisPrefix = options.redisPrefix ?? OPAQUE_REDIS_PREFIX;
  if (typeof redisPrefix !== 'string') throw new TypeError('redisPrefix: must be a string');
  return {
    ttlSeconds: options.ttlSeconds,
    redis: options.redis ?? null,
    redisPrefix,
    maxRecords: positiveWhole('maxRecords', options.maxRecords ?? DEFAULT_MAX_RECORDS),
    maxRecordsPerUser: positiveWhole(
      'maxRecordsPerUser',
      options.maxRecordsPerUser ?? DEFAULT_MAX_RECORDS_PER_USER,
    ),
    now,
  };
}
