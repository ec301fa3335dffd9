import { randomUUID } from 'node:crypto';
import { authenticateRequest, StoreUnavailableError } from '@authbench/auth-core';
import { RedisConnection } from '@authbench/auth-stores';
import {
  type ConnectedTestRedis,
  connectTestRedis,
  redisServerProgram,
  requireProgramOrSkip,
  TEST_REDIS_COMMAND_TIMEOUT_MS,
  type TestRedisServer,
} from '@authbench/test-support';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { type JwtStrategy, type JwtStrategyOptions, type TokenPairBody } from '../src/index.js';
import { hmacKeyId } from '../src/lib/keys.js';
import type { JwtStateStore } from '../src/stores/jwt-state-store.js';
import { MAX_FAMILIES_PER_USER, MemoryJwtStateStore } from '../src/stores/memory-jwt-state-store.js';
import { RedisJwtStateStore } from '../src/stores/redis-jwt-state-store.js';
import {
  claimsAt,
  exchange,
  expectRefusal,
  forge,
  hmacSigner,
  hsStrategy,
  SECRET,
  TestClock,
} from './support.js';

/** The login id (`sid`) a refresh token names. */
function loginIdOf(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    sid?: unknown;
  };
  if (typeof payload.sid !== 'string') throw new TypeError('no sid claim');
  return payload.sid;
}

/** A fresh user per test, so tests sharing one Redis never see each other's state. */
function newUser(): { id: string; username: string; tokenVersion: number } {
  const id = randomUUID();
  return { id, username: `user-${id.slice(0, 8)}`, tokenVersion: 0 };
}

function bearer(token: string) {
  return exchange(`Bearer ${token}`);
}

type Make = (clock: TestClock, overrides?: Partial<JwtStrategyOptions>) => JwtStrategy;

/**
 * The refresh and revocation contract, run against one backend (in-process or Redis). The
 * same tests, the same assertions: only where the state lives differs.
 */
