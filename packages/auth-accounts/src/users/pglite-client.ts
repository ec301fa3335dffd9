import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { seedFromTemplate } from './pglite-template.js';
import type { SqlClient } from './sql-client.js';

/**
 * The embedded default: PostgreSQL compiled to WebAssembly, in process. No server to run,
 * and the same SQL and migrations as the PostgreSQL path. `:memory:` keeps nothing on disk.
 */
export async function openEmbeddedSql(dataDir: string): Promise<SqlClient> {
  if (dataDir !== ':memory:') {
    // A first start copies the data directory initialised at build time instead of running
    // initdb (most of a first start); a directory that holds anything is left as it is.
    seedFromTemplate(dataDir);
    mkdirSync(dataDir, { recursive: true });
  }
  const db = await PGlite.create(dataDir === ':memory:' ? undefined : dataDir);
  return {
    storeName: 'users',
    kind: 'embedded',
    async query<Row>(text: string, params: readonly unknown[] = []) {
      return (await db.query<Row>(text, [...params])).rows;
    },
    transaction<T>(work: (tx: Pick<SqlClient, 'query'>) => Promise<T>): Promise<T> {
      return db.transaction((tx) =>
        work({
          async query<Row>(text: string, params: readonly unknown[] = []) {
            return (await tx.query<Row>(text, [...params])).rows;
          },
        }),
      );
    },
    close: () => db.close(),
  };
}
