import type { User, UserLookup } from '@authbench/auth-accounts';
import { authenticateRequest } from '@authbench/auth-core';
import { describe, expect, it } from '@jest/globals';
import { type JwtStrategy } from '../src/index.js';
import { validateClaims } from '../src/lib/claims.js';
import { hmacKeyId } from '../src/lib/keys.js';
import { rejectionReasonOf } from '../src/lib/rejection.js';
import {
  ALICE,
  AUDIENCE,
  claimsAt,
  exchange,
  expectRefusal,
  forge,
  hmacSigner,
  hsStrategy,
  SECRET,
  TestClock,
  thrownBy,
} from './support.js';

const header = { alg: 'HS256', typ: 'JWT', kid: hmacKeyId(SECRET) };
const refreshHeader = { ...header, typ: 'refresh+jwt' };
const sign = hmacSigner(SECRET);

function lookup(users: readonly Pick<User, 'id' | 'username'>[]): UserLookup & { calls: number } {
  const found = {
    calls: 0,
    async findById(id: string): Promise<User | null> {
      found.calls += 1;
      const user = users.find((candidate) => candidate.id === id);
      return user === undefined
        ? null
        : { ...user, passwordHash: '', tokenVersion: 0, createdAt: new Date(0), revokedBefore: null };
    },
  };
  return found;
}

describe('claim rules', () => {
  const clock = new TestClock();
  const strategy = hsStrategy(clock);

  it('accepts a contract-conformant token minted elsewhere and reads its claims', async () => {
    const token = forge(header, claimsAt(clock), sign);
    await expect(strategy.verify(token)).resolves.toEqual({
      userId: ALICE.id,
      username: ALICE.username,
      strategy: 'jwt',
      credentialId: 'foreign-jti-1',
      // No iat_ms: the start of the iat second.
      issuedAt: new Date(clock.seconds * 1000),
      expiresAt: new Date((clock.seconds + 600) * 1000),
      loginId: null,
    });
  });

  it('accepts aud as an array holding exactly our audience, and nbf now or in the past', async () => {
    for (const extra of [{ aud: [AUDIENCE] }, { nbf: clock.seconds }, { nbf: clock.seconds - 60 }]) {
      const token = forge(header, claimsAt(clock, extra), sign);
      await expect(authenticateRequest(strategy, exchange(`Bearer ${token}`))).resolves.toMatchObject({
        userId: ALICE.id,
      });
    }
  });

  it('decides time on the injected clock, not the machine clock (both paths)', async () => {
    // The test clock runs in 2031: exp in 2030 is past for the strategy, whatever the machine says.
    const token = forge(
      header,
      claimsAt(clock, { iat: clock.seconds - 86_400 * 40, exp: clock.seconds - 86_400 * 30 }),
      sign,
    );
    await expectRefusal(strategy.verify(token), 'expired', 'expired');
    await expectRefusal(authenticateRequest(strategy, exchange(`Bearer ${token}`)), 'expired', 'expired');
  });

  it('keeps its own tokens valid until exactly iat + JWT_TTL', async () => {
    const local = new TestClock();
    const own = hsStrategy(local);
    const { token } = await own.issue(ALICE);
    local.advance(1800_000 - 251); // 1799.999 s after issue, still inside the last second
    await expect(own.verify(token)).resolves.toMatchObject({ userId: ALICE.id });
    local.advance(1);
    await expectRefusal(own.verify(token), 'expired', 'expired');
  });

  it.each([
    ['exp before iat', { iat: 0, exp: 0 }, 'bad_claim'],
    [
      'a lifetime longer than max(JWT_TTL, JWT_REFRESH_TTL)',
      { iat: 1, exp: 1 + 1_209_601 },
      'lifetime_too_long',
    ],
    ['iat_ms outside the iat second', { iat_ms: 5 }, 'bad_claim'],
    ['iat_ms not an integer', { iat_ms: 'soon' }, 'bad_claim'],
    ['a 257-character sub', { sub: 'u'.repeat(257) }, 'bad_claim'],
    ['an empty jti', { jti: '' }, 'bad_claim'],
    ['a numeric sub', { sub: 42 }, 'bad_claim'],
    ['iat null', { iat: null }, 'bad_claim'],
    ['exp negative', { exp: -1 }, 'bad_claim'],
    ['sid empty', { sid: '' }, 'bad_claim'],
    ['preferred_username not a string', { preferred_username: ['alice'] }, 'bad_claim'],
  ] as const)('refuses %s', async (_case, overrides, reason) => {
    const fixed = { ...overrides } as Record<string, unknown>;
    // Relative iat/exp in the table are offsets from now.
    if (typeof fixed.iat === 'number') fixed.iat = clock.seconds - 10 + fixed.iat;
    if (typeof fixed.exp === 'number' && fixed.exp >= 0) fixed.exp = clock.seconds - 10 + fixed.exp;
    const token = forge(header, claimsAt(clock, fixed), sign);
    await expectRefusal(strategy.verify(token), 'invalid_claims', reason);
  });

  it('names a missing iss or aud as such in the claim rules (jsonwebtoken, earlier, calls it wrong)', () => {
    const rules = { issuer: 'authbench', audience: AUDIENCE, toleranceSeconds: 0, maxLifetimeSeconds: 3600 };
    for (const claim of ['iss', 'aud']) {
      const error = thrownBy(() =>
        validateClaims(claimsAt(clock, { [claim]: undefined }), 'access', rules, clock.ms),
      );
      expect(error).toMatchObject({ code: 'invalid_claims', status: 401 });
      expect(rejectionReasonOf(error)).toBe('missing_claim');
    }
  });
});

