export { createJwtStrategy } from './create-jwt-strategy.js';
export type { JwtStrategyParts } from './jwt.strategy.js';
export { JwtStrategy } from './jwt.strategy.js';
export type { AlgorithmSpec, JwtAlgorithm } from './lib/algorithms.js';
export { isJwtAlgorithm, JWT_ALGORITHMS } from './lib/algorithms.js';
export { bearerTokenOf } from './lib/bearer.js';
export type { ClaimRules, VerifiedClaims } from './lib/claims.js';
export type { InspectedJws } from './lib/compact-jws.js';
export { FORBIDDEN_HEADER_PARAMETERS, MAX_TOKEN_LENGTH } from './lib/compact-jws.js';
export type { PemKeyPair } from './lib/dev-keys.js';
export { generateDevKeyPair } from './lib/dev-keys.js';
export type { KeyRingOptions, PublicJwk, VerificationKey } from './lib/keys.js';
export { hmacKeyId, JwtKeyRing, jwkThumbprint, MIN_RSA_BITS, MIN_SECRET_BYTES } from './lib/keys.js';
export type { JwtRevocationMode, JwtStrategyOptions, ResolvedJwtOptions } from './lib/options.js';
export { DEFAULT_REFRESH_ABSOLUTE_TTL_SECONDS, resolveJwtOptions } from './lib/options.js';
export type { JwtRejectionReason } from './lib/rejection.js';
export { JwtRejection, rejectionReasonOf } from './lib/rejection.js';
export { signCompactJwt } from './lib/signer.js';
export { DuplicateMemberError, parseJsonObject } from './lib/strict-json.js';
export type { JwtPrincipal, JwtTokenServiceOptions, TokenPairBody } from './lib/token-service.js';
export { isJwtPrincipal, JwtTokenService, STRATEGY_NAME } from './lib/token-service.js';
export type { TokenUse } from './lib/token-types.js';
export { CLAIM, refreshAudienceOf, TOKEN_TYPE } from './lib/token-types.js';
export type { JwtVerifierOptions, SignatureCheckOptions } from './lib/verifier.js';
export { fromJsonWebTokenError, JwtVerifier } from './lib/verifier.js';
export { JwksController } from './nest/jwks.controller.js';
export { JwtAuthModule } from './nest/jwt-auth.module.js';
export { JwtRefreshController } from './nest/jwt-refresh.controller.js';
export { readRefreshToken } from './nest/refresh-request.js';
export type { BaselineVerifier, PassportJwtBaselineOptions } from './passport/baseline.js';
export { createPassportJwtBaseline } from './passport/baseline.js';
export type { BearerRequest, PassportJwtHooks } from './passport/passport-jwt.bridge.js';
export { PASSPORT_STRATEGY_NAME, PassportJwtBridge } from './passport/passport-jwt.bridge.js';
export type {
  AccessTokenRef,
  JwtStateStore,
  RotationOutcome,
  UserCutoff,
} from './stores/jwt-state-store.js';
export type { JwtStateStats, MemoryJwtStateStoreOptions } from './stores/memory-jwt-state-store.js';
export {
  MAX_FAMILIES,
  MAX_FAMILIES_PER_USER,
  MemoryJwtStateStore,
} from './stores/memory-jwt-state-store.js';
export type { RedisJwtStateStoreOptions } from './stores/redis-jwt-state-store.js';
export { RedisJwtStateStore } from './stores/redis-jwt-state-store.js';
