export interface WindowedCountsOptions {
  readonly windowMs: number;
  /** Clients remembered at most; past it the oldest record goes, so memory stays bounded. */
  readonly maxClients: number;
  readonly now?: () => number;
}

interface CountRecord {
  count: number;
  readonly since: number;
}

/**
 * How many times something happened per client within a fixed window that starts at the
 * client's first event. O(1) per operation; at most `maxClients` records (the oldest window is
 * dropped first, a Map keeps insertion order), so an address spray costs bounded memory.
 */
export class WindowedCounts {
  private readonly records = new Map<string, CountRecord>();
  private readonly now: () => number;

  constructor(private readonly options: WindowedCountsOptions) {
    if (!(options.windowMs > 0) || !Number.isInteger(options.maxClients) || options.maxClients < 1) {
      throw new RangeError('windowed counts: a positive window and at least one client');
    }
    this.now = options.now ?? Date.now;
  }

  /** Clients remembered now (for tests and diagnostics). */
  get size(): number {
    return this.records.size;
  }

  add(client: string): void {
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

  count(client: string): number {
    return this.current(client)?.count ?? 0;
  }

  /** The client's record if its window is still open; an expired one is dropped. */
  private current(client: string): CountRecord | undefined {
    const record = this.records.get(client);
    if (record === undefined) return undefined;
    if (this.now() - record.since < this.options.windowMs) return record;
    this.records.delete(client);
    return undefined;
  }
}
