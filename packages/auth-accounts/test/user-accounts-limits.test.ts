import { randomUUID } from 'node:crypto';
import { AuthError, TooManyAttemptsError } from '@authbench/auth-core';
import { RedisConnection } from '@authbench/auth-stores';
import {
  type ConnectedTestRedis,
  connectTestRedis,
  redisServerProgram,
  requireProgramOrSkip,
  TEST_REDIS_COMMAND_TIMEOUT_MS,
} from '@authbench/test-support';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  Argon2PasswordHasher,
  BoundedPasswordHasher,
  HashCapacityError,
  LoginRateLimiter,
  openUserRepository,
  type PasswordHasher,
  type SqlUserRepository,
  TooManyRegistrationsError,
  UserAccounts,
} from '../src/index.js';

const CHEAP = { memoryCostKiB: 64, timeCost: 1, parallelism: 1 };
const LIMIT = { attempts: 10, windowSeconds: 60 };
const PASSWORD = 'the right password';

/** Counts every password check (verify or the unknown-user decoy) and registration hash. */
class CountingHasher implements PasswordHasher {
  checks = 0;
  hashes = 0;
  constructor(private readonly inner: PasswordHasher) {}
  async hash(password: string): Promise<string> {
    this.hashes += 1;
    return this.inner.hash(password);
  }
  async verify(passwordHash: string, password: string): Promise<boolean> {
    this.checks += 1;
    // Slow enough that every guess of a burst is in flight at once, as with real Argon2.
    await new Promise((resolve) => setTimeout(resolve, 20));
    return this.inner.verify(passwordHash, password);
  }
  needsRehash(passwordHash: string): boolean {
    return this.inner.needsRehash(passwordHash);
  }
  async burnOneVerification(password: string): Promise<void> {
    this.checks += 1;
    return this.inner.burnOneVerification(password);
  }
}

function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

const hasRedis = requireProgramOrSkip(
  redisServerProgram() !== null,
  'redis-server',
  'apt-get install redis-server',
);

