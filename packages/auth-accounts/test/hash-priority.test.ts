// Issue #14 item 3, the flood goal: wrong guesses, from any number of addresses, must not make a
// right password wait. These pin the order and the bounds of the hash slots, not any timing.
import { describe, expect, it } from '@jest/globals';
import {
  BoundedPasswordHasher,
  HashCapacityError,
  type PasswordHasher,
  RecentFailures,
} from '../src/index.js';

/** A hasher whose checks end only when the test says so; `verify` is right only for 'right'. */
class GatedHasher implements PasswordHasher {
  readonly started: (string | undefined)[] = [];
  private readonly gates: (() => void)[] = [];
  private wait(client: string | undefined): Promise<void> {
    this.started.push(client);
    return new Promise((resolve) => this.gates.push(resolve));
  }
  openOldest(): void {
    this.gates.shift()?.();
  }
  async hash(_password: string, client?: string): Promise<string> {
    await this.wait(client);
    return 'hash';
  }
  async verify(_hash: string, password: string, client?: string): Promise<boolean> {
    await this.wait(client);
    return password === 'right';
  }
  needsRehash(): boolean {
    return false;
  }
  async burnOneVerification(_password: string, client?: string): Promise<void> {
    await this.wait(client);
  }
}

async function settle(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

/** A password check for `client`; the promise says how it ended, never rejects. */
function check(bounded: BoundedPasswordHasher, client: string, password = 'wrong'): Promise<unknown> {
  return bounded.verify('stored', password, client).then(
    (valid) => (valid ? 'right' : 'wrong'),
    (error: unknown) => error,
  );
}

/** Ends running hashes one by one until none is left. */
async function drain(inner: GatedHasher, bounded: BoundedPasswordHasher): Promise<void> {
  for (let turn = 0; bounded.load.running > 0; turn += 1) {
    if (turn > 200) throw new Error('hashes never drained');
    inner.openOldest();
    await settle();
  }
}

/** Makes each client failing: one completed wrong guess each (threshold 1 in these tests). */
async function fail(inner: GatedHasher, bounded: BoundedPasswordHasher, clients: string[]): Promise<void> {
  for (const client of clients) {
    const guess = check(bounded, client);
    await settle();
    await drain(inner, bounded);
    expect(await guess).toBe('wrong');
    expect(bounded.isFailing(client)).toBe(true);
  }
  inner.started.length = 0;
}

const FAILING_AFTER_ONE = { threshold: 1, windowMs: 60_000, maxClients: 100 };
const FLOODERS = Array.from({ length: 16 }, (_, i) => `10.9.0.${i + 1}`);

describe('BoundedPasswordHasher puts clients with recent failures behind the others', () => {
  it('sixteen failing addresses share every slot but one; a client in good standing starts at once', async () => {
    const inner = new GatedHasher();
    const bounded = new BoundedPasswordHasher(inner, {
      inFlight: 2,
      waiting: 4,
      failures: FAILING_AFTER_ONE,
    });
    await fail(inner, bounded, FLOODERS);
    const flood = FLOODERS.map((client) => check(bounded, client));
    await settle();
    // One failing hash runs, four wait, eleven got a fast 503.
    expect(bounded.load).toMatchObject({ running: 1, waiting: 4 });
    expect((await Promise.all(flood.slice(5))).every((o) => o instanceof HashCapacityError)).toBe(true);
    const legit = check(bounded, '10.0.0.1', 'right');
    await settle();
    expect(inner.started).toEqual([FLOODERS[0], '10.0.0.1']);
    await drain(inner, bounded);
    expect(await legit).toBe('right');
    expect(await Promise.all(flood.slice(0, 5))).toEqual(Array(5).fill('wrong'));
  });

  it('the wait line serves clients in good standing first, round-robin, then failing ones', async () => {
    const inner = new GatedHasher();
    const bounded = new BoundedPasswordHasher(inner, {
      inFlight: 1,
      waiting: 8,
      failures: FAILING_AFTER_ONE,
    });
    await fail(inner, bounded, ['f1', 'f2']);
    const calls = ['x', 'f1', 'f2', 'f1', 'a', 'b', 'a'].map((client) => check(bounded, client));
    await settle();
    await drain(inner, bounded);
    expect(inner.started).toEqual(['x', 'a', 'b', 'a', 'f1', 'f2', 'f1']);
    expect(await Promise.all(calls)).toEqual(Array(7).fill('wrong'));
  });

  it('a full wait line takes a client in good standing in place of a failing waiter, never refuses it', async () => {
    const inner = new GatedHasher();
    const bounded = new BoundedPasswordHasher(inner, {
      inFlight: 1,
      waiting: 3,
      failures: FAILING_AFTER_ONE,
    });
    await fail(inner, bounded, FLOODERS.slice(0, 4));
    const flood = FLOODERS.slice(0, 4).map((client) => check(bounded, client));
    await settle();
    expect(bounded.load).toMatchObject({ running: 1, waiting: 3 });
    // Each honest newcomer displaces a failing waiter (the newest of those with the most).
    const honest = ['10.0.0.1', '10.0.0.2', '10.0.0.3'].map((client) => check(bounded, client, 'right'));
    await settle();
    const refused = await Promise.all(flood.slice(1));
    expect(refused.every((o) => o instanceof HashCapacityError)).toBe(true);
    // With only honest waiters left, the old rule holds: one more is refused, nobody displaced.
    expect(await check(bounded, '10.0.0.4', 'right')).toBeInstanceOf(HashCapacityError);
    await drain(inner, bounded);
    expect(await Promise.all(honest)).toEqual(Array(3).fill('right'));
    expect(inner.started).toEqual([FLOODERS[0], '10.0.0.1', '10.0.0.2', '10.0.0.3']);
  });

  it('a failing newcomer displaces only failing waiters, and only from a client with more', async () => {
    const inner = new GatedHasher();
    const bounded = new BoundedPasswordHasher(inner, {
      inFlight: 1,
      waiting: 3,
      failures: FAILING_AFTER_ONE,
    });
    await fail(inner, bounded, ['f1', 'f2']);
    const holding = check(bounded, 'x');
    const good = check(bounded, 'g');
    const f1 = [check(bounded, 'f1'), check(bounded, 'f1')];
    await settle();
    expect(bounded.load).toMatchObject({ running: 1, waiting: 3 });
    // f2 takes f1's newest place; the honest waiter is never displaced by a failing client.
    const f2 = check(bounded, 'f2');
    expect(await f1[1]).toBeInstanceOf(HashCapacityError);
    expect(await check(bounded, 'f2')).toBeInstanceOf(HashCapacityError);
    await drain(inner, bounded);
    expect(await Promise.all([holding, good, f1[0], f2])).toEqual(Array(4).fill('wrong'));
    expect(inner.started).toEqual(['x', 'g', 'f1', 'f2']);
  });

  it('no starvation: a client in good standing that keeps logging in is served at every freed slot', async () => {
    const inner = new GatedHasher();
    const bounded = new BoundedPasswordHasher(inner, {
      inFlight: 2,
      waiting: 8,
      failures: FAILING_AFTER_ONE,
    });
    await fail(inner, bounded, FLOODERS.slice(0, 8));
    const flood = FLOODERS.slice(0, 8).map((client) => check(bounded, client));
    await settle();
    for (let round = 0; round < 5; round += 1) {
      const legit = check(bounded, '10.0.0.1', 'right');
      await settle();
      expect(inner.started.at(-1)).toBe('10.0.0.1');
      // Ends the oldest running hash (a flood hash or the previous legit one) and refills.
      inner.openOldest();
      inner.openOldest();
      await settle();
      expect(await legit).toBe('right');
    }
    await drain(inner, bounded);
    expect((await Promise.all(flood)).filter((o) => o === 'wrong').length).toBeGreaterThan(0);
  });

  it('failing clients are slowed, not locked out: alone, they still get their slots', async () => {
    const inner = new GatedHasher();
    const bounded = new BoundedPasswordHasher(inner, {
      inFlight: 3,
      waiting: 8,
      perClientInFlight: 1,
      failures: FAILING_AFTER_ONE,
    });
    await fail(inner, bounded, ['f1', 'f2', 'f3']);
    const calls = ['f1', 'f2', 'f3'].map((client) => check(bounded, client));
    await settle();
    // Two failing hashes at once (every slot but one), the third waits for one of them.
    expect(bounded.load).toMatchObject({ running: 2, waiting: 1 });
    await drain(inner, bounded);
    expect(await Promise.all(calls)).toEqual(Array(3).fill('wrong'));
    expect(inner.started).toEqual(['f1', 'f2', 'f3']);
  });

  it('counts wrong passwords and unknown usernames as failures, not right passwords or sign-ups', async () => {
    const inner = new GatedHasher();
    const bounded = new BoundedPasswordHasher(inner, {
      inFlight: 1,
      waiting: 0,
      failures: { threshold: 2, windowMs: 60_000, maxClients: 100 },
    });
    const run = async (work: Promise<unknown>): Promise<void> => {
      await settle();
      inner.openOldest();
      await work;
    };
    await run(bounded.verify('stored', 'right', 'a'));
    await run(bounded.hash('x', 'a'));
    await run(bounded.verify('stored', 'right', 'a'));
    expect(bounded.isFailing('a')).toBe(false);
    await run(bounded.verify('stored', 'wrong', 'a'));
    expect(bounded.isFailing('a')).toBe(false);
    await run(bounded.burnOneVerification('x', 'a'));
    expect(bounded.isFailing('a')).toBe(true);
  });

  it('refuses a capacity with no slot for failing clients', () => {
    expect(
      () => new BoundedPasswordHasher(new GatedHasher(), { inFlight: 2, waiting: 0, failingInFlight: 0 }),
    ).toThrow(RangeError);
  });
});

describe('RecentFailures', () => {
  it('a client is failing from the threshold within the window, and in good standing again after it', () => {
    let now = 1_000_000;
    const failures = new RecentFailures({ threshold: 3, windowMs: 60_000, maxClients: 10, now: () => now });
    failures.recordFailure('a');
    failures.recordFailure('a');
    expect(failures.isFailing('a')).toBe(false);
    failures.recordFailure('a');
    expect(failures.isFailing('a')).toBe(true);
    expect(failures.isFailing('b')).toBe(false);
    now += 60_000;
    expect(failures.isFailing('a')).toBe(false);
    expect(failures.size).toBe(0);
  });

  it('remembers at most maxClients, forgetting the oldest first', () => {
    const failures = new RecentFailures({ threshold: 1, windowMs: 60_000, maxClients: 3 });
    for (const client of ['a', 'b', 'c', 'd']) failures.recordFailure(client);
    expect(failures.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].map((client) => failures.isFailing(client))).toEqual([
      false,
      true,
      true,
      true,
    ]);
  });

  it('refuses a threshold, window or bound below one', () => {
    expect(() => new RecentFailures({ threshold: 0, windowMs: 1, maxClients: 1 })).toThrow(RangeError);
    expect(() => new RecentFailures({ threshold: 1, windowMs: 0, maxClients: 1 })).toThrow(RangeError);
    expect(() => new RecentFailures({ threshold: 1, windowMs: 1, maxClients: 0 })).toThrow(RangeError);
  });
});
