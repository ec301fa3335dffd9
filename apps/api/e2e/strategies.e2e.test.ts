// What each strategy adds to the contract, over real HTTP: the session cookie and CSRF,
// JWT refresh rotation, JWKS and revocation modes.

import { createPublicKey, type JsonWebKey, verify as verifySignature } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiClient, headersFor, sessionCookieOf, uniqueUsername } from './support/client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const PASSWORD = 'correct horse battery';

describe('session over HTTP', () => {
  let testApp: TestApp;
  let api: ApiClient;

  beforeAll(async () => {
    testApp = await startTestApp({ AUTH_STRATEGIES: 'session' });
    api = new ApiClient(testApp.baseUrl);
  }, 60_000);

  afterAll(async () => {
    await testApp.close();
  });

  it('sets exactly the contract cookie, and a new id on every login (no fixation)', async () => {
    const user = await api.register(uniqueUsername('cookie'), PASSWORD);
    const first = await api.login('/session', user.username, PASSWORD);
    const cookie = sessionCookieOf(first.response);
    expect(cookie?.name).toBe('sid');
    const attributes = (cookie?.attributes ?? '').split(';').map((part) => part.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(['path=/', 'httponly', 'samesite=lax']));
    expect(attributes).not.toContain('secure');
    expect(first.response.headers.get('cache-control')).toBe('no-store');

    const planted = await api.post(
      '/session/login',
      { username: user.username, password: PASSWORD },
      { cookie: `sid=${first.credential.value}` },
    );
    const second = sessionCookieOf(planted);
    expect(second?.value).toBeDefined();
    expect(second?.value).not.toBe(first.credential.value);
  });

  it('refuses a cross-site logout with 403 and stays logged in', async () => {
    const user = await api.register(uniqueUsername('csrf'), PASSWORD);
    const { credential } = await api.login('/session', user.username, PASSWORD);
    const crossOrigin = await api.post(
      '/session/logout',
      {},
      { ...headersFor(credential), origin: 'https://evil.example' },
    );
    expect(crossOrigin.status).toBe(403);
    expect(crossOrigin.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const crossSite = await api.post(
      '/session/logout',
      {},
      { ...headersFor(credential), 'sec-fetch-site': 'cross-site' },
    );
    expect(crossSite.status).toBe(403);
    expect((await api.get('/session/protected', headersFor(credential))).status).toBe(200);
  });

  it('refuses a cross-site login (login CSRF)', async () => {
    const user = await api.register(uniqueUsername('logincsrf'), PASSWORD);
    const response = await api.post(
      '/session/login',
      { username: user.username, password: PASSWORD },
      { origin: 'https://evil.example' },
    );
    expect(response.status).toBe(403);
    expect(sessionCookieOf(response)).toBeNull();
  });
});

interface LoginBody {
  token: string;
  refreshToken: string;
  tokenType: string;
  expiresIn: number;
}

describe('JWT refresh rotation over HTTP', () => {
  let testApp: TestApp;
  let api: ApiClient;

  beforeAll(async () => {
    testApp = await startTestApp({ AUTH_STRATEGIES: 'jwt' });
    api = new ApiClient(testApp.baseUrl);
  }, 60_000);

  afterAll(async () => {
    await testApp.close();
  });

  async function login(): Promise<LoginBody> {
    const user = await api.register(uniqueUsername('refresh'), PASSWORD);
    return (await api.login('/jwt', user.username, PASSWORD)).body as unknown as LoginBody;
  }

  it('rotates: a refresh gives a new pair, and the old refresh token is spent', async () => {
    const first = await login();
    const refreshed = await api.post('/jwt/refresh', { refreshToken: first.refreshToken });
    expect(refreshed.status).toBe(200);
    const second = (await refreshed.json()) as LoginBody;
    expect(second).toEqual({
      token: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 1800,
      refreshToken: expect.any(String),
    });
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(
      (await api.get('/jwt/protected', headersFor({ kind: 'bearer', value: second.token }))).status,
    ).toBe(200);
  });

  it('reuse of a spent refresh token is 401 and revokes the whole family', async () => {
    const first = await login();
    const second = (await (
      await api.post('/jwt/refresh', { refreshToken: first.refreshToken })
    ).json()) as LoginBody;
    const replay = await api.post('/jwt/refresh', { refreshToken: first.refreshToken });
    expect(replay.status).toBe(401);
    expect((await api.post('/jwt/refresh', { refreshToken: second.refreshToken })).status).toBe(401);
  });

  it('never accepts a refresh token as an access token, nor the reverse', async () => {
    const pair = await login();
    expect(
      (await api.get('/jwt/protected', headersFor({ kind: 'bearer', value: pair.refreshToken }))).status,
    ).toBe(401);
    expect((await api.post('/jwt/refresh', { refreshToken: pair.token })).status).toBe(401);
  });

  it('a bad refresh body is 400 naming the field', async () => {
    const response = await api.post('/jwt/refresh', { refreshToken: 42 });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/^refreshToken/);
  });

  it('has no JWKS for a symmetric algorithm', async () => {
    const response = await api.get('/.well-known/jwks.json');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});

describe.each(['RS256', 'ES256', 'PS256'] as const)(
  'JWT with %s publishes a JWKS that verifies issued tokens',
  (algorithm) => {
    let testApp: TestApp;
    let api: ApiClient;

    beforeAll(async () => {
      testApp = await startTestApp({ AUTH_STRATEGIES: 'jwt', JWT_ALG: algorithm });
      api = new ApiClient(testApp.baseUrl);
    }, 60_000);

    afterAll(async () => {
      await testApp.close();
    });

    it('the key named by kid verifies the token', async () => {
      const user = await api.register(uniqueUsername(algorithm.toLowerCase()), PASSWORD);
      const { body } = await api.login('/jwt', user.username, PASSWORD);
      const [headerPart, payloadPart, signaturePart] = String(body.token).split('.');
      const header = JSON.parse(Buffer.from(headerPart ?? '', 'base64url').toString('utf8')) as {
        kid: string;
        alg: string;
      };
      expect(header.alg).toBe(algorithm);
      const jwks = (await (await api.get('/.well-known/jwks.json')).json()) as {
        keys: (JsonWebKey & { kid: string })[];
      };
      const jwk = jwks.keys.find((key) => key.kid === header.kid);
      expect(jwk).toBeDefined();
      expect(jwk).not.toHaveProperty('d');
      const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
      const data = Buffer.from(`${headerPart}.${payloadPart}`);
      const signature = Buffer.from(signaturePart ?? '', 'base64url');
      const options =
        algorithm === 'ES256'
          ? { key, dsaEncoding: 'ieee-p1363' as const }
          : algorithm === 'PS256'
            ? { key, padding: 6, saltLength: 32 }
            : key;
      expect(verifySignature('sha256', data, options, signature)).toBe(true);
    });
  },
);

describe('JWT_REVOCATION=none: stateless, and honest about it', () => {
  let testApp: TestApp;
  let api: ApiClient;

  beforeAll(async () => {
    testApp = await startTestApp({ AUTH_STRATEGIES: 'jwt', JWT_REVOCATION: 'none' });
    api = new ApiClient(testApp.baseUrl);
  }, 60_000);

  afterAll(async () => {
    await testApp.close();
  });

  it('/strategies says logout cannot revoke before exp', async () => {
    const [jwt] = (await (await api.get('/strategies')).json()) as { traits: Record<string, unknown> }[];
    expect(jwt?.traits).toMatchObject({ stateless: true, revocation: 'until-expiry', lookupsPerRequest: 0 });
  });

  it('a logged-out access token stays valid until exp (the trade-off), its refresh token does not', async () => {
    const user = await api.register(uniqueUsername('stateless'), PASSWORD);
    const { body, credential } = await api.login('/jwt', user.username, PASSWORD);
    expect((await api.post('/jwt/logout', {}, headersFor(credential))).status).toBe(204);
    expect((await api.get('/jwt/protected', headersFor(credential))).status).toBe(200);
    expect((await api.post('/jwt/refresh', { refreshToken: body.refreshToken })).status).toBe(401);
  });
});
