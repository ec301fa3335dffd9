import { z } from 'zod';

/**
 * CONTRACT §1: all configuration is environment variables, parsed and validated once at
 * start-up. Nothing else reads `process.env`. An invalid value stops the process with one
 * line naming the variable.
 */
export const STRATEGY_NAMES = ['session', 'token', 'jwt'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

export const JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'PS256', 'ES256'] as const;

const MIN_SECRET_BYTES = 32;

const seconds = z.coerce
  .number()
  .int()
  .min(1)
  .max(10 * 365 * 24 * 3600);
const port = z.coerce.number().int().min(0).max(65_535);
const flag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/** Comma-separated secrets, oldest first, newest last; each at least 32 bytes of UTF-8. */
const secretList = optional(
  z
    .string()
    .transform((value) => value.split(',').map((secret) => secret.trim()))
    .refine(
      (secrets) => secrets.every((secret) => new TextEncoder().encode(secret).length >= MIN_SECRET_BYTES),
      {
        message: `every secret must be at least ${MIN_SECRET_BYTES} bytes`,
      },
    ),
);

const strategyList = z
  .string()
  .transform((value) => value.split(',').map((name) => name.trim()))
  .pipe(
    z
      .array(z.enum(STRATEGY_NAMES))
      .min(1)
      .refine((names) => new Set(names).size === names.length, { message: 'a strategy is listed twice' }),
  );

const rateLimit = z.string().regex(/^\d{1,6}\/\d{1,7}$/, 'expected <attempts>/<seconds>, e.g. 10/60');

const pem = optional(
  z.string().refine((value) => value.includes('-----BEGIN '), { message: 'expected a PEM key' }),
);

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: port.default(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    AUTH_STRATEGIES: strategyList.default(['session', 'token', 'jwt']),
    AUTH_DEFAULT: optional(z.enum(STRATEGY_NAMES)),
    SESSION_SECRET: secretList,
    TOKEN_SECRET: secretList,
    JWT_SECRET: secretList,
    TOKEN_SALT: z.string().min(1).default('authbench.token'),
    TOKEN_DIGEST: z.enum(['sha1', 'sha256', 'sha512']).default('sha1'),
    JWT_ALG: z.enum(JWT_ALGORITHMS).default('HS256'),
    JWT_PRIVATE_KEY: pem,
    JWT_PUBLIC_KEY: pem,
    JWT_ISSUER: z.string().min(1).default('authbench'),
    JWT_AUDIENCE: z.string().min(1).default('authbench'),
    JWT_REVOCATION: z.enum(['denylist', 'none']).default('denylist'),
    SESSION_TTL: seconds.default(1800),
    /** Not in CONTRACT §1: the absolute session lifetime cap, whatever the activity. */
    SESSION_ABSOLUTE_TTL: seconds.default(43_200),
    TOKEN_TTL: seconds.default(3600),
    JWT_TTL: seconds.default(1800),
    JWT_REFRESH_TTL: seconds.default(1_209_600),
    JWT_REFRESH_ABSOLUTE_TTL: seconds.default(2_592_000),
    COOKIE_SECURE: optional(flag),
    DATABASE_URL: optional(z.string().regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL')),
    DATA_DIR: z.string().min(1).default('./data'),
    REDIS_URL: optional(z.string().regex(/^(redis|rediss|redis\+cluster):\/\//, 'expected a redis:// URL')),
    LOGIN_RATE_LIMIT: rateLimit.default('10/60'),
    /** Not in CONTRACT §1: worker processes sharing the port (node:cluster). */
    API_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  })
  .superRefine((config, context) => {
    if (config.AUTH_DEFAULT !== undefined && !config.AUTH_STRATEGIES.includes(config.AUTH_DEFAULT)) {
      context.addIssue({ code: 'custom', path: ['AUTH_DEFAULT'], message: 'must be one of AUTH_STRATEGIES' });
    }
    if (config.NODE_ENV === 'production') {
      const needed = {
        session: 'SESSION_SECRET',
        token: 'TOKEN_SECRET',
        jwt: config.JWT_ALG.startsWith('HS') ? 'JWT_SECRET' : 'JWT_PRIVATE_KEY',
      } as const;
      for (const name of config.AUTH_STRATEGIES) {
        const variable = needed[name];
        if (config[variable] === undefined) {
          context.addIssue({
            code: 'custom',
            path: [variable],
            message: 'is required when NODE_ENV=production',
          });
        }
      }
    }
    if (config.API_WORKERS > 1 && (config.REDIS_URL === undefined || config.DATABASE_URL === undefined)) {
      context.addIssue({
        code: 'custom',
        path: ['API_WORKERS'],
        message: 'several workers cannot share in-process stores: set REDIS_URL and DATABASE_URL',
      });
    }
    if ((config.JWT_PRIVATE_KEY === undefined) !== (config.JWT_PUBLIC_KEY === undefined)) {
      context.addIssue({
        code: 'custom',
        path: [config.JWT_PRIVATE_KEY === undefined ? 'JWT_PRIVATE_KEY' : 'JWT_PUBLIC_KEY'],
        message: 'JWT_PRIVATE_KEY and JWT_PUBLIC_KEY go together',
      });
    }
  })
  .transform((config) => ({
    ...config,
    COOKIE_SECURE: config.COOKIE_SECURE ?? config.NODE_ENV === 'production',
  }));

export type AppConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses an environment into configuration, or throws one `ConfigError` naming the variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): AppConfig {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = issue?.path.join('.') || 'environment';
    throw new ConfigError(`invalid configuration: ${variable}: ${issue?.message ?? 'invalid value'}`);
  }
  return result.data;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
