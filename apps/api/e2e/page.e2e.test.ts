// Issue #10: the side-by-side page at GET /.
//  1. its pure browser modules (credential decoding, benchmark normalisation) under Node;
//  2. the page module alone (fake session strategy): headers, allow-list, /demo/* endpoints,
//     and the charts and CSP in chromium;
//  3. the page in chromium against the full app: register, log in with every strategy,
//     protected, tamper, logout, the session record, refresh, expiry, a screenshot, and no
//     console errors, CSP violations or foreign requests.
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  AuthError,
  AuthGuard,
  type AuthStrategy,
  CLOCK,
  type CredentialRequest,
  defineStrategy,
  type PageDescription,
  type Principal,
  StrategyRegistry,
  StrategyResolver,
  type StrategyTraits,
} from '@authbench/auth-core';
import { requireProgramOrSkip } from '@authbench/test-support';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { Browser, Locator, Page } from 'playwright-core';
import { normalizeResults } from '../public/assets/charts.js';
import {
  decodeJwt,
  decodeSignedToken,
  formatRemaining,
  splitSegments,
  tamper,
} from '../public/assets/credentials.js';
import { APP_CONFIG, type AppConfig, type ConfiguredStrategy, loadConfig } from '../src/config/config.js';
import { ProblemFilter } from '../src/http/problem.filter.js';
import { BenchmarkResults } from '../src/page/benchmark-results.js';
import { PageModule } from '../src/page/page.module.js';
import { CONTENT_SECURITY_POLICY } from '../src/page/security-headers.js';
import { SessionInspector } from '../src/page/session-inspection.js';
import { PAGE_FILES, PUBLIC_DIR } from '../src/page/static-assets.js';
import { StrategiesController } from '../src/strategies/strategies.controller.js';
import {
  chromiumAvailable,
  launchChromium,
  lowContrastText,
  type PageWatch,
  watchPage,
} from './support/browser.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const ARTIFACTS = new URL('../test-artifacts/', import.meta.url);
const hasChromium = requireProgramOrSkip(
  chromiumAvailable(),
  'chromium (/usr/bin/chromium)',
  'apt-get install chromium',
);

// ------------------------------------------------------------------ 1. pure modules

// Made by Python's itsdangerous 2.2 (the reference implementation):
//   class FixedClock(TimestampSigner):
//       def get_timestamp(self): return 1700000000
//   s = URLSafeTimedSerializer('k' * 32, salt='authbench.token', signer=FixedClock)
//   s.dumps({'sub': 'user-1', 'ver': 0, 'jti': 'abc'})            # SIGNED_SHA1
//   s.dumps({'sub': 'a' * 200, 'ver': 3, 'jti': 'abc'})           # SIGNED_COMPRESSED
//   the first again with signer_kwargs={'digest_method': hashlib.sha256}  # SIGNED_SHA256
const SIGNED_SHA1 = 'eyJzdWIiOiJ1c2VyLTEiLCJ2ZXIiOjAsImp0aSI6ImFiYyJ9.ZVPxAA.jsMkM-zdUu1gS3eZ2kCRwGA_Hn4';
const SIGNED_COMPRESSED =
  '.eJyrViouTVKyUkocJkBJR6kstUjJylhHKaskE-SxpGSlWgCogVRS.ZVPxAA.eroKl0kNi8Zx_FG1kSdo441AvxU';
const SIGNED_SHA256 =
  'eyJzdWIiOiJ1c2VyLTEiLCJ2ZXIiOjAsImp0aSI6ImFiYyJ9.ZVPxAA.ToH65OjofSJWLkHTa6ApQJHlVZn5ugNHRYvLwnegZhI';

