import {
  type AppSettings,
  choiceSetting,
  defineStrategy,
  type Environment,
  type PageDescription,
  secondsSetting,
  textSetting,
} from '@authbench/auth-core';
import { MemoryRevocationList, type RedisConnection, RedisRevocationList } from '@authbench/auth-stores';
import { DEFAULT_TOKEN_SALT, MAX_USER_CACHE_TTL_MS, TOKEN_REVOCATION_PREFIX } from './constants.js';
import type { SignedTokenUsers, TokenDigest } from './options.js';
import { createSignedTokenStrategy } from './strategy.js';

/** CONTRACT §1: what the signed-token strategy reads. */
export interface SignedTokenSettings {
  readonly salt: string;
  readonly digest: TokenDigest;
  readonly ttlSeconds: number;
}

/** What the signed-token strategy takes from the app's shared infrastructure. */
export interface SignedTokenInfrastructure {
  readonly users: SignedTokenUsers;
  readonly redis: RedisConnection | null;
  readonly now: () => number;
}

const SECRET = 'TOKEN_SECRET';
const DIGESTS: readonly TokenDigest[] = ['sha1', 'sha256', 'sha512'];

/** A generic signed bearer token: Python itsdangerous's URL-safe timed serializer. */
export const signedTokenStrategy = defineStrategy<'token', SignedTokenSettings, SignedTokenInfrastructure>({
  name: 'token',
  transport: 'bearer',
  variables: [
    { name: SECRET, default: null, meaning: 'secret list signing tokens (newest last)' },
    { name: 'TOKEN_SALT', default: DEFAULT_TOKEN_SALT, meaning: 'itsdangerous salt' },
    { name: 'TOKEN_DIGEST', default: 'sha1', meaning: 'itsdangerous digest: sha1, sha256 or sha512' },
    { name: 'TOKEN_TTL', default: '3600', meaning: 'token lifetime, seconds' },
  ],
  secretVariables: [SECRET],
  parseSettings: (env: Environment): SignedTokenSettings => ({
    salt: textSetting(env, 'TOKEN_SALT', DEFAULT_TOKEN_SALT),
    digest: choiceSetting(env, 'TOKEN_DIGEST', DIGESTS, 'sha1'),
    ttlSeconds: secondsSetting(env, 'TOKEN_TTL', 3600),
  }),
  secretsInUse: () => [SECRET],
  create: ({ settings, app, secrets, infrastructure: { users, redis, now } }) => ({
    strategy: createSignedTokenStrategy({
      secrets: secrets[SECRET] ?? [],
      salt: settings.salt,
      digest: settings.digest,
      ttlSeconds: settings.ttlSeconds,
      users,
      // With the embedded user store this process is the only writer of users (API_WORKERS > 1
      // needs DATABASE_URL), so a cache invalidated on every version bump here is exact. With a
      // shared store another process may bump a version, so every request reads the user.
      userCacheTtlMs: app.sharedUserStore ? 0 : MAX_USER_CACHE_TTL_MS,
      revocations:
        redis === null
          ? new MemoryRevocationList({ now })
          : new RedisRevocationList(redis, TOKEN_REVOCATION_PREFIX, now),
      now,
    }),
  }),
  loginResponseSchema: {
    type: 'object',
    description: 'token: an itsdangerous URL-safe timed token',
    required: ['token', 'tokenType', 'expiresIn'],
    properties: {
      token: { type: 'string' },
      tokenType: { type: 'string', enum: ['Bearer'] },
      expiresIn: { type: 'integer' },
    },
  },
  describeForPage: (settings: SignedTokenSettings, _app: AppSettings): PageDescription => ({
    title: 'Signed token (itsdangerous)',
    summary:
      'A URL-safe timed token: JSON payload, timestamp and an HMAC, sent as a Bearer token. Byte-compatible with Python’s itsdangerous.',
    store:
      'Nothing per login. The token names the user’s token version (one look-up); logging out puts its jti on a denylist until it would have expired anyway, and logout-all bumps the version.',
    lifetimeSeconds: settings.ttlSeconds,
    otherLifetimes: {},
    credential: { format: 'itsdangerous' },
    actions: [],
  }),
});
