import { StoreUnavailableError } from '@authbench/auth-core';
import {
  type ConnectedTestRedis,
  connectTestRedis,
  redisServerProgram,
  requireProgramOrSkip,
  TEST_REDIS_COMMAND_TIMEOUT_MS,
  type TestRedisServer,
} from '@authbench/test-support';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MemoryRevocationList, parseRedisUrl, RedisConnection, RedisRevocationList } from '../src/index.js';

describe('parseRedisUrl', () => {
  it('reads one node, a cluster seed list, and refuses anything else', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379')).toEqual({ kind: 'node', url: 'redis://127.0.0.1:6379' });
    expect(parseRedisUrl('redis+cluster://u:p@127.0.0.1:7000,127.0.0.1:7001')).toEqual({
      kind: 'cluster',
      urls: ['redis://u:p@127.0.0.1:7000', 'redis://u:p@127.0.0.1:7001'],
    });
    expect(() => parseRedisUrl('http://127.0.0.1')).toThrow(TypeError);
    expect(() => parseRedisUrl('redis+cluster://')).toThrow(TypeError);
  });
});

describe('MemoryRevocationList', () => {
  it('remembers an id until its credential expires, then forgets it', async () => {
    let now = 1_000_000;
    const list = new MemoryRevocationList({ now: () => now });
    await list.revoke('jti-1', new Date(now + 5_000));
    await list.revoke('jti-expired', new Date(now - 1));
    expect(await list.isRevoked('jti-1')).toBe(true);
    expect(await list.isRevoked('jti-expired')).toBe(false);
    expect(list.size).toBe(1);
    now += 5_001;
    expect(await list.isRevoked('jti-1')).toBe(false);
    expect(list.size).toBe(0);
  });

  it('at its bound a logout still succeeds, evicting the revocation that expires soonest', async () => {
    let now = 1_000_000;
    const list = new MemoryRevocationList({ now: () => now, maxEntries: 3 });
    await list.revoke('late', new Date(now + 60_000));
    await list.revoke('soonest', new Date(now + 10_000));
    await list.revoke('middle', new Date(now + 30_000));
    await expect(list.revoke('new', new Date(now + 60_000))).resolves.toBeUndefined();
    expect(list.size).toBe(3);
    expect(list.evicted).toBe(1);
    for (const [id, revoked] of [
      ['new', true],
      ['late', true],
      ['middle', true],
      ['soonest', false],
    ] as const) {
      expect(await list.isRevoked(id)).toBe(revoked);
    }
    // Expired entries make room first: nothing live is evicted then.
    now += 30_000; // 'middle' has expired
    await list.revoke('after', new Date(now + 60_000));
    expect(list.evicted).toBe(1);
    expect(await list.isRevoked('late')).toBe(true);
    expect(await list.isRevoked('new')).toBe(true);
    expect(list.size).toBe(3);
  });

  it('stays at its bound through 100 000 logouts, never throwing', async () => {
    const now = 1_000_000;
    const list = new MemoryRevocationList({ now: () => now, maxEntries: 1000 });
    for (let index = 0; index < 100_000; index += 1) {
      await list.revoke(`jti-${index}`, new Date(now + 1_000 + index));
    }
    expect(list.size).toBe(1000);
    expect(list.evicted).toBe(99_000);
    // The ones kept are the longest-lived: the last 1 000.
    expect(await list.isRevoked('jti-99999')).toBe(true);
    expect(await list.isRevoked('jti-99000')).toBe(true);
    expect(await list.isRevoked('jti-98999')).toBe(false);
  });

  it('rejects a bound that is not a positive integer', () => {
    expect(() => new MemoryRevocationList({ maxEntries: 0 })).toThrow(RangeError);
  });
});

const hasRedis = requireProgramOrSkip(
  redisServerProgram() !== null,
  'redis-server',
  'apt-get install redis-server',
);

(hasRedis ? describe : describe.skip)('against a real redis-server', () => {
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

  it('RedisRevocationList revokes with an expiry Redis enforces', async () => {
    const list = new RedisRevocationList(redis, 'test:revoked:');
    await list.revoke('jti-r', new Date(Date.now() + 60_000));
    expect(await list.isRevoked('jti-r')).toBe(true);
    expect(await list.isRevoked('other')).toBe(false);
    const ttl = await redis.command('test:revoked:jti-r', ['PTTL', 'test:revoked:jti-r']);
    expect(typeof ttl === 'number' && ttl > 0 && ttl <= 60_000).toBe(true);
  });

  it('fails closed with 503 while Redis is down and recovers by itself', async () => {
    const list = new RedisRevocationList(redis, 'test:revoked:');
    await server.stop();
    const failure = await list.isRevoked('jti-r').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect(failure).toMatchObject({ status: 503, store: 'redis' });
    expect(await redis.ping()).toBe(false);
    await server.start();
    await testRedis.waitUntilReady();
    // The restarted server has no persistence: the entry is gone, and the call works again.
    await expect(list.isRevoked('jti-r')).resolves.toBe(false);
  }, 20_000);
});

(hasRedis ? describe : describe.skip)('against a real Redis Cluster of three masters', () => {
  it('routes revocations by key across slots', async () => {
    const { startTestRedisCluster } = await import('@authbench/test-support');
    const cluster = await startTestRedisCluster();
    const redis = new RedisConnection(cluster.url, { commandTimeoutMs: TEST_REDIS_COMMAND_TIMEOUT_MS });
    try {
      await redis.connect();
      const list = new RedisRevocationList(redis, 'cluster:revoked:');
      const ids = Array.from({ length: 20 }, (_, index) => `jti-${index}`);
      for (const id of ids) await list.revoke(id, new Date(Date.now() + 60_000));
      for (const id of ids) expect(await list.isRevoked(id)).toBe(true);
      expect(await list.isRevoked('never')).toBe(false);
      expect(await redis.ping()).toBe(true);
    } finally {
      await redis.close();
      await cluster.stop();
    }
  }, 60_000);
});
