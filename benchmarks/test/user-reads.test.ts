import { describe, expect, it } from '@jest/globals';
import { MapUsers } from '../src/lib/strategies.js';
import { UserReads } from '../src/lib/user-reads.js';

describe('UserReads', () => {
  it('counts each store read against the contender whose call ran last', async () => {
    const inner = new MapUsers();
    inner.add('u-1', 'alice');
    const reads = new UserReads(inner);
    // A "cache" that reads the store on every other call, like a verify that misses half the time.
    let calls = 0;
    const halfMisses = reads.counted('half', async () => {
      calls += 1;
      if (calls % 2 === 1) await reads.users.findById('u-1');
    });
    const neverReads = reads.counted('none', () => undefined);
    for (let index = 0; index < 4; index += 1) await halfMisses();
    for (let index = 0; index < 3; index += 1) await neverReads();
    expect(reads.perCall('half')).toBe(0.5);
    expect(reads.perCall('none')).toBe(0);
    expect(reads.perCall('never called')).toBeNaN();
  });

  it('hands reads and revocations through to the store unchanged', async () => {
    const inner = new MapUsers();
    inner.add('u-1', 'alice');
    const reads = new UserReads(inner);
    expect((await reads.users.findById('u-1'))?.username).toBe('alice');
    expect(await reads.users.findById('nobody')).toBeNull();
    const revoked = await reads.users.revokeAllCredentials('u-1', new Date(1_000));
    expect(revoked?.tokenVersion).toBe(1);
    expect((await inner.findById('u-1'))?.tokenVersion).toBe(1);
  });
});
