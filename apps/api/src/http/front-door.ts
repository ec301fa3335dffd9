import type { IncomingMessage } from 'node:http';
import { credentialHeaderRejection } from './header-limits.js';
import { jsonBodyRejection } from './require-json.js';
import { apiSecurityHeaders, type HeaderEntry } from './security-headers.js';

/**
 * What every request passes before routing, as one synchronous step: the error that refuses
 * it, or `undefined`. Synchronous, so that a platform runs it without a `next` callback made
 * per request (`request-hooks.ts`).
 */
export type RequestCheck = (request: IncomingMessage) => Error | undefined;

/**
 * The front door, in this order: the security headers first, so that every response below
 * (errors and 404s included) carries them; then the credential-header limit (CONTRACT §2
 * Limits) and the JSON-only rule for bodies (415). The headers are data, not a step, so that
 * each platform writes them its cheapest way (`request-hooks.ts`).
 */
export interface FrontDoor {
  readonly headers: readonly HeaderEntry[];
  readonly check: RequestCheck;
}

export function frontDoor(): FrontDoor {
  return {
    headers: apiSecurityHeaders(),
    check: (request) => credentialHeaderRejection(request) ?? jsonBodyRejection(request),
  };
}
