import { describe, expect, it } from '@jest/globals';
import {
  BoundedPasswordHasher,
  HashCapacityError,
  LoginRateLimiter,
  openUserRepository,
  UserAccounts,
} from '../src/index.js';
import { drain, GatedHasher, settle } from './support/gated-hasher.js';

/** Starts a hash for `client`; the promise says how it ended, never rejects. */
function call(bounded: BoundedPasswordHasher, client: string): Promise<unknown> {
  return bounded.hash('x', client).then(
    () => 'done',
    (error: unknown) => error,
  );
}

describe('BoundedPasswordHasher fairness per client', () => {
  it('one client holding many requests gets one slot; another client gets a free slot at once', async () => {
    const inner = new GatedHasher();
    const bounded = new BoundedPasswordHasher(inner, { inFlight: 3, waiting: 8, perClientInFlight: 1 });
    const flood = Array.from({ length: 6 }, () => call(bounded, '10.0.0.1'));
    await settle();
    expect(inner.started).toEqual(['10.0.0.1']);
    expect(bounded.load).toEqual({ running: 1, waiting: 5, clients: 1 });
    const honest = call(bounded, '10.0.0.2');
    await settle();
    expect(inner.started).toEqual(['10.0.0.1', '10.0.0.2']);
    // The flood's own hashes run one after the other as its slot frees.
    inner.openOldest();
    await settle();
    expect(inner.started).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.1']);
    await drain(inner, bounded);
    expect(await Promise.all([...flood, honest])).toEqual(Array(7).fill('done'));
    // Nothing is kept for clients with no hash running or waiting.
    expect(bounded.load).toEqual({ running: 0, waiting: 0, clients: 0 });
  });

  it('by default one client may hold every slot but one', async () => {
    const inner = new GatedHasher();
    // Every slot open to strangers: this is about one client's share, not the known clients' slot.
    const bounded = new BoundedPasswordHasher(inner, { inFlight: 4, waiting: 2, strangerInFlight: 4 });
    const flood = Array.from({ length: 6 }, () => call(bounded, 'a'));
    await settle();
    expect(bounded.load).toEqual({ running: 3, waiting: 2, clients: 1 });
    // The flood is past its share: its next request is refused at once, another client's runs.
    expect(await call(bounded, 'a')).toBeInstanceOf(HashCapacityError);
    const other = call(bounded, 'b');
    await settle();
    expect(inner.started).toEqual(['a', 'a', 'a', 'b']);
    await drain(inner, bounded);
    expect(await Promise.all([...flood, other])).toEqual([
      ...Array(5).fill('done'),
      expect.any(HashCapacityError),
      'done',
    ]);
  });

  it('serves the wait line round-robin by client, not first come first served', async () => {
    const inner = new GatedHasher();
    const bounded = new BoundedPasswordHasher(inner, { inFlight: 1, waiting: 8 });
    const calls = ['x', 'a', 'a', 'a', 'b', 'b', 'c'].map((client) => call(bounded, client));
    await settle();
    expect(bounded.load).toEqual({ running: 1, waiting: 6, clients: 4 });
    await drain(inner, bounded);
    expect(inner.started).toEqual(['x', 'a', 'b', 'c', 'a', 'b', 'a']);
    expect(await Promise.all(calls)).toEqual(Array(7).fill('done'));
  });

  it('a full wait line takes a newcomer in place of the newest waiter of the client with the most', async () => {
    const inner = new GatedHasher();
    const bounded = new BoundedPasswordHasher(inner, { inFlight: 1, waiting: 3 });
    const holding = call(bounded, 'x');
    const flood = [call(bounded, 'a'), call(bounded, 'a'), call(bounded, 'a')];
    await settle();
    expect(bounded.load).toEqual({ running: 1, waiting: 3, clients: 2 });
    // b takes the place of a's newest waiter, which gets the 503 at once.
    const b = call(bounded, 'b');
    expect(await flood[2]).toBeInstanceOf(HashCapacityError);
    // c too: a still has two waiters, c would have one.
    const c = call(bounded, 'c');
    expect(await flood[1]).toBeInstanceOf(HashCapacityError);
    // One waiter each: the newcomer is refused, nobody is displaced.
    expect(await call(bounded, 'd')).toBeInstanceOf(HashCapacityError);
    expect(bounded.load).toEqual({ running: 1, waiting: 3, clients: 4 });
    await drain(inner, bounded);
    expect(inner.started).toEqual(['x', 'a', 'b', 'c']);
    expect(await Promise.all([holding, flood[0], b, c])).toEqual(Array(4).fill('done'));
  });

  it('refuses a capacity with no slot per client', () => {
    expect(
      () => new BoundedPasswordHasher(new GatedHasher(), { inFlight: 2, waiting: 0, perClientInFlight: 0 }),
    ).toThrow(RangeError);
  });
});

