import { randomBytes } from 'node:crypto';
import { AuthError } from '@authbench/auth-core';

/** The signed payload (CONTRACT §3): compact JSON, keys in this order. */
export interface TokenClaims {
  /** The user id. */
  readonly sub: string;
  /** The user's token version when the token was minted; logout-all bumps it. */
  readonly ver: number;
  /** Random credential id, the key of the logout denylist. */
  readonly jti: string;
}

const CLAIM_KEYS: ReadonlySet<string> = new Set(['sub', 'ver', 'jti']);
const MAX_SUB_LENGTH = 128;
/**
 * The URL-safe alphabet, 1–128 characters: ours (22 chars), Python's `secrets.token_urlsafe`,
 * `token_hex` and `str(uuid4())` all fit, and a denylist key stays short and printable.
 */
const JTI_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** 128 random bits, base64url (22 characters). */
export function newJti(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * The payload must be exactly `{ sub, ver, jti }` with the right types. The signature already
 * proved who wrote it; this refuses anything a signer holding the secret got wrong (a Python
 * client, an older version) instead of guessing.
 * @throws AuthError `invalid_claims`
 */
export function parseClaims(value: unknown): TokenClaims {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AuthError('invalid_claims');
  }
  const keys = Object.keys(value);
  if (keys.length !== CLAIM_KEYS.size || !keys.every((key) => CLAIM_KEYS.has(key))) {
    throw new AuthError('invalid_claims');
  }
  const { sub, ver, jti } = value as Record<string, unknown>;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > MAX_SUB_LENGTH) {
    throw new AuthError('invalid_claims');
  }
  if (typeof ver !== 'number' || !Number.isSafeInteger(ver) || ver < 0) {
    throw new AuthError('invalid_claims');
  }
  if (typeof jti !== 'string' || !JTI_PATTERN.test(jti)) {
    throw new AuthError('invalid_claims');
  }
  return { sub, ver, jti };
}
