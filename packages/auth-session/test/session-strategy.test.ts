import { RedisConnection } from '@authbench/auth-stores';
import {
  redisServerProgram,
  requireProgramOrSkip,
  startTestRedis,
  TEST_REDIS_COMMAND_TIMEOUT_MS,
  type TestRedisServer,
} from '@authbench/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { MAX_SESSIONS_PER_USER, type SessionInspection } from '../src/index.js';
import { cookiePair, cookieValueOf, sessionIdOf, signedCookieValue } from './support/cookies.js';
import {
  ABSOLUTE_SECONDS,
  DROPPED_SECRET,
  type Fixture,
  type FixtureOptions,
  IDLE_SECONDS,
  NEW_SECRET,
  OLD_SECRET,
  type StoreKind,
  startFixture,
} from './support/fixture.js';
import { closeHttpAgent, type HttpResponse, http } from './support/http.js';

const redisAvailable = requireProgramOrSkip(
  redisServerProgram() !== null,
  'redis-server',
  'apt-get install redis-server',
);
const kinds: StoreKind[] = redisAvailable ? ['memory', 'redis'] : ['memory'];

let redisServer: TestRedisServer | null = null;
let redis: RedisConnection | null = null;

beforeAll(async () => {
  if (!redisAvailable) return;
  redisServer = await startTestRedis();
  redis = new RedisConnection(redisServer.url, { commandTimeoutMs: TEST_REDIS_COMMAND_TIMEOUT_MS });
  await redis.connect();
});

afterAll(async () => {
  await redis?.close();
  await redisServer?.stop();
  closeHttpAgent();
});

function expectProblem(response: HttpResponse, status: number, code?: string): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  if (code !== undefined) {
    expect(response.body).toMatchObject({
      status,
      code,
      type: `urn:authbench:problem:${code.replaceAll('_', '-')}`,
    });
  }
}

const SIGNED_VALUE = /^s:[A-Za-z0-9_-]{32}\.[A-Za-z0-9+/]{43}$/;

