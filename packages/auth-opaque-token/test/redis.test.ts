import { RedisConnection } from '@authbench/auth-stores';
import {
  type ConnectedTestRedis,
  connectTestRedis,
  redisServerProgram,
  requireProgramOrSkip,
  startTestRedisCluster,
  TEST_REDIS_COMMAND_TIMEOUT_MS,
  type TestRedisCluster,
  type TestRedisServer,
} from '@authbench/test-support';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RedisOpaqueTokenStore } from '../src/redis-store.js';
import { hashSecret } from '../src/token.js';
import { strategyContract } from './support/contract.js';
import {
  ALICE,
  expectRefusal,
  expectStoreUnavailable,
  type Fixture,
  fakeExchange,
  ManualClock,
  setup,
} from './support/setup.js';

const available = requireProgramOrSkip(
  redisServerProgram() !== null,
  'redis-server',
  'apt-get install redis-server',
);

(available ? describe : describe.skip)('opaque token, on a real redis-server', () => {
  let testRedis: ConnectedTestRedis<RedisConnection>;
  let server: TestRedisServer;
  let redis: RedisConnection;
  let fixtures = 0;

  beforeAll(async () => {
    testRedis = await connectTestRedis(
      (url) => new RedisConnection(url, { commandTimeoutMs: TEST_REDIS_COMMAND_TIMEOUT_MS }),
    );
    ({ server, redis } = testRedis);
  });

  afterAll(async () => {
    await testRedis.close();
  });

  /** A fresh key prefix per fixture, so the users' indexes never carry tokens across tests. */
  function fixture(clock = new ManualClock(Date.now())): Fixture & { prefix: string } {
    fixtures += 1;
    const prefix = `test${fixtures}:opaque:`;
    return { ...setup({ maxRecordsPerUser: 3, redisPrefix: prefix }, redis, clock), prefix };
  }

  strategyContract(fixture);

  it('stores a hash with the SHA-256 of the secret, never the secret, and a TTL of OPAQUE_TTL', async () => {
    const { strategy, prefix } = fixture();
    const mintedAt = Date.now();
    const token = await strategy.mint(ALICE);
    const [id = '', secret = ''] = token.split('.');
    const key = `${prefix}tok:{${id}}`;
    const stored = await redis.command(key, ['HVALS', key], true);
    expect(Array.isArray(stored)).toBe(true);
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(stored).toEqual(expect.arrayContaining([hashSecret(secret), ALICE.id, ALICE.username]));
    const ttl = await redis.command(key, ['PTTL', key], true);
    // Redis counts down in real time; allow for however long a loaded machine took to get here.
    const elapsedMs = Date.now() - mintedAt;
    expect(typeof ttl === 'number' && ttl >= 3_600_000 - elapsedMs - 1_000 && ttl <= 3_600_000).toBe(true);
    const userKey = `${prefix}user:{${ALICE.id}}`;
    await expect(redis.command(userKey, ['ZRANGE', userKey, '0', '-1'], true)).resolves.toEqual([id]);
    expect(strategy.store).toBeInstanceOf(RedisOpaqueTokenStore);
    await expect(strategy.serverState()).resolves.toBeNull();
    await expect(strategy.storeHealth()).resolves.toEqual({ 'opaque-tokens': 'up' });
  });

  it('writes the last use at most once a minute per token', async () => {
    const { strategy, clock, prefix } = fixture();
    const token = await strategy.mint(ALICE);
    const key = `${prefix}tok:{${token.split('.')[0]}}`;
    const issuedAt = clock.ms;
    clock.advance(10_000);
    await strategy.verify(token);
    await expect(redis.command(key, ['HGET', key, 'used'], true)).resolves.toBe(String(issuedAt));
    clock.advance(60_000);
    await strategy.verify(token);
    await expect(redis.command(key, ['HGET', key, 'used'], true)).resolves.toBe(String(clock.ms));
  });

  it('a logout in one process is seen by every process sharing Redis', async () => {
    const processA = fixture();
    const processB = setup({ redisPrefix: processA.prefix }, redis, processA.clock);
    const token = await processA.strategy.mint(ALICE);
    await expect(processB.strategy.verify(token)).resolves.toMatchObject({ userId: ALICE.id });
    await processB.strategy.revoke(await processB.strategy.verify(token), fakeExchange().exchange);
    await expectRefusal(processA.strategy.verify(token), 'revoked');
  });

  it('answers 503 while Redis is stopped, never 401 or 200, and recovers', async () => {
    const { strategy } = fixture();
    const token = await strategy.mint(ALICE);
    const principal = await strategy.verify(token);
    await server.stop();
    try {
      await expectStoreUnavailable(strategy.verify(token), 'redis');
      await expectStoreUnavailable(strategy.issue(ALICE, fakeExchange().exchange), 'redis');
      await expectStoreUnavailable(strategy.revoke(principal), 'redis');
      await expectStoreUnavailable(strategy.revokeAll(ALICE.id), 'redis');
      await expect(strategy.storeHealth()).resolves.toEqual({ 'opaque-tokens': 'down' });
    } finally {
      await server.start();
    }
    await testRedis.waitUntilReady();
    // The throwaway server keeps nothing across a restart: the lost record fails closed (401),
    // and a fresh login works again.
    await expectRefusal(strategy.verify(token), 'revoked');
    await expect(strategy.verify(await strategy.mint(ALICE))).resolves.toMatchObject({ userId: ALICE.id });
  });
});

(available ? describe : describe.skip)('opaque token, on a real Redis Cluster of three masters', () => {
  let cluster: TestRedisCluster;
  let redis: RedisConnection;
  let fixtures = 0;

  beforeAll(async () => {
    cluster = await startTestRedisCluster();
    redis = new RedisConnection(cluster.url, { commandTimeoutMs: TEST_REDIS_COMMAND_TIMEOUT_MS });
    await redis.connect();
  }, 60_000);

  afterAll(async () => {
    await redis?.close();
    await cluster?.stop();
  });

  // Records and user indexes land in different slots: no command may span two (CROSSSLOT).
  strategyContract(() => {
    fixtures += 1;
    return setup({ maxRecordsPerUser: 3, redisPrefix: `cluster${fixtures}:opaque:` }, redis);
  });
});
