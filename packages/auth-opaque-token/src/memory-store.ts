import type { OpaqueTokenRecord, OpaqueTokenStore } from './token-store.js';

export interface MemoryOpaqueTokenStoreOptions {
  /** Records in all; past it the oldest record of anyone is dropped. */
  readonly maxRecords: number;
  /** Records per user; past it that user's oldest record is dropped. */
  readonly maxRecordsPerUser: number;
  /** Clock, epoch ms. */
  readonly now: () => number;
}

/**
 * Token records in this process, bounded. A `Map` iterates in insertion order, so its first
 * entry is the oldest login: both caps evict in O(1), and expired records are dropped from
 * the front as logins arrive. Each user's ids are a `Set`, also in insertion order.
 */
export class MemoryOpaqueTokenStore implements OpaqueTokenStore {
  readonly kind = 'memory' as const;
  private readonly records = new Map<string, OpaqueTokenRecord>();
  private readonly byUser = new Map<string, Set<string>>();

  constructor(private readonly options: MemoryOpaqueTokenStoreOptions) {}

  save(record: OpaqueTokenRecord): Promise<void> {
    this.dropExpired();
    const ids = this.byUser.get(record.userId) ?? new Set<string>();
    this.byUser.set(record.userId, ids);
    while (ids.size >= this.options.maxRecordsPerUser) {
      const oldest = ids.values().next();
      if (oldest.done === true) break;
      this.remove(oldest.value);
    }
    while (this.records.size >= this.options.maxRecords) {
      const oldest = this.records.keys().next();
      if (oldest.done === true) break;
      this.remove(oldest.value);
    }
    this.records.set(record.id, record);
    // `remove` may have dropped the user's emptied set: put it back.
    this.byUser.set(record.userId, ids);
    ids.add(record.id);
    return Promise.resolve();
  }

  find(id: string): Promise<OpaqueTokenRecord | null> {
    return Promise.resolve(this.records.get(id) ?? null);
  }

  /** Replaces the record in place: `Map.set` on an existing key keeps its (login) position. */
  touch(record: OpaqueTokenRecord, now: number): Promise<void> {
    if (this.records.has(record.id)) this.records.set(record.id, { ...record, lastUsedAt: now });
    return Promise.resolve();
  }

  delete(id: string): Promise<void> {
    this.remove(id);
    return Promise.resolve();
  }

  deleteAllOf(userId: string): Promise<void> {
    for (const id of this.byUser.get(userId) ?? []) this.records.delete(id);
    this.byUser.delete(userId);
    return Promise.resolve();
  }

  count(): Promise<number> {
    this.dropExpired();
    return Promise.resolve(this.records.size);
  }

  health(): Promise<'embedded'> {
    return Promise.resolve('embedded');
  }

  private remove(id: string): void {
    const record = this.records.get(id);
    if (record === undefined) return;
    this.records.delete(id);
    const ids = this.byUser.get(record.userId);
    ids?.delete(id);
    if (ids?.size === 0) this.byUser.delete(record.userId);
  }

  /** Logins arrive in time order, so expired records sit at the front. */
  private dropExpired(): void {
    const now = this.options.now();
    for (const record of this.records.values()) {
      if (record.expiresAt > now) break;
      this.remove(record.id);
    }
  }
}