describe.each(kinds)('session strategy over HTTP (%s store)', (kind) => {
  const open: Fixture[] = [];
  const start = async (options: FixtureOptions = {}): Promise<Fixture> => {
    const fixture = await startFixture(kind, redis, options);
    open.push(fixture);
    return fixture;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((fixture) => fixture.close()));
  });

  describe('login and the cookie', () => {
    it('sets exactly `sid=…; Path=/; HttpOnly; SameSite=Lax` and answers the user', async () => {
      const f = await start();
      const { response } = await f.login('alice');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ user: { id: 'u-alice', username: 'alice' } });
      expect(response.setCookies).toHaveLength(1);
      const [line = ''] = response.setCookies;
      expect(line).toMatch(/^sid=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/);
      expect(cookieValueOf(line)).toMatch(SIGNED_VALUE);
    });

    it('with COOKIE_SECURE: `__Host-sid=…; Path=/; HttpOnly; Secure; SameSite=Lax`, only over HTTPS', async () => {
      const f = await start({ cookieSecure: true });
      const https = { 'x-forwarded-proto': 'https' };
      const { response, cookie } = await f.login('alice', https);
      expect(response.status).toBe(200);
      const [line = ''] = response.setCookies;
      expect(line).toMatch(/^__Host-sid=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
      expect(cookieValueOf(line)).toMatch(SIGNED_VALUE);
      expect((await f.get('/protected', cookie, https)).status).toBe(200);
      // A plain `sid` cookie is not the session cookie of a Secure deployment.
      expectProblem(
        await f.get('/protected', cookie.replace('__Host-sid=', 'sid='), https),
        401,
        'missing_credential',
      );
      // Over plain HTTP express-session would withhold the cookie: refuse instead of a 200 without one.
      const plain = await f.login('alice');
      expectProblem(plain.response, 403);
      expect(plain.response.body).toMatchObject({ type: 'urn:authbench:problem:https-required' });
      expect(plain.response.setCookies).toEqual([]);
    });

    it('authenticates the cookie on a protected route; no cookie ⇒ 401 missing_credential', async () => {
      const f = await start();
      const { cookie } = await f.login('alice');
      const ok = await f.get('/protected', cookie);
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({
        message: 'ok',
        strategy: 'session',
        user: { id: 'u-alice', username: 'alice' },
      });
      expect(ok.setCookies).toEqual([]);
      expectProblem(await f.get('/protected'), 401, 'missing_credential');
      expectProblem(
        await f.get('/protected', undefined, { authorization: 'Bearer abc' }),
        401,
        'missing_credential',
      );
      expectProblem(await f.get('/protected', 'other=1; sid='), 401, 'missing_credential');
    });

    it('gives 1,000 logins 1,000 distinct ids of 192 random bits (32 base64url characters)', async () => {
      const f = await start();
      const ids = new Set<string>();
      for (let batch = 0; batch < 20; batch++) {
        const logins = await Promise.all(Array.from({ length: 50 }, () => f.login('alice')));
        for (const { response } of logins) {
          expect(response.status).toBe(200);
          const id = sessionIdOf(response.setCookies[0] ?? '');
          expect(id).toMatch(/^[A-Za-z0-9_-]{32}$/);
          ids.add(id);
        }
      }
      expect(ids.size).toBe(1000);
      // One account: the per-user cap keeps only its newest sessions.
      expect(await f.strategy.serverState().then((state) => state.records)).toBe(MAX_SESSIONS_PER_USER);
      // 32 base64url characters carry 32 × 6 = 192 bits (uid-safe: 24 bytes from the CSPRNG).
      // A coarse check that they are spread like random bytes (not a counter or a timestamp):
      // over 32,000 characters each of the 64 symbols is expected 500 times (σ ≈ 22).
      const counts = new Map<string, number>();
      for (const char of [...ids].join('')) counts.set(char, (counts.get(char) ?? 0) + 1);
      expect(counts.size).toBe(64);
      for (const count of counts.values()) expect(count).toBeGreaterThan(350);
    }, 600_000);
  });

  describe('session fixation', () => {
    it('never adopts an attacker-chosen (unsigned) id', async () => {
      const f = await start();
      const planted = 'sid=attacker-chosen-session-id';
      const { response, cookie } = await f.login('alice', { cookie: planted });
      expect(response.status).toBe(200);
      expect(cookie).not.toBe(planted);
      expect(sessionIdOf(response.setCookies[0] ?? '')).not.toBe('attacker-chosen-session-id');
      expectProblem(await f.get('/protected', planted), 401, 'malformed_credential');
      expect((await f.get('/protected', cookie)).status).toBe(200);
    });

    it('never adopts a validly signed id the store does not know', async () => {
      const f = await start();
      const knownId = 'A'.repeat(32);
      const planted = cookiePair('sid', signedCookieValue(knownId, NEW_SECRET));
      expectProblem(await f.get('/protected', planted), 401, 'revoked');
      const { response, cookie } = await f.login('alice', { cookie: planted });
      expect(sessionIdOf(response.setCookies[0] ?? '')).not.toBe(knownId);
      expectProblem(await f.get('/protected', planted), 401, 'revoked');
      expect((await f.get('/protected', cookie)).status).toBe(200);
    });

    it('changes the id at login even over a live session, and ends the old one', async () => {
      const f = await start();
      const attacker = await f.login('alice');
      const victim = await f.login('bob', { cookie: attacker.cookie });
      expect(sessionIdOf(victim.response.setCookies[0] ?? '')).not.toBe(sessionIdOf(`${attacker.cookie};`));
      expectProblem(await f.get('/protected', attacker.cookie), 401, 'revoked');
      const bob = await f.get('/protected', victim.cookie);
      expect(bob.body).toMatchObject({ user: { id: 'u-bob', username: 'bob' } });
      expect(await f.strategy.serverState().then((state) => state.records)).toBe(1);
    });
  });

  describe('tampered and rotated cookies', () => {
    it('refuses a tampered signature, a tampered id and an unsigned value, without a session', async () => {
      const f = await start();
      const { cookie } = await f.login('alice');
      const value = cookieValueOf(`${cookie};`);
      const lastChar = value.slice(-1);
      const flipped = `${value.slice(0, -1)}${lastChar === 'A' ? 'B' : 'A'}`;
      expectProblem(await f.get('/protected', cookiePair('sid', flipped)), 401, 'invalid_signature');
      const otherId = `s:${'B'.repeat(32)}${value.slice(value.lastIndexOf('.'))}`;
      expectProblem(await f.get('/protected', cookiePair('sid', otherId)), 401, 'invalid_signature');
      expectProblem(
        await f.get('/protected', cookiePair('sid', value.slice(2))),
        401,
        'malformed_credential',
      );
      expectProblem(await f.get('/protected', cookiePair('sid', 's:no-dot')), 401, 'malformed_credential');
      expect((await f.get('/protected', cookie)).status).toBe(200);
    });

    it('signs with the newest secret, accepts the older one, refuses a dropped one', async () => {
      const f = await start({ secrets: [OLD_SECRET, NEW_SECRET] });
      const { cookie } = await f.login('alice');
      const id = sessionIdOf(`${cookie};`);
      expect(cookieValueOf(`${cookie};`)).toBe(signedCookieValue(id, NEW_SECRET));
      expect((await f.get('/protected', cookiePair('sid', signedCookieValue(id, OLD_SECRET)))).status).toBe(
        200,
      );
      expectProblem(
        await f.get('/protected', cookiePair('sid', signedCookieValue(id, DROPPED_SECRET))),
        401,
        'invalid_signature',
      );
    });
  });

  describe('logout and logout-all', () => {
    it('logout destroys the record and clears the cookie with the same attributes', async () => {
      const f = await start();
      const { cookie } = await f.login('alice');
      const out = await f.post('/logout', cookie, { origin: f.server.origin });
      expect(out.status).toBe(204);
      expect(out.setCookies).toEqual([
        'sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax',
      ]);
      expectProblem(await f.get('/protected', cookie), 401, 'revoked');
      expect(await f.strategy.serverState().then((state) => state.records)).toBe(0);
    });

    it('logout then login in one request ends the old session and starts a new one', async () => {
      const f = await start();
      const alice = await f.login('alice');
      const switched = await http(f.server.url, '/switch-user', {
        method: 'POST',
        json: { username: 'bob' },
        headers: { cookie: alice.cookie },
      });
      expect(switched.status).toBe(200);
      expect(switched.body).toEqual({ user: { id: 'u-bob', username: 'bob' } });
      const [cleared, issued = ''] = switched.setCookies;
      expect(cleared).toBe('sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax');
      expect(issued).toMatch(/^sid=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/);
      expectProblem(await f.get('/protected', alice.cookie), 401, 'revoked');
      const bob = await f.get('/protected', issued.split(';')[0]);
      expect(bob.body).toMatchObject({ user: { id: 'u-bob' } });
      expect(await f.strategy.serverState().then((state) => state.records)).toBe(1);
    });

    it('logout-all ends all three concurrent sessions of the user, and only those', async () => {
      const f = await start();
      const sessions = await Promise.all([f.login('alice'), f.login('alice'), f.login('alice')]);
      const bob = await f.login('bob');
      for (const { cookie } of sessions) expect((await f.get('/protected', cookie)).status).toBe(200);
      const [first] = sessions;
      expect((await f.post('/logout-all', first?.cookie)).status).toBe(204);
      for (const { cookie } of sessions) expectProblem(await f.get('/protected', cookie), 401, 'revoked');
      expect((await f.get('/protected', bob.cookie)).status).toBe(200);
      expect(await f.strategy.serverState().then((state) => state.records)).toBe(1);
    });

    it('does not re-create a session that logout-all ended while a request was using it', async () => {
      const f = await start({ touchAfterSeconds: 1 });
      const { cookie } = await f.login('alice');
      f.clock.advance(2);
      // logout-all authenticates (refresh due ⇒ touch at the end of the response) and then
      // destroys every session, the current one included: the touch must not write it back.
      expect((await f.post('/logout-all', cookie)).status).toBe(204);
      expectProblem(await f.get('/protected', cookie), 401, 'revoked');
      expect(await f.strategy.serverState().then((state) => state.records)).toBe(0);
    });

    it('revokeAll (password change, deleted user) works without a request and is idempotent', async () => {
      const f = await start();
      const a = await f.login('alice');
      const b = await f.login('alice');
      await f.strategy.revokeAll('u-alice');
      await f.strategy.revokeAll('u-alice');
      await f.strategy.revokeAll('u-nobody');
      expectProblem(await f.get('/protected', a.cookie), 401, 'revoked');
      expectProblem(await f.get('/protected', b.cookie), 401, 'revoked');
      const again = await f.login('alice');
      expect((await f.get('/protected', again.cookie)).status).toBe(200);
    });
  });

  describe('CSRF (CONTRACT §2: Origin / Sec-Fetch-Site)', () => {
    it('refuses a cross-origin POST logout with 403 and leaves the user logged in', async () => {
      const f = await start();
      const { cookie } = await f.login('alice');
      const attack = await f.post('/logout', cookie, { origin: 'https://evil.example' });
      expectProblem(attack, 403);
      expect(attack.body).toMatchObject({ type: 'urn:authbench:problem:cross-site-request', status: 403 });
      expect(attack.setCookies).toEqual([]);
      expect((await f.get('/protected', cookie)).status).toBe(200);
    });

    it.each([
      ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
      ['Origin: null', { origin: 'null' }],
      ['an unparsable Origin', { origin: 'not an origin' }],
      ['another port of the same host', { origin: 'http://127.0.0.1:1' }],
      ['another scheme', { origin: 'https://127.0.0.1' }],
    ])('refuses a state change with %s', async (_label, headers) => {
      const f = await start();
      const { cookie } = await f.login('alice');
      expectProblem(await f.post('/protected', cookie, headers), 403);
      expectProblem(await f.post('/logout', cookie, headers), 403);
      expect((await f.get('/protected', cookie)).status).toBe(200);
    });

    it('allows same-origin, same-origin Sec-Fetch-Site, headerless clients and allow-listed origins', async () => {
      const f = await start({ allowedOrigins: ['https://app.example'] });
      const { cookie } = await f.login('alice');
      expect((await f.post('/protected', cookie, { origin: f.server.origin })).status).toBe(200);
      expect((await f.post('/protected', cookie, { 'sec-fetch-site': 'same-origin' })).status).toBe(200);
      expect((await f.post('/protected', cookie)).status).toBe(200);
      expect((await f.post('/protected', cookie, { origin: 'https://app.example' })).status).toBe(200);
      // A cross-site GET is a navigation: it may read, never change state.
      expect((await f.get('/protected', cookie, { 'sec-fetch-site': 'cross-site' })).status).toBe(200);
    });

    it('covers login CSRF: a cross-site login is refused and sets no cookie', async () => {
      const f = await start();
      const attempts: Record<string, string>[] = [
        { origin: 'https://evil.example' },
        { 'sec-fetch-site': 'cross-site' },
      ];
      for (const headers of attempts) {
        const { response } = await f.login('alice', headers);
        expectProblem(response, 403);
        expect(response.setCookies).toEqual([]);
      }
      expect(await f.strategy.serverState().then((state) => state.records)).toBe(0);
      expect((await f.login('alice', { origin: f.server.origin })).response.status).toBe(200);
    });

    it('a GET never changes state: no cookie is set, and login/logout refuse safe methods', async () => {
      const f = await start();
      const { cookie } = await f.login('alice');
      const read = await f.get('/protected', cookie);
      expect(read.setCookies).toEqual([]);
      const request = { method: 'GET', headers: {} };
      const exchange = { request, response: {} } as unknown as Parameters<typeof f.strategy.issue>[1];
      await expect(
        f.strategy.issue({ id: 'u-alice', username: 'alice', tokenVersion: 0 }, exchange),
      ).rejects.toThrow(TypeError);
      const principal = {
        userId: 'u-alice',
        username: 'alice',
        strategy: 'session',
        credentialId: sessionIdOf(`${cookie};`),
        issuedAt: new Date(),
        expiresAt: null,
      };
      await expect(f.strategy.revoke(principal, exchange)).rejects.toThrow(TypeError);
      expect((await f.get('/protected', cookie)).status).toBe(200);
    });
  });

  describe('timeouts, enforced by the app with the injected clock', () => {
    it('idle timeout is rolling: activity keeps the session, SESSION_TTL of silence ends it', async () => {
      const f = await start();
      const { cookie } = await f.login('alice');
      for (let step = 0; step < 5; step++) {
        f.clock.advance(IDLE_SECONDS - 5);
        expect((await f.get('/protected', cookie)).status).toBe(200);
      }
      f.clock.advance(IDLE_SECONDS);
      expectProblem(await f.get('/protected', cookie), 401, 'expired');
      // The expired record is deleted, not merely refused.
      expectProblem(await f.get('/protected', cookie), 401, 'revoked');
      expect(await f.strategy.serverState().then((state) => state.records)).toBe(0);
    });

    it('absolute lifetime caps even an active session', async () => {
      const f = await start({ idleTtlSeconds: 60, absoluteTtlSeconds: 150 });
      const { cookie } = await f.login('alice');
      for (const seconds of [50, 50, 49]) {
        f.clock.advance(seconds);
        expect((await f.get('/protected', cookie)).status).toBe(200);
      }
      f.clock.advance(1);
      expectProblem(await f.get('/protected', cookie), 401, 'expired');
    });

    it('refreshes the recorded activity only once touchAfterSeconds have passed', async () => {
      const f = await start({ touchAfterSeconds: 10 });
      const loginAt = f.clock.now();
      const { cookie } = await f.login('alice');
      f.clock.advance(9);
      expect((await f.get('/protected', cookie)).status).toBe(200);
      const before = (await f.get('/session', cookie)).body as SessionInspection;
      expect(before.record.lastSeenAt).toBe(new Date(loginAt).toISOString());
      f.clock.advance(1);
      expect((await f.get('/protected', cookie)).status).toBe(200);
      const after = (await f.get('/session', cookie)).body as SessionInspection;
      expect(after.record.lastSeenAt).toBe(new Date(loginAt + 10_000).toISOString());
      expect(after.idleExpiresAt).toBe(new Date(loginAt + 10_000 + IDLE_SECONDS * 1000).toISOString());
    });

    it('ends the session as soon as the idle deadline is reached (boundary)', async () => {
      const f = await start();
      const { cookie } = await f.login('alice');
      f.clock.advance(IDLE_SECONDS - 0.001);
      expect((await f.get('/protected', cookie)).status).toBe(200);
      const g = await start();
      const other = await g.login('alice');
      g.clock.advance(IDLE_SECONDS);
      expectProblem(await g.get('/protected', other.cookie), 401, 'expired');
    });
  });

  describe('inspection, traits and health', () => {
    it('inspect returns the server-side record without the session id', async () => {
      const f = await start();
      const loginAt = new Date(f.clock.now()).toISOString();
      const { cookie } = await f.login('alice');
      const response = await f.get('/session', cookie);
      expect(response.status).toBe(200);
      const body = response.body as SessionInspection;
      expect(body).toEqual({
        strategy: 'session',
        store: kind,
        cookieName: 'sid',
        sessionIdFingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
        record: { userId: 'u-alice', username: 'alice', loginAt, lastSeenAt: loginAt },
        idleExpiresAt: new Date(Date.parse(loginAt) + IDLE_SECONDS * 1000).toISOString(),
        absoluteExpiresAt: new Date(Date.parse(loginAt) + ABSOLUTE_SECONDS * 1000).toISOString(),
      });
      expect(JSON.stringify(body)).not.toContain(sessionIdOf(`${cookie};`));
      expectProblem(await f.get('/session'), 401, 'missing_credential');
    });

    it('reports traits and store health', async () => {
      const f = await start();
      expect(f.strategy.name).toBe('session');
      expect(f.strategy.transport).toBe('cookie');
      expect(f.strategy.traits()).toEqual({
        stateless: false,
        revocation: 'immediate',
        serverStatePerLogin: 'session record',
        lookupsPerRequest: 1,
      });
      expect((await f.get('/health')).body).toEqual(
        kind === 'memory' ? { sessions: 'embedded' } : { redis: 'up' },
      );
    });

    it('credentialOf() then verify() is the whole check, with or without HTTP', async () => {
      const f = await start();
      const { cookie } = await f.login('alice');
      const credential = f.strategy.credentialOf({ method: 'GET', headers: { cookie } });
      expect(credential).toMatch(/^s:/);
      expect(f.strategy.credentialOf({ method: 'GET', headers: {} })).toBeUndefined();
      const principal = await f.strategy.verify(credential ?? '');
      expect(principal).toMatchObject({
        userId: 'u-alice',
        username: 'alice',
        strategy: 'session',
        credentialId: sessionIdOf(`${cookie};`),
        issuedAt: new Date(f.clock.now()),
        expiresAt: new Date(f.clock.now() + ABSOLUTE_SECONDS * 1000),
      });
      await expect(f.strategy.verify('not-signed')).rejects.toMatchObject({
        name: 'AuthError',
        code: 'malformed_credential',
        status: 401,
      });
      f.clock.advance(IDLE_SECONDS);
      await expect(f.strategy.verify(credential ?? '')).rejects.toMatchObject({
        name: 'AuthError',
        code: 'expired',
        status: 401,
      });
    });
  });
});

