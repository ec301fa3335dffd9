/** The slice of a SQL driver the users repository needs; PGlite and node-postgres both fit. */
export interface SqlClient {
  /** Which store this is, for `/health` and 503 messages (`postgres` or `users`). */
  readonly storeName: string;
  readonly kind: 'postgres' | 'embedded';
  query<Row>(text: string, params?: readonly unknown[]): Promise<readonly Row[]>;
  /** Runs `work` in one transaction on one connection. */
  transaction<T>(work: (tx: Pick<SqlClient, 'query'>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** SQLSTATE of a unique-constraint violation, the same in PostgreSQL and PGlite. */
export const UNIQUE_VIOLATION = '23505';

export function sqlStateOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
