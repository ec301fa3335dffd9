export type { SessionLifetime } from './lib/lifetime.js';
export type { SessionStrategyOptions } from './lib/options.js';
export {
  DEFAULT_ABSOLUTE_TTL_SECONDS,
  DEFAULT_KEY_PREFIX,
  DEFAULT_MAX_SESSIONS,
} from './lib/options.js';
export { assertSameOrigin, isSafeMethod } from './lib/same-origin.js';
export type { IncomingSessionCookie, SessionCookie } from './lib/session-cookie.js';
export { sessionCookieName } from './lib/session-cookie.js';
export type { SessionRecord } from './lib/session-record.js';
export { MAX_SESSIONS_PER_USER } from './lib/stores/memory-store.js';
export type { SessionInspection } from './session-strategy.js';
export { createSessionStrategy, HttpsRequiredError, SessionStrategy } from './session-strategy.js';
