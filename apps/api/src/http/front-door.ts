import type { IncomingMessage, ServerResponse } from 'node:http';
import { credentialHeaderRejection } from './header-limits.js';
import { jsonBodyRejection } from './require-json.js';
import { apiSecurityHeaders, writeHeaders } from './security-headers.js';

/**
 * What every request passes before routing, as one synchronous step: the error that refuses
 * it, or `undefined`. Synchronous, so that a platform runs it without a `next` callback made
 * per request (`request-hooks.ts`).
 */
export type RequestCheck = (request: IncomingMessage, response: ServerResponse) => Error | undefined;

/**
 * The front door, in this order: the security headers first, so that every response below
 * (errors and 404s included) carries them; then the credential-header limit (CONTRACT §2
 * Limits) and the JSON-only rule for bodies (415).
 */
export function frontDoor(): RequestCheck {
  const headers = apiSecurityHeaders();
  return (request, response) => {
    writeHeaders(response, headers);
    return credentialHeaderRejection(request) ?? jsonBodyRejection(request);
  };
}
