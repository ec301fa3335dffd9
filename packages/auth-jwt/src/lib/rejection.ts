import { AuthError, type AuthErrorCode } from '@authbench/auth-core';

/**
 * The precise rule a refused JWT broke. Every refusal is an `AuthError` (401) whose code is
 * what the client and the guard see; the reason travels as its `cause`, for logs and tests.
 */
export type JwtRejectionReason =
  | 'not_bearer'
  | 'too_large'
  | 'not_compact'
  | 'bad_base64url'
  | 'bad_header'
  | 'duplicate_header_member'
  | 'forbidden_header_parameter'
  | 'algorithm_not_allowed'
  | 'missing_kid'
  | 'unknown_kid'
  | 'wrong_token_type'
  | 'bad_payload'
  | 'duplicate_claim'
  | 'bad_signature_length'
  | 'bad_signature'
  | 'missing_claim'
  | 'bad_claim'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'lifetime_too_long'
  | 'expired'
  | 'issued_in_future'
  | 'not_before'
  | 'revoked_token'
  | 'revoked_login'
  | 'revoked_user'
  | 'refresh_reuse'
  | 'refresh_family_unknown'
  | 'unknown_user';

export class JwtRejection extends Error {
  override readonly name = 'JwtRejection';
  readonly reason: JwtRejectionReason;

  constructor(reason: JwtRejectionReason, detail?: string, options?: { cause?: unknown }) {
    super(detail === undefined ? reason : `${reason}: ${detail}`, options);
    this.reason = reason;
  }
}

export function reject(
  code: AuthErrorCode,
  reason: JwtRejectionReason,
  detail?: string,
  cause?: unknown,
): AuthError {
  return new AuthError(code, {
    cause: new JwtRejection(reason, detail, cause === undefined ? undefined : { cause }),
  });
}

/** The reason behind a refusal this package raised, or undefined for anything else. */
export function rejectionReasonOf(error: unknown): JwtRejectionReason | undefined {
  return error instanceof AuthError && error.cause instanceof JwtRejection ? error.cause.reason : undefined;
}
