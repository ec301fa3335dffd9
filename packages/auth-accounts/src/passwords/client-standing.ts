import { WindowedCounts } from './windowed-counts.js';

/**
 * Where a client (address) stands, from the outcomes of its recent password checks in this
 * process: `known` logged in successfully lately and is not failing; `failing` keeps failing;
 * every other client is a `stranger`. Ordered: the hash slots serve them in this order.
 */
export type Standing = 'known' | 'stranger' | 'failing';

export interface StandingOptions {
  /** Failures (wrong password or unknown username) within `failureWindowMs` that make a client failing. */
  readonly failureThreshold: number;
  readonly failureWindowMs: number;
  /** How long a successful login keeps its address known. */
  readonly knownWindowMs: number;
  /** Clients remembered at most, for each of failures and successes. */
  readonly maxClients: number;
  readonly now?: () => number;
}

/**
 * 3 failures in a minute: one or two typos do not demote an honest client, a guesser gets there
 * at once. Known for a day: the people who use the service come back within it.
 * ~10 000 records of each kind are ~1 MB at most.
 */
export const DEFAULT_STANDING: StandingOptions = {
  failureThreshold: 3,
  failureWindowMs: 60_000,
  knownWindowMs: 24 * 3600_000,
  maxClients: 10_000,
};

/**
 * In process on purpose: it only orders this process's hash slots, so it needs no store round
 * trip on the login path. A stranger cannot make another address failing (only that address's
 * own checks count), nor known (that takes a right password). Forgetting a client (past
 * `maxClients`) only makes it a stranger again.
 */
export class ClientStanding {
  private readonly failures: WindowedCounts;
  private readonly successes: WindowedCounts;

  constructor(private readonly options: StandingOptions = DEFAULT_STANDING) {
    if (!Number.isInteger(options.failureThreshold) || options.failureThreshold < 1) {
      throw new RangeError('client standing: a failure threshold of at least 1');
    }
    const { maxClients, now } = options;
    this.failures = new WindowedCounts({ windowMs: options.failureWindowMs, maxClients, now });
    this.successes = new WindowedCounts({ windowMs: options.knownWindowMs, maxClients, now });
  }

  recordFailure(client: string): void {
    this.failures.add(client);
  }

  recordSuccess(client: string): void {
    this.successes.add(client);
  }

  of(client: string): Standing {
    // Failing first: logging in to an account of one's own does not excuse guessing at others.
    if (this.failures.count(client) >= this.options.failureThreshold) return 'failing';
    return this.successes.count(client) > 0 ? 'known' : 'stranger';
  }
}
