import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../config/config.js';

export interface ResolvedSecrets {
  readonly session: readonly string[];
  readonly token: readonly string[];
  readonly jwt: readonly string[];
}

const SECRET_VARIABLES = { session: 'SESSION_SECRET', token: 'TOKEN_SECRET', jwt: 'JWT_SECRET' } as const;

/**
 * The configured secret lists, or — outside production only (the config refuses production
 * without them) — one random secret per process, with a warning that credentials will not
 * survive a restart. The values are never logged.
 */
export function resolveSecrets(config: AppConfig, warn: (message: string) => void): ResolvedSecrets {
  const resolve = (name: keyof typeof SECRET_VARIABLES): readonly string[] => {
    const variable = SECRET_VARIABLES[name];
    const configured = config[variable];
    if (configured !== undefined) return configured;
    const needed =
      config.AUTH_STRATEGIES.includes(name) && (name !== 'jwt' || config.JWT_ALG.startsWith('HS'));
    if (needed) {
      warn(`${variable} is unset: using a random secret; ${name} credentials will not survive a restart.`);
    }
    return [randomBytes(32).toString('base64url')];
  };
  return { session: resolve('session'), token: resolve('token'), jwt: resolve('jwt') };
}
