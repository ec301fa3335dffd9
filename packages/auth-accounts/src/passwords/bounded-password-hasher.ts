import { availableParallelism } from 'node:os';
import { HashCapacityError } from '../errors/limit-errors.js';
import type { PasswordHasher } from './password-hasher.js';
import { DEFAULT_RECENT_FAILURES, RecentFailures, type RecentFailuresOptions } from './recent-failures.js';

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
  /**
   * Hashes that clients with recent failures may compute at once, all of them together.
   * Default: every slot but one (at least one), so a flood of wrong guesses, from any number of
   * addresses, always leaves a slot to clients whose passwords are right.
   */
  readonly failingInFlight?: number;
  /** What counts as a client with recent failures. */
  readonly failures?: RecentFailuresOptions;
}

/**
 * One hash per core, at most 4 (@node-rs/argon2 runs on libuv's thread pool, 4 threads by
 * default: more in flight would only queue inside libuv, unbounded and invisible), so a hash
 * never waits for a CPU behind another hash; and twice that many waiting: a login never waits
 * behind more than ~3 hash times (~100 ms at the OWASP parameters), and past that gets a fast
 * 503 + Retry-After instead.
 */
const HASH_SLOTS = Math.min(4, availableParallelism());
export const DEFAULT_HASH_CAPACITY: HashCapacity = {
  inFlight: HASH_SLOTS,
  waiting: 2 * HASH_SLOTS,
  perClientInFlight: Math.max(1, HASH_SLOTS - 1),
  failingInFlight: Math.max(1, HASH_SLOTS - 1),
};

/** The client of hash work that names none (an internal caller): they all share one share. */
const UNNAMED_CLIENT = '';

interface Waiter {
  readonly client: string;
  readonly grant: () => void;
  readonly refuse: (error: HashCapacityError) => void;
}

/** Waiters per client, oldest first, in round-robin order (a Map keeps insertion order). */
type Lanes = Map<string, Waiter[]>;

/**
 * A cap on password hashes in flight in this process, in front of any hasher, shared between
 * client addresses so that a flood of wrong guesses cannot make a right one wait. Past the cap
 * and a short wait line, a hash is refused at once with `HashCapacityError` (503 + Retry-After):
 * a flood of unauthenticated requests cannot build a queue that every honest login waits behind.
 * (A counting semaphore, not a rate: rate-limiter-flexible's points expire with time, while a
 * slot must be freed when its hash ends.)
 *
 * Two classes of client. A client is *failing* when its recent password checks here failed
 * (`RecentFailures`: a wrong password or an unknown username, 3 in a minute by default); every
 * other client is *in good standing*. A stranger cannot make someone else's address failing,
 * and a failing client is slowed, never locked out.
 * - Failing clients together compute at most `failingInFlight` hashes at once (every slot but
 *   one): the last slot is kept for clients in good standing, however many addresses flood.
 *   That is also the flood's budget of hashes per second: `failingInFlight` per hash time.
 * - The wait line serves clients in good standing first, then failing ones; within each class,
 *   round-robin by client, not first-come: a client's next hash waits until every other waiting
 *   client of its class has had its turn.
 * - One client computes at most `perClientInFlight` hashes at once, so one address never holds
 *   every slot.
 * - When the wait line is full, a newcomer in good standing takes the place of the newest
 *   waiter of the failing client with the most waiters (which gets the 503). Otherwise a
 *   newcomer takes the place of the newest waiter of its own class's client with the most
 *   waiters, if that still leaves the newcomer fewer waiters than that client had.
 * Per operation the work is O(1) in the number of clients (scans are bounded by the wait line,
 * at most 8); the per-client state holds only clients with hashes running or waiting, plus the
 * bounded failure records.
 */
export class BoundedPasswordHasher implements PasswordHasher {
  private readonly perClientInFlight: number;
  private readonly failingInFlight: number;
  private readonly failures: RecentFailures;
  private running = 0;
  private runningFailing = 0;
  private waiting = 0;
  /** Hashes running per client; a client leaves the map at 0. */
  private readonly runningBy = new Map<string, number>();
  private readonly goodLanes: Lanes = new Map();
  private readonly failingLanes: Lanes = new Map();

  constructor(
    private readonly inner: PasswordHasher,
    private readonly capacity: HashCapacity = DEFAULT_HASH_CAPACITY,
  ) {
    const everySlotButOne = Math.max(1, capacity.inFlight - 1);
    this.perClientInFlight = capacity.perClientInFlight ?? everySlotButOne;
    this.failingInFlight = capacity.failingInFlight ?? everySlotButOne;
    if (
      !Number.isInteger(capacity.inFlight) ||
      capacity.inFlight < 1 ||
      capacity.waiting < 0 ||
      !Number.isInteger(this.perClientInFlight) ||
      this.perClientInFlight < 1 ||
      !Number.isInteger(this.failingInFlight) ||
      this.failingInFlight < 1
    ) {
      throw new RangeError(
        'hash capacity: at least one hash in flight, one per client, one for failing clients, and no negative wait line',
      );
    }
    this.failures = new RecentFailures(capacity.failures ?? DEFAULT_RECENT_FAILURES);
  }

