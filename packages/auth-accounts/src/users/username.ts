import { InvalidRequestError } from '@authbench/auth-core';

const USERNAME_PATTERN = /^[A-Za-z0-9._-]{3,64}$/;
const PASSWORD_MIN = 8;
const PASSWORD_MAX = 1024;

/**
 * CONTRACT §2: NFKC-normalised, 3–64 of `A–Z a–z 0–9 . _ -`. Returns the name as the user
 * wrote it (after NFKC); uniqueness uses `usernameKey`.
 */
export function normalizeUsername(raw: unknown): string {
  if (typeof raw !== 'string') throw new InvalidRequestError('username', 'must be a string');
  const normalized = raw.normalize('NFKC');
  if (!USERNAME_PATTERN.test(normalized)) {
    throw new InvalidRequestError('username', 'must be 3–64 characters of A–Z a–z 0–9 . _ -');
  }
  return normalized;
}

/** Case-insensitive identity: `Alice` and `alice` are the same user. */
export function usernameKey(normalizedUsername: string): string {
  return normalizedUsername.toLowerCase();
}

/** 8–1024 characters (code points, any Unicode), NFKC-normalised; never truncated. */
export function normalizePassword(raw: unknown): string {
  if (typeof raw !== 'string') throw new InvalidRequestError('password', 'must be a string');
  const normalized = raw.normalize('NFKC');
  const length = [...normalized].length;
  if (length < PASSWORD_MIN || length > PASSWORD_MAX) {
    throw new InvalidRequestError('password', `must be ${PASSWORD_MIN}–${PASSWORD_MAX} characters`);
  }
  return normalized;
}
