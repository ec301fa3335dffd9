import type { IncomingMessage } from 'node:http';
import { AuthError } from '@authbench/auth-core';
import { MAX_TOKEN_LENGTH } from './constants.js';

/** The parts of a request the bearer reader looks at (an express `Request` has them). */
export type BearerRequest = Pick<IncomingMessage, 'headers'> & Partial<Pick<IncomingMessage, 'rawHeaders'>>;

/** RFC 6750 §2.1 `b64token` after a case-insensitive `Bearer` and exactly one space. */
const BEARER = /^bearer ([A-Za-z0-9\-._~+/]+=*)$/i;

/** The longest header worth matching: the scheme, one space and the longest token. */
const MAX_HEADER_LENGTH = 'Bearer '.length + MAX_TOKEN_LENGTH;

function countAuthorizationHeaders(rawHeaders: readonly string[]): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() === 'authorization') count++;
  }
  return count;
}

/**
 * The bearer credential of a request, only from `Authorization: Bearer <token>` (never the
 * query string or a cookie).
 * @throws AuthError `missing_credential` when there is no Authorization header;
 *   `malformed_credential` for another scheme, extra spaces or parts, an oversized value, or
 *   several Authorization headers (Node keeps only the first; we refuse the ambiguity).
 */
export function readBearerToken(request: BearerRequest): string {
  const header = request.headers.authorization;
  if (header === undefined) throw new AuthError('missing_credential');
  if (request.rawHeaders !== undefined && countAuthorizationHeaders(request.rawHeaders) > 1) {
    throw new AuthError('malformed_credential');
  }
  if (header.length > MAX_HEADER_LENGTH) throw new AuthError('malformed_credential');
  const match = BEARER.exec(header);
  if (match === null) throw new AuthError('malformed_credential');
  return match[1] as string;
}
