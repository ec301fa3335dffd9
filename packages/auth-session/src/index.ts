export type { SessionInfrastructure, SessionSettings } from './descriptor.js';
export { sessionStrategy } from './descriptor.js';
export type { SessionStrategyOptions } from './lib/options.js';
export { MAX_SESSIONS_PER_USER } from './lib/stores/memory-store.js';
export type { SessionInspection } from './session-strategy.js';
export { createSessionStrategy, HttpsRequiredError, SessionStrategy } from './session-strategy.js';
