import { AuthError } from '../errors/auth-error.js';
import type { CredentialRequest } from './auth-strategy.js';

/** The longest bearer credential any strategy accepts (CONTRACT §2: headers over 8 KiB are refused). */
export const MAX_BEARER_LENGTH = 8 * 1024;

/** RFC 6750 §2.1: `Bearer 1*SP b64token`; the scheme is case-insensitive. */
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
const BEARER_SCHEME = /^bearer(?:\s|$)/i;
/** The scheme, a few spaces and the longest token: anything longer is refused before matching. */
const MAX_HEADER_LENGTH = 'Bearer '.length + 16 + MAX_BEARER_LENGTH;

function authorizationHeaderCount(rawHeaders: readonly string[]): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name !== undefined && name.length === 13 && name.toLowerCase() === 'authorization') count++;
  }
  return count;
}

function malformed(why: string): AuthError {
  return new AuthError('malformed_credential', { cause: new Error(why) });
}

/**
 * The bearer credential of a request, strictly, and only from `Authorization: Bearer <token>`
 * (never the query string or a cookie). Every bearer strategy reads its credential here.
 * No `Authorization` header, or another scheme (`Basic …`), is no bearer credential:
 * `undefined`, so the client gets the challenge without an error code (RFC 6750 §3.1). A
 * Bearer header that is not exactly one b64token, a token over 8 KiB, or the header sent
 * twice (Node keeps only the first; we refuse the ambiguity) is malformed. Length is checked
 * before the pattern runs.
 */
export function bearerCredentialOf(request: CredentialRequest): string | undefined {
  const header: unknown = request.headers.authorization;
  if (header === undefined || header === '') return undefined;
  if (typeof header !== 'string') throw malformed('not one Authorization header');
  if (request.rawHeaders !== undefined && authorizationHeaderCount(request.rawHeaders) > 1) {
    throw malformed('several Authorization headers');
  }
  if (!BEARER_SCHEME.test(header)) return undefined;
  if (header.length > MAX_HEADER_LENGTH) throw malformed('credential over 8 KiB');
  const token = BEARER.exec(header)?.[1];
  if (token === undefined) throw malformed('not one b64token');
  if (token.length > MAX_BEARER_LENGTH) throw malformed('credential over 8 KiB');
  return token;
}
