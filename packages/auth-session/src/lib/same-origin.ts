import type { CredentialRequest } from '@authbench/auth-core';
import { CrossSiteRequestError } from '@authbench/auth-core';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Methods that must never change state (RFC 9110 §9.2.1); everything else is checked. */
export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function originOf(value: string): string | null {
  try {
    const origin = new URL(value).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}

/** What the check reads: express's and fastify's requests both have `protocol` and `host`. */
export interface OriginRequest extends CredentialRequest {
  readonly protocol?: string;
  readonly host?: string;
}

/** The request's own origin from its protocol and `Host` (express honours `trust proxy`). */
function ownOrigin(request: OriginRequest): string | null {
  const host = request.host ?? single(request.headers.host);
  if (host === undefined || host.length === 0) return null;
  return originOf(`${request.protocol ?? 'http'}://${host}`);
}

/**
 * Refuses a cookie-authenticated state change from another site (CONTRACT §2), for
 * non-safe methods: `Sec-Fetch-Site: cross-site`, or an `Origin` that is neither the
 * request's own origin nor allow-listed. `Origin: null` (sandboxed frames, some redirects)
 * and an unparsable `Origin` are refused: fail closed. A request with neither header is not
 * a browser's cross-site request (browsers send `Origin` on every cross-origin POST) and
 * passes; SameSite=Lax covers the older browsers that send neither.
 */
export function assertSameOrigin(
  request: OriginRequest,
  allowedOrigins: ReadonlySet<string> = new Set(),
): void {
  if (isSafeMethod(request.method)) return;
  const site = single(request.headers['sec-fetch-site']);
  if (site !== undefined && site.trim().toLowerCase() === 'cross-site') throw new CrossSiteRequestError();
  const origin = single(request.headers.origin);
  if (origin === undefined) return;
  const claimed = originOf(origin.trim());
  if (claimed === null) throw new CrossSiteRequestError();
  if (allowedOrigins.has(claimed)) return;
  if (claimed !== ownOrigin(request)) throw new CrossSiteRequestError();
}
