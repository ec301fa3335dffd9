import { randomUUID } from 'node:crypto';
import type { RedisConnection } from '@authbench/auth-stores';
import { createSessionStrategy, type SessionStrategy, type SessionStrategyOptions } from '../../src/index.js';
import { createTestApp, listen, type RunningApp } from './app.js';
import { pairOf } from './cookies.js';
import { type HttpResponse, http } from './http.js';

export type StoreKind = 'memory' | 'redis';

export const OLD_SECRET = 'old-session-secret-0123456789abcdef';
export const NEW_SECRET = 'new-session-secret-0123456789abcdef';
export const DROPPED_SECRET = 'dropped-session-secret-0123456789ab';

export const IDLE_SECONDS = 60;
export const ABSOLUTE_SECONDS = 600;

/** A frozen clock the test moves by hand. */
export class TestClock {
  private current = Date.UTC(2030, 0, 1, 12, 0, 0);
  readonly now = (): number => this.current;

  advance(seconds: number): void {
    this.current += seconds * 1000;
  }
}

export interface Fixture {
  readonly strategy: SessionStrategy;
  readonly server: RunningApp;
  readonly clock: TestClock;
  readonly keyPrefix: string;
  login(
    username: string,
    headers?: Record<string, string>,
  ): Promise<{ response: HttpResponse; cookie: string }>;
  get(path: string, cookie?: string, headers?: Record<string, string>): Promise<HttpResponse>;
  post(path: string, cookie?: string, headers?: Record<string, string>): Promise<HttpResponse>;
  close(): Promise<void>;
}

export interface FixtureOptions extends Partial<Omit<SessionStrategyOptions, 'redis' | 'now'>> {
  readonly clock?: TestClock;
  /** Share a Redis key space with another fixture (key rotation across instances). */
  readonly keyPrefix?: string;
}

export async function startFixture(
  kind: StoreKind,
  redis: RedisConnection | null,
  options: FixtureOptions = {},
): Promise<Fixture> {
  if (kind === 'redis' && redis === null) throw new TypeError('the redis fixture needs a connection');
  const clock = options.clock ?? new TestClock();
  const keyPrefix = options.keyPrefix ?? `test:${randomUUID()}:`;
  const strategy = createSessionStrategy({
    secrets: [OLD_SECRET, NEW_SECRET],
    idleTtlSeconds: IDLE_SECONDS,
    absoluteTtlSeconds: ABSOLUTE_SECONDS,
    cookieSecure: false,
    ...options,
    redis: kind === 'redis' ? redis : null,
    now: clock.now,
    keyPrefix,
  });
  const server = await listen(createTestApp(strategy));
  const withCookie = (cookie: string | undefined, headers: Record<string, string>): Record<string, string> =>
    cookie === undefined ? headers : { cookie, ...headers };
  return {
    strategy,
    server,
    clock,
    keyPrefix,
    async login(username, headers = {}) {
      const response = await http(server.url, '/login', { method: 'POST', json: { username }, headers });
      const setCookie = response.setCookies[0];
      return { response, cookie: setCookie === undefined ? '' : pairOf(setCookie) };
    },
    get: (path, cookie, headers = {}) => http(server.url, path, { headers: withCookie(cookie, headers) }),
    post: (path, cookie, headers = {}) =>
      http(server.url, path, { method: 'POST', headers: withCookie(cookie, headers) }),
    close: () => server.close(),
  };
}
