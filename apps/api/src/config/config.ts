import { z } from 'zod';

/**
 * CONTRACT §1: all configuration is environment variables, parsed and validated once
 * at start-up. Nothing else reads `process.env`.
 */
const port = z.coerce.number().int().min(0).max(65_535);

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type AppConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses an environment into configuration, or throws one `ConfigError` naming the variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): AppConfig {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = issue?.path.join('.') ?? 'environment';
    throw new ConfigError(`invalid configuration: ${variable}: ${issue?.message ?? 'invalid value'}`);
  }
  return result.data;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