function stateContract(backend: string, make: Make): void {
  describe(`refresh rotation (${backend})`, () => {
    it('spends the presented refresh token and issues a new pair', async () => {
      const clock = new TestClock();
      const strategy = make(clock);
      const user = newUser();
      const first = await strategy.issue(user);
      clock.advance(1000);
      const second = await strategy.refresh(first.refreshToken);
      expect(second).toEqual({
        token: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: 1800,
        refreshToken: expect.any(String),
      });
      expect(second.refreshToken).not.toBe(first.refreshToken);
      await expect(authenticateRequest(strategy, bearer(second.token))).resolves.toMatchObject({
        userId: user.id,
        username: user.username,
      });
      const third = await strategy.refresh(second.refreshToken);
      await expect(authenticateRequest(strategy, bearer(third.token))).resolves.toMatchObject({
        userId: user.id,
      });
    });

    it('treats a spent refresh token as theft: 401, and the whole login ends', async () => {
      const clock = new TestClock();
      const strategy = make(clock);
      const first = await strategy.issue(newUser());
      const second = await strategy.refresh(first.refreshToken);
      await expectRefusal(strategy.refresh(first.refreshToken), 'revoked', 'refresh_reuse');
      // The legitimate holder's newer refresh token dies with the family...
      await expectRefusal(strategy.refresh(second.refreshToken), 'revoked', 'refresh_family_unknown');
      // ...and so do the login's access tokens (denylist mode).
      await expectRefusal(authenticateRequest(strategy, bearer(second.token)), 'revoked', 'revoked_token');
      await expectRefusal(authenticateRequest(strategy, bearer(first.token)), 'revoked', 'revoked_token');
    });

    it('lets at most one of several concurrent refreshes with one token win', async () => {
      const clock = new TestClock();
      const strategy = make(clock);
      const { refreshToken } = await strategy.issue(newUser());
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, () => strategy.refresh(refreshToken)),
      );
      const winners = results.filter(
        (result): result is PromiseFulfilledResult<TokenPairBody> => result.status === 'fulfilled',
      );
      expect(winners).toHaveLength(1);
      for (const result of results) {
        if (result.status === 'rejected')
          expect(result.reason).toMatchObject({ code: 'revoked', status: 401 });
      }
      // A race looks exactly like reuse, so the family ended: the winner must log in again.
      const winner = winners[0] as PromiseFulfilledResult<TokenPairBody>;
      await expectRefusal(strategy.refresh(winner.value.refreshToken), 'revoked', 'refresh_family_unknown');
    });

    it('stops refreshing at JWT_REFRESH_ABSOLUTE_TTL however often the family was refreshed', async () => {
      const clock = new TestClock();
      const strategy = make(clock, { refreshTtlSeconds: 100, refreshAbsoluteTtlSeconds: 250 });
      const user = newUser();
      let pair = await strategy.issue(user);
      for (let step = 0; step < 2; step += 1) {
        clock.advance(90_000); // each refresh inside JWT_REFRESH_TTL: 90 s, then 180 s of age
        pair = await strategy.refresh(pair.refreshToken);
      }
      clock.advance(69_999); // 249.999 s: still younger than the absolute lifetime
      pair = await strategy.refresh(pair.refreshToken);
      clock.advance(1); // 250 s: the family's absolute age; the refresh token itself is fresh
      await expectRefusal(strategy.refresh(pair.refreshToken), 'expired', 'expired');
      // The family is gone (not merely refused once), and its last access token still works
      // until its own exp, as after any expiry; a new login starts a new family.
      await expectRefusal(strategy.refresh(pair.refreshToken), 'revoked', 'refresh_family_unknown');
      await expect(authenticateRequest(strategy, bearer(pair.token))).resolves.toMatchObject({
        userId: user.id,
      });
      const again = await strategy.issue(user);
      await expect(strategy.refresh(again.refreshToken)).resolves.toMatchObject({ tokenType: 'Bearer' });
    });

    it('still treats a spent refresh token past the absolute age as theft', async () => {
      const clock = new TestClock();
      const strategy = make(clock, { refreshAbsoluteTtlSeconds: 60 });
      const first = await strategy.issue(newUser());
      const second = await strategy.refresh(first.refreshToken);
      clock.advance(60_000);
      await expectRefusal(strategy.refresh(first.refreshToken), 'revoked', 'refresh_reuse');
      await expectRefusal(authenticateRequest(strategy, bearer(second.token)), 'revoked', 'revoked_token');
    });

    it('refuses an expired refresh token', async () => {
      const clock = new TestClock();
      const strategy = make(clock, { refreshTtlSeconds: 60 });
      const { refreshToken } = await strategy.issue(newUser());
      clock.advance(60_000);
      await expectRefusal(strategy.refresh(refreshToken), 'expired', 'expired');
    });
  });

  describe(`denylist mode (${backend})`, () => {
    it('logout rejects that credential at once and ends its refresh token; other logins live', async () => {
      const clock = new TestClock();
      const strategy = make(clock);
      const user = newUser();
      const kept = await strategy.issue(user);
      const ended = await strategy.issue(user);
      const principal = await authenticateRequest(strategy, bearer(ended.token));
      await strategy.revoke(principal);
      await expectRefusal(authenticateRequest(strategy, bearer(ended.token)), 'revoked', 'revoked_token');
      await expectRefusal(strategy.refresh(ended.refreshToken), 'revoked', 'refresh_family_unknown');
      await expect(authenticateRequest(strategy, bearer(kept.token))).resolves.toMatchObject({
        userId: user.id,
      });
    });

    it('logout-all rejects every earlier credential of the user, even from the same second', async () => {
      const clock = new TestClock();
      const strategy = make(clock);
      const user = newUser();
      const other = newUser();
      const one = await strategy.issue(user);
      clock.advance(300); // same second, later millisecond
      const two = await strategy.issue(user);
      const bystander = await strategy.issue(other);
      clock.advance(1);
      await strategy.revokeAll(user.id);
      for (const login of [one, two]) {
        await expectRefusal(authenticateRequest(strategy, bearer(login.token)), 'revoked', 'revoked_token');
        await expectRefusal(strategy.refresh(login.refreshToken), 'revoked', 'refresh_family_unknown');
      }
      await expect(authenticateRequest(strategy, bearer(bystander.token))).resolves.toMatchObject({
        userId: other.id,
      });
      // A login one millisecond after logout-all, in the same second, is valid (iat_ms).
      clock.advance(1);
      const after = await strategy.issue(user);
      await expect(authenticateRequest(strategy, bearer(after.token))).resolves.toMatchObject({
        userId: user.id,
      });
    });

    it('logout-all also revokes tokens minted elsewhere, erring toward revocation within the second', async () => {
      const clock = new TestClock();
      const strategy = make(clock);
      const user = newUser();
      const header = { alg: 'HS256', typ: 'JWT', kid: hmacKeyId(SECRET) };
      await strategy.revokeAll(user.id);
      // No iat_ms: issued "at the start of the second", so at or before the cutoff.
      const sameSecond = forge(header, claimsAt(clock, { sub: user.id, jti: 'a' }), hmacSigner(SECRET));
      await expectRefusal(strategy.verify(sameSecond), 'revoked', 'revoked_token');
      clock.advance(1000);
      const nextSecond = forge(header, claimsAt(clock, { sub: user.id, jti: 'b' }), hmacSigner(SECRET));
      await expect(strategy.verify(nextSecond)).resolves.toMatchObject({ userId: user.id });
    });

    it('logout of a token minted elsewhere denies its jti', async () => {
      const clock = new TestClock();
      const strategy = make(clock);
      const user = newUser();
      const header = { alg: 'HS256', typ: 'JWT', kid: hmacKeyId(SECRET) };
      const token = forge(header, claimsAt(clock, { sub: user.id, jti: randomUUID() }), hmacSigner(SECRET));
      await strategy.revoke(await strategy.verify(token));
      await expectRefusal(strategy.verify(token), 'revoked', 'revoked_token');
    });

    it("revokeAll makes a deleted user's credentials fail", async () => {
      const clock = new TestClock();
      const strategy = make(clock);
      const user = newUser();
      const login = await strategy.issue(user);
      await strategy.revokeAll(user.id); // what the app does before deleting the user
      await expectRefusal(authenticateRequest(strategy, bearer(login.token)), 'revoked', 'revoked_token');
      await expectRefusal(strategy.refresh(login.refreshToken), 'revoked', 'refresh_family_unknown');
    });

    it('says what it costs', () => {
      expect(make(new TestClock()).traits()).toEqual({
        stateless: false,
        revocation: 'immediate',
        serverStatePerLogin: expect.any(String),
        lookupsPerRequest: 1,
      });
    });
  });

  describe(`none mode (${backend})`, () => {
    it('logout answers but cannot revoke the access token before exp; the refresh token dies', async () => {
      const clock = new TestClock();
      const strategy = make(clock, { revocation: 'none' });
      const login = await strategy.issue(newUser());
      await strategy.revoke(await authenticateRequest(strategy, bearer(login.token)));
      await expect(authenticateRequest(strategy, bearer(login.token))).resolves.toMatchObject({
        strategy: 'jwt',
      });
      await expectRefusal(strategy.refresh(login.refreshToken), 'revoked', 'refresh_family_unknown');
      clock.advance(1800_000);
      await expectRefusal(authenticateRequest(strategy, bearer(login.token)), 'expired', 'expired');
    });

    it('logout-all ends every refresh family; access tokens live until exp', async () => {
      const clock = new TestClock();
      const strategy = make(clock, { revocation: 'none' });
      const user = newUser();
      const logins = [await strategy.issue(user), await strategy.issue(user)];
      await strategy.revokeAll(user.id);
      for (const login of logins) {
        await expect(authenticateRequest(strategy, bearer(login.token))).resolves.toMatchObject({
          userId: user.id,
        });
        await expectRefusal(strategy.refresh(login.refreshToken), 'revoked', 'refresh_family_unknown');
      }
    });

    it('reuse of a refresh token still ends the family', async () => {
      const clock = new TestClock();
      const strategy = make(clock, { revocation: 'none' });
      const first = await strategy.issue(newUser());
      const second = await strategy.refresh(first.refreshToken);
      await expectRefusal(strategy.refresh(first.refreshToken), 'revoked', 'refresh_reuse');
      await expectRefusal(strategy.refresh(second.refreshToken), 'revoked', 'refresh_family_unknown');
    });

    it('says what it gives up', () => {
      expect(make(new TestClock(), { revocation: 'none' }).traits()).toEqual({
        stateless: true,
        revocation: 'until-expiry',
        serverStatePerLogin: expect.any(String),
        lookupsPerRequest: 0,
      });
    });
  });
}

