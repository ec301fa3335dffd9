import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

/**
 * CONTRACT §2: every response, errors included, carries `nosniff`, `no-referrer` and a frame
 * ban. The API answers JSON only, so its policy allows nothing at all (`default-src 'none'`):
 * a response a browser is tricked into rendering runs no script and loads nothing.
 * The page (`GET /`, `page/security-headers.ts`) and Swagger UI (`/docs`, below) replace it
 * with their own, narrower-than-default-but-usable policies.
 */
export const API_CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
};

/**
 * Swagger UI (served from the package, no CDN): its own scripts and stylesheet, plus the
 * inline `<style>` block of @nestjs/swagger's HTML template (hence `'unsafe-inline'` for
 * styles only, never scripts), `data:` images for its icons, and fetches of `/openapi.json`.
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/**
 * The same guarantees as plain header values, for the answers written on the socket before
 * any middleware runs (`client-errors.ts`).
 */
export const RAW_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

type Middleware = (
  request: IncomingMessage,
  response: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * helmet with the API's policy. Besides helmet's defaults (nosniff, COOP/CORP same-origin,
 * `X-Frame-Options`, …): `Referrer-Policy: no-referrer` (the contract's value), and no
 * `Strict-Transport-Security` — the app speaks plain HTTP; HSTS, a promise about a whole
 * host and its subdomains, belongs to the TLS-terminating proxy that knows it.
 */
function apiHelmet(): Middleware {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: API_CONTENT_SECURITY_POLICY },
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: false,
  });
}

/** A header name and value, in the order helmet sets them. */
export type HeaderEntry = readonly [name: string, value: string];

/**
 * helmet's output for the API, captured once at start-up: with no per-request directive (no
 * nonce function), helmet writes the same values on every response, so running its chain of
 * eleven middleware per request would only repeat them. The values stay helmet's. It also
 * removes `X-Powered-By`, which neither platform sends here (express's is disabled in
 * create-app.ts, fastify has none); any other removal, or a helmet that answers later, fails
 * start-up rather than silently dropping a header.
 */
export function apiSecurityHeaders(): readonly HeaderEntry[] {
  const entries: HeaderEntry[] = [];
  let finished = false;
  const recorder = {
    setHeader(name: string, value: unknown): void {
      entries.push([name, String(value)]);
    },
    removeHeader(name: string): void {
      if (name.toLowerCase() !== 'x-powered-by') {
        throw new TypeError(`helmet removes ${name}: the precomputed headers cannot do that`);
      }
    },
  };
  apiHelmet()({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error !== undefined) throw error;
    finished = true;
  });
  if (!finished) throw new TypeError('helmet did not finish synchronously: its headers vary per request');
  return Object.freeze(entries);
}

/** Writes the headers computed once by `apiSecurityHeaders`. */
export function writeHeaders(response: ServerResponse, headers: readonly HeaderEntry[]): void {
  for (const [name, value] of headers) response.setHeader(name, value);
}

/** Set below `/docs` after the front door's: Swagger UI needs the allowances above. */
export const DOCS_SECURITY_HEADERS: readonly HeaderEntry[] = [
  ['Content-Security-Policy', DOCS_CONTENT_SECURITY_POLICY],
];
