import type { User } from '@authbench/auth-accounts';
import type { SignedTokenUsers } from './options.js';

/** What verification needs of a user. */
export interface TokenUser {
  readonly id: string;
  readonly username: string;
  readonly tokenVersion: number;
}

export interface UserCacheOptions {
  readonly users: Pick<SignedTokenUsers, 'findById'>;
  /** 0 turns the cache off: every lookup reads the store. */
  readonly ttlMs: number;
  readonly maxEntries: number;
  /** Epoch milliseconds. */
  readonly now: () => number;
}

interface Entry {
  readonly user: TokenUser;
  readonly expiresAtMs: number;
}

/**
 * The per-request user read, optionally cached in this process for a short TTL.
 *
 * Only found users are cached (a deleted user is never remembered as present past
 * `invalidate`). A lookup that was in flight while `invalidate` ran does not fill the cache:
 * a generation counter, bumped by every invalidation, tells it its answer may predate the
 * bump. So in this process a version bump or deletion done through the strategy is seen by the
 * very next request; other processes see it after at most `ttlMs`.
 */
export class UserLookupCache {
  private readonly entries = new Map<string, Entry>();
  private generation = 0;

  constructor(private readonly options: UserCacheOptions) {}

  get enabled(): boolean {
    return this.options.ttlMs > 0;
  }

  /** The user, or `null` when there is none. Store errors (503) propagate unchanged. */
  async find(id: string): Promise<TokenUser | null> {
    if (!this.enabled) return toTokenUser(await this.options.users.findById(id));
    const hit = this.entries.get(id);
    if (hit !== undefined) {
      if (hit.expiresAtMs > this.options.now()) return hit.user;
      this.entries.delete(id);
    }
    const generation = this.generation;
    const user = toTokenUser(await this.options.users.findById(id));
    if (user !== null && generation === this.generation) this.remember(user);
    return user;
  }

  /** Forgets the user, and any lookup still in flight, before and after a version bump. */
  invalidate(id: string): void {
    this.generation++;
    this.entries.delete(id);
  }

  /** Live entries (for tests and the benchmarks' server-state figure). */
  get size(): number {
    return this.entries.size;
  }

  private remember(user: TokenUser): void {
    this.entries.delete(user.id);
    if (this.entries.size >= this.options.maxEntries) {
      // Insertion order: the first key is the oldest entry.
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(user.id, { user, expiresAtMs: this.options.now() + this.options.ttlMs });
  }
}

function toTokenUser(user: User | null): TokenUser | null {
  return user === null ? null : { id: user.id, username: user.username, tokenVersion: user.tokenVersion };
}
