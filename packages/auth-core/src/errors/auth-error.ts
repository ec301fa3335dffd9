import { ProblemError } from './problem.js';

/**
 * Why a credential was refused. Every refusal is a 401 to the client; the code is for
 * logs, tests and the teaching page, never a different status.
 */
export type AuthErrorCode =
  | 'missing_credential'
  | 'malformed_credential'
  | 'invalid_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'invalid_claims'
  | 'revoked'
  | 'unknown_user'
  | 'wrong_strategy'
  | 'invalid_credentials';

const DETAILS: Readonly<Record<AuthErrorCode, string>> = {
  missing_credential: 'No credential was presented.',
  malformed_credential: 'The credential is malformed.',
  invalid_signature: 'The credential signature is invalid.',
  expired: 'The credential has expired.',
  not_yet_valid: 'The credential is not valid yet.',
  invalid_claims: 'The credential claims are invalid.',
  revoked: 'The credential has been revoked.',
  unknown_user: 'The credential names no current user.',
  wrong_strategy: 'The credential belongs to another strategy.',
  invalid_credentials: 'The username or password is incorrect.',
};

export interface AuthErrorOptions {
  readonly cause?: unknown;
  /** RFC 6750 challenge; the guard sets it for bearer strategies. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A refused credential (untrusted input), as opposed to a programming error. */
export class AuthError extends ProblemError {
  override readonly name = 'AuthError';
  readonly code: AuthErrorCode;

  constructor(code: AuthErrorCode, options: AuthErrorOptions = {}) {
    super(401, 'Unauthorized', DETAILS[code], {
      type: `urn:authbench:problem:${code.replaceAll('_', '-')}`,
      ...(options.headers === undefined ? {} : { headers: options.headers }),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.code = code;
  }

  /** The same refusal with response headers added (the guard's RFC 6750 challenge). */
  withHeaders(headers: Readonly<Record<string, string>>): AuthError {
    return new AuthError(this.code, { cause: this.cause, headers: { ...this.headers, ...headers } });
  }
}
