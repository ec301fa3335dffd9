import { migrate } from './migrations.js';
import { openPostgresSql, type PostgresPoolOptions } from './pg-client.js';
import { openEmbeddedSql } from './pglite-client.js';
import type { SqlClient } from './sql-client.js';
import { SqlUserRepository } from './sql-user-repository.js';

export interface UserStoreOptions {
  /** `postgres://…`; unset → the embedded engine. */
  readonly databaseUrl?: string | undefined;
  /** Folder of the embedded engine, or `:memory:`. */
  readonly dataDir: string;
  readonly pool?: PostgresPoolOptions;
}

/** Opens the configured user store and brings its schema up to date. */
export async function openUserRepository(options: UserStoreOptions): Promise<SqlUserRepository> {
  // Start-up phases as performance marks, free unless observed (the API's start-up benchmark does).
  performance.mark('authbench:users-opening');
  const sql: SqlClient =
    options.databaseUrl === undefined
      ? await openEmbeddedSql(options.dataDir)
      : openPostgresSql(options.databaseUrl, options.pool);
  performance.mark('authbench:users-engine-open');
  try {
    await migrate(sql);
    performance.mark('authbench:users-open');
  } catch (error) {
    await sql.close().catch(() => undefined);
    throw error;
  }
  return new SqlUserRepository(sql);
}
