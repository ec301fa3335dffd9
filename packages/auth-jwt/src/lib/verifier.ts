import type { AuthError } from '@authbench/auth-core';
import jsonwebtoken from 'jsonwebtoken';
import { type ClaimRules, type VerifiedClaims, validateClaims } from './claims.js';
import { type InspectedJws, inspectCompactJws } from './compact-jws.js';
import type { JwtKeyRing } from './keys.js';
import { reject } from './rejection.js';
import { refreshAudienceOf, type TokenUse } from './token-types.js';

const { JsonWebTokenError, NotBeforeError, TokenExpiredError } = jsonwebtoken;

export interface JwtVerifierOptions {
  readonly ring: JwtKeyRing;
  readonly issuer: string;
  /** The access audience; refresh tokens carry `refreshAudienceOf(audience)`. */
  readonly audience: string;
  readonly toleranceSeconds: number;
  readonly maxLifetimeSeconds: Readonly<Record<TokenUse, number>>;
  readonly now: () => number;
}

/** The options jsonwebtoken gets: time checks are ours, on the injected clock. */
export interface SignatureCheckOptions {
  readonly algorithms: [JwtKeyRing['algorithm']];
  readonly issuer: string;
  readonly audience: string;
  readonly ignoreExpiration: true;
  readonly ignoreNotBefore: true;
}

/**
 * Turns a jsonwebtoken refusal into the AuthError the client sees. Anything else thrown while
 * jsonwebtoken checks a signature also came from the token (jwa throws plain errors for some
 * hostile signatures), so it is a 401 as well — never a 500 for client input.
 */
export function fromJsonWebTokenError(error: unknown): AuthError {
  if (error instanceof TokenExpiredError) return reject('expired', 'expired', undefined, error);
  if (error instanceof NotBeforeError) return reject('not_yet_valid', 'not_before', undefined, error);
  if (error instanceof JsonWebTokenError) {
    if (error.message.startsWith('jwt audience invalid')) {
      return reject('invalid_claims', 'wrong_audience', undefined, error);
    }
    if (error.message.startsWith('jwt issuer invalid')) {
      return reject('invalid_claims', 'wrong_issuer', undefined, error);
    }
    if (error.message === 'invalid algorithm') {
      return reject('invalid_signature', 'algorithm_not_allowed', undefined, error);
    }
  }
  return reject('invalid_signature', 'bad_signature', undefined, error);
}

/**
 * Framework-free JWT verification in three steps: the header rules (`inspect`), the signature
 * through jsonwebtoken with the KeyObject the `kid` names (`checkSignature`), and the claim
 * rules on the injected clock (`claimsOf`). The passport-jwt path runs the same three steps.
 */
export class JwtVerifier {
  readonly ring: JwtKeyRing;
  private readonly options: JwtVerifierOptions;
  private readonly rules: Readonly<Record<TokenUse, ClaimRules>>;
  private readonly signatureOptions: Readonly<Record<TokenUse, SignatureCheckOptions>>;

  constructor(options: JwtVerifierOptions) {
    this.ring = options.ring;
    this.options = options;
    const audiences = { access: options.audience, refresh: refreshAudienceOf(options.audience) };
    const rulesFor = (use: TokenUse): ClaimRules => ({
      issuer: options.issuer,
      audience: audiences[use],
      toleranceSeconds: options.toleranceSeconds,
      maxLifetimeSeconds: options.maxLifetimeSeconds[use],
    });
    this.rules = { access: rulesFor('access'), refresh: rulesFor('refresh') };
    const signatureFor = (use: TokenUse): SignatureCheckOptions => ({
      algorithms: [options.ring.algorithm],
      issuer: options.issuer,
      audience: audiences[use],
      ignoreExpiration: true,
      ignoreNotBefore: true,
    });
    this.signatureOptions = { access: signatureFor('access'), refresh: signatureFor('refresh') };
  }

  /** The header rules; throws `AuthError`. Returns the token with the key its `kid` names. */
  inspect(token: unknown, use: TokenUse): InspectedJws {
    return inspectCompactJws(token, use, this.ring);
  }

  /** What passport-jwt hands jsonwebtoken for this use. */
  signatureCheckOptions(use: TokenUse): SignatureCheckOptions {
    return this.signatureOptions[use];
  }

  /** The signature, checked by jsonwebtoken with the already-imported KeyObject. */
  checkSignature(inspected: InspectedJws): void {
    try {
      jsonwebtoken.verify(inspected.token, inspected.key.key, this.signatureOptions[inspected.use]);
    } catch (error) {
      throw fromJsonWebTokenError(error);
    }
  }

  /** The claim rules on a signature-checked payload, at the injected clock's now. */
  claimsOf(payload: Readonly<Record<string, unknown>>, use: TokenUse): VerifiedClaims {
    return validateClaims(payload, use, this.rules[use], this.options.now());
  }

  verify(token: unknown, use: TokenUse): VerifiedClaims {
    const inspected = this.inspect(token, use);
    this.checkSignature(inspected);
    return this.claimsOf(inspected.claims, use);
  }
}
