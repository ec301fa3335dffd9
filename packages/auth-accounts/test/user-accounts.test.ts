import {
  AuthError,
  InvalidRequestError,
  TooManyAttemptsError,
  UsernameTakenError,
} from '@authbench/auth-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  Argon2PasswordHasher,
  LoginRateLimiter,
  openUserRepository,
  type SqlUserRepository,
  UserAccounts,
} from '../src/index.js';

// Cheap Argon2id parameters keep this suite fast; the OWASP defaults are covered in password-hasher.test.ts.
const CHEAP = { memoryCostKiB: 64, timeCost: 1, parallelism: 1 };

describe('UserAccounts', () => {
  let users: SqlUserRepository;
  let accounts: UserAccounts;

  // One embedded database for the suite (it takes seconds to start); each test uses its own names
  // and a fresh rate limiter.
  beforeAll(async () => {
    users = await openUserRepository({ dataDir: ':memory:' });
  }, 600_000);

  afterAll(async () => {
    await users.close();
  });

  beforeEach(() => {
    accounts = new UserAccounts(
      users,
      new Argon2PasswordHasher(CHEAP),
      new LoginRateLimiter({ attempts: 3, windowSeconds: 60 }, null),
    );
  });
  it('registers with an NFKC-normalised name and never stores the password', async () => {
    const view = await accounts.register({ username: 'Ｂｏｂ', password: 'correct horse' }, '::1');
    expect(view).toEqual({ id: expect.any(String), username: 'Bob' });
    const stored = await users.findById(view.id);
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(stored?.passwordHash).not.toContain('correct horse');
  });

  it.each([
    [{}, 'username'],
    [{ username: 'al', password: 'long enough' }, 'username'],
    [{ username: 'a'.repeat(65), password: 'long enough' }, 'username'],
    [{ username: 'bad name', password: 'long enough' }, 'username'],
    [{ username: 'alice', password: 'short' }, 'password'],
    [{ username: 'alice', password: 'x'.repeat(1025) }, 'password'],
    [{ username: 'alice', password: 42 }, 'password'],
    [['alice', 'pw'], 'body'],
    [null, 'body'],
  ])('refuses %j with a 400 naming %s', async (body, field) => {
    const error = await accounts.register(body, '::1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ status: 400, field });
  });

  it('counts passwords in characters, not bytes or UTF-16 units', async () => {
    await expect(
      accounts.register({ username: 'emoji', password: '🔑🔑🔑🔑🔑🔑🔑🔑' }, '::1'),
    ).resolves.toBeDefined();
  });

  it('refuses a case-variant duplicate with 409', async () => {
    await accounts.register({ username: 'Duplicate', password: 'password one' }, '::1');
    await expect(
      accounts.register({ username: 'duplicate', password: 'password two' }, '::1'),
    ).rejects.toBeInstanceOf(UsernameTakenError);
  });

  it('verifies a login case-insensitively and refuses wrong password and unknown user alike', async () => {
    await accounts.register({ username: 'Alice', password: 'password one' }, '::1');
    await expect(
      accounts.verifyLogin({ username: 'ALICE', password: 'password one' }, '::1'),
    ).resolves.toMatchObject({
      username: 'Alice',
    });
    const wrongPassword = await accounts
      .verifyLogin({ username: 'alice', password: 'nope nope' }, '::1')
      .catch((e: unknown) => e);
    const unknownUser = await accounts
      .verifyLogin({ username: 'mallory', password: 'nope nope' }, '::1')
      .catch((e: unknown) => e);
    const invalidName = await accounts
      .verifyLogin({ username: 'no way!', password: 'nope nope' }, '::1')
      .catch((e: unknown) => e);
    for (const error of [wrongPassword, unknownUser, invalidName]) {
      expect(error).toBeInstanceOf(AuthError);
      expect(error).toMatchObject({ code: 'invalid_credentials', status: 401 });
    }
    expect((wrongPassword as AuthError).toProblem()).toEqual((unknownUser as AuthError).toProblem());
  });

  it('rate-limits failures per (username, address) with Retry-After, and only that pair', async () => {
    await accounts.register({ username: 'target', password: 'password one' }, '::1');
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await expect(
        accounts.verifyLogin({ username: 'target', password: 'wrong pw!' }, '10.0.0.1'),
      ).rejects.toBeInstanceOf(AuthError);
    }
    const blocked = await accounts
      .verifyLogin({ username: 'target', password: 'password one' }, '10.0.0.1')
      .catch((e: unknown) => e);
    expect(blocked).toBeInstanceOf(TooManyAttemptsError);
    expect(blocked).toMatchObject({
      status: 429,
      headers: { 'Retry-After': expect.stringMatching(/^\d+$/) },
    });
    await expect(
      accounts.verifyLogin({ username: 'target', password: 'password one' }, '10.0.0.2'),
    ).resolves.toBeDefined();
  });

  it('re-hashes on login when the parameters changed', async () => {
    await accounts.register({ username: 'rehash', password: 'password one' }, '::1');
    const stronger = new UserAccounts(
      users,
      new Argon2PasswordHasher({ memoryCostKiB: 128, timeCost: 1, parallelism: 1 }),
      new LoginRateLimiter({ attempts: 3, windowSeconds: 60 }, null),
    );
    const before = (await users.findByUsername('rehash'))?.passwordHash;
    await stronger.verifyLogin({ username: 'rehash', password: 'password one' }, '::1');
    const after = (await users.findByUsername('rehash'))?.passwordHash;
    expect(before).toContain('m=64,');
    expect(after).toContain('m=128,');
  });

  it('deleting a user revokes in every strategy first', async () => {
    const view = await accounts.register({ username: 'leaver', password: 'password one' }, '::1');
    const revoked: string[] = [];
    const strategy = { revokeAll: async (id: string) => void revoked.push(id) };
    const deleted = await accounts.deleteUser(view.id, [strategy as never]);
    expect(deleted).toBe(true);
    expect(revoked).toEqual([view.id]);
    expect(await users.findById(view.id)).toBeNull();
  });
});
