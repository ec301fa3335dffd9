import type { InProcessStores } from './strategies.js';

type Users = InProcessStores['users'];

/**
 * A user store handed to the strategies that counts its reads (`findById`) per contender, so a
 * report can say how often a verify really read the store (a cache's miss rate) instead of
 * leaving it to be inferred from a timing. The in-process samplers run one contender at a time
 * and await each call, so a read belongs to the contender whose call ran last.
 */
export class UserReads {
  readonly users: Users;
  private current = '';
  private readonly calls = new Map<string, number>();
  private readonly reads = new Map<string, number>();

  constructor(inner: Users) {
    this.users = {
      findById: (id) => {
        this.reads.set(this.current, (this.reads.get(this.current) ?? 0) + 1);
        return inner.findById(id);
      },
      revokeAllCredentials: (id, at) => inner.revokeAllCredentials(id, at),
    };
  }

  /** `run`, each call counted as one of `key`'s. */
  counted(key: string, run: () => unknown): () => unknown {
    return () => {
      this.current = key;
      this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
      return run();
    };
  }

  /** Store reads per call of `key`, over every call so far (NaN before its first). */
  perCall(key: string): number {
    const calls = this.calls.get(key) ?? 0;
    return calls === 0 ? Number.NaN : (this.reads.get(key) ?? 0) / calls;
  }
}
