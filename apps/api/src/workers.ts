import { randomBytes } from 'node:crypto';
import { generateDevKeyPair } from '@authbench/auth-jwt';
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
  if (!config.JWT_ALG.startsWith('HS') && config.JWT_PRIVATE_KEY === undefined) {
    const keys = generateDevKeyPair(config.JWT_ALG);
    env.JWT_PRIVATE_KEY = keys.privateKeyPem;
    env.JWT_PUBLIC_KEY = keys.publicKeyPem;
  }
  return env;
}
