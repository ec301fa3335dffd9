import { HashCapacityError } from '../errors/limit-errors.js';
import type { PasswordHasher } from './password-hasher.js';

export interface HashCapacity {
  /** Hashes computed at once. */
  readonly inFlight: number;
  /** Hashes allowed to wait for a slot; one more is refused at once with 503. */
  readonly waiting: number;
}

/**
 * 4 at once: @node-rs/argon2 runs on libuv's thread pool, 4 threads unless UV_THREADPOOL_SIZE
 * says otherwise; more in flight would only queue inside libuv, unbounded and invisible.
 * 16 waiting: at ~30 ms a hash, the last in line waits ~120 ms on 4 threads (more on 2 cores).
 */
export const DEFAULT_HASH_CAPACITY: HashCapacity = { inFlight: 4, waiting: 16 };

/**
 * A cap on password hashes in flight in this process, in front of any hasher. Past the cap and a
 * short wait line, a hash is refused at once with `HashCapacityError` (503 + Retry-After): a
 * flood of unauthenticated requests cannot build a queue that every honest login waits behind.
 * (A counting semaphore, not a rate: rate-limiter-flexible's points expire with time, while a
 * slot must be freed when its hash ends.)
 */
export class BoundedPasswordHasher implements PasswordHasher {
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    private readonly inner: PasswordHasher,
    private readonly capacity: HashCapacity = DEFAULT_HASH_CAPACITY,
  ) {
    if (!Number.isInteger(capacity.inFlight) || capacity.inFlight < 1 || capacity.waiting < 0) {
      throw new RangeError('hash capacity: at least one hash in flight and no negative wait line');
    }
  }

  /** Hashes running now and waiting for a slot (for tests and diagnostics). */
  get load(): { readonly running: number; readonly waiting: number } {
    return { running: this.running, waiting: this.queue.length };
  }

  hash(password: string): Promise<string> {
    return this.withSlot(() => this.inner.hash(password));
  }

  verify(passwordHash: string, password: string): Promise<boolean> {
    return this.withSlot(() => this.inner.verify(passwordHash, password));
  }

  needsRehash(passwordHash: string): boolean {
    return this.inner.needsRehash(passwordHash);
  }

  burnOneVerification(password: string): Promise<void> {
    return this.withSlot(() => this.inner.burnOneVerification(password));
  }

  private async withSlot<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.running < this.capacity.inFlight) {
      this.running += 1;
      return Promise.resolve();
    }
    if (this.queue.length >= this.capacity.waiting) return Promise.reject(new HashCapacityError(1));
    // The slot passes straight from the releasing hash to the waiter: `running` never dips.
    return new Promise((resolve) => this.queue.push(resolve));
  }

  private release(): void {
    const next = this.queue.shift();
    if (next === undefined) this.running -= 1;
    else next();
  }
}
