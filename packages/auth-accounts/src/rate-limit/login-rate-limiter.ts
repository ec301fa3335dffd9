import { StoreUnavailableError, TooManyAttemptsError } from '@authbench/auth-core';
import type { RedisConnection } from '@authbench/auth-stores';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { TooManyRegistrationsError } from '../errors/limit-errors.js';
import { RefusedAddresses } from './refused-addresses.js';

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

/** `points` per `seconds`, as rate-limiter-flexible counts them. */
export interface Budget {
  readonly points: number;
  readonly seconds: number;
}

/** Every bound a login or a registration passes before a password is hashed. */
export interface LoginLimits {
  /** Failed logins per (username, address): `LOGIN_RATE_LIMIT` itself. */
  readonly pair: Budget;
  /** Failed logins per address, whatever the usernames (password spraying). */
  readonly addressFailures: Budget;
  /** Login attempts per address, successful ones included: hash work one address may buy. */
  readonly addressAttempts: Budget;
  /** Failed logins per account from addresses that never logged in to it (guesses spread over addresses). */
  readonly account: Budget;
  /** How long an address that logged in to an account stays exempt from `account`. */
  readonly knownClientSeconds: number;
  /** Registrations per address (each costs one hash). */
  readonly registrations: Budget;
}

/**
 * Longest window kept: the in-process store expires keys with setTimeout, which fires at once
 * beyond 2^31 ms (24.8 days).
 */
const MAX_WINDOW_SECONDS = 14 * 24 * 3600;

/**
 * The defaults, derived from `LOGIN_RATE_LIMIT` = N/W (10/60 unless configured):
 * N failures per (username, address) per W; 5N failures per address per W across usernames;
 * 30N attempts per address per W, successes included; 10N failures per account per 60W from
 * addresses that have not logged in to it within 14 days; 20 registrations per address per 10 min.
 */
export function defaultLoginLimits(limit: LoginRateLimit): LoginLimits {
  const n = limit.attempts;
  const w = limit.windowSeconds;
  const budget = (points: number, seconds: number): Budget => ({
    points,
    seconds: Math.min(seconds, MAX_WINDOW_SECONDS),
  });
  return {
    pair: budget(n, w),
    addressFailures: budget(5 * n, w),
    addressAttempts: budget(30 * n, w),
    account: budget(10 * n, 60 * w),
    knownClientSeconds: MAX_WINDOW_SECONDS,
    registrations: budget(20, 600),
  };
}

/** What a login does with the points it took, once the password was checked (or not). */
export interface LoginAdmission {
  /** Right password: the pair starts afresh, refundable points return, the address becomes known. */
  succeeded(): Promise<void>;
  /** No password was checked after all (no hash slot, a store failed): the pair and account points return. */
  abandoned(): Promise<void>;
}

type Limiter = RateLimiterMemory | RateLimiterRedis;

/**
 * Refused addresses remembered per kind: ~10 000 short records (~1 MB at most) cover any flood
 * that one process can answer within a window; a forgotten one is refused by the store again.
 */
const MAX_REFUSED_ADDRESSES = 10_000;

interface Spent {
  readonly limiter: Limiter;
  readonly key: string;
}

/**
 * Login and registration limits, in process or in Redis (shared by every API process, so they
 * hold across API_WORKERS). Every limit takes its point atomically BEFORE the password is
 * hashed (rate-limiter-flexible's consume: one INCR script in Redis, synchronous in memory), so
 * a burst of parallel guesses gets no more password checks than the limit; a success gives the
 * refundable points back. Refused requests get 429 + Retry-After without any hash.
 *
 * Per-account limit and lock-out: the account ceiling counts only attempts from addresses that
 * have not logged in to that account successfully within `knownClientSeconds`; an address that
 * has is never held by it. A stranger spraying one account from many addresses can exhaust the
 * ceiling for other new addresses, but not for the owner's known ones.
 */
export class LoginRateLimiter {
  readonly limits: LoginLimits;
  private readonly pair: Limiter;
  private readonly addressFailures: Limiter;
  private readonly addressAttempts: Limiter;
  private readonly account: Limiter;
  private readonly knownClients: Limiter;
  private readonly registrations: Limiter;
  /** Addresses the per-address login limits refused, until their windows end. */
  private readonly refusedLogins = new RefusedAddresses(MAX_REFUSED_ADDRESSES);
  /** Addresses the registration limit refused, until its window ends. */
  private readonly refusedRegistrations = new RefusedAddresses(MAX_REFUSED_ADDRESSES);

