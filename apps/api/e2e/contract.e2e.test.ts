// The contract suite (CONTRACT §2, STYLE #10): one suite, every strategy, mounted under its
// own prefix and again as AUTH_DEFAULT at the root paths.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../src/config/config.js';
import { ApiClient, type Credential, headersFor, tamper, uniqueUsername } from './support/client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Every strategy of the catalog, with what the suite must know of it from its descriptor
 * alone: how its credential travels and how long a fresh one lives (default configuration).
 */
const DEFAULTS = loadConfig({ DATA_DIR: ':memory:' });
const STRATEGIES = DEFAULTS.strategies.map(({ descriptor }) => descriptor.name);
type Strategy = string;
const DESCRIPTION = new Map(
  DEFAULTS.strategies.map(({ descriptor, settings }) => [
    descriptor.name,
    { transport: descriptor.transport, page: descriptor.describeForPage(settings, DEFAULTS.app) },
  ]),
);
const isCookie = (strategy: Strategy): boolean => DESCRIPTION.get(strategy)?.transport === 'cookie';
const ttlOf = (strategy: Strategy): number => DESCRIPTION.get(strategy)?.page.lifetimeSeconds ?? Number.NaN;
const cookieNameOf = (strategy: Strategy): string => {
  const credential = DESCRIPTION.get(strategy)?.page.credential;
  return credential?.format === 'cookie' ? credential.cookieName : 'sid';
};
const PASSWORD = 'correct horse battery';
const BEARER_REALM = 'Bearer realm="authbench"';
const BEARER_INVALID = 'Bearer realm="authbench", error="invalid_token"';

/** CONTRACT §1 `HTTP_PLATFORM`: every strategy keeps the whole contract on both. */
const PLATFORMS = ['express', 'fastify'] as const;

const mountings = PLATFORMS.flatMap((platform) => [
  ...STRATEGIES.map((strategy) => ({ platform, strategy, label: `/${strategy}`, defaultOf: undefined })),
  ...STRATEGIES.map((strategy) => ({
    platform,
    strategy,
    label: `root (AUTH_DEFAULT=${strategy})`,
    defaultOf: strategy,
  })),
]);

/** The problem `type` of a refusal with this code (CONTRACT §2: `urn:authbench:problem:<code>`). */
const problemType = (code: string): string => `urn:authbench:problem:${code}`;

async function expectUnauthorized(
  response: Response,
  strategy: Strategy,
  sentCredential: boolean,
  /** The refusal's code; several where strategies legitimately differ; null: not pinned. */
  codes: string | readonly string[] | null,
): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await response.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ status: 401, title: 'Unauthorized' });
  if (codes !== null) {
    const allowed = (typeof codes === 'string' ? [codes] : codes).map(problemType);
    expect(allowed).toContain(body.type);
  }
  if (!isCookie(strategy)) {
    expect(response.headers.get('www-authenticate')).toBe(sentCredential ? BEARER_INVALID : BEARER_REALM);
  }
}

describe('the tamper helper', () => {
  it('flips a signature character of a percent-encoded session cookie and keeps the escapes valid', () => {
    // A signature ending in `/` is sent as `%2F`: position length-3 of the raw value is the `2`.
    const raw = encodeURIComponent('s:abcdef.SIGNATURExyz/Q');
    expect(raw.endsWith('%2FQ')).toBe(true);
    const flipped = tamper({ kind: 'cookie', value: raw, cookieName: 'sid' }).value;
    expect(decodeURIComponent(flipped)).toBe('s:abcdef.SIGNATURExyA/Q');
  });

  it('flips the third character from the end of a bearer token', () => {
    expect(tamper({ kind: 'bearer', value: 'aaa.bbb.cdAef' }).value).toBe('aaa.bbb.cdBef');
  });
});

