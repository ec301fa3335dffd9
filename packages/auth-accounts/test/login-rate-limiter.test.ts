import { randomUUID } from 'node:crypto';
import { StoreUnavailableError, TooManyAttemptsError } from '@authbench/auth-core';
import { RedisConnection } from '@authbench/auth-stores';
import {
  type ConnectedTestRedis,
  connectTestRedis,
  redisServerProgram,
  requireProgramOrSkip,
  startTestRedisCluster,
  TEST_REDIS_COMMAND_TIMEOUT_MS,
} from '@authbench/test-support';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  defaultLoginLimits,
  type LoginAdmission,
  type LoginLimits,
  LoginRateLimiter,
  parseLoginRateLimit,
  TooManyRegistrationsError,
} from '../src/index.js';

describe('parseLoginRateLimit', () => {
  it('reads <attempts>/<seconds> and refuses nonsense', () => {
    expect(parseLoginRateLimit('10/60')).toEqual({ attempts: 10, windowSeconds: 60 });
    for (const bad of ['', '10', '0/60', '10/0', '-1/60', 'ten/60']) {
      expect(() => parseLoginRateLimit(bad)).toThrow(TypeError);
    }
  });
});

describe('defaultLoginLimits', () => {
  it('derives every bound from LOGIN_RATE_LIMIT and keeps windows the in-process store can time', () => {
    expect(defaultLoginLimits({ attempts: 10, windowSeconds: 60 })).toEqual({
      pair: { points: 10, seconds: 60 },
      addressFailures: { points: 50, seconds: 60 },
      addressAttempts: { points: 300, seconds: 60 },
      account: { points: 100, seconds: 3600 },
      knownClientSeconds: 14 * 24 * 3600,
      registrations: { points: 20, seconds: 600 },
    });
    const long = defaultLoginLimits({ attempts: 1, windowSeconds: 9_999_999 });
    expect(long.pair.seconds).toBe(14 * 24 * 3600);
    expect(long.account.seconds).toBe(14 * 24 * 3600);
  });
});

const hasRedis = requireProgramOrSkip(
  redisServerProgram() !== null,
  'redis-server',
  'apt-get install redis-server',
);

/** Small limits so every bound is reached in a few calls. */
const SMALL: Partial<LoginLimits> = {
  pair: { points: 3, seconds: 60 },
  addressFailures: { points: 6, seconds: 60 },
  addressAttempts: { points: 12, seconds: 60 },
  account: { points: 5, seconds: 600 },
  registrations: { points: 4, seconds: 600 },
};

function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

async function outcome(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'admitted',
    (error: unknown) => error,
  );
}

function expect429(error: unknown): void {
  expect(error).toBeInstanceOf(TooManyAttemptsError);
  expect(error).toMatchObject({
    status: 429,
    headers: { 'Retry-After': expect.stringMatching(/^[1-9]\d*$/) },
  });
}

type Backend = { label: string; open: () => LoginRateLimiter };