  constructor(
    limit: LoginRateLimit,
    private readonly redis: RedisConnection | null,
    limits: Partial<LoginLimits> = {},
  ) {
    this.limits = { ...defaultLoginLimits(limit), ...limits };
    const make = (name: string, budget: Budget): Limiter => {
      const options = { points: budget.points, duration: budget.seconds, keyPrefix: `authbench:${name}` };
      // No insuranceLimiter: a Redis that is down must refuse (503), not fall back to per-process
      // counts that API_WORKERS processes would each grant again.
      return redis === null
        ? new RateLimiterMemory(options)
        : new RateLimiterRedis({
            ...options,
            storeClient: redis.client,
            useRedisPackage: true,
            rejectIfRedisNotReady: true,
          });
    };
    // The pair keeps its historical key prefix, so counts survive a rolling deploy.
    this.pair = make('login-fail', this.limits.pair);
    this.addressFailures = make('login-fail-address', this.limits.addressFailures);
    this.addressAttempts = make('login-address', this.limits.addressAttempts);
    this.account = make('login-fail-account', this.limits.account);
    this.knownClients = make('login-known', { points: 1, seconds: this.limits.knownClientSeconds });
    this.registrations = make('register-address', this.limits.registrations);
  }

  /**
   * Takes one point of every login limit for this attempt, or throws 429 (`TooManyAttemptsError`)
   * with nothing hashed. A wrong password needs no call afterwards: its points stay spent.
   */
  async admitLogin(usernameKey: string, clientAddress: string): Promise<LoginAdmission> {
    const pairKey = `${usernameKey}|${clientAddress}`;
    const known = (await this.call(() => this.knownClients.get(pairKey))) !== null;
    const spent: Spent[] = [];
    // Address limits first, the account last: attempts an address or pair limit refuses never
    // count against the account, so they cannot help lock its owner out.
    await this.take(this.addressAttempts, clientAddress, spent);
    await this.take(this.addressFailures, clientAddress, spent);
    await this.take(this.pair, pairKey, spent);
    if (!known) await this.take(this.account, usernameKey, spent);
    return {
      succeeded: async () => {
        await this.call(() => this.pair.delete(pairKey));
        for (const { limiter, key } of spent) {
          if (limiter === this.addressFailures || limiter === this.account) {
            await this.call(() => limiter.reward(key, 1));
          }
        }
        if (!known) {
          await this.call(() => this.knownClients.set(pairKey, 1, this.limits.knownClientSeconds));
        }
      },
      abandoned: async () => {
        // The pair and the account get their point back, so a busy server locks no one out; the
        // address keeps its cost, so a flood retrying into 503s still runs into its 429.
        for (const { limiter, key } of spent) {
          if (limiter === this.pair || limiter === this.account)
            await this.call(() => limiter.reward(key, 1));
        }
      },
    };
  }

  /**
   * Takes one registration point for this address, or throws 429 before anything is hashed. The
   * point stays spent even when no hash slot was free: retrying into 503s costs the address.
   */
  async admitRegistration(clientAddress: string): Promise<() => Promise<void>> {
    try {
      await this.call(() => this.registrations.consume(clientAddress));
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        this.refusedRegistrations.remember(clientAddress, error.msBeforeNext);
        throw new TooManyRegistrationsError(error.msBeforeNext / 1000);
      }
      throw error;
    }
    // The refund, for a caller whose registration hashed nothing and should not count.
    return () => this.call(() => this.registrations.reward(clientAddress, 1)).then(() => undefined);
  }

  /**
   * Milliseconds until this address may try a login again, when a per-address login limit has
   * already refused it in this window: every attempt from it would be refused whatever the
   * username, so the caller can refuse before reading the request's body. `undefined` otherwise
   * (the attempt then goes through `admitLogin`, which decides). Takes no point.
   */
  loginRefusalMs(clientAddress: string): number | undefined {
    return this.refusedLogins.msLeft(clientAddress);
  }

  /** The same for registrations: the address's registration limit refused it in this window. */
  registrationRefusalMs(clientAddress: string): number | undefined {
    return this.refusedRegistrations.msLeft(clientAddress);
  }

  /**
   * Takes the per-address login points of an attempt refused before its body was read (no hash
   * slot): what `admitLogin` followed by `abandoned()` leaves spent, so that a flood retrying into
   * 503s still runs into its 429. Throws 429 when the address's budget is spent.
   */
  async chargeLoginAddress(clientAddress: string): Promise<void> {
    const spent: Spent[] = [];
    await this.take(this.addressAttempts, clientAddress, spent);
    await this.take(this.addressFailures, clientAddress, spent);
  }

  private async take(limiter: Limiter, key: string, spent: Spent[]): Promise<void> {
    try {
      await this.call(() => limiter.consume(key));
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        if (limiter === this.addressAttempts || limiter === this.addressFailures) {
          this.refusedLogins.remember(key, error.msBeforeNext);
        }
        throw new TooManyAttemptsError(error.msBeforeNext / 1000);
      }
      throw error;
    }
    spent.push({ limiter, key });
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
