import { randomUUID } from 'node:crypto';
import { StoreUnavailableError, UsernameTakenError } from '@authbench/auth-core';
import { type SqlClient, sqlStateOf, UNIQUE_VIOLATION } from './sql-client.js';
import type { NewUser, User, UserRepository } from './user.js';
import { usernameKey } from './username.js';

interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  token_version: number;
  created_at: Date | string;
  revoked_before: Date | string | null;
}

const COLUMNS = 'id, username, password_hash, token_version, created_at, revoked_before';

/**
 * PostgreSQL (and PGlite) text cannot hold U+0000: a parameter containing it is an error
 * (SQLSTATE 22021), not a miss. No stored id or username contains it, so a value that does
 * names no user — answered as such without asking the database, never as a 500.
 */
function cannotBeStored(value: string): boolean {
  return value.includes('\u0000');
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    tokenVersion: row.token_version,
    createdAt: new Date(row.created_at),
    revokedBefore: row.revoked_before === null ? null : new Date(row.revoked_before),
  };
}

/** Users in SQL: PostgreSQL when `DATABASE_URL` is set, the embedded PGlite otherwise. */
export class SqlUserRepository implements UserRepository {
  constructor(private readonly sql: SqlClient) {}

  async create(user: NewUser): Promise<User> {
    try {
      const rows = await this.sql.query<UserRow>(
        `INSERT INTO users (id, username, username_key, password_hash) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
        [randomUUID(), user.username, usernameKey(user.username), user.passwordHash],
      );
      return toUser(this.single(rows));
    } catch (error) {
      if (sqlStateOf(error) === UNIQUE_VIOLATION) throw new UsernameTakenError();
      throw this.unavailable(error);
    }
  }

  async findById(id: string): Promise<User | null> {
    if (cannotBeStored(id)) return null;
    const rows = await this.run<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
    return rows[0] === undefined ? null : toUser(rows[0]);
  }

  async findByUsername(username: string): Promise<User | null> {
    if (cannotBeStored(username)) return null;
    const rows = await this.run<UserRow>(`SELECT ${COLUMNS} FROM users WHERE username_key = $1`, [
      usernameKey(username),
    ]);
    return rows[0] === undefined ? null : toUser(rows[0]);
  }

  async updatePasswordHash(id: string, passwordHash: string): Promise<void> {
    if (cannotBeStored(id)) return;
    await this.run('UPDATE users SET password_hash = $2 WHERE id = $1', [id, passwordHash]);
  }

  async revokeAllCredentials(id: string, at: Date): Promise<User | null> {
    if (cannotBeStored(id)) return null;
    const rows = await this.run<UserRow>(
      `UPDATE users SET token_version = token_version + 1, revoked_before = $2 WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, at.toISOString()],
    );
    return rows[0] === undefined ? null : toUser(rows[0]);
  }

  async delete(id: string): Promise<boolean> {
    if (cannotBeStored(id)) return false;
    const rows = await this.run<{ id: string }>('DELETE FROM users WHERE id = $1 RETURNING id', [id]);
    return rows.length > 0;
  }

  async ping(): Promise<void> {
    await this.run('SELECT 1');
  }

  close(): Promise<void> {
    return this.sql.close();
  }

  private async run<Row>(text: string, params: readonly unknown[] = []): Promise<readonly Row[]> {
    try {
      return await this.sql.query<Row>(text, params);
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  /**
   * A SQLSTATE outside the outage classes (08 connection, 53 resources, 57P operator
   * intervention) is a bug in our SQL and goes to the 500 path; anything else means the
   * database is away, and the request fails closed with 503.
   */
  private unavailable(error: unknown): unknown {
    const state = sqlStateOf(error);
    const outage = state === undefined || /^(08|53|57P)/.test(state);
    return outage ? new StoreUnavailableError(this.sql.storeName, error) : error;
  }

  private single(rows: readonly UserRow[]): UserRow {
    const row = rows[0];
    if (row === undefined) throw new Error('INSERT … RETURNING returned no row');
    return row;
  }
}
