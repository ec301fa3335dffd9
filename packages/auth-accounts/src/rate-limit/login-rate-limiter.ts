import { StoreUnavailableError, TooManyAttemptsError } from '@authbench/auth-core';
import type { RedisConnection } from '@authbench/auth-stores';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface LoginRateLimit {
  /** Failed logins allowed per (username, client address) per window. */
  readonly attempts: number;
  readonly windowSeconds: number;
}

/** CONTRACT §1 `LOGIN_RATE_LIMIT`, `<attempts>/<seconds>`. */
export function parseLoginRateLimit(value: string): LoginRateLimit {
  const match = /^(\d{1,6})\/(\d{1,7})$/.exec(value);
  const attempts = Number(match?.[1]);
  const windowSeconds = Number(match?.[2]);
  if (match === null || attempts < 1 || windowSeconds < 1) {
    throw new TypeError('LOGIN_RATE_LIMIT: expected <attempts>/<seconds>, e.g. 10/60');
  }
  return { attempts, windowSeconds };
}

/**
 * Counts failed logins per (username, client address), in process or in Redis (shared by
 * every API process). A blocked pair gets 429 + Retry-After before any password is hashed.
 */
export class LoginRateLimiter {
  private readonly limiter: RateLimiterMemory | RateLimiterRedis;

  constructor(
    private readonly limit: LoginRateLimit,
    private readonly redis: RedisConnection | null,
  ) {
    const options = {
      points: limit.attempts,
      duration: limit.windowSeconds,
      keyPrefix: 'authbench:login-fail',
    };
    this.limiter =
      redis === null
        ? new RateLimiterMemory(options)
        : new RateLimiterRedis({
            ...options,
            storeClient: redis.client,
            useRedisPackage: true,
            rejectIfRedisNotReady: true,
          });
  }

  /** Throws 429 when the pair has used up its failures for this window. */
  async assertAllowed(usernameKey: string, clientAddress: string): Promise<void> {
    const state = await this.call(() => this.limiter.get(this.keyOf(usernameKey, clientAddress)));
    if (state !== null && state.consumedPoints >= this.limit.attempts) {
      throw new TooManyAttemptsError(state.msBeforeNext / 1000);
    }
  }

  async recordFailure(usernameKey: string, clientAddress: string): Promise<void> {
    try {
      await this.call(() => this.limiter.consume(this.keyOf(usernameKey, clientAddress)));
    } catch (error) {
      // Using up the last attempt is not itself refused: this failure is still a 401.
      if (!(error instanceof RateLimiterRes)) throw error;
    }
  }

  async recordSuccess(usernameKey: string, clientAddress: string): Promise<void> {
    await this.call(() => this.limiter.delete(this.keyOf(usernameKey, clientAddress)));
  }

  private keyOf(usernameKey: string, clientAddress: string): string {
    return `${usernameKey}|${clientAddress}`;
  }

  private async call<T>(operation: () => Promise<T>): Promise<T> {
    try {
      // The limiter talks to the raw client, so the connection's timeout is applied here.
      return this.redis === null ? await operation() : await this.redis.withTimeout(operation());
    } catch (error) {
      if (error instanceof RateLimiterRes) throw error;
      throw new StoreUnavailableError('redis', error);
    }
  }
}
