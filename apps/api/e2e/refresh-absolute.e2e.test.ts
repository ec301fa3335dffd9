// CONTRACT §1 `JWT_REFRESH_ABSOLUTE_TTL`, §2 `POST /jwt/refresh`: however often a login is
// refreshed, its refresh family stops at its absolute age (ASVS 10.4.8) and answers 401 like
// an expired refresh token; the user logs in again. Time moves through the app's injected
// clock (`createApp(config, { now })`); real time passing meanwhile is a few seconds at most,
// covered by a 10-second margin on each side of the deadline.
import {
  redisServerProgram,
  requireProgramOrSkip,
  startTestRedis,
  type TestRedisServer,
} from '@authbench/test-support';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiClient, uniqueUsername } from './support/client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const PASSWORD = 'correct horse battery';
const DAY = 86_400;

interface Pair {
  readonly token: string;
  readonly refreshToken: string;
}

async function loginPair(api: ApiClient): Promise<Pair> {
  const username = uniqueUsername('absolute');
  await api.register(username, PASSWORD);
  const { body } = await api.login('/jwt', username, PASSWORD);
  return { token: String(body.token), refreshToken: String(body.refreshToken) };
}

async function refreshed(api: ApiClient, pair: Pair): Promise<Pair> {
  const response = await api.post('/jwt/refresh', { refreshToken: pair.refreshToken });
  expect(response.status).toBe(200);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toEqual(expect.objectContaining({ tokenType: 'Bearer', refreshToken: expect.any(String) }));
  return { token: String(body.token), refreshToken: String(body.refreshToken) };
}

/** 401, RFC 9457 problem, and the bearer challenge of a refused credential. */
async function expectRefused(response: Response): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(await response.json()).toEqual(expect.objectContaining({ status: 401 }));
}

function absoluteAgeContract(label: string, env: () => Readonly<Record<string, string>>): void {
  describe(`JWT_REFRESH_ABSOLUTE_TTL over HTTP (${label})`, () => {
    let app: TestApp;
    let api: ApiClient;

    beforeAll(async () => {
      app = await startTestApp({
        AUTH_STRATEGIES: 'jwt',
        JWT_REFRESH_TTL: '100',
        JWT_REFRESH_ABSOLUTE_TTL: '250',
        ...env(),
      });
      api = new ApiClient(app.baseUrl);
    }, 60_000);

    afterAll(async () => {
      await app?.close();
    });

    it('refreshes within the absolute age, then answers 401 and the user logs in again', async () => {
      app.clock.reset();
      let pair = await loginPair(api);
      for (let step = 0; step < 2; step += 1) {
        app.clock.advanceSeconds(80); // every refresh well inside JWT_REFRESH_TTL (100 s)
        pair = await refreshed(api, pair);
      }
      app.clock.advanceSeconds(80); // 240 s of age: still refreshes
      pair = await refreshed(api, pair);
      app.clock.advanceSeconds(20); // 260 s: past 250, though this refresh token is 20 s old
      await expectRefused(await api.post('/jwt/refresh', { refreshToken: pair.refreshToken }));
      // Only refreshing stopped: the last access token lives to its own exp, and a new login works.
      const protectedResponse = await api.get('/jwt/protected', { authorization: `Bearer ${pair.token}` });
      expect(protectedResponse.status).toBe(200);
      const fresh = await loginPair(api);
      await refreshed(api, fresh);
    });
  });
}

absoluteAgeContract('in-process state', () => ({}));

const hasRedis = requireProgramOrSkip(
  redisServerProgram() !== null,
  'redis-server',
  'apt-get install redis-server',
);
let redis: TestRedisServer | null = null;
if (hasRedis) {
  beforeAll(async () => {
    redis = await startTestRedis();
  }, 60_000);
  afterAll(async () => {
    await redis?.stop();
  });
  absoluteAgeContract('Redis state', () => ({ REDIS_URL: (redis as TestRedisServer).url }));
}

describe('JWT_REFRESH_ABSOLUTE_TTL default (30 days)', () => {
  let app: TestApp;
  let api: ApiClient;

  beforeAll(async () => {
    app = await startTestApp({ AUTH_STRATEGIES: 'jwt' });
    api = new ApiClient(app.baseUrl);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
  });

  it('a login refreshed every 13 days (JWT_REFRESH_TTL is 14) ends at 30 days', async () => {
    let pair = await loginPair(api);
    for (let step = 0; step < 2; step += 1) {
      app.clock.advanceSeconds(13 * DAY);
      pair = await refreshed(api, pair);
    }
    app.clock.advanceSeconds(4 * DAY - 10); // 30 days less 10 s
    pair = await refreshed(api, pair);
    app.clock.advanceSeconds(20); // 30 days and 10 s
    await expectRefused(await api.post('/jwt/refresh', { refreshToken: pair.refreshToken }));
  });
});
