import { describe, expect, it } from '@jest/globals';
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

  it.each(['SIGTERM', 'SIGINT'] as const)('serves, then shuts down cleanly on %s', async (signal) => {
    const api = await spawnApi({});
    const health = await fetch(`${api.baseUrl}/health`);
    expect(health.status).toBe(200);
    const exit = await api.stop(signal);
    // Nest closes the app, then re-raises the signal so the exit reflects it.
    expect(exit.signal === signal || exit.code === 0).toBe(true);
    expect(api.stderr()).not.toMatch(/error/i);
  });
});