type MakeStore = (clock: TestClock, maxFamiliesPerUser?: number) => JwtStateStore;

/** The per-user bound, against one backend: counted records, never timings. */
function boundsContract(
  backend: string,
  makeStore: MakeStore,
  countFamilies: (store: JwtStateStore, userId: string) => Promise<number>,
): void {
  describe(`per-user bound on refresh families (${backend})`, () => {
    it("beyond the cap ends only that user's least recently used family", async () => {
      const clock = new TestClock();
      const store = makeStore(clock, 3);
      const strategy = hsStrategy(clock, { store });
      const user = newUser();
      const bystander = newUser();
      const theirs = await strategy.issue(bystander);
      clock.advance(1000);
      let first = await strategy.issue(user);
      clock.advance(1000);
      const second = await strategy.issue(user);
      clock.advance(1000);
      const third = await strategy.issue(user);
      clock.advance(1000);
      first = await strategy.refresh(first.refreshToken); // now the second is the stalest
      clock.advance(1000);
      const fourth = await strategy.issue(user);
      expect(await countFamilies(store, user.id)).toBe(3);
      await expectRefusal(strategy.refresh(second.refreshToken), 'revoked', 'refresh_family_unknown');
      for (const live of [first, third, fourth]) {
        await expect(strategy.refresh(live.refreshToken)).resolves.toMatchObject({ tokenType: 'Bearer' });
      }
      await expect(strategy.refresh(theirs.refreshToken)).resolves.toMatchObject({ tokenType: 'Bearer' });
      expect(await countFamilies(store, bystander.id)).toBe(1);
    });

    it('keeps the newest login even when it sorts first among equal expiries', async () => {
      const clock = new TestClock();
      const store = makeStore(clock, 2);
      const user = newUser();
      const until = clock.now() + 60_000;
      for (const id of ['b', 'c', 'a']) await store.startLogin(user.id, id, `jti-${id}`, until, until);
      expect(await countFamilies(store, user.id)).toBe(2);
      await expect(store.rotateRefresh(user.id, 'a', 'jti-a', 'next', until, null)).resolves.toBe('rotated');
    });

    // In process 100 000 logins (fast); in Redis 5 000, 50 times the cap, enough to show the
    // bound without a round trip per login making a loaded machine's run minutes long.
    const LOGINS = backend === 'memory' ? 100_000 : 5_000;
    it(`${LOGINS.toLocaleString('en')} logins of one account keep its families at the cap; other users keep theirs`, async () => {
      const clock = new TestClock();
      const store = makeStore(clock);
      const user = newUser();
      const others = [newUser(), newUser(), newUser()];
      const until = clock.now() + 1_209_600_000;
      const absolute = clock.now() + 2_592_000_000;
      for (const [index, other] of others.entries()) {
        await store.startLogin(other.id, `other-${index}`, `jti-${index}`, until, absolute);
      }
      const BATCH = 10; // in flight at once: far below what the 500 ms command timeout allows
      for (let start = 0; start < LOGINS; start += BATCH) {
        await Promise.all(
          Array.from({ length: BATCH }, (_, offset) =>
            store.startLogin(user.id, `login-${start + offset}`, `jti-${start + offset}`, until, absolute),
          ),
        );
      }
      expect(await countFamilies(store, user.id)).toBe(MAX_FAMILIES_PER_USER);
      for (const [index, other] of others.entries()) {
        expect(await countFamilies(store, other.id)).toBe(1);
        await expect(
          store.rotateRefresh(other.id, `other-${index}`, `jti-${index}`, 'next', until, null),
        ).resolves.toBe('rotated');
      }
      // The newest login survived; the first one was evicted long ago.
      const last = LOGINS - 1;
      await expect(
        store.rotateRefresh(user.id, `login-${last}`, `jti-${last}`, 'next', until, null),
      ).resolves.toBe('rotated');
      await expect(store.rotateRefresh(user.id, 'login-0', 'jti-0', 'next', until, null)).resolves.toBe(
        'unknown',
      );
    }, 600_000);
  });
}

