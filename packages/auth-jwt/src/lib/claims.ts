import { reject } from './rejection.js';
import { CLAIM, type TokenUse } from './token-types.js';

/** Longest accepted `sub`, `jti`, `sid` and username: they become store keys. */
export const MAX_ID_LENGTH = 256;

export interface ClaimRules {
  readonly issuer: string;
  /** The audience this use demands (access and refresh differ). */
  readonly audience: string;
  /** Seconds of clock skew forgiven on `exp`, `iat` and `nbf` (default 0). */
  readonly toleranceSeconds: number;
  /**
   * Longest accepted `exp - iat`. Bounds how long any accepted token can live, so a
   * logout-all cutoff kept this long outlives every token it revokes.
   */
  readonly maxLifetimeSeconds: number;
}

/** The claims of a token whose signature checked and whose every claim rule held. */
export interface VerifiedClaims {
  readonly sub: string;
  readonly jti: string;
  readonly iat: number;
  readonly exp: number;
  /**
   * When the token was issued, in ms: `iat_ms` when present (this package writes it), else
   * the start of the `iat` second — so a logout-all in the same second revokes it (erring
   * toward revocation for tokens minted elsewhere).
   */
  readonly issuedAtMs: number;
  /** The login this token belongs to (`sid`); null for tokens minted elsewhere. */
  readonly loginId: string | null;
  readonly username: string | null;
}

function requireId(claims: Readonly<Record<string, unknown>>, name: string): string {
  const value = claims[name];
  if (value === undefined) throw reject('invalid_claims', 'missing_claim', name);
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH) {
    throw reject('invalid_claims', 'bad_claim', name);
  }
  return value;
}

function optionalId(claims: Readonly<Record<string, unknown>>, name: string): string | null {
  return claims[name] === undefined ? null : requireId(claims, name);
}

/** A NumericDate (RFC 7519 §2): a finite, non-negative JSON number of seconds. */
function optionalDate(claims: Readonly<Record<string, unknown>>, name: string): number | null {
  const value = claims[name];
  if (value === undefined) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw reject('invalid_claims', 'bad_claim', name);
  }
  return value;
}

function requireDate(claims: Readonly<Record<string, unknown>>, name: string): number {
  const value = optionalDate(claims, name);
  if (value === null) throw reject('invalid_claims', 'missing_claim', name);
  return value;
}

/** `aud` is our audience: the string itself, or an array holding exactly it. */
function audienceMatches(aud: unknown, audience: string): boolean {
  if (typeof aud === 'string') return aud === audience;
  return Array.isArray(aud) && aud.length === 1 && aud[0] === audience;
}

/**
 * The rules after the signature: every required claim present and well-typed, `iss` and
 * `aud` exact, `exp` in the future, `iat` and `nbf` not in the future, a bounded lifetime.
 */
export function validateClaims(
  claims: Readonly<Record<string, unknown>>,
  use: TokenUse,
  rules: ClaimRules,
  nowMs: number,
): VerifiedClaims {
  const sub = requireId(claims, 'sub');
  const jti = requireId(claims, 'jti');
  const iat = requireDate(claims, 'iat');
  const exp = requireDate(claims, 'exp');
  const nbf = optionalDate(claims, 'nbf');
  if (claims.iss === undefined) throw reject('invalid_claims', 'missing_claim', 'iss');
  if (claims.iss !== rules.issuer) throw reject('invalid_claims', 'wrong_issuer');
  if (claims.aud === undefined) throw reject('invalid_claims', 'missing_claim', 'aud');
  if (!audienceMatches(claims.aud, rules.audience)) throw reject('invalid_claims', 'wrong_audience');

  // Refresh tokens are only ever minted here, so they must carry what a refresh needs.
  const loginId = use === 'refresh' ? requireId(claims, CLAIM.loginId) : optionalId(claims, CLAIM.loginId);
  const username = use === 'refresh' ? requireId(claims, CLAIM.username) : optionalId(claims, CLAIM.username);

  let issuedAtMs = Math.floor(iat) * 1000;
  const iatMs = claims[CLAIM.issuedAtMs];
  if (iatMs !== undefined) {
    if (typeof iatMs !== 'number' || !Number.isSafeInteger(iatMs) || Math.floor(iatMs / 1000) !== iat) {
      throw reject('invalid_claims', 'bad_claim', CLAIM.issuedAtMs);
    }
    issuedAtMs = iatMs;
  }

  const now = Math.floor(nowMs / 1000);
  const tolerance = rules.toleranceSeconds;
  if (exp <= iat) throw reject('invalid_claims', 'bad_claim', 'exp');
  if (exp - iat > rules.maxLifetimeSeconds) throw reject('invalid_claims', 'lifetime_too_long');
  if (now >= exp + tolerance) throw reject('expired', 'expired');
  if (iat > now + tolerance) throw reject('not_yet_valid', 'issued_in_future');
  if (nbf !== null && nbf > now + tolerance) throw reject('not_yet_valid', 'not_before');

  return { sub, jti, iat, exp, issuedAtMs, loginId, username };
}
