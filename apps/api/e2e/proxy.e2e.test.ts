// TRUST_PROXY (CONTRACT §1): forwarding headers are believed only from trusted proxies, and
// then consistently — the login rate limiter's client address, the session's same-origin check
// and its Secure-cookie decision. The "proxy" here is the test itself, on loopback, adding the
// headers a TLS-terminating nginx would add.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { ApiClient, sessionCookieOf, uniqueUsername } from './support/client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const PASSWORD = 'correct horse battery';
const WRONG = 'wrong password!';

/** What a TLS-terminating proxy for https://app.example adds, for a client at `clientAddress`. */
function viaTlsProxy(clientAddress: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'x-forwarded-for': clientAddress,
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'app.example',
    ...extra,
  };
}

/** Fails `count` logins for `username` with these headers; returns the statuses. */
async function failLogins(
  client: ApiClient,
  username: string,
  count: number,
  headers: Record<string, string>,
): Promise<number[]> {
  const statuses: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const response = await client.post('/token/login', { username, password: WRONG }, headers);
    await response.text();
    statuses.push(response.status);
  }
  return statuses;
}

describe('TRUST_PROXY is validated at start-up', () => {
  const load = (value: string) => loadConfig({ TRUST_PROXY: value, DATA_DIR: ':memory:' }).TRUST_PROXY;

  it('takes a hop count or proxy addresses/CIDRs', () => {
    expect(load('1')).toBe(1);
    expect(load('10.0.0.0/8, 192.168.1.10,::1/128')).toEqual(['10.0.0.0/8', '192.168.1.10', '::1/128']);
    expect(load('loopback')).toEqual(['loopback']);
    expect(loadConfig({ DATA_DIR: ':memory:' }).TRUST_PROXY).toBeUndefined();
    expect(loadConfig({ TRUST_PROXY: '', DATA_DIR: ':memory:' }).TRUST_PROXY).toBeUndefined();
  });

  it.each(['true', 'nginx', '10.0.0.0/33', '1.2.3', '10.0.0.1,', '-1'])(
    'refuses %j with one line naming the variable',
    (value) => {
      expect(() => load(value)).toThrow(ConfigError);
      expect(() => load(value)).toThrow(/^invalid configuration: TRUST_PROXY: /);
    },
  );
});