boundsContract(
  'memory',
  (clock, maxFamiliesPerUser) =>
    new MemoryJwtStateStore({
      now: clock.now,
      ...(maxFamiliesPerUser === undefined ? {} : { maxFamiliesPerUser }),
    }),
  async (store, userId) => (store as MemoryJwtStateStore).loginsOf(userId),
);

describe('in-process state', () => {
  stateContract('memory', (clock, overrides) => hsStrategy(clock, overrides));

  it('costs one map look-up per request in denylist mode and none in none mode', async () => {
    for (const [revocation, expected] of [
      ['denylist', 1],
      ['none', 0],
    ] as const) {
      const clock = new TestClock();
      const store = new MemoryJwtStateStore({ now: clock.now });
      const lookups = jest.spyOn(store, 'isAccessRevoked');
      const strategy = hsStrategy(clock, { store, revocation });
      const { token } = await strategy.issue(newUser());
      await authenticateRequest(strategy, bearer(token));
      expect(lookups).toHaveBeenCalledTimes(expected);
    }
  });

  it('at the store-wide cap ends the least recently used family of all, never refusing a login', async () => {
    const clock = new TestClock();
    const store = new MemoryJwtStateStore({ now: clock.now, maxFamiliesPerUser: 2, maxFamilies: 3 });
    const until = clock.now() + 60_000;
    const absolute = clock.now() + 120_000;
    await store.startLogin('a', 'a1', 'ja1', until, absolute);
    await store.startLogin('b', 'b1', 'jb1', until, absolute);
    await store.startLogin('c', 'c1', 'jc1', until, absolute);
    await expect(store.rotateRefresh('a', 'a1', 'ja1', 'ja2', until + 1, null)).resolves.toBe('rotated');
    await store.startLogin('d', 'd1', 'jd1', until, absolute); // b1 is now the stalest
    expect(store.stats()).toMatchObject({ logins: 3 });
    await expect(store.rotateRefresh('b', 'b1', 'jb1', 'x', until, null)).resolves.toBe('unknown');
    for (const [user, login, jti] of [
      ['a', 'a1', 'ja2'],
      ['c', 'c1', 'jc1'],
      ['d', 'd1', 'jd1'],
    ] as const) {
      await expect(store.rotateRefresh(user, login, jti, `${jti}-next`, until, null)).resolves.toBe(
        'rotated',
      );
    }
  });

  it('drops expired families on the next write, without any full sweep', async () => {
    const clock = new TestClock();
    const store = new MemoryJwtStateStore({ now: clock.now });
    for (let index = 0; index < 50; index += 1) {
      await store.startLogin(
        `user-${index}`,
        `l${index}`,
        `j${index}`,
        clock.now() + 1000,
        clock.now() + 5000,
      );
    }
    clock.advance(1000);
    await store.startLogin('late', 'late', 'late', clock.now() + 1000, clock.now() + 5000);
    // Counted without stats() (which sweeps): through the public refresh outcome.
    await expect(store.rotateRefresh('user-0', 'l0', 'j0', 'n', clock.now() + 1000, null)).resolves.toBe(
      'unknown',
    );
    expect(store.stats()).toMatchObject({ logins: 1 });
  });

  it('rejects caps that are not positive integers', () => {
    expect(() => new MemoryJwtStateStore({ maxFamiliesPerUser: 0 })).toThrow(RangeError);
    expect(() => new MemoryJwtStateStore({ maxFamilies: 1.5 })).toThrow(RangeError);
  });

  it('forgets entries once the tokens they concern have expired', async () => {
    const clock = new TestClock();
    const store = new MemoryJwtStateStore({ now: clock.now });
    const strategy = hsStrategy(clock, { store, refreshTtlSeconds: 3600 });
    const user = newUser();
    const login = await strategy.issue(user);
    await strategy.revoke(await authenticateRequest(strategy, bearer(login.token)));
    await strategy.issue(user);
    await strategy.revokeAll(user.id);
    expect(store.stats()).toMatchObject({ users: 1, logins: 0, revokedLogins: 2, cutoffs: 1 });
    clock.advance(3601_000 + 1800_000);
    expect(store.stats()).toEqual({ users: 0, logins: 0, revokedTokens: 0, revokedLogins: 0, cutoffs: 0 });
  });
});

