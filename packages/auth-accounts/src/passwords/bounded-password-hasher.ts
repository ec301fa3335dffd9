import { availableParallelism } from 'node:os';
import { HashCapacityError } from '../errors/limit-errors.js';
import { ClientStanding, DEFAULT_STANDING, type Standing, type StandingOptions } from './client-standing.js';
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
  /**
   * Hashes that clients not known here (strangers and failing clients) may compute at once, all
   * of them together. Default: every slot but one (at least one), so a flood from any number of
   * addresses always leaves a slot to clients that logged in lately.
   */
  readonly strangerInFlight?: number;
  /** What makes a client known or failing. */
  readonly standing?: StandingOptions;
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
  strangerInFlight: Math.max(1, HASH_SLOTS - 1),
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

/** The order in which the wait line serves the classes of client. */
const SERVICE_ORDER: readonly Standing[] = ['known', 'stranger', 'failing'];

/**
 * A cap on password hashes in flight in this process, in front of any hasher, shared between
 * client addresses so that a flood of wrong guesses cannot make a right one wait. Past the cap
 * and a short wait line, a hash is refused at once with `HashCapacityError` (503 + Retry-After):
 * a flood of unauthenticated requests cannot build a queue that every honest login waits behind.
 * (A counting semaphore, not a rate: rate-limiter-flexible's points expire with time, while a
 * slot must be freed when its hash ends.)
 *
 * Three classes of client (`ClientStanding`, from the outcomes of its checks here): *known*
 * (logged in successfully within a day and not failing), *failing* (3 failed checks in a minute:
 * wrong passwords or unknown usernames) and *strangers* (the rest). A stranger cannot make another
 * address failing, nor become known without a right password; a failing client is slowed, never
 * locked out.
 * - Strangers and failing clients together compute at most `strangerInFlight` hashes at once
 *   (every slot but one): the last slot is kept for known clients, however many addresses
 *   flood. That is also the flood's budget of hashes per second: `strangerInFlight` per hash time.
 * - The wait line serves known clients first, then strangers, then failing ones; within each
 *   class, round-robin by client, not first-come: a client's next hash waits until every other
 *   waiting client of its class has had its turn.
 * - One client computes at most `perClientInFlight` hashes at once, so one address never holds
 *   every slot.
 * - When the wait line is full, a newcomer takes the place of the newest waiter of the client with
 *   the most waiters in the lowest class below its own (which gets the 503). Failing that, of its
 *   own class, if that still leaves the newcomer fewer waiters than that client had.
 * Per operation the work is O(1) in the number of clients (scans are bounded by the wait line,
 * at most 8); the per-client state holds only clients with hashes running or waiting, plus the
 * bounded failure records.
 */
export class BoundedPasswordHasher implements PasswordHasher {
  private readonly perClientInFlight: number;
  private readonly strangerInFlight: number;
  private readonly standing: ClientStanding;
  private running = 0;
  private runningStrangers = 0;
  private waiting = 0;
  /** Hashes running per client; a client leaves the map at 0. */
  private readonly runningBy = new Map<string, number>();
  private readonly lanes: Record<Standing, Lanes> = {
    known: new Map(),
    stranger: new Map(),
    failing: new Map(),
  };

  constructor(
    private readonly inner: PasswordHasher,
    private readonly capacity: HashCapacity = DEFAULT_HASH_CAPACITY,
  ) {
    const everySlotButOne = Math.max(1, capacity.inFlight - 1);
    this.perClientInFlight = capacity.perClientInFlight ?? everySlotButOne;
    this.strangerInFlight = capacity.strangerInFlight ?? everySlotButOne;
    if (
      !Number.isInteger(capacity.inFlight) ||
      capacity.inFlight < 1 ||
      capacity.waiting < 0 ||
      !Number.isInteger(this.perClientInFlight) ||
      this.perClientInFlight < 1 ||
      !Number.isInteger(this.strangerInFlight) ||
      this.strangerInFlight < 1
    ) {
      throw new RangeError(
        'hash capacity: at least one hash in flight, one per client, one for strangers, and no negative wait line',
      );
    }
    this.standing = new ClientStanding(capacity.standing ?? DEFAULT_STANDING);
  }

  /** Hashes running now and waiting for a slot, and clients holding either (for tests and diagnostics). */
  get load(): { readonly running: number; readonly waiting: number; readonly clients: number } {
    const waiting = SERVICE_ORDER.flatMap((standing) => [...this.lanes[standing].keys()]);
    const clients = new Set([...this.runningBy.keys(), ...waiting]).size;
    return { running: this.running, waiting: this.waiting, clients };
  }

  /** Where the client stands, from its recent password checks here. */
  standingOf(client: string): Standing {
    return this.standing.of(client);
  }

  /**
   * False when a hash for `client` would be refused at once now (no slot, a full wait line and
   * nobody it may displace): the caller can refuse before any other work for it, such as the
   * user look-up a login does first. Changes nothing; the hash itself still decides.
   */
  admits(client?: string): boolean {
    const key = client ?? UNNAMED_CLIENT;
    const standing = this.standing.of(key);
    return (
      this.mayStart(key, standing) ||
      this.waiting < this.capacity.waiting ||
      this.victimFor(key, standing) !== undefined
    );
  }

