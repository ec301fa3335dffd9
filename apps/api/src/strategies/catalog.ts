import { createJwtStrategy, generateDevKeyPair, JwtAuthModule } from '@authbench/auth-jwt';
import { createSessionStrategy } from '@authbench/auth-session';
import {
  createSignedTokenStrategy,
  MAX_USER_CACHE_TTL_MS,
  TOKEN_REVOCATION_PREFIX,
} from '@authbench/auth-signed-token';
import { MemoryRevocationList, RedisRevocationList } from '@authbench/auth-stores';
import type { AuthInfrastructure } from '../auth/infrastructure.js';
import type { ResolvedSecrets } from '../auth/secrets.js';
import type { AppConfig, StrategyName } from '../config/config.js';
import type { MountedStrategy } from './mounted-strategy.js';

export interface StrategyContext {
  readonly config: AppConfig;
  readonly secrets: ResolvedSecrets;
  readonly infrastructure: AuthInfrastructure;
  readonly warn: (message: string) => void;
}

type StrategyFactory = (context: StrategyContext) => Promise<MountedStrategy> | MountedStrategy;

/** Every strategy the app can mount. Adding one is one package and one line here. */
const CATALOG: Readonly<Partial<Record<StrategyName, StrategyFactory>>> = {
  session: ({ config, secrets, infrastructure: { redis, now } }) => ({
    strategy: createSessionStrategy({
      secrets: secrets.session,
      idleTtlSeconds: config.SESSION_TTL,
      absoluteTtlSeconds: config.SESSION_ABSOLUTE_TTL,
      cookieSecure: config.COOKIE_SECURE,
      redis,
      now,
    }),
  }),
  token: ({ config, secrets, infrastructure: { users, redis, now } }) => ({
    strategy: createSignedTokenStrategy({
      secrets: secrets.token,
      salt: config.TOKEN_SALT,
      digest: config.TOKEN_DIGEST,
      ttlSeconds: config.TOKEN_TTL,
      users,
      // With the embedded user store this process is the only writer of users (API_WORKERS > 1
      // needs DATABASE_URL), so a cache invalidated on every version bump here is exact. With
      // PostgreSQL another process may bump a version, so every request reads the user.
      userCacheTtlMs: config.DATABASE_URL === undefined ? MAX_USER_CACHE_TTL_MS : 0,
      revocations:
        redis === null
          ? new MemoryRevocationList({ now })
          : new RedisRevocationList(redis, TOKEN_REVOCATION_PREFIX, now),
      now,
    }),
  }),
  jwt: ({ config, secrets, infrastructure: { users, redis, now }, warn }) => {
    const symmetric = config.JWT_ALG.startsWith('HS');
    const keys = symmetric ? undefined : asymmetricKeys(config, warn);
    const strategy = createJwtStrategy({
      algorithm: config.JWT_ALG,
      secrets: symmetric ? secrets.jwt : [],
      ...(keys === undefined ? {} : { privateKeyPem: keys.privateKeyPem, publicKeyPem: keys.publicKeyPem }),
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      accessTtlSeconds: config.JWT_TTL,
      refreshTtlSeconds: config.JWT_REFRESH_TTL,
      refreshAbsoluteTtlSeconds: config.JWT_REFRESH_ABSOLUTE_TTL,
      revocation: config.JWT_REVOCATION,
      redis,
      users,
      now,
    });
    return { strategy, module: JwtAuthModule.register(strategy) };
  },
};

/** The configured key pair, or (outside production, which the config enforces) a fresh one. */
function asymmetricKeys(
  config: AppConfig,
  warn: (message: string) => void,
): { privateKeyPem: string; publicKeyPem: string } {
  if (config.JWT_PRIVATE_KEY !== undefined && config.JWT_PUBLIC_KEY !== undefined) {
    return { privateKeyPem: config.JWT_PRIVATE_KEY, publicKeyPem: config.JWT_PUBLIC_KEY };
  }
  warn(
    `JWT_PRIVATE_KEY is unset: using a generated ${config.JWT_ALG} key pair; JWTs will not survive a restart.`,
  );
  return generateDevKeyPair(config.JWT_ALG);
}

/** Builds the strategies named by `AUTH_STRATEGIES`, in that order. */
export async function mountStrategies(
  config: AppConfig,
  secrets: ResolvedSecrets,
  infrastructure: AuthInfrastructure,
  warn: (message: string) => void,
): Promise<MountedStrategy[]> {
  const mounted: MountedStrategy[] = [];
  for (const name of config.AUTH_STRATEGIES) {
    const factory = CATALOG[name];
    if (factory === undefined)
      throw new TypeError(`AUTH_STRATEGIES: "${name}" is not available in this build`);
    mounted.push(await factory({ config, secrets, infrastructure, warn }));
  }
  return mounted;
}
