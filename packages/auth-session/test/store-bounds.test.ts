// The bounds of both session stores, counted in records (never timings): a per-user cap that
// ends that user's oldest session, and (in process) a store-wide cap that ends the least
// recently active session, so one account logging in again and again never pushes anybody
// else out.
import { RedisConnection } from '@authbench/auth-stores';
import {
  redisServerProgram,
  requireProgramOrSkip,
  startTestRedis,
  TEST_REDIS_COMMAND_TIMEOUT_MS,
  type TestRedisServer,
} from '@authbench/test-support';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SessionData, Store } from 'express-session';
import { SessionLifetime } from '../src/lib/lifetime.js';
import type { SessionRecord } from '../src/lib/session-record.js';
import { cookieData } from '../src/lib/stores/managed-store.js';
import { BoundedMemoryStore, MAX_SESSIONS_PER_USER } from '../src/lib/stores/memory-store.js';
import { RedisSessionStore } from '../src/lib/stores/redis-store.js';

const T0 = Date.UTC(2030, 0, 1, 12, 0, 0);
const lifetime = new SessionLifetime(1_800_000, 43_200_000, 180_000);

class Clock {
  ms = T0;
  readonly now = (): number => this.ms;
}

function sessionOf(userId: string, at: number): SessionData & SessionRecord {
  return { cookie: cookieData(false), userId, username: userId, loginAt: at, lastSeenAt: at };
}

function put(store: Store, sid: string, userId: string, at: number): Promise<void> {
  return new Promise((resolve, reject) => {
    store.set(sid, sessionOf(userId, at), (error?: unknown) => (error ? reject(error) : resolve()));
  });
}

function read(store: Store, sid: string): Promise<SessionData | null> {
  return new Promise((resolve, reject) => {
    store.get(sid, (error: unknown, value?: SessionData | null) =>
      error ? reject(error) : resolve(value ?? null),
    );
  });
}

async function alive(store: Store, sids: readonly string[]): Promise<boolean[]> {
  return Promise.all(sids.map(async (sid) => (await read(store, sid)) !== null));
}

/** `count` logins of one user, `parallel` at a time, each a fresh session id. */
async function manyLogins(store: Store, userId: string, count: number, parallel: number, clock: Clock) {
  for (let start = 0; start < count; start += parallel) {
    clock.ms += 1;
    const batch = Array.from({ length: Math.min(parallel, count - start) }, (_, offset) =>
      put(store, `${userId}-${start + offset}`, userId, clock.ms),
    );
    await Promise.all(batch);
  }
}

describe('BoundedMemoryStore bounds', () => {
  it("beyond the per-user cap ends that user's oldest session only", async () => {
    const clock = new Clock();
    const store = new BoundedMemoryStore(lifetime, clock.now, 1000, false, 3);
    await put(store, 'bob-1', 'bob', clock.ms);
    for (let index = 1; index <= 5; index += 1) {
      clock.ms += 1000;
      await put(store, `alice-${index}`, 'alice', clock.ms);
    }
    expect(await alive(store, ['alice-1', 'alice-2', 'alice-3', 'alice-4', 'alice-5', 'bob-1'])).toEqual([
      false,
      false,
      true,
      true,
      true,
      true,
    ]);
    expect(store.sessionsOf('alice')).toBe(3);
    expect(await store.count()).toBe(4);
    // The evicted ids left the index: logout-all of alice ends exactly three.
    expect(await store.revokeAll('alice')).toBe(3);
  });

  it('100 000 logins of one account keep it at the cap and every other session alive', async () => {
    const clock = new Clock();
    const store = new BoundedMemoryStore(lifetime, clock.now, 100_000, false);
    const others = Array.from({ length: 1000 }, (_, index) => `other-${index}`);
    for (const userId of others) await put(store, `${userId}-s`, userId, clock.ms);
    await manyLogins(store, 'mallory', 100_000, 1000, clock);
    expect(store.sessionsOf('mallory')).toBe(MAX_SESSIONS_PER_USER);
    expect(await store.count()).toBe(1000 + MAX_SESSIONS_PER_USER);
    expect(
      (
        await alive(
          store,
          others.map((userId) => `${userId}-s`),
        )
      ).every(Boolean),
    ).toBe(true);
    expect(await alive(store, ['mallory-99999', 'mallory-0'])).toEqual([true, false]);
  }, 600_000);

  it('at the store-wide cap ends the least recently active session, never refusing a login', async () => {
    const clock = new Clock();
    const store = new BoundedMemoryStore(lifetime, clock.now, 3, false, 2);
    await put(store, 'a-1', 'a', clock.ms);
    clock.ms += 1000;
    await put(store, 'b-1', 'b', clock.ms);
    clock.ms += 1000;
    await put(store, 'c-1', 'c', clock.ms);
    clock.ms += lifetime.touchAfterMs;
    await new Promise<void>((resolve) => store.touch('a-1', sessionOf('a', T0), () => resolve()));
    clock.ms += 1000;
    await put(store, 'd-1', 'd', clock.ms); // b-1 is now the least recently active
    expect(await alive(store, ['a-1', 'b-1', 'c-1', 'd-1'])).toEqual([true, false, true, true]);
    expect(await store.count()).toBe(3);
  });

  it('rejects a per-user cap that is not a positive integer', () => {
    expect(() => new BoundedMemoryStore(lifetime, Date.now, 10, false, 0)).toThrow(RangeError);
  });
});

