// Issue #8: the core contract flows on the shared stores — PostgreSQL + a Redis node, and
// PostgreSQL + a Redis Cluster of three masters — for every strategy. The embedded contract
// suite covers the rest; this one proves the stores and their key layouts (on a cluster every
// command must stay in one slot: hash tags, no cross-slot commands).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiClient, type Credential, headersFor, tamper, uniqueUsername } from './support/client.js';
import { Teardown, waitForHealth } from './support/processes.js';
import {
  nodesHolding,
  redisKeys,
  STORE_SETUPS,
  startStores,
  storeProgramsAvailable,
  type TestStores,
} from './support/stores.js';
import { startTestApp, type TestApp } from './support/test-app.js';

type Strategy = 'session' | 'token' | 'jwt';
const STRATEGIES: readonly Strategy[] = ['session', 'token', 'jwt'];
const PASSWORD = 'correct horse battery';
const RATE_LIMIT_ATTEMPTS = 3;

const available = storeProgramsAvailable({ redis: true, postgres: true });

async function expectProblem(response: Response, status: number): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ status });
  return body;
}

(available ? describe : describe.skip).each(STORE_SETUPS)('scale contract on $label', ({ redis }) => {
  const teardown = new Teardown();
  let stores: TestStores;
  let testApp: TestApp;
  let api: ApiClient;

  beforeAll(async () => {
    stores = await startStores(redis);
    teardown.add('stores', () => stores.stop());
    testApp = await startTestApp({ ...stores.env, LOGIN_RATE_LIMIT: `${RATE_LIMIT_ATTEMPTS}/60` });
    teardown.add('app', () => testApp.close());
    api = new ApiClient(testApp.baseUrl);
    await waitForHealth(testApp.baseUrl);
  }, 60_000);

  afterAll(() => teardown.run(), 60_000);

  it('reports PostgreSQL and Redis up on /health', async () => {
    const response = await api.get('/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', stores: { postgres: 'up', redis: 'up' } });
  });

  it('keeps the login rate limit in Redis: failures count, then 429 with Retry-After', async () => {
    const user = await api.register(uniqueUsername('limit'), PASSWORD);
    const statuses: number[] = [];
    for (let attempt = 0; attempt <= RATE_LIMIT_ATTEMPTS; attempt += 1) {
      statuses.push(
        (await api.post('/token/login', { username: user.username, password: 'wrong guess' })).status,
      );
    }
    expect(statuses).toEqual([...Array<number>(RATE_LIMIT_ATTEMPTS).fill(401), 429]);
    expect(redisKeys(stores.redisPorts, 'authbench:login-fail*').length).toBeGreaterThan(0);
  });

  it('refuses a taken username with 409 (case-insensitively) from PostgreSQL', async () => {
    const user = await api.register(uniqueUsername('Taken'), PASSWORD);
    await expectProblem(
      await api.post('/register', { username: user.username.toLowerCase(), password: PASSWORD }),
      409,
    );
  });

  describe.each(STRATEGIES)('%s', (strategy) => {
    const prefix = `/${strategy}`;
    const protectedWith = (credential: Credential): Promise<Response> =>
      api.get(`${prefix}/protected`, headersFor(credential));

    async function loggedIn(stem: string): Promise<{
      user: { id: string; username: string };
      credential: Credential;
      body: Record<string, unknown>;
    }> {
      const user = await api.register(uniqueUsername(`${strategy}-${stem}`), PASSWORD);
      const { credential, body } = await api.login(prefix, user.username, PASSWORD);
      return { user, credential, body };
    }

    it('register → login → protected 200 → logout 204 → protected 401', async () => {
      const { user, credential } = await loggedIn('life');
      const ok = await protectedWith(credential);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ message: expect.any(String), strategy, user });
      expect((await api.post(`${prefix}/logout`, {}, headersFor(credential))).status).toBe(204);
      await expectProblem(await protectedWith(credential), 401);
    });

    it('logout-all ends every login of the user (keys of many logins, one user)', async () => {
      const user = await api.register(uniqueUsername(`${strategy}-all`), PASSWORD);
      const logins = await Promise.all([1, 2, 3].map(() => api.login(prefix, user.username, PASSWORD)));
      for (const { credential } of logins) expect((await protectedWith(credential)).status).toBe(200);
      const [first] = logins;
      if (first === undefined) throw new Error('no login');
      expect((await api.post(`${prefix}/logout-all`, {}, headersFor(first.credential))).status).toBe(204);
      for (const { credential } of logins) await expectProblem(await protectedWith(credential), 401);
      // Another user's login is untouched.
      const bystander = await loggedIn('bystander');
      expect((await protectedWith(bystander.credential)).status).toBe(200);
    });

    it('a credential of a deleted user is 401', async () => {
      const { user, credential } = await loggedIn('deleted');
      expect((await protectedWith(credential)).status).toBe(200);
      await testApp.deleteUser(user.id);
      await expectProblem(await protectedWith(credential), 401);
    });

    it('a tampered credential is 401 and the genuine one still works', async () => {
      const { credential } = await loggedIn('tamper');
      await expectProblem(await protectedWith(tamper(credential)), 401);
      expect((await protectedWith(credential)).status).toBe(200);
    });

    if (strategy === 'jwt') {
      it('refresh rotates; a spent refresh token revokes the whole family', async () => {
        const { body } = await loggedIn('refresh');
        const first = String(body.refreshToken);
        const rotated = await api.post('/jwt/refresh', { refreshToken: first });
        expect(rotated.status).toBe(200);
        const pair = (await rotated.json()) as { token: string; refreshToken: string };
        expect(pair.refreshToken).not.toBe(first);
        const access: Credential = { kind: 'bearer', value: pair.token };
        expect((await protectedWith(access)).status).toBe(200);

        await expectProblem(await api.post('/jwt/refresh', { refreshToken: first }), 401);
        // The family is gone: the newest refresh token and its access token are refused too.
        await expectProblem(await api.post('/jwt/refresh', { refreshToken: pair.refreshToken }), 401);
        await expectProblem(await protectedWith(access), 401);
      });
    }

    it('keeps its state in Redis, not in the process', async () => {
      const { credential } = await loggedIn('state');
      const pattern = {
        session: 'authbench:session:sess:*',
        token: 'authbench:token:revoked:*',
        jwt: 'authbench:jwt:*',
      }[strategy];
      // The token strategy writes only on logout (its denylist); the others on login.
      if (strategy === 'token') {
        expect((await api.post(`${prefix}/logout`, {}, headersFor(credential))).status).toBe(204);
      }
      expect(redisKeys(stores.redisPorts, pattern).length).toBeGreaterThan(0);
    });
  });

  if (redis === 'cluster') {
    it('spreads keys over more than one master (the cluster is really sharding)', () => {
      expect(nodesHolding(stores.redisPorts, 'authbench:*').length).toBeGreaterThan(1);
    });
  }
});
