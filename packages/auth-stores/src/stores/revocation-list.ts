import { StoreUnavailableError } from '@authbench/auth-core';
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
  /** Refuse to grow past this many live entries (a memory bound, not a silent drop). */
  readonly maxEntries?: number;
}

/** In-process revocation list: one process only; entries pruned when they expire. */
export class MemoryRevocationList implements RevocationList {
  private readonly entries = new Map<string, number>();
  private readonly now: () => number;
  private readonly maxEntries: number;

  constructor(options: MemoryRevocationListOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxEntries = options.maxEntries ?? 1_000_000;
  }

  async revoke(id: string, until: Date): Promise<void> {
    const untilMs = until.getTime();
    if (untilMs <= this.now()) return;
    if (this.entries.size >= this.maxEntries) this.prune();
    if (this.entries.size >= this.maxEntries) {
      // Full is an outage of this store (503), never a silently dropped revocation.
      throw new StoreUnavailableError('revocation list', new RangeError(`${this.maxEntries} live entries`));
    }
    this.entries.set(id, Math.max(untilMs, this.entries.get(id) ?? 0));
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
    this.prune();
    return this.entries.size;
  }

  private prune(): void {
    const now = this.now();
    for (const [id, untilMs] of this.entries) {
      if (untilMs <= now) this.entries.delete(id);
    }
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
