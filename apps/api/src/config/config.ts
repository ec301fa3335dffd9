import { isIP } from 'node:net';
import {
  type AnyStrategyDescriptor,
  type AppSettings,
  type Environment,
  SettingsError,
  secretListSetting,
} from '@authbench/auth-core';
import { z } from 'zod';
import type { StrategyInfrastructure } from '../auth/infrastructure.js';
import { CATALOG, STRATEGY_NAMES } from '../strategies/catalog.js';

/**
 * CONTRACT §1: all configuration is environment variables, parsed and validated once at
 * start-up. Nothing else reads `process.env`. An invalid value stops the process with one
 * line naming the variable. The app's own variables are parsed here; each strategy's by its
 * descriptor (see `strategies/catalog.ts`).
 */

const port = z.coerce.number().int().min(0).max(65_535);
const flag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const strategyList = z
  .string()
  .transform((value) => value.split(',').map((name) => name.trim()))
  .pipe(
    z
      .array(
        z.string().refine((name) => STRATEGY_NAMES.includes(name), {
          message: `expected names from: ${STRATEGY_NAMES.join(', ')}`,
        }),
      )
      .min(1)
      .refine((names) => new Set(names).size === names.length, { message: 'a strategy is listed twice' }),
  );

const rateLimit = z.string().regex(/^\d{1,6}\/\d{1,7}$/, 'expected <attempts>/<seconds>, e.g. 10/60');

/** proxy-addr's named ranges, so that `TRUST_PROXY=loopback` fits nginx on the same host. */
const PROXY_RANGE_NAMES: ReadonlySet<string> = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

/**
 * `TRUST_PROXY` (CONTRACT §1): a hop count, or the proxies' addresses/CIDRs. Both are what
 * express's `trust proxy` setting and fastify's `trustProxy` option take (both use
 * proxy-addr); unset trusts no forwarding header at all.
 */
const trustProxy = optional(
  z
    .string()
    .trim()
    .transform((value, context): number | string[] => {
      if (/^\d{1,2}$/.test(value)) return Number(value);
      const entries = value.split(',').map((entry) => entry.trim());
      const wrong = entries.find((entry) => !isProxyAddress(entry));
      if (wrong !== undefined) {
        context.addIssue({
          code: 'custom',
          message: `"${wrong}" is neither a hop count nor a proxy address or CIDR (e.g. 1, or 10.0.0.0/8,127.0.0.1)`,
        });
        return z.NEVER;
      }
      return entries;
    }),
);

export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: port.default(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    AUTH_STRATEGIES: strategyList.default([...STRATEGY_NAMES]),
    AUTH_DEFAULT: optional(z.string()),
    COOKIE_SECURE: optional(flag),
    /** CONTRACT §1: which of Nest's two HTTP adapters serves the app; the contract holds on both. */
    HTTP_PLATFORM: z.enum(['express', 'fastify']).default('express'),
    TRUST_PROXY: trustProxy,
    /** `/openapi.json` and `/docs`; default on outside production, off in production. */
    API_DOCS: optional(flag),
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
    if (config.API_WORKERS > 1 && (config.REDIS_URL === undefined || config.DATABASE_URL === undefined)) {
      context.addIssue({
        code: 'custom',
        path: ['API_WORKERS'],
        message: 'several workers cannot share in-process stores: set REDIS_URL and DATABASE_URL',
      });
    }
  })
  .transform((config) => ({
    ...config,
    COOKIE_SECURE: config.COOKIE_SECURE ?? config.NODE_ENV === 'production',
    API_DOCS: config.API_DOCS ?? config.NODE_ENV !== 'production',
  }));

/** A mounted strategy's descriptor and the settings it parsed from the environment. */
export interface ConfiguredStrategy {
  readonly descriptor: AnyStrategyDescriptor<StrategyInfrastructure>;
  readonly settings: unknown;
}

export type AppConfig = z.infer<typeof configSchema> & {
  readonly app: AppSettings;
  /** The strategies of `AUTH_STRATEGIES`, in that order. */
  readonly strategies: readonly ConfiguredStrategy[];
  /** Every secret list a mounted strategy uses, by variable: as configured, or `undefined` when unset. */
  readonly secrets: Readonly<Record<string, readonly string[] | undefined>>;
};

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function invalid(variable: string, message: string): ConfigError {
  return new ConfigError(`invalid configuration: ${variable}: ${message}`);
}

/** Runs a strategy's own parsing, turning its `SettingsError` into the one-line `ConfigError`. */
function strategySetting<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof SettingsError) throw invalid(error.variable, error.reason);
    throw error;
  }
}

/** Parses an environment into configuration, or throws one `ConfigError` naming the variable. */
export function loadConfig(env: Environment): AppConfig {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw invalid(issue?.path.join('.') || 'environment', issue?.message ?? 'invalid value');
  }
  const base = result.data;
  const app: AppSettings = {
    production: base.NODE_ENV === 'production',
    cookieSecure: base.COOKIE_SECURE,
    sharedUserStore: base.DATABASE_URL !== undefined,
  };
  // Every strategy's variables are validated, mounted or not: a typo fails at start either way.
  const parsed = CATALOG.map((descriptor) => ({
    descriptor,
    settings: strategySetting(() => descriptor.parseSettings(env, app)),
  }));
  const strategies = base.AUTH_STRATEGIES.map((name) => {
    const found = parsed.find(({ descriptor }) => descriptor.name === name);
    if (found === undefined) throw invalid('AUTH_STRATEGIES', `"${name}" is not available in this build`);
    return found;
  });
  const secrets: Record<string, readonly string[] | undefined> = {};
  for (const { descriptor, settings } of strategies) {
    for (const variable of descriptor.secretsInUse(settings)) {
      secrets[variable] = strategySetting(() => secretListSetting(env, variable));
      if (app.production && secrets[variable] === undefined) {
        throw invalid(variable, 'is required when NODE_ENV=production');
      }
    }
  }
  return { ...base, app, strategies, secrets };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
