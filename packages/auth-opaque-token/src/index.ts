export type { OpaqueInfrastructure, OpaqueSettings } from './descriptor.js';
export { opaqueTokenStrategy } from './descriptor.js';
export type { OpaqueTokenStrategyOptions } from './options.js';
export type { OpaqueTokenLoginBody } from './strategy.js';
export { createOpaqueTokenStrategy, OpaqueTokenStrategy } from './strategy.js';
