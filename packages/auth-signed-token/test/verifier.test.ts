import { AuthError, StoreUnavailableError } from '@authbench/auth-core';
import { type RevocationList } from '@authbench/auth-stores';
import { BadPayload, BadSignature, BadTimeSignature, SignatureExpired } from '@authbench/itsdangerous';
import { describe, expect, it } from '@jest/globals';
import { FakeUsers, SECRET_NEW, SECRET_OLD, SECRET_OTHER } from './support/fake-users.js';
import { mint, mintUntimed } from './support/mint.js';
import { ALICE, expectRefusal, expectStoreUnavailable, setup, T0 } from './support/setup.js';

const SECOND = Math.floor(T0 / 1000) * 1000;
const claims = (jti = 'jti-0123456789abcdefghij') => ({ sub: ALICE, ver: 0, jti });

function payloadJson(token: string): string {
  const [first] = token.split('.');
  return Buffer.from(first ?? '', 'base64url').toString('utf8');
}

/** A denylist that counts reads and can be switched off like an unreachable Redis. */
class CountingRevocations implements RevocationList {
  readonly revoked = new Map<string, Date>();
  reads = 0;
  down = false;

  async revoke(id: string, until: Date): Promise<void> {
    if (this.down) throw new StoreUnavailableError('redis');
    this.revoked.set(id, until);
  }

  async isRevoked(id: string): Promise<boolean> {
    this.reads++;
    if (this.down) throw new StoreUnavailableError('redis');
    return this.revoked.has(id);
  }
}

