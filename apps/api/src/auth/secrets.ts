import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../config/config.js';

/** A fresh random secret: 32 bytes, base64url. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The secret lists the mounted strategies use, by variable: as configured, or — outside
 * production only (the config refuses production without them) — one random secret per
 * process, with a warning that credentials will not survive a restart. Never logged.
 */
export function resolveSecrets(
  config: AppConfig,
  warn: (message: string) => void,
): Readonly<Record<string, readonly string[]>> {
  const resolved: Record<string, readonly string[]> = {};
  for (const [variable, configured] of Object.entries(config.secrets)) {
    if (configured !== undefined) {
      resolved[variable] = configured;
      continue;
    }
    warn(`${variable} is unset: using a random secret; credentials it signs will not survive a restart.`);
    resolved[variable] = [randomSecret()];
  }
  // A start-up phase for benchmarks/scripts/startup-time.mjs (free unless observed).
  performance.mark('authbench:secrets');
  return resolved;
}
