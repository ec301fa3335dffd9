import { describe, expect, it } from '@jest/globals';
import { createSessionStrategy, type SessionStrategyOptions } from '../src/index.js';
import { sessionCookieName } from '../src/lib/session-cookie.js';

const valid: SessionStrategyOptions = {
  secrets: ['a'.repeat(32)],
  idleTtlSeconds: 1800,
  absoluteTtlSeconds: 43_200,
  cookieSecure: false,
  redis: null,
};

describe('createSessionStrategy options (programmer errors throw at start-up)', () => {
  it.each<[string, Partial<SessionStrategyOptions>, typeof TypeError | typeof RangeError]>([
    ['no secret', { secrets: [] }, TypeError],
    ['a secret under 32 bytes', { secrets: ['a'.repeat(32), 'short'] }, RangeError],
    ['a zero idle timeout', { idleTtlSeconds: 0 }, RangeError],
    ['a NaN absolute lifetime', { absoluteTtlSeconds: Number.NaN }, RangeError],
    ['touchAfter not below the idle timeout', { touchAfterSeconds: 1800 }, RangeError],
    ['a fractional maxSessions', { maxSessions: 1.5 }, RangeError],
    ['a zero maxSessions', { maxSessions: 0 }, RangeError],
    ['a brace in the key prefix', { keyPrefix: 'a{b}:' }, TypeError],
    ['an allowed origin that is not one', { allowedOrigins: ['nope'] }, TypeError],
    ['an opaque allowed origin', { allowedOrigins: ['file:///x'] }, TypeError],
  ])('refuses %s', (_label, override, errorClass) => {
    expect(() => createSessionStrategy({ ...valid, ...override })).toThrow(errorClass);
  });

  it('names the cookie per COOKIE_SECURE', () => {
    expect(createSessionStrategy(valid).cookie.name).toBe('sid');
    expect(createSessionStrategy({ ...valid, cookieSecure: true }).cookie.name).toBe('__Host-sid');
    expect(sessionCookieName(true)).toBe('__Host-sid');
  });

  it('defaults the refresh interval to a tenth of the idle timeout', () => {
    expect(createSessionStrategy(valid).lifetime.touchAfterMs).toBe(180_000);
  });
});
