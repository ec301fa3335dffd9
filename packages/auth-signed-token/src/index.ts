export type { TokenClaims } from './claims.js';
export { parseClaims } from './claims.js';
export { DEFAULT_TOKEN_SALT, MAX_TOKEN_LENGTH, MAX_USER_CACHE_TTL_MS } from './constants.js';
export type { SignedTokenInfrastructure, SignedTokenSettings } from './descriptor.js';
export { signedTokenStrategy } from './descriptor.js';
export type { SignedTokenStrategyOptions, SignedTokenUsers, TokenDigest } from './options.js';
export type { IssuedSignedToken, SignedTokenLoginBody } from './strategy.js';
export { createSignedTokenStrategy, SignedTokenStrategy } from './strategy.js';