describe('clock tolerance (clockToleranceSeconds)', () => {
  const clock = new TestClock();
  const strategy = hsStrategy(clock, { clockToleranceSeconds: 30 });

  it.each([
    ['expired 29 s ago', { iat: -600, exp: -29 }, true],
    ['expired 30 s ago', { iat: -600, exp: -30 }, false],
    ['issued 30 s in the future', { iat: 30, exp: 600 }, true],
    ['issued 31 s in the future', { iat: 31, exp: 600 }, false],
    ['not before 31 s from now', { nbf: 31 }, false],
  ] as const)('%s', async (_case, offsets, accepted) => {
    const claims = Object.fromEntries(
      Object.entries(offsets).map(([name, offset]) => [name, clock.seconds + offset]),
    );
    const pending = strategy.verify(forge(header, claimsAt(clock, claims), sign));
    if (accepted) await expect(pending).resolves.toMatchObject({ userId: ALICE.id });
    else await expect(pending).rejects.toMatchObject({ status: 401 });
  });

  it('refuses a tolerance above five minutes at construction', () => {
    expect(() => hsStrategy(clock, { clockToleranceSeconds: 301 })).toThrow(RangeError);
  });
});

describe('access and refresh tokens are never interchangeable', () => {
  const clock = new TestClock();
  const strategy = hsStrategy(clock);

  it('refuses an access token at the refresh endpoint', async () => {
    const { token } = await strategy.issue(ALICE);
    await expectRefusal(strategy.refresh(token), 'invalid_claims', 'wrong_token_type');
  });

  it('refuses a refresh-typed token carrying the access audience', async () => {
    const forged = forge(refreshHeader, claimsAt(clock, { sid: 'login', aud: AUDIENCE }), sign);
    await expectRefusal(strategy.refresh(forged), 'invalid_claims', 'wrong_audience');
  });

  it('refuses an access-typed token carrying the refresh audience', async () => {
    const forged = forge(header, claimsAt(clock, { aud: `${AUDIENCE}#refresh` }), sign);
    await expectRefusal(strategy.verify(forged), 'invalid_claims', 'wrong_audience');
  });

  it('refuses a refresh token without the login it belongs to', async () => {
    const forged = forge(refreshHeader, claimsAt(clock, { aud: `${AUDIENCE}#refresh` }), sign);
    await expectRefusal(strategy.refresh(forged), 'invalid_claims', 'missing_claim');
  });
});

describe('tokens without preferred_username (contract-minimal, minted elsewhere)', () => {
  const clock = new TestClock();
  const minimal = (): string => forge(header, claimsAt(clock, { preferred_username: undefined }), sign);

  it('are refused when no user look-up is configured', async () => {
    await expectRefusal(hsStrategy(clock).verify(minimal()), 'invalid_claims', 'missing_claim');
  });

  it('get their username from the user look-up, and fail once the user is gone', async () => {
    const users = lookup([ALICE]);
    const strategy: JwtStrategy = hsStrategy(clock, { users });
    await expect(authenticateRequest(strategy, exchange(`Bearer ${minimal()}`))).resolves.toMatchObject({
      username: ALICE.username,
    });
    expect(users.calls).toBe(1);
    const empty = hsStrategy(clock, { users: lookup([]) });
    await expectRefusal(empty.verify(minimal()), 'unknown_user', 'unknown_user');
  });

  it('cost no look-up when they carry the username', async () => {
    const users = lookup([ALICE]);
    const strategy = hsStrategy(clock, { users });
    const { token } = await strategy.issue(ALICE);
    await strategy.verify(token);
    expect(users.calls).toBe(0);
  });
});
