import { TooManyAttemptsError } from '@authbench/auth-core';
import { RedisConnection } from '@authbench/auth-stores';
import {
  type ConnectedTestRedis,
  connectTestRedis,
  redisServerProgram,
  requireProgramOrSkip,
  startTestRedisCluster,
} from '@authbench/test-support';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LoginRateLimiter, parseLoginRateLimit } from '../src/index.js';

describe('parseLoginRateLimit', () => {
  it('reads <attempts>/<seconds> and refuses nonsense', () => {
    expect(parseLoginRateLimit('10/60')).toEqual({ attempts: 10, windowSeconds: 60 });
    for (const bad of ['', '10', '0/60', '10/0', '-1/60', 'ten/60']) {
      expect(() => parseLoginRateLimit(bad)).toThrow(TypeError);
    }
  });
});

const hasRedis = requireProgramOrSkip(
  redisServerProgram() !== null,
  'redis-server',
  'apt-get install redis-server',
);

(hasRedis ? describe : describe.skip)('LoginRateLimiter against a real redis-server', () => {
  let testRedis: ConnectedTestRedis<RedisConnection>;

  beforeAll(async () => {
    testRedis = await connectTestRedis((url) => new RedisConnection(url, { commandTimeoutMs: 500 }));
  });

  afterAll(async () => {
    await testRedis.close();
  });

  it('shares its counts through Redis', async () => {
    const limit = { attempts: 2, windowSeconds: 60 };
    const processA = new LoginRateLimiter(limit, testRedis.redis);
    const processB = new LoginRateLimiter(limit, testRedis.redis);
    await processA.recordFailure('shared', '::1');
    await processB.recordFailure('shared', '::1');
    await expect(processA.assertAllowed('shared', '::1')).rejects.toBeInstanceOf(TooManyAttemptsError);
  });
});

(hasRedis ? describe : describe.skip)('LoginRateLimiter against a Redis Cluster of three masters', () => {
  it('shares its counts across the cluster', async () => {
    const cluster = await startTestRedisCluster();
    const redis = new RedisConnection(cluster.url, { commandTimeoutMs: 2_000 });
    try {
      await redis.connect();
      const limiter = new LoginRateLimiter({ attempts: 1, windowSeconds: 60 }, redis);
      await limiter.recordFailure('clustered', '::1');
      await expect(limiter.assertAllowed('clustered', '::1')).rejects.toBeInstanceOf(TooManyAttemptsError);
    } finally {
      await redis.close();
      await cluster.stop();
    }
  }, 60_000);
});
