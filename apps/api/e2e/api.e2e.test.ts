// Strategy-independent parts of CONTRACT §2: users, /strategies, /health, limits, errors.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiClient, uniqueUsername } from './support/client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

async function expectProblem(response: Response, status: number): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toEqual(
    expect.objectContaining({
      type: expect.any(String),
      title: expect.any(String),
      status,
      detail: expect.any(String),
    }),
  );
  return body;
}

/** CONTRACT §1 `HTTP_PLATFORM`: the same API on both platforms. */
describe.each(['express', 'fastify'] as const)('on %s', (platform) => {
  let testApp: TestApp;
  let api: ApiClient;

  beforeAll(async () => {
    testApp = await startTestApp({ HTTP_PLATFORM: platform });
    api = new ApiClient(testApp.baseUrl);
  }, 60_000);

  afterAll(async () => {
    await testApp.close();
  });

  describe('POST /register', () => {
    it('creates a user: 201 { id, username } with the NFKC-normalised name', async () => {
      const response = await api.post('/register', { username: 'Ｎｆｋｃ-user', password: 'long enough' });
      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({ id: expect.any(String), username: 'Nfkc-user' });
    });

    it('refuses duplicate and case-variant usernames with 409', async () => {
      const name = uniqueUsername('Dup');
      await api.register(name, 'long enough');
      await expectProblem(await api.post('/register', { username: name, password: 'long enough' }), 409);
      await expectProblem(
        await api.post('/register', { username: name.toLowerCase(), password: 'long enough' }),
        409,
      );
      await expectProblem(
        await api.post('/register', { username: name.toUpperCase(), password: 'long enough' }),
        409,
      );
    });

    it.each([
      [{ username: 'ab', password: 'long enough' }, 'username'],
      [{ username: 'has space', password: 'long enough' }, 'username'],
      [{ username: 'fine-name', password: 'short' }, 'password'],
      [{ username: 'fine-name' }, 'password'],
      [['a', 'b'], 'body'],
    ])('refuses %j with 400 naming %s', async (body, field) => {
      const problem = await expectProblem(await api.post('/register', body), 400);
      expect(problem.detail).toMatch(new RegExp(`^${field}`));
    });
  });

  describe('limits and errors', () => {
    it('an unknown route is a 404 problem', async () => {
      await expectProblem(await api.get('/nope'), 404);
      await expectProblem(await api.get('/nope/protected'), 404);
    });

    it('root routes are 404 when AUTH_DEFAULT is unset', async () => {
      await expectProblem(await api.get('/protected'), 404);
    });

    it('malformed JSON is a 400 problem that does not echo parser internals', async () => {
      const response = await fetch(`${testApp.baseUrl}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"username": ',
      });
      expect((await expectProblem(response, 400)).detail).toBe('The request body is not valid JSON.');
    });

    it('a body over 16 KiB is a 413 problem', async () => {
      await expectProblem(
        await api.post('/register', { username: 'x'.repeat(17 * 1024), password: 'pw' }),
        413,
      );
    });

    it('a body that is not JSON is a 415 problem', async () => {
      const response = await fetch(`${testApp.baseUrl}/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'username=alice&password=secret123',
      });
      await expectProblem(response, 415);
    });

    it('an oversized Authorization header is refused, never a 500', async () => {
      const response = await api.get('/token/protected', {
        authorization: `Bearer ${'a'.repeat(12 * 1024)}`,
      });
      expect([401, 431]).toContain(response.status);
    });

    it('does not announce the framework', async () => {
      expect((await api.get('/health')).headers.get('x-powered-by')).toBeNull();
    });
  });

  describe('GET /strategies', () => {
    it('lists every mounted strategy with its prefix and traits', async () => {
      const response = await api.get('/strategies');
      expect(response.status).toBe(200);
      const strategies = (await response.json()) as {
        name: string;
        prefix: string;
        traits: Record<string, unknown>;
      }[];
      expect(strategies.map((strategy) => strategy.name)).toEqual(['session', 'token', 'jwt', 'opaque']);
      for (const strategy of strategies) {
        expect(strategy.prefix).toBe(`/${strategy.name}`);
        expect(strategy.traits).toEqual({
          stateless: expect.any(Boolean),
          revocation: expect.stringMatching(/^(immediate|until-expiry)$/),
          serverStatePerLogin: expect.any(String),
          lookupsPerRequest: expect.any(Number),
          transport: strategy.name === 'session' ? 'cookie' : 'bearer',
        });
      }
    });
  });

  describe('GET /health and the API description', () => {
    it('reports ok and the embedded stores', async () => {
      const response = await api.get('/health');
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        status: 'ok',
        platform,
        stores: expect.objectContaining({ users: 'embedded' }),
      });
    });

    it('serves the OpenAPI document and Swagger UI', async () => {
      const document = await api.get('/openapi.json');
      expect(document.status).toBe(200);
      const description = (await document.json()) as { openapi: string; paths: Record<string, unknown> };
      expect(description.openapi).toMatch(/^3\./);
      expect(Object.keys(description.paths)).toEqual(
        expect.arrayContaining([
          '/register',
          '/strategies',
          '/health',
          '/{strategy}/login',
          '/{strategy}/protected',
          '/jwt/refresh',
        ]),
      );
      expect((await api.get('/docs')).status).toBe(200);
    });
  });
});
