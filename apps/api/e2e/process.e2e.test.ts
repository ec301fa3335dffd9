import { describe, expect, it } from '@jest/globals';
import { ApiClient, headersFor } from './support/client.js';
import { runApiExpectingExit, spawnApi } from './support/spawn-api.js';

describe('the API process', () => {
  it('refuses an invalid PORT with one line naming the variable and exit code 1', async () => {
    const { code, stderr } = await runApiExpectingExit({ PORT: 'eighty' });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/PORT/);
  });

  it.each([
    [{ NODE_ENV: 'production' }, 'SESSION_SECRET'],
    [{ SESSION_SECRET: 'too-short' }, 'SESSION_SECRET'],
    [{ AUTH_STRATEGIES: 'session,cookies' }, 'AUTH_STRATEGIES'],
    [{ AUTH_STRATEGIES: 'token', AUTH_DEFAULT: 'jwt' }, 'AUTH_DEFAULT'],
    [{ JWT_ALG: 'none' }, 'JWT_ALG'],
    [{ LOGIN_RATE_LIMIT: 'lots' }, 'LOGIN_RATE_LIMIT'],
    [{ API_WORKERS: '2' }, 'API_WORKERS'],
  ])('refuses %j with one line naming %s', async (env, variable) => {
    const { code, stderr } = await runApiExpectingExit(env);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(variable);
    expect(stderr).not.toContain('too-short');
  });

  it.each([
    ['express', 'SIGTERM'],
    ['express', 'SIGINT'],
    ['fastify', 'SIGTERM'],
    ['fastify', 'SIGINT'],
  ] as const)('on %s: serves, then shuts down cleanly on %s', async (platform, signal) => {
    const api = await spawnApi({ HTTP_PLATFORM: platform });
    const health = await fetch(`${api.baseUrl}/health`);
    expect(health.status).toBe(200);
    const exit = await api.stop(signal);
    // Nest closes the app, then re-raises the signal so the exit reflects it.
    expect(exit.signal === signal || exit.code === 0).toBe(true);
    expect(api.stderr()).not.toMatch(/error/i);
  });

  it.each(['express', 'fastify'] as const)(
    'on %s: logs every request as JSON with an id, and never a password, token, cookie or query string',
    async (platform) => {
      const api = await spawnApi({ HTTP_PLATFORM: platform, LOG_LEVEL: 'info' });
      try {
        const client = new ApiClient(api.baseUrl);
        const password = 'a-very-distinctive-password';
        const user = await client.register('logger-user', password);
        const session = await client.login('/session', user.username, password);
        const token = await client.login('/token', user.username, password);
        await client.get('/session/protected', headersFor(session.credential));
        await client.get('/token/protected?secret-query=1', {
          ...headersFor(token.credential),
          'x-request-id': 'trace-me-123',
        });
        await new Promise((resolve) => setTimeout(resolve, 200));
        const lines = api
          .stdout()
          .split('\n')
          .filter((line) => line.startsWith('{'));
        const requests = lines.map((line) => JSON.parse(line) as { req?: { id?: string; url?: string } });
        expect(requests.some((entry) => entry.req?.id === 'trace-me-123')).toBe(true);
        expect(requests.filter((entry) => entry.req?.url === '/session/protected')).toHaveLength(1);
        const output = api.stdout() + api.stderr();
        for (const secret of [password, session.credential.value, token.credential.value, 'secret-query']) {
          expect(output).not.toContain(secret);
        }
      } finally {
        await api.stop();
      }
    },
  );
});
