export type { BearerRequest } from './bearer.js';
export { readBearerToken } from './bearer.js';
export type { TokenClaims } from './claims.js';
export { newJti, parseClaims } from './claims.js';
export {
  DEFAULT_TOKEN_SALT,
  MAX_PAYLOAD_BYTES,
  MAX_TOKEN_LENGTH,
  MAX_USER_CACHE_TTL_MS,
  MIN_SECRET_BYTES,
  SIGNED_TOKEN_STRATEGY_NAME,
  TOKEN_REVOCATION_PREFIX,
} from './constants.js';
export type { SignedTokenModuleAsyncOptions } from './nest/signed-token.module.js';
export { SIGNED_TOKEN_STRATEGY, SignedTokenModule } from './nest/signed-token.module.js';
export type { SignedTokenStrategyOptions, SignedTokenUsers, TokenDigest } from './options.js';
export type { IssuedSignedToken, SignedTokenLoginBody } from './strategy.js';
export { createSignedTokenStrategy, createSignedTokenVerifier, SignedTokenStrategy } from './strategy.js';
export type { DecodedToken, EncodedToken, TokenCodecOptions } from './token-codec.js';
export { expiresAtOf, looksLikeJwt, SignedTokenCodec } from './token-codec.js';
export type { TokenUser } from './user-cache.js';
export { SignedTokenVerifier } from './verifier.js';
