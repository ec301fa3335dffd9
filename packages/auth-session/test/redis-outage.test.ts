import { RedisConnection } from '@authbench/auth-stores';
import {
  redisServerProgram,
  requireProgramOrSkip,
  startTestRedis,
  TEST_REDIS_COMMAND_TIMEOUT_MS,
  type TestRedisServer,
} from '@authbench/test-support';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Fixture, startFixture } from './support/fixture.js';
import { closeHttpAgent, type HttpResponse } from './support/http.js';

const redisAvailable = requireProgramOrSkip(
  redisServerProgram() !== null,
  'redis-server',
  'apt-get install redis-server',
);

function expectUnavailable(response: HttpResponse): void {
  expect(response.status).toBe(503);
  expect(response.headers['retry-after']).toBe('1');
  expect(response.body).toMatchObject({ status: 503, type: 'urn:authbench:problem:store-unavailable' });
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

(redisAvailable ? describe : describe.skip)('Redis outage drill', () => {
  let server: TestRedisServer;
  let redis: RedisConnection;
  let f: Fixture;
  const backgroundErrors: Error[] = [];

  beforeAll(async () => {
    server = await startTestRedis();
    redis = new RedisConnection(server.url, {
      commandTimeoutMs: TEST_REDIS_COMMAND_TIMEOUT_MS,
      onError: () => undefined,
    });
    await redis.connect();
    f = await startFixture('redis', redis, { onError: (error) => backgroundErrors.push(error) });
  });

  afterAll(async () => {
    await f.close();
    await redis.close();
    await server.stop();
    closeHttpAgent();
  });

  it('answers 503 (never 200, 401 or 500) while Redis is down, and 200 again once it is back', async () => {
    const { cookie } = await f.login('alice');
    expect((await f.get('/protected', cookie)).status).toBe(200);

    await server.stop();
    await waitUntil(async () => !redis.isReady, 5_000);

    expectUnavailable(await f.get('/protected', cookie));
    expectUnavailable(await f.post('/protected', cookie));
    expectUnavailable(await f.post('/logout', cookie));
    expectUnavailable(await f.post('/logout-all', cookie));
    const login = await f.login('alice');
    expectUnavailable(login.response);
    expect(login.response.setCookies).toEqual([]);
    await expect(f.strategy.revokeAll('u-alice')).rejects.toMatchObject({
      name: 'StoreUnavailableError',
      status: 503,
      store: 'redis',
    });
    const credential = f.strategy.credentialOf({ method: 'GET', headers: { cookie } });
    await expect(f.strategy.verify(credential ?? '')).rejects.toMatchObject({
      name: 'StoreUnavailableError',
      status: 503,
    });
    expect((await f.get('/health')).body).toEqual({ redis: 'down' });
    // Requests without a usable cookie never needed the store: still a plain 401.
    expect((await f.get('/protected')).status).toBe(401);

    await server.start();
    await waitUntil(async () => (await f.strategy.storeHealth()).redis === 'up', 10_000);

    // The throwaway server keeps no data, so the old session is gone: a 401, not a 503.
    expect((await f.get('/protected', cookie)).status).toBe(401);
    const again = await f.login('alice');
    expect(again.response.status).toBe(200);
    expect((await f.get('/protected', again.cookie)).status).toBe(200);
    expect((await f.post('/logout', again.cookie)).status).toBe(204);
    expect((await f.get('/protected', again.cookie)).status).toBe(401);
    expect(backgroundErrors).toEqual([]);
  });
});
