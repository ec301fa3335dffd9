/**
 * Addresses whose per-address budget a limiter has refused, each until its window ends: what the
 * limiter's store already said, kept in this process so that the next request from a refused
 * address is refused from a Map look-up, before its body is read and with no store round trip.
 * It only ever refuses what the store refused (fail closed), and only the address the store
 * refused (no one else's lock-out). At most `maxAddresses` records; past it the oldest goes, which
 * only sends that address back to the store to be refused again.
 */
export class RefusedAddresses {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly maxAddresses: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(maxAddresses) || maxAddresses < 1) {
      throw new RangeError('refused addresses: remember at least one');
    }
  }

  /** Addresses remembered now (for tests and diagnostics). */
  get size(): number {
    return this.until.size;
  }

  remember(address: string, msBeforeNext: number): void {
    // Re-inserted, so that the Map's first key stays the oldest refusal.
    this.until.delete(address);
    if (this.until.size >= this.maxAddresses) {
      const oldest = this.until.keys().next();
      if (oldest.done !== true) this.until.delete(oldest.value);
    }
    this.until.set(address, this.now() + msBeforeNext);
  }

  /** Milliseconds left of the address's refusal, or `undefined` when it has none (or it ended). */
  msLeft(address: string): number | undefined {
    const until = this.until.get(address);
    if (until === undefined) return undefined;
    const left = until - this.now();
    if (left > 0) return left;
    this.until.delete(address);
    return undefined;
  }
}
