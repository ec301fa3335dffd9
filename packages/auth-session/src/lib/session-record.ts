/**
 * What the server keeps per login, and nothing else (CONTRACT §3 "Session"): who, and when.
 * Timestamps are epoch milliseconds from the injected clock.
 */
export interface SessionRecord {
  readonly userId: string;
  readonly username: string;
  readonly loginAt: number;
  /** The last activity the store knows of; refreshed at most every `touchAfterSeconds`. */
  readonly lastSeenAt: number;
}

/** The record inside a session object or a parsed store value, or `null` when it is not one. */
export function readRecord(value: unknown): SessionRecord | null {
  if (typeof value !== 'object' || value === null) return null;
  const { userId, username, loginAt, lastSeenAt } = value as Record<string, unknown>;
  if (typeof userId !== 'string' || userId.length === 0) return null;
  if (typeof username !== 'string') return null;
  if (typeof loginAt !== 'number' || !Number.isFinite(loginAt)) return null;
  if (typeof lastSeenAt !== 'number' || !Number.isFinite(lastSeenAt)) return null;
  return { userId, username, loginAt, lastSeenAt };
}

/** The stored form: the four fields in a fixed order (also what the dedup of writes compares). */
export function serializeRecord(record: SessionRecord): string {
  return JSON.stringify({
    userId: record.userId,
    username: record.username,
    loginAt: record.loginAt,
    lastSeenAt: record.lastSeenAt,
  });
}
