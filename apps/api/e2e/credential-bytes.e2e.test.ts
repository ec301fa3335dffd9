// "Never a 500 … whatever bytes a claim holds" (CONTRACT §2 Limits): credentials minted with
// the real secrets, so that every check before the store passes and the claim reaches it.
import { createHmac } from 'node:crypto';
import { URLSafeTimedSerializer } from '@authbench/itsdangerous';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ApiClient, uniqueUsername } from './support/client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const TOKEN_SECRET = 't'.repeat(40);
const JWT_SECRET = 'j'.repeat(40);

let testApp: TestApp;
let client: ApiClient;
let userId: string;
/** Header and claims of a real access and refresh JWT: the templates the forgeries vary. */
let accessTemplate: JwtParts;
let refreshTemplate: JwtParts;

interface JwtParts {
  readonly header: Record<string, unknown>;
  readonly claims: Record<string, unknown>;
}

function partsOf(token: string): JwtParts {
  const [header = '', claims = ''] = token.split('.');
  const decode = (part: string) =>
    JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: decode(header), claims: decode(claims) };
}

/** HS256 with JWT_SECRET: what the app itself would sign, claims changed. */
function signJwt({ header, claims }: JwtParts): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
  const input = `${encode(header)}.${encode(claims)}`;
  return `${input}.${createHmac('sha256', JWT_SECRET).update(input).digest('base64url')}`;
}

const tokenSerializer = new URLSafeTimedSerializer([TOKEN_SECRET], { salt: 'authbench.token' });

function signToken(sub: string, jti: string, ver = 0): string {
  return tokenSerializer.dumps({ sub, ver, jti });
}

beforeAll(async () => {
  testApp = await startTestApp({ TOKEN_SECRET, JWT_SECRET, LOGIN_RATE_LIMIT: '100000/60' });
  client = new ApiClient(testApp.baseUrl);
  const username = uniqueUsername('bytes');
  ({ id: userId } = await client.register(username, 'correct horse battery'));
  const jwt = await client.login('/jwt', username, 'correct horse battery');
  accessTemplate = partsOf(String(jwt.body.token));
  refreshTemplate = partsOf(String(jwt.body.refreshToken));
}, 60_000);

afterAll(async () => {
  await testApp?.close();
});

/** Strings a claim may hold: NUL, lone surrogates, control bytes, 10 KB, the real id spoiled. */
const nasty = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: 64 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }).map((tail) => `${userId}${tail}`),
    fc.constantFrom(
      '\u0000',
      `${userId}\u0000`,
      `\u0000${userId}`,
      '\ud800',
      '\udfff',
      `${userId}\ud800`,
      '\uffff',
      '\u001b[0m',
      'x'.repeat(10_240),
      '\u0000'.repeat(10_240),
      "' OR '1'='1",
      '',
    ),
  );

async function expectRefused(response: Response, allowed: readonly number[] = [401]): Promise<void> {
  const body = await response.text();
  expect({ status: response.status, body }).toEqual({ status: expect.any(Number), body: expect.any(String) });
  if (!allowed.includes(response.status)) throw new Error(`status ${response.status}: ${body}`);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
}

/** Over 16 KiB of headers Node itself answers 431 (CONTRACT §2 allows it); below, 401. */
function allowedFor(credential: string): readonly number[] {
  return `Bearer ${credential}`.length > 8 * 1024 ? [401, 431] : [401];
}

describe('credential bytes never cause a 500', () => {
  it('a signed token with any sub or jti is a 401 problem', async () => {
    await fc.assert(
      fc.asyncProperty(nasty(), nasty(), fc.boolean(), async (sub, jti, keepJti) => {
        const token = signToken(sub, keepJti ? 'abcdefghijklmnopqrstuv' : jti);
        const response = await client.get('/token/protected', { authorization: `Bearer ${token}` });
        await expectRefused(response, allowedFor(token));
      }),
      { numRuns: 60 },
    );
  });

  it('a JWT with any sub or jti is never a 500, as access and as refresh token', async () => {
    await fc.assert(
      fc.asyncProperty(nasty(), nasty(), fc.boolean(), async (sub, jti, keepSub) => {
        const claims = { sub: keepSub ? userId : sub, jti };
        const access = signJwt({ ...accessTemplate, claims: { ...accessTemplate.claims, ...claims } });
        const refresh = signJwt({ ...refreshTemplate, claims: { ...refreshTemplate.claims, ...claims } });
        // An access JWT is verified by signature alone: whatever its signer wrote passes (200)
        // or is refused (401/431), never a 500.
        const protectedResponse = await client.get('/jwt/protected', { authorization: `Bearer ${access}` });
        if (protectedResponse.status === 200) await protectedResponse.text();
        else await expectRefused(protectedResponse, allowedFor(access));
        // A refresh token reads the user and the login's state: refused, never a 500.
        await expectRefused(await client.post('/jwt/refresh', { refreshToken: refresh }), [401, 413]);
      }),
      { numRuns: 60 },
    );
  });

  it('the exact forgeries of the review: NUL in sub and jti', async () => {
    const token = signToken('a\u0000b', 'abcdefghijklmnopqrstuv');
    await expectRefused(await client.get('/token/protected', { authorization: `Bearer ${token}` }));
    const refresh = signJwt({ ...refreshTemplate, claims: { ...refreshTemplate.claims, sub: 'a\u0000b' } });
    await expectRefused(await client.post('/jwt/refresh', { refreshToken: refresh }));
  });

  it('a signed token whose sub names no user is refused as unknown_user', async () => {
    const token = signToken('no-such-user', 'abcdefghijklmnopqrstuv');
    const response = await client.get('/token/protected', { authorization: `Bearer ${token}` });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const body = (await response.json()) as { type: string; detail: string };
    expect(body.detail).toBe('The credential names no current user.');
  });

  it('usernames with any bytes at register and login are 4xx, never 500', async () => {
    await fc.assert(
      fc.asyncProperty(nasty(), async (username) => {
        const register = await client.post('/register', { username, password: 'correct horse battery' });
        expect([201, 400, 409, 413]).toContain(register.status);
        await register.text();
        for (const strategy of ['session', 'token', 'jwt']) {
          const login = await client.post(`/${strategy}/login`, { username, password: 'wrong password!' });
          expect([400, 401, 413]).toContain(login.status);
          await login.text();
        }
      }),
      { numRuns: 30 },
    );
  });
});
