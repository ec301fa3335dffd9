import { createHmac, timingSafeEqual } from 'node:crypto';
import { AuthError } from '@authbench/auth-core';

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
 * express-session writes it (at login); authenticated requests read it here, with one HMAC
 * per secret at most, and the strategy then makes one store read. Unlike express-session,
 * which collapses every failure into "no session", the refusal says why (malformed, bad
 * signature), and garbage is refused without a store look-up.
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

  /** Attributes for express-session's `cookie` option (and `cleared()` writes the same ones). */
  get attributes(): { path: '/'; httpOnly: true; sameSite: 'lax'; secure: boolean } {
    return { path: '/', httpOnly: true, sameSite: 'lax', secure: this.secure };
  }

  /**
   * The `Set-Cookie` value that removes the cookie: the same attributes, expired — byte for
   * byte what express's `res.clearCookie` wrote (cookie@0.7 order), so that logout answers the
   * same on any HTTP platform.
   */
  cleared(): string {
    return `${this.name}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly;${this.secure ? ' Secure;' : ''} SameSite=Lax`;
  }

  /** The raw value of this cookie in a `Cookie` header (first occurrence), or undefined. */
  valueIn(cookieHeader: string | undefined): string | undefined {
    const raw = cookieHeader === undefined ? undefined : cookieValue(cookieHeader, this.name);
    return raw === undefined || raw.length === 0 ? undefined : raw;
  }

  /**
   * The session id a cookie value signs, checked against every secret (newest first) in
   * constant time. Throws `AuthError` `malformed_credential` or `invalid_signature`.
   */
  unsign(raw: string): string {
    if (!raw.startsWith('s:')) throw new AuthError('malformed_credential');
    const signed = raw.slice(2);
    const dot = signed.lastIndexOf('.');
    if (dot <= 0) throw new AuthError('malformed_credential');
    const sessionId = signed.slice(0, dot);
    const given = Buffer.from(signed);
    for (const secret of this.secretsNewestFirst) {
      const expected = Buffer.from(`${sessionId}.${signatureOf(sessionId, secret)}`);
      if (expected.length === given.length && timingSafeEqual(expected, given)) return sessionId;
    }
    throw new AuthError('invalid_signature');
  }
}
