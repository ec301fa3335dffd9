// Issue #14 item 3, the flood goal: wrong guesses, from any number of addresses, must not make a
// right password wait. These pin the order and the bounds of the hash slots, not any timing.
import { describe, expect, it } from '@jest/globals';
import { BoundedPasswordHasher, ClientStanding, HashCapacityError } from '../src/index.js';
import { drain, GatedHasher, settle } from './support/gated-hasher.js';

/** A password check for `client`; the promise says how it ended, never rejects. */
function check(bounded: BoundedPasswordHasher, client: string, password = 'wrong'): Promise<unknown> {
  return bounded.verify('stored', password, client).then(
    (valid) => (valid ? 'right' : 'wrong'),
    (error: unknown) => error,
  );
}

/** Makes each client failing: one completed wrong guess each (threshold 1 in these tests). */
async function fail(inner: GatedHasher, bounded: BoundedPasswordHasher, clients: string[]): Promise<void> {
  for (const client of clients) {
    const guess = check(bounded, client);
    await settle();
    await drain(inner, bounded);
    expect(await guess).toBe('wrong');
    expect(bounded.standingOf(client)).toBe('failing');
  }
  inner.started.length = 0;
}

/** Makes each client known: one completed right password each. */
async function know(inner: GatedHasher, bounded: BoundedPasswordHasher, clients: string[]): Promise<void> {
  for (const client of clients) {
    const login = check(bounded, client, 'right');
    await settle();
    await drain(inner, bounded);
    expect(await login).toBe('right');
    expect(bounded.standingOf(client)).toBe('known');
  }
  inner.started.length = 0;
}

const FAILING_AFTER_ONE = {
  failureThreshold: 1,
  failureWindowMs: 60_000,
  knownWindowMs: 3_600_000,
  maxClients: 100,
};
const FLOODERS = Array.from({ length: 16 }, (_, i) => `10.9.0.${i + 1}`);