function limiterContract(backend: () => Backend): void {
  const limiter = (): LoginRateLimiter => backend().open();

  it('a parallel burst of 40 on one (username, address) admits exactly the limit', async () => {
    const rl = limiter();
    const user = unique('burst');
    const results = await Promise.all(
      Array.from({ length: 40 }, () => outcome(rl.admitLogin(user, '10.1.0.1'))),
    );
    expect(results.filter((result) => result === 'admitted')).toHaveLength(3);
    for (const refused of results.filter((result) => result !== 'admitted')) expect429(refused);
  });

  it('a success resets its pair, and a refused pair stays refused with wrong passwords', async () => {
    const rl = limiter();
    const user = unique('reset');
    for (let i = 0; i < 2; i += 1) await rl.admitLogin(user, '10.1.0.2');
    const third = await rl.admitLogin(user, '10.1.0.2');
    await third.succeeded();
    // The pair starts afresh: three more attempts, then 429.
    for (let i = 0; i < 3; i += 1) await rl.admitLogin(user, '10.1.0.2');
    expect429(await outcome(rl.admitLogin(user, '10.1.0.2')));
  });

  it('one address spraying many usernames hits its own ceiling', async () => {
    const rl = limiter();
    const address = `10.2.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const results: unknown[] = [];
    for (let i = 0; i < 10; i += 1) results.push(await outcome(rl.admitLogin(unique('spray'), address)));
    expect(results.slice(0, 6)).toEqual(Array(6).fill('admitted'));
    for (const refused of results.slice(6)) expect429(refused);
    // Another address is not held by it.
    await expect(rl.admitLogin(unique('spray'), `${address}1`)).resolves.toBeDefined();
  });

  it('counts successful logins against the address attempts ceiling', async () => {
    const rl = limiter();
    const address = unique('succeeding');
    for (let i = 0; i < 12; i += 1) await (await rl.admitLogin(unique('ok'), address)).succeeded();
    expect429(await outcome(rl.admitLogin(unique('ok'), address)));
  });

  it('one account guessed from rotating addresses hits the account ceiling; a known address does not', async () => {
    const rl = limiter();
    const user = unique('victim');
    // The owner logs in once from home: that address is known for the account from now on.
    await (await rl.admitLogin(user, '192.0.2.1')).succeeded();
    const results: unknown[] = [];
    for (let i = 0; i < 8; i += 1) results.push(await outcome(rl.admitLogin(user, `198.51.100.${i}`)));
    expect(results.slice(0, 5)).toEqual(Array(5).fill('admitted'));
    for (const refused of results.slice(5)) expect429(refused);
    // The stranger cannot lock the owner out of the known address.
    const owner = await rl.admitLogin(user, '192.0.2.1');
    await owner.succeeded();
    // An unrelated account is not held.
    await expect(rl.admitLogin(unique('other'), '198.51.100.99')).resolves.toBeDefined();
  });

  it('abandoned attempts (nothing hashed) give the pair point back', async () => {
    const rl = limiter();
    const user = unique('abandon');
    const admissions: LoginAdmission[] = [];
    for (let i = 0; i < 3; i += 1) admissions.push(await rl.admitLogin(user, '10.3.0.1'));
    expect429(await outcome(rl.admitLogin(user, '10.3.0.1')));
    await Promise.all(admissions.map((admission) => admission.abandoned()));
    await expect(rl.admitLogin(user, '10.3.0.1')).resolves.toBeDefined();
  });

  it('limits registrations per address with 429 + Retry-After, refundable', async () => {
    const rl = limiter();
    const address = unique('registering');
    const refunds = await Promise.all(Array.from({ length: 4 }, () => rl.admitRegistration(address)));
    // A registration that hashed nothing gives its point back.
    await refunds[0]?.();
    await expect(rl.admitRegistration(address)).resolves.toBeDefined();
    const refused = await Promise.all(
      Array.from({ length: 5 }, () => outcome(rl.admitRegistration(address))),
    );
    for (const error of refused) {
      expect(error).toBeInstanceOf(TooManyRegistrationsError);
      expect(error).toMatchObject({
        status: 429,
        headers: { 'Retry-After': expect.stringMatching(/^\d+$/) },
      });
    }
    await expect(rl.admitRegistration(unique('elsewhere'))).resolves.toBeDefined();
  });
}

describe('LoginRateLimiter in process', () => {
  limiterContract(() => ({
    label: 'memory',
    open: () => new LoginRateLimiter({ attempts: 3, windowSeconds: 60 }, null, SMALL),
  }));
});

(hasRedis ? describe : describe.skip)('LoginRateLimiter against a real redis-server', () => {
  let testRedis: ConnectedTestRedis<RedisConnection>;

  beforeAll(async () => {
    testRedis = await connectTestRedis(
      (url) => new RedisConnection(url, { commandTimeoutMs: TEST_REDIS_COMMAND_TIMEOUT_MS }),
    );
  });

  afterAll(async () => {
    await testRedis.close();
  });

  limiterContract(() => ({
    label: 'redis',
    open: () => new LoginRateLimiter({ attempts: 3, windowSeconds: 60 }, testRedis.redis, SMALL),
  }));

  it('two processes sharing Redis admit a burst split between them only up to the limit', async () => {
    const processA = new LoginRateLimiter({ attempts: 3, windowSeconds: 60 }, testRedis.redis, SMALL);
    const processB = new LoginRateLimiter({ attempts: 3, windowSeconds: 60 }, testRedis.redis, SMALL);
    const user = unique('shared');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        outcome((i % 2 === 0 ? processA : processB).admitLogin(user, '::1')),
      ),
    );
    expect(results.filter((result) => result === 'admitted')).toHaveLength(3);
  });
});

(hasRedis ? describe : describe.skip)('LoginRateLimiter with Redis down', () => {
  it('fails closed: 503 naming redis, never an admission', async () => {
    const testRedis = await connectTestRedis(
      (url) => new RedisConnection(url, { commandTimeoutMs: TEST_REDIS_COMMAND_TIMEOUT_MS }),
    );
    try {
      const limiter = new LoginRateLimiter({ attempts: 3, windowSeconds: 60 }, testRedis.redis);
      await testRedis.server.stop();
      const login = await outcome(limiter.admitLogin('down', '::1'));
      const registration = await outcome(limiter.admitRegistration('::1'));
      for (const error of [login, registration]) {
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect(error).toMatchObject({ status: 503, store: 'redis' });
      }
    } finally {
      await testRedis.close();
    }
  }, 600_000);
});

(hasRedis ? describe : describe.skip)('LoginRateLimiter against a Redis Cluster of three masters', () => {
  it('shares its counts across the cluster', async () => {
    const cluster = await startTestRedisCluster();
    const redis = new RedisConnection(cluster.url, { commandTimeoutMs: TEST_REDIS_COMMAND_TIMEOUT_MS });
    try {
      await redis.connect();
      const limiter = new LoginRateLimiter({ attempts: 1, windowSeconds: 60 }, redis);
      const other = new LoginRateLimiter({ attempts: 1, windowSeconds: 60 }, redis);
      await limiter.admitLogin('clustered', '::1');
      expect429(await outcome(other.admitLogin('clustered', '::1')));
      await (await limiter.admitLogin('clustered-ok', '::2')).succeeded();
      await expect(limiter.admitRegistration('::3')).resolves.toBeDefined();
    } finally {
      await redis.close();
      await cluster.stop();
    }
  }, 600_000);
});
