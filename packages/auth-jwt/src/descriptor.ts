import type { UserLookup } from '@authbench/auth-accounts';
import {
  choiceSetting,
  defineStrategy,
  type Environment,
  type PageDescription,
  SettingsError,
  secondsSetting,
  settingValue,
  textSetting,
} from '@authbench/auth-core';
import type { RedisConnection } from '@authbench/auth-stores';
import { createJwtStrategy } from './create-jwt-strategy.js';
import { isSymmetric, JWT_ALGORITHMS, type JwtAlgorithm } from './lib/algorithms.js';
import { generateDevKeyPair, type PemKeyPair } from './lib/dev-keys.js';
import { DEFAULT_REFRESH_ABSOLUTE_TTL_SECONDS, type JwtRevocationMode } from './lib/options.js';
import { JwtAuthModule } from './nest/jwt-auth.module.js';

/** CONTRACT §1: what the JWT strategy reads. */
export interface JwtSettings {
  readonly algorithm: JwtAlgorithm;
  readonly issuer: string;
  readonly audience: string;
  readonly revocation: JwtRevocationMode;
  readonly accessTtlSeconds: number;
  readonly refreshTtlSeconds: number;
  readonly refreshAbsoluteTtlSeconds: number;
  /** The configured key pair (asymmetric `JWT_ALG`), or null: generated per start outside production. */
  readonly keys: PemKeyPair | null;
}

/** What the JWT strategy takes from the app's shared infrastructure. */
export interface JwtInfrastructure {
  readonly users: UserLookup;
  readonly redis: RedisConnection | null;
  readonly now: () => number;
}

const SECRET = 'JWT_SECRET';
const REVOCATION_MODES: readonly JwtRevocationMode[] = ['denylist', 'none'];

function pemSetting(env: Environment, variable: string): string | undefined {
  const value = settingValue(env, variable);
  if (value !== undefined && !value.includes('-----BEGIN '))
    throw new SettingsError(variable, 'expected a PEM key');
  return value;
}

function keysSetting(env: Environment, algorithm: JwtAlgorithm, production: boolean): PemKeyPair | null {
  const privateKeyPem = pemSetting(env, 'JWT_PRIVATE_KEY');
  const publicKeyPem = pemSetting(env, 'JWT_PUBLIC_KEY');
  if ((privateKeyPem === undefined) !== (publicKeyPem === undefined)) {
    throw new SettingsError(
      privateKeyPem === undefined ? 'JWT_PRIVATE_KEY' : 'JWT_PUBLIC_KEY',
      'JWT_PRIVATE_KEY and JWT_PUBLIC_KEY go together',
    );
  }
  if (privateKeyPem !== undefined && publicKeyPem !== undefined) return { privateKeyPem, publicKeyPem };
  if (production && !isSymmetric(algorithm)) {
    throw new SettingsError('JWT_PRIVATE_KEY', 'is required when NODE_ENV=production');
  }
  return null;
}

