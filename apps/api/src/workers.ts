import { randomBytes } from 'node:crypto';
import type { AppConfig } from './config/config.js';

/**
 * Workers must verify each other's credentials, so a secret the operator left unset (allowed
 * outside production) is generated once, in the primary, and handed to every worker.
 */
export function sharedSecretsForWorkers(config: AppConfig): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of ['SESSION_SECRET', 'TOKEN_SECRET', 'JWT_SECRET'] as const) {
    if (config[variable] === undefined) env[variable] = randomBytes(32).toString('base64url');
  }
  return env;
}
