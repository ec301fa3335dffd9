/**
 * Access and refresh tokens are both JWTs signed by the same keys, so they are told apart by
 * two independent marks — the header `typ` and the `aud` claim — and each verifier demands
 * its own: a refresh token is never an access token, nor the reverse.
 */
export type TokenUse = 'access' | 'refresh';

export const TOKEN_TYPE: Readonly<Record<TokenUse, string>> = {
  access: 'JWT',
  refresh: 'refresh+jwt',
};

/** The refresh audience: the configured audience with a suffix no access token carries. */
export function refreshAudienceOf(audience: string): string {
  return `${audience}#refresh`;
}

/** Private claims this package writes (RFC 7519 §4.3), besides the registered ones. */
export const CLAIM = {
  /** The login (refresh family) the token belongs to; IANA-registered `sid`. */
  loginId: 'sid',
  /** The username, so verification needs no user look-up; OIDC's registered name. */
  username: 'preferred_username',
  /** Issue time in milliseconds, so logout-all can tell apart tokens of the same second. */
  issuedAtMs: 'iat_ms',
} as const;
