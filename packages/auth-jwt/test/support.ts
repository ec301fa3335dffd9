import { constants, createHmac, type KeyObject, sign } from 'node:crypto';
import { AuthError, type AuthErrorCode, type CredentialRequest } from '@authbench/auth-core';
import { expect } from '@jest/globals';
import { createJwtStrategy, type JwtStrategy, type JwtStrategyOptions } from '../src/index.js';
import { type JwtRejectionReason, rejectionReasonOf } from '../src/lib/rejection.js';

export const SECRET = 'test-secret-0123456789-abcdefghijklmnop';
export const OLD_SECRET = 'old-secret-0123456789-abcdefghijklmnopq';
export const ISSUER = 'authbench';
export const AUDIENCE = 'authbench';

/** A settable clock, frozen at a fixed instant (250 ms into a second, to exercise ms logic). */
export class TestClock {
  ms: number;

  constructor(ms = Date.UTC(2031, 0, 1, 12, 0, 0, 250)) {
    this.ms = ms;
  }

  readonly now = (): number => this.ms;

  get seconds(): number {
    return Math.floor(this.ms / 1000);
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}

export function hsOptions(
  clock: Pick<TestClock, 'now'>,
  overrides: Partial<JwtStrategyOptions> = {},
): JwtStrategyOptions {
  return {
    algorithm: 'HS256',
    secrets: [SECRET],
    issuer: ISSUER,
    audience: AUDIENCE,
    accessTtlSeconds: 1800,
    refreshTtlSeconds: 1_209_600,
    revocation: 'denylist',
    redis: null,
    now: clock.now,
    ...overrides,
  };
}

export function hsStrategy(
  clock: Pick<TestClock, 'now'>,
  overrides: Partial<JwtStrategyOptions> = {},
): JwtStrategy {
  return createJwtStrategy(hsOptions(clock, overrides));
}

/** The express-like exchange the guard hands a strategy: only the header matters. */
/** A request carrying this `Authorization` header, as the guard hands it to the strategy. */
export function exchange(authorization?: string): CredentialRequest {
  return { method: 'GET', headers: authorization === undefined ? {} : { authorization } };
}

export const ALICE = { id: 'user-alice', username: 'alice', tokenVersion: 0 } as const;

const b64 = (value: string | Record<string, unknown>): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64url');

export type Signer = (signingInput: string) => Buffer;

export const hmacSigner =
  (key: string | Buffer | KeyObject, hash = 'sha256'): Signer =>
  (input) =>
    createHmac(hash, key).update(input).digest();

export const rsaSigner =
  (key: KeyObject): Signer =>
  (input) =>
    sign('sha256', Buffer.from(input), key);

export const pssSigner =
  (key: KeyObject): Signer =>
  (input) =>
    sign('sha256', Buffer.from(input), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });

export const ecSigner =
  (key: KeyObject): Signer =>
  (input) =>
    sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });

/** Any token an attacker or another client could build: raw JSON strings allowed. */
export function forge(
  header: string | Record<string, unknown>,
  claims: string | Record<string, unknown>,
  signer: Signer | null,
): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${signer === null ? '' : signer(input).toString('base64url')}`;
}

/** Contract claims of a token for ALICE, valid at the clock's now (no `sid`: minted elsewhere). */
export function claimsAt(clock: TestClock, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sub: ALICE.id,
    iat: clock.seconds,
    exp: clock.seconds + 600,
    jti: 'foreign-jti-1',
    iss: ISSUER,
    aud: AUDIENCE,
    preferred_username: ALICE.username,
    ...overrides,
  };
}

/** Pins a refusal: AuthError, the code, 401, and (when given) the precise rule broken. */
export async function expectRefusal(
  pending: Promise<unknown>,
  code: AuthErrorCode,
  reason?: JwtRejectionReason,
): Promise<AuthError> {
  const error = await pending.then(
    () => new Error('expected a refusal, but the credential was accepted'),
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(AuthError);
  const refusal = error as AuthError;
  expect({ code: refusal.code, status: refusal.status }).toEqual({ code, status: 401 });
  if (reason !== undefined) expect(rejectionReasonOf(refusal)).toBe(reason);
  return refusal;
}

export function segmentsOf(token: string): [string, string, string] {
  const [header = '', payload = '', signature = ''] = token.split('.');
  return [header, payload, signature];
}

export function decodeSegment(segment: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** What a synchronous call threw (or an Error saying it did not throw). */
export function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return new Error('expected a throw, but the call returned');
}
