import type { User } from '@authbench/auth-accounts';
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
import { type SignedTokenUsers, signedTokenStrategy } from '../src/index.js';

/** The default app: the embedded user store, so the strategy's in-process user cache is on. */
const APP = { production: false, cookieSecure: false, sharedUserStore: false } as const;
const SECRET = 'contract-token-secret-0123456789abcdef';

/** The user store the strategy reads: what the embedded repository does, in a Map. */
class MapUsers implements SignedTokenUsers {
  readonly users = new Map<string, User>();

  add(user: LoginUser): void {
    if (this.users.has(user.id)) return;
    this.users.set(user.id, {
      ...user,
      passwordHash: 'not a hash',
      createdAt: new Date(0),
      revokedBefore: null,
    });
  }

  async findById(id: string): Promise<User | null> {
    return this.users.get(id) ?? null;
  }

  async revokeAllCredentials(id: string, at: Date): Promise<User | null> {
    const user = this.users.get(id);
    if (user === undefined) return null;
    const next = { ...user, tokenVersion: user.tokenVersion + 1, revokedBefore: at };
    this.users.set(id, next);
    return next;
  }
}

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
  const users = new MapUsers();
  const { strategy } = await signedTokenStrategy.create({
    settings: signedTokenStrategy.parseSettings({}, APP),
    app: APP,
    secrets: { TOKEN_SECRET: [SECRET] },
    infrastructure: { users, redis, now: clock.now },
    warn: () => {},
  });
  return {
    strategy,
    async login(user: LoginUser) {
      users.add(user);
      // The login reads the user as stored now (a logout-all has bumped the version).
      const current = users.users.get(user.id) ?? user;
      const body = await strategy.issue(current, exchange());
      return String(body.token);
    },
    requestWith: (credential: string) => ({
      method: 'GET',
      headers: { authorization: `Bearer ${credential}` },
    }),
    exchange,
    // What UserAccounts.deleteUser does: revoke everywhere, then delete the row.
    async deleteUser(userId: string) {
      await strategy.revokeAll(userId);
      users.users.delete(userId);
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
    name: 'token',
    lifetimeMs: 3600_000,
    expired: { memory: 'expired', redis: 'expired', cluster: 'expired' },
    tampered: 'invalid_signature',
    empty: 'malformed_credential',
    deletedUser: 'unknown_user',
    foreign: [
      { label: 'a jwt access token', credential: FOREIGN_CREDENTIALS.jwt, code: 'wrong_strategy' },
      {
        label: 'a token signed with another secret',
        credential: FOREIGN_CREDENTIALS.token,
        code: 'invalid_signature',
      },
      { label: 'an opaque token', credential: FOREIGN_CREDENTIALS.opaque, code: 'malformed_credential' },
      {
        label: 'a session cookie',
        request: { method: 'GET', headers: { cookie: `sid=${FOREIGN_CREDENTIALS.sessionCookie}` } },
        code: 'missing_credential',
      },
    ],
  },
});
