// Issue #14 item 3, the refusals' own cost: once a per-address limit has refused an address, its
// next logins and registrations are refused before the accounts are asked (no look-up, no hash,
// no Nest pipeline; on fastify before the body is read), with the answer the normal path gives:
// the same status, problem+json body, Retry-After, security headers, Cache-Control on a login,
// and the request's log line with its id. On both HTTP platforms. Not timed: the CPU it saves is
// measured by benchmarks/scripts/refusal-cpu.mjs.
// Loopback is 127.0.0.0/8 on Linux, so each test binds its own source address.
import type { UserAccounts } from '@authbench/auth-accounts';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { AuthInfrastructure } from '../src/auth/infrastructure.js';
import { AUTH_INFRASTRUCTURE } from '../src/auth/tokens.js';
import { ApiClient, postFrom, uniqueUsername } from './support/client.js';
import { type SpawnedApi, spawnApi } from './support/spawn-api.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const PASSWORD = 'correct horse battery';
/** 1 failure per (username, address), so 5 per address (5N) and 30 attempts (30N) a minute. */
const LIMIT = '1/60';
const ADDRESS_FAILURES = 5;
const PLATFORMS = ['express', 'fastify'] as const;

/** What every refusal carries, whichever path answered it (CONTRACT §2). */
function expectRefusalHeaders(response: Response, retryAfterAtMost: number): void {
  expect(response.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(retryAfterAtMost);
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
}

/** Header names a refusal answered by the normal path carries; ETag and Date aside. */
function headerNames(response: Response): string[] {
  return [...response.headers.keys()].filter((name) => name !== 'etag' && name !== 'date').sort();
}

/** Spends an address's per-address failure budget: the last answer comes from the normal path. */
async function spendLoginBudget(baseUrl: string, from: string): Promise<Response> {
  let last: Response | undefined;
  // The first failure per username is a password check (401); the pair limit refuses the rest
  // (429), and every one of them counts against the address until its budget is spent.
  for (let i = 0; i <= ADDRESS_FAILURES; i += 1) {
    last = await postFrom(baseUrl, from, '/token/login', { username: 'nobody-here', password: 'wrong' });
    await last.clone().text();
  }
  return last as Response;
}

describe.each(PLATFORMS)('early refusals on %s', (platform) => {
  let testApp: TestApp;
  let accounts: UserAccounts;

  beforeAll(async () => {
    testApp = await startTestApp({ HTTP_PLATFORM: platform, LOGIN_RATE_LIMIT: LIMIT });
    accounts = testApp.app.get<AuthInfrastructure>(AUTH_INFRASTRUCTURE).accounts;
  }, 120_000);

  afterEach(() => {
    jest.restoreAllMocks();
  });

  afterAll(async () => {
    await testApp.close();
  });

  it('a spent address gets 429 for every login, before the accounts are asked, as the normal path answers it', async () => {
    const from = platform === 'express' ? '127.0.31.1' : '127.0.32.1';
    const normal = await spendLoginBudget(testApp.baseUrl, from);
    expect(normal.status).toBe(429);
    const normalBody = await normal.json();

    const verifyLogin = jest.spyOn(accounts, 'verifyLogin');
    // Any username, any strategy, any body: the address alone is refused.
    const answers = [
      await postFrom(testApp.baseUrl, from, '/token/login', { username: 'someone-else', password: PASSWORD }),
      await postFrom(testApp.baseUrl, from, '/session/login', {
        username: uniqueUsername('x'),
        password: 'x',
      }),
      await postFrom(testApp.baseUrl, from, '/jwt/login?next=1', { nonsense: true }),
    ];
    expect(verifyLogin).not.toHaveBeenCalled();
    for (const answer of answers) {
      expect(answer.status).toBe(429);
      expect(await answer.json()).toEqual(normalBody);
      expect(normalBody).toEqual({
        type: 'urn:authbench:problem:too-many-attempts',
        title: 'Too Many Requests',
        status: 429,
        detail: 'Too many failed logins; try again later.',
      });
      expectRefusalHeaders(answer, 60);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(headerNames(answer)).toEqual(headerNames(normal));
    }
  }, 120_000);

  it('another address is not refused by it, and an unmounted login path stays a 404', async () => {
    const spent = platform === 'express' ? '127.0.31.2' : '127.0.32.2';
    await spendLoginBudget(testApp.baseUrl, spent);
    const elsewhere = await postFrom(
      testApp.baseUrl,
      platform === 'express' ? '127.0.31.3' : '127.0.32.3',
      '/token/login',
      { username: uniqueUsername('other'), password: 'wrong' },
    );
    expect(elsewhere.status).toBe(401);
    // No AUTH_DEFAULT here: `/login` is not a route, refused address or not.
    expect((await postFrom(testApp.baseUrl, spent, '/login', { username: 'a', password: 'b' })).status).toBe(
      404,
    );
    expect(
      (await postFrom(testApp.baseUrl, spent, '/nope/login', { username: 'a', password: 'b' })).status,
    ).toBe(404);
  }, 120_000);

  it('a spent registration budget gets 429 before the accounts are asked, without Cache-Control', async () => {
    const from = platform === 'express' ? '127.0.33.1' : '127.0.34.1';
    const register = () =>
      postFrom(testApp.baseUrl, from, '/register', { username: uniqueUsername('reg'), password: PASSWORD });
    // 20 registrations per address per 10 minutes; the 21st is refused by the normal path.
    for (let i = 0; i < 20; i += 1) expect((await register()).status).toBe(201);
    const normal = await register();
    expect(normal.status).toBe(429);
    const normalBody = await normal.json();

    const registerSpy = jest.spyOn(accounts, 'register');
    const early = await register();
    expect(registerSpy).not.toHaveBeenCalled();
    expect(early.status).toBe(429);
    expect(await early.json()).toEqual(normalBody);
    expect(normalBody).toMatchObject({ type: 'urn:authbench:problem:too-many-registrations', status: 429 });
    expectRefusalHeaders(early, 600);
    expect(early.headers.get('cache-control')).toBeNull();
    expect(headerNames(early)).toEqual(headerNames(normal));
  }, 300_000);
});

describe.each(PLATFORMS)('early refusals behind a proxy on %s (TRUST_PROXY=1)', (platform) => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp({ HTTP_PLATFORM: platform, LOGIN_RATE_LIMIT: LIMIT, TRUST_PROXY: '1' });
  }, 120_000);

  afterAll(async () => {
    await testApp.close();
  });

  it('key on the forwarded client address, as the limiter does: one client spent, the next not', async () => {
    const client = new ApiClient(testApp.baseUrl);
    const login = (forwardedFor: string) =>
      client.post(
        '/token/login',
        { username: 'nobody-here', password: 'wrong' },
        { 'x-forwarded-for': forwardedFor },
      );
    const statuses: number[] = [];
    for (let i = 0; i <= ADDRESS_FAILURES + 1; i += 1) {
      const response = await login('198.51.100.30');
      await response.text();
      statuses.push(response.status);
    }
    expect(statuses[0]).toBe(401);
    expect(statuses.slice(1)).toEqual(Array(ADDRESS_FAILURES + 1).fill(429));
    // Same socket address (the proxy's), another client behind it: not refused.
    expect((await login('198.51.100.31')).status).toBe(401);
  }, 120_000);
});

