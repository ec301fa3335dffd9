/**
 * Headers of every response that carries the page or one of its assets.
 *
 * The policy allows only this origin's own files: no inline script or style (so an injected
 * `<script>` or `style=` attribute does nothing), no plugin, no frame, no form post, and
 * fetches to this API only. `img-src data:` is there for nothing but the SVG favicon fallback
 * a browser may build; charts are inline SVG elements created by script, not images.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // The page holds bearer tokens in memory: it must not be framed (clickjacking) by old
  // browsers that ignore frame-ancestors either.
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Asset names are not content-hashed (there is no build step), so a browser must revalidate
 * each time; the strong ETag makes that a 304 without a body.
 */
export const PAGE_CACHE_CONTROL = 'no-cache';

/** Demo responses describe live state (a session record): never stored by any cache. */
export const NO_STORE = 'no-store';