describe('UserAccounts passes the client address to the hasher', () => {
  it('a login flood from one address holds one slot; a login and a sign-up from another start at once', async () => {
    const users = await openUserRepository({ dataDir: ':memory:' });
    try {
      const inner = new GatedHasher();
      const bounded = new BoundedPasswordHasher(inner, {
        inFlight: 3,
        waiting: 4,
        perClientInFlight: 1,
        strangerInFlight: 3,
      });
      const accounts = new UserAccounts(
        users,
        bounded,
        new LoginRateLimiter({ attempts: 10, windowSeconds: 60 }, null),
      );
      const login = (username: string, from: string): Promise<unknown> =>
        accounts.verifyLogin({ username, password: 'anything at all' }, from).then(
          () => 'logged in',
          (error: unknown) => error,
        );
      const flood = Array.from({ length: 8 }, (_, i) => login(`flooded-${i}`, '10.0.0.1'));
      for (let turn = 0; bounded.load.running + bounded.load.waiting < 5; turn += 1) {
        if (turn > 1_000) throw new Error('the flood never reached the hasher');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(inner.started).toEqual(['10.0.0.1']);
      const honest = login('honest', '10.0.0.2');
      const signUp = accounts
        .register({ username: 'newcomer', password: 'anything at all' }, '10.0.0.3')
        .then(() => 'registered');
      for (let turn = 0; inner.started.length < 3; turn += 1) {
        if (turn > 1_000) throw new Error(`expected 3 hashes to start, saw ${inner.started.length}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      // The two others start in whichever order their store look-ups end.
      expect(inner.started[0]).toBe('10.0.0.1');
      expect([...inner.started.slice(1)].sort()).toEqual(['10.0.0.2', '10.0.0.3']);
      for (let turn = 0; bounded.load.running > 0; turn += 1) {
        if (turn > 1_000) throw new Error('hashes never drained');
        inner.openOldest();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(await signUp).toBe('registered');
      expect(await honest).toMatchObject({ code: 'invalid_credentials' });
      const outcomes = await Promise.all(flood);
      // One running and four waiting were checked (401); the rest had a fast 503.
      expect(outcomes.filter((outcome) => outcome instanceof HashCapacityError)).toHaveLength(3);
    } finally {
      await users.close();
    }
  }, 600_000);
});

describe('a hash that would be refused is refused before the login looks the user up', () => {
  it('admits() says false exactly when the line is full and nobody may be displaced, and changes nothing', async () => {
    const inner = new GatedHasher();
    const bounded = new BoundedPasswordHasher(inner, { inFlight: 1, waiting: 1 });
    const known = bounded.verify('stored', 'right', '10.0.0.9');
    await settle();
    await drain(inner, bounded);
    expect(await known).toBe(true);
    expect(bounded.admits('10.0.0.1')).toBe(true);
    const running = call(bounded, '10.0.0.1');
    expect(bounded.admits('10.0.0.2')).toBe(true);
    const waiting = call(bounded, '10.0.0.2');
    await settle();
    expect(bounded.admits('10.0.0.3')).toBe(false);
    expect(bounded.load).toEqual({ running: 1, waiting: 1, clients: 2 });
    // A known client would displace the stranger waiter, so it is admitted.
    expect(bounded.admits('10.0.0.9')).toBe(true);
    expect(await call(bounded, '10.0.0.3')).toBeInstanceOf(HashCapacityError);
    await drain(inner, bounded);
    expect(await Promise.all([running, waiting])).toEqual(['done', 'done']);
  });

  it('UserAccounts refuses with 503 before the user look-up when the hasher would refuse', async () => {
    const users = await openUserRepository({ dataDir: ':memory:' });
    try {
      let lookups = 0;
      const counted = new Proxy(users, {
        get(target, property) {
          const value: unknown = Reflect.get(target, property, target);
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            if (property === 'findByUsername') lookups += 1;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
      const inner = new GatedHasher();
      const bounded = new BoundedPasswordHasher(inner, { inFlight: 1, waiting: 1 });
      const accounts = new UserAccounts(
        counted,
        bounded,
        new LoginRateLimiter({ attempts: 10, windowSeconds: 60 }, null),
      );
      const login = (from: string): Promise<unknown> =>
        accounts.verifyLogin({ username: `nobody-${from}`, password: 'anything at all' }, from).then(
          () => 'logged in',
          (error: unknown) => error,
        );
      const first = login('10.0.0.1');
      const second = login('10.0.0.2');
      for (let turn = 0; bounded.load.running + bounded.load.waiting < 2; turn += 1) {
        if (turn > 1_000) throw new Error('the logins never reached the hasher');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(lookups).toBe(2);
      expect(await login('10.0.0.3')).toBeInstanceOf(HashCapacityError);
      expect(lookups).toBe(2);
      for (let turn = 0; bounded.load.running > 0; turn += 1) {
        if (turn > 1_000) throw new Error('hashes never drained');
        inner.openOldest();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(await first).toMatchObject({ code: 'invalid_credentials' });
      expect(await second).toMatchObject({ code: 'invalid_credentials' });
    } finally {
      await users.close();
    }
  }, 60_000);
});
