import { createHmac } from 'node:crypto';

/** cookie-signature's format, written independently of the code under test. */
export function signedCookieValue(sessionId: string, secret: string): string {
  const mac = createHmac('sha256', secret).update(sessionId).digest('base64').replace(/=+$/, '');
  return `s:${sessionId}.${mac}`;
}

/** `name=value` (URL-encoded, as express-session writes it) for a `Cookie` header. */
export function cookiePair(name: string, value: string): string {
  return `${name}=${encodeURIComponent(value)}`;
}

/** The `name=value` pair of a `Set-Cookie` line, ready to send back as a `Cookie` header. */
export function pairOf(setCookie: string): string {
  return setCookie.split(';')[0] ?? '';
}

/** The decoded value of a `Set-Cookie` line (`s:<id>.<signature>`). */
export function cookieValueOf(setCookie: string): string {
  const pair = pairOf(setCookie);
  return decodeURIComponent(pair.slice(pair.indexOf('=') + 1));
}

export function sessionIdOf(setCookie: string): string {
  const value = cookieValueOf(setCookie);
  return value.slice(2, value.lastIndexOf('.'));
}
