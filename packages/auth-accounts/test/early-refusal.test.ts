// Refusals decided from the client address alone, before a request's body is read: what they
// refuse, that they take the points the normal path would, and that they never ask the users or
// the hasher for work. No timing: the clock is injected or the hashes are gated.
import { TooManyAttemptsError } from '@authbench/auth-core';
import { describe, expect, it } from '@jest/globals';
import {
  BoundedPasswordHasher,
  earlyRefusalProblem,
  HashCapacityError,
  type LoginLimits,
  LoginRateLimiter,
  TooManyRegistrationsError,
  UserAccounts,
  type UserRepository,
} from '../src/index.js';
import { RefusedAddresses } from '../src/rate-limit/refused-addresses.js';
import { drain, GatedHasher, settle } from './support/gated-hasher.js';

const SMALL: Partial<LoginLimits> = {
  pair: { points: 100, seconds: 60 },
  addressFailures: { points: 3, seconds: 60 },
  addressAttempts: { points: 100, seconds: 60 },
  account: { points: 100, seconds: 600 },
  registrations: { points: 2, seconds: 600 },
};

/** A user store that fails the test if anything asks it for anything. */
const NO_USERS = new Proxy(
  {},
  {
    get(_target, property) {
      throw new Error(`the user store was asked for ${String(property)}`);
    },
  },
) as UserRepository;

function accountsWith(
  hasher: BoundedPasswordHasher,
  limiter = new LoginRateLimiter({ attempts: 10, windowSeconds: 60 }, null, SMALL),
) {
  return { accounts: new UserAccounts(NO_USERS, hasher, limiter), limiter };
}

/** Takes one login point for the address through the normal path; the error if refused. */
async function admit(limiter: LoginRateLimiter, address: string, username = 'someone'): Promise<unknown> {
  return limiter.admitLogin(username, address).then(
    () => 'admitted',
    (error: unknown) => error,
  );
}

describe('RefusedAddresses', () => {
  it('refuses an address until its window ends, then forgets it', () => {
    let now = 1_000;
    const refused = new RefusedAddresses(10, () => now);
    refused.remember('10.0.0.1', 5_000);
    expect(refused.msLeft('10.0.0.1')).toBe(5_000);
    expect(refused.msLeft('10.0.0.2')).toBeUndefined();
    now += 4_999;
    expect(refused.msLeft('10.0.0.1')).toBe(1);
    now += 1;
    expect(refused.msLeft('10.0.0.1')).toBeUndefined();
    expect(refused.size).toBe(0);
  });

  it('holds at most its bound, dropping the oldest refusal first', () => {
    const refused = new RefusedAddresses(2, () => 0);
    refused.remember('a', 1_000);
    refused.remember('b', 1_000);
    refused.remember('a', 2_000); // re-refused: now the newest
    refused.remember('c', 1_000);
    expect(refused.size).toBe(2);
    expect(refused.msLeft('b')).toBeUndefined();
    expect(refused.msLeft('a')).toBe(2_000);
    expect(refused.msLeft('c')).toBe(1_000);
    expect(() => new RefusedAddresses(0)).toThrow(RangeError);
  });
});