const redisAvailable = requireProgramOrSkip(
  redisServerProgram() !== null,
  'redis-server',
  'apt-get install redis-server',
);

(redisAvailable ? describe : describe.skip)('RedisSessionStore per-user bound', () => {
  let server: TestRedisServer;
  let redis: RedisConnection;

  beforeAll(async () => {
    server = await startTestRedis();
    // The bound is under test, not the latency: a loaded machine may slow a command past the
    // 1 s default, which would turn a slower run into a red one.
    redis = new RedisConnection(server.url, { commandTimeoutMs: TEST_REDIS_COMMAND_TIMEOUT_MS });
    await redis.connect();
  });

  afterAll(async () => {
    await redis.close();
    await server.stop();
  });

  async function indexSize(prefix: string, userId: string): Promise<number> {
    const key = `${prefix}user:{${userId}}`;
    return Number(await redis.command(key, ['ZCARD', key]));
  }

  it("beyond the per-user cap ends that user's oldest sessions, records and index alike", async () => {
    const clock = new Clock();
    const prefix = 'bounds-a:';
    const store = new RedisSessionStore(redis, lifetime, clock.now, prefix, false, 3);
    await put(store, 'bob-1', 'bob', clock.ms);
    for (let index = 1; index <= 5; index += 1) {
      clock.ms += 1000;
      await put(store, `alice-${index}`, 'alice', clock.ms);
    }
    expect(await alive(store, ['alice-1', 'alice-2', 'alice-3', 'alice-4', 'alice-5', 'bob-1'])).toEqual([
      false,
      false,
      true,
      true,
      true,
      true,
    ]);
    expect(await indexSize(prefix, 'alice')).toBe(3);
    expect(await store.revokeAll('alice')).toBe(3);
    expect(await store.count()).toBe(1);
  });

  // 5 000, not 100 000: each login is four round trips here; the cap is reached after 100.
  it('5 000 logins of one account leave it the cap of records; other users keep theirs', async () => {
    const clock = new Clock();
    const prefix = 'bounds-b:';
    const store = new RedisSessionStore(redis, lifetime, clock.now, prefix, false);
    const others = Array.from({ length: 50 }, (_, index) => `other-${index}`);
    for (const userId of others) await put(store, `${userId}-s`, userId, clock.ms);
    await manyLogins(store, 'mallory', 5_000, 10, clock);
    expect(await indexSize(prefix, 'mallory')).toBe(MAX_SESSIONS_PER_USER);
    expect(await store.count()).toBe(others.length + MAX_SESSIONS_PER_USER);
    expect(
      (
        await alive(
          store,
          others.map((userId) => `${userId}-s`),
        )
      ).every(Boolean),
    ).toBe(true);
    expect(await alive(store, ['mallory-4999', 'mallory-0'])).toEqual([true, false]);
  }, 600_000);
});
