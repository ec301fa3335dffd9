import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { AuthExchange, LoginUser } from '@authbench/auth-core';
import { RedisConnection } from '@authbench/auth-stores';
import { TEST_REDIS_COMMAND_TIMEOUT_MS } from '@authbench/test-support';
import {
  type ContractClock,
  type ContractFixture,
  type ContractStore,
  FOREIGN_CREDENTIALS,
  strategyContract,
} from '@authbench/test-support/strategy-contract';
import { sessionStrategy } from '../src/index.js';

const APP = { production: false, cookieSecure: false, sharedUserStore: false } as const;
const SECRET = 'contract-session-secret-0123456789abc';

/**
 * A login without a server, as the benchmarks do it: express-session runs on a bare
 * IncomingMessage and ServerResponse, and the `sid=…` pair is read from Set-Cookie.
 */
async function issueCookie(strategy: ContractFixture['strategy'], user: LoginUser): Promise<string> {
  const request = new IncomingMessage(new Socket());
  request.method = 'POST';
  request.url = '/session/login';
  request.headers = { host: '127.0.0.1' };
  const response = new ServerResponse(request);
  await strategy.issue(user, { request, response } as unknown as AuthExchange);
  response.writeHead(200);
  const setCookie = response.getHeader('set-cookie');
  const first = (Array.isArray(setCookie) ? (setCookie[0] ?? '') : String(setCookie ?? '')).split(';')[0];
  if (first === undefined || !first.startsWith('sid=')) throw new Error('session login set no sid cookie');
  return first;
}

/** A logout: a same-origin POST, and a response the cleared cookie is written to. */
function exchange(): AuthExchange {
  const request = new IncomingMessage(new Socket());
  request.method = 'POST';
  request.headers = { host: '127.0.0.1' };
  const response = new ServerResponse(request);
  return { request: Object.assign(request, { secure: false }), response } as AuthExchange;
}

async function fixture(
  _store: ContractStore,
  clock: ContractClock,
  redisUrl: string | null,
): Promise<ContractFixture> {
  const redis =
    redisUrl === null
      ? null
      : new RedisConnection(redisUrl, { commandTimeoutMs: TEST_REDIS_COMMAND_TIMEOUT_MS });
  await redis?.connect();
  const { strategy } = await sessionStrategy.create({
    settings: sessionStrategy.parseSettings({}, APP),
    app: APP,
    secrets: { SESSION_SECRET: [SECRET] },
    infrastructure: { redis, now: clock.now },
    warn: () => {},
  });
  return {
    strategy,
    async login(user) {
      const cookie = await issueCookie(strategy, user);
      const credential = strategy.credentialOf({ method: 'GET', headers: { cookie } });
      if (credential === undefined) throw new Error('the sid cookie carried no credential');
      return credential;
    },
    requestWith: (credential) => ({
      method: 'GET',
      headers: { cookie: `sid=${encodeURIComponent(credential)}` },
    }),
    exchange,
    // Sessions hold the username; the app's deletion ends them through revokeAll.
    deleteUser: (userId) => strategy.revokeAll(userId),
    close: async () => {
      await redis?.close();
    },
  };
}

strategyContract({
  stores: ['memory', 'redis', 'cluster'],
  factory: fixture,
  expectations: {
    name: 'session',
    // SESSION_TTL, the idle timeout.
    lifetimeMs: 1800_000,
    expired: { memory: 'expired', redis: 'expired', cluster: 'expired' },
    tampered: 'invalid_signature',
    // An empty cookie value is no cookie.
    empty: 'missing_credential',
    deletedUser: 'revoked',
    foreign: [
      {
        label: 'a session cookie signed with another secret',
        credential: FOREIGN_CREDENTIALS.sessionCookie,
        code: 'invalid_signature',
      },
      { label: 'a jwt in the sid cookie', credential: FOREIGN_CREDENTIALS.jwt, code: 'malformed_credential' },
      {
        label: 'a jwt as a bearer header',
        request: { method: 'GET', headers: { authorization: `Bearer ${FOREIGN_CREDENTIALS.jwt}` } },
        code: 'missing_credential',
      },
      {
        label: 'a signed token as a bearer header',
        request: { method: 'GET', headers: { authorization: `Bearer ${FOREIGN_CREDENTIALS.token}` } },
        code: 'missing_credential',
      },
    ],
  },
});
