import { describe, expect, it } from '@jest/globals';
import { AuthError, type AuthErrorCode, bearerCredentialOf } from '../src/index.js';

const TOKEN = 'eyJzdWIiOiJ4In0.ZVTXMA.c2lnbmF0dXJl';

function outcome(
  headers: Record<string, string>,
  rawHeaders?: string[],
): AuthErrorCode | 'none' | { token: string } {
  try {
    const token = bearerCredentialOf({
      method: 'GET',
      headers,
      ...(rawHeaders === undefined ? {} : { rawHeaders }),
    });
    return token === undefined ? 'none' : { token };
  } catch (error) {
    if (error instanceof AuthError) return error.code;
    throw error;
  }
}

describe('bearerCredentialOf', () => {
  it.each(['Bearer', 'bearer', 'BEARER', 'bEaReR'])(
    'reads the token after %s (case-insensitive)',
    (scheme) => {
      expect(outcome({ authorization: `${scheme} ${TOKEN}` })).toEqual({ token: TOKEN });
    },
  );

  it('allows several spaces after the scheme (RFC 6750: 1*SP)', () => {
    expect(outcome({ authorization: `Bearer   ${TOKEN}` })).toEqual({ token: TOKEN });
  });

  it.each([
    ['no Authorization header (a cookie does not count)', { cookie: `sid=${TOKEN}` }],
    ['an empty header', { authorization: '' }],
    ['another scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['a token without a scheme', { authorization: TOKEN }],
  ])('finds no bearer credential in %s', (_label, headers) => {
    expect(outcome(headers)).toBe('none');
  });

  it.each([
    ['the scheme alone', 'Bearer'],
    ['the scheme and a space', 'Bearer '],
    ['a tab', `Bearer\t${TOKEN}`],
    ['two tokens', `Bearer ${TOKEN} ${TOKEN}`],
    ['a comma list', `Bearer ${TOKEN}, Basic dXNlcjpwYXNz`],
    ['characters outside b64token', 'Bearer abc"def'],
    ['a token over 8 KiB', `Bearer ${'a'.repeat(8 * 1024 + 1)}`],
    ['a header far over 8 KiB', `Bearer ${'a'.repeat(64 * 1024)}`],
  ])('refuses %s as malformed_credential (401)', (_label, value) => {
    expect(outcome({ authorization: value })).toBe('malformed_credential');
  });

  it('accepts a token of exactly 8 KiB', () => {
    const token = 'a'.repeat(8 * 1024);
    expect(outcome({ authorization: `Bearer ${token}` })).toEqual({ token });
  });

  it('refuses several Authorization headers even though Node keeps only the first', () => {
    const raw = ['Authorization', `Bearer ${TOKEN}`, 'authorization', 'Bearer other'];
    expect(outcome({ authorization: `Bearer ${TOKEN}` }, raw)).toBe('malformed_credential');
  });

  it('puts the refusal on a 401 problem', () => {
    expect(() => bearerCredentialOf({ method: 'GET', headers: { authorization: 'Bearer a b' } })).toThrow(
      expect.objectContaining({ status: 401, code: 'malformed_credential' }) as unknown as Error,
    );
  });
});