  hash(password: string, client?: string): Promise<string> {
    return this.withSlot(client, () => this.inner.hash(password, client));
  }

  async verify(passwordHash: string, password: string, client?: string): Promise<boolean> {
    const valid = await this.withSlot(client, () => this.inner.verify(passwordHash, password, client));
    if (valid) this.standing.recordSuccess(client ?? UNNAMED_CLIENT);
    else this.standing.recordFailure(client ?? UNNAMED_CLIENT);
    return valid;
  }

  needsRehash(passwordHash: string): boolean {
    return this.inner.needsRehash(passwordHash);
  }

  async burnOneVerification(password: string, client?: string): Promise<void> {
    await this.withSlot(client, () => this.inner.burnOneVerification(password, client));
    // An unknown username is a failed login like a wrong password, so an enumeration or spray
    // from ever-new usernames counts against its address too.
    this.standing.recordFailure(client ?? UNNAMED_CLIENT);
  }

  private async withSlot<T>(client: string | undefined, work: () => Promise<T>): Promise<T> {
    const key = client ?? UNNAMED_CLIENT;
    // The class is fixed for the whole hash, so the slot is returned to the count it came from.
    const standing = this.standing.of(key);
    await this.acquire(key, standing);
    try {
      return await work();
    } finally {
      this.release(key, standing);
    }
  }

  private acquire(client: string, standing: Standing): Promise<void> {
    if (this.mayStart(client, standing)) {
      this.start(client, standing);
      return Promise.resolve();
    }
    if (this.waiting >= this.capacity.waiting && !this.makeRoomFor(client, standing)) {
      return Promise.reject(new HashCapacityError(1));
    }
    return new Promise((grant, refuse) => {
      const lanes = this.lanes[standing];
      const lane = lanes.get(client);
      const waiter: Waiter = { client, grant: () => grant(), refuse };
      if (lane === undefined) lanes.set(client, [waiter]);
      else lane.push(waiter);
      this.waiting += 1;
    });
  }

  private release(client: string, standing: Standing): void {
    const left = (this.runningBy.get(client) ?? 1) - 1;
    if (left === 0) this.runningBy.delete(client);
    else this.runningBy.set(client, left);
    this.running -= 1;
    if (standing !== 'known') this.runningStrangers -= 1;
    // The freed slot goes to the first client in turn, best class first, that may start; a
    // client that gets it moves to the back of its line. (Clients at their cap keep their turn.)
    for (const next of SERVICE_ORDER) if (this.grantNext(next)) return;
  }

  private grantNext(standing: Standing): boolean {
    const lanes = this.lanes[standing];
    for (const [waitingClient, lane] of lanes) {
      if (!this.mayStart(waitingClient, standing)) continue;
      const next = lane.shift() as Waiter;
      lanes.delete(waitingClient);
      if (lane.length > 0) lanes.set(waitingClient, lane);
      this.waiting -= 1;
      this.start(waitingClient, standing);
      next.grant();
      return true;
    }
    return false;
  }

  private mayStart(client: string, standing: Standing): boolean {
    return (
      this.running < this.capacity.inFlight &&
      (this.runningBy.get(client) ?? 0) < this.perClientInFlight &&
      (standing === 'known' || this.runningStrangers < this.strangerInFlight)
    );
  }

  private start(client: string, standing: Standing): void {
    this.running += 1;
    if (standing !== 'known') this.runningStrangers += 1;
    this.runningBy.set(client, (this.runningBy.get(client) ?? 0) + 1);
  }

  /** With the wait line full: refuses one waiter to make room for the newcomer; true when it did. */
  private makeRoomFor(client: string, standing: Standing): boolean {
    const victim = this.victimFor(client, standing);
    if (victim === undefined) return false;
    const evicted = victim.lane.pop() as Waiter;
    if (victim.lane.length === 0) victim.lanes.delete(victim.client);
    this.waiting -= 1;
    evicted.refuse(new HashCapacityError(1));
    return true;
  }

  /**
   * Whose newest waiter a newcomer would displace from a full line: the client with the most
   * waiters in the lowest class below the newcomer's; failing that, of its own class, if that
   * client has more waiters than the newcomer's client would have with it.
   */
  private victimFor(
    client: string,
    standing: Standing,
  ): { readonly lanes: Lanes; readonly client: string; readonly lane: Waiter[] } | undefined {
    const rank = SERVICE_ORDER.indexOf(standing);
    for (const lower of [...SERVICE_ORDER.slice(rank + 1)].reverse()) {
      const victim = this.longest(this.lanes[lower], 0);
      if (victim !== undefined) return victim;
    }
    const lanes = this.lanes[standing];
    return this.longest(lanes, (lanes.get(client)?.length ?? 0) + 1);
  }

  /** The client with the most waiters in `lanes`, if it has more than `fewerThan`. */
  private longest(
    lanes: Lanes,
    fewerThan: number,
  ): { readonly lanes: Lanes; readonly client: string; readonly lane: Waiter[] } | undefined {
    let found: { readonly lanes: Lanes; readonly client: string; readonly lane: Waiter[] } | undefined;
    for (const [waitingClient, lane] of lanes) {
      if (found === undefined || lane.length > found.lane.length) {
        found = { lanes, client: waitingClient, lane };
      }
    }
    return found !== undefined && found.lane.length > fewerThan ? found : undefined;
  }
}