describe('UserAccounts.refuseLoginEarly', () => {
  it('lets a fresh address through without taking a point, and refuses one the address limit refused', async () => {
    const { accounts, limiter } = accountsWith(
      new BoundedPasswordHasher(new GatedHasher(), { inFlight: 1, waiting: 1 }),
    );
    expect(await accounts.refuseLoginEarly('10.0.1.1')).toBeUndefined();
    // Three failures per address: the early check took none of them.
    for (let i = 0; i < 3; i += 1) expect(await admit(limiter, '10.0.1.1', `u${i}`)).toBe('admitted');
    expect(await accounts.refuseLoginEarly('10.0.1.1')).toBeUndefined();
    expect(await admit(limiter, '10.0.1.1', 'u4')).toBeInstanceOf(TooManyAttemptsError);
    const refusal = await accounts.refuseLoginEarly('10.0.1.1');
    expect(refusal?.reason).toBe('too-many-attempts');
    expect(refusal?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refusal?.retryAfterSeconds).toBeLessThanOrEqual(60);
    // Only that address: another is not refused, and a registration from it is not either.
    expect(await accounts.refuseLoginEarly('10.0.1.2')).toBeUndefined();
    expect(await accounts.refuseRegistrationEarly('10.0.1.1')).toBeUndefined();
  });

  it('refuses with 503 when no hash slot would take it, taking the address points the normal path takes', async () => {
    const inner = new GatedHasher();
    const bounded = new BoundedPasswordHasher(inner, { inFlight: 1, waiting: 0 });
    const { accounts } = accountsWith(bounded);
    const running = bounded.hash('x', '10.0.2.9');
    await settle();
    // 3 failures per address: three 503s spend them, the fourth is the address's 429.
    for (let i = 0; i < 3; i += 1) {
      expect(await accounts.refuseLoginEarly('10.0.2.1')).toEqual({
        reason: 'hash-capacity',
        retryAfterSeconds: 1,
      });
    }
    expect((await accounts.refuseLoginEarly('10.0.2.1'))?.reason).toBe('too-many-attempts');
    // Known from then on without a store call, even with a slot free again.
    await drain(inner, bounded);
    await running;
    expect((await accounts.refuseLoginEarly('10.0.2.1'))?.reason).toBe('too-many-attempts');
    expect(await accounts.refuseLoginEarly('10.0.2.2')).toBeUndefined();
    expect(inner.started).toEqual(['10.0.2.9']);
  });
});

describe('UserAccounts.refuseRegistrationEarly', () => {
  it('refuses an address the registration limit refused, and 503 spends a registration point', async () => {
    const inner = new GatedHasher();
    const bounded = new BoundedPasswordHasher(inner, { inFlight: 1, waiting: 0 });
    const { accounts, limiter } = accountsWith(bounded);
    expect(await accounts.refuseRegistrationEarly('10.0.3.1')).toBeUndefined();
    await limiter.admitRegistration('10.0.3.1');
    const running = bounded.hash('x', '10.0.3.9');
    await settle();
    // Two registrations per address: the 503 spends the second, then the limit refuses.
    expect(await accounts.refuseRegistrationEarly('10.0.3.1')).toEqual({
      reason: 'hash-capacity',
      retryAfterSeconds: 1,
    });
    expect((await accounts.refuseRegistrationEarly('10.0.3.1'))?.reason).toBe('too-many-registrations');
    await drain(inner, bounded);
    await running;
    const refusal = await accounts.refuseRegistrationEarly('10.0.3.1');
    expect(refusal?.reason).toBe('too-many-registrations');
    expect(refusal?.retryAfterSeconds).toBeLessThanOrEqual(600);
    // Logins from it are another budget.
    expect(await accounts.refuseLoginEarly('10.0.3.1')).toBeUndefined();
  });
});

describe('earlyRefusalProblem', () => {
  it('is the error the normal path throws for the same reason', () => {
    expect(earlyRefusalProblem({ reason: 'too-many-attempts', retryAfterSeconds: 7 })).toEqual(
      new TooManyAttemptsError(7),
    );
    const registrations = earlyRefusalProblem({ reason: 'too-many-registrations', retryAfterSeconds: 7 });
    expect(registrations).toBeInstanceOf(TooManyRegistrationsError);
    expect(registrations.toProblem()).toEqual(new TooManyRegistrationsError(7).toProblem());
    expect(registrations.headers).toEqual({ 'Retry-After': '7' });
    const busy = earlyRefusalProblem({ reason: 'hash-capacity', retryAfterSeconds: 1 });
    expect(busy).toBeInstanceOf(HashCapacityError);
    expect(busy.status).toBe(503);
  });
});