function hs256(header: object, claims: object): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode(header)}.${encode(claims)}`;
  return `${input}.${createHmac('sha256', 'k'.repeat(32)).update(input).digest('base64url')}`;
}

describe('the page’s credential decoding (public/assets/credentials.js)', () => {
  it('takes a JWT apart into header, claims and signature', () => {
    const claims = {
      sub: 'user-1',
      iat: 1_700_000_000,
      exp: 1_700_001_800,
      jti: 'j1',
      iss: 'authbench',
      aud: 'authbench',
    };
    const decoded = decodeJwt(hs256({ alg: 'HS256', typ: 'JWT', kid: 'k1' }, claims));
    expect(decoded).toEqual({
      ok: true,
      segments: expect.any(Array),
      header: { alg: 'HS256', typ: 'JWT', kid: 'k1' },
      claims,
      signatureBytes: 32,
    });
  });

  it('reports what is wrong with a token that is not a JWT, instead of throwing', () => {
    expect(decodeJwt('only.two')).toEqual({
      ok: false,
      error: 'expected 3 segments, found 2',
      segments: ['only', 'two'],
    });
    expect(decodeJwt('a.b.c')).toEqual(expect.objectContaining({ ok: false }));
    expect(decodeJwt('e30.e30.!!')).toEqual(expect.objectContaining({ ok: false, error: 'not base64url' }));
  });

  it('reads an itsdangerous token: payload JSON, big-endian timestamp, digest from the signature length', () => {
    expect(decodeSignedToken(SIGNED_SHA1)).toEqual({
      ok: true,
      compressed: false,
      segments: ['eyJzdWIiOiJ1c2VyLTEiLCJ2ZXIiOjAsImp0aSI6ImFiYyJ9', 'ZVPxAA', 'jsMkM-zdUu1gS3eZ2kCRwGA_Hn4'],
      payload: { sub: 'user-1', ver: 0, jti: 'abc' },
      issuedAtSeconds: 1_700_000_000,
      signatureBytes: 20,
      digest: 'HMAC-SHA1',
    });
    expect(decodeSignedToken(SIGNED_SHA256)).toEqual(
      expect.objectContaining({
        ok: true,
        signatureBytes: 32,
        digest: 'HMAC-SHA256',
        issuedAtSeconds: 1_700_000_000,
      }),
    );
  });

  it('labels a zlib-compressed payload (leading ".") without inflating it', () => {
    expect(decodeSignedToken(SIGNED_COMPRESSED)).toEqual(
      expect.objectContaining({ ok: true, compressed: true, payload: null, issuedAtSeconds: 1_700_000_000 }),
    );
  });

  it('tampers by flipping one character inside the signature, never the last (padding bits)', () => {
    for (const token of [
      SIGNED_SHA1,
      SIGNED_SHA256,
      SIGNED_COMPRESSED,
      hs256({ alg: 'HS256' }, { sub: 'x' }),
    ]) {
      const flipped = tamper(token);
      const signatureStart = token.lastIndexOf('.') + 1;
      expect(flipped.value).toHaveLength(token.length);
      expect(flipped.index).toBeGreaterThan(signatureStart);
      expect(flipped.index).toBeLessThan(token.length - 1);
      expect(flipped.from).not.toBe(flipped.to);
      const differing = [...token].filter((char, index) => flipped.value[index] !== char);
      expect(differing).toHaveLength(1);
    }
  });

  it('splits a `segments` credential on its separator, naming each part, and says when it does not fit', () => {
    const anatomy = {
      separator: '~',
      segments: [
        { name: 'id', meaning: 'the look-up key' },
        { name: 'secret', meaning: 'compared in constant time' },
      ],
    };
    expect(splitSegments('k7~s3cr3t', anatomy)).toEqual({
      ok: true,
      separator: '~',
      parts: [
        { text: 'k7', name: 'id', meaning: 'the look-up key' },
        { text: 's3cr3t', name: 'secret', meaning: 'compared in constant time' },
      ],
    });
    expect(splitSegments('k7~s~t', anatomy)).toEqual({ ok: false, error: 'expected 2 segments, found 3' });
    expect(tamper('k7~s3cr3t', '~').index).toBeGreaterThan('k7~'.length);
  });

  it('formats remaining lifetimes', () => {
    expect(formatRemaining(0)).toBe('expired');
    expect(formatRemaining(4_200)).toBe('0:05');
    expect(formatRemaining(1_800_000)).toBe('30:00');
    expect(formatRemaining(3_600_000 + 61_000)).toBe('1:01:01');
  });
});

const RESULTS_FIXTURE = {
  generatedAt: '2025-11-25T12:00:00Z',
  machine: { cpu: 'test cpu', cores: 2 },
  cases: [
    {
      id: 'jwt-verify',
      family: 'verify',
      label: 'JWT verify',
      value: 4.2,
      unit: 'µs',
      ratio: 1,
      baselineId: 'jwt-verify',
    },
    {
      id: 'token-verify',
      family: 'verify',
      label: 'signed token verify',
      value: 6.3,
      unit: 'µs',
      numbers: { median: 6.3, p10: 6, p90: 7.5 },
      ratio: 1.5,
      baselineId: 'jwt-verify',
    },
    {
      id: 'session-verify',
      family: 'verify',
      label: 'session look-up',
      value: 21,
      unit: 'µs',
      ratio: 5,
      baselineId: 'jwt-verify',
    },
    { id: 'jwt-size', family: 'credential size', label: 'JWT', value: 310, unit: 'bytes' },
    { id: 'broken', family: 'verify', label: 'no value' },
  ],
};

describe('the page’s benchmark normalisation (public/assets/charts.js)', () => {
  it('groups cases by family and unit, marks the baseline and keeps machine facts', () => {
    const normalized = normalizeResults(RESULTS_FIXTURE);
    expect(normalized?.families.map((family) => [family.name, family.unit, family.cases.length])).toEqual([
      ['verify', 'µs', 3],
      ['credential size', 'bytes', 1],
    ]);
    expect(normalized?.families[0]?.cases[0]).toEqual(
      expect.objectContaining({ id: 'jwt-verify', isBaseline: true }),
    );
    expect(normalized?.families[0]?.explanation).toMatch(/checking one credential/);
    expect(normalized?.meta).toEqual(
      expect.arrayContaining([
        ['generatedAt', '2025-11-25T12:00:00Z'],
        ['cores', '2'],
      ]),
    );
  });

  it('keeps the interval (or p10–p90 spread) and the server CPU per request the benchmarks recorded', () => {
    const normalized = normalizeResults({
      cases: [
        ...RESULTS_FIXTURE.cases,
        {
          id: 'http/jwt',
          family: 'http',
          label: 'GET /jwt/protected',
          value: 2600,
          unit: 'req/s',
          numbers: {
            reqPerSec: 2600,
            reqPerSecLow: 2500,
            reqPerSecHigh: 2700,
            apiCpuUsPerRequest: 700,
            apiCpuUsPerRequestLow: 690,
            apiCpuUsPerRequestHigh: 710,
          },
        },
      ],
    });
    const verify = normalized?.families.find((family) => family.name === 'verify');
    expect(verify?.cases.find((c) => c.id === 'token-verify')?.spread).toEqual({
      low: 6,
      high: 7.5,
      kind: 'p10–p90',
    });
    expect(verify?.cases.find((c) => c.id === 'jwt-verify')?.spread).toBeNull();
    const http = normalized?.families.find((family) => family.name === 'http')?.cases[0];
    expect(http?.spread).toEqual({ low: 2500, high: 2700, kind: 'interval' });
    expect(http?.cpu).toEqual({ value: 700, spread: { low: 690, high: 710, kind: 'interval' } });
  });

  it.each([null, 'text', {}, { cases: 'no' }, { cases: [{ id: 'x', value: 'NaN' }] }])(
    'has nothing to draw for %j',
    (input) => {
      expect(normalizeResults(input)).toBeNull();
    },
  );
});

// ------------------------------------------------------------------ 2. the page module alone

const TRAITS: StrategyTraits = {
  stateless: false,
  revocation: 'immediate',
  serverStatePerLogin: 'session record',
  lookupsPerRequest: 1,
};

/** A session strategy that accepts the cookie `sid=good` and exposes a record with extras. */
class FakeSessionStrategy implements AuthStrategy {
  readonly name = 'session';
  readonly transport = 'cookie' as const;

  traits(): StrategyTraits {
    return TRAITS;
  }

  async issue(): Promise<Readonly<Record<string, unknown>>> {
    return {};
  }

  credentialOf(request: CredentialRequest): string | undefined {
    return /(?:^|;\s*)sid=(good)(?:;|$)/.exec(String(request.headers.cookie ?? ''))?.[1];
  }

  async verify(credential: string): Promise<Principal> {
    if (credential !== 'good') throw new AuthError('invalid_signature');
    return {
      userId: 'u-1',
      username: 'alice',
      strategy: 'session',
      credentialId: 'abcdefghijklmnopqrstuvwxyz',
      issuedAt: new Date(1_000),
      expiresAt: null,
    };
  }

  /** The shape of `SessionStrategy.inspect` (@authbench/auth-session), plus fields that must not leak. */
  async inspect(credential: string): Promise<unknown> {
    await this.verify(credential);
    return {
      strategy: 'session',
      store: 'memory',
      cookieName: 'sid',
      sessionIdFingerprint: '0123456789abcdef',
      record: {
        userId: 'u-1',
        username: 'alice',
        loginAt: new Date(1_000).toISOString(),
        lastSeenAt: new Date(2_000).toISOString(),
        cookie: { secret: 'internal' },
      },
      idleExpiresAt: new Date(1_802_000).toISOString(),
      absoluteExpiresAt: new Date(43_201_000).toISOString(),
      secret: 'must not leak',
    };
  }

  async revoke(): Promise<void> {}
  async revokeAll(): Promise<void> {}
  async storeHealth(): Promise<Readonly<Record<string, 'up'>>> {
    return {};
  }
  async serverState(): Promise<null> {
    return null;
  }
}

/** A bearer strategy nothing in the page knows: an opaque `<id>.<secret>` token. */
class FakeOpaqueStrategy implements AuthStrategy {
  readonly name = 'opaque';
  readonly transport = 'bearer' as const;

  traits(): StrategyTraits {
    return { ...TRAITS, serverStatePerLogin: 'hashed secret' };
  }

  async issue(): Promise<Readonly<Record<string, unknown>>> {
    return {};
  }

  credentialOf(): string | undefined {
    return undefined;
  }

  async verify(): Promise<Principal> {
    throw new AuthError('invalid_signature');
  }

  async revoke(): Promise<void> {}
  async revokeAll(): Promise<void> {}
  async storeHealth(): Promise<Readonly<Record<string, 'up'>>> {
    return {};
  }
  async serverState(): Promise<null> {
    return null;
  }
}

const OPAQUE_PAGE: PageDescription = {
  title: 'Opaque token',
  summary: 'A random id and secret; the server keeps only a hash of the secret.',
  store: 'One hashed secret per login.',
  lifetimeSeconds: 600,
  otherLifetimes: { absolute: 3600 },
  credential: {
    format: 'segments',
    separator: '.',
    segments: [
      { name: 'token id', meaning: 'names the server’s record' },
      { name: 'secret', meaning: 'compared with the stored hash' },
    ],
  },
  actions: [],
};

/** Its descriptor, as a strategy package would export it: the page learns everything from it. */
const OPAQUE: ConfiguredStrategy = {
  descriptor: defineStrategy({
    name: 'opaque',
    transport: 'bearer',
    variables: [],
    secretVariables: [],
    parseSettings: () => ({}),
    secretsInUse: () => [],
    create: () => ({ strategy: new FakeOpaqueStrategy() }),
    loginResponseSchema: {},
    describeForPage: () => OPAQUE_PAGE,
  }),
  settings: {},
};

@Module({})
class FakeCoreModule {
  /** What the app module provides globally, with a fake strategy and a fixed clock. */
  static forRoot(config: AppConfig, strategies: readonly AuthStrategy[]): DynamicModule {
    const registry = new StrategyRegistry();
    for (const strategy of strategies) registry.register(strategy);
    return {
      module: FakeCoreModule,
      global: true,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: CLOCK, useValue: () => 500_000 },
        { provide: StrategyRegistry, useValue: registry },
        StrategyResolver,
      ],
      exports: [APP_CONFIG, CLOCK, StrategyRegistry, StrategyResolver],
    };
  }
}

async function startPageOnlyApp(
  env: Readonly<Record<string, string>>,
  resultsFile: URL,
  extra: readonly { readonly configured: ConfiguredStrategy; readonly strategy: AuthStrategy }[] = [],
  platform: 'express' | 'fastify' = 'express',
): Promise<{ app: INestApplication; baseUrl: string }> {
  const loaded = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: ':memory:', ...env });
  const config: AppConfig = {
    ...loaded,
    strategies: [...loaded.strategies, ...extra.map(({ configured }) => configured)],
  };
  const strategies = [new FakeSessionStrategy(), ...extra.map(({ strategy }) => strategy)];
  const moduleRef = await Test.createTestingModule({
    imports: [FakeCoreModule.forRoot(config, strategies), PageModule],
    controllers: [StrategiesController],
    providers: [
      { provide: APP_FILTER, useClass: ProblemFilter },
      { provide: APP_GUARD, useClass: AuthGuard },
    ],
  })
    .overrideProvider(BenchmarkResults)
    .useValue(new BenchmarkResults(resultsFile))
    .compile();
  const adapter = platform === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  const app = moduleRef.createNestApplication<INestApplication>(adapter, { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  return { app, baseUrl: `http://127.0.0.1:${address.port}` };
}

