import type { IncomingMessage } from 'node:http';
import { ProblemError } from '@authbench/auth-core';

/** CONTRACT §2 Limits: an `Authorization` or `Cookie` header over 8 KiB is refused. */
export const MAX_CREDENTIAL_HEADER_BYTES = 8 * 1024;

/** RFC 6750 §3.1: the challenge of a refused bearer credential, as the guard sends it. */
const BEARER_INVALID = 'Bearer realm="authbench", error="invalid_token"';

/**
 * CONTRACT §2 allows `431` or `401`; this is `401`, as for any other refused credential, so
 * that a bearer client gets the same RFC 6750 challenge as for a malformed token (and the
 * contract suite's "huge credential is 401" holds for every strategy). Headers beyond Node's
 * own 16 KiB limit never get here: those are `431` (`client-errors.ts`).
 */
export class CredentialHeaderTooLargeError extends ProblemError {
  override readonly name = 'CredentialHeaderTooLargeError';

  constructor(header: 'Authorization' | 'Cookie') {
    super(
      401,
      'Unauthorized',
      `The ${header} header exceeds the ${MAX_CREDENTIAL_HEADER_BYTES / 1024} KiB limit.`,
      header === 'Authorization' ? { headers: { 'WWW-Authenticate': BEARER_INVALID } } : {},
    );
  }
}

/**
 * The credential header over the limit, or `null`. Counted over the raw headers, every
 * occurrence of a name together: Node joins repeated `Cookie` lines and keeps only the first
 * `Authorization`, so the parsed view would let many small lines through. Node decodes header
 * values as latin1, one character per byte, so `length` is the size on the wire.
 */
export function oversizedCredentialHeader(rawHeaders: readonly string[]): 'Authorization' | 'Cookie' | null {
  // Two running totals and a length test before any lower-casing: this runs on every request,
  // and almost no header name is 13 or 6 characters long and a credential header.
  let authorization = 0;
  let cookie = 0;
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = rawHeaders[index] ?? '';
    const bytes = rawHeaders[index + 1]?.length ?? 0;
    if (name.length === 13 && name.toLowerCase() === 'authorization') {
      authorization += bytes;
      if (authorization > MAX_CREDENTIAL_HEADER_BYTES) return 'Authorization';
    } else if (name.length === 6 && name.toLowerCase() === 'cookie') {
      cookie += bytes;
      if (cookie > MAX_CREDENTIAL_HEADER_BYTES) return 'Cookie';
    }
  }
  return null;
}

/** The refusal of a request whose credential header is over the limit, or `undefined`. */
export function credentialHeaderRejection(
  request: IncomingMessage,
): CredentialHeaderTooLargeError | undefined {
  const header = oversizedCredentialHeader(request.rawHeaders);
  return header === null ? undefined : new CredentialHeaderTooLargeError(header);
}
