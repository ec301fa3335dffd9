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
import type { Request, Response } from 'express';
import { opaqueTokenStrategy } from '../src/index.js';

const APP = { production: false, cookieSecure: false, sharedUserStore: false } as const;

/** The exchange `issue` writes its no-store headers to; `revoke` reads nothing of it. */
function exchange(): AuthExchange {
  const response = { setHeader: () => response };
  return { request: {} as Request, response: response as unknown as Response };
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
  const { strategy } = await opaqueTokenStrategy.create({
    settings: opaqueTokenStrategy.parseSettings({}, APP),
    app: APP,
    secrets: {},
    infrastructure: { redis, now: clock.now },
    warn: () => {},
  });
  return {
    strategy,
    async login(user: LoginUser) {
      const body = await strategy.issue(user, exchange());
      return String(body.token);
    },
    requestWith: (credential: string) => ({
      method: 'GET',
      headers: { authorization: `Bearer ${credential}` },
    }),
    exchange,
    // The app deletes an account after `revokeAll`; the opaque strategy never reads users.
    deleteUser: (userId: string) => strategy.revokeAll(userId),
    close: async () => {
      await redis?.close();
    },
  };
}

strategyContract({
  stores: ['memory', 'redis', 'cluster'],
  factory: fixture,
  expectations: {
    name: 'opaque',
    lifetimeMs: 3600_000,
    expired: { memory: 'expired', redis: 'expired', cluster: 'expired' },
    tampered: 'invalid_signature',
    empty: 'malformed_credential',
    deletedUser: 'revoked',
    foreign: [
      { label: 'a jwt access token', credential: FOREIGN_CREDENTIALS.jwt, code: 'malformed_credential' },
      { label: 'a signed token', credential: FOREIGN_CREDENTIALS.token, code: 'malformed_credential' },
      { label: 'an opaque token naming no record', credential: FOREIGN_CREDENTIALS.opaque, code: 'revoked' },
      {
        label: 'a session cookie',
        request: { method: 'GET', headers: { cookie: `sid=${FOREIGN_CREDENTIALS.sessionCookie}` } },
        code: 'missing_credential',
      },
    ],
  },
});
