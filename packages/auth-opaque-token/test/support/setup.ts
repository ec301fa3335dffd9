import {
  AuthError,
  type AuthErrorCode,
  type AuthExchange,
  type LoginUser,
  StoreUnavailableError,
} from '@authbench/auth-core';
import type { RedisConnection } from '@authbench/auth-stores';
import { expect } from '@jest/globals';
import type { Request, Response } from 'express';
import {
  createOpaqueTokenStrategy,
  type OpaqueTokenStrategy,
  type OpaqueTokenStrategyOptions,
} from '../../src/index.js';

/** 2023-11-14T22:13:20.250Z. */
export const T0 = 1_700_000_000_250;
export const ALICE: LoginUser = { id: 'user-alice', username: 'alice', tokenVersion: 0 };
export const BOB: LoginUser = { id: 'user-bob', username: 'bob', tokenVersion: 0 };

export class ManualClock {
  constructor(public ms: number) {}

  readonly now = (): number => this.ms;

  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface Fixture {
  readonly strategy: OpaqueTokenStrategy;
  readonly clock: ManualClock;
}

export function setup(
  overrides: Partial<OpaqueTokenStrategyOptions> = {},
  redis: RedisConnection | null = null,
  clock = new ManualClock(T0),
): Fixture {
  const strategy = createOpaqueTokenStrategy({ ttlSeconds: 3600, redis, now: clock.now, ...overrides });
  return { strategy, clock };
}

/** An exchange that records the headers the strategy sets on the response. */
export function fakeExchange(): { exchange: AuthExchange; headers: Map<string, string> } {
  const headers = new Map<string, string>();
  const response = {
    setHeader(name: string, value: string) {
      headers.set(name.toLowerCase(), value);
      return response;
    },
  };
  return { exchange: { request: {} as Request, response: response as unknown as Response }, headers };
}

/** The refusal's class, code and status, returned for further checks. */
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
  const unavailable = error as StoreUnavailableError;
  expect({ store: unavailable.store, status: unavailable.status }).toEqual({ store, status: 503 });
}
