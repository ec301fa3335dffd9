// CONTRACT §2: security headers on every response, the 8 KiB credential-header limit, server
// time-outs, and the production surface (`/demo/*`, `/openapi.json`, `/docs`).
import { connect } from 'node:net';
import { requireProgramOrSkip } from '@authbench/test-support';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { apiSecurityHeaders } from '../src/http/security-headers.js';
import { SERVER_TIMEOUTS } from '../src/http/server-timeouts.js';
import { chromiumAvailable, launchChromium, watchPage } from './support/browser.js';
import { ApiClient, sessionCookieOf, uniqueUsername } from './support/client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const PASSWORD = 'correct horse battery';
const SECRETS = {
  SESSION_SECRET: 's'.repeat(40),
  TOKEN_SECRET: 't'.repeat(40),
  JWT_SECRET: 'j'.repeat(40),
};

function expectSecurityHeaders(response: Response, label: string): void {
  const headers = {
    label,
    nosniff: response.headers.get('x-content-type-options'),
    referrer: response.headers.get('referrer-policy'),
    frames: response.headers.get('content-security-policy') ?? '',
  };
  expect(headers).toEqual({
    label,
    nosniff: 'nosniff',
    referrer: 'no-referrer',
    frames: expect.stringContaining("frame-ancestors 'none'"),
  });
}

/** Sends raw bytes and returns the whole raw answer (the server closes the connection). */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

/** CONTRACT §1 `HTTP_PLATFORM`: the same surface on both platforms. */
const PLATFORMS = ['express', 'fastify'] as const;

