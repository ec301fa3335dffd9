import { availableParallelism } from 'node:os';
import { HashCapacityError } from '../errors/limit-errors.js';
import type { PasswordHasher } from './password-hasher.js';

export interface HashCapacity {
  /** Hashes computed at once. */
  readonly inFlight: number;
  /** Hashes allowed to wait for a slot; one more is refused at once with 503. */
  readonly waiting: number;
}

/**
 * One hash per core, at most 4 (@node-rs/argon2 runs on libuv's thread pool, 4 threads by
 * default: more in flight would only queue inside libuv, unbounded and invisible), and twice
 * that many waiting: a login never waits behind more than ~3 hash times (~100 ms at the OWASP
 * parameters), and past that gets a fast 503 + Retry-After instead.
 */
const HASH_SLOTS = Math.min(4, availableParallelism());
export const DEFAULT_HASH_CAPACITY: HashCapacity = { inFlight: HASH_SLOTS, waiting: 2 * HASH_SLOTS };

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