(redisAvailable ? describe : describe.skip)('with a real Redis', () => {
  const open: Fixture[] = [];
  const start = async (options: FixtureOptions = {}): Promise<Fixture> => {
    const fixture = await startFixture('redis', redis, options);
    open.push(fixture);
    return fixture;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((fixture) => fixture.close()));
  });

  const connection = (): RedisConnection => {
    if (redis === null) throw new Error('Redis is not connected');
    return redis;
  };

  /** Calls per command since the last reset, from `INFO commandstats`. */
  async function commandCalls(): Promise<Record<string, number>> {
    const info = await connection().command('', ['INFO', 'commandstats']);
    const calls: Record<string, number> = {};
    for (const match of String(info).matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) {
      calls[match[1] ?? ''] = Number(match[2]);
    }
    for (const name of Object.keys(calls)) {
      if (name === 'info' || name.startsWith('config')) delete calls[name];
    }
    return calls;
  }
  const resetStats = () => connection().command('', ['CONFIG', 'RESETSTAT']);

  it('costs one GET per authenticated request, and one SET … XX per refresh', async () => {
    const f = await start({ touchAfterSeconds: 10 });
    const { cookie } = await f.login('alice');
    await resetStats();
    for (let i = 0; i < 5; i++) {
      f.clock.advance(1);
      expect((await f.get('/protected', cookie)).status).toBe(200);
    }
    expect(await commandCalls()).toEqual({ get: 5 });
    await resetStats();
    f.clock.advance(10);
    expect((await f.get('/protected', cookie)).status).toBe(200);
    expect(await commandCalls()).toEqual({ get: 1, set: 1 });
  });

  it('refuses a bad cookie without asking Redis', async () => {
    const f = await start();
    await resetStats();
    expectProblem(
      await f.get('/protected', cookiePair('sid', signedCookieValue('x'.repeat(32), DROPPED_SECRET))),
      401,
      'invalid_signature',
    );
    expectProblem(await f.get('/protected', 'sid=garbage'), 401, 'malformed_credential');
    expectProblem(await f.get('/protected'), 401, 'missing_credential');
    expect(await commandCalls()).toEqual({});
  });

  it('keeps the session key with a TTL no longer than the idle window', async () => {
    const f = await start();
    const sentAt = Date.now();
    const { cookie } = await f.login('alice');
    const key = `${f.keyPrefix}sess:${sessionIdOf(`${cookie};`)}`;
    const ttl = Number(await connection().command(key, ['TTL', key]));
    // Redis counts the TTL down in real time; a loaded machine may take seconds to get here.
    const elapsedSeconds = Math.ceil((Date.now() - sentAt) / 1000);
    expect(ttl).toBeGreaterThanOrEqual(IDLE_SECONDS - elapsedSeconds - 1);
    expect(ttl).toBeLessThanOrEqual(IDLE_SECONDS);
    const stored = JSON.parse(String(await connection().command(key, ['GET', key]))) as unknown;
    expect(stored).toEqual({
      userId: 'u-alice',
      username: 'alice',
      loginAt: f.clock.now(),
      lastSeenAt: f.clock.now(),
    });
  });

  it('keeps the per-user index consistent: stale ids are pruned on the next login', async () => {
    const f = await start({ idleTtlSeconds: 60, absoluteTtlSeconds: 120 });
    const indexKey = `${f.keyPrefix}user:{u-alice}`;
    await Promise.all([f.login('alice'), f.login('alice'), f.login('alice')]);
    expect(await connection().command(indexKey, ['ZCARD', indexKey])).toBe(3);
    f.clock.advance(121);
    const { cookie } = await f.login('alice');
    expect(await connection().command(indexKey, ['ZCARD', indexKey])).toBe(1);
    const pttl = Number(await connection().command(indexKey, ['PTTL', indexKey]));
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(120_000);
    await f.strategy.revokeAll('u-alice');
    expect(await connection().command(indexKey, ['EXISTS', indexKey])).toBe(0);
    expectProblem(await f.get('/protected', cookie), 401, 'revoked');
  });

  it('rotates keys across instances sharing Redis: old+new accepts, new-only refuses', async () => {
    const keyPrefix = `test:rotation:${Date.now()}:`;
    const before = await start({ secrets: [OLD_SECRET], keyPrefix });
    const during = await start({ secrets: [OLD_SECRET, NEW_SECRET], keyPrefix });
    const after = await start({ secrets: [NEW_SECRET], keyPrefix });
    const { cookie } = await before.login('alice');
    expect((await during.get('/protected', cookie)).status).toBe(200);
    expectProblem(await after.get('/protected', cookie), 401, 'invalid_signature');
    const rotated = await during.login('alice');
    expect((await after.get('/protected', rotated.cookie)).status).toBe(200);
  });

  it('reads a foreign value under a session key as no login, and deletes it', async () => {
    const f = await start();
    const id = 'C'.repeat(32);
    const key = `${f.keyPrefix}sess:${id}`;
    await connection().command(key, ['SET', key, '{"not":"a session"}', 'EX', '60']);
    expectProblem(
      await f.get('/protected', cookiePair('sid', signedCookieValue(id, NEW_SECRET))),
      401,
      'malformed_credential',
    );
    expect(await connection().command(key, ['EXISTS', key])).toBe(0);
  });
});
