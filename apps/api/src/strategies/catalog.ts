import type { AnyStrategyDescriptor, MountedStrategy } from '@authbench/auth-core';
import { jwtStrategy } from '@authbench/auth-jwt';
import { opaqueTokenStrategy } from '@authbench/auth-opaque-token';
import { sessionStrategy } from '@authbench/auth-session';
import { signedTokenStrategy } from '@authbench/auth-signed-token';
import type { StrategyInfrastructure } from '../auth/infrastructure.js';
import type { AppConfig } from '../config/config.js';

/**
 * Every strategy this build can mount, in the default order of `AUTH_STRATEGIES`. A strategy
 * is its package's descriptor: adding one is one package and one line here. Everything else
 * (configuration, secrets, workers, OpenAPI, the page, the contract suites, the benchmarks)
 * iterates this list.
 */
export const CATALOG: readonly AnyStrategyDescriptor<StrategyInfrastructure>[] = [
  sessionStrategy,
  signedTokenStrategy,
  jwtStrategy,
  opaqueTokenStrategy,
];

export const STRATEGY_NAMES: readonly string[] = CATALOG.map((descriptor) => descriptor.name);

/** Builds the strategies named by `AUTH_STRATEGIES`, in that order. */
export async function mountStrategies(
  config: AppConfig,
  secrets: Readonly<Record<string, readonly string[]>>,
  infrastructure: StrategyInfrastructure,
  warn: (message: string) => void,
): Promise<MountedStrategy[]> {
  const mounted: MountedStrategy[] = [];
  for (const { descriptor, settings } of config.strategies) {
    const built = await descriptor.create({ settings, app: config.app, secrets, infrastructure, warn });
    // The name it is configured and documented under is the name it is mounted under.
    if (built.strategy.name !== descriptor.name) {
      throw new TypeError(
        `strategy "${descriptor.name}" built a strategy named "${built.strategy.name}": the names must agree`,
      );
    }
    mounted.push(built);
  }
  return mounted;
}