  /** Hashes running now and waiting for a slot, and clients holding either (for tests and diagnostics). */
  get load(): { readonly running: number; readonly waiting: number; readonly clients: number } {
    const clients = new Set([...this.runningBy.keys(), ...this.goodLanes.keys(), ...this.failingLanes.keys()])
      .size;
    return { running: this.running, waiting: this.waiting, clients };
  }

  /** True when the client's recent password checks failed often enough to put it behind the others. */
  isFailing(client: string): boolean {
    return this.failures.isFailing(client);
  }

  hash(password: string, client?: string): Promise<string> {
    return this.withSlot(client, () => this.inner.hash(password, client));
  }

  async verify(passwordHash: string, password: string, client?: string): Promise<boolean> {
    const valid = await this.withSlot(client, () => this.inner.verify(passwordHash, password, client));
    if (!valid) this.failures.recordFailure(client ?? UNNAMED_CLIENT);
    return valid;
  }

  needsRehash(passwordHash: string): boolean {
    return this.inner.needsRehash(passwordHash);
  }

  async burnOneVerification(password: string, client?: string): Promise<void> {
    await this.withSlot(client, () => this.inner.burnOneVerification(password, client));
    // An unknown username is a failed login like a wrong password, so an enumeration or spray
    // from ever-new usernames counts against its address too.
    this.failures.recordFailure(client ?? UNNAMED_CLIENT);
  }

  private async withSlot<T>(client: string | undefined, work: () => Promise<T>): Promise<T> {
    const key = client ?? UNNAMED_CLIENT;
    // The class is fixed for the whole hash, so the slot is returned to the count it came from.
    const failing = this.failures.isFailing(key);
    await this.acquire(key, failing);
    try {
      return await work();
    } finally {
      this.release(key, failing);
    }
  }

  private acquire(client: string, failing: boolean): Promise<void> {
    if (this.mayStart(client, failing)) {
      this.start(client, failing);
      return Promise.resolve();
    }
    if (this.waiting >= this.capacity.waiting && !this.makeRoomFor(client, failing)) {
      return Promise.reject(new HashCapacityError(1));
    }
    return new Promise((grant, refuse) => {
      const lanes = failing ? this.failingLanes : this.goodLanes;
      const lane = lanes.get(client);
      const waiter: Waiter = { client, grant: () => grant(), refuse };
      if (lane === undefined) lanes.set(client, [waiter]);
      else lane.push(waiter);
      this.waiting += 1;
    });
  }

  private release(client: string, failing: boolean): void {
    const left = (this.runningBy.get(client) ?? 1) - 1;
    if (left === 0) this.runningBy.delete(client);
    else this.runningBy.set(client, left);
    this.running -= 1;
    if (failing) this.runningFailing -= 1;
    // The freed slot goes to the first client in turn, good standing first, that may start; a
    // client that gets it moves to the back of its line. (Clients at their cap keep their turn.)
    if (!this.grantNext(this.goodLanes, false)) this.grantNext(this.failingLanes, true);
  }

  private grantNext(lanes: Lanes, failing: boolean): boolean {
    for (const [waitingClient, lane] of lanes) {
      if (!this.mayStart(waitingClient, failing)) continue;
      const next = lane.shift() as Waiter;
      lanes.delete(waitingClient);
      if (lane.length > 0) lanes.set(waitingClient, lane);
      this.waiting -= 1;
      this.start(waitingClient, failing);
      next.grant();
      return true;
    }
    return false;
  }

  private mayStart(client: string, failing: boolean): boolean {
    return (
      this.running < this.capacity.inFlight &&
      (this.runningBy.get(client) ?? 0) < this.perClientInFlight &&
      (!failing || this.runningFailing < this.failingInFlight)
    );
  }

  private start(client: string, failing: boolean): void {
    this.running += 1;
    if (failing) this.runningFailing += 1;
    this.runningBy.set(client, (this.runningBy.get(client) ?? 0) + 1);
  }

  /** With the wait line full: refuses one waiter to make room for the newcomer; true when it did. */
  private makeRoomFor(client: string, failing: boolean): boolean {
    if (!failing && this.evictNewestOfLongest(this.failingLanes, 0)) return true;
    const lanes = failing ? this.failingLanes : this.goodLanes;
    // The newcomer's client would have one more waiter than now: evict only a client with more.
    return this.evictNewestOfLongest(lanes, (lanes.get(client)?.length ?? 0) + 1);
  }

  /** Refuses the newest waiter of the client with the most waiters, if it has more than `fewerThan`. */
  private evictNewestOfLongest(lanes: Lanes, fewerThan: number): boolean {
    let longest: Waiter[] | undefined;
    let longestClient = '';
    for (const [waitingClient, lane] of lanes) {
      if (longest === undefined || lane.length > longest.length) {
        longest = lane;
        longestClient = waitingClient;
      }
    }
    if (longest === undefined || longest.length <= fewerThan) return false;
    const evicted = longest.pop() as Waiter;
    if (longest.length === 0) lanes.delete(longestClient);
    this.waiting -= 1;
    evicted.refuse(new HashCapacityError(1));
    return true;
  }
}
