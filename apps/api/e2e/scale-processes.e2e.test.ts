// Issue #8: several API processes behind one deployment. Two processes (dist/main.js, same
// secrets, same REDIS_URL and DATABASE_URL, different ports) accept each other's credentials
// and see each other's logouts at once; API_WORKERS=N shares one port between N workers.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiClient, type Credential, headersFor, uniqueUsername } from './support/client.js';
import {
  type ApiProcess,
  childPids,
  SHARED_SECRETS,
  startApiProcess,
  Teardown,
  waitForHealth,
} from './support/processes.js';
import { runApiExpectingExit } from './support/spawn-api.js';
import { startStores, storeProgramsAvailable, type TestStores } from './support/stores.js';

type Strategy = 'session' | 'token' | 'jwt';
const STRATEGIES: readonly Strategy[] = ['session', 'token', 'jwt'];
const PASSWORD = 'correct horse battery';

const available = storeProgramsAvailable({ redis: true, postgres: true });

(available ? describe : describe.skip)('scale-out across API processes (PostgreSQL + Redis)', () => {
  const teardown = new Teardown();
  let stores: TestStores;
  let a: ApiClient;
  let b: ApiClient;
  let statelessA: ApiClient;
  let statelessB: ApiClient;

  beforeAll(async () => {
    stores = await startStores('redis');
    teardown.add('stores', () => stores.stop());
    const env = { ...SHARED_SECRETS, ...stores.env };
    const statelessEnv = { ...env, AUTH_STRATEGIES: 'jwt', JWT_REVOCATION: 'none' };
    // Started in parallel: each start-up is mostly waiting (module loading, connections).
    const processes: ApiProcess[] = await Promise.all([
      startApiProcess(teardown, env),
      startApiProcess(teardown, env),
      startApiProcess(teardown, statelessEnv),
      startApiProcess(teardown, statelessEnv),
    ]);
    const [pa, pb, sa, sb] = processes.map((started) => new ApiClient(started.baseUrl));
    if (pa === undefined || pb === undefined || sa === undefined || sb === undefined)
      throw new Error('missing process');
    [a, b, statelessA, statelessB] = [pa, pb, sa, sb];
    for (const client of [a, b, statelessA, statelessB]) await waitForHealth(client.baseUrl);
  }, 90_000);

  afterAll(() => teardown.run(), 60_000);

  it('runs two processes on different ports', () => {
    expect(new URL(a.baseUrl).port).not.toBe(new URL(b.baseUrl).port);
  });

  it('a user registered on A logs in on B (one PostgreSQL)', async () => {
    const user = await a.register(uniqueUsername('shared'), PASSWORD);
    const { body } = await b.login('/session', user.username, PASSWORD);
    expect(body).toEqual({ user });
  });

  describe.each(STRATEGIES)('%s', (strategy) => {
    const prefix = `/${strategy}`;
    const protectedOn = (client: ApiClient, credential: Credential): Promise<Response> =>
      client.get(`${prefix}/protected`, headersFor(credential));

    it('a login on A is accepted on B', async () => {
      const user = await a.register(uniqueUsername(`${strategy}-ab`), PASSWORD);
      const { credential } = await a.login(prefix, user.username, PASSWORD);
      const onB = await protectedOn(b, credential);
      expect(onB.status).toBe(200);
      expect(await onB.json()).toMatchObject({ strategy, user });
    });

    it('a logout on A is refused on B at once', async () => {
      const user = await a.register(uniqueUsername(`${strategy}-out`), PASSWORD);
      const { credential } = await a.login(prefix, user.username, PASSWORD);
      expect((await protectedOn(b, credential)).status).toBe(200);
      expect((await a.post(`${prefix}/logout`, {}, headersFor(credential))).status).toBe(204);
      expect((await protectedOn(b, credential)).status).toBe(401);
      expect((await protectedOn(a, credential)).status).toBe(401);
    });

    it('a logout-all on B ends the logins made on A', async () => {
      const user = await a.register(uniqueUsername(`${strategy}-all`), PASSWORD);
      const onA = await a.login(prefix, user.username, PASSWORD);
      const onB = await b.login(prefix, user.username, PASSWORD);
      expect((await b.post(`${prefix}/logout-all`, {}, headersFor(onB.credential))).status).toBe(204);
      expect((await protectedOn(b, onA.credential)).status).toBe(401);
      expect((await protectedOn(a, onA.credential)).status).toBe(401);
    });
  });

  it('a JWT refresh token rotated on A is spent on B', async () => {
    const user = await a.register(uniqueUsername('jwt-refresh'), PASSWORD);
    const { body } = await a.login('/jwt', user.username, PASSWORD);
    const first = String(body.refreshToken);
    expect((await a.post('/jwt/refresh', { refreshToken: first })).status).toBe(200);
    expect((await b.post('/jwt/refresh', { refreshToken: first })).status).toBe(401);
  });

  it('trade-off shown: with JWT_REVOCATION=none a JWT logged out on A is still accepted on B until exp', async () => {
    const user = await statelessA.register(uniqueUsername('stateless'), PASSWORD);
    const { credential } = await statelessA.login('/jwt', user.username, PASSWORD);
    expect((await statelessB.get('/jwt/protected', headersFor(credential))).status).toBe(200);
    expect((await statelessA.post('/jwt/logout', {}, headersFor(credential))).status).toBe(204);
    // No store is asked per request, so nothing can tell B about the logout before `exp`.
    expect((await statelessB.get('/jwt/protected', headersFor(credential))).status).toBe(200);
    expect((await statelessA.get('/jwt/protected', headersFor(credential))).status).toBe(200);
    const traits = (await (await statelessB.get('/strategies')).json()) as {
      name: string;
      traits: { revocation: string };
    }[];
    expect(traits).toEqual([
      expect.objectContaining({
        name: 'jwt',
        traits: expect.objectContaining({ revocation: 'until-expiry' }),
      }),
    ]);
  });

  it('the refresh family still ends on logout with JWT_REVOCATION=none (only access tokens live on)', async () => {
    const user = await statelessA.register(uniqueUsername('stateless-refresh'), PASSWORD);
    const { credential, body } = await statelessA.login('/jwt', user.username, PASSWORD);
    expect((await statelessA.post('/jwt/logout', {}, headersFor(credential))).status).toBe(204);
    expect((await statelessB.post('/jwt/refresh', { refreshToken: String(body.refreshToken) })).status).toBe(
      401,
    );
  });

  describe('API_WORKERS=2 on one port', () => {
    let workers: ApiProcess;
    let client: ApiClient;

    beforeAll(async () => {
      workers = await startApiProcess(teardown, { ...SHARED_SECRETS, ...stores.env, API_WORKERS: '2' });
      client = new ApiClient(workers.baseUrl);
      await waitForHealth(workers.baseUrl);
    }, 60_000);

    it('forks two workers under one primary', () => {
      expect(childPids(workers.pid)).toHaveLength(2);
    });

    it('serves many requests, each strategy, with /health 200', async () => {
      const health = await client.get('/health');
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', stores: { postgres: 'up', redis: 'up' } });
      const users = await Promise.all(
        [1, 2, 3, 4, 5, 6].map(() => client.register(uniqueUsername('worker'), PASSWORD)),
      );
      const statuses: number[] = [];
      await Promise.all(
        users.map(async (user, index) => {
          const strategy = STRATEGIES[index % STRATEGIES.length] ?? 'session';
          const { credential } = await client.login(`/${strategy}`, user.username, PASSWORD);
          for (let round = 0; round < 5; round += 1) {
            // A fresh connection each time, so the primary spreads them over both workers.
            const response = await fetch(`${client.baseUrl}/${strategy}/protected`, {
              headers: { ...headersFor(credential), connection: 'close' },
            });
            statuses.push(response.status);
            await response.arrayBuffer();
          }
        }),
      );
      expect(statuses).toEqual(Array<number>(30).fill(200));
    });

    it('accepts credentials minted by the separate processes (one deployment)', async () => {
      const user = await a.register(uniqueUsername('cross'), PASSWORD);
      const { credential } = await a.login('/jwt', user.username, PASSWORD);
      expect((await client.get('/jwt/protected', headersFor(credential))).status).toBe(200);
    });
  });

  it.each([
    ['neither REDIS_URL nor DATABASE_URL', {}],
    ['only REDIS_URL', { REDIS_URL: 'redis://127.0.0.1:1' }],
    ['only DATABASE_URL', { DATABASE_URL: 'postgres://authbench@127.0.0.1:1/postgres' }],
  ])('API_WORKERS=2 with %s refuses to start: exit 1, one line naming API_WORKERS', async (_name, env) => {
    const { code, stderr } = await runApiExpectingExit({ ...SHARED_SECRETS, ...env, API_WORKERS: '2' });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/API_WORKERS/);
  });
});
