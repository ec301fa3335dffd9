import { availableParallelism } from 'node:os';
import { HashCapacityError } from '../errors/limit-errors.js';
import type { PasswordHasher } from './password-hasher.js';

export interface HashCapacity {
  /** Hashes computed at once. */
  readonly inFlight: number;
  /** Hashes allowed to wait for a slot; one more is refused at once with 503. */
  readonly waiting: number;
  /**
   * Hashes one client (address) may compute at once; its further hashes wait, or are refused.
   * Default: every slot but one (at least one), so one address never holds every slot.
   */
  readonly perClientInFlight?: number;
}

/**
 * One hash per core, at most 4 (@node-rs/argon2 runs on libuv's thread pool, 4 threads by
 * default: more in flight would only queue inside libuv, unbounded and invisible), and twice
 * that many waiting: a login never waits behind more than ~3 hash times (~100 ms at the OWASP
 * parameters), and past that gets a fast 503 + Retry-After instead.
 */
const HASH_SLOTS = Math.min(4, availableParallelism());
export const DEFAULT_HASH_CAPACITY: HashCapacity = {
  inFlight: HASH_SLOTS,
  waiting: 2 * HASH_SLOTS,
  perClientInFlight: Math.max(1, HASH_SLOTS - 1),
};

/** The client of hash work that names none (an internal caller): they all share one share. */
const UNNAMED_CLIENT = '';

interface Waiter {
  readonly client: string;
  readonly grant: () => void;
  readonly refuse: (error: HashCapacityError) => void;
}

/**
 * A cap on password hashes in flight in this process, in front of any hasher, shared fairly
 * between client addresses. Past the cap and a short wait line, a hash is refused at once with
 * `HashCapacityError` (503 + Retry-After): a flood of unauthenticated requests cannot build a
 * queue that every honest login waits behind. (A counting semaphore, not a rate:
 * rate-limiter-flexible's points expire with time, while a slot must be freed when its hash ends.)
 *
 * Fairness per client (the address `UserAccounts` passes):
 * - one client computes at most `perClientInFlight` hashes at once (by default every slot but
 *   one), so a flood from one address always leaves a slot to the others;
 * - the wait line serves clients round-robin, not first-come: a client's next hash waits until
 *   every other waiting client has had its turn;
 * - when the wait line is full, a newcomer takes the place of the newest waiter of the client
 *   with the most waiters (which gets the 503) if that still leaves the newcomer fewer waiters
 *   than that client had, so one address cannot fill the line against the others.
 * Per operation the work is O(1) in the number of clients (scans are bounded by the wait line,
 * at most 8); the per-client state holds only clients with hashes running or waiting.
 */
export class BoundedPasswordHasher implements PasswordHasher {
  private readonly perClientInFlight: number;
  private running = 0;
  private waiting = 0;
  /** Hashes running per client; a client leaves the map at 0. */
  private readonly runningBy = new Map<string, number>();
  /** Waiters per client, oldest first, in round-robin order (Map keeps insertion order). */
  private readonly lanes = new Map<string, Waiter[]>();

  constructor(
    private readonly inner: PasswordHasher,
    private readonly capacity: HashCapacity = DEFAULT_HASH_CAPACITY,
  ) {
    this.perClientInFlight = capacity.perClientInFlight ?? Math.max(1, capacity.inFlight - 1);
    if (
      !Number.isInteger(capacity.inFlight) ||
      capacity.inFlight < 1 ||
      capacity.waiting < 0 ||
      !Number.isInteger(this.perClientInFlight) ||
      this.perClientInFlight < 1
    ) {
      throw new RangeError(
        'hash capacity: at least one hash in flight, one per client, and no negative wait line',
      );
    }
  }

  /** Hashes running now and waiting for a slot, and clients holding either (for tests and diagnostics). */
  get load(): { readonly running: number; readonly waiting: number; readonly clients: number } {
    const clients = new Set([...this.runningBy.keys(), ...this.lanes.keys()]).size;
    return { running: this.running, waiting: this.waiting, clients };
  }

  hash(password: string, client?: string): Promise<string> {
    return this.withSlot(client, () => this.inner.hash(password, client));
  }

  verify(passwordHash: string, password: string, client?: string): Promise<boolean> {
    return this.withSlot(client, () => this.inner.verify(passwordHash, password, client));
  }

  needsRehash(passwordHash: string): boolean {
    return this.inner.needsRehash(passwordHash);
  }

  burnOneVerification(password: string, client?: string): Promise<void> {
    return this.withSlot(client, () => this.inner.burnOneVerification(password, client));
  }

  private async withSlot<T>(client: string | undefined, work: () => Promise<T>): Promise<T> {
    const key = client ?? UNNAMED_CLIENT;
    await this.acquire(key);
    try {
      return await work();
    } finally {
      this.release(key);
    }
  }

  private acquire(client: string): Promise<void> {
    if (this.running < this.capacity.inFlight && this.mayRun(client)) {
      this.start(client);
      return Promise.resolve();
    }
    if (this.waiting >= this.capacity.waiting && !this.makeRoomFor(client)) {
      return Promise.reject(new HashCapacityError(1));
    }
    return new Promise((grant, refuse) => {
      const lane = this.lanes.get(client);
      const waiter: Waiter = { client, grant: () => grant(), refuse };
      if (lane === undefined) this.lanes.set(client, [waiter]);
      else lane.push(waiter);
      this.waiting += 1;
    });
  }

  private release(client: string): void {
    const left = (this.runningBy.get(client) ?? 1) - 1;
    if (left === 0) this.runningBy.delete(client);
    else this.runningBy.set(client, left);
    this.running -= 1;
    // The freed slot goes to the first client in turn that is under its own cap; a client that
    // gets it moves to the back of the line. (Clients at their cap keep their turn.)
    for (const [waitingClient, lane] of this.lanes) {
      if (!this.mayRun(waitingClient)) continue;
      const next = lane.shift() as Waiter;
      this.lanes.delete(waitingClient);
      if (lane.length > 0) this.lanes.set(waitingClient, lane);
      this.waiting -= 1;
      this.start(waitingClient);
      next.grant();
      return;
    }
  }

  private mayRun(client: string): boolean {
    return (this.runningBy.get(client) ?? 0) < this.perClientInFlight;
  }

  private start(client: string): void {
    this.running += 1;
    this.runningBy.set(client, (this.runningBy.get(client) ?? 0) + 1);
  }

  /**
   * With the wait line full: refuses the newest waiter of the client with the most waiters, if
   * the newcomer's client would still have fewer; true when a place was freed.
   */
  private makeRoomFor(client: string): boolean {
    let longest: Waiter[] | undefined;
    let longestClient = '';
    for (const [waitingClient, lane] of this.lanes) {
      if (longest === undefined || lane.length > longest.length) {
        longest = lane;
        longestClient = waitingClient;
      }
    }
    const mine = this.lanes.get(client)?.length ?? 0;
    if (longest === undefined || mine + 1 >= longest.length) return false;
    const evicted = longest.pop() as Waiter;
    if (longest.length === 0) this.lanes.delete(longestClient);
    this.waiting -= 1;
    evicted.refuse(new HashCapacityError(1));
    return true;
  }
}
