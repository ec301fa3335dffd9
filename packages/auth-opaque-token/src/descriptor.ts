import {
  type AppSettings,
  defineStrategy,
  type Environment,
  type PageDescription,
  secondsSetting,
} from '@authbench/auth-core';
import type { RedisConnection } from '@authbench/auth-stores';
import { DEFAULT_OPAQUE_TTL_SECONDS } from './constants.js';
import { createOpaqueTokenStrategy } from './strategy.js';

/** CONTRACT §3: what the opaque-token strategy reads. */
export interface OpaqueSettings {
  readonly ttlSeconds: number;
}

/** What the opaque-token strategy takes from the app's shared infrastructure. */
export interface OpaqueInfrastructure {
  readonly redis: RedisConnection | null;
  readonly now: () => number;
}

const TTL = 'OPAQUE_TTL';

/** A random bearer token looked up on every request: the "generic token", done right. */
export const opaqueTokenStrategy = defineStrategy<'opaque', OpaqueSettings, OpaqueInfrastructure>({
  name: 'opaque',
  transport: 'bearer',
  variables: [{ name: TTL, default: String(DEFAULT_OPAQUE_TTL_SECONDS), meaning: 'token lifetime, seconds' }],
  // Nothing is signed: no secret to configure, nothing to rotate.
  secretVariables: [],
  parseSettings: (env: Environment): OpaqueSettings => ({
    ttlSeconds: secondsSetting(env, TTL, DEFAULT_OPAQUE_TTL_SECONDS),
  }),
  secretsInUse: () => [],
  create: ({ settings, infrastructure: { redis, now } }) => ({
    strategy: createOpaqueTokenStrategy({ ttlSeconds: settings.ttlSeconds, redis, now }),
  }),
  loginResponseSchema: {
    type: 'object',
    description: 'token: <id>.<secret>, both base64url; meaningless without the server-side record',
    required: ['token', 'tokenType', 'expiresIn'],
    properties: {
      token: { type: 'string', pattern: '^[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}$' },
      tokenType: { type: 'string', enum: ['Bearer'] },
      expiresIn: { type: 'integer' },
    },
  },
  describeForPage: (settings: OpaqueSettings, _app: AppSettings): PageDescription => ({
    title: 'Opaque token',
    summary:
      'A random Bearer token that means nothing by itself: an id naming a server-side record and a secret. The server looks it up on every request.',
    store:
      'One record per login: user, login time, last use and a SHA-256 of the secret (never the secret itself, so a stolen store mints nothing). Logout deletes it; logout-all deletes every record of the user.',
    lifetimeSeconds: settings.ttlSeconds,
    otherLifetimes: {},
    credential: {
      format: 'segments',
      separator: '.',
      segments: [
        { name: 'id', meaning: 'names the server-side record' },
        { name: 'secret', meaning: '128+ random bits; the server keeps only its SHA-256' },
      ],
    },
    actions: [],
  }),
});
