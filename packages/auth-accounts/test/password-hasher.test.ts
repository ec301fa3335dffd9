import { describe, expect, it } from '@jest/globals';
import { Argon2PasswordHasher, OWASP_ARGON2ID } from '../src/index.js';

describe('Argon2PasswordHasher with the OWASP defaults', () => {
  const hasher = new Argon2PasswordHasher();

  it('produces Argon2id hashes with the OWASP parameters that verify only the right password', async () => {
    const hash = await hasher.hash('pässword 🔑');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(hash, 'pässword 🔑')).toBe(true);
    expect(await hasher.verify(hash, 'pässword 🔒')).toBe(false);
    expect(hasher.needsRehash(hash)).toBe(false);
  });

  it('never truncates: passwords differing only after byte 72 differ', async () => {
    const base = 'a'.repeat(100);
    const hash = await hasher.hash(`${base}1`);
    expect(await hasher.verify(hash, `${base}2`)).toBe(false);
  });

  it('treats an unparsable stored hash as a non-match and as needing a re-hash', async () => {
    expect(await hasher.verify('not a hash', 'whatever')).toBe(false);
    expect(hasher.needsRehash('not a hash')).toBe(true);
  });

  it('spends a real verification on unknown users', async () => {
    await expect(hasher.burnOneVerification('anything')).resolves.toBeUndefined();
  });

  it('refuses parameters below the algorithm minimum at construction', () => {
    expect(() => new Argon2PasswordHasher({ ...OWASP_ARGON2ID, timeCost: 0 })).toThrow(RangeError);
  });
});
