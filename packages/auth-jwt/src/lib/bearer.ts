import { AuthError } from '@authbench/auth-core';
import { MAX_TOKEN_LENGTH } from './compact-jws.js';
import { reject } from './rejection.js';

/** RFC 6750 §2.1: `Bearer 1*SP b64token`; the scheme is case-insensitive. */
const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i;
const BEARER_SCHEME = /^Bearer(?: |$)/i;

/**
 * The bearer token of an `Authorization` header, strictly: no header (or another scheme) is a
 * missing credential; a Bearer header that is not exactly one b64token, or a token over
 * 8 KiB, is malformed. Size is checked before the pattern runs.
 */
export function bearerTokenOf(authorization: unknown): string {
  if (authorization === undefined || authorization === '') throw new AuthError('missing_credential');
  if (typeof authorization !== 'string') throw reject('malformed_credential', 'not_bearer');
  if (!BEARER_SCHEME.test(authorization)) {
    throw new AuthError('missing_credential', { cause: new Error('another authentication scheme') });
  }
  if (authorization.length > MAX_TOKEN_LENGTH + 64) throw reject('malformed_credential', 'too_large');
  const token = BEARER.exec(authorization)?.[1];
  if (token === undefined) throw reject('malformed_credential', 'not_bearer');
  if (token.length > MAX_TOKEN_LENGTH) throw reject('malformed_credential', 'too_large');
  return token;
}
