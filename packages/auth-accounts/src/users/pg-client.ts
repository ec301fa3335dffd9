import { createRequire } from 'node:module';
import type PgDriver from 'pg';
import type { SqlClient } from './sql-client.js';

/**
 * node-postgres, loaded when a PostgreSQL store is opened: the default (embedded) start never
 * needs it, and loading it is ~0.05 s of start-up (issue #15). CommonJS, so `require` keeps
 * `openPostgresSql` synchronous.
 */
let driver: typeof PgDriver | undefined;
function postgresDriver(): typeof PgDriver {
  driver ??= createRequire(import.meta.url)('pg') as typeof PgDriver;
  return driver;
}

export interface PostgresPoolOptions {
  /** Connections per API process. */
  readonly maxConnections?: number;
  /** Longest wait for a connection, and for one statement, before the request fails with 503. */
  readonly timeoutMs?: number;
}

/** PostgreSQL through node-postgres' pool, with limits and timeouts so no request hangs. */
export function openPostgresSql(databaseUrl: string, options: PostgresPoolOptions = {}): SqlClient {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const pool = new (postgresDriver().Pool)({
    connectionString: databaseUrl,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: timeoutMs,
    idleTimeoutMillis: 30_000,
    statement_timeout: timeoutMs,
    query_timeout: timeoutMs + 500,
    application_name: 'authbench',
  });
  // An idle client losing its server emits here; the next query reports the outage instead.
  pool.on('error', () => undefined);
  return {
    storeName: 'postgres',
    kind: 'postgres',
    async query<Row>(text: string, params: readonly unknown[] = []) {
      return (await pool.query(text, [...params])).rows as Row[];
    },
    async transaction<T>(work: (tx: Pick<SqlClient, 'query'>) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work({
          async query<Row>(text: string, params: readonly unknown[] = []) {
            return (await client.query(text, [...params])).rows as Row[];
          },
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
