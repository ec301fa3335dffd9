import { RedisConnection, RedisRevocationList } from '@authbench/auth-stores';
import {
  type ConnectedTestRedis,
  connectTestRedis,
  redisServerProgram,
  requireProgramOrSkip,
  TEST_REDIS_COMMAND_TIMEOUT_MS,
  type TestRedisServer,
} from '@authbench/test-support';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TOKEN_REVOCATION_PREFIX } from '../src/constants.js';
import { FakeUsers, ManualClock } from './support/fake-users.js';
import { ALICE, expectRefusal, expectStoreUnavailable, setup } from './support/setup.js';

const available = requireProgramOrSkip(
  redisServerProgram() !== null,
  'redis-server',
  'apt-get install redis-server',
);

(available ? describe : describe.skip)('with RedisRevocationList on a real redis-server', () => {
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

  // Redis expires entries on its own clock (PXAT), so these tests use the real clock.
  function fixture() {
    const clock = new ManualClock(Date.now());
    const revocations = new RedisRevocationList(redis, TOKEN_REVOCATION_PREFIX, clock.now);
    return setup({}, { clock, revocations, users: new FakeUsers() });
  }

  it('denies a logged-out jti in every process sharing Redis, until the token would expire', async () => {
    const processA = fixture();
    const processB = setup(
      {},
      { users: processA.users, clock: processA.clock, revocations: processA.revocations },
    );
    const issued = await processA.strategy.issueToken(ALICE);
    await processA.strategy.revoke(await processA.strategy.verify(issued.token));
    await expectRefusal(processB.strategy.verify(issued.token), 'revoked');

    const key = `${TOKEN_REVOCATION_PREFIX}${issued.jti}`;
    const expireAt = await redis.command(key, ['PEXPIRETIME', key], true);
    expect(expireAt).toBe(issued.expiresAt.getTime());
    await expect(processA.strategy.storeHealth()).resolves.toEqual({ 'token-revocations': 'up' });
  });

  it('answers 503 while Redis is stopped, never 401 or 200, and recovers', async () => {
    const { strategy } = fixture();
    const issued = await strategy.issueToken(ALICE);
    const principal = await strategy.verify(issued.token);
    await server.stop();
    try {
      await expectStoreUnavailable(strategy.verify(issued.token), 'redis');
      await expectStoreUnavailable(strategy.revoke(principal), 'redis');
      await expect(strategy.storeHealth()).resolves.toEqual({ 'token-revocations': 'down' });
    } finally {
      await server.start();
    }
    await testRedis.waitUntilReady();
    await expect(strategy.verify(issued.token)).resolves.toMatchObject({ userId: ALICE });
  });
});
