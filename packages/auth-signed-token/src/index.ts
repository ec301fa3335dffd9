export type { SignedTokenInfrastructure, SignedTokenSettings } from './descriptor.js';
export { signedTokenStrategy } from './descriptor.js';
export type { SignedTokenStrategyOptions, SignedTokenUsers, TokenDigest } from './options.js';
export type { IssuedSignedToken, SignedTokenLoginBody } from './strategy.js';
export { createSignedTokenStrategy, SignedTokenStrategy } from './strategy.js';
