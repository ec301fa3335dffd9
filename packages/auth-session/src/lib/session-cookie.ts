import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CookieOptions } from 'express';

/** What the request's session cookie turned out to be, before any store is asked. */
export type IncomingSessionCookie =
  | { readonly kind: 'absent' }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'bad-signature' }
  | { readonly kind: 'signed'; readonly sessionId: string };

/** The `__Host-` prefix pins a Secure cookie to this host and path `/` (no `Domain`). */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-sid' : 'sid';
}

/** cookie-signature 1.0.x, which express-session uses: `value.base64(HMAC-SHA256)`, no padding. */
function signatureOf(value: string, secret: string): string {
  return createHmac('sha256', secret).update(value).digest('base64').replace(/=+$/, '');
}

/** `cookie@0.7`'s rules for one name: first occurrence wins, quotes stripped, `%XX` decoded. */
function cookieValue(header: string, name: string): string | undefined {
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return undefined;
}

/**
 * The session cookie of CONTRACT §2: `sid` (or `__Host-sid` when Secure), `Path=/`,
 * `HttpOnly`, `SameSite=Lax`, no `Max-Age` (the server decides when a session ends).
 *
 * express-session reads and writes it; this class only tells *why* a cookie was refused
 * (absent / malformed / bad signature), which express-session collapses into "no session",
 * and lets garbage be refused without a store look-up. Acceptance still requires
 * express-session's own verification and a live record.
 */
export class SessionCookie {
  readonly name: string;

  constructor(
    readonly secure: boolean,
    /** Newest first, like express-session. */
    private readonly secretsNewestFirst: readonly string[],
  ) {
    this.name = sessionCookieName(secure);
  }

  /** Attributes for express-session's `cookie` option and for clearing the cookie. */
  get attributes(): CookieOptions & { path: '/'; httpOnly: true; sameSite: 'lax'; secure: boolean } {
    return { path: '/', httpOnly: true, sameSite: 'lax', secure: this.secure };
  }

  read(cookieHeader: string | undefined): IncomingSessionCookie {
    const raw = cookieHeader === undefined ? undefined : cookieValue(cookieHeader, this.name);
    if (raw === undefined || raw.length === 0) return { kind: 'absent' };
    if (!raw.startsWith('s:')) return { kind: 'malformed' };
    const signed = raw.slice(2);
    const dot = signed.lastIndexOf('.');
    if (dot <= 0) return { kind: 'malformed' };
    const sessionId = signed.slice(0, dot);
    const given = Buffer.from(signed);
    for (const secret of this.secretsNewestFirst) {
      const expected = Buffer.from(`${sessionId}.${signatureOf(sessionId, secret)}`);
      if (expected.length === given.length && timingSafeEqual(expected, given)) {
        return { kind: 'signed', sessionId };
      }
    }
    return { kind: 'bad-signature' };
  }
}