describe('SignedTokenVerifier: the good path', () => {
  it('round-trips an issued token into the principal, with the contract payload', async () => {
    const { strategy } = setup();
    const issued = await strategy.issueToken(ALICE);
    expect(payloadJson(issued.token)).toBe(`{"sub":"${ALICE}","ver":0,"jti":"${issued.jti}"}`);
    expect(issued.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(issued.signedAt.getTime()).toBe(SECOND);
    expect(issued.expiresAt.getTime()).toBe(SECOND + 3601 * 1000);
    await expect(strategy.verify(issued.token)).resolves.toEqual({
      userId: ALICE,
      username: 'alice',
      strategy: 'token',
      credentialId: issued.jti,
      issuedAt: issued.signedAt,
      expiresAt: issued.expiresAt,
    });
  });

  it('mints a fresh 128-bit jti per login', async () => {
    const { strategy } = setup();
    const jtis = new Set<string>();
    for (let i = 0; i < 50; i++) jtis.add((await strategy.issueToken(ALICE)).jti);
    expect(jtis.size).toBe(50);
  });

  it('costs exactly two store look-ups per request: the user and the jti', async () => {
    const revocations = new CountingRevocations();
    const { strategy, users } = setup({}, { revocations });
    const { token } = await strategy.issueToken(ALICE);
    users.findByIdCalls = 0;
    await strategy.verify(token);
    expect({ user: users.findByIdCalls, jti: revocations.reads }).toEqual({ user: 1, jti: 1 });
    expect(strategy.traits()).toEqual({
      stateless: false,
      revocation: 'immediate',
      serverStatePerLogin: 'none (a denylist entry per logout)',
      lookupsPerRequest: 2,
    });
  });

  it('with the user cache on, a warm request costs one store look-up (the jti), and says so', async () => {
    const revocations = new CountingRevocations();
    const { strategy, users } = setup({ userCacheTtlMs: 1_000 }, { revocations });
    const { token } = await strategy.issueToken(ALICE);
    await strategy.verify(token);
    users.findByIdCalls = 0;
    revocations.reads = 0;
    await strategy.verify(token);
    expect({ user: users.findByIdCalls, jti: revocations.reads }).toEqual({ user: 0, jti: 1 });
    expect(strategy.traits().lookupsPerRequest).toBe(1);
  });

  it('accepts a compressed payload that stays under the limit', async () => {
    const { strategy, users, clock } = setup();
    const id = 'a'.repeat(128);
    users.add(id, 'compressible');
    const token = mint({ sub: id, ver: 0, jti: 'j'.repeat(100) }, { atMs: clock.ms });
    expect(token.startsWith('.')).toBe(true);
    await expect(strategy.verify(token)).resolves.toMatchObject({ userId: id });
  });
});

describe('SignedTokenVerifier: signature', () => {
  it('refuses a tampered payload', async () => {
    const { strategy, clock } = setup();
    const token = mint(claims(), { atMs: clock.ms });
    const forged = mint(
      { sub: 'user-mallory', ver: 0, jti: 'x' },
      { atMs: clock.ms, secrets: [SECRET_OTHER] },
    );
    const [, timestamp, signature] = token.split('.');
    const tampered = `${forged.split('.')[0]}.${timestamp}.${signature}`;
    const refusal = await expectRefusal(strategy.verify(tampered), 'invalid_signature');
    expect(refusal.cause).toBeInstanceOf(BadTimeSignature);
  });

  it('refuses every single-character change anywhere in the token', async () => {
    const { strategy, clock } = setup();
    const token = mint(claims(), { atMs: clock.ms });
    for (let i = 0; i < token.length; i++) {
      const replacement = token[i] === 'A' ? 'B' : 'A';
      const changed = `${token.slice(0, i)}${replacement}${token.slice(i + 1)}`;
      const error = await strategy.verify(changed).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(AuthError);
    }
  });

  it('refuses a truncated signature', async () => {
    const { strategy, clock } = setup();
    const token = mint(claims(), { atMs: clock.ms });
    await expectRefusal(strategy.verify(token.slice(0, -1)), 'invalid_signature');
    await expectRefusal(strategy.verify(token.slice(0, -10)), 'invalid_signature');
    const cut = token.slice(0, token.lastIndexOf('.') + 1);
    await expectRefusal(strategy.verify(cut), 'malformed_credential');
  });

  it('refuses a token signed with another salt or another digest', async () => {
    const { strategy, clock } = setup();
    const otherSalt = mint(claims(), { atMs: clock.ms, salt: 'itsdangerous' });
    const otherDigest = mint(claims(), { atMs: clock.ms, digest: 'sha256' });
    await expectRefusal(strategy.verify(otherSalt), 'invalid_signature');
    const refusal = await expectRefusal(strategy.verify(otherDigest), 'invalid_signature');
    expect(refusal.cause).toBeInstanceOf(BadSignature);
  });

  it('refuses a signature-only token (no timestamp) made with the same key and salt', async () => {
    const { strategy } = setup();
    // Two parts instead of three: refused by shape, before any signature is computed.
    await expectRefusal(strategy.verify(mintUntimed(claims())), 'malformed_credential');
  });

  it('says wrong_strategy for a JWT', async () => {
    const { strategy } = setup();
    const jwt =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLWFsaWNlIiwiaWF0IjoxNzAwMDAwMDAwfQ.' +
      'c2lnbmF0dXJlLWJ5dGVzLWhlcmUtMDEyMzQ1Njc4OWFiY2RlZg';
    await expectRefusal(strategy.verify(jwt), 'wrong_strategy');
    // Claims short enough to read as a far-future "timestamp" (ERR_TIMESTAMP_MALFORMED) too.
    const tiny = `${jwt.split('.')[0]}.${Buffer.from('{"a":1}').toString('base64url')}.c2ln`;
    await expectRefusal(strategy.verify(tiny), 'wrong_strategy');
  });
});

describe('SignedTokenVerifier: key rotation', () => {
  it('accepts a token of the old secret while [old, new] is configured, and signs with the new one', async () => {
    const { strategy, users, clock } = setup({ secrets: [SECRET_OLD, SECRET_NEW] });
    const oldToken = mint(claims(), { atMs: clock.ms, secrets: [SECRET_OLD] });
    await expect(strategy.verify(oldToken)).resolves.toMatchObject({ userId: ALICE });

    const { token } = await strategy.issueToken(ALICE);
    const newOnly = setup({ secrets: [SECRET_NEW] }, { users, clock });
    await expect(newOnly.strategy.verify(token)).resolves.toMatchObject({ userId: ALICE });
  });

  it('refuses a token of a rotated-out secret', async () => {
    const { strategy, clock } = setup({ secrets: [SECRET_NEW] });
    const oldToken = mint(claims(), { atMs: clock.ms, secrets: [SECRET_OLD] });
    await expectRefusal(strategy.verify(oldToken), 'invalid_signature');
  });
});

describe('SignedTokenVerifier: time', () => {
  it('is valid through the whole second signedAt + TTL and expired from the next (injected clock)', async () => {
    const { strategy, clock } = setup({ ttlSeconds: 60 });
    const { token, expiresAt } = await strategy.issueToken(ALICE);
    expect(expiresAt.getTime()).toBe(SECOND + 61_000);
    clock.ms = expiresAt.getTime() - 1;
    await expect(strategy.verify(token)).resolves.toMatchObject({ userId: ALICE });
    clock.ms = expiresAt.getTime();
    const refusal = await expectRefusal(strategy.verify(token), 'expired');
    expect(refusal.cause).toBeInstanceOf(SignatureExpired);
    clock.advance(86_400_000);
    await expectRefusal(strategy.verify(token), 'expired');
  });

  it('refuses a timestamp after the current second, even by one second', async () => {
    const { strategy, clock } = setup();
    const nextSecond = mint(claims(), { atMs: SECOND + 1000 });
    const refusal = await expectRefusal(strategy.verify(nextSecond), 'not_yet_valid');
    expect((refusal.cause as SignatureExpired).code).toBe('ERR_SIGNATURE_IN_FUTURE');
    await expectRefusal(strategy.verify(mint(claims(), { atMs: SECOND + 3_600_000 })), 'not_yet_valid');
    clock.ms = SECOND + 1000;
    await expect(strategy.verify(nextSecond)).resolves.toMatchObject({ userId: ALICE });
  });

  it('accepts a token signed earlier in the current second', async () => {
    const { strategy, clock } = setup();
    const token = mint(claims(), { atMs: SECOND + 999 });
    clock.ms = SECOND;
    await expect(strategy.verify(token)).resolves.toMatchObject({ userId: ALICE });
  });
});

describe('SignedTokenVerifier: size limits', () => {
  it('refuses a token over 8 KiB before decoding it, even with a valid signature', async () => {
    const { strategy, clock } = setup();
    let random = '';
    // The URL-safe serializer deflates the payload when that is shorter: random base-36 text
    // carries ~5.2 bits a character, so 16 000 of them stay well over 8 KiB whatever the deflater.
    while (random.length < 16_000) random += Math.random().toString(36).slice(2);
    const huge = mint({ sub: ALICE, ver: 0, jti: random }, { atMs: clock.ms });
    expect(huge.length).toBeGreaterThan(8192);
    const refusal = await expectRefusal(strategy.verify(huge), 'malformed_credential');
    expect(refusal.cause).toBeUndefined();
    await expectRefusal(strategy.verify('a'.repeat(8193)), 'malformed_credential');
  });

  it('refuses a compressed-payload bomb without inflating it (BadPayload ERR_PAYLOAD_TOO_LARGE)', async () => {
    const { strategy, clock } = setup();
    // 5 MB of JSON that deflates to ~5 KB: a validly signed token under the 8 KiB cap.
    const bomb = mint({ sub: ALICE, ver: 0, jti: 'a'.repeat(5_000_000) }, { atMs: clock.ms });
    expect(bomb.startsWith('.')).toBe(true);
    expect(bomb.length).toBeLessThanOrEqual(8192);

    const memory = () => process.memoryUsage().heapUsed + process.memoryUsage().external;
    const before = memory();
    for (let i = 0; i < 10; i++) {
      const refusal = await expectRefusal(strategy.verify(bomb), 'invalid_claims');
      expect(refusal.cause).toBeInstanceOf(BadPayload);
      expect((refusal.cause as BadPayload).code).toBe('ERR_PAYLOAD_TOO_LARGE');
    }
    // Inflating all ten would allocate 50 MB; bounded inflation stays at ~64 KiB (+ one fflate
    // window) each. Memory, not wall time: a busy machine makes this slower, never wrong. Loose
    // bound: no GC is forced.
    expect(memory() - before).toBeLessThan(16 * 1024 * 1024);
  });
});

describe('SignedTokenVerifier: malformed input', () => {
  it.each([
    ['empty', ''],
    ['one part', 'abcdef'],
    ['two parts', 'eyJzdWIiOiJ4In0.AbCdEf'],
    ['four parts', 'eyJzdWIiOiJ4In0.AbCdEf.c2ln.c2ln'],
    ['an empty part', 'eyJzdWIiOiJ4In0..c2ln'],
    ['padding', 'eyJzdWIiOiJ4In0=.AbCdEf.c2ln'],
    ['standard base64', 'eyJzd+IiOiJ4In0.AbCdEf.c2l/'],
    ['a space', 'eyJzdWIiOiJ4In0 .AbCdEf.c2ln'],
    ['non-ASCII', 'eyJzdWIiOiJ4In0.AbCdEf.c2lné'],
  ])('refuses %s as malformed_credential', async (_label, token) => {
    const { strategy } = setup();
    await expectRefusal(strategy.verify(token), 'malformed_credential');
  });

  it.each([
    ['an extra key', { sub: ALICE, ver: 0, jti: 'abc', admin: true }],
    ['a missing key', { sub: ALICE, ver: 0 }],
    ['a numeric sub', { sub: 42, ver: 0, jti: 'abc' }],
    ['an empty sub', { sub: '', ver: 0, jti: 'abc' }],
    ['a sub over 128 characters', { sub: 'u'.repeat(129), ver: 0, jti: 'abc' }],
    ['a negative ver', { sub: ALICE, ver: -1, jti: 'abc' }],
    ['a fractional ver', { sub: ALICE, ver: 1.5, jti: 'abc' }],
    ['a string ver', { sub: ALICE, ver: '0', jti: 'abc' }],
    ['an unsafe integer ver', { sub: ALICE, ver: 2 ** 53, jti: 'abc' }],
    ['an empty jti', { sub: ALICE, ver: 0, jti: '' }],
    ['a jti outside the URL-safe alphabet', { sub: ALICE, ver: 0, jti: 'a:b' }],
    ['a jti over 128 characters', { sub: ALICE, ver: 0, jti: 'j'.repeat(129) }],
    ['an array', [ALICE, 0, 'abc']],
    ['null', null],
    ['a string', ALICE],
  ])('refuses a validly signed payload with %s as invalid_claims', async (_label, payload) => {
    const { strategy, clock } = setup();
    await expectRefusal(strategy.verify(mint(payload, { atMs: clock.ms })), 'invalid_claims');
  });

  it('refuses a __proto__ key (exact own keys only)', async () => {
    const { strategy, clock } = setup();
    const serialized = `{"sub":"${ALICE}","ver":0,"jti":"abc","__proto__":{"admin":true}}`;
    const token = mint(JSON.parse(serialized), { atMs: clock.ms });
    await expectRefusal(strategy.verify(token), 'invalid_claims');
  });
});

describe('SignedTokenVerifier: revocation and users', () => {
  it('refuses every older token after a version bump (logout-all), and accepts new ones', async () => {
    const { strategy, users } = setup();
    const first = await strategy.issueToken(ALICE);
    const second = await strategy.issueToken(ALICE);
    await strategy.revokeAll(ALICE);
    expect(users.users.get(ALICE)?.tokenVersion).toBe(1);
    await expectRefusal(strategy.verify(first.token), 'revoked');
    await expectRefusal(strategy.verify(second.token), 'revoked');
    const fresh = await strategy.issueToken(ALICE);
    await expect(strategy.verify(fresh.token)).resolves.toMatchObject({ userId: ALICE });
  });

  it('refuses a revoked jti until it would have expired, and only that token', async () => {
    const { strategy, revocations } = setup();
    const kept = await strategy.issueToken(ALICE);
    const ended = await strategy.issueToken(ALICE);
    const principal = await strategy.verify(ended.token);
    await strategy.revoke(principal);
    await expectRefusal(strategy.verify(ended.token), 'revoked');
    await expect(strategy.verify(kept.token)).resolves.toMatchObject({ userId: ALICE });
    expect(await revocations.isRevoked(ended.jti)).toBe(true);
  });

  it('keeps the denylist entry exactly as long as the token lives', async () => {
    const revocations = new CountingRevocations();
    const { strategy } = setup({}, { revocations });
    const issued = await strategy.issueToken(ALICE);
    await strategy.revoke(await strategy.verify(issued.token));
    expect(revocations.revoked.get(issued.jti)).toEqual(issued.expiresAt);
  });

  it('refuses to revoke a principal of another strategy (a programming error)', async () => {
    const { strategy } = setup();
    const principal = {
      userId: ALICE,
      username: 'alice',
      strategy: 'session',
      credentialId: 'sid',
      issuedAt: new Date(T0),
      expiresAt: null,
    };
    await expect(strategy.revoke(principal)).rejects.toThrow(TypeError);
  });

  it('refuses a token of a deleted user', async () => {
    const { strategy, users } = setup();
    const { token } = await strategy.issueToken(ALICE);
    users.delete(ALICE);
    await strategy.revokeAll(ALICE);
    await expectRefusal(strategy.verify(token), 'unknown_user');
  });

  it('refuses a sub that names no user, signed with the real secret (unknown_user, 401)', async () => {
    const { strategy } = setup();
    const token = mint({ sub: 'user-nobody', ver: 0, jti: 'jti-0123456789abcdefghij' }, { atMs: T0 });
    const error = await expectRefusal(strategy.verify(token), 'unknown_user');
    expect(error.status).toBe(401);
  });

  it('refuses a sub that the store matches loosely (another case, a trailing byte): the id must be exact', async () => {
    const users = new FakeUsers();
    users.add(ALICE, 'alice');
    // A store whose equality is looser than ours: case-insensitive, and blind to a trailing U+FFFD.
    const loose = Object.assign(Object.create(users) as FakeUsers, {
      findById: (id: string) => users.findById(id.toLowerCase().replace(/\ufffd$/, '')),
    });
    for (const ttl of [0, 5000]) {
      const { strategy } = setup({ users: loose, userCacheTtlMs: ttl });
      for (const sub of [ALICE.toUpperCase(), `${ALICE}\ufffd`]) {
        const token = mint({ sub, ver: 0, jti: 'jti-0123456789abcdefghij' }, { atMs: T0 });
        await expectRefusal(strategy.verify(token), 'unknown_user');
      }
      const good = mint({ sub: ALICE, ver: 0, jti: 'jti-0123456789abcdefghij' }, { atMs: T0 });
      expect((await strategy.verify(good)).userId).toBe(ALICE);
    }
  });

  it('refuses to issue for a user that is gone', async () => {
    const { strategy } = setup();
    await expectRefusal(strategy.issueToken('user-nobody'), 'unknown_user');
  });
});

describe('SignedTokenVerifier: store failures are 503, never 401 or 200', () => {
  it('propagates a user-store outage on verify, issue and logout-all', async () => {
    const { strategy, users } = setup();
    const { token } = await strategy.issueToken(ALICE);
    users.down = true;
    await expectStoreUnavailable(strategy.verify(token), 'database');
    await expectStoreUnavailable(strategy.issueToken(ALICE), 'database');
    await expectStoreUnavailable(strategy.revokeAll(ALICE), 'database');
  });

  it('propagates a denylist outage on verify and logout', async () => {
    const revocations = new CountingRevocations();
    const { strategy } = setup({}, { revocations });
    const { token } = await strategy.issueToken(ALICE);
    const principal = await strategy.verify(token);
    revocations.down = true;
    await expectStoreUnavailable(strategy.verify(token), 'redis');
    await expectStoreUnavailable(strategy.revoke(principal), 'redis');
    await expect(strategy.storeHealth()).resolves.toEqual({ 'token-revocations': 'down' });
  });

  it('answers 503 even for a deleted user when the denylist is down (fail closed)', async () => {
    const revocations = new CountingRevocations();
    const { strategy, users } = setup({}, { revocations });
    const { token } = await strategy.issueToken(ALICE);
    users.delete(ALICE);
    revocations.down = true;
    await expectStoreUnavailable(strategy.verify(token), 'redis');
  });

  it('reports an in-process denylist as embedded', async () => {
    const { strategy } = setup();
    await expect(strategy.storeHealth()).resolves.toEqual({ 'token-revocations': 'embedded' });
  });
});
