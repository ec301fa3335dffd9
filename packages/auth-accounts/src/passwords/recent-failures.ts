export interface RecentFailuresOptions {
  /** Failures within the window from which a client counts as failing. */
  readonly threshold: number;
  readonly windowMs: number;
  /** Clients remembered at most; past it the oldest record goes, so memory stays bounded. */
  readonly maxClients: number;
  readonly now?: () => number;
}

/** 3 failures in a minute: one or two typos do not demote an honest client, a guesser gets there at once. */
export const DEFAULT_RECENT_FAILURES: RecentFailuresOptions = {
  threshold: 3,
  windowMs: 60_000,
  maxClients: 10_000,
};

interface FailureRecord {
  count: number;
  readonly since: number;
}

/**
 * Which clients (addresses) keep failing password checks: a fixed window per client, counted
 * where the hash result is seen. In process on purpose: it only orders this process's hash slots,
 * so it needs no store round trip on the login path. O(1) per operation; at most `maxClients`
 * records (the oldest window is dropped first, a Map keeps insertion order), so an address spray
 * costs bounded memory, and forgetting an address only gives it back the threshold it already had.
 */
export class RecentFailures {
  private readonly records = new Map<string, FailureRecord>();
  private readonly now: () => number;

  constructor(private readonly options: RecentFailuresOptions = DEFAULT_RECENT_FAILURES) {
    if (
      !Number.isInteger(options.threshold) ||
      options.threshold < 1 ||
      !(options.windowMs > 0) ||
      !Number.isInteger(options.maxClients) ||
      options.maxClients < 1
    ) {
      throw new RangeError('recent failures: threshold and maxClients at least 1, a positive window');
    }
    this.now = options.now ?? Date.now;
  }

  /** Clients remembered now (for tests and diagnostics). */
  get size(): number {
    return this.records.size;
  }

  recordFailure(client: string): void {
    const record = this.current(client);
    if (record !== undefined) {
      record.count += 1;
      return;
    }
    if (this.records.size >= this.options.maxClients) {
      const oldest = this.records.keys().next();
      if (oldest.done !== true) this.records.delete(oldest.value);
    }
    this.records.set(client, { count: 1, since: this.now() });
  }

  isFailing(client: string): boolean {
    return (this.current(client)?.count ?? 0) >= this.options.threshold;
  }

  /** The client's record if its window is still open; an expired one is dropped. */
  private current(client: string): FailureRecord | undefined {
    const record = this.records.get(client);
    if (record === undefined) return undefined;
    if (this.now() - record.since < this.options.windowMs) return record;
    this.records.delete(client);
    return undefined;
  }
}