describe.each(PLATFORMS)('development surface on %s', (platform) => {
  let app: TestApp;
  let client: ApiClient;
  let port: number;

  beforeAll(async () => {
    app = await startTestApp({ HTTP_PLATFORM: platform });
    client = new ApiClient(app.baseUrl);
    port = Number(new URL(app.baseUrl).port);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
  });

  it('every response carries the security headers: success, problem, 404, 413, 415, oversized credential', async () => {
    const big = JSON.stringify({ username: 'x', password: 'y'.repeat(20_000) });
    const cases: Array<[string, Promise<Response>, number]> = [
      ['health', client.get('/health'), 200],
      ['strategies', client.get('/strategies'), 200],
      ['401', client.get('/token/protected', { authorization: 'Bearer nope' }), 401],
      ['404', client.get('/no/such/route'), 404],
      ['400', client.post('/register', { username: 1 }), 400],
      [
        '413',
        fetch(`${app.baseUrl}/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: big,
        }),
        413,
      ],
      [
        '415',
        fetch(`${app.baseUrl}/register`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain' },
          body: 'x',
        }),
        415,
      ],
      ['big cookie', client.get('/health', { cookie: `pad=${'a'.repeat(9000)}` }), 401],
      ['openapi', client.get('/openapi.json'), 200],
    ];
    for (const [label, pending, status] of cases) {
      const response = await pending;
      await response.arrayBuffer();
      expect({ label, status: response.status }).toEqual({ label, status });
      expectSecurityHeaders(response, label);
    }
  });

  it("API answers carry helmet's whole header set with its values, whichever path wrote them", async () => {
    // Every header helmet sets for the API, not only the three the contract names: the
    // platforms write them their own way (request-hooks.ts), and none may be lost on any path.
    const expected = Object.fromEntries(
      apiSecurityHeaders().map(([name, value]) => [name.toLowerCase(), value]),
    );
    const cases: Array<[string, Promise<Response>]> = [
      ['strategies', client.get('/strategies')],
      ['401', client.get('/token/protected', { authorization: 'Bearer nope' })],
      ['404', client.get('/no/such/route')],
      ['big cookie', client.get('/health', { cookie: `pad=${'a'.repeat(9000)}` })],
    ];
    for (const [label, pending] of cases) {
      const response = await pending;
      await response.arrayBuffer();
      const sent = Object.fromEntries(
        Object.keys(expected).map((name) => [name, response.headers.get(name)]),
      );
      expect({ label, sent }).toEqual({ label, sent: expected });
    }
  });

  it('GET /strategies sends the bytes JSON.stringify makes of its list, as JSON', async () => {
    const response = await client.get('/strategies');
    const text = await response.text();
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect(text).toBe(JSON.stringify(JSON.parse(text)));
  });

  it('the API policy allows nothing; the page keeps its own stricter-than-default policy', async () => {
    const api = await client.get('/health');
    expect(api.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(api.headers.get('strict-transport-security')).toBeNull();
    const page = await client.get('/');
    await page.text();
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).not.toContain('unsafe-inline');
    expectSecurityHeaders(page, 'page');
  });

  it('/docs gets the allowances Swagger UI needs, and still bans frames and inline script', async () => {
    const docs = await client.get('/docs');
    const html = await docs.text();
    expect(docs.status).toBe(200);
    expect(html).toContain('swagger-ui');
    const policy = docs.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toMatch(/script-src[^;]*unsafe-inline/);
    expectSecurityHeaders(docs, 'docs');
  });

  it('requests Node refuses itself (headers over 16 KiB, not HTTP) still get problem+json and the headers', async () => {
    const oversize = await rawExchange(
      port,
      `GET /health HTTP/1.1\r\nHost: x\r\nCookie: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(oversize).toMatch(/^HTTP\/1\.1 431 /);
    expect(oversize).toMatch(/\r\nContent-Type: application\/problem\+json/);
    expect(oversize).toMatch(/\r\nX-Content-Type-Options: nosniff\r\n/);
    expect(oversize).toContain('"status":431');
    const garbage = await rawExchange(port, 'NOT HTTP AT ALL\r\n\r\n');
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
    expect(garbage).toMatch(/\r\nReferrer-Policy: no-referrer\r\n/);
  });

  describe('an Authorization or Cookie header over 8 KiB is 401, checked before any strategy', () => {
    it('a valid sid does not save a Cookie header over 8 KiB, in one line or many', async () => {
      const username = uniqueUsername('bigcookie');
      await client.register(username, PASSWORD);
      const login = await client.login('/session', username, PASSWORD);
      const sid = `sid=${login.credential.value}`;
      expect((await client.get('/session/protected', { cookie: sid })).status).toBe(200);
      const oneLine = await client.get('/session/protected', { cookie: `${sid}; pad=${'a'.repeat(8200)}` });
      expect(oneLine.status).toBe(401);
      expect(oneLine.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const manyCookies = Array.from({ length: 300 }, (_, index) => `c${index}=${'b'.repeat(24)}`).join('; ');
      expect((await client.get('/session/protected', { cookie: `${sid}; ${manyCookies}` })).status).toBe(401);
      // Several Cookie lines are counted together (raw HTTP: fetch joins them itself).
      const lines = Array.from({ length: 3 }, () => `Cookie: pad=${'c'.repeat(3000)}\r\n`).join('');
      const raw = await rawExchange(
        port,
        `GET /session/protected HTTP/1.1\r\nHost: x\r\nCookie: ${sid}\r\n${lines}Connection: close\r\n\r\n`,
      );
      expect(raw).toMatch(/^HTTP\/1\.1 401 /);
      // Just under the limit is an ordinary request.
      const under = await client.get('/session/protected', { cookie: `${sid}; pad=${'a'.repeat(7000)}` });
      expect(under.status).toBe(200);
    });

    it('an Authorization header over 8 KiB, on any route', async () => {
      for (const path of ['/token/protected', '/jwt/protected', '/health', '/strategies']) {
        const response = await client.get(path, { authorization: `Bearer ${'a'.repeat(8200)}` });
        await response.text();
        expect({ path, status: response.status }).toEqual({ path, status: 401 });
        expect({ path, challenge: response.headers.get('www-authenticate') }).toEqual({
          path,
          challenge: 'Bearer realm="authbench", error="invalid_token"',
        });
      }
      const login = await client.post(
        '/token/login',
        { username: 'x', password: 'y' },
        { authorization: `Basic ${'a'.repeat(8200)}` },
      );
      expect(login.status).toBe(401);
    });
  });

  it('sets the server time-outs on purpose', () => {
    const server = app.app.getHttpServer();
    expect({
      headersTimeout: server.headersTimeout,
      requestTimeout: server.requestTimeout,
      keepAliveTimeout: server.keepAliveTimeout,
    }).toEqual({
      headersTimeout: SERVER_TIMEOUTS.headersTimeout,
      requestTimeout: SERVER_TIMEOUTS.requestTimeout,
      keepAliveTimeout: SERVER_TIMEOUTS.keepAliveTimeout,
    });
    expect(SERVER_TIMEOUTS.headersTimeout).toBeLessThan(SERVER_TIMEOUTS.requestTimeout);
  });
});

const hasChromium = requireProgramOrSkip(
  chromiumAvailable(),
  'chromium (/usr/bin/chromium)',
  'apt-get install chromium',
);

(hasChromium ? describe : describe.skip)('Swagger UI under its policy, in chromium', () => {
  it('renders the operations with no CSP violation, page error or foreign request', async () => {
    const app = await startTestApp();
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const watch = await watchPage(page, app.baseUrl);
      await page.goto(`${app.baseUrl}/docs`);
      await page.locator('.opblock').first().waitFor({ timeout: 20_000 });
      expect(await page.locator('.opblock').count()).toBeGreaterThan(5);
      expect(await page.locator('.information-container .title').textContent()).toContain('authbench API');
      expect(watch.cspViolations).toEqual([]);
      expect(watch.pageErrors).toEqual([]);
      expect(watch.foreignRequests).toEqual([]);
    } finally {
      await browser.close();
      await app.close();
    }
  }, 60_000);
});

describe.each(PLATFORMS)('production surface on %s', (platform) => {
  let production: TestApp;
  let productionWithDocs: TestApp;

  beforeAll(async () => {
    production = await startTestApp({ HTTP_PLATFORM: platform, NODE_ENV: 'production', ...SECRETS });
    productionWithDocs = await startTestApp({
      HTTP_PLATFORM: platform,
      NODE_ENV: 'production',
      API_DOCS: 'true',
      ...SECRETS,
    });
  }, 60_000);

  afterAll(async () => {
    await production?.close();
    await productionWithDocs?.close();
  });

  it('/demo/* is 404 in production, as problem+json with the headers', async () => {
    const client = new ApiClient(production.baseUrl);
    for (const path of ['/demo/settings', '/demo/benchmarks', '/demo/session-record', '/demo/anything']) {
      const response = await client.get(path);
      const body = (await response.json()) as { status: number };
      expect({ path, status: response.status, body: body.status }).toEqual({ path, status: 404, body: 404 });
      expectSecurityHeaders(response, path);
    }
    // The page itself is still served, and copes without /demo/settings.
    expect((await client.get('/')).status).toBe(200);
  });

  it('/openapi.json and /docs are off in production by default, on with API_DOCS=true', async () => {
    const off = new ApiClient(production.baseUrl);
    expect((await off.get('/openapi.json')).status).toBe(404);
    expect((await off.get('/docs')).status).toBe(404);
    const on = new ApiClient(productionWithDocs.baseUrl);
    expect((await on.get('/openapi.json')).status).toBe(200);
    expect((await on.get('/docs')).status).toBe(200);
  });

  it('the session cookie is Secure by default in production (COOKIE_SECURE)', async () => {
    const client = new ApiClient(production.baseUrl);
    const username = uniqueUsername('prod');
    await client.register(username, PASSWORD);
    // Over plain http the Secure cookie could not be set: the login says so rather than lying.
    const response = await client.post('/session/login', { username, password: PASSWORD });
    expect(response.status).toBe(403);
    expect(sessionCookieOf(response)).toBeNull();
  });
});

describe('API_DOCS is a validated flag', () => {
  it('defaults on outside production and off in production', () => {
    expect(loadConfig({ DATA_DIR: ':memory:' }).API_DOCS).toBe(true);
    expect(loadConfig({ DATA_DIR: ':memory:', NODE_ENV: 'production', ...SECRETS }).API_DOCS).toBe(false);
    expect(loadConfig({ DATA_DIR: ':memory:', API_DOCS: 'false' }).API_DOCS).toBe(false);
  });

  it('refuses anything but true/false/1/0, naming the variable', () => {
    expect(() => loadConfig({ API_DOCS: 'yes' })).toThrow(ConfigError);
    expect(() => loadConfig({ API_DOCS: 'yes' })).toThrow(/^invalid configuration: API_DOCS: /);
  });

  it('API_DOCS=false hides them outside production too', async () => {
    const app = await startTestApp({ API_DOCS: 'false' });
    try {
      const client = new ApiClient(app.baseUrl);
      expect((await client.get('/openapi.json')).status).toBe(404);
      expect((await client.get('/docs')).status).toBe(404);
      expect((await client.get('/demo/settings')).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});

// README "Beyond the contract": what JWT_REVOCATION=none leaves alive, pinned so the sentence stays true.
describe('JWT_REVOCATION=none and a deleted user', () => {
  it('the access JWT lives on until exp; the refresh token dies at once', async () => {
    const app = await startTestApp({ AUTH_STRATEGIES: 'jwt', JWT_REVOCATION: 'none' });
    try {
      const client = new ApiClient(app.baseUrl);
      const username = uniqueUsername('deleted');
      const { id } = await client.register(username, PASSWORD);
      const login = await client.login('/jwt', username, PASSWORD);
      await app.deleteUser(id);
      const access = await client.get('/jwt/protected', {
        authorization: `Bearer ${String(login.body.token)}`,
      });
      expect(access.status).toBe(200);
      const refresh = await client.post('/jwt/refresh', { refreshToken: String(login.body.refreshToken) });
      expect(refresh.status).toBe(401);
      app.clock.advanceSeconds(1801);
      expect(
        (await client.get('/jwt/protected', { authorization: `Bearer ${String(login.body.token)}` })).status,
      ).toBe(401);
    } finally {
      await app.close();
    }
  });
});
