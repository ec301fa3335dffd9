import {
  type AppSettings,
  defineStrategy,
  type Environment,
  type PageDescription,
  secondsSetting,
} from '@authbench/auth-core';
import type { RedisConnection } from '@authbench/auth-stores';
import { DEFAULT_ABSOLUTE_TTL_SECONDS } from './lib/options.js';
import { sessionCookieName } from './lib/session-cookie.js';
import { createSessionStrategy } from './session-strategy.js';

/** CONTRACT §1: what the session strategy reads. */
export interface SessionSettings {
  readonly idleTtlSeconds: number;
  readonly absoluteTtlSeconds: number;
}

/** What the session strategy takes from the app's shared infrastructure. */
export interface SessionInfrastructure {
  readonly redis: RedisConnection | null;
  readonly now: () => number;
}

const SECRET = 'SESSION_SECRET';

/** Server-side sessions (express-session): `sid` cookie, one store read per request. */
export const sessionStrategy = defineStrategy<'session', SessionSettings, SessionInfrastructure>({
  name: 'session',
  transport: 'cookie',
  variables: [
    { name: SECRET, default: null, meaning: 'secret list signing the sid cookie (newest last)' },
    { name: 'SESSION_TTL', default: '1800', meaning: 'idle timeout, seconds' },
    {
      name: 'SESSION_ABSOLUTE_TTL',
      default: String(DEFAULT_ABSOLUTE_TTL_SECONDS),
      meaning: 'seconds a session may live at all, however active',
    },
  ],
  secretVariables: [SECRET],
  parseSettings: (env: Environment): SessionSettings => ({
    idleTtlSeconds: secondsSetting(env, 'SESSION_TTL', 1800),
    absoluteTtlSeconds: secondsSetting(env, 'SESSION_ABSOLUTE_TTL', DEFAULT_ABSOLUTE_TTL_SECONDS),
  }),
  secretsInUse: () => [SECRET],
  create: ({ settings, app, secrets, infrastructure }) => ({
    strategy: createSessionStrategy({
      secrets: secrets[SECRET] ?? [],
      idleTtlSeconds: settings.idleTtlSeconds,
      absoluteTtlSeconds: settings.absoluteTtlSeconds,
      cookieSecure: app.cookieSecure,
      redis: infrastructure.redis,
      now: infrastructure.now,
    }),
  }),
  loginResponseSchema: {
    type: 'object',
    description: 'session: the user; the credential is the Set-Cookie sid (HttpOnly)',
    required: ['user'],
    properties: {
      user: { type: 'object', properties: { id: { type: 'string' }, username: { type: 'string' } } },
    },
  },
  describeForPage: (settings: SessionSettings, app: AppSettings): PageDescription => ({
    title: 'Server-side session',
    summary:
      'A signed cookie carries only a random session id; the server looks the record up on every request.',
    store:
      'One record per login in the session store. Logging out deletes it, so the cookie dies at once — at the price of a look-up on every request.',
    lifetimeSeconds: settings.idleTtlSeconds,
    otherLifetimes: { absolute: settings.absoluteTtlSeconds },
    credential: { format: 'cookie', cookieName: sessionCookieName(app.cookieSecure) },
    actions: [],
  }),
});