describe('UserAccounts limits', () => {
  let users: SqlUserRepository;
  let testRedis: ConnectedTestRedis<RedisConnection> | null = null;

  beforeAll(async () => {
    users = await openUserRepository({ dataDir: ':memory:' });
    if (hasRedis) {
      testRedis = await connectTestRedis(
        (url) => new RedisConnection(url, { commandTimeoutMs: TEST_REDIS_COMMAND_TIMEOUT_MS }),
      );
    }
  }, 600_000);

  afterAll(async () => {
    await users.close();
    await testRedis?.close();
  });

  const backends = [
    { store: 'memory', redis: (): RedisConnection | null => null },
    ...(hasRedis ? [{ store: 'redis', redis: (): RedisConnection | null => testRedis?.redis ?? null }] : []),
  ];

  describe.each(backends)('over $store', ({ store, redis }) => {
    function open(): { accounts: UserAccounts; hasher: CountingHasher } {
      const connection = redis();
      if (store === 'redis' && connection === null) throw new Error('no redis connection');
      const hasher = new CountingHasher(new Argon2PasswordHasher(CHEAP));
      return { accounts: new UserAccounts(users, hasher, new LoginRateLimiter(LIMIT, connection)), hasher };
    }

    it('a parallel burst of 40 guesses checks at most 10 passwords; the right one at 20 does not log in', async () => {
      const { accounts, hasher } = open();
      const username = unique('burst');
      await accounts.register({ username, password: PASSWORD }, '10.0.0.1');
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, index) =>
          accounts
            .verifyLogin({ username, password: index === 20 ? PASSWORD : `wrong guess ${index}` }, '10.9.9.9')
            .then(
              () => 'logged in',
              (error: unknown) => error,
            ),
        ),
      );
      expect(hasher.checks).toBeLessThanOrEqual(LIMIT.attempts);
      expect(results[20]).toBeInstanceOf(TooManyAttemptsError);
      expect(results.filter((result) => result === 'logged in')).toEqual([]);
      expect(results.filter((result) => result instanceof AuthError)).toHaveLength(hasher.checks);
      expect(results.filter((result) => result instanceof TooManyAttemptsError)).toHaveLength(
        40 - hasher.checks,
      );
    });

    it('guesses at one account from rotating addresses stop at the account ceiling; the owner still logs in', async () => {
      const { accounts, hasher } = open();
      const username = unique('rotated');
      await accounts.register({ username, password: PASSWORD }, '10.0.0.1');
      await accounts.verifyLogin({ username, password: PASSWORD }, '192.0.2.10'); // the owner, once
      const checksBefore = hasher.checks;
      const outcomes: unknown[] = [];
      // 10 addresses × 10 guesses = 100 = the account ceiling (10 × LOGIN_RATE_LIMIT attempts), then 429.
      for (let address = 0; address < 12; address += 1) {
        for (let guess = 0; guess < 10; guess += 1) {
          outcomes.push(
            await accounts
              .verifyLogin({ username, password: `guess ${guess}` }, `203.0.113.${address}`)
              .catch((error: unknown) => error),
          );
        }
      }
      expect(hasher.checks - checksBefore).toBe(100);
      for (const refused of outcomes.slice(100)) expect(refused).toBeInstanceOf(TooManyAttemptsError);
      // The right password from a new address is refused too, before any hash...
      await expect(
        accounts.verifyLogin({ username, password: PASSWORD }, '203.0.113.200'),
      ).rejects.toBeInstanceOf(TooManyAttemptsError);
      // ...but the owner's known address is not held by the stranger's guesses.
      await expect(
        accounts.verifyLogin({ username, password: PASSWORD }, '192.0.2.10'),
      ).resolves.toMatchObject({
        username,
      });
    }, 600_000);

    it('spraying one password over many usernames from one address stops at 5 × the limit', async () => {
      const { accounts, hasher } = open();
      const address = `198.18.${Math.floor(Math.random() * 250)}.7`;
      const outcomes: unknown[] = [];
      for (let i = 0; i < 60; i += 1) {
        outcomes.push(
          await accounts
            .verifyLogin({ username: unique('sprayed'), password: 'Summer2026!' }, address)
            .catch((error: unknown) => error),
        );
      }
      expect(hasher.checks).toBe(50);
      for (const refused of outcomes.slice(50)) expect(refused).toBeInstanceOf(TooManyAttemptsError);
    }, 600_000);

    it('a registration flood from one address gets 429 + Retry-After after 20, before any hash', async () => {
      const { accounts, hasher } = open();
      const address = unique('flood');
      const outcomes = await Promise.all(
        Array.from({ length: 30 }, () =>
          accounts.register({ username: unique('flood'), password: PASSWORD }, address).then(
            () => 'created',
            (error: unknown) => error,
          ),
        ),
      );
      expect(outcomes.filter((outcome) => outcome === 'created')).toHaveLength(20);
      expect(hasher.hashes).toBe(20);
      for (const refused of outcomes.filter((outcome) => outcome !== 'created')) {
        expect(refused).toBeInstanceOf(TooManyRegistrationsError);
        expect(refused).toMatchObject({
          status: 429,
          headers: { 'Retry-After': expect.stringMatching(/^\d+$/) },
        });
      }
    }, 600_000);
  });
});

