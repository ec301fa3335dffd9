import type { SqlClient } from './sql-client.js';

/**
 * The schema, as ordered migrations shared by PostgreSQL and the embedded engine (PGlite
 * speaks the same SQL). Append only: an applied migration is never edited.
 */
export const MIGRATIONS: readonly { readonly version: number; readonly sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE users (
        id              text        PRIMARY KEY,
        username        text        NOT NULL,
        username_key    text        NOT NULL,
        password_hash   text        NOT NULL,
        token_version   integer     NOT NULL DEFAULT 0,
        created_at      timestamptz NOT NULL DEFAULT now(),
        revoked_before  timestamptz
      );
      CREATE UNIQUE INDEX users_username_key ON users (username_key);
    `,
  },
];

/** An arbitrary constant naming authbench's migration lock among the database's advisory locks. */
const MIGRATION_LOCK_ID = 7_305_118_211;

/**
 * Applies pending migrations once, safely when several processes start at the same time:
 * each runs inside one transaction holding a transaction-scoped advisory lock.
 */
export async function migrate(sql: SqlClient): Promise<number[]> {
  return sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID]);
    await tx.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const applied = new Set(
      (await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).map(
        (row) => row.version,
      ),
    );
    const newlyApplied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.sql.split(';').map((part) => part.trim())) {
        if (statement.length > 0) await tx.query(statement);
      }
      await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', [migration.version]);
      newlyApplied.push(migration.version);
    }
    return newlyApplied;
  });
}
