import type { IncomingMessage, ServerResponse } from 'node:http';
import { ProblemError } from '@authbench/auth-core';

/** CONTRACT §2 Limits: an `Authorization` or `Cookie` header over 8 KiB is refused. */
export const MAX_CREDENTIAL_HEADER_BYTES = 8 * 1024;

const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(['authorization', 'cookie']);

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
  const totals = new Map<string, number>();
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = rawHeaders[index]?.toLowerCase() ?? '';
    if (!CREDENTIAL_HEADERS.has(name)) continue;
    const total = (totals.get(name) ?? 0) + (rawHeaders[index + 1]?.length ?? 0);
    if (total > MAX_CREDENTIAL_HEADER_BYTES) return name === 'cookie' ? 'Cookie' : 'Authorization';
    totals.set(name, total);
  }
  return null;
}

/**
 * Checked once, before any route, strategy or session middleware parses a credential: `401`
 * problem+json. Plain Node types, so any HTTP platform can mount it.
 */
export function limitCredentialHeaders(
  request: IncomingMessage,
  _response: ServerResponse,
  next: (error?: unknown) => void,
): void {
  const header = oversizedCredentialHeader(request.rawHeaders);
  next(header === null ? undefined : new CredentialHeaderTooLargeError(header));
}
