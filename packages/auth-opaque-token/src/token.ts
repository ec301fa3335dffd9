import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AuthError } from '@authbench/auth-core';

/** Random bytes of the id: 128 bits, 22 base64url characters. */
const ID_BYTES = 16;
/** Random bytes of the secret: 256 bits (CONTRACT asks at least 128), 43 base64url characters. */
const SECRET_BYTES = 32;

/**
 * `<id>.<secret>`, both unpadded base64url of exactly the lengths we mint. Anything else is
 * malformed before any store read. The secret is hashed as the text it is (not decoded), so
 * the two spellings base64url allows for the last character are two different secrets.
 */
const TOKEN = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

export interface ParsedToken {
  readonly id: string;
  readonly secret: string;
}

export interface MintedToken extends ParsedToken {
  readonly token: string;
  /** SHA-256 of the secret, base64url: the only trace of the secret the store keeps. */
  readonly secretHash: string;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'ascii').digest('base64url');
}

export function mintToken(): MintedToken {
  const id = randomBytes(ID_BYTES).toString('base64url');
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { id, secret, token: `${id}.${secret}`, secretHash: hashSecret(secret) };
}

/** @throws AuthError `malformed_credential` for anything that is not a token we could have minted. */
export function parseToken(credential: unknown): ParsedToken {
  const match = typeof credential === 'string' ? TOKEN.exec(credential) : null;
  const id = match?.[1];
  const secret = match?.[2];
  if (id === undefined || secret === undefined) {
    throw new AuthError('malformed_credential', { cause: new Error('not <id>.<secret>') });
  }
  return { id, secret };
}

/** Compares the presented secret's SHA-256 with the stored one in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = createHash('sha256').update(secret, 'ascii').digest();
  const stored = Buffer.from(storedHash, 'base64url');
  // A stored hash of another length is a corrupt record: refuse (both sides are 32 bytes otherwise).
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}