describe.each(mountings)(
  'contract on $platform: $strategy at $label',
  ({ platform, strategy, defaultOf }) => {
    let testApp: TestApp;
    let api: ApiClient;
    const prefix = defaultOf === undefined ? `/${strategy}` : '';

    beforeAll(async () => {
      testApp = await startTestApp({
        HTTP_PLATFORM: platform,
        LOGIN_RATE_LIMIT: '5/60',
        ...(defaultOf === undefined ? {} : { AUTH_DEFAULT: defaultOf }),
      });
      api = new ApiClient(testApp.baseUrl);
    }, 60_000);

    afterAll(async () => {
      await testApp.close();
    });

    afterEach(() => {
      testApp.clock.reset();
    });

    async function loggedIn(stem: string): Promise<{
      user: { id: string; username: string };
      credential: Credential;
      body: Record<string, unknown>;
    }> {
      const user = await api.register(uniqueUsername(stem), PASSWORD);
      const { credential, body } = await api.login(prefix, user.username, PASSWORD);
      return { user, credential, body };
    }

    const protectedWith = (credential: Credential | null): Promise<Response> =>
      api.get(`${prefix}/protected`, headersFor(credential));

    it('register → login → protected 200 → logout 204 → protected 401', async () => {
      const { user, credential, body } = await loggedIn('life');
      if (isCookie(strategy)) {
        expect(body).toEqual({ user: { id: user.id, username: user.username } });
      } else {
        expect(body).toMatchObject({
          token: expect.any(String),
          tokenType: 'Bearer',
          expiresIn: ttlOf(strategy),
        });
        if (DESCRIPTION.get(strategy)?.page.actions.includes('refresh')) {
          expect(body.refreshToken).toEqual(expect.any(String));
        }
      }

      const ok = await protectedWith(credential);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({
        message: expect.any(String),
        strategy,
        user: { id: user.id, username: user.username },
      });

      const logout = await api.post(`${prefix}/logout`, {}, headersFor(credential));
      expect(logout.status).toBe(204);
      await expectUnauthorized(await protectedWith(credential), strategy, true, 'revoked');
    });

    it('a missing credential is 401 (RFC 6750 challenge without an error code for bearer)', async () => {
      await expectUnauthorized(await protectedWith(null), strategy, false, 'missing-credential');
    });

    it.each<[string, string, string | null]>([
      ['garbage', 'not-a-credential', 'malformed-credential'],
      ['empty-ish', '.', 'malformed-credential'],
      // Refused by the 8 KiB header rule before any strategy reads it.
      ['huge', 'a'.repeat(9 * 1024), null],
      ['non-ASCII', 'tökén.ßig', 'malformed-credential'],
    ])('a malformed credential (%s) is 401', async (_name, value, code) => {
      const credential: Credential = isCookie(strategy)
        ? { kind: 'cookie', value }
        : { kind: 'bearer', value };
      await expectUnauthorized(await protectedWith(credential), strategy, true, code);
    });

    it('a tampered credential is 401 and the genuine one still works', async () => {
      const { credential } = await loggedIn('tamper');
      await expectUnauthorized(await protectedWith(tamper(credential)), strategy, true, 'invalid-signature');
      expect((await protectedWith(credential)).status).toBe(200);
    });

    it('an expired credential is 401 (injected clock)', async () => {
      const { credential } = await loggedIn('expiry');
      testApp.clock.advanceSeconds(ttlOf(strategy) + 5);
      await expectUnauthorized(await protectedWith(credential), strategy, true, 'expired');
    });

    it("another strategy's credential is 401", async () => {
      const user = await api.register(uniqueUsername('cross'), PASSWORD);
      for (const other of STRATEGIES.filter((name) => name !== strategy)) {
        const { credential } = await api.login(`/${other}`, user.username, PASSWORD);
        const response = await protectedWith(credential);
        expect(response.status).toBe(401);
      }
    });

    it('a credential of a deleted user is 401', async () => {
      const { user, credential } = await loggedIn('deleted');
      await testApp.deleteUser(user.id);
      // Strategies that read the user say so; the others have revoked everything at deletion.
      await expectUnauthorized(await protectedWith(credential), strategy, true, ['unknown-user', 'revoked']);
    });

    it('logout-all ends every credential of that user for this strategy', async () => {
      const user = await api.register(uniqueUsername('everywhere'), PASSWORD);
      const logins = await Promise.all([1, 2, 3].map(() => api.login(prefix, user.username, PASSWORD)));
      for (const { credential } of logins) expect((await protectedWith(credential)).status).toBe(200);
      const [first] = logins;
      if (first === undefined) throw new Error('no login');
      expect((await api.post(`${prefix}/logout-all`, {}, headersFor(first.credential))).status).toBe(204);
      for (const { credential } of logins)
        await expectUnauthorized(await protectedWith(credential), strategy, true, 'revoked');
    });

    it('wrong password and unknown user are indistinguishable', async () => {
      const user = await api.register(uniqueUsername('oracle'), PASSWORD);
      const wrongPassword = await api.post(`${prefix}/login`, {
        username: user.username,
        password: 'not the password',
      });
      const unknownUser = await api.post(`${prefix}/login`, {
        username: uniqueUsername('ghost'),
        password: 'not the password',
      });
      expect(wrongPassword.status).toBe(401);
      expect(unknownUser.status).toBe(401);
      expect(await wrongPassword.text()).toBe(await unknownUser.text());
      for (const header of [
        'content-type',
        'content-length',
        'www-authenticate',
        'set-cookie',
        'retry-after',
      ]) {
        expect(unknownUser.headers.get(header)).toBe(wrongPassword.headers.get(header));
      }
    });

    it('brute force is refused with 429 and Retry-After', async () => {
      const user = await api.register(uniqueUsername('brute'), PASSWORD);
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 6; attempt += 1) {
        statuses.push(
          (await api.post(`${prefix}/login`, { username: user.username, password: 'guess guess' })).status,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
      const blocked = await api.post(`${prefix}/login`, { username: user.username, password: PASSWORD });
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    it.each([
      [{ username: 'someone' }, 'password'],
      [{ password: PASSWORD }, 'username'],
      [{ username: 42, password: PASSWORD }, 'username'],
      [[1, 2], 'body'],
    ])('a bad login body %j is 400 naming %s', async (body, field) => {
      const response = await api.post(`${prefix}/login`, body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { detail: string }).detail).toMatch(new RegExp(`^${field}`));
    });

    it('never accepts a credential from the query string', async () => {
      const { credential } = await loggedIn('query');
      const name = isCookie(strategy) ? cookieNameOf(strategy) : 'access_token';
      const response = await api.get(`${prefix}/protected?${name}=${encodeURIComponent(credential.value)}`);
      expect(response.status).toBe(401);
    });
  },
);
