import { AuthError, type AuthErrorCode } from '@authbench/auth-core';
import { describe, expect, it } from '@jest/globals';
import { readBearerToken } from '../src/index.js';

const TOKEN = 'eyJzdWIiOiJ4In0.ZVTXMA.c2lnbmF0dXJl';

function refusalCode(headers: Record<string, string>, rawHeaders?: string[]): AuthErrorCode | 'accepted' {
  try {
    readBearerToken({ headers, ...(rawHeaders === undefined ? {} : { rawHeaders }) });
    return 'accepted';
  } catch (error) {
    if (error instanceof AuthError) return error.code;
    throw error;
  }
}

describe('readBearerToken', () => {
  it.each(['Bearer', 'bearer', 'BEARER', 'bEaReR'])(
    'reads the token after %s (case-insensitive scheme)',
    (scheme) => {
      expect(readBearerToken({ headers: { authorization: `${scheme} ${TOKEN}` } })).toBe(TOKEN);
    },
  );

  it('says missing_credential when there is no Authorization header (cookies and query do not count)', () => {
    expect(refusalCode({ cookie: `sid=${TOKEN}` })).toBe('missing_credential');
  });

  it.each([
    ['an empty header', ''],
    ['the scheme alone', 'Bearer'],
    ['the scheme and a space', 'Bearer '],
    ['two spaces', `Bearer  ${TOKEN}`],
    ['a tab', `Bearer\t${TOKEN}`],
    ['two tokens', `Bearer ${TOKEN} ${TOKEN}`],
    ['a comma list', `Bearer ${TOKEN}, Basic dXNlcjpwYXNz`],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a token without a scheme', TOKEN],
    ['characters outside b64token', 'Bearer abc"def'],
    ['an oversized value', `Bearer ${'a'.repeat(8193)}`],
  ])('says malformed_credential for %s', (_label, value) => {
    expect(refusalCode({ authorization: value })).toBe('malformed_credential');
  });

  it('refuses several Authorization headers even though Node keeps only the first', () => {
    const raw = ['Authorization', `Bearer ${TOKEN}`, 'authorization', 'Bearer other'];
    expect(refusalCode({ authorization: `Bearer ${TOKEN}` }, raw)).toBe('malformed_credential');
  });
});
