import { AuthError, type AuthErrorCode, StoreUnavailableError } from '@authbench/auth-core';
import { MemoryRevocationList, type RevocationList } from '@authbench/auth-stores';
import { expect } from '@jest/globals';
import {
  createSignedTokenStrategy,
  type SignedTokenStrategy,
  type SignedTokenStrategyOptions,
} from '../../src/index.js';
import { FakeUsers, ManualClock, SECRET_NEW, SECRET_OLD } from './fake-users.js';

/** 2023-11-14T22:13:20.250Z: a quarter second into a second, so truncation shows. */
export const T0 = 1_700_000_000_250;
export const ALICE = 'user-alice';

export interface Fixture {
  readonly strategy: SignedTokenStrategy;
  readonly users: FakeUsers;
  readonly revocations: RevocationList;
  readonly clock: ManualClock;
}

export function setup(
  overrides: Partial<SignedTokenStrategyOptions> = {},
  shared: { users?: FakeUsers; clock?: ManualClock; revocations?: RevocationList } = {},
): Fixture {
  const clock = shared.clock ?? new ManualClock(T0);
  const users = shared.users ?? new FakeUsers();
  if (!users.users.has(ALICE)) users.add(ALICE, 'alice');
  const revocations = shared.revocations ?? new MemoryRevocationList({ now: clock.now });
  const strategy = createSignedTokenStrategy({
    secrets: [SECRET_OLD, SECRET_NEW],
    salt: 'authbench.token',
    digest: 'sha1',
    ttlSeconds: 3600,
    users,
    revocations,
    now: clock.now,
    ...overrides,
  });
  return { strategy, users, revocations, clock };
}

/** The refusal's class, code and status (STYLE #12), returned for further checks. */
export async function expectRefusal(pending: Promise<unknown>, code: AuthErrorCode): Promise<AuthError> {
  const error: unknown = await pending.then(
    () => new Error('expected a refusal, got a principal'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AuthError);
  const refusal = error as AuthError;
  expect({ code: refusal.code, status: refusal.status }).toEqual({ code, status: 401 });
  return refusal;
}

export async function expectStoreUnavailable(pending: Promise<unknown>, store: string): Promise<void> {
  const error: unknown = await pending.then(
    () => new Error('expected a 503, got a result'),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(StoreUnavailableError);
  expect({
    store: (error as StoreUnavailableError).store,
    status: (error as StoreUnavailableError).status,
  }).toEqual({
    store,
    status: 503,
  });
}
