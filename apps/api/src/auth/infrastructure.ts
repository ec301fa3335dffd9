import {
  Argon2PasswordHasher,
  BoundedPasswordHasher,
  LoginRateLimiter,
  openUserRepository,
  parseLoginRateLimit,
  type SqlUserRepository,
  UserAccounts,
  type UserRepository,
} from '@authbench/auth-accounts';
import { type StoreStatus } from '@authbench/auth-core';
import { RedisConnection } from '@authbench/auth-stores';
import type { AppConfig } from '../config/config.js';

/**
 * What the catalog's strategies take from the infrastructure (each descriptor declares its part;
 * this is their union). The benchmarks build strategies in process from exactly this.
 */
export interface StrategyInfrastructure {
  readonly users: Pick<UserRepository, 'findById' | 'revokeAllCredentials'>;
  readonly redis: RedisConnection | null;
  readonly now: () => number;
}

/** The stores and services every strategy shares, opened once per process. */
export interface AuthInfrastructure extends StrategyInfrastructure {
  readonly users: SqlUserRepository;
  readonly accounts: UserAccounts;
  storeHealth(): Promise<Readonly<Record<string, StoreStatus>>>;
  close(): Promise<void>;
}

export interface InfrastructureOptions {
  readonly now?: () => number;
  readonly onRedisError?: (error: Error) => void;
}

export async function openInfrastructure(
  config: AppConfig,
  options: InfrastructureOptions = {},
): Promise<AuthInfrastructure> {
  const now = options.now ?? Date.now;
  const redis =
    config.REDIS_URL === undefined
      ? null
      : new RedisConnection(
          config.REDIS_URL,
          options.onRedisError === undefined ? {} : { onError: options.onRedisError },
        );
  // Connect in the background: a Redis that is down at start makes its strategies answer 503
  // until it comes up, instead of keeping the whole API from starting.
  redis?.connect().catch(() => undefined);
  const users = await openUserRepository({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  const accounts = new UserAccounts(
    users,
    // At most DEFAULT_HASH_CAPACITY hashes at once per process, a short wait line, then 503.
    new BoundedPasswordHasher(new Argon2PasswordHasher()),
    new LoginRateLimiter(parseLoginRateLimit(config.LOGIN_RATE_LIMIT), redis),
    now,
  );
  const embedded = config.DATABASE_URL === undefined;
  const usersStore = embedded ? 'users' : 'postgres';
  return {
    users,
    redis,
    accounts,
    now,
    async storeHealth() {
      const usersStatus = await users.ping().then(
        (): StoreStatus => (embedded ? 'embedded' : 'up'),
        (): StoreStatus => 'down',
      );
      const report: Record<string, StoreStatus> = { [usersStore]: usersStatus };
      if (redis !== null) report.redis = (await redis.ping()) ? 'up' : 'down';
      return report;
    },
    async close() {
      await Promise.allSettled([users.close(), redis?.close()]);
    },
  };
}
