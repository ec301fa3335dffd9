import type { LoginUser } from '@authbench/auth-core';
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
import { jwtStrategy } from '../src/index.js';

const APP = { production: false, cookieSecure: false, sharedUserStore: false } as const;
const SECRET = 'contract-jwt-secret-0123456789abcdefgh';

/** JWT_REVOCATION=denylist (the default), HS256, built through the descriptor as the app builds it. */
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
  const users = new Map<string, LoginUser>();
  const { strategy } = await jwtStrategy.create({
    settings: jwtStrategy.parseSettings({ JWT_REVOCATION: 'denylist' }, APP),
    app: APP,
    secrets: { JWT_SECRET: [SECRET] },
    infrastructure: {
      users: {
        findById: async (id) =>
          users.has(id)
            ? {
                ...(users.get(id) as LoginUser),
                passwordHash: '',
                createdAt: new Date(0),
                revokedBefore: null,
              }
            : null,
      },
      redis,
      now: clock.now,
    },
    warn: () => {},
  });
  const exchange = () => ({ request: {} as Request, response: {} as Response });
  return {
    strategy,
    async login(user) {
      users.set(user.id, user);
      return String((await strategy.issue(user, exchange())).token);
    },
    requestWith: (credential) => ({ method: 'GET', headers: { authorization: `Bearer ${credential}` } }),
    exchange,
    // What UserAccounts.deleteUser does: revoke everywhere, then delete the row.
    async deleteUser(userId) {
      await strategy.revokeAll(userId);
      users.delete(userId);
    },
    close: async () => {
      await redis?.close();
    },
  };
}

strategyContract({
  stores: ['memory', 'redis', 'cluster'],
  factory: fixture,
  expectations: {
    name: 'jwt',
    lifetimeMs: 1800_000,
    expired: { memory: 'expired', redis: 'expired', cluster: 'expired' },
    tampered: 'invalid_signature',
    empty: 'malformed_credential',
    deletedUser: 'revoked',
    foreign: [
      {
        label: 'a jwt signed with another secret',
        credential: FOREIGN_CREDENTIALS.jwt,
        code: 'invalid_signature',
      },
      // Its first segment (the payload JSON) reads as a header without this `alg`: algorithm_not_allowed.
      { label: 'a signed token', credential: FOREIGN_CREDENTIALS.token, code: 'invalid_signature' },
      { label: 'an opaque token', credential: FOREIGN_CREDENTIALS.opaque, code: 'malformed_credential' },
      {
        label: 'a session cookie',
        request: { method: 'GET', headers: { cookie: `sid=${FOREIGN_CREDENTIALS.sessionCookie}` } },
        code: 'missing_credential',
      },
    ],
  },
});
