import { StoreUnavailableError, UsernameTakenError } from '@authbench/auth-core';
import {
  postgresBinDir,
  requireProgramOrSkip,
  startTestPostgres,
  type TestPostgresServer,
} from '@authbench/test-support';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SqlUserRepository } from '../src/index.js';
import { migrate, openUserRepository } from '../src/index.js';
import { openPostgresSql } from '../src/users/pg-client.js';

interface Engine {
  readonly name: string;
  open(): Promise<SqlUserRepository>;
  teardown(): Promise<void>;
}

let postgres: TestPostgresServer | null = null;
const hasPostgres = requireProgramOrSkip(
  postgresBinDir() !== null,
  'PostgreSQL 15 server binaries',
  'apt-get install postgresql-15',
);

const engines: Engine[] = [
  {
    name: 'embedded (PGlite)',
    open: () => openUserRepository({ dataDir: ':memory:' }),
    teardown: async () => {},
  },
];
if (hasPostgres) {
  engines.push({
    name: 'PostgreSQL',
    async open() {
      postgres ??= await startTestPostgres();
      return openUserRepository({ databaseUrl: postgres.url, dataDir: ':memory:' });
    },
    async teardown() {
      await postgres?.destroy();
      postgres = null;
    },
  });
}

// One repository suite, every engine: the embedded default and PostgreSQL must not drift apart.
describe.each(engines)('UserRepository on $name', (engine) => {
  let users: SqlUserRepository;

  beforeAll(async () => {
    users = await engine.open();
  }, 600_000);

  afterAll(async () => {
    await users.close();
    await engine.teardown();
  });

  it('creates a user with an opaque id, version 0 and no revocation time', async () => {
    const user = await users.create({ username: 'Alice', passwordHash: 'h1' });
    expect(user).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      username: 'Alice',
      passwordHash: 'h1',
      tokenVersion: 0,
      createdAt: expect.any(Date),
      revokedBefore: null,
    });
    expect(await users.findById(user.id)).toEqual(user);
  });

  it('treats usernames case-insensitively for uniqueness and look-up', async () => {
    await expect(users.create({ username: 'alice', passwordHash: 'h2' })).rejects.toBeInstanceOf(
      UsernameTakenError,
    );
    expect((await users.findByUsername('ALICE'))?.username).toBe('Alice');
  });

  it('lets exactly one of many concurrent registrations of one name win', async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 20 }, () => users.create({ username: 'racer', passwordHash: 'h' })),
    );
    const won = attempts.filter((attempt) => attempt.status === 'fulfilled');
    const lost = attempts.filter(
      (attempt) => attempt.status === 'rejected' && attempt.reason instanceof UsernameTakenError,
    );
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
  });

  it('revokes all credentials by bumping the version and recording the time', async () => {
    const user = await users.create({ username: 'bob', passwordHash: 'h' });
    const at = new Date('2026-01-02T03:04:05.000Z');
    const updated = await users.revokeAllCredentials(user.id, at);
    expect(updated?.tokenVersion).toBe(1);
    expect(updated?.revokedBefore?.toISOString()).toBe(at.toISOString());
    expect(await users.revokeAllCredentials('no-such-id', at)).toBeNull();
  });

  it('updates the password hash and deletes users', async () => {
    const user = await users.create({ username: 'carol', passwordHash: 'old' });
    await users.updatePasswordHash(user.id, 'new');
    expect((await users.findById(user.id))?.passwordHash).toBe('new');
    expect(await users.delete(user.id)).toBe(true);
    expect(await users.delete(user.id)).toBe(false);
    expect(await users.findById(user.id)).toBeNull();
  });

  it('answers ping', async () => {
    await expect(users.ping()).resolves.toBeUndefined();
  });

  it('treats an id or username holding NUL (which SQL text cannot store) as no such user', async () => {
    const user = await users.create({ username: 'nul-dave', passwordHash: 'h' });
    const at = new Date('2026-01-02T03:04:05.000Z');
    for (const id of ['\u0000', `${user.id}\u0000`, `\u0000${user.id}`]) {
      expect(await users.findById(id)).toBeNull();
      expect(await users.revokeAllCredentials(id, at)).toBeNull();
      await expect(users.updatePasswordHash(id, 'x')).resolves.toBeUndefined();
      expect(await users.delete(id)).toBe(false);
    }
    expect(await users.findByUsername('nul-dave\u0000')).toBeNull();
    // Lone surrogates reach the database (as U+FFFD) and simply match nothing.
    expect(await users.findById(`${user.id}\ud800`)).toBeNull();
    expect((await users.findById(user.id))?.tokenVersion).toBe(0);
  });
});

(hasPostgres ? describe : describe.skip)('PostgreSQL specifics', () => {
  let server: TestPostgresServer;

  beforeAll(async () => {
    server = await startTestPostgres();
  }, 600_000);

  afterAll(async () => {
    await server.destroy();
  });

  it('applies migrations once when several processes start at the same time', async () => {
    const clients = Array.from({ length: 4 }, () => openPostgresSql(server.url));
    const applied = await Promise.all(clients.map((client) => migrate(client)));
    expect(applied.flat()).toEqual([1]);
    await Promise.all(clients.map((client) => client.close()));
  });

  it('fails closed with 503 while the database is down, and recovers without a restart', async () => {
    const users = await openUserRepository({
      databaseUrl: server.url,
      dataDir: ':memory:',
      pool: { timeoutMs: 1_000 },
    });
    await server.stop();
    const failure = await users.findByUsername('anyone').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect(failure).toMatchObject({ status: 503, store: 'postgres' });
    await server.start();
    await expect(users.findByUsername('anyone')).resolves.toBeNull();
    await users.close();
  }, 600_000);
});
