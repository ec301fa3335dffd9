import { JwtStrategy } from './jwt.strategy.js';
import { JwtKeyRing } from './lib/keys.js';
import { type JwtStrategyOptions, resolveJwtOptions } from './lib/options.js';
import { JwtTokenService } from './lib/token-service.js';
import { JwtVerifier } from './lib/verifier.js';
import { PassportJwtBridge } from './passport/passport-jwt.bridge.js';
import type { JwtStateStore } from './stores/jwt-state-store.js';
import { MemoryJwtStateStore } from './stores/memory-jwt-state-store.js';
import { RedisJwtStateStore } from './stores/redis-jwt-state-store.js';

/**
 * Validates the configuration (TypeError/RangeError naming the variable), imports every key
 * once, and assembles the strategy: key ring → verifier → state store → token service →
 * passport-jwt bridge.
 */
export function createJwtStrategy(options: JwtStrategyOptions): JwtStrategy {
  const resolved = resolveJwtOptions(options);
  const ring = JwtKeyRing.create({
    algorithm: resolved.algorithm,
    secrets: options.secrets,
    privateKeyPem: options.privateKeyPem,
    publicKeyPem: options.publicKeyPem,
  });
  const verifier = new JwtVerifier({
    ring,
    issuer: resolved.issuer,
    audience: resolved.audience,
    toleranceSeconds: resolved.toleranceSeconds,
    maxLifetimeSeconds: { access: resolved.maxAccessLifetimeSeconds, refresh: resolved.refreshTtlSeconds },
    now: resolved.now,
  });
  const store: JwtStateStore =
    options.store ??
    (options.redis === null
      ? new MemoryJwtStateStore({ now: resolved.now })
      : new RedisJwtStateStore(options.redis, { prefix: options.redisKeyPrefix, now: resolved.now }));
  const tokens = new JwtTokenService({
    ring,
    verifier,
    store,
    users: resolved.users,
    issuer: resolved.issuer,
    audience: resolved.audience,
    accessTtlSeconds: resolved.accessTtlSeconds,
    refreshTtlSeconds: resolved.refreshTtlSeconds,
    refreshAbsoluteTtlSeconds: resolved.refreshAbsoluteTtlSeconds,
    maxAccessLifetimeSeconds: resolved.maxAccessLifetimeSeconds,
    toleranceSeconds: resolved.toleranceSeconds,
    revocation: resolved.revocation,
    now: resolved.now,
  });
  const passport = new PassportJwtBridge(
    {
      inspect: (rawToken) => verifier.inspect(rawToken, 'access'),
      principalFor: (inspected) => tokens.principalFor(verifier.claimsOf(inspected.claims, 'access')),
    },
    verifier.signatureCheckOptions('access'),
  );
  return new JwtStrategy({ tokens, ring, store, passport });
}
