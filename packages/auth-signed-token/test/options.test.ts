import { MemoryRevocationList } from '@authbench/auth-stores';
import { describe, expect, it } from '@jest/globals';
import { createSignedTokenStrategy, type SignedTokenStrategyOptions } from '../src/index.js';
import { FakeUsers, SECRET_NEW } from './support/fake-users.js';

const base: SignedTokenStrategyOptions = {
  secrets: [SECRET_NEW],
  salt: 'authbench.token',
  digest: 'sha1',
  ttlSeconds: 3600,
  users: new FakeUsers(),
  revocations: new MemoryRevocationList(),
};

describe('createSignedTokenStrategy: misuse fails at construction', () => {
  it.each<[string, Partial<SignedTokenStrategyOptions>, typeof TypeError | typeof RangeError, RegExp]>([
    ['no secret', { secrets: [] }, RangeError, /TOKEN_SECRET: at least one/],
    ['a short secret', { secrets: [SECRET_NEW, 'short'] }, RangeError, /secret #2 is shorter than 32 bytes/],
    ['an unknown digest', { digest: 'md5' as 'sha1' }, TypeError, /TOKEN_DIGEST/],
    ['a zero TTL', { ttlSeconds: 0 }, RangeError, /TOKEN_TTL/],
    ['a fractional TTL', { ttlSeconds: 1.5 }, RangeError, /TOKEN_TTL/],
    ['a cache TTL over 5 s', { userCacheTtlMs: 5_001 }, RangeError, /userCacheTtlMs/],
    ['a negative cache TTL', { userCacheTtlMs: -1 }, RangeError, /userCacheTtlMs/],
    ['no cache room', { userCacheMaxEntries: 0 }, RangeError, /userCacheMaxEntries/],
  ])('%s', (_label, override, errorClass, message) => {
    const build = () => createSignedTokenStrategy({ ...base, ...override });
    expect(build).toThrow(errorClass);
    expect(build).toThrow(message);
  });

  it('accepts the contract defaults and names itself', () => {
    const strategy = createSignedTokenStrategy(base);
    expect({ name: strategy.name, transport: strategy.transport }).toEqual({
      name: 'token',
      transport: 'bearer',
    });
  });
});
