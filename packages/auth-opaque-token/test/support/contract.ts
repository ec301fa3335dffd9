import { describe, expect, it } from '@jest/globals';
import { ALICE, BOB, expectRefusal, type Fixture, fakeExchange } from './setup.js';

/** A JWT-shaped credential (another strategy's): three base64url segments. */
const JWT_LOOKING =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLWFsaWNlIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

/** What a swapped secret character looks like (stays base64url, changes the secret). */
function tamper(token: string): string {
  const last = token.at(-1) === 'A' ? 'B' : 'A';
  return `${token.slice(0, -1)}${last}`;
}

/** The behaviour both stores must show; `fixture` gives a fresh strategy on the chosen store. */
export function strategyContract(fixture: () => Fixture): void {
  describe('issue → verify', () => {
    it('mints <id>.<secret>, answers the login body with no-store, and verifies to the user', async () => {
      const { strategy, clock } = fixture();
      const { exchange, headers } = fakeExchange();
      const body = await strategy.issue(ALICE, exchange);
      expect(body).toEqual({ token: expect.any(String), tokenType: 'Bearer', expiresIn: 3600 });
      expect(body.token).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
      expect(headers.get('cache-control')).toBe('no-store');
      const principal = await strategy.verify(body.token);
      expect(principal).toEqual({
        userId: ALICE.id,
        username: ALICE.username,
        strategy: 'opaque',
        credentialId: body.token.split('.')[0],
        issuedAt: new Date(clock.ms),
        expiresAt: new Date(clock.ms + 3600_000),
      });
    });

    it('never mints the same token twice', async () => {
      const { strategy } = fixture();
      const tokens = new Set(await Promise.all([1, 2, 3, 4].map(() => strategy.mint(ALICE))));
      expect(tokens.size).toBe(4);
    });
  });

  describe('refusals (AuthError, 401)', () => {
    it.each([
      ['empty', ''],
      ['no separator', 'abc'],
      ['three segments', 'a.b.c'],
      ['a short secret', `${'A'.repeat(22)}.${'B'.repeat(21)}`],
      ['padding', `${'A'.repeat(22)}.${'B'.repeat(42)}=`],
      ['standard base64', `${'A'.repeat(22)}.${'B+'.repeat(21)}B`],
      ['another strategy’s JWT', JWT_LOOKING],
    ])('malformed: %s', async (_label, credential) => {
      const { strategy } = fixture();
      await expectRefusal(strategy.verify(credential), 'malformed_credential');
    });

    it('a tampered secret: invalid_signature', async () => {
      const { strategy } = fixture();
      const token = await strategy.mint(ALICE);
      await expectRefusal(strategy.verify(tamper(token)), 'invalid_signature');
      // The right token still works: a wrong guess does not burn the record.
      await expect(strategy.verify(token)).resolves.toMatchObject({ userId: ALICE.id });
    });

    it('another token’s secret on this id: invalid_signature', async () => {
      const { strategy } = fixture();
      const [idA] = (await strategy.mint(ALICE)).split('.');
      const [, secretB] = (await strategy.mint(ALICE)).split('.');
      await expectRefusal(strategy.verify(`${idA}.${secretB}`), 'invalid_signature');
    });

    it('an unknown id: revoked (no record)', async () => {
      const { strategy } = fixture();
      const token = await strategy.mint(ALICE);
      await expectRefusal(strategy.verify(`${'Z'.repeat(22)}.${token.split('.')[1]}`), 'revoked');
    });

    it('expired once OPAQUE_TTL has passed, valid a millisecond before', async () => {
      const { strategy, clock } = fixture();
      const token = await strategy.mint(ALICE);
      clock.advance(3600_000 - 1);
      await expect(strategy.verify(token)).resolves.toMatchObject({ userId: ALICE.id });
      clock.advance(1);
      await expectRefusal(strategy.verify(token), 'expired');
    });

    it('logout deletes the record: revoked, and other tokens of the user live on', async () => {
      const { strategy } = fixture();
      const { exchange } = fakeExchange();
      const first = await strategy.mint(ALICE);
      const second = await strategy.mint(ALICE);
      await strategy.revoke(await strategy.verify(first), exchange);
      await expectRefusal(strategy.verify(first), 'revoked');
      await expect(strategy.verify(second)).resolves.toMatchObject({ userId: ALICE.id });
    });

    it('logout-all deletes every record of the user and no one else’s', async () => {
      const { strategy } = fixture();
      const alice = await Promise.all([strategy.mint(ALICE), strategy.mint(ALICE), strategy.mint(ALICE)]);
      const bob = await strategy.mint(BOB);
      await strategy.revokeAll(ALICE.id);
      for (const token of alice) await expectRefusal(strategy.verify(token), 'revoked');
      await expect(strategy.verify(bob)).resolves.toMatchObject({ userId: BOB.id });
      // A login after logout-all works as usual.
      await expect(strategy.verify(await strategy.mint(ALICE))).resolves.toMatchObject({ userId: ALICE.id });
    });
  });

  it('the per-user cap evicts only that user’s oldest token', async () => {
    const { strategy, clock } = fixture();
    const bob = await strategy.mint(BOB);
    const alice: string[] = [];
    for (let i = 0; i < 4; i++) {
      clock.advance(1);
      alice.push(await strategy.mint(ALICE));
    }
    // maxRecordsPerUser is 3 in these fixtures.
    await expectRefusal(strategy.verify(alice[0] ?? ''), 'revoked');
    for (const token of alice.slice(1)) {
      await expect(strategy.verify(token)).resolves.toMatchObject({ userId: ALICE.id });
    }
    await expect(strategy.verify(bob)).resolves.toMatchObject({ userId: BOB.id });
  });

  it('declares its traits', () => {
    const { strategy } = fixture();
    expect(strategy.transport).toBe('bearer');
    expect(strategy.traits()).toEqual({
      stateless: false,
      revocation: 'immediate',
      serverStatePerLogin: 'token record (SHA-256 of the secret)',
      lookupsPerRequest: 1,
    });
  });
}
