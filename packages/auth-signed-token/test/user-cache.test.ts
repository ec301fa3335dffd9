import type { User } from '@authbench/auth-accounts';
import { describe, expect, it } from '@jest/globals';
import { UserLookupCache } from '../src/user-cache.js';
import { FakeUsers, ManualClock } from './support/fake-users.js';
import { ALICE, expectRefusal, setup, T0 } from './support/setup.js';

describe('user cache (opt-in, userCacheTtlMs)', () => {
  it('is off by default: every request reads the user, so another process sees a bump at once', async () => {
    const users = new FakeUsers();
    const clock = new ManualClock(T0);
    const processA = setup({}, { users, clock });
    const processB = setup({}, { users, clock, revocations: processA.revocations });
    const { token } = await processA.strategy.issueToken(ALICE);
    await processB.strategy.verify(token);
    await processA.strategy.revokeAll(ALICE);
    await expectRefusal(processB.strategy.verify(token), 'revoked');
  });

  it('saves the user read within its TTL', async () => {
    const { strategy, users, clock } = setup({ userCacheTtlMs: 2_000 });
    const { token } = await strategy.issueToken(ALICE);
    users.findByIdCalls = 0;
    await strategy.verify(token);
    await strategy.verify(token);
    expect(users.findByIdCalls).toBe(1);
    clock.advance(2_000);
    await strategy.verify(token);
    expect(users.findByIdCalls).toBe(2);
  });

  it('sees its own process’s logout-all and deletion at once', async () => {
    const { strategy, users } = setup({ userCacheTtlMs: 5_000 });
    const { token } = await strategy.issueToken(ALICE);
    await strategy.verify(token);
    await strategy.revokeAll(ALICE);
    await expectRefusal(strategy.verify(token), 'revoked');

    const fresh = await strategy.issueToken(ALICE);
    await strategy.verify(fresh.token);
    users.delete(ALICE);
    await strategy.revokeAll(ALICE);
    await expectRefusal(strategy.verify(fresh.token), 'unknown_user');
  });

  it('lets another process see a bump after at most the TTL (the documented bound)', async () => {
    const users = new FakeUsers();
    const clock = new ManualClock(T0);
    const processA = setup({ userCacheTtlMs: 2_000 }, { users, clock });
    const processB = setup({ userCacheTtlMs: 2_000 }, { users, clock, revocations: processA.revocations });
    const { token } = await processA.strategy.issueToken(ALICE);
    await processB.strategy.verify(token);
    await processA.strategy.revokeAll(ALICE);
    await expectRefusal(processA.strategy.verify(token), 'revoked');
    // Stale in B until its entry expires…
    clock.advance(1_999);
    await expect(processB.strategy.verify(token)).resolves.toMatchObject({ userId: ALICE });
    // …and refused from then on.
    clock.advance(1);
    await expectRefusal(processB.strategy.verify(token), 'revoked');
  });

  it('does not cache an answer that was in flight while the user was invalidated', async () => {
    let release: (user: User | null) => void = () => undefined;
    const fake = new FakeUsers();
    const stale = fake.add(ALICE, 'alice', 0);
    const clock = new ManualClock(T0);
    const users = {
      calls: 0,
      findById(id: string): Promise<User | null> {
        this.calls++;
        if (this.calls === 1) return new Promise((resolve) => (release = resolve));
        return fake.findById(id);
      },
    };
    const cache = new UserLookupCache({ users, ttlMs: 5_000, maxEntries: 10, now: clock.now });
    const pending = cache.find(ALICE);
    cache.invalidate(ALICE); // a logout-all lands while the read is in flight
    fake.add(ALICE, 'alice', 1);
    release(stale);
    await expect(pending).resolves.toMatchObject({ tokenVersion: 0 });
    await expect(cache.find(ALICE)).resolves.toMatchObject({ tokenVersion: 1 });
    expect(users.calls).toBe(2);
  });

  it('never caches a missing user, and stays within maxEntries', async () => {
    const fake = new FakeUsers();
    const clock = new ManualClock(T0);
    const cache = new UserLookupCache({ users: fake, ttlMs: 5_000, maxEntries: 3, now: clock.now });
    await expect(cache.find('nobody')).resolves.toBeNull();
    expect(cache.size).toBe(0);
    for (let i = 0; i < 10; i++) {
      fake.add(`user-${i}`, `user${i}`);
      await cache.find(`user-${i}`);
    }
    expect(cache.size).toBe(3);
    fake.findByIdCalls = 0;
    await cache.find('user-9');
    await cache.find('user-0');
    expect(fake.findByIdCalls).toBe(1);
  });
});
