import type { RedisConnection } from './redis-connection.js';

/**
 * Credential ids (`jti`) revoked before they expire. An entry only needs to outlive the
 * credential it names: after `until` the credential is refused as expired anyway.
 */
export interface RevocationList {
  revoke(id: string, until: Date): Promise<void>;
  isRevoked(id: string): Promise<boolean>;
}

export interface MemoryRevocationListOptions {
  readonly now?: () => number;
  /** Live entries kept at most (default `MAX_REVOCATIONS`); see `MemoryRevocationList`. */
  readonly maxEntries?: number;
}

/**
 * Default bound of the in-process list: about 110 bytes an entry (measured), ~110 MB full.
 * An entry lives only until its token's own expiry (`TOKEN_TTL`, an hour by default) and
 * each one costs a login (a password hash) and a logout, so filling it takes a million
 * logouts within one token lifetime: ~280 a second, sustained, on one process.
 */
export const MAX_REVOCATIONS = 1_000_000;

/**
 * In-process revocation list: one process only; entries pruned when they expire.
 *
 * At `maxEntries` live entries a revocation **evicts the entry that expires soonest** and is
 * always recorded: a logout never fails. Refusing the new entry (a 503) would leave the new
 * token valid until its expiry, for a whole `TOKEN_TTL`; evicting the soonest-expiring one
 * re-admits a token that was logged out and is at most as long-lived as any other entry —
 * the smallest exposure the bound allows, and only while someone keeps the list full. A
 * binary heap keyed by expiry makes both pruning and eviction O(log n), never a scan.
 */
export class MemoryRevocationList implements RevocationList {
  private readonly entries = new Map<string, number>();
  /** Min-heap by expiry (parallel arrays); an item is stale once its id's entry changed or left. */
  private readonly heapUntil: number[] = [];
  private readonly heapId: string[] = [];
  private readonly now: () => number;
  private readonly maxEntries: number;
  private evictions = 0;

  constructor(options: MemoryRevocationListOptions = {}) {
    this.now = options.now ?? Date.now;
    const maxEntries = options.maxEntries ?? MAX_REVOCATIONS;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
    }
    this.maxEntries = maxEntries;
  }

  async revoke(id: string, until: Date): Promise<void> {
    const untilMs = until.getTime();
    const now = this.now();
    if (untilMs <= now) return;
    this.pruneExpired(now);
    const previous = this.entries.get(id);
    if (previous !== undefined && previous >= untilMs) return;
    if (previous === undefined && this.entries.size >= this.maxEntries) this.evictSoonest();
    this.entries.set(id, untilMs);
    this.push(untilMs, id);
  }

  async isRevoked(id: string): Promise<boolean> {
    const untilMs = this.entries.get(id);
    if (untilMs === undefined) return false;
    if (untilMs <= this.now()) {
      this.entries.delete(id);
      return false;
    }
    return true;
  }

  /** Live entries: the server state this list holds (read by the benchmarks). */
  get size(): number {
    const now = this.now();
    this.pruneExpired(now);
    for (const [id, untilMs] of this.entries) if (untilMs <= now) this.entries.delete(id);
    return this.entries.size;
  }

  /** Entries evicted at the cap since start (each re-admitted a logged-out token early). */
  get evicted(): number {
    return this.evictions;
  }

  /** Pops expired (and stale) items off the heap: O(log n) each, amortised over the inserts. */
  private pruneExpired(now: number): void {
    while (this.heapUntil.length > 0 && (this.heapUntil[0] as number) <= now) {
      const [untilMs, id] = this.pop();
      if (this.entries.get(id) === untilMs) this.entries.delete(id);
    }
  }

  private evictSoonest(): void {
    while (this.heapUntil.length > 0) {
      const [untilMs, id] = this.pop();
      if (this.entries.get(id) === untilMs) {
        this.entries.delete(id);
        this.evictions += 1;
        return;
      }
    }
  }

  private push(untilMs: number, id: string): void {
    const until = this.heapUntil;
    const ids = this.heapId;
    let index = until.length;
    until.push(untilMs);
    ids.push(id);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if ((until[parent] as number) <= untilMs) break;
      until[index] = until[parent] as number;
      ids[index] = ids[parent] as string;
      index = parent;
    }
    until[index] = untilMs;
    ids[index] = id;
  }

  private pop(): [number, string] {
    const until = this.heapUntil;
    const ids = this.heapId;
    const top: [number, string] = [until[0] as number, ids[0] as string];
    const lastUntil = until.pop() as number;
    const lastId = ids.pop() as string;
    const length = until.length;
    if (length === 0) return top;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && (until[right] as number) < (until[left] as number) ? right : left;
      if ((until[child] as number) >= lastUntil) break;
      until[index] = until[child] as number;
      ids[index] = ids[child] as string;
      index = child;
    }
    until[index] = lastUntil;
    ids[index] = lastId;
    return top;
  }
}

/** Redis revocation list: shared by every API process; Redis expires the entries itself. */
export class RedisRevocationList implements RevocationList {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {}

  async revoke(id: string, until: Date): Promise<void> {
    if (until.getTime() <= this.now()) return;
    const key = this.keyOf(id);
    await this.redis.command(key, ['SET', key, '1', 'PXAT', String(until.getTime())]);
  }

  async isRevoked(id: string): Promise<boolean> {
    const key = this.keyOf(id);
    return (await this.redis.command(key, ['EXISTS', key], true)) === 1;
  }

  private keyOf(id: string): string {
    return `${this.prefix}${id}`;
  }
}
