import { randomSecret } from './auth/secrets.js';
import type { AppConfig } from './config/config.js';

/**
 * Workers must verify each other's credentials, so whatever a strategy would generate per
 * process when the operator left it unset (allowed outside production: a secret list, a key
 * pair) is generated once, in the primary, and handed to every worker as its environment.
 */
export function sharedSecretsForWorkers(config: AppConfig): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [variable, configured] of Object.entries(config.secrets)) {
    if (configured === undefined) env[variable] = randomSecret();
  }
  for (const { descriptor, settings } of config.strategies) {
    Object.assign(env, descriptor.generatedForWorkers?.(settings) ?? {});
  }
  return env;
}