describe.each(PLATFORMS)('the log line of an early refusal on %s', (platform) => {
  let api: SpawnedApi;

  beforeAll(async () => {
    api = await spawnApi({ HTTP_PLATFORM: platform, LOG_LEVEL: 'info', LOGIN_RATE_LIMIT: LIMIT }, 120_000);
  }, 180_000);

  afterAll(async () => {
    await api.stop();
  });

  it('is written with the request id and the 429, like any request', async () => {
    const login = (headers: Record<string, string> = {}) =>
      fetch(`${api.baseUrl}/token/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ username: 'nobody-here', password: 'wrong' }),
      });
    // fetch comes from 127.0.0.1: spend that address's budget (the last of these is refused).
    for (let i = 0; i <= ADDRESS_FAILURES; i += 1) await (await login()).text();
    const id = `early-refusal-${platform}`;
    const refused = await login({ 'x-request-id': id });
    await refused.text();
    expect(refused.status).toBe(429);
    let line: { req?: { id?: string; url?: string }; res?: { statusCode?: number } } | undefined;
    for (let waited = 0; line === undefined && waited < 100; waited += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      line = api
        .stdout()
        .split('\n')
        .filter((text) => text.startsWith('{'))
        .map((text) => JSON.parse(text) as NonNullable<typeof line>)
        .filter((entry) => entry.req?.id === id)
        .at(-1);
    }
    expect(line).toMatchObject({ req: { id, url: '/token/login' }, res: { statusCode: 429 } });
  }, 180_000);
});
