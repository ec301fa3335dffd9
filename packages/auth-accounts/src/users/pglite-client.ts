import { createPglite } from './pglite-template.js';
import type { SqlClient } from './sql-client.js';

/**
 * The embedded default: PostgreSQL compiled to WebAssembly, in process. No server to run,
 * and the same SQL and migrations as the PostgreSQL path. `:memory:` keeps nothing on disk.
 */
export async function openEmbeddedSql(dataDir: string): Promise<SqlClient> {
  // From the data directory initialised at build time when the data is new (initdb is most of a
  // first start); a directory that holds anything is opened as it is.
  const db = await createPglite(dataDir);
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
