// Taking credentials apart. Pure functions (no DOM), so they run in a test under Node too.
// Nothing here verifies a signature: that needs the server's secret, which the page never has.

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** base64url (no padding) → bytes; throws on characters outside the alphabet. */
export function base64urlToBytes(text) {
  if (!BASE64URL.test(text) || text.length % 4 === 1) throw new SyntaxError('not base64url');
  const base64 = text
    .replaceAll('-', '+')
    .replaceAll('_', '/')
    .padEnd(Math.ceil(text.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function jsonOf(bytes) {
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
}

/** What an HMAC of this many bytes is, as itsdangerous would have made it. */
const DIGEST_BY_LENGTH = { 20: 'HMAC-SHA1', 32: 'HMAC-SHA256', 48: 'HMAC-SHA384', 64: 'HMAC-SHA512' };

/**
 * A compact JWS `header.payload.signature`.
 * @returns {{ ok: true, segments: string[], header: object, claims: object, signatureBytes: number }
 *         | { ok: false, error: string, segments: string[] }}
 */
export function decodeJwt(token) {
  const segments = String(token).split('.');
  if (segments.length !== 3)
    return { ok: false, error: `expected 3 segments, found ${segments.length}`, segments };
  const [header, payload, signature] = segments;
  try {
    return {
      ok: true,
      segments,
      header: jsonOf(base64urlToBytes(header)),
      claims: jsonOf(base64urlToBytes(payload)),
      signatureBytes: base64urlToBytes(signature).length,
    };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error), segments };
  }
}

/** Big-endian unsigned integer (itsdangerous' `int_to_bytes`), as a Number. */
export function bigEndianToNumber(bytes) {
  let value = 0;
  for (const byte of bytes) value = value * 256 + byte;
  return value;
}

/**
 * An itsdangerous `URLSafeTimedSerializer` token: `payload.timestamp.signature`, where a
 * payload starting with `.` is zlib-compressed (labelled, not inflated here).
 * @returns {{ ok: true, compressed: boolean, segments: string[], payload: object | null,
 *             issuedAtSeconds: number, signatureBytes: number, digest: string }
 *         | { ok: false, error: string, segments: string[] }}
 */
export function decodeSignedToken(token) {
  const text = String(token);
  const compressed = text.startsWith('.');
  const body = compressed ? text.slice(1) : text;
  const segments = body.split('.');
  if (segments.length !== 3)
    return { ok: false, error: `expected 3 segments, found ${segments.length}`, segments };
  const [payload, timestamp, signature] = segments;
  try {
    const signatureBytes = base64urlToBytes(signature).length;
    return {
      ok: true,
      compressed,
      segments,
      payload: compressed ? null : jsonOf(base64urlToBytes(payload)),
      issuedAtSeconds: bigEndianToNumber(base64urlToBytes(timestamp)),
      signatureBytes,
      digest: DIGEST_BY_LENGTH[signatureBytes] ?? `an unknown ${signatureBytes}-byte MAC`,
    };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error), segments };
  }
}

/**
 * A credential a strategy describes as `segments`: split on its separator, each part paired
 * with the name and meaning the description gives it (so a new format needs no page code).
 * @returns {{ ok: true, separator: string, parts: { text: string, name: string, meaning: string }[] }
 *         | { ok: false, error: string }}
 */
export function splitSegments(token, anatomy) {
  const separator = typeof anatomy?.separator === 'string' ? anatomy.separator : '';
  const described = Array.isArray(anatomy?.segments) ? anatomy.segments : [];
  if (separator === '') return { ok: false, error: 'no separator described' };
  const texts = String(token).split(separator);
  if (texts.length !== described.length)
    return { ok: false, error: `expected ${described.length} segments, found ${texts.length}` };
  return {
    ok: true,
    separator,
    parts: texts.map((text, index) => ({
      text,
      name: String(described[index]?.name ?? `part ${index + 1}`),
      meaning: String(described[index]?.meaning ?? ''),
    })),
  };
}

/**
 * Flips one character in the middle of the last segment (the signature), keeping the
 * credential well-formed so the server has to check the signature to refuse it. The middle,
 * not the end: the last base64url character may carry padding bits a decoder ignores.
 * @returns {{ value: string, index: number, from: string, to: string }}
 */
export function tamper(credential, separator = '.') {
  const value = String(credential);
  const lastSeparator = value.lastIndexOf(separator);
  const start = lastSeparator === -1 ? 0 : lastSeparator + separator.length;
  const length = value.length - start;
  if (length < 2) throw new RangeError('nothing to tamper with');
  const index = start + Math.floor(length / 2);
  const from = value.charAt(index);
  const to = from === 'A' ? 'B' : 'A';
  return { value: `${value.slice(0, index)}${to}${value.slice(index + 1)}`, index, from, to };
}

/** `m:ss` (or `h:mm:ss`) for a remaining time; `expired` at or below zero. */
export function formatRemaining(ms) {
  if (!Number.isFinite(ms)) return '—';
  if (ms <= 0) return 'expired';
  const total = Math.ceil(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** An epoch-seconds or epoch-ms instant as an ISO-8601 UTC string. */
export function isoOf(epochMs) {
  return Number.isFinite(epochMs) ? new Date(epochMs).toISOString().replace('.000Z', 'Z') : '—';
}

/** What each JWT claim this API writes means (RFC 7519 names and this project's own). */
export const JWT_CLAIMS = {
  sub: 'subject: the user id',
  iat: 'issued at (seconds since 1970)',
  exp: 'expires at: after this instant the token is refused, whatever else holds',
  nbf: 'not before: refused until this instant',
  jti: 'this token’s unique id: the denylist key when it is logged out',
  iss: 'issuer: who signed it; must equal JWT_ISSUER',
  aud: 'audience: who it is for; must equal JWT_AUDIENCE (refresh tokens carry another)',
  sid: 'the login (refresh-token family) this token belongs to',
  preferred_username: 'the username, so verifying needs no user look-up',
  iat_ms: 'issue time in milliseconds, so logout-all can cut off tokens of the same second',
};

export const JWT_HEADER_FIELDS = {
  alg: 'signature algorithm; the server accepts exactly one (JWT_ALG)',
  typ: 'token type: JWT for access tokens, refresh+jwt for refresh tokens',
  kid: 'key id: which of the server’s keys signed it (key rotation)',
};

export const SIGNED_TOKEN_FIELDS = {
  sub: 'the user id',
  ver: 'the user’s token version: logout-all and a password change bump it, killing every older token',
  jti: 'this token’s unique id: the denylist key when it is logged out',
};