const hasRedis = requireProgramOrSkip(
  redisServerProgram() !== null,
  'redis-server',
  'apt-get install redis-server',
);

(hasRedis ? describe : describe.skip)('Redis state (real redis-server)', () => {
  let testRedis: ConnectedTestRedis<RedisConnection>;
  let server: TestRedisServer;
  let redis: RedisConnection;

  beforeAll(async () => {
    testRedis = await connectTestRedis(
      (url) => new RedisConnection(url, { commandTimeoutMs: TEST_REDIS_COMMAND_TIMEOUT_MS }),
    );
    ({ server, redis } = testRedis);
  });

  afterAll(async () => {
    await testRedis.close();
  });

  stateContract('redis', (clock, overrides) => hsStrategy(clock, { redis, ...overrides }));

  boundsContract(
    'redis',
    (clock, maxFamiliesPerUser) =>
      new RedisJwtStateStore(redis, {
        now: clock.now,
        ...(maxFamiliesPerUser === undefined ? {} : { maxFamiliesPerUser }),
      }),
    async (_store, userId) => {
      const tag = `authbench:jwt:{${Buffer.from(userId).toString('base64url')}}`;
      const members = await redis.command(tag, ['ZCARD', `${tag}:families`], true);
      const logins = await redis.command(tag, ['KEYS', `${tag}:login:*`], true);
      // The index and the login records agree: an evicted login leaves no record behind.
      expect(Array.isArray(logins) && logins.length).toBe(members);
      return Number(members);
    },
  );

  it('still ends and rotates logins written by older builds (plain set, value without deadline)', async () => {
    const clock = new TestClock();
    const strategy = hsStrategy(clock, { redis, redisKeyPrefix: 'legacy:' });
    const user = newUser();
    const current = await strategy.issue(user);
    const old = await strategy.issue(user);
    const tag = `legacy:{${Buffer.from(user.id).toString('base64url')}}`;
    // Rewrite the second login the way the previous layout stored it.
    const value = await redis.command(tag, ['GET', `${tag}:login:${loginIdOf(old.refreshToken)}`]);
    const jti = String(value).split(':')[1] ?? '';
    await redis.command(tag, ['SET', `${tag}:login:${loginIdOf(old.refreshToken)}`, jti, 'PX', '600000']);
    await redis.command(tag, ['ZREM', `${tag}:families`, loginIdOf(old.refreshToken)]);
    await redis.command(tag, ['SADD', `${tag}:logins`, loginIdOf(old.refreshToken)]);
    const rotated = await strategy.refresh(old.refreshToken);
    await strategy.revokeAll(user.id);
    for (const login of [current, rotated]) {
      await expectRefusal(strategy.refresh(login.refreshToken), 'revoked', 'refresh_family_unknown');
    }
    expect(await redis.command(tag, ['EXISTS', `${tag}:logins`, `${tag}:families`])).toBe(0);
  });

  it('costs exactly one Redis command per request in denylist mode, none in none mode', async () => {
    for (const [revocation, expected] of [
      ['denylist', 1],
      ['none', 0],
    ] as const) {
      const strategy = hsStrategy(new TestClock(), { redis, revocation });
      const { token } = await strategy.issue(newUser());
      const commands = jest.spyOn(redis, 'command');
      await authenticateRequest(strategy, bearer(token));
      expect(commands).toHaveBeenCalledTimes(expected);
      if (expected === 1) expect(commands.mock.calls[0]?.[1][0]).toBe('MGET');
      commands.mockRestore();
    }
  });

  it('keeps every key of a user under one hash tag, with an expiry', async () => {
    const strategy = hsStrategy(new TestClock(), { redis, redisKeyPrefix: 'layout:' });
    const user = newUser();
    const login = await strategy.issue(user);
    await strategy.revoke(await authenticateRequest(strategy, bearer(login.token)));
    await strategy.issue(user);
    await strategy.revokeAll(user.id);
    const keys = await redis.command('layout:', ['KEYS', 'layout:*'], true);
    const tag = `{${Buffer.from(user.id).toString('base64url')}}`;
    expect(Array.isArray(keys) && keys.length).toBeGreaterThanOrEqual(3);
    for (const key of keys as readonly string[]) {
      expect(key.startsWith(`layout:${tag}:`)).toBe(true);
      expect(await redis.command(key, ['PTTL', key], true)).toBeGreaterThan(0);
    }
  });

  it('shares state between two API processes', async () => {
    const clock = new TestClock();
    const processA = hsStrategy(clock, { redis });
    const processB = hsStrategy(clock, { redis });
    const login = await processA.issue(newUser());
    await processB.revoke(await authenticateRequest(processB, bearer(login.token)));
    await expectRefusal(authenticateRequest(processA, bearer(login.token)), 'revoked', 'revoked_token');
  });

  it('fails closed with 503 while Redis is down; none mode keeps verifying', async () => {
    const clock = new TestClock();
    const denylist = hsStrategy(clock, { redis });
    const none = hsStrategy(clock, { redis, revocation: 'none' });
    const user = newUser();
    const a = await denylist.issue(user);
    const b = await none.issue(user);
    await server.stop();
    try {
      for (const pending of [
        authenticateRequest(denylist, bearer(a.token)),
        denylist.refresh(a.refreshToken),
        denylist.issue(user),
        denylist.revokeAll(user.id),
      ]) {
        const failure = await pending.then(
          () => null,
          (error: unknown) => error,
        );
        expect(failure).toBeInstanceOf(StoreUnavailableError);
        expect(failure).toMatchObject({ status: 503, store: 'redis' });
      }
      await expect(authenticateRequest(none, bearer(b.token))).resolves.toMatchObject({ userId: user.id });
      expect(await denylist.storeHealth()).toEqual({ redis: 'down' });
    } finally {
      await server.start();
      await testRedis.waitUntilReady();
    }
    expect(await denylist.storeHealth()).toEqual({ redis: 'up' });
  }, 20_000);
});