/** JWT access tokens (passport-jwt) with rotating refresh tokens and a configurable denylist. */
export const jwtStrategy = defineStrategy<'jwt', JwtSettings, JwtInfrastructure>({
  name: 'jwt',
  transport: 'bearer',
  variables: [
    { name: SECRET, default: null, meaning: 'secret list for HS* (newest last)' },
    { name: 'JWT_ALG', default: 'HS256', meaning: `exactly one of ${JWT_ALGORITHMS.join(' ')}` },
    { name: 'JWT_PRIVATE_KEY', default: null, meaning: 'PEM, for asymmetric JWT_ALG' },
    { name: 'JWT_PUBLIC_KEY', default: null, meaning: 'PEM public key(s), for asymmetric JWT_ALG' },
    { name: 'JWT_ISSUER', default: 'authbench', meaning: 'iss, written and required' },
    { name: 'JWT_AUDIENCE', default: 'authbench', meaning: 'aud, written and required' },
    { name: 'JWT_REVOCATION', default: 'denylist', meaning: 'denylist (logout at once) or none (stateless)' },
    { name: 'JWT_TTL', default: '1800', meaning: 'access token lifetime, seconds' },
    { name: 'JWT_REFRESH_TTL', default: '1209600', meaning: 'refresh token lifetime, seconds' },
    {
      name: 'JWT_REFRESH_ABSOLUTE_TTL',
      default: String(DEFAULT_REFRESH_ABSOLUTE_TTL_SECONDS),
      meaning: 'seconds a refresh family may live at all, however often refreshed',
    },
  ],
  secretVariables: [SECRET],
  parseSettings: (env, app): JwtSettings => {
    const algorithm = choiceSetting(env, 'JWT_ALG', JWT_ALGORITHMS, 'HS256');
    return {
      algorithm,
      issuer: textSetting(env, 'JWT_ISSUER', 'authbench'),
      audience: textSetting(env, 'JWT_AUDIENCE', 'authbench'),
      revocation: choiceSetting(env, 'JWT_REVOCATION', REVOCATION_MODES, 'denylist'),
      accessTtlSeconds: secondsSetting(env, 'JWT_TTL', 1800),
      refreshTtlSeconds: secondsSetting(env, 'JWT_REFRESH_TTL', 1_209_600),
      refreshAbsoluteTtlSeconds: secondsSetting(
        env,
        'JWT_REFRESH_ABSOLUTE_TTL',
        DEFAULT_REFRESH_ABSOLUTE_TTL_SECONDS,
      ),
      keys: keysSetting(env, algorithm, app.production),
    };
  },
  secretsInUse: (settings) => (isSymmetric(settings.algorithm) ? [SECRET] : []),
  generatedForWorkers: (settings): Readonly<Record<string, string>> => {
    if (isSymmetric(settings.algorithm) || settings.keys !== null) return {};
    const keys = generateDevKeyPair(settings.algorithm);
    return { JWT_PRIVATE_KEY: keys.privateKeyPem, JWT_PUBLIC_KEY: keys.publicKeyPem };
  },
  create: ({ settings, secrets, infrastructure: { users, redis, now }, warn }) => {
    const symmetric = isSymmetric(settings.algorithm);
    let keys = settings.keys;
    if (!symmetric && keys === null) {
      warn(
        `JWT_PRIVATE_KEY is unset: using a generated ${settings.algorithm} key pair; JWTs will not survive a restart.`,
      );
      keys = generateDevKeyPair(settings.algorithm);
    }
    const strategy = createJwtStrategy({
      algorithm: settings.algorithm,
      secrets: symmetric ? (secrets[SECRET] ?? []) : [],
      ...(keys === null ? {} : keys),
      issuer: settings.issuer,
      audience: settings.audience,
      accessTtlSeconds: settings.accessTtlSeconds,
      refreshTtlSeconds: settings.refreshTtlSeconds,
      refreshAbsoluteTtlSeconds: settings.refreshAbsoluteTtlSeconds,
      revocation: settings.revocation,
      redis,
      users,
      now,
    });
    return { strategy, module: JwtAuthModule.register(strategy) };
  },
  loginResponseSchema: {
    type: 'object',
    description: 'jwt: an access token and a refresh token (POST /jwt/refresh)',
    required: ['token', 'tokenType', 'expiresIn', 'refreshToken'],
    properties: {
      token: { type: 'string' },
      tokenType: { type: 'string', enum: ['Bearer'] },
      expiresIn: { type: 'integer' },
      refreshToken: { type: 'string' },
    },
  },
  describeForPage: (settings): PageDescription => ({
    title: 'JWT',
    summary:
      'A JSON Web Token: signed claims (who, issued, expires) any holder can read, plus a refresh token to get a new one.',
    store:
      settings.revocation === 'denylist'
        ? 'Nothing per login to verify a token: signature and exp suffice. With the denylist on, logout records the jti (and logout-all a cut-off time) until exp; refresh tokens are tracked per login family.'
        : 'Nothing is looked up per request (JWT_REVOCATION=none): logout ends the refresh family, but an access token stays valid until exp — also after logout-all or the user’s deletion.',
    lifetimeSeconds: settings.accessTtlSeconds,
    otherLifetimes: { refresh: settings.refreshTtlSeconds },
    credential: { format: 'jwt' },
    actions: ['refresh'],
  }),
});
