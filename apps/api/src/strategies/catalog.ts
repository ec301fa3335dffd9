import { MemoryRevocationList, RedisRevocationList } from '@authbench/auth-core';
import { createSignedTokenStrategy, TOKEN_REVOCATION_PREFIX } from '@authbench/auth-signed-token';
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
  token: ({ config, secrets, infrastructure: { users, redis, now } }) => ({
    strategy: createSignedTokenStrategy({
      secrets: secrets.token,
      salt: config.TOKEN_SALT,
      digest: config.TOKEN_DIGEST,
      ttlSeconds: config.TOKEN_TTL,
      users,
      revocations:
        redis === null
          ? new MemoryRevocationList({ now })
          : new RedisRevocationList(redis, TOKEN_REVOCATION_PREFIX, now),
      now,
    }),
  }),
};

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