describe('BoundedPasswordHasher', () => {
  /** A hasher whose hashes end only when the test says so. */
  class GatedHasher implements PasswordHasher {
    started = 0;
    private readonly gates: (() => void)[] = [];
    private wait(): Promise<void> {
      this.started += 1;
      return new Promise((resolve) => this.gates.push(resolve));
    }
    openAll(): void {
      for (const open of this.gates.splice(0)) open();
    }
    async hash(): Promise<string> {
      await this.wait();
      return 'hash';
    }
    async verify(): Promise<boolean> {
      await this.wait();
      return false;
    }
    needsRehash(): boolean {
      return false;
    }
    async burnOneVerification(): Promise<void> {
      await this.wait();
    }
  }

  async function settle(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** Waits (store look-ups included) until `count` hashes have started. */
  async function untilStarted(inner: GatedHasher, count: number): Promise<void> {
    for (let turn = 0; inner.started < count; turn += 1) {
      if (turn > 1_000) throw new Error(`expected ${count} hashes to start, saw ${inner.started}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  it('runs at most inFlight hashes, lets `waiting` wait, and refuses the rest at once with 503', async () => {
    const inner = new GatedHasher();
    // Every slot open to strangers (all eight are): the known clients' slot is hash-priority's.
    const bounded = new BoundedPasswordHasher(inner, { inFlight: 2, waiting: 3, strangerInFlight: 2 });
    // Eight clients, one hash each: the per-client share is not what this test is about.
    const calls = Array.from({ length: 8 }, (_, i) =>
      (i % 2 === 0 ? bounded.hash('x', `10.0.0.${i}`) : bounded.verify('h', 'x', `10.0.0.${i}`)).then(
        () => 'done',
        (error: unknown) => error,
      ),
    );
    await settle();
    expect(inner.started).toBe(2);
    expect(bounded.load).toEqual({ running: 2, waiting: 3, clients: 5 });
    // The three refused ones are answered before any hash finishes.
    const early = await Promise.race([Promise.all(calls.slice(5)), settle().then(() => 'not yet')]);
    expect(early).not.toBe('not yet');
    for (const refused of early as unknown[]) {
      expect(refused).toBeInstanceOf(HashCapacityError);
      expect(refused).toMatchObject({ status: 503, headers: { 'Retry-After': '1' } });
    }
    while (inner.started < 5) {
      inner.openAll();
      await settle();
    }
    inner.openAll();
    expect((await Promise.all(calls.slice(0, 5))).every((result) => result === 'done')).toBe(true);
    expect(bounded.load).toEqual({ running: 0, waiting: 0, clients: 0 });
  });

  it('gives the pair point back when no hash slot was free, but not the address registration point', async () => {
    const users = await openUserRepository({ dataDir: ':memory:' });
    try {
      const inner = new GatedHasher();
      const accounts = new UserAccounts(
        users,
        new BoundedPasswordHasher(inner, { inFlight: 1, waiting: 0 }),
        new LoginRateLimiter({ attempts: 1, windowSeconds: 60 }, null, {
          registrations: { points: 1, seconds: 60 },
        }),
      );
      const holding = accounts.verifyLogin({ username: 'someone', password: 'anything at all' }, '10.0.0.1');
      await untilStarted(inner, 1);
      await expect(
        accounts.verifyLogin({ username: 'other', password: 'anything at all' }, '10.0.0.2'),
      ).rejects.toBeInstanceOf(HashCapacityError);
      await expect(
        accounts.register({ username: 'newcomer', password: 'anything at all' }, '10.0.0.2'),
      ).rejects.toBeInstanceOf(HashCapacityError);
      inner.openAll();
      await expect(holding).rejects.toBeInstanceOf(AuthError);
      // Nothing was hashed for 10.0.0.2: its one (username, address) point is back, so it logs in
      // again; its registration point stays spent (retrying into 503s costs the address).
      const login = accounts.verifyLogin({ username: 'other', password: 'anything at all' }, '10.0.0.2');
      await untilStarted(inner, 2);
      inner.openAll();
      await expect(login).rejects.toBeInstanceOf(AuthError);
      await expect(
        accounts.register({ username: 'newcomer', password: 'anything at all' }, '10.0.0.2'),
      ).rejects.toBeInstanceOf(TooManyRegistrationsError);
    } finally {
      await users.close();
    }
  }, 600_000);
});