describe('BoundedPasswordHasher puts clients with recent failures behind the others', () => {
  it('sixteen failing addresses share every slot but one; a known client starts at once', async () => {
    const inner = new GatedHasher();
    const bounded = new BoundedPasswordHasher(inner, {
      inFlight: 2,
      waiting: 4,
      standing: FAILING_AFTER_ONE,
    });
    await know(inner, bounded, ['10.0.0.1']);
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

  it('on one core (one slot) a known client waits for the hash in progress only, never for the line', async () => {
    // What the app has under `taskset -c 0`: every slot but one is still one, so nothing is
    // kept back, and the wait line is the known client's only priority.
    const inner = new GatedHasher();
    const bounded = new BoundedPasswordHasher(inner, { inFlight: 1, waiting: 2 });
    await know(inner, bounded, ['10.0.0.1']);
    const flood = FLOODERS.map((client) => check(bounded, client));
    await settle();
    expect(bounded.load).toMatchObject({ running: 1, waiting: 2 });
    const legit = check(bounded, '10.0.0.1', 'right');
    await settle();
    // The known client took a stranger waiter's place, and starts as soon as the running hash ends.
    inner.openOldest();
    await settle();
    expect(inner.started).toEqual([FLOODERS[0], '10.0.0.1']);
    await drain(inner, bounded);
    const waited = await Promise.all(flood.slice(1, 3));
    expect(waited.filter((outcome) => outcome instanceof HashCapacityError)).toHaveLength(1);
    expect(waited.filter((outcome) => outcome === 'wrong')).toHaveLength(1);
    expect((await Promise.all(flood.slice(3))).every((o) => o instanceof HashCapacityError)).toBe(true);
    expect(await legit).toBe('right');
  });

  it('the wait line serves known clients first, then strangers, then failing ones, each round-robin', async () => {
    const inner = new GatedHasher();
    const bounded = new BoundedPasswordHasher(inner, {
      inFlight: 1,
      waiting: 8,
      standing: FAILING_AFTER_ONE,
    });
    await know(inner, bounded, ['a', 'b']);
    await fail(inner, bounded, ['f1', 'f2']);
    const calls = ['x', 'f1', 's', 'f2', 'f1', 'a', 'b', 'a'].map((client) =>
      check(bounded, client, 'right'),
    );
    await settle();
    await drain(inner, bounded);
    expect(inner.started).toEqual(['x', 'a', 'b', 'a', 's', 'f1', 'f2', 'f1']);
    expect(await Promise.all(calls)).toEqual(Array(8).fill('right'));
  });

  it('a full wait line takes a client in good standing in place of a failing waiter, never refuses it', async () => {
    const inner = new GatedHasher();
    const bounded = new BoundedPasswordHasher(inner, {
      inFlight: 1,
      waiting: 3,
      standing: FAILING_AFTER_ONE,
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

  it('a failing newcomer displaces only failing waiters, and only from a client with more; never a known one', async () => {
    const inner = new GatedHasher();
    const bounded = new BoundedPasswordHasher(inner, {
      inFlight: 1,
      waiting: 3,
      standing: FAILING_AFTER_ONE,
    });
    await know(inner, bounded, ['g']);
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

  it('no starvation: a known client that keeps logging in is served at every freed slot', async () => {
    const inner = new GatedHasher();
    const bounded = new BoundedPasswordHasher(inner, {
      inFlight: 2,
      waiting: 8,
      standing: FAILING_AFTER_ONE,
    });
    await know(inner, bounded, ['10.0.0.1']);
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
      standing: FAILING_AFTER_ONE,
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

  it('sixteen strangers (addresses never seen) leave the last slot to a known client', async () => {
    const inner = new GatedHasher();
    const bounded = new BoundedPasswordHasher(inner, {
      inFlight: 2,
      waiting: 4,
      standing: FAILING_AFTER_ONE,
    });
    await know(inner, bounded, ['10.0.0.1']);
    const flood = FLOODERS.map((client) => check(bounded, client));
    await settle();
    expect(bounded.load).toMatchObject({ running: 1, waiting: 4 });
    // A known newcomer with the line full displaces a stranger; it is never the one refused.
    const legit = [check(bounded, '10.0.0.1', 'right'), check(bounded, '10.0.0.1', 'right')];
    await settle();
    expect(inner.started).toEqual([FLOODERS[0], '10.0.0.1']);
    await drain(inner, bounded);
    expect(await Promise.all(legit)).toEqual(['right', 'right']);
    expect((await Promise.all(flood)).filter((o) => o instanceof HashCapacityError)).toHaveLength(12);
  });

  it('counts right passwords as known, wrong passwords and unknown usernames as failures, not sign-ups', async () => {
    const inner = new GatedHasher();
    const bounded = new BoundedPasswordHasher(inner, {
      inFlight: 1,
      waiting: 0,
      standing: { ...FAILING_AFTER_ONE, failureThreshold: 2 },
    });
    const run = async (work: Promise<unknown>): Promise<void> => {
      await settle();
      inner.openOldest();
      await work;
    };
    await run(bounded.hash('x', 'a'));
    expect(bounded.standingOf('a')).toBe('stranger');
    await run(bounded.verify('stored', 'right', 'a'));
    expect(bounded.standingOf('a')).toBe('known');
    await run(bounded.verify('stored', 'wrong', 'a'));
    expect(bounded.standingOf('a')).toBe('known');
    await run(bounded.burnOneVerification('x', 'a'));
    expect(bounded.standingOf('a')).toBe('failing');
  });

  it('refuses a capacity with no slot for strangers', () => {
    expect(
      () => new BoundedPasswordHasher(new GatedHasher(), { inFlight: 2, waiting: 0, strangerInFlight: 0 }),
    ).toThrow(RangeError);
  });
});

describe('ClientStanding', () => {
  it('failing from the threshold within the failure window; known within its own window', () => {
    let now = 1_000_000;
    const standing = new ClientStanding({
      failureThreshold: 3,
      failureWindowMs: 60_000,
      knownWindowMs: 3_600_000,
      maxClients: 10,
      now: () => now,
    });
    standing.recordSuccess('a');
    expect(standing.of('a')).toBe('known');
    standing.recordFailure('a');
    standing.recordFailure('a');
    expect(standing.of('a')).toBe('known');
    standing.recordFailure('a');
    expect(standing.of('a')).toBe('failing');
    expect(standing.of('b')).toBe('stranger');
    now += 60_000;
    expect(standing.of('a')).toBe('known');
    now += 3_600_000;
    expect(standing.of('a')).toBe('stranger');
  });

  it('remembers at most maxClients, forgetting the oldest first', () => {
    const standing = new ClientStanding({
      failureThreshold: 1,
      failureWindowMs: 60_000,
      knownWindowMs: 60_000,
      maxClients: 3,
    });
    for (const client of ['a', 'b', 'c', 'd']) standing.recordFailure(client);
    expect(['a', 'b', 'c', 'd'].map((client) => standing.of(client))).toEqual([
      'stranger',
      'failing',
      'failing',
      'failing',
    ]);
  });

  it('refuses a threshold, window or bound below one', () => {
    const ok = { failureThreshold: 1, failureWindowMs: 1, knownWindowMs: 1, maxClients: 1 };
    expect(() => new ClientStanding({ ...ok, failureThreshold: 0 })).toThrow(RangeError);
    expect(() => new ClientStanding({ ...ok, failureWindowMs: 0 })).toThrow(RangeError);
    expect(() => new ClientStanding({ ...ok, knownWindowMs: 0 })).toThrow(RangeError);
    expect(() => new ClientStanding({ ...ok, maxClients: 0 })).toThrow(RangeError);
  });
});