function statusOf(url: string, headers: Readonly<Record<string, string>>): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (response) => {
      response.resume();
      resolve(response.statusCode);
    }).on('error', reject);
  });
}

async function expectProblem(response: Response, status: number): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await response.json()) as Record<string, unknown>;
}

describe.each(['express', 'fastify'] as const)('the page module alone on %s', (platform) => {
  let scratch: string;
  let resultsFile: URL;
  let dev: { app: INestApplication; baseUrl: string };
  let production: { app: INestApplication; baseUrl: string };

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'authbench-page-'));
    resultsFile = pathToFileURL(join(scratch, 'latest.json'));
    writeFileSync(resultsFile, JSON.stringify(RESULTS_FIXTURE));
    dev = await startPageOnlyApp({ NODE_ENV: 'test' }, resultsFile, [], platform);
    production = await startPageOnlyApp(
      {
        NODE_ENV: 'production',
        AUTH_STRATEGIES: 'session',
        SESSION_SECRET: 's'.repeat(32),
      },
      pathToFileURL(join(scratch, 'absent.json')),
      [],
      platform,
    );
  });

  afterAll(async () => {
    await Promise.all([dev?.app.close(), production?.app.close()]);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('resolves public/ to apps/api/public from the source tree', () => {
    expect(PUBLIC_DIR.pathname).toMatch(/\/apps\/api\/public\/$/);
  });

  it('serves the page with a strict CSP, nosniff, no referrer, revalidation and a strong ETag', async () => {
    const response = await fetch(`${dev.baseUrl}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const etag = response.headers.get('etag');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(await response.text()).toContain('<title>authbench');

    // node:http, not fetch: fetch adds `Cache-Control: no-cache` to conditional requests,
    // which (rightly) forces a full response.
    expect(await statusOf(`${dev.baseUrl}/`, { 'if-none-match': etag ?? '' })).toBe(304);
  });

  it.each(Object.entries(PAGE_FILES).filter(([name]) => name !== 'index.html'))(
    'serves /%s as %s with the same headers',
    async (name, contentType) => {
      const response = await fetch(`${dev.baseUrl}/${name}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(contentType);
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    },
  );

  it.each([
    '/assets/..%2Findex.html',
    '/assets/..%2F..%2Fpackage.json',
    '/assets/%2e%2e%2fsrc%2fmain.ts',
    '/assets/app.js%00',
    '/assets/credentials.d.ts',
    '/assets/.hidden',
    '/assets/',
    '/index.html',
    '/public/index.html',
  ])('refuses %s with a 404 problem (allow-list only)', async (path) => {
    await expectProblem(await fetch(`${dev.baseUrl}${path}`), 404);
  });

  it('has no inline script or style, and no address outside this origin, in any page file', async () => {
    for (const name of Object.keys(PAGE_FILES)) {
      const text = await (await fetch(`${dev.baseUrl}/${name === 'index.html' ? '' : name}`)).text();
      expect(text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
      expect(text).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
      expect(text).not.toMatch(
        /\.(?:inner|outer)HTML\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function\(/,
      );
      const addresses = text.match(/https?:\/\/[^\s'"`)<]+/g) ?? [];
      expect(addresses.filter((address) => address !== 'http://www.w3.org/2000/svg')).toEqual([]);
    }
  });

  it('shows only the caller’s own session record, through an allow-list of fields', async () => {
    const response = await fetch(`${dev.baseUrl}/demo/session-record`, { headers: { cookie: 'sid=good' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      sessionId: 'abcdef…',
      store: 'memory',
      record: { userId: 'u-1', username: 'alice', loginAt: 1_000, lastSeenAt: 2_000 },
      expiresAt: 1_802_000,
      absoluteExpiresAt: 43_201_000,
      now: 500_000,
      source: 'store',
    });
  });

  it('falls back to what authentication established when the strategy offers no inspect()', async () => {
    const strategy = new FakeSessionStrategy();
    const plain: AuthStrategy = {
      name: strategy.name,
      transport: strategy.transport,
      traits: () => strategy.traits(),
      issue: () => strategy.issue(),
      credentialOf: (request) => strategy.credentialOf(request),
      verify: (credential) => strategy.verify(credential),
      revoke: () => strategy.revoke(),
      revokeAll: () => strategy.revokeAll(),
      storeHealth: () => strategy.storeHealth(),
      serverState: () => strategy.serverState(),
    };
    const request = { method: 'GET', headers: { cookie: 'sid=good' } };
    expect(await new SessionInspector(plain, () => 7).inspect(request)).toEqual({
      sessionId: 'abcdef…',
      store: null,
      record: { userId: 'u-1', username: 'alice', loginAt: 1_000, lastSeenAt: null },
      expiresAt: null,
      absoluteExpiresAt: null,
      now: 7,
      source: 'principal',
    });
  });

  it('refuses the session record without a session: 401 with the reason', async () => {
    const problem = await expectProblem(await fetch(`${dev.baseUrl}/demo/session-record`), 401);
    expect(problem.type).toBe('urn:authbench:problem:missing-credential');
  });

  it('has no session-record endpoint in production: the same 404 as an unknown route', async () => {
    const problem = await expectProblem(
      await fetch(`${production.baseUrl}/demo/session-record`, { headers: { cookie: 'sid=good' } }),
      404,
    );
    expect(problem.detail).toBe('Cannot GET /demo/session-record');
  });

  it('serves the latest benchmark results, and a 404 problem before there are any', async () => {
    const response = await fetch(`${dev.baseUrl}/demo/benchmarks`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(RESULTS_FIXTURE);
    await expectProblem(await fetch(`${production.baseUrl}/demo/benchmarks`), 404);
  });

  it('tells the page the lifetimes, the cookie name and which optional endpoints exist', async () => {
    const settings = (await (await fetch(`${dev.baseUrl}/demo/settings`)).json()) as Record<string, unknown>;
    // One description per mounted strategy, from its descriptor: words, lifetimes, anatomy.
    expect(settings.strategies).toEqual({
      session: expect.objectContaining({
        lifetimeSeconds: 1800,
        otherLifetimes: { absolute: 43_200 },
        credential: { format: 'cookie', cookieName: 'sid' },
      }),
      token: expect.objectContaining({ lifetimeSeconds: 3600, credential: { format: 'itsdangerous' } }),
      jwt: expect.objectContaining({
        lifetimeSeconds: 1800,
        otherLifetimes: { refresh: 1_209_600 },
        credential: { format: 'jwt' },
        actions: ['refresh'],
      }),
      opaque: expect.objectContaining({
        lifetimeSeconds: 3600,
        credential: expect.objectContaining({ format: 'segments', separator: '.' }),
      }),
    });
    expect({ ...settings, strategies: undefined }).toEqual({
      strategies: undefined,
      demoMode: false,
      inspection: true,
      benchmarks: true,
    });
    expect(await (await fetch(`${production.baseUrl}/demo/settings`)).json()).toEqual(
      expect.objectContaining({
        strategies: expect.objectContaining({
          session: expect.objectContaining({ credential: { format: 'cookie', cookieName: '__Host-sid' } }),
        }),
        inspection: false,
        benchmarks: false,
      }),
    );
  });
});

(hasChromium ? describe : describe.skip)('the page module alone, in chromium', () => {
  let scratch: string;
  let dev: { app: INestApplication; baseUrl: string };
  let browser: Browser;
  let page: Page;
  let watch: PageWatch;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'authbench-page-'));
    const resultsFile = pathToFileURL(join(scratch, 'latest.json'));
    writeFileSync(resultsFile, JSON.stringify(RESULTS_FIXTURE));
    dev = await startPageOnlyApp({ NODE_ENV: 'test' }, resultsFile, [
      { configured: OPAQUE, strategy: new FakeOpaqueStrategy() },
    ]);
    browser = await launchChromium();
    page = await browser.newPage();
    watch = await watchPage(page, dev.baseUrl);
    await page.goto(`${dev.baseUrl}/`);
    await page.locator('body[data-benchmarks="true"]').waitFor({ timeout: 15_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await dev?.app.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('draws one SVG bar chart per benchmark family, with a one-line explanation and the numbers', async () => {
    const figures = page.locator('#benchmarks-body figure.benchmark');
    expect(await figures.count()).toBe(2);
    const verify = figures.filter({ hasText: 'verify' });
    expect(await verify.locator('svg[role="img"] rect.bar').count()).toBe(3);
    expect(await verify.locator('svg title').textContent()).toContain('JWT verify 4.2 µs');
    expect(await verify.locator('figcaption').textContent()).toMatch(/checking one credential/);
    expect(await verify.locator('table tbody tr').count()).toBe(3);
    // The one case with a recorded spread gets whiskers, and its numbers say so.
    expect(await verify.locator('svg line.whisker').count()).toBe(1);
    expect(await verify.locator('svg title').textContent()).toContain('signed token verify 6.3 (6–7.5) µs');
    expect(await verify.locator('figcaption').textContent()).toContain('p10–p90');
  });

  it('has WCAG AA text contrast everywhere (and the check would notice otherwise)', async () => {
    expect(await lowContrastText(page)).toEqual([]);
    await page.evaluate(`{
      const probe = document.createElement('p');
      probe.id = 'contrast-probe';
      probe.textContent = 'pale';
      probe.style.color = '#bbbbbb';
      document.body.append(probe);
    }`);
    expect(await lowContrastText(page)).toEqual([expect.stringMatching(/^p\. "pale": 1\.\d\d$/)]);
    await page.evaluate(`document.getElementById('contrast-probe').remove()`);
  });

  it('renders a column for the mounted strategy, with its traits', async () => {
    const column = page.locator('article[data-strategy="session"]');
    expect(await column.getByRole('heading', { level: 3 }).textContent()).toContain('Server-side session');
    expect(await column.locator('[data-role="traits"]').textContent()).toContain('session record');
  });

  it('renders a strategy it has no code for from its description: `segments` parts by name', async () => {
    const column = page.locator('article[data-strategy="opaque"]');
    expect(await column.getByRole('heading', { level: 3 }).textContent()).toContain('Opaque token');
    expect(await column.getByRole('button', { name: 'Refresh' }).count()).toBe(0);
    // This app mounts no login routes: the login answer is the strategy's, as its package would send it.
    await page.route(`${dev.baseUrl}/opaque/login`, (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', json: { token: 'k7Qx2.s3cr3tPart' } }),
    );
    try {
      await column.getByRole('button', { name: 'Log in', exact: true }).click();
      await page.locator('article[data-strategy="opaque"]:not([aria-busy])').waitFor();
    } finally {
      await page.unroute(`${dev.baseUrl}/opaque/login`);
    }
    const segments = column.locator('[data-role="credential"] [data-role="segments"]');
    expect(await segments.locator('.legend li').allTextContents()).toEqual(['token id', 'secret']);
    const rows = segments.locator('table.fields tbody tr');
    expect(await rows.nth(0).locator('th').textContent()).toBe('token id');
    expect(await rows.nth(0).locator('td.value').textContent()).toBe('k7Qx2');
    expect(await rows.nth(0).locator('td.meaning').textContent()).toBe('names the server’s record');
    expect(await rows.nth(1).locator('th').textContent()).toBe('secret');
    expect(await rows.nth(1).locator('td.value').textContent()).toBe('s3cr3tPart');
    expect(await column.locator('[data-role="other-lifetime"][data-lifetime="absolute"]').count()).toBe(1);
  });

  it('enforces its CSP: an injected inline script is blocked and reported', async () => {
    expect(watch.cspViolations).toEqual([]);
    await page.evaluate(`{
      const script = document.createElement('script');
      script.textContent = 'document.body.dataset.injected = "ran";';
      document.head.append(script);
    }`);
    const deadline = Date.now() + 5_000;
    while (watch.cspViolations.length === 0 && Date.now() < deadline) await page.waitForTimeout(50);
    expect(watch.cspViolations).toEqual([expect.stringMatching(/^script-src(-elem)? inline$/)]);
    expect(await page.evaluate('document.body.dataset.injected')).toBeUndefined();
    expect(watch.pageErrors).toEqual([]);
    expect(watch.foreignRequests).toEqual([]);
    expect(watch.unexpectedConsoleErrors([]).filter((text) => !/Content Security Policy/.test(text))).toEqual(
      [],
    );
  });
});

// ------------------------------------------------------------------ 3. the page against the full app

const STRATEGIES = ['session', 'token', 'jwt'] as const;

(hasChromium ? describe.each : describe.skip.each)(['express', 'fastify'] as const)(
  'the page in chromium against the full app on %s',
  (platform) => {
    let testApp: TestApp;
    let browser: Browser;
    let page: Page;
    let watch: PageWatch;
    const username = `page-${process.pid}`;
    const password = 'correct horse battery';

    const column = (name: string): Locator => page.locator(`article[data-strategy="${name}"]`);

    /** Clicks (or, with the keyboard, presses) an action of a column and waits until it is done. */
    async function act(
      name: string,
      action: string,
      how: 'mouse' | 'keyboard' = 'mouse',
    ): Promise<{ status: string; reason: string; request: string }> {
      const button = column(name).getByRole('button', { name: action, exact: true });
      if (how === 'keyboard') {
        await button.focus();
        await page.keyboard.press('Space');
      } else {
        await button.click();
      }
      await page.locator(`article[data-strategy="${name}"]:not([aria-busy])`).waitFor();
      return lastResult(name);
    }

    async function lastResult(name: string): Promise<{ status: string; reason: string; request: string }> {
      const text = async (role: string) =>
        (await column(name).locator(`[data-role="${role}"]`).textContent()) ?? '';
      return {
        status: await text('last-status'),
        reason: await text('last-reason'),
        request: await text('last-request'),
      };
    }

    beforeAll(async () => {
      testApp = await startTestApp({ HTTP_PLATFORM: platform });
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
      watch = await watchPage(page, testApp.baseUrl);
      await page.goto(`${testApp.baseUrl}/`);
      await page.locator('body[data-ready="true"]').waitFor({ timeout: 15_000 });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      testApp?.clock.reset();
      await testApp?.close();
    });

    it('shows one column per mounted strategy', async () => {
      for (const name of STRATEGIES) expect(await column(name).count()).toBe(1);
    });

    it('registers once, with the keyboard', async () => {
      await page.getByLabel('Username', { exact: true }).fill(username);
      await page.getByLabel('Password', { exact: true }).fill(password);
      await page.getByLabel('Password', { exact: true }).press('Enter');
      await page.locator('#register-status', { hasText: /\S/ }).waitFor();
      expect(await page.locator('#register-status').textContent()).toMatch(/^201 Created/);
    });

    it.each(STRATEGIES)(
      '%s: log in, protected 200, tamper ⇒ 401 shown, protected still 200',
      async (name) => {
        expect((await act(name, 'Log in', 'keyboard')).status).toBe('200 OK');
        expect((await act(name, 'Call protected')).status).toBe('200 OK');
        const tampered = await act(name, 'Tamper');
        expect(tampered.status).toBe('401 Unauthorized');
        if (name === 'session') {
          // The HttpOnly cookie cannot be edited by the page: it sends a forged look-alike.
          expect(tampered.reason).toMatch(/^Refused: (invalid-signature|malformed-credential) — /);
        } else {
          expect(tampered.reason).toMatch(/^Refused: invalid-signature — /);
          expect(await column(name).locator('[data-role="tampered-value"] mark').count()).toBe(1);
        }
        expect((await act(name, 'Call protected')).status).toBe('200 OK');
      },
    );

    it('takes the credentials apart: JWT claims, itsdangerous timestamp, HttpOnly cookie', async () => {
      const jwt = column('jwt').locator('[data-role="credential"]');
      expect(await jwt.textContent()).toMatch(/"?HS256"?/);
      const claims = jwt.locator('table.fields', {
        has: page.locator('caption', { hasText: /^JWT claims$/ }),
      });
      expect(await claims.locator('th', { hasText: /^exp$/ }).count()).toBe(1);
      expect(await jwt.locator('[data-role="countdown"]').first().textContent()).toMatch(/^\d+:\d\d left$/);
      const token = column('token').locator('[data-role="credential"]');
      expect(await token.textContent()).toMatch(/HMAC-SHA1/);
      expect(await token.textContent()).toMatch(/→ \d{4}-\d\d-\d\dT/);
      expect(await column('session').locator('[data-role="document-cookie"]').textContent()).toBe('""');
    });

    it('session: the inspection panel shows the server’s record for the cookie', async () => {
      const record = column('session').locator('[data-role="session-record"]');
      expect(await record.locator('[data-role="record-username"]').textContent()).toBe(username);
      expect(await record.textContent()).toMatch(/session id[A-Za-z0-9_-]{6}…/);
      const stored = JSON.parse(
        (await column('session').locator('[data-role="store-record"]').textContent()) ?? '{}',
      );
      expect(stored).toEqual(expect.objectContaining({ userId: expect.any(String), username }));
    });

    it('keeps WCAG AA text contrast with every panel filled in', async () => {
      expect(await lowContrastText(page)).toEqual([]);
    });

    it('saves a screenshot of the page with every strategy logged in', async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      const path = new URL('page.png', ARTIFACTS);
      await page.screenshot({ path: path.pathname, fullPage: true });
      expect(path.pathname).toMatch(/apps\/api\/test-artifacts\/page\.png$/);
    });

    it('jwt: refresh rotates the pair; replaying the spent refresh token is refused', async () => {
      expect((await act('jwt', 'Refresh')).status).toBe('200 OK');
      expect((await act('jwt', 'Call protected')).status).toBe('200 OK');
      await column('jwt').getByRole('button', { name: 'Replay the spent refresh token' }).click();
      await page.locator('article[data-strategy="jwt"]:not([aria-busy])').waitFor();
      expect((await lastResult('jwt')).status).toBe('401 Unauthorized');
    });

    it.each(STRATEGIES)('%s: log out ⇒ 204, then protected ⇒ 401 shown with the reason', async (name) => {
      expect((await act(name, 'Log in')).status).toBe('200 OK');
      expect((await act(name, 'Log out')).status).toBe('204 No Content');
      const after = await act(name, 'Call protected');
      expect(after.status).toBe('401 Unauthorized');
      expect(after.reason).toMatch(
        name === 'session' ? /^Refused: (revoked|missing-credential) — / : /^Refused: revoked — /,
      );
    });

    it.each(STRATEGIES)('%s: log out everywhere ⇒ 204, then protected ⇒ 401', async (name) => {
      expect((await act(name, 'Log in')).status).toBe('200 OK');
      expect((await act(name, 'Log out everywhere')).status).toBe('204 No Content');
      expect((await act(name, 'Call protected')).status).toBe('401 Unauthorized');
    });

    it('wait for expiry: each credential is refused as expired once its lifetime has passed', async () => {
      for (const name of STRATEGIES) expect((await act(name, 'Log in')).status).toBe('200 OK');
      // Move the server's clock past every lifetime (token 3600 s is the longest default).
      testApp.clock.advanceSeconds(3601);
      for (const name of STRATEGIES) {
        await column(name).getByRole('button', { name: 'Wait for expiry' }).click();
        await page
          .locator(`article[data-strategy="${name}"] button[data-action="wait"][aria-pressed="false"]`)
          .waitFor({ timeout: 15_000 });
        const result = await lastResult(name);
        expect(result.status).toBe('401 Unauthorized');
        expect(result.reason).toMatch(
          name === 'session' ? /^Refused: (expired|missing-credential) — / : /^Refused: expired — /,
        );
        expect(await column(name).locator('[data-role="wait-status"]').textContent()).toMatch(/^Refused/);
      }
    });

    it('made no request off this origin, broke no CSP rule, and logged no error but the 401s it provoked', () => {
      expect(watch.foreignRequests).toEqual([]);
      expect(watch.cspViolations).toEqual([]);
      expect(watch.pageErrors).toEqual([]);
      expect(watch.unexpectedConsoleErrors([401])).toEqual([]);
    });
  },
);