/** CONTRACT §1: TRUST_PROXY means the same on both HTTP platforms (both use proxy-addr). */
describe.each(['express', 'fastify'] as const)('on %s', (platform) => {
  describe('TRUST_PROXY unset: forwarding headers are ignored', () => {
    let app: TestApp;
    let secureApp: TestApp;
    let client: ApiClient;

    beforeAll(async () => {
      app = await startTestApp({ HTTP_PLATFORM: platform, LOGIN_RATE_LIMIT: '2/60' });
      secureApp = await startTestApp({ HTTP_PLATFORM: platform, COOKIE_SECURE: 'true' });
      client = new ApiClient(app.baseUrl);
    }, 60_000);

    afterAll(async () => {
      await app?.close();
      await secureApp?.close();
    });

    it('a spoofed X-Forwarded-For does not change the rate limiter key', async () => {
      const username = uniqueUsername('spoof');
      await client.register(username, PASSWORD);
      expect(await failLogins(client, username, 2, { 'x-forwarded-for': '203.0.113.1' })).toEqual([401, 401]);
      // Another "address" is still the same socket, so the same bucket.
      expect(await failLogins(client, username, 1, { 'x-forwarded-for': '203.0.113.2' })).toEqual([429]);
    });

    it('a spoofed X-Forwarded-Proto/-Host does not make a cross-origin https Origin pass', async () => {
      const username = uniqueUsername('csrf');
      await client.register(username, PASSWORD);
      for (const origin of ['https://app.example', `https://${new URL(app.baseUrl).host}`]) {
        const response = await client.post(
          '/session/login',
          { username, password: PASSWORD },
          viaTlsProxy('203.0.113.3', { origin }),
        );
        expect({ origin, status: response.status }).toEqual({ origin, status: 403 });
        expect(sessionCookieOf(response)).toBeNull();
      }
    });

    it('a spoofed X-Forwarded-Proto does not make the request secure (Secure cookie refused over http)', async () => {
      const secure = new ApiClient(secureApp.baseUrl);
      const username = uniqueUsername('insecure');
      await secure.register(username, PASSWORD);
      const response = await secure.post(
        '/session/login',
        { username, password: PASSWORD },
        { 'x-forwarded-proto': 'https' },
      );
      expect(response.status).toBe(403);
      expect(sessionCookieOf(response)).toBeNull();
    });
  });

  describe('TRUST_PROXY=1: the forwarding headers of the proxy in front are believed', () => {
    let app: TestApp;
    let client: ApiClient;

    beforeAll(async () => {
      app = await startTestApp({
        HTTP_PLATFORM: platform,
        TRUST_PROXY: '1',
        COOKIE_SECURE: 'true',
        LOGIN_RATE_LIMIT: '2/60',
      });
      client = new ApiClient(app.baseUrl);
    }, 60_000);

    afterAll(async () => {
      await app?.close();
    });

    it('a browser-style session login through a TLS proxy: same-origin https, Secure cookie, then use and logout', async () => {
      const username = uniqueUsername('browser');
      await client.register(username, PASSWORD);
      const browser = (extra: Record<string, string> = {}) =>
        viaTlsProxy('198.51.100.7', {
          origin: 'https://app.example',
          'sec-fetch-site': 'same-origin',
          ...extra,
        });
      const login = await client.post('/session/login', { username, password: PASSWORD }, browser());
      expect(login.status).toBe(200);
      const cookie = sessionCookieOf(login);
      expect(cookie?.name).toBe('__Host-sid');
      expect(cookie?.attributes).toMatch(/;\s*Secure/i);
      const cookieHeader = { cookie: `${cookie?.name}=${cookie?.value}` };
      expect((await client.get('/session/protected', browser(cookieHeader))).status).toBe(200);
      const logout = await fetch(`${app.baseUrl}/session/logout`, {
        method: 'POST',
        headers: browser(cookieHeader),
      });
      expect(logout.status).toBe(204);
    });

    it('still refuses another site’s Origin behind the proxy', async () => {
      const username = uniqueUsername('evil');
      await client.register(username, PASSWORD);
      const response = await client.post(
        '/session/login',
        { username, password: PASSWORD },
        viaTlsProxy('198.51.100.8', { origin: 'https://evil.example' }),
      );
      expect(response.status).toBe(403);
    });

    it('a plain-http request through the proxy gets no Secure cookie (login refused)', async () => {
      const username = uniqueUsername('plain');
      await client.register(username, PASSWORD);
      const response = await client.post(
        '/session/login',
        { username, password: PASSWORD },
        { 'x-forwarded-for': '198.51.100.9', 'x-forwarded-proto': 'http' },
      );
      expect(response.status).toBe(403);
    });

    it('two forwarded client addresses have separate rate-limit buckets; what the client prepends is ignored', async () => {
      const username = uniqueUsername('buckets');
      await client.register(username, PASSWORD);
      // The proxy appends the address it saw; with one trusted hop, only that one counts.
      expect(
        await failLogins(client, username, 1, { 'x-forwarded-for': '203.0.113.50, 198.51.100.20' }),
      ).toEqual([401]);
      expect(
        await failLogins(client, username, 1, { 'x-forwarded-for': '203.0.113.51, 198.51.100.20' }),
      ).toEqual([401]);
      expect(await failLogins(client, username, 1, { 'x-forwarded-for': '198.51.100.20' })).toEqual([429]);
      // Another client behind the same proxy has its own bucket.
      expect(await failLogins(client, username, 1, { 'x-forwarded-for': '198.51.100.21' })).toEqual([401]);
      const ok = await client.post(
        '/token/login',
        { username, password: PASSWORD },
        { 'x-forwarded-for': '198.51.100.22' },
      );
      expect(ok.status).toBe(200);
    });
  });

  describe('TRUST_PROXY as addresses: only those peers are believed', () => {
    let app: TestApp;

    beforeAll(async () => {
      // The test connects from 127.0.0.1, which is not in the list.
      app = await startTestApp({
        HTTP_PLATFORM: platform,
        TRUST_PROXY: '10.0.0.0/8,192.168.0.1',
        COOKIE_SECURE: 'true',
      });
    }, 60_000);

    afterAll(async () => {
      await app?.close();
    });

    it('forwarded https from an untrusted peer is not believed', async () => {
      const client = new ApiClient(app.baseUrl);
      const username = uniqueUsername('untrusted');
      await client.register(username, PASSWORD);
      const response = await client.post(
        '/session/login',
        { username, password: PASSWORD },
        viaTlsProxy('198.51.100.30', { origin: 'https://app.example' }),
      );
      expect(response.status).toBe(403);
      expect(sessionCookieOf(response)).toBeNull();
    });
  });
});
