import { describe, expect, it, jest } from '@jest/globals';
import { MemoryOpaqueTokenStore } from '../src/memory-store.js';
import { hashSecret } from '../src/token.js';
import { strategyContract } from './support/contract.js';
import { ALICE, BOB, expectRefusal, setup } from './support/setup.js';

describe('opaque token, in process', () => {
  strategyContract(() => setup({ maxRecordsPerUser: 3 }));

  it('keeps only the SHA-256 of the secret, and counts records', async () => {
    const { strategy } = setup();
    const token = await strategy.mint(ALICE);
    const [id = '', secret = ''] = token.split('.');
    const record = await strategy.store.find(id);
    expect(record).toMatchObject({ id, userId: ALICE.id, username: 'alice', secretHash: hashSecret(secret) });
    expect(JSON.stringify(record)).not.toContain(secret);
    expect(strategy.store).toBeInstanceOf(MemoryOpaqueTokenStore);
    await expect(strategy.serverState()).resolves.toEqual({ records: 1, unit: 'token record' });
    await expect(strategy.storeHealth()).resolves.toEqual({ 'opaque-tokens': 'embedded' });
  });

  it('refuses a malformed credential without reading the store', async () => {
    const { strategy } = setup();
    const find = jest.spyOn(strategy.store, 'find');
    await expectRefusal(strategy.verify('not-a-token'), 'malformed_credential');
    expect(find).not.toHaveBeenCalled();
  });

  it('records the last use', async () => {
    const { strategy, clock } = setup();
    const token = await strategy.mint(ALICE);
    clock.advance(5_000);
    await strategy.verify(token);
    await expect(strategy.store.find(token.split('.')[0] ?? '')).resolves.toMatchObject({
      issuedAt: clock.ms - 5_000,
      lastUsedAt: clock.ms,
    });
  });

  it('the total cap evicts the oldest login of anyone, first', async () => {
    const { strategy } = setup({ maxRecords: 2 });
    const first = await strategy.mint(ALICE);
    const second = await strategy.mint(BOB);
    const third = await strategy.mint(ALICE);
    await expectRefusal(strategy.verify(first), 'revoked');
    await expect(strategy.verify(second)).resolves.toMatchObject({ userId: BOB.id });
    await expect(strategy.verify(third)).resolves.toMatchObject({ userId: ALICE.id });
    await expect(strategy.serverState()).resolves.toEqual({ records: 2, unit: 'token record' });
  });

  it('drops expired records, so the count is of live tokens', async () => {
    const { strategy, clock } = setup();
    await strategy.mint(ALICE);
    await strategy.mint(BOB);
    clock.advance(3600_000);
    await expect(strategy.serverState()).resolves.toEqual({ records: 0, unit: 'token record' });
  });

  it.each([
    ['a zero TTL', { ttlSeconds: 0 }, /OPAQUE_TTL/],
    ['a fractional TTL', { ttlSeconds: 1.5 }, /OPAQUE_TTL/],
    ['no room', { maxRecords: 0 }, /maxRecords/],
    ['no room per user', { maxRecordsPerUser: 0 }, /maxRecordsPerUser/],
  ])('refuses %s at construction (RangeError)', (_label, override, message) => {
    const build = () => setup(override);
    expect(build).toThrow(RangeError);
    expect(build).toThrow(message);
  });
});
